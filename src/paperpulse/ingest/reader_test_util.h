// Helpers for the reader tests: running a reader over a file or a string,
// the per-file record counts of a data folder's PROVENANCE.md, and the heads
// of every file under the shared data directory (for Sniff tests).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/reader.h"
#include "paperpulse/ingest/readers.h"
#include "paperpulse/ingest/source.h"

namespace paperpulse::ingest::testing {

// Tests in paperpulse::ingest say testing::SharedDataDir(): keep it visible
// when this namespace hides paperpulse::testing.
using paperpulse::testing::SharedDataDir;

// The whole file at `path` (binary).
inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Reads `path` as the importer does: the registry detects the reader from
// the file's head, it must be the reader named `expected`, and Read must
// succeed. Failures are reported as test failures.
inline CollectingSink ReadDetected(const std::string& path, std::string_view expected) {
  CollectingSink sink;
  auto source = ByteSource::Open(path);
  EXPECT_TRUE(source.has_value()) << path;
  if (!source) return sink;
  auto readers = AllReaders();
  auto head = (*source)->Peek(64 << 10);
  EXPECT_TRUE(head.has_value()) << path;
  if (!head) return sink;
  Reader* reader = DetectReader(readers, *head, path);
  EXPECT_NE(reader, nullptr) << path;
  if (reader == nullptr) return sink;
  EXPECT_EQ(reader->Name(), expected) << path;
  auto status = reader->Read(**source, sink);
  EXPECT_TRUE(status.has_value()) << path << ": " << status.error().ToString();
  return sink;
}

// Runs `reader` over `data` (named `name` in positions); Read must succeed.
inline CollectingSink ReadStringOk(Reader& reader, std::string data, const std::string& name) {
  CollectingSink sink;
  auto source = ByteSource::FromString(std::move(data), name);
  auto status = reader.Read(*source, sink);
  EXPECT_TRUE(status.has_value()) << name << ": " << status.error().ToString();
  return sink;
}

inline std::string DataDir(const std::string& folder) {
  return paperpulse::testing::SharedDataDir() + "/" + folder;
}

// Runs `reader` over the file at `path`; the Status of Read().
inline Status ReadPath(Reader& reader, const std::string& path, CollectingSink& sink) {
  auto source = ByteSource::Open(path);
  if (!source) return tl::unexpected(source.error());
  return reader.Read(**source, sink);
}

inline Status ReadString(Reader& reader, std::string data, const std::string& name,
                         CollectingSink& sink) {
  auto source = ByteSource::FromString(std::move(data), name);
  return reader.Read(*source, sink);
}

// File name -> "Records" column of the per-file table of `folder`'s
// PROVENANCE.md (| `file` | repo | path | commit | last change | license |
// bytes | records | notes |).
inline std::map<std::string, int> ProvenanceCounts(const std::string& folder) {
  std::ifstream in(DataDir(folder) + "/PROVENANCE.md");
  std::map<std::string, int> counts;
  std::string line;
  while (std::getline(in, line)) {
    if (!StartsWith(line, "| `")) continue;
    std::vector<std::string_view> cols = Split(line, '|');
    if (cols.size() < 10) continue;  // the commit / SHA-256 table
    std::string file(TrimView(cols[1]));
    file.erase(std::remove(file.begin(), file.end(), '`'), file.end());
    std::string records(TrimView(cols[8]));
    records.erase(std::remove(records.begin(), records.end(), ','), records.end());
    counts[file] = std::atoi(records.c_str());
  }
  return counts;
}

// Every regular file under the shared data directory, except PROVENANCE.md
// and README.md, with the first 64 KiB of its (decompressed) content.
struct Head {
  std::string path;
  std::string head;
};
inline std::vector<Head> AllDataHeads() {
  std::vector<Head> out;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(paperpulse::testing::SharedDataDir())) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (name == "PROVENANCE.md" || name == "README.md") continue;
    auto source = ByteSource::Open(entry.path().string());
    if (!source) continue;
    auto head = (*source)->Peek(64 << 10);
    if (!head) continue;
    out.push_back({entry.path().string(), std::string(*head)});
  }
  std::sort(out.begin(), out.end(), [](const Head& a, const Head& b) { return a.path < b.path; });
  return out;
}

// `lines`, each followed by "\n": a JSON Lines document, line i+1 = lines[i].
inline std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out.append(l);
    out.push_back('\n');
  }
  return out;
}

// The 1-based line numbers of `sink`'s rejects, in order.
inline std::vector<int64_t> RejectLines(const CollectingSink& sink) {
  std::vector<int64_t> lines;
  for (const auto& r : sink.rejects) lines.push_back(r.pos.line);
  return lines;
}

inline std::vector<std::string> PaperIds(const CollectingSink& sink) {
  std::vector<std::string> ids;
  for (const auto& p : sink.papers) ids.push_back(p.id);
  return ids;
}

}  // namespace paperpulse::ingest::testing
