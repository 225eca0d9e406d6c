// `paperpulse import [--data-dir D] PATH...`: every format we read, detected
// from content; exit 0 only when nothing was rejected (or --allow-errors).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "paperpulse/cli/cli.h"
#include "paperpulse/ingest/importer.h"

namespace paperpulse::cli {

void RegisterImport(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand(
      "import",
      "Import arXiv / Hugging Face metadata files or directories (recursive, gzip allowed). "
      "Formats: Kaggle JSONL/CSV, arXiv API Atom, OAI-PMH XML, oai_dc JSONL, daily listing "
      "JSONL, .abs, HF daily_papers JSON, abstract CSVs");
  struct Args {
    CommonOptions common;
    std::vector<std::string> paths;
    size_t batch = 5000;
    bool allow_errors = false;
    bool json = false;
    bool quiet = false;
    std::string error_log;
    std::string format;
  };
  auto args = std::make_shared<Args>();
  AddCommonOptions(*cmd, args->common);
  cmd->add_option("paths", args->paths, "Files or directories")->required();
  cmd->add_option("--batch-size", args->batch, "Records per transaction")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_flag("--allow-errors", args->allow_errors,
                "Exit 0 even when records were rejected or files could not be read");
  cmd->add_option("--error-log", args->error_log, "Write every rejected record to this file");
  cmd->add_option("--format", args->format, "Skip detection and read every file with this reader");
  cmd->add_flag("--json", args->json, "Print the summary as JSON on stdout");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([=] {
    *run = [=]() -> int {
      auto store = OpenStore(args->common);
      if (!store) return 2;
      ingest::ImportOptions options;
      options.batch_size = args->batch;
      options.progress = !args->quiet && ::isatty(STDERR_FILENO);
      options.format = args->format;
      FILE* log = nullptr;
      if (!args->error_log.empty()) {
        log = std::fopen(args->error_log.c_str(), "w");
        if (log == nullptr) {
          std::fprintf(stderr, "paperpulse import: cannot write %s\n", args->error_log.c_str());
          return 2;
        }
        options.error_log = log;
      }
      ingest::Importer importer(**store, options);
      Status status = importer.ImportPaths(args->paths);
      if (log) std::fclose(log);
      const auto& s = importer.summary();
      for (const auto& f : s.failed) std::fprintf(stderr, "import: error: %s\n", f.c_str());
      for (const auto& f : s.skipped) std::fprintf(stderr, "import: skipped %s\n", f.c_str());
      if (args->json) {
        std::printf("%s\n", s.ToJson().c_str());
      } else {
        std::fputs(s.ToText().c_str(), stderr);
      }
      if (!status) {
        std::fprintf(stderr, "paperpulse import: stopped: %s\n", status.error().message.c_str());
        return 2;
      }
      bool clean = s.total.rejected == 0 && s.failed.empty();
      return clean || args->allow_errors ? 0 : 1;
    };
  });
}

}  // namespace paperpulse::cli
