#include "paperpulse/storage/postgres/postgres_store.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "paperpulse/storage/soci/soci_store.h"

namespace paperpulse::storage {

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo) {
  auto session = std::make_unique<soci::session>();
  try {
    session->open(soci::postgresql, conninfo);
    *session << "SET client_min_messages = WARNING";
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kIo, std::string("connecting to PostgreSQL: ") + e.what());
  }
  Dialect d;
  d.name = "postgresql";
  d.auto_id = "BIGSERIAL PRIMARY KEY";
  d.int64 = "BIGINT";
  d.begin_write = "BEGIN";
  d.select_for_update = " FOR UPDATE";
  // Serialises nodes that start at the same time on one database: only one
  // applies a migration, the others then see it recorded and skip it.
  d.migration_lock = "SELECT pg_advisory_xact_lock(7346102)";
  return MakeSociStore(std::move(session), std::move(d));
}

}  // namespace paperpulse::storage
