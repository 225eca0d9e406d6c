// The Store over SOCI: all SQL and merge logic shared by the SQLite and
// PostgreSQL backends. A backend supplies a connected session and a Dialect
// for the few places where the two databases differ.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "paperpulse/storage/store.h"

namespace soci {
class session;
}

namespace paperpulse::storage {

struct Dialect {
  std::string name;               // "sqlite" | "postgresql"
  std::string auto_id;            // column type of a generated integer key
  std::string int64;              // 64-bit integer column type
  std::string begin_write;        // statement that opens a write transaction
  std::string select_for_update;  // suffix that locks rows read inside a transaction
  std::string migration_lock;     // statement run first in each migration transaction
};

// Takes ownership of `session`; runs migrations; returns the ready Store.
Result<std::unique_ptr<Store>> MakeSociStore(std::unique_ptr<soci::session> session,
                                             Dialect dialect);

// The SQL of every migration, in order, for `dialect` (statements separated
// into a list so that both databases execute them one at a time).
struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;
};
std::vector<Migration> AllMigrations(const Dialect& dialect);

}  // namespace paperpulse::storage
