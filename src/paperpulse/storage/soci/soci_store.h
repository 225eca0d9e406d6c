// The Store over SOCI, shared by the SQLite and PostgreSQL backends. A
// backend connects a SociDb (soci/db.h) with its Dialect; the SQL lives in
// one file per group of tables (papers, daily, accounts, votes, popularity,
// moderation, subscriptions, outbox, library, reading_lists, comments, meta)
// and SociStore delegates to them.
#pragma once

#include <memory>

#include "paperpulse/storage/soci/db.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::storage {

// Connects to the database `options` names, without migrating: the first
// half of Store::Open (defined with it in store.cc). Tests use it alone to
// build a database at an old schema. Errors: as Store::Open.
Result<std::unique_ptr<SociDb>> ConnectSociDb(const StoreOptions& options);

// Applies pending migrations on `db` and returns the ready Store.
Result<std::unique_ptr<Store>> MakeSociStore(std::unique_ptr<SociDb> db);

}  // namespace paperpulse::storage
