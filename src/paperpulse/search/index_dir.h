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
//
// Whoever opens a generation (readers, the live writer, a progress read)
// holds it: a shared flock(2) on the generation's directory, in any
// process. A generation older than the live one goes as soon as nobody
// holds it: SweepGenerations takes an exclusive lock without waiting and
// removes what it got. Publishing sweeps, and so does each holder when it
// lets go of a generation that is no longer live, so an index never takes
// twice its size on disk for longer than its readers need the old one.
// (flock locks end with their process: a crash leaves nothing held.)
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
// generation, points CURRENT at it and sweeps (SweepGenerations). Returns
// the new generation's path. Errors: kIo.
Result<std::string> PublishBuild(std::string_view index_dir, std::string_view build_dir);

struct HeldGeneration;

// A flock(2) lock held on an open file or directory (a generation's shared
// hold, the build lock); released when destroyed.
class FlockHold {
 public:
  FlockHold() = default;
  ~FlockHold();
  FlockHold(FlockHold&& other) noexcept;
  FlockHold& operator=(FlockHold&& other) noexcept;
  FlockHold(const FlockHold&) = delete;
  FlockHold& operator=(const FlockHold&) = delete;

 private:
  friend Result<std::optional<HeldGeneration>> HoldLiveGeneration(std::string_view index_dir);
  friend Result<std::optional<FlockHold>> TryLockBuild(std::string_view index_dir);
  explicit FlockHold(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct HeldGeneration {
  std::string path;  // as LiveGeneration returns it
  FlockHold hold;
};

// The live generation, held; nullopt when none is live. A publish that
// swaps it meanwhile is followed (the hold is taken, then the generation
// checked to be still live). Errors: kIo; kUnavailable when it kept
// changing for 100 tries.
Result<std::optional<HeldGeneration>> HoldLiveGeneration(std::string_view index_dir);

// One build (a new generation, or the lookup index) per index directory at
// a time, across processes: the exclusive lock of <index_dir>/BUILD.lock,
// taken without waiting. nullopt when another process holds it (its build
// will be live when done: a second `serve` on a fresh data dir waits for
// the first one's instead of building its own). Creates `index_dir` if
// needed. Errors: kIo.
Result<std::optional<FlockHold>> TryLockBuild(std::string_view index_dir);

// Removes every generation older than the live one that no process holds;
// returns how many went. Never waits for a holder; never touches the live
// generation, newer ones (a publish in progress elsewhere), builds or
// folders that are not generations.
int SweepGenerations(std::string_view index_dir);

// Path of the lookup index under `index_dir`, and of its shard `i`
// (lookup/shard-0, ...): readers open every shard that exists.
std::string LookupIndexPath(std::string_view index_dir);
std::string LookupShardPath(std::string_view lookup_path, int i);

// Total size in bytes of the files under `path` (0 when it does not exist).
int64_t DirectorySize(std::string_view path);

}  // namespace paperpulse::search
