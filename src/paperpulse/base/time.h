// Calendar dates and timestamps as the sources write them, normalised to
// ISO 8601 strings (which sort correctly as text and are what the Store keeps).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"

namespace paperpulse {

struct CivilDate {
  int year = 0, month = 0, day = 0;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// True when y-m-d exists in the proleptic Gregorian calendar.
bool IsValidDate(int year, int month, int day);

// Days since 1970-01-01 (negative before); and back. Algorithm from
// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
int64_t DaysFromCivil(CivilDate d);
CivilDate CivilFromDays(int64_t days);

// "YYYY-MM-DD".
std::string FormatDate(CivilDate d);

// Parses "YYYY-MM-DD" and the unpadded "YYYY-M-D"; rejects impossible dates
// (2026-02-30) with kInvalidArgument naming the input.
Result<CivilDate> ParseIsoDate(std::string_view s);

// Normalises a timestamp from any source format to "YYYY-MM-DDTHH:MM:SSZ"
// (or "YYYY-MM-DD" when the source has no time of day). Accepts ISO 8601 with
// optional fraction and Z/offset, RFC 2822 ("Mon, 2 Apr 2007 19:18:42 GMT"),
// US "MM/DD/YYYY" (Kaggle CSV update_date). Returns nullopt when unrecognised.
std::optional<std::string> NormalizeTimestamp(std::string_view s);

// Seconds since the Unix epoch for a normalised timestamp (date-only = midnight UTC).
std::optional<int64_t> TimestampToUnix(std::string_view normalized);

// Unix seconds -> "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatUnixTimestamp(int64_t unix_seconds);

// ISO week ("2026-W05") -> its Monday; and the ISO week containing a date.
Result<CivilDate> ParseIsoWeek(std::string_view s);
std::string IsoWeekOf(CivilDate d);

}  // namespace paperpulse
