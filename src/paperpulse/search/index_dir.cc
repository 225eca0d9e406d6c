#include "paperpulse/search/index_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

namespace paperpulse::search {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCurrent = "CURRENT";
constexpr std::string_view kGenPrefix = "gen-";
constexpr std::string_view kTmpMarker = ".tmp-";

tl::unexpected<Error> IoError(const std::string& what, const std::error_code& ec) {
  return Fail(ErrorCode::kIo, what + ": " + ec.message());
}

// Generations are numbered up from 1, one per publish: twelve digits outlast
// any disk. A longer number is some other folder (std::stol threw on one
// that overflowed a long, and LONG_MAX + 1 would have overflowed).
constexpr long kMaxGeneration = 999'999'999'999;

// Parses all of `digits` as a decimal number in [0, max]; -1 otherwise.
long ParseDecimal(std::string_view digits, long max) {
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return -1;
  }
  long n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n > max) return -1;
  return n;
}

// Generation number of a published directory name ("gen-000007" -> 7), or
// -1 for any other name (which every function here leaves alone).
long GenerationNumber(std::string_view name) {
  if (!name.starts_with(kGenPrefix) || name.find(kTmpMarker) != std::string_view::npos) return -1;
  return ParseDecimal(name.substr(kGenPrefix.size()), kMaxGeneration);
}

std::string GenerationName(long n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen-%06ld", n);
  return buf;
}

Status FsyncPath(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Fail(ErrorCode::kIo, "open " + p.string() + ": " + ErrnoText(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Fail(ErrorCode::kIo, "fsync " + p.string() + ": " + ErrnoText(err));
  return Ok();
}

}  // namespace

std::optional<std::string> LiveGeneration(std::string_view index_dir) {
  fs::path dir(index_dir);
  std::ifstream in(dir / kCurrent);
  std::string name;
  if (!in || !std::getline(in, name) || GenerationNumber(name) < 0) return std::nullopt;
  std::error_code ec;
  if (!fs::is_directory(dir / name, ec)) return std::nullopt;
  return (dir / name).string();
}

Result<std::string> NewBuildDirectory(std::string_view index_dir) {
  fs::path dir(index_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("creating " + dir.string(), ec);
  // Builds of processes that died are leftovers; builds of live processes
  // (a `reindex` next to `serve`) are theirs to finish.
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    size_t marker = name.find(kTmpMarker);
    if (marker == std::string::npos) continue;
    // 0 (no owner: remove) when what follows the marker is not a pid.
    pid_t pid = static_cast<pid_t>(std::max(
        0L, ParseDecimal(std::string_view(name).substr(marker + kTmpMarker.size()), INT_MAX)));
    if (pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) continue;
    std::error_code rm_ec;
    fs::remove_all(entry.path(), rm_ec);
  }
  if (ec) return IoError("listing " + dir.string(), ec);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::string name = "build-";
    name += std::to_string(attempt);
    name += kTmpMarker;
    name += std::to_string(::getpid());
    fs::path build = dir / name;
    if (fs::create_directory(build, ec)) return build.string();
    if (ec) return IoError("creating " + build.string(), ec);
  }
  return Fail(ErrorCode::kIo, "no free build directory name in " + dir.string());
}

