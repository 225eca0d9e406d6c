// Forward-only schema migrations. Never edit a released migration: append a
// new one. Each runs in its own transaction and records itself in
// schema_migrations, so a crash leaves either all of it or none.
#pragma once

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/storage/soci/db.h"

namespace paperpulse::storage {

struct Migration {
  int version;
  std::string name;
  // Run one at a time (both databases take one statement per call).
  std::vector<std::string> statements;
  // Run after `statements` in the same transaction, for what SQL cannot say
  // on both databases (a score computed in C++); may be empty.
  std::function<Status(SociDb&)> finish = nullptr;
};

// Every migration, in order, with its SQL written for `dialect`.
std::vector<Migration> AllMigrations(const Dialect& dialect);

// Applies the migrations numbered <= `up_to` that `db` has not applied yet,
// in order. Several processes may call it on one database at once (the
// dialect's migration lock and the version check inside the transaction
// make each migration run once). Errors: those of the database, naming the
// migration. Tests pass a smaller `up_to` to build an old schema.
Status ApplyMigrations(SociDb& db, int up_to = std::numeric_limits<int>::max());

}  // namespace paperpulse::storage
