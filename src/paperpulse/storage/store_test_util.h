// Fresh, empty databases for tests, on every backend under test: SQLite in a
// temp dir always; PostgreSQL when PAPERPULSE_TEST_PG holds a libpq URL of a
// server the test may create databases on (make test starts one).
#pragma once

#include <gtest/gtest.h>

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

// A suite over backends (instantiate with ::testing::ValuesIn(AllBackends()))
// whose every test gets a fresh database on its backend, and is skipped
// where that backend is not available. A fixture deriving from it calls
// BackendTest::SetUp() first and returns when IsSkipped().
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!BackendAvailable(GetParam())) {
      GTEST_SKIP() << GetParam() << " not available (set PAPERPULSE_TEST_PG)";
    }
    db_ = std::make_unique<TempDatabase>(GetParam());
    store_ = db_->Open();
  }

  std::unique_ptr<TempDatabase> db_;
  std::unique_ptr<Store> store_;
};

}  // namespace paperpulse::storage::testing
