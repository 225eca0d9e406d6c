#include "paperpulse/base/time.h"

#include <cstdio>

#include "paperpulse/base/strings.h"

namespace paperpulse {
namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

int MonthFromName(std::string_view m) {
  static constexpr std::string_view kNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                "jul", "aug", "sep", "oct", "nov", "dec"};
  if (m.size() < 3) return 0;
  std::string lower = AsciiLower(m.substr(0, 3));
  for (int i = 0; i < 12; ++i)
    if (lower == kNames[i]) return i + 1;
  return 0;
}

std::string FormatTimestamp(int y, int mo, int d, int h, int mi, int s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
  return buf;
}

// "HH:MM[:SS]".
bool ParseClock(std::string_view t, int& h, int& mi, int& s) {
  auto parts = Split(t, ':');
  if (parts.size() < 2 || parts.size() > 3) return false;
  s = 0;
  if (!ParseInt(parts[0], h) || !ParseInt(parts[1], mi)) return false;
  if (parts.size() == 3) {
    std::string_view sec = parts[2];
    if (auto dot = sec.find('.'); dot != std::string_view::npos) sec = sec.substr(0, dot);
    if (!ParseInt(sec, s)) return false;
  }
  return h < 24 && mi < 60 && s <= 60;
}

// Applies a "+HH:MM"/"-HHMM" offset (local = UTC + offset) to get UTC.
std::optional<std::string> ToUtc(int y, int mo, int d, int h, int mi, int s, int offset_minutes) {
  int64_t t = DaysFromCivil({y, mo, d}) * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
  std::string utc = FormatUnixTimestamp(t);
  // An offset can carry a date at the edge of the calendar past it
  // ("9999-12-31T23:59-05:00" is in year 10000): no timestamp we can
  // store, parse back or compare as text. (Found by fuzz/time_fuzzer.cc.)
  if (utc.size() != 20 || !ParseIsoDate(std::string_view(utc).substr(0, 10))) return std::nullopt;
  return utc;
}

bool ParseOffset(std::string_view z, int& minutes) {
  if (z.empty() || z == "Z" || z == "z" || z == "GMT" || z == "UTC" || z == "UT") {
    minutes = 0;
    return true;
  }
  if (z[0] != '+' && z[0] != '-') return false;
  std::string digits;
  for (char c : z.substr(1))
    if (c != ':') digits.push_back(c);
  int hh, mm = 0;
  if (digits.size() == 4) {
    if (!ParseInt(std::string_view(digits).substr(0, 2), hh) ||
        !ParseInt(std::string_view(digits).substr(2, 2), mm))
      return false;
  } else if (digits.size() == 2) {
    if (!ParseInt(digits, hh)) return false;
  } else {
    return false;
  }
  // UTC offsets are within a day (in use: -12:00 .. +14:00).
  if (hh > 23 || mm > 59) return false;
  minutes = (hh * 60 + mm) * (z[0] == '-' ? -1 : 1);
  return true;
}

}  // namespace

bool IsValidDate(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max;
}

int64_t DaysFromCivil(CivilDate date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (date.month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

std::string FormatDate(CivilDate d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Result<CivilDate> ParseIsoDate(std::string_view s) {
  auto parts = Split(TrimView(s), '-');
  CivilDate d;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() > 2 || parts[2].size() > 2 ||
      !ParseInt(parts[0], d.year) || !ParseInt(parts[1], d.month) || !ParseInt(parts[2], d.day)) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid date \"" + std::string(s.substr(0, 64)) + "\": expected YYYY-MM-DD");
  }
  if (!IsValidDate(d.year, d.month, d.day)) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid date \"" + std::string(s.substr(0, 64)) + "\": no such day");
  }
  return d;
}

