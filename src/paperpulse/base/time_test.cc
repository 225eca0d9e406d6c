// Timestamps from every source format normalise to UTC, and what cannot be
// stored as a four-digit-year timestamp is refused rather than mangled.
#include "paperpulse/base/time.h"

#include <gtest/gtest.h>

namespace paperpulse {
namespace {

TEST(NormalizeTimestampTest, OffsetsAreAppliedToGetUtc) {
  EXPECT_EQ(NormalizeTimestamp("2024-01-01T00:00:00-05:00"), "2024-01-01T05:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("2024-03-01T01:30:00+0200"), "2024-02-29T23:30:00Z");
  EXPECT_EQ(NormalizeTimestamp("Mon, 2 Apr 2007 19:18:42 GMT"), "2007-04-02T19:18:42Z");
  EXPECT_EQ(NormalizeTimestamp("2007-04-02"), "2007-04-02");
}

TEST(NormalizeTimestampTest, AnOffsetPastTheEdgeOfTheCalendarIsRefused) {
  // The fuzzer's input (fuzz/regressions/time): year 10000 once in UTC, which
  // no longer parsed back as a timestamp.
  EXPECT_EQ(NormalizeTimestamp("9999-12-31T23:59:5-21"), std::nullopt);
  EXPECT_EQ(NormalizeTimestamp("9999-12-31T23:00:00-05:00"), std::nullopt);
  EXPECT_EQ(NormalizeTimestamp("0001-01-01T00:00:00+05:00"), std::nullopt);
  // Within the calendar the same offsets are fine.
  EXPECT_EQ(NormalizeTimestamp("9999-12-31T10:00:00-05:00"), "9999-12-31T15:00:00Z");
}

TEST(NormalizeTimestampTest, OffsetsOfADayOrMoreAreRefused) {
  EXPECT_EQ(NormalizeTimestamp("2024-01-01T00:00:00+24:00"), std::nullopt);
  EXPECT_EQ(NormalizeTimestamp("2024-01-01T00:00:00-99"), std::nullopt);
  EXPECT_EQ(NormalizeTimestamp("2024-01-01T00:00:00+05:60"), std::nullopt);
  EXPECT_EQ(NormalizeTimestamp("2024-01-01T00:00:00+23:59"), "2023-12-31T00:01:00Z");
}

TEST(NormalizeTimestampTest, ANormalisedTimestampIsItsOwnNormalForm) {
  for (const char* in : {"2024-01-01T00:00:00-05:00", "9999-12-31T10:00:00-05:00",
                         "0001-01-01T12:00:00+05:00", "Tue, 3 Jun 2008 11:05:30 +0000"}) {
    auto once = NormalizeTimestamp(in);
    ASSERT_TRUE(once.has_value()) << in;
    EXPECT_EQ(NormalizeTimestamp(*once), once) << in;
  }
}

TEST(ParseIsoWeekTest, WeeksOfYearZeroAreRefused) {
  // fuzz/regressions/time/week-of-year-0000: its Monday was no valid date.
  EXPECT_FALSE(ParseIsoWeek("0000-W13"));
  EXPECT_FALSE(ParseIsoWeek("0000-W01"));
  auto first = ParseIsoWeek("0001-W01");
  ASSERT_TRUE(first);
  EXPECT_EQ(FormatDate(*first), "0001-01-01");
  auto week = ParseIsoWeek("2026-W27");
  ASSERT_TRUE(week);
  EXPECT_EQ(FormatDate(*week), "2026-06-29");
}

}  // namespace
}  // namespace paperpulse
