#include "paperpulse/storage/sqlite/sqlite_store.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace paperpulse::storage {

Result<std::unique_ptr<SociDb>> ConnectSqlite(const std::string& path) {
  Dialect d;
  d.name = "sqlite";
  d.auto_id = "INTEGER PRIMARY KEY";
  d.int64 = "INTEGER";
  d.double_type = "REAL";
  // IMMEDIATE takes the write lock up front, so two writers wait for each
  // other (busy timeout) instead of failing on lock upgrade.
  d.begin_write = "BEGIN IMMEDIATE";
  d.select_for_update = "";
  d.migration_lock = "";
  d.on_connect = [](soci::session& sql) {
    // Extended result codes say which constraint failed (unique or foreign
    // key), which SociDb::DbError maps to different codes.
    auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    sqlite_api::sqlite3_extended_result_codes(backend->conn_, 1);
    // WAL: readers never block the writer; synchronous=NORMAL keeps every
    // committed transaction across a process crash (kill -9), trading only
    // the last transactions on power loss for speed.
    sql << "PRAGMA journal_mode=WAL";
    sql << "PRAGMA synchronous=NORMAL";
    sql << "PRAGMA foreign_keys=ON";
    sql << "PRAGMA cache_size=-65536";
  };
  // timeout: seconds to wait for another writer (busy_timeout).
  return SociDb::Connect(*soci::factory_sqlite3(), "db=" + path + " timeout=30 shared_cache=false",
                         std::move(d), "opening SQLite database " + path);
}

}  // namespace paperpulse::storage