Result<std::string> PublishBuild(std::string_view index_dir, std::string_view build_dir) {
  fs::path dir(index_dir);
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(build_dir, ec)) {
    std::error_code type_ec;
    if (entry.is_regular_file(type_ec)) RETURN_IF_ERROR(FsyncPath(entry.path(), false));
  }
  if (ec) return IoError("listing " + std::string(build_dir), ec);
  RETURN_IF_ERROR(FsyncPath(build_dir, true));

  long newest = 0;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    newest = std::max(newest, GenerationNumber(entry.path().filename().string()));
  if (ec) return IoError("listing " + dir.string(), ec);
  // Another process may publish at the same moment: take the next free number.
  fs::path target;
  for (long n = newest + 1;; ++n) {
    target = dir / GenerationName(n);
    if (::rename(std::string(build_dir).c_str(), target.c_str()) == 0) break;
    if (errno != EEXIST && errno != ENOTEMPTY) {
      return Fail(ErrorCode::kIo, "renaming " + std::string(build_dir) + ": " + ErrnoText(errno));
    }
  }

  fs::path tmp = dir / "CURRENT.tmp";
  tmp += std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << target.filename().string() << "\n";
    out.flush();
    if (!out) return Fail(ErrorCode::kIo, "writing " + tmp.string());
  }
  RETURN_IF_ERROR(FsyncPath(tmp, false));
  fs::rename(tmp, dir / kCurrent, ec);
  if (ec) return IoError("replacing " + (dir / kCurrent).string(), ec);
  RETURN_IF_ERROR(FsyncPath(dir, true));

  // Readers and the Indexer of a running `serve` may still hold the
  // previous generation: it goes when the last of them lets go.
  SweepGenerations(index_dir);
  return target.string();
}

FlockHold::~FlockHold() {
  if (fd_ >= 0) ::close(fd_);
}

FlockHold::FlockHold(FlockHold&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FlockHold& FlockHold::operator=(FlockHold&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Result<std::optional<HeldGeneration>> HoldLiveGeneration(std::string_view index_dir) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::optional<std::string> live = LiveGeneration(index_dir);
    if (!live) return std::optional<HeldGeneration>();
    int fd = ::open(live->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) continue;  // swept after a publish: read CURRENT again
      return Fail(ErrorCode::kIo, "open " + *live + ": " + ErrnoText(errno));
    }
    FlockHold hold(fd);
    // A sweeper holding it exclusively is removing it, so it is no longer
    // live: read CURRENT again.
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK || errno == EINTR) continue;
      return Fail(ErrorCode::kIo, "flock " + *live + ": " + ErrnoText(errno));
    }
    // Held and still live: no sweep removes it now.
    if (LiveGeneration(index_dir) == live) {
      return std::optional<HeldGeneration>(HeldGeneration{std::move(*live), std::move(hold)});
    }
  }
  return Fail(ErrorCode::kUnavailable,
              "the live search index in " + std::string(index_dir) + " kept changing");
}

Result<std::optional<FlockHold>> TryLockBuild(std::string_view index_dir) {
  fs::path dir(index_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("creating " + dir.string(), ec);
  fs::path path = dir / "BUILD.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(ErrorCode::kIo, "open " + path.string() + ": " + ErrnoText(errno));
  FlockHold lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return std::optional<FlockHold>();
    return Fail(ErrorCode::kIo, "flock " + path.string() + ": " + ErrnoText(errno));
  }
  return std::optional<FlockHold>(std::move(lock));
}

int SweepGenerations(std::string_view index_dir) {
  fs::path dir(index_dir);
  std::optional<std::string> live = LiveGeneration(index_dir);
  if (!live) return 0;  // nothing to keep readers on: leave everything
  long live_number = GenerationNumber(fs::path(*live).filename().string());
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    long n = GenerationNumber(entry.path().filename().string());
    if (n < 0 || n >= live_number) continue;
    int fd = ::open(entry.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      std::error_code rm_ec;
      fs::remove_all(entry.path(), rm_ec);
      if (!rm_ec) ++removed;
    }
    ::close(fd);
  }
  return removed;
}

std::string LookupIndexPath(std::string_view index_dir) {
  return (fs::path(std::string(index_dir)) / "lookup").string();
}

std::string LookupShardPath(std::string_view lookup_path, int i) {
  return (fs::path(std::string(lookup_path)) / ("shard-" + std::to_string(i))).string();
}

int64_t DirectorySize(std::string_view path) {
  std::error_code ec;
  int64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
    std::error_code size_ec;
    if (entry.is_regular_file(size_ec)) {
      auto size = entry.file_size(size_ec);
      if (!size_ec) total += static_cast<int64_t>(size);
    }
  }
  return total;
}

}  // namespace paperpulse::search
