// Layout of the index directory <data_dir>/search, shared by readers and
// writers (no Xapian here):
//   CURRENT            the name of the live generation, e.g. "gen-000007"
//   gen-000007/        a complete index
//   gen-000008.tmp-PID a build in progress by process PID
//   lookup/shard-N/    the first-stage index of a fresh site, one database
//                      per core (index_writer.h), only while no generation
//                      is live
// A build is published by renaming its directory to the next generation
// and then atomically replacing CURRENT, so a reader sees either the old
// index or the complete new one; a crash at any point leaves the old one live.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"

namespace paperpulse::search {

// Path of the live generation (absolute or relative as `index_dir` is), or
// nullopt when there is none (no CURRENT, or it names a missing directory).
std::optional<std::string> LiveGeneration(std::string_view index_dir);

// Creates `index_dir` if needed and a new, empty build directory in it.
// Removes build directories of processes that are gone. Errors: kIo.
Result<std::string> NewBuildDirectory(std::string_view index_dir);

// Flushes every file of `build_dir` to disk, renames it to the next
// generation, points CURRENT at it and removes all generations except it and
// the one it replaced. Returns the new generation's path. Errors: kIo.
Result<std::string> PublishBuild(std::string_view index_dir, std::string_view build_dir);

// Path of the lookup index under `index_dir`, and of its shard `i`
// (lookup/shard-0, ...): readers open every shard that exists.
std::string LookupIndexPath(std::string_view index_dir);
std::string LookupShardPath(std::string_view lookup_path, int i);

// Total size in bytes of the files under `path` (0 when it does not exist).
int64_t DirectorySize(std::string_view path);

}  // namespace paperpulse::search
