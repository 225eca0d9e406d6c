// The scale-out backend: PostgreSQL (15, Debian bookworm) through SOCI/libpq.
#pragma once

#include <memory>
#include <string>

#include "paperpulse/storage/store.h"

namespace paperpulse::storage {

// Connects with a libpq connection string or URI ("postgresql://user@host:port/db").
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo);

}  // namespace paperpulse::storage
