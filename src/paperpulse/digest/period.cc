#include "paperpulse/digest/period.h"

#include <array>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"

namespace paperpulse::digest {
namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu",
                                                       "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// 1970-01-01 was a Thursday (3 in Monday = 0 numbering).
int WeekdayOfDays(int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

std::string DayMonth(CivilDate d) {
  return std::to_string(d.day) + " " + std::string(kMonthNames[d.month - 1]);
}

}  // namespace

Result<Period> PeriodEnding(DigestFrequency frequency, std::string_view date) {
  ASSIGN_OR_RETURN(CivilDate last, ParseIsoDate(date));
  int64_t last_days = DaysFromCivil(last);
  Period p;
  p.frequency = frequency;
  p.last = FormatDate(last);
  if (frequency == DigestFrequency::kDaily) {
    p.first = p.last;
    p.key = "daily/" + p.last;
    p.label = std::string(kDayNames[WeekdayOfDays(last_days)]) + " " + DayMonth(last) + " " +
              std::to_string(last.year);
  } else {
    CivilDate first = CivilFromDays(last_days - 6);
    p.first = FormatDate(first);
    p.key = "weekly/" + IsoWeekOf(last);
    p.label = "week of " + DayMonth(first) + " \xE2\x80\x93 " + DayMonth(last) + " " +
              std::to_string(last.year);
  }
  return p;
}

int WeekdayOf(std::string_view date) {
  Result<CivilDate> d = ParseIsoDate(date);
  return d ? WeekdayOfDays(DaysFromCivil(*d)) : 0;
}

int ParseWeekday(std::string_view name) {
  std::string lower = AsciiLower(name);
  for (int i = 0; i < 7; ++i) {
    if (lower == kLongDayNames[i] || lower == AsciiLower(kDayNames[i])) return i;
  }
  return -1;
}

}  // namespace paperpulse::digest