std::optional<std::string> NormalizeTimestamp(std::string_view in) {
  std::string_view s = TrimView(in);
  if (s.size() < 8) return std::nullopt;
  // ISO 8601: YYYY-MM-DD[(T| )HH:MM[:SS[.fff]][Z|±HH:MM]]
  if (s.size() >= 8 && s[4] == '-') {
    size_t date_end = s.find_first_of("T t");
    std::string_view date_part = s.substr(0, date_end);
    auto date = ParseIsoDate(date_part);
    if (!date) return std::nullopt;
    if (date_end == std::string_view::npos) return FormatDate(*date);
    std::string_view rest = TrimView(s.substr(date_end + 1));
    size_t zone = rest.find_first_of("Zz+-");
    std::string_view clock = rest.substr(0, zone);
    if (!clock.empty() && clock.back() == ' ') clock.remove_suffix(1);
    int h, mi, sec, off;
    if (!ParseClock(TrimView(clock), h, mi, sec)) return std::nullopt;
    if (!ParseOffset(zone == std::string_view::npos ? "" : rest.substr(zone), off))
      return std::nullopt;
    return ToUtc(date->year, date->month, date->day, h, mi, sec, off);
  }
  // US MM/DD/YYYY.
  if (auto parts = Split(s, '/'); parts.size() == 3) {
    int m, d, y;
    if (ParseInt(parts[0], m) && ParseInt(parts[1], d) && parts[2].size() == 4 &&
        ParseInt(parts[2], y) && IsValidDate(y, m, d)) {
      return FormatDate({y, m, d});
    }
    return std::nullopt;
  }
  // RFC 2822: [Day,] D Mon YYYY HH:MM[:SS] [zone]
  std::string_view t = s;
  if (auto comma = t.find(','); comma != std::string_view::npos) t = TrimView(t.substr(comma + 1));
  std::vector<std::string_view> tok;
  for (auto p : Split(t, ' '))
    if (!p.empty()) tok.push_back(p);
  if (tok.size() < 3) return std::nullopt;
  int d, y, mo = MonthFromName(tok[1]);
  if (!ParseInt(tok[0], d) || !ParseInt(tok[2], y) || mo == 0 || !IsValidDate(y, mo, d)) {
    return std::nullopt;
  }
  if (tok.size() == 3) return FormatDate({y, mo, d});
  int h, mi, sec, off = 0;
  if (!ParseClock(tok[3], h, mi, sec)) return std::nullopt;
  if (tok.size() >= 5 && !ParseOffset(tok[4], off)) return std::nullopt;
  return ToUtc(y, mo, d, h, mi, sec, off);
}

std::optional<int64_t> TimestampToUnix(std::string_view ts) {
  if (ts.size() < 10) return std::nullopt;
  auto date = ParseIsoDate(ts.substr(0, 10));
  if (!date) return std::nullopt;
  int64_t t = DaysFromCivil(*date) * 86400;
  if (ts.size() >= 19) {
    int h, mi, s;
    if (!ParseClock(ts.substr(11, 8), h, mi, s)) return std::nullopt;
    t += h * 3600 + mi * 60 + s;
  }
  return t;
}

std::string FormatUnixTimestamp(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  CivilDate d = CivilFromDays(days);
  return FormatTimestamp(d.year, d.month, d.day, static_cast<int>(secs / 3600),
                         static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
}

Result<CivilDate> ParseIsoWeek(std::string_view s) {
  auto bad = [&](const char* why) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid week \"" + std::string(s.substr(0, 64)) + "\": " + why);
  };
  int year, week;
  if (s.size() < 7 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w') ||
      !ParseInt(s.substr(0, 4), year) || !ParseInt(s.substr(6), week)) {
    return bad("expected YYYY-Www");
  }
  // ISO week 1 contains January 4th; weeks start on Monday.
  int64_t jan4 = DaysFromCivil({year, 1, 4});
  int64_t jan4_weekday = ((jan4 % 7) + 7 + 3) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
  int64_t week1_monday = jan4 - jan4_weekday;
  int64_t next_jan4 = DaysFromCivil({year + 1, 1, 4});
  int64_t next_week1 = next_jan4 - (((next_jan4 % 7) + 7 + 3) % 7);
  int weeks = static_cast<int>((next_week1 - week1_monday) / 7);
  if (week < 1 || week > weeks) return bad("no such week in that year");
  CivilDate monday = CivilFromDays(week1_monday + (week - 1) * 7);
  // Year 0000 (and a Monday before 0001-01-01) is not a date we take.
  if (!IsValidDate(monday.year, monday.month, monday.day)) return bad("outside the calendar");
  return monday;
}

std::string IsoWeekOf(CivilDate d) {
  int64_t days = DaysFromCivil(d);
  int64_t weekday = ((days % 7) + 7 + 3) % 7;
  CivilDate thursday = CivilFromDays(days - weekday + 3);  // the week's year is its Thursday's
  int64_t jan1 = DaysFromCivil({thursday.year, 1, 1});
  int week = static_cast<int>((DaysFromCivil(thursday) - jan1) / 7 + 1);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", thursday.year, week);
  return buf;
}

}  // namespace paperpulse
