// The embedded default backend: one SQLite file in WAL mode.
#pragma once

#include <memory>
#include <string>

#include "paperpulse/storage/soci/db.h"

namespace paperpulse::storage {

// Opens or creates the SQLite database at `path` (parent directory must
// exist), not yet migrated. Errors: kIo with SQLite's message.
Result<std::unique_ptr<SociDb>> ConnectSqlite(const std::string& path);

}  // namespace paperpulse::storage
