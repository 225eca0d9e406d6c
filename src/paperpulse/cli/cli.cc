#include "paperpulse/cli/cli.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

namespace paperpulse::cli {

void AddCommonOptions(CLI::App& cmd, CommonOptions& opts) {
  opts.data_dir = "./var";
  cmd.add_option("--data-dir", opts.data_dir, "Directory for the database and index")
      ->envname("PAPERPULSE_DATA_DIR")
      ->capture_default_str();
  cmd.add_option("--db", opts.db,
                 "Database URL: postgresql://user@host:port/db (default: SQLite in --data-dir)")
      ->envname("PAPERPULSE_DB");
  cmd.add_flag("-v,--verbose", opts.verbose, "Log more detail");
}

Result<std::unique_ptr<storage::Store>> OpenStore(const CommonOptions& opts) {
  auto store = storage::Store::Open(opts.ToStoreOptions());
  if (!store) std::fprintf(stderr, "paperpulse: %s\n", store.error().message.c_str());
  return store;
}

int Main(int argc, char** argv) {
  CLI::App app{"paperpulse: a self-hosted trending-research-papers service", "paperpulse"};
  app.require_subcommand(1);
  app.set_version_flag("--version", PAPERPULSE_VERSION);
  Command run;
  RegisterServe(app, &run);
  RegisterImport(app, &run);
  RegisterStats(app, &run);
  RegisterSearch(app, &run);
  RegisterReindex(app, &run);
  RegisterHarvest(app, &run);
  RegisterUser(app, &run);
  RegisterToken(app, &run);
  RegisterDigest(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  return run ? run() : 2;
}

}  // namespace paperpulse::cli
