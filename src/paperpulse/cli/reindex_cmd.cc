// `paperpulse reindex`: rebuilds the search index from the Store. Readers
// (a running `serve`) keep using the old index until the new one is complete.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "paperpulse/cli/cli.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/indexer.h"

namespace paperpulse::cli {

void RegisterReindex(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand("reindex", "Rebuild the search index from the database");
  auto opts = std::make_shared<CommonOptions>();
  AddCommonOptions(*cmd, *opts);
  cmd->callback([=] {
    *run = [=]() -> int {
      search::IndexerOptions options;
      options.store = opts->ToStoreOptions();
      auto indexer = search::Indexer::Create(options);
      if (!indexer) {
        std::fprintf(stderr, "paperpulse reindex: %s\n", indexer.error().message.c_str());
        return 1;
      }
      auto start = std::chrono::steady_clock::now();
      // Stored trending scores follow the formula's current constants
      // (ranking/trending_constants.h) before the index copies them.
      {
        auto store = OpenStore(*opts);
        if (!store) return 1;
        auto rescored = (*store)->RescoreTrending();
        if (!rescored) {
          std::fprintf(stderr, "paperpulse reindex: %s\n", rescored.error().message.c_str());
          return 1;
        }
        if (*rescored > 0) {
          std::fprintf(stderr, "rescored the trending score of %lld papers\n",
                       static_cast<long long>(*rescored));
        }
      }
      if (Status s = (*indexer)->Rebuild(); !s) {
        std::fprintf(stderr, "paperpulse reindex: %s\n", s.error().message.c_str());
        return 1;
      }
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      int64_t docs = (*indexer)->documents_indexed();
      int64_t seq = (*indexer)->indexed_seq();
      indexer->reset();
      int64_t bytes = 0;
      if (auto index = search::OpenIndex(opts->data_dir)) {
        if (auto info = (*index)->Info()) bytes = info->size_bytes;
      }
      std::fprintf(stderr,
                   "reindexed %lld papers (up to change %lld) in %.1f s, %.0f papers/s, "
                   "index %.1f MiB\n",
                   static_cast<long long>(docs), static_cast<long long>(seq), seconds,
                   seconds > 0 ? static_cast<double>(docs) / seconds : 0.0,
                   static_cast<double>(bytes) / (1024.0 * 1024.0));
      return 0;
    };
  });
}

}  // namespace paperpulse::cli
