// The `paperpulse` command line: one file per subcommand, all registered by Main().
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "paperpulse/base/result.h"
#include "paperpulse/storage/store.h"

namespace CLI {
class App;
}

namespace paperpulse::cli {

// Options every command accepts, anywhere on its line.
struct CommonOptions {
  std::string data_dir;  // --data-dir, env PAPERPULSE_DATA_DIR, default ./var
  std::string db;        // --db, env PAPERPULSE_DB; empty = SQLite in data_dir
  bool verbose = false;  // --verbose

  storage::StoreOptions ToStoreOptions() const { return {data_dir, db}; }
};

// Adds --data-dir, --db and --verbose to `cmd`, bound to `opts`.
void AddCommonOptions(CLI::App& cmd, CommonOptions& opts);

// Opens the Store named by `opts`, printing the error to stderr on failure.
Result<std::unique_ptr<storage::Store>> OpenStore(const CommonOptions& opts);

// A subcommand's body; its return value is the process exit code.
using Command = std::function<int()>;

// Each registers one subcommand on `app` and sets `*run` when it is chosen.
void RegisterImport(CLI::App& app, Command* run);
void RegisterStats(CLI::App& app, Command* run);
void RegisterServe(CLI::App& app, Command* run);
void RegisterSearch(CLI::App& app, Command* run);
void RegisterReindex(CLI::App& app, Command* run);
void RegisterHarvest(CLI::App& app, Command* run);
void RegisterUser(CLI::App& app, Command* run);
void RegisterToken(CLI::App& app, Command* run);
void RegisterDigest(CLI::App& app, Command* run);

// Entry point of the binary.
int Main(int argc, char** argv);

}  // namespace paperpulse::cli
