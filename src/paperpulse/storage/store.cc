#include "paperpulse/storage/store.h"

#include <filesystem>
#include <system_error>

#include "paperpulse/base/strings.h"
#include "paperpulse/storage/postgres/postgres_store.h"
#include "paperpulse/storage/soci/soci_store.h"
#include "paperpulse/storage/sqlite/sqlite_store.h"

namespace paperpulse::storage {

Result<std::unique_ptr<SociDb>> ConnectSociDb(const StoreOptions& options) {
  const std::string& url = options.url;
  if (url.empty() || StartsWith(url, "sqlite:")) {
    std::string path;
    if (StartsWith(url, "sqlite://")) {
      path = url.substr(9);
    } else if (StartsWith(url, "sqlite:")) {
      path = url.substr(7);
    } else {
      std::error_code ec;
      std::filesystem::create_directories(options.data_dir, ec);
      if (ec) {
        return Fail(ErrorCode::kIo,
                    "creating data directory " + options.data_dir + ": " + ec.message());
      }
      path = (std::filesystem::path(options.data_dir) / "paperpulse.db").string();
    }
    return ConnectSqlite(path);
  }
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://") ||
      url.find('=') != std::string::npos) {
    return ConnectPostgres(url);
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown database URL \"" + url +
                  "\": expected postgresql://..., sqlite:PATH, or empty for SQLite in --data-dir");
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<SociDb> db, ConnectSociDb(options));
  return MakeSociStore(std::move(db));
}

}  // namespace paperpulse::storage
