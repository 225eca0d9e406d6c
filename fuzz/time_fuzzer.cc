// Dates and timestamps (base/time.h, http/http_date.h): the parsers accept
// only what they can format back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/base/time.h"
#include "paperpulse/http/http_date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto d = ParseIsoDate(text)) {
    PP_FUZZ_CHECK(IsValidDate(d->year, d->month, d->day));
    auto again = ParseIsoDate(FormatDate(*d));
    PP_FUZZ_CHECK(again.has_value() && *again == *d);
    PP_FUZZ_CHECK(CivilFromDays(DaysFromCivil(*d)) == *d);
    (void)IsoWeekOf(*d);
  }
  if (auto ts = NormalizeTimestamp(text)) {
    // A normalised timestamp is its own normal form and has a Unix time.
    auto again = NormalizeTimestamp(*ts);
    PP_FUZZ_CHECK(again.has_value() && *again == *ts);
    auto unix_seconds = TimestampToUnix(*ts);
    PP_FUZZ_CHECK(unix_seconds.has_value());
    if (ts->size() > 10) PP_FUZZ_CHECK(FormatUnixTimestamp(*unix_seconds) == *ts);
  }
  (void)TimestampToUnix(text);
  if (auto w = ParseIsoWeek(text)) {
    PP_FUZZ_CHECK(IsValidDate(w->year, w->month, w->day));
    (void)IsoWeekOf(*w);
  }
  if (auto t = http::ParseHttpDate(text)) {
    PP_FUZZ_CHECK(http::ParseHttpDate(http::FormatHttpDate(*t)) == t);
  }
  return 0;
}
