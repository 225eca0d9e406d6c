// The scale-out backend: PostgreSQL (15, Debian bookworm) through SOCI/libpq.
#pragma once

#include <memory>
#include <string>

#include "paperpulse/storage/soci/db.h"

namespace paperpulse::storage {

// Connects with a libpq connection string or URI
// ("postgresql://user@host:port/db"); the database is not yet migrated.
// Errors: kInvalidArgument for an unparseable string; kIo (with libpq's
// message) when no session could be opened.
Result<std::unique_ptr<SociDb>> ConnectPostgres(const std::string& conninfo);

}  // namespace paperpulse::storage
