#include "paperpulse/storage/postgres/postgres_store.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "paperpulse/storage/soci/soci_store.h"

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

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo) {
  ASSIGN_OR_RETURN(std::string kv, ToKeyValueConninfo(conninfo));
  auto session = std::make_unique<soci::session>();
  try {
    session->open(soci::postgresql, kv);
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
