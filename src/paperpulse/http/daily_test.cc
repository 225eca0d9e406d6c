#include "paperpulse/http/daily.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "paperpulse/ranking/trending.h"
#include "paperpulse/ranking/trending_constants.h"

namespace paperpulse::http {
namespace {

using ::testing::ElementsAre;

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

// A real SQLite Store in a temp dir, for the lists read from it.
class DailyListsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("pp_daily_test_" + std::to_string(rd()));
    storage::StoreOptions options;
    options.data_dir = dir_.string();
    auto store = storage::Store::Open(options);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Lists paper `id` (created when new) on `date` with `upvotes`.
  void List(const std::string& id, const std::string& date, int64_t upvotes,
            std::optional<int64_t> stars = std::nullopt) {
    Paper p;
    p.id = id;
    p.title = "Paper " + id;
    p.submitted = "2026-05-20T12:00:00Z";
    p.versions.push_back({1, p.submitted, "10kb"});
    p.latest_version = 1;
    ASSERT_TRUE(store_->UpsertPaper(p));
    DailyEntry e;
    e.date = date;
    e.paper_id = id;
    e.submitted_at = date + "T08:00:00Z";
    e.upvotes = upvotes;
    e.github_stars = stars;
    if (stars) e.github_repo = "https://github.com/example/" + id;
    ASSERT_TRUE(store_->UpsertDailyEntry(e));
  }

