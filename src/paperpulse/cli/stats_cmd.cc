// `paperpulse stats [--json]`: counts of what the Store holds.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "paperpulse/cli/cli.h"

namespace paperpulse::cli {

void RegisterStats(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand("stats", "Print counts of papers, versions, daily entries, users");
  auto opts = std::make_shared<CommonOptions>();
  auto json = std::make_shared<bool>(false);
  AddCommonOptions(*cmd, *opts);
  cmd->add_flag("--json", *json, "Print one JSON object");
  cmd->callback([=] {
    *run = [=]() -> int {
      auto store = OpenStore(*opts);
      if (!store) return 1;
      auto stats = (*store)->Stats();
      if (!stats) {
        std::fprintf(stderr, "paperpulse stats: %s\n", stats.error().message.c_str());
        return 1;
      }
      const auto& s = *stats;
      if (*json) {
        std::printf(
            "{\"papers\": %lld, \"versions\": %lld, \"daily_entries\": %lld, \"users\": %lld, "
            "\"change_seq\": %lld, \"unkeyed\": %lld, \"backend\": \"%s\"}\n",
            static_cast<long long>(s.papers), static_cast<long long>(s.versions),
            static_cast<long long>(s.daily_entries), static_cast<long long>(s.users),
            static_cast<long long>(s.change_seq), static_cast<long long>(s.unkeyed),
            std::string((*store)->Backend()).c_str());
      } else {
        std::printf(
            "papers         %lld\nversions       %lld\ndaily entries  %lld\nusers          "
            "%lld\nchange seq     %lld\nwithout id     %lld\nbackend        %s\n",
            static_cast<long long>(s.papers), static_cast<long long>(s.versions),
            static_cast<long long>(s.daily_entries), static_cast<long long>(s.users),
            static_cast<long long>(s.change_seq), static_cast<long long>(s.unkeyed),
            std::string((*store)->Backend()).c_str());
      }
      return 0;
    };
  });
}

}  // namespace paperpulse::cli
