#include "paperpulse/ingest/harvest/announcement.h"

namespace paperpulse::ingest::harvest {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kHour = 3600;
constexpr int64_t kCutoff = 14 * kHour;  // 14:00 New York time

// 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday).
int Weekday(int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

// Days since the epoch of the n-th (1-based; -1 = last) Sunday of a month.
int64_t NthSunday(int year, int month, int n) {
  if (n > 0) {
    int64_t first = DaysFromCivil({year, month, 1});
    int64_t sunday = first + (6 - Weekday(first));
    return sunday + 7 * (n - 1);
  }
  int next_year = month == 12 ? year + 1 : year;
  int next_month = month == 12 ? 1 : month + 1;
  int64_t last = DaysFromCivil({next_year, next_month, 1}) - 1;
  return last - ((Weekday(last) + 1) % 7);
}

// Offset of New York time from UTC at `t`, in seconds.
int64_t EasternOffset(int64_t t) { return IsUsEasternDst(t) ? -4 * kHour : -5 * kHour; }

// Next Monday-to-Friday day strictly after `days`.
int64_t NextWeekday(int64_t days) {
  do {
    ++days;
  } while (Weekday(days) >= 5);
  return days;
}

int64_t PreviousWeekday(int64_t days) {
  do {
    --days;
  } while (Weekday(days) >= 5);
  return days;
}

// The UTC instant of 14:00 New York time on local day `days`. Around the
// DST switch (always 02:00 on a Sunday, never a cutoff day) either offset
// gives the same answer, so the offset at 14:00 EST is good enough.
int64_t CutoffUtc(int64_t days) {
  int64_t guess = days * kDay + kCutoff + 5 * kHour;
  return days * kDay + kCutoff - EasternOffset(guess);
}

}  // namespace

bool IsUsEasternDst(int64_t t) {
  int year = CivilFromDays(t >= 0 ? t / kDay : (t - kDay + 1) / kDay).year;
  int64_t start_day;
  int64_t end_day;
  if (year >= 2007) {
    start_day = NthSunday(year, 3, 2);
    end_day = NthSunday(year, 11, 1);
  } else {
    start_day = NthSunday(year, 4, 1);
    end_day = NthSunday(year, 10, -1);
  }
  // 02:00 local: 07:00 UTC on the way in (EST), 06:00 UTC on the way out (EDT).
  int64_t start = start_day * kDay + 7 * kHour;
  int64_t end = end_day * kDay + 6 * kHour;
  return t >= start && t < end;
}

bool IsListingDay(CivilDate day) { return Weekday(DaysFromCivil(day)) < 5; }

std::optional<CivilDate> AnnouncementDay(std::string_view submitted) {
  std::optional<std::string> normalized = NormalizeTimestamp(submitted);
  if (!normalized) return std::nullopt;
  std::optional<int64_t> t = TimestampToUnix(*normalized);
  if (!t) return std::nullopt;
  int64_t local_day;
  int64_t local_seconds;
  if (normalized->size() == 10) {
    local_day = *t / kDay;  // a date alone: the start of that day in New York
    local_seconds = 0;
  } else {
    int64_t local = *t + EasternOffset(*t);
    local_day = local >= 0 ? local / kDay : (local - kDay + 1) / kDay;
    local_seconds = local - local_day * kDay;
  }
  // The day whose 14:00 cutoff the submission made.
  int64_t cutoff_day = local_day;
  if (Weekday(local_day) >= 5 || local_seconds >= kCutoff) cutoff_day = NextWeekday(local_day);
  // Announced at 20:00 New York time that day (Sunday for a Friday cutoff),
  // which is already the next weekday in UTC.
  return CivilFromDays(NextWeekday(cutoff_day));
}

std::optional<CivilDate> NewOn(const Paper& paper) { return AnnouncementDay(paper.submitted); }

std::optional<TimestampRange> SubmissionWindow(CivilDate day) {
  if (!IsValidDate(day.year, day.month, day.day) || !IsListingDay(day)) return std::nullopt;
  int64_t cutoff_day = PreviousWeekday(DaysFromCivil(day));
  int64_t previous_cutoff_day = PreviousWeekday(cutoff_day);
  return TimestampRange{FormatUnixTimestamp(CutoffUtc(previous_cutoff_day)),
                        FormatUnixTimestamp(CutoffUtc(cutoff_day))};
}

}  // namespace paperpulse::ingest::harvest
