#include "paperpulse/http/http_date.h"

#include <cstdio>
#include <cstring>

#include "paperpulse/base/time.h"

namespace paperpulse::http {
namespace {

constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

std::string FormatHttpDate(int64_t unix_seconds) {
  int64_t days = FloorDiv(unix_seconds, 86400);
  int64_t secs = unix_seconds - days * 86400;
  CivilDate d = CivilFromDays(days);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[((days % 7) + 7) % 7],
                d.day, kMonths[d.month - 1], d.year, static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

const std::string& HttpDateNow(Clock& clock) {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  int64_t now = std::chrono::floor<std::chrono::seconds>(clock.Now()).time_since_epoch().count();
  if (now != cached_second) {
    cached_second = now;
    cached = FormatHttpDate(now);
  }
  return cached;
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  // "Sun, 06 Nov 1994 08:49:37 GMT" is exactly 29 bytes.
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
  auto num = [&](size_t pos, size_t len, int& out) {
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int day, year, hh, mm, ss;
  if (!num(5, 2, day) || !num(12, 4, year) || !num(17, 2, hh) || !num(20, 2, mm) ||
      !num(23, 2, ss) || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':') {
    return std::nullopt;
  }
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0 || !IsValidDate(year, month, day) || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  return DaysFromCivil({year, month, day}) * 86400 + hh * 3600 + mm * 60 + ss;
}

}  // namespace paperpulse::http
