// index_probe DATA_DIR < ids: reads the live search index of DATA_DIR as
// `serve` does (search::OpenIndex), without bringing it up to date first
// (which `paperpulse search` would do, repairing what a test means to see),
// and prints one JSON object:
//   {"documents": N, "last_change_seq": S, "checked": C, "missing": [up to 20 ids]}
// where "missing" are ids read from stdin (one per line) that an `id:` query
// does not find. Exit 0 when the index could be read, 1 otherwise (the
// error on stderr). For the fault tests (tests/integration/faults_*_test.py).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "paperpulse/search/index.h"

int main(int argc, char** argv) {
  using namespace paperpulse;
  if (argc != 2) {
    std::fprintf(stderr, "usage: index_probe DATA_DIR < ids\n");
    return 2;
  }
  auto index = search::OpenIndex(argv[1]);
  if (!index) {
    std::fprintf(stderr, "index_probe: %s\n", index.error().message.c_str());
    return 1;
  }
  auto info = (*index)->Info();
  if (!info) {
    std::fprintf(stderr, "index_probe: %s\n", info.error().message.c_str());
    return 1;
  }
  std::vector<std::string> missing;
  long long checked = 0;
  search::SearchOptions options;
  options.limit = 1;
  for (std::string id; std::getline(std::cin, id);) {
    if (id.empty()) continue;
    ++checked;
    auto found = (*index)->Search("id:" + id, options);
    if (!found) {
      std::fprintf(stderr, "index_probe: id:%s: %s\n", id.c_str(), found.error().message.c_str());
      return 1;
    }
    if (found->hits.empty() || found->hits[0].id != id) missing.push_back(id);
  }
  std::printf("{\"documents\": %lld, \"last_change_seq\": %lld, \"checked\": %lld, \"missing\": [",
              static_cast<long long>(info->documents),
              static_cast<long long>(info->last_change_seq), checked);
  for (size_t i = 0; i < missing.size() && i < 20; ++i) {
    std::printf("%s\"%s\"", i ? ", " : "", missing[i].c_str());
  }
  std::printf("], \"missing_count\": %zu}\n", missing.size());
  return 0;
}
