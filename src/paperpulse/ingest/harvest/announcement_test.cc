#include "paperpulse/ingest/harvest/announcement.h"

#include <gtest/gtest.h>

#include <random>

#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::ingest::harvest {
namespace {

CivilDate Day(const char* s) { return *ParseIsoDate(s); }

std::string DayOf(std::string_view submitted) {
  std::optional<CivilDate> d = AnnouncementDay(submitted);
  return d ? FormatDate(*d) : "none";
}

TEST(Announcement, UsEasternDaylightSavingRules) {
  // 2026: 8 March 07:00 UTC to 1 November 06:00 UTC.
  EXPECT_FALSE(IsUsEasternDst(*TimestampToUnix("2026-03-08T06:59:59Z")));
  EXPECT_TRUE(IsUsEasternDst(*TimestampToUnix("2026-03-08T07:00:00Z")));
  EXPECT_TRUE(IsUsEasternDst(*TimestampToUnix("2026-11-01T05:59:59Z")));
  EXPECT_FALSE(IsUsEasternDst(*TimestampToUnix("2026-11-01T06:00:00Z")));
  // Before 2007: first Sunday of April to last Sunday of October.
  EXPECT_FALSE(IsUsEasternDst(*TimestampToUnix("2005-04-03T06:00:00Z")));
  EXPECT_TRUE(IsUsEasternDst(*TimestampToUnix("2005-04-03T07:00:00Z")));
  EXPECT_TRUE(IsUsEasternDst(*TimestampToUnix("2005-10-30T05:59:59Z")));
  EXPECT_FALSE(IsUsEasternDst(*TimestampToUnix("2005-10-30T06:00:00Z")));
}

TEST(Announcement, CutoffIsTwoPmNewYorkTime) {
  // Tuesday 2026-01-06, winter: 14:00 EST = 19:00 UTC.
  EXPECT_EQ(DayOf("2026-01-06T18:59:59Z"), "2026-01-07");
  EXPECT_EQ(DayOf("2026-01-06T19:00:00Z"), "2026-01-08");
  // Tuesday 2026-06-02, summer: 14:00 EDT = 18:00 UTC.
  EXPECT_EQ(DayOf("2026-06-02T17:59:59Z"), "2026-06-03");
  EXPECT_EQ(DayOf("2026-06-02T18:00:00Z"), "2026-06-04");
  // Early Wednesday UTC is still Tuesday evening in New York.
  EXPECT_EQ(DayOf("2026-01-07T03:00:00Z"), "2026-01-08");
}

TEST(Announcement, WeekendSubmissionsAreListedTuesdayFridaysOnMonday) {
  // Friday 2026-01-09 before the cutoff: announced Sunday evening, listed Monday.
  EXPECT_EQ(DayOf("2026-01-09T12:00:00Z"), "2026-01-12");
  // Friday after the cutoff, Saturday, Sunday, Monday morning: listed Tuesday.
  EXPECT_EQ(DayOf("2026-01-09T20:00:00Z"), "2026-01-13");
  EXPECT_EQ(DayOf("2026-01-10T12:00:00Z"), "2026-01-13");
  EXPECT_EQ(DayOf("2026-01-11T23:00:00Z"), "2026-01-13");
  EXPECT_EQ(DayOf("2026-01-12T10:00:00Z"), "2026-01-13");
}

TEST(Announcement, RealPaperAndDateOnlyAndUnreadable) {
  // 1706.03762v1 (Attention Is All You Need): Mon, 12 Jun 2017 17:57:34 GMT,
  // 13:57 EDT, before the cutoff: listed Tuesday 13 June 2017.
  EXPECT_EQ(DayOf("Mon, 12 Jun 2017 17:57:34 GMT"), "2017-06-13");
  EXPECT_EQ(DayOf("2017-06-12"), "2017-06-13");
  EXPECT_EQ(DayOf(""), "none");
  EXPECT_EQ(DayOf("yesterday"), "none");
}

TEST(Announcement, ListingDaysAndWindows) {
  EXPECT_TRUE(IsListingDay(Day("2026-01-05")));   // Monday
  EXPECT_FALSE(IsListingDay(Day("2026-01-10")));  // Saturday
  EXPECT_FALSE(SubmissionWindow(Day("2026-01-11")));
  auto monday = SubmissionWindow(Day("2026-01-12"));
  ASSERT_TRUE(monday);
  EXPECT_EQ(monday->begin, "2026-01-08T19:00:00Z");  // Thursday 14:00 EST
  EXPECT_EQ(monday->end, "2026-01-09T19:00:00Z");    // Friday 14:00 EST
  auto tuesday = SubmissionWindow(Day("2026-01-13"));
  EXPECT_EQ(tuesday->begin, "2026-01-09T19:00:00Z");
  EXPECT_EQ(tuesday->end, "2026-01-12T19:00:00Z");
  // Across the switch to summer time (Sunday 8 March 2026).
  auto after_switch = SubmissionWindow(Day("2026-03-10"));
  EXPECT_EQ(after_switch->begin, "2026-03-06T19:00:00Z");
  EXPECT_EQ(after_switch->end, "2026-03-09T18:00:00Z");
}

// Every submission time falls in the window of the day it is announced on,
// and in no other: the Store can list "new on D" as a range of submitted.
TEST(Announcement, WindowsAgreeWithAnnouncementDay) {
  std::mt19937_64 rng(5);
  int64_t from = *TimestampToUnix("2005-01-01T00:00:00Z");
  int64_t to = *TimestampToUnix("2030-12-31T00:00:00Z");
  std::uniform_int_distribution<int64_t> pick(from, to);
  for (int i = 0; i < 20000; ++i) {
    std::string t = FormatUnixTimestamp(pick(rng));
    std::optional<CivilDate> day = AnnouncementDay(t);
    ASSERT_TRUE(day) << t;
    auto window = SubmissionWindow(*day);
    ASSERT_TRUE(window) << t;
    EXPECT_LE(window->begin, t);
    EXPECT_LT(t, window->end);
    int64_t d = DaysFromCivil(*day);
    for (int64_t other : {d - 1, d + 1}) {
      if (auto w = SubmissionWindow(CivilFromDays(other))) {
        EXPECT_FALSE(w->begin <= t && t < w->end)
            << t << " also in " << FormatDate(CivilFromDays(other));
      }
    }
  }
}

Paper Record(int latest, std::vector<std::string> categories, std::string title) {
  Paper p;
  p.id = "2601.01234";
  p.title = std::move(title);
  p.categories = std::move(categories);
  // arXivRaw lists every version with its date.
  std::vector<PaperVersion> all = {{1, "2026-01-06T15:00:00Z", "100kb"},
                                   {2, "2026-02-10T09:00:00Z", "120kb"},
                                   {3, "2026-03-01T09:00:00Z", "130kb"}};
  p.versions.assign(all.begin(), all.begin() + latest);
  p.latest_version = latest;
  p.submitted = p.versions.front().date;
  p.updated = p.versions.back().date;
  return p;
}

// Revisions and cross-lists reach the Store as later records of the same
// paper: they update it but its "new" day stays the day of v1.
TEST(Announcement, RevisionsAndCrossListsNeverMakeAPaperNewAgain) {
  storage::testing::TempDatabase db("sqlite");
  auto store = db.Open();
  ASSERT_TRUE(store->UpsertPaper(Record(1, {"cs.CL"}, "First")));
  auto day = NewOn(**store->GetPaper("2601.01234"));
  ASSERT_TRUE(day);
  EXPECT_EQ(FormatDate(*day), "2026-01-07");

  ASSERT_EQ(*store->UpsertPaper(Record(2, {"cs.CL"}, "Revised")), storage::WriteOutcome::kUpdated);
  ASSERT_EQ(*store->UpsertPaper(Record(2, {"cs.CL", "cs.LG"}, "Revised")),
            storage::WriteOutcome::kUpdated);  // cross-listed to cs.LG
  ASSERT_TRUE(store->UpsertPaper(Record(3, {"cs.CL", "cs.LG", "stat.ML"}, "Third")));
  Paper stored = **store->GetPaper("2601.01234");
  EXPECT_EQ(stored.title, "Third");
  EXPECT_EQ(stored.latest_version, 3);
  EXPECT_EQ(stored.submitted, "2026-01-06T15:00:00Z");
  EXPECT_EQ(NewOn(stored), day);

  // A source that only knows the newest version (an API entry for v3 with
  // its <published> v1 date) does not move the day either, whatever the order.
  Paper v3_only;
  v3_only.id = "2601.01234";
  v3_only.title = "Third";
  v3_only.latest_version = 3;
  v3_only.submitted = "2026-01-06T15:00:00Z";
  v3_only.versions = {{1, "2026-01-06T15:00:00Z", ""}, {3, "2026-03-01T09:00:00Z", ""}};
  ASSERT_TRUE(store->UpsertPaper(v3_only));
  EXPECT_EQ(NewOn(**store->GetPaper("2601.01234")), day);
  auto window = SubmissionWindow(*day);
  EXPECT_LE(window->begin, stored.submitted);
  EXPECT_LT(stored.submitted, window->end);
}

}  // namespace
}  // namespace paperpulse::ingest::harvest
