// The embedded default backend: one SQLite file in WAL mode.
#pragma once

#include <memory>
#include <string>

#include "paperpulse/storage/store.h"

namespace paperpulse::storage {

// Opens or creates the SQLite database at `path` (parent directory must exist).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace paperpulse::storage
