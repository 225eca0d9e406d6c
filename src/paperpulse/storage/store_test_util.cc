#include "paperpulse/storage/store_test_util.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace paperpulse::storage::testing {
namespace {

void PgExec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("PostgreSQL: " + msg);
  }
  PGresult* r = PQexec(conn, sql.c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("PostgreSQL: " + sql + ": " + msg);
}

// Replaces the database name (path) of a postgresql:// URL.
std::string WithDatabase(const std::string& url, const std::string& db) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme + 3);
  auto query = url.find('?', scheme + 3);
  std::string base = url.substr(0, slash == std::string::npos ? query : slash);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + db + rest;
}

}  // namespace

std::vector<std::string> BackendsUnderTest() {
  std::vector<std::string> out = {"sqlite"};
  if (const char* pg = std::getenv("PAPERPULSE_TEST_PG"); pg && *pg) out.push_back("postgresql");
  return out;
}

std::vector<std::string> AllBackends() { return {"sqlite", "postgresql"}; }

bool BackendAvailable(const std::string& backend) {
  std::vector<std::string> available = BackendsUnderTest();
  return std::find(available.begin(), available.end(), backend) != available.end();
}

TempDatabase::TempDatabase(const std::string& backend) : backend_(backend) {
  static std::atomic<int> counter{0};
  std::string unique = std::to_string(::getpid()) + "_" + std::to_string(counter++);
  // The data dir holds the SQLite database, and on every backend what lives
  // beside the Store (the search index).
  dir_ = (std::filesystem::temp_directory_path() / ("pp_store_" + unique)).string();
  std::filesystem::create_directories(dir_);
  options_.data_dir = dir_;
  if (backend == "sqlite") return;
  pg_admin_url_ = std::getenv("PAPERPULSE_TEST_PG");
  pg_dbname_ = "pp_test_" + unique;
  PgExec(pg_admin_url_, "CREATE DATABASE " + pg_dbname_);
  options_.url = WithDatabase(pg_admin_url_, pg_dbname_);
}

TempDatabase::~TempDatabase() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  if (!pg_dbname_.empty()) {
    try {
      PgExec(pg_admin_url_, "DROP DATABASE IF EXISTS " + pg_dbname_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // Best effort: the throw-away server is deleted after the run anyway.
    }
  }
}

std::unique_ptr<Store> TempDatabase::Open() const {
  auto store = Store::Open(options_);
  if (!store) throw std::runtime_error(store.error().ToString());
  return std::move(*store);
}

}  // namespace paperpulse::storage::testing
