// Fresh, empty databases for tests, on every backend under test: SQLite in a
// temp dir always; PostgreSQL when PAPERPULSE_TEST_PG holds a libpq URL of a
// server the test may create databases on (make test starts one).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "paperpulse/storage/store.h"

namespace paperpulse::storage::testing {

// "sqlite", plus "postgresql" when PAPERPULSE_TEST_PG is set.
std::vector<std::string> BackendsUnderTest();

// Every backend, available or not. ctest lists a suite's tests when the
// test binary is built, without PAPERPULSE_TEST_PG; a suite instantiated
// over AllBackends() and skipping unavailable ones (BackendAvailable) has
// its PostgreSQL tests listed, and so run when ctest runs with a server.
std::vector<std::string> AllBackends();
bool BackendAvailable(const std::string& backend);

// A new empty database on `backend`; dropped/removed when destroyed.
class TempDatabase {
 public:
  explicit TempDatabase(const std::string& backend);
  ~TempDatabase();
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  const StoreOptions& options() const { return options_; }
  // Opens another connection to the same database.
  std::unique_ptr<Store> Open() const;

 private:
  std::string backend_;
  std::string dir_;
  std::string pg_admin_url_;
  std::string pg_dbname_;
  StoreOptions options_;
};

}  // namespace paperpulse::storage::testing
