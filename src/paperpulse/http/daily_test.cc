#include "paperpulse/http/daily.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

CivilDate Day(std::string_view s) {
  auto d = ParseDay(s);
  EXPECT_TRUE(d.has_value()) << s;
  return d.value_or(CivilDate{});
}

TEST(ParseDay, AcceptsWhatHuggingFaceClientsSend) {
  CivilDate june30{2026, 6, 30};
  EXPECT_EQ(Day("2026-06-30"), june30);
  EXPECT_EQ(Day("2026-6-30"), june30);
  EXPECT_EQ(Day(" 2026-06-30 "), june30);
  EXPECT_EQ(Day("2026-06-30T00:00:00.000Z"), june30);
  EXPECT_EQ(Day("2026-06-30T08:00:00Z"), june30);
  EXPECT_EQ(Day("2026-6-30T08:00:00Z"), june30);
  // Offsets are converted to UTC first; an unencoded '+' arrives as ' '.
  EXPECT_EQ(Day("2026-06-30T23:30:00-05:00"), (CivilDate{2026, 7, 1}));
  EXPECT_EQ(Day("2026-07-01T01:00:00 02:00"), june30);
}

TEST(ParseDay, RejectsInvalidDatesWithAMessage) {
  for (std::string_view bad : {"", "2026-13-01", "2026-02-30", "yesterday", "2026-06-30Tnoon",
                               "20260630", "2026-06-30T25:00:00Z", "<script>"}) {
    auto d = ParseDay(bad);
    ASSERT_FALSE(d.has_value()) << bad;
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(d.error().message.find("invalid date"), std::string::npos) << d.error().message;
  }
}

TEST(Periods, WeekAndMonth) {
  auto w = WeekPeriod("2026-W27");
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->first, (CivilDate{2026, 6, 29}));
  EXPECT_EQ(w->last, (CivilDate{2026, 7, 5}));
  auto m = MonthPeriod("2026-2");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->last, (CivilDate{2026, 2, 28}));
  EXPECT_FALSE(MonthPeriod("2026-13").has_value());
  EXPECT_FALSE(WeekPeriod("2026-W60").has_value());
  EXPECT_EQ(PeriodKey(*w), "2026-W27");
  EXPECT_EQ(PeriodPath(*m), "/papers/month/2026-02");
}

}  // namespace
}  // namespace paperpulse::http
