#include "paperpulse/storage/postgres/postgres_store.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

namespace paperpulse::storage {
namespace {

// SOCI 4.0 re-tokenises the connection string as space-separated key=value
// pairs (to pick out its own options), which breaks libpq URIs. So parse the
// URI (or conninfo) with libpq and hand SOCI the key=value form.
Result<std::string> ToKeyValueConninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err ? err : "unparseable";
    if (err) PQfreemem(err);
    return Fail(ErrorCode::kInvalidArgument, "bad PostgreSQL connection string: " + msg);
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string value;
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\'' || *c == '\\') value.push_back('\\');
      value.push_back(*c);
    }
    if (!out.empty()) out.push_back(' ');
    out.append(o->keyword);
    out.append("='");
    out.append(value);
    out.push_back('\'');
  }
  PQconninfoFree(opts);
  return out;
}

}  // namespace

Result<std::unique_ptr<SociDb>> ConnectPostgres(const std::string& conninfo) {
  ASSIGN_OR_RETURN(std::string kv, ToKeyValueConninfo(conninfo));
  Dialect d;
  d.name = "postgresql";
  d.auto_id = "BIGSERIAL PRIMARY KEY";
  d.int64 = "BIGINT";
  d.double_type = "DOUBLE PRECISION";
  d.begin_write = "BEGIN";
  // NO KEY UPDATE, not UPDATE: rows are never re-keyed, and this lock lets
  // foreign key checks of other transactions (a vote on the paper being
  // imported) through instead of making them wait or deadlock.
  d.select_for_update = " FOR NO KEY UPDATE";
  // Serialises nodes that start at the same time on one database: only one
  // applies a migration, the others then see it recorded and skip it.
  d.migration_lock = "SELECT pg_advisory_xact_lock(7346102)";
  d.on_connect = [](soci::session& sql) { sql << "SET client_min_messages = WARNING"; };
  return SociDb::Connect(*soci::factory_postgresql(), kv, std::move(d), "connecting to PostgreSQL");
}

}  // namespace paperpulse::storage