  std::vector<std::string> TrendingIds(CivilDate until) {
    auto items = LoadTrending(*store_, until);
    if (!items) return {"ERROR: " + items.error().ToString()};
    std::vector<std::string> ids;
    for (const DailyItem& item : *items) ids.push_back(item.entry.paper_id);
    return ids;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(DailyListsTest, TrendingWeighsVotesAndStarsAgainstAge) {
  // Scores relative to 2026-06-01 (log2(1 + weighted votes) + days / 7):
  List("2606.00001", "2026-06-01", 30);       // 4.95: many votes, oldest day
  List("2606.00002", "2026-06-07", 10);       // 3.46 + 0.86 = 4.32
  List("2606.00003", "2026-06-04", 10, 200);  // stars = 10 votes: 4.39 + 0.43 = 4.82
  List("2606.00004", "2026-06-06", 5);        // 2.58 + 0.71 = 3.30
  // Listed twice: counts once, from its first day in the window with its
  // best counts (4.70 + 0.14 = 4.84). Dated by its later listing it would
  // lead (4.70 + 0.71 = 5.41).
  List("2606.00005", "2026-06-02", 5);
  List("2606.00005", "2026-06-06", 25);
  // Outside the window, whatever its votes.
  List("2605.00006", "2026-05-31", 1000);

  CivilDate until{2026, 6, 7};
  EXPECT_THAT(TrendingIds(until),
              ElementsAre("2606.00001", "2606.00005", "2606.00003", "2606.00002", "2606.00004"));
  auto items = LoadTrending(*store_, until);
  ASSERT_TRUE(items);
  const DailyEntry& twice = (*items)[1].entry;
  EXPECT_EQ(twice.date, "2026-06-02");
  EXPECT_EQ(twice.upvotes, 25);
  EXPECT_EQ(twice.submitted_at, "2026-06-02T08:00:00Z");
  for (size_t i = 1; i < items->size(); ++i) {
    EXPECT_GT(ranking::TrendingScore(ranking::InputsOf((*items)[i - 1].entry)),
              ranking::TrendingScore(ranking::InputsOf((*items)[i].entry)));
  }
  // The window follows `until`: a day later the first day drops out.
  EXPECT_THAT(TrendingIds({2026, 6, 8}),
              ElementsAre("2606.00005", "2606.00003", "2606.00002", "2606.00004"));
  EXPECT_THAT(TrendingIds({2026, 5, 1}), ElementsAre());
}

TEST_F(DailyListsTest, TrendingListIsCappedAtItsSize) {
  for (int i = 0; i < ranking::kTrendingListSize + 3; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "2606.%05d", i + 1);
    List(id, "2026-06-07", i);
  }
  std::vector<std::string> ids = TrendingIds({2026, 6, 7});
  ASSERT_EQ(ids.size(), static_cast<size_t>(ranking::kTrendingListSize));
  // The most upvoted make it: the 3 least upvoted do not.
  EXPECT_EQ(ids.front(), "2606.00053");
  EXPECT_EQ(ids.back(), "2606.00004");
}

TEST_F(DailyListsTest, PaperListingIsTheMostUpvotedEntry) {
  List("2606.00001", "2026-06-01", 5);
  List("2606.00001", "2026-06-03", 12);
  List("2606.00001", "2026-06-05", 9);
  auto listing = LoadPaperListing(*store_, "2606.00001");
  ASSERT_TRUE(listing) << listing.error().ToString();
  ASSERT_TRUE(listing->best);
  EXPECT_EQ(listing->best->date, "2026-06-03");
  EXPECT_EQ(listing->best->upvotes, 12);
  auto paper = store_->GetPaper("2606.00001");
  ASSERT_TRUE(paper && *paper);
  DailyItem item = ListedItem(**paper, *listing);
  EXPECT_EQ(item.entry.date, "2026-06-03");
  EXPECT_EQ(item.paper.title, "Paper 2606.00001");
}

TEST_F(DailyListsTest, PaperListingCarriesTheNewestOrganisationAndSummary) {
  // The most upvoted entry (06-03) names no organisation; the newest entry
  // that does (06-05) gives it, as the paper page shows it.
  List("2606.00001", "2026-06-01", 5);
  List("2606.00001", "2026-06-03", 12);
  List("2606.00001", "2026-06-05", 9);
  DailyEntry e = (*store_->DailyEntriesForPaper("2606.00001"))[0];
  ASSERT_EQ(e.date, "2026-06-05");
  e.organization = "Tsinghua";
  e.organization_fullname = "Tsinghua University";
  e.ai_summary = "A summary.";
  e.ai_keywords = {"k1"};
  ASSERT_TRUE(store_->UpsertDailyEntry(e));
  auto listing = LoadPaperListing(*store_, "2606.00001");
  ASSERT_TRUE(listing && listing->best) << (listing ? "unlisted" : listing.error().ToString());
  EXPECT_EQ(listing->best->date, "2026-06-03");
  EXPECT_EQ(listing->best->organization, "Tsinghua");
  EXPECT_EQ(listing->best->organization_fullname, "Tsinghua University");
  EXPECT_EQ(listing->best->ai_summary, "A summary.");
  EXPECT_EQ(listing->best->ai_keywords, std::vector<std::string>{"k1"});
}

TEST_F(DailyListsTest, UnlistedPaperShowsTheCountsGivenHere) {
  auto listing = LoadPaperListing(*store_, "2606.00009");
  ASSERT_TRUE(listing) << listing.error().ToString();
  EXPECT_FALSE(listing->best);
  EXPECT_EQ(listing->unlisted_upvotes, 0);
  Paper paper;
  paper.id = "2606.00009";
  listing->unlisted_upvotes = 3;
  listing->unlisted_comments = 2;
  DailyItem item = ListedItem(paper, *listing);
  EXPECT_EQ(item.entry.paper_id, "2606.00009");
  EXPECT_EQ(item.entry.date, "");
  EXPECT_EQ(item.entry.upvotes, 3);
  EXPECT_EQ(item.entry.num_comments, 2);
}

TEST(TrendingBefore, EqualScoresGoToMoreUpvotesThenEarlierSubmission) {
  DailyEntry votes;
  votes.paper_id = "2606.00002";
  votes.date = "2026-06-01";
  votes.upvotes = 10;
  DailyEntry stars = votes;
  stars.paper_id = "2606.00001";
  stars.upvotes = 0;
  stars.github_stars = 10 * static_cast<int64_t>(ranking::kStarsPerVote);
  ASSERT_DOUBLE_EQ(ranking::TrendingScore(ranking::InputsOf(votes)),
                   ranking::TrendingScore(ranking::InputsOf(stars)));
  EXPECT_TRUE(TrendingBefore(votes, stars));
  EXPECT_FALSE(TrendingBefore(stars, votes));
  DailyEntry later = votes;
  later.paper_id = "2606.00000";
  later.submitted_at = "2026-06-01T10:00:00Z";
  votes.submitted_at = "2026-06-01T09:00:00Z";
  EXPECT_TRUE(TrendingBefore(votes, later));
  DailyEntry newer = votes;
  newer.date = "2026-06-02";
  newer.upvotes = 9;
  EXPECT_TRUE(TrendingBefore(newer, votes)) << "a day younger outweighs one vote";
}

}  // namespace
}  // namespace paperpulse::http
