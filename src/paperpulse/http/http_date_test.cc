#include "paperpulse/http/http_date.h"

#include <gtest/gtest.h>

#include "paperpulse/base/clock.h"

namespace paperpulse::http {
namespace {

TEST(HttpDate, FormatsAndParsesImfFixdate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110 §5.6.7
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT"), std::nullopt);
}

// The Date header comes from the Clock it is given, not the system clock.
TEST(HttpDate, NowReadsTheGivenClock) {
  FakeClock clock;  // 2026-01-05T12:00:00Z
  EXPECT_EQ(HttpDateNow(clock), "Mon, 05 Jan 2026 12:00:00 GMT");
  clock.Advance(std::chrono::milliseconds(999));
  EXPECT_EQ(HttpDateNow(clock), "Mon, 05 Jan 2026 12:00:00 GMT");
  clock.Advance(std::chrono::milliseconds(1));
  EXPECT_EQ(HttpDateNow(clock), "Mon, 05 Jan 2026 12:00:01 GMT");
  clock.Advance(std::chrono::hours(36));
  EXPECT_EQ(HttpDateNow(clock), "Wed, 07 Jan 2026 00:00:01 GMT");
}

}  // namespace
}  // namespace paperpulse::http
