#include "paperpulse/storage/sqlite/sqlite_store.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "paperpulse/storage/soci/soci_store.h"

namespace paperpulse::storage {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto session = std::make_unique<soci::session>();
  try {
    // timeout: seconds to wait for another writer (busy_timeout).
    session->open(soci::sqlite3, "db=" + path + " timeout=30 shared_cache=false");
    // WAL: readers never block the writer; synchronous=NORMAL keeps every
    // committed transaction across a process crash (kill -9), trading only
    // the last transactions on power loss for speed.
    *session << "PRAGMA journal_mode=WAL";
    *session << "PRAGMA synchronous=NORMAL";
    *session << "PRAGMA foreign_keys=ON";
    *session << "PRAGMA cache_size=-65536";
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kIo, "opening SQLite database " + path + ": " + e.what());
  }
  Dialect d;
  d.name = "sqlite";
  d.auto_id = "INTEGER PRIMARY KEY";
  d.int64 = "INTEGER";
  // IMMEDIATE takes the write lock up front, so two writers wait for each
  // other (busy timeout) instead of failing on lock upgrade.
  d.begin_write = "BEGIN IMMEDIATE";
  d.select_for_update = "";
  d.migration_lock = "";
  return MakeSociStore(std::move(session), std::move(d));
}

}  // namespace paperpulse::storage
