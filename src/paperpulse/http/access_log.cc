#include "paperpulse/http/access_log.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <string>

#include "paperpulse/base/strings.h"

namespace paperpulse::http {
namespace {

// "2026-06-30T08:00:00.123Z info access " for `time`; the part up to the
// seconds is formatted once a second per thread.
void AppendPrefix(std::string& out, Clock::WallTime time) {
  thread_local time_t cached_second = -1;
  thread_local char cached[32];
  auto since_epoch = std::chrono::floor<std::chrono::milliseconds>(time).time_since_epoch();
  auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  time_t sec = static_cast<time_t>(seconds.count());
  if (sec != cached_second) {
    cached_second = sec;
    tm t{};
    gmtime_r(&sec, &t);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &t);
  }
  out += cached;
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>((since_epoch - seconds).count()));
  out += ms;
  out += " info access ";
}

template <typename T>
void AppendNumber(std::string& out, T v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec == std::errc()) out.append(buf, end);
}

void Emit(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

void WriteAccessLine(const AccessRecord& r) {
  thread_local std::string line;
  line.clear();
  AppendPrefix(line, r.time);
  line += "remote=";
  line += r.remote;
  line += " method=";
  line += r.method.substr(0, 16);
  line += " target=";
  line += JsonQuote(r.target);
  line += " route=";
  line += r.route;
  line += " status=";
  AppendNumber(line, r.status);
  line += " bytes=";
  AppendNumber(line, r.bytes);
  line += r.gzip ? " gzip=1 ms=" : " gzip=0 ms=";
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f", r.ms);
  line += ms;
  line += '\n';
  Emit(line);
}

void WriteAccessEvent(Clock::WallTime time, std::string_view fields) {
  std::string line;
  AppendPrefix(line, time);
  line += fields;
  line += '\n';
  Emit(line);
}

}  // namespace paperpulse::http
