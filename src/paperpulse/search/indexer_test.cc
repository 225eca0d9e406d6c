// The Indexer following popularity: votes, listings and stars re-rank search
// results after one poll, with no paper change and no re-scan of the daily
// lists: a poll applies exactly the popularity rows that changed. Over a
// real Store (every backend under test) and a real Xapian index.
#include "paperpulse/search/indexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "paperpulse/base/clock.h"
#include "paperpulse/ranking/trending.h"
#include "paperpulse/search/index.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::search {
namespace {

using ::testing::ElementsAre;

constexpr const char* kNow = "2026-06-07T12:00:00Z";

Paper MakePaper(std::string id, std::string title, std::string submitted) {
  Paper p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.authors = {"Ada Lovelace"};
  p.categories = {"cs.LG"};
  p.submitted = submitted + "T12:00:00Z";
  p.updated = p.submitted;
  p.versions.push_back({1, p.submitted, "10kb"});
  p.latest_version = 1;
  p.abstract = "Transformers for everything.";
  return p;
}

class IndexerPopularityTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<storage::testing::TempDatabase>(GetParam());
    store_ = db_->Open();
    // Three papers that all match "transformers": two on the same daily
    // list (5 and 3 upvotes), one never listed.
    ASSERT_TRUE(store_->UpsertPaper(MakePaper("2606.00001", "Transformers A", "2026-06-01")));
    ASSERT_TRUE(store_->UpsertPaper(MakePaper("2606.00002", "Transformers B", "2026-06-01")));
    ASSERT_TRUE(store_->UpsertPaper(MakePaper("2001.00003", "Transformers C", "2020-01-01")));
    List("2606.00001", 5, std::nullopt);
    List("2606.00002", 3, std::nullopt);
    auto indexer = Indexer::Create({.store = db_->options()});
    ASSERT_TRUE(indexer) << indexer.error().ToString();
    indexer_ = std::move(*indexer);
    Poll();
    auto index = OpenIndex(db_->options().data_dir);
    ASSERT_TRUE(index) << index.error().ToString();
    index_ = std::move(*index);
  }

  void List(const std::string& id, int64_t upvotes, std::optional<int64_t> stars) {
    DailyEntry e;
    e.date = "2026-06-02";
    e.paper_id = id;
    e.submitted_at = "2026-06-02T08:00:00Z";
    e.upvotes = upvotes;
    e.github_stars = stars;
    if (stars) e.github_repo = "https://github.com/example/" + id;
    ASSERT_TRUE(store_->UpsertDailyEntry(e));
  }

  void Poll() {
    Status s = indexer_->CatchUp();
    ASSERT_TRUE(s) << s.error().ToString();
  }

  void Vote(int voters, const std::string& paper_id) {
    for (int i = 0; i < voters; ++i) {
      auto account =
          store_->FindOrCreateAccount("voter" + std::to_string(i) + "@example.org", kNow);
      ASSERT_TRUE(account) << account.error().ToString();
      auto added = store_->AddVote(account->id, paper_id, kNow);
      ASSERT_TRUE(added) << added.error().ToString();
      EXPECT_TRUE(*added);
    }
  }

  std::vector<std::string> Ids(SortOrder sort) {
    SearchOptions options;
    options.sort = sort;
    auto r = index_->Search("transformers", options);
    if (!r) return {"ERROR: " + r.error().message};
    std::vector<std::string> ids;
    for (const SearchHit& h : r->hits) ids.push_back(h.id);
    return ids;
  }

  int64_t Upvotes(const std::string& id) {
    auto r = index_->Search("id:" + id, {});
    if (!r || r->hits.size() != 1) return -1;
    return r->hits.front().upvotes;
  }

  std::unique_ptr<storage::testing::TempDatabase> db_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Indexer> indexer_;
  std::unique_ptr<Index> index_;
};

TEST_P(IndexerPopularityTest, FullBuildTakesPopularityFromTheStore) {
  EXPECT_EQ(Upvotes("2606.00001"), 5);
  EXPECT_EQ(Upvotes("2606.00002"), 3);
  EXPECT_EQ(Upvotes("2001.00003"), 0);
  EXPECT_THAT(Ids(SortOrder::kUpvotes), ElementsAre("2606.00001", "2606.00002", "2001.00003"));
  // The never-listed paper trends by its (older) submission date.
  EXPECT_THAT(Ids(SortOrder::kTrending), ElementsAre("2606.00001", "2606.00002", "2001.00003"));
  auto stats = store_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(indexer_->indexed_popularity_seq(), stats->popularity_seq);
  EXPECT_EQ(indexer_->popularity_updates(), 0) << "a full build reads popularity, updates none";
}

TEST_P(IndexerPopularityTest, VotesReRankAfterOnePollTouchingOnlyThatPaper) {
  int64_t documents = indexer_->documents_indexed();
  int64_t change_seq = indexer_->indexed_seq();
  Vote(3, "2606.00002");  // 3 + 3 = 6 > 5
  Poll();
  EXPECT_THAT(Ids(SortOrder::kUpvotes), ElementsAre("2606.00002", "2606.00001", "2001.00003"));
  EXPECT_THAT(Ids(SortOrder::kTrending), ElementsAre("2606.00002", "2606.00001", "2001.00003"));
  EXPECT_EQ(Upvotes("2606.00002"), 6);
  // No paper was re-indexed, and of the popularity rows only the voted
  // paper's was read and applied (three votes, one row).
  EXPECT_EQ(indexer_->documents_indexed(), documents);
  EXPECT_EQ(indexer_->indexed_seq(), change_seq);
  EXPECT_EQ(indexer_->popularity_updates(), 1);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(indexer_->indexed_popularity_seq(), stats->popularity_seq);

  // A poll with nothing new applies nothing.
  Poll();
  EXPECT_EQ(indexer_->popularity_updates(), 1);

  auto account = store_->FindOrCreateAccount("voter0@example.org", kNow);
  ASSERT_TRUE(account);
  auto removed = store_->RemoveVote(account->id, "2606.00002");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  Poll();
  EXPECT_EQ(Upvotes("2606.00002"), 5);
  EXPECT_EQ(indexer_->popularity_updates(), 2);
  EXPECT_EQ(indexer_->documents_indexed(), documents);
}

TEST_P(IndexerPopularityTest, StarsAndNewListingsReRankToo) {
  int64_t documents = indexer_->documents_indexed();
  // 100 stars weigh 5 votes: B (3 upvotes) now trends above A (5), while
  // sort=upvotes still counts votes only.
  List("2606.00002", 3, 100);
  Poll();
  EXPECT_THAT(Ids(SortOrder::kTrending), ElementsAre("2606.00002", "2606.00001", "2001.00003"));
  EXPECT_THAT(Ids(SortOrder::kUpvotes), ElementsAre("2606.00001", "2606.00002", "2001.00003"));
  EXPECT_EQ(indexer_->documents_indexed(), documents);
  EXPECT_EQ(indexer_->popularity_updates(), 1);

  // The old paper gets on a list: it now trends as listed that day.
  List("2001.00003", 40, std::nullopt);
  Poll();
  EXPECT_EQ(Upvotes("2001.00003"), 40);
  EXPECT_EQ(Ids(SortOrder::kTrending).front(), "2001.00003");
  EXPECT_EQ(indexer_->popularity_updates(), 2);
}

TEST_P(IndexerPopularityTest, NewPaperArrivesWithItsListing) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2606.00004", "Transformers D", "2026-06-01")));
  List("2606.00004", 9, std::nullopt);
  Poll();
  EXPECT_EQ(Upvotes("2606.00004"), 9);
  EXPECT_EQ(Ids(SortOrder::kUpvotes).front(), "2606.00004");
}

TEST_P(IndexerPopularityTest, ProgressIsKeptWithTheIndex) {
  Vote(3, "2606.00002");
  // Another Indexer (a restart) resumes from the committed popularity_seq:
  // it applies the one changed row, not every row again.
  indexer_.reset();
  auto restarted = Indexer::Create({.store = db_->options()});
  ASSERT_TRUE(restarted) << restarted.error().ToString();
  indexer_ = std::move(*restarted);
  Poll();
  EXPECT_EQ(indexer_->popularity_updates(), 1);
  EXPECT_EQ(indexer_->documents_indexed(), 0);
  EXPECT_EQ(Upvotes("2606.00002"), 6);
}

TEST_P(IndexerPopularityTest, ASecondProcessFollowsTheWriterAndTakesOverWhenItStops) {
  // Two `serve` on one data dir: the second cannot take the index's write
  // lock (Xapian's lock holds within one process too). It neither rebuilds
  // nor fails: it counts its lag from the index the first one writes.
  auto second = Indexer::Create({.store = db_->options()});
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ((*second)->lag(), -1);  // not counted yet
  ASSERT_TRUE((*second)->CatchUp());
  EXPECT_EQ((*second)->lag(), 0);
  EXPECT_EQ((*second)->documents_indexed(), 0);

  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2606.00007", "Transformers G", "2026-06-03")));
  ASSERT_TRUE((*second)->CatchUp());
  EXPECT_EQ((*second)->lag(), 1);  // the writer has not seen it yet
  EXPECT_EQ((*second)->documents_indexed(), 0);
  Poll();
  ASSERT_TRUE((*second)->CatchUp());
  EXPECT_EQ((*second)->lag(), 0);

  // The writer stops: the next poll of the second one takes the index over.
  indexer_.reset();
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2606.00008", "Transformers H", "2026-06-03")));
  ASSERT_TRUE((*second)->CatchUp());
  EXPECT_EQ((*second)->lag(), 0);
  EXPECT_EQ((*second)->documents_indexed(), 1);
  EXPECT_THAT(Ids(SortOrder::kRelevance), ::testing::Contains("2606.00008"));
}

TEST_P(IndexerPopularityTest, UnlistedPapersTrendNewestFirst) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2101.00005", "Transformers E", "2021-01-01")));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("1901.00006", "Transformers F", "2019-01-01")));
  Poll();
  EXPECT_THAT(Ids(SortOrder::kTrending),
              ElementsAre("2606.00001", "2606.00002", "2101.00005", "2001.00003", "1901.00006"));
}

// The figures /healthz and /search show during a build, on a clock the test
// moves: the rate is papers per second of the phase so far, and the ETA
// counts down between batches, stops at 0, and exists only for the full
// phase.
TEST(BuildProgressTest, RateAndEtaFollowTheClock) {
  FakeClock clock;
  BuildProgress progress(clock);
  EXPECT_EQ(progress.Get().phase, IndexBuildStatus::Phase::kNone);
  EXPECT_EQ(progress.Get().eta_seconds, -1);

  progress.Begin(IndexBuildStatus::Phase::kLookup, 1000);
  clock.Advance(std::chrono::seconds(2));
  progress.Advance(1000);
  EXPECT_EQ(progress.Get().done, 1000);
  EXPECT_DOUBLE_EQ(progress.Get().rate, 500);
  EXPECT_EQ(progress.Get().eta_seconds, -1);  // the quick pass has none

  progress.Begin(IndexBuildStatus::Phase::kFull, 1000);
  IndexBuildStatus s = progress.Get();
  EXPECT_EQ(s.done, 0);
  EXPECT_EQ(s.rate, 0);
  EXPECT_EQ(s.eta_seconds, -1);  // no rate yet
  clock.Advance(std::chrono::seconds(10));
  progress.Advance(100);
  s = progress.Get();
  EXPECT_DOUBLE_EQ(s.rate, 10);
  EXPECT_EQ(s.eta_seconds, 90);
  clock.Advance(std::chrono::seconds(4));
  EXPECT_EQ(progress.Get().eta_seconds, 86);  // between batches
  clock.Advance(std::chrono::seconds(6));
  progress.Advance(300);  // 400 in 20 s: 20 a second, 600 left
  EXPECT_EQ(progress.Get().eta_seconds, 30);
  clock.Advance(std::chrono::seconds(45));
  EXPECT_EQ(progress.Get().eta_seconds, 0);  // late, not negative
  progress.Advance(700);                     // more than counted at the start
  EXPECT_EQ(progress.Get().eta_seconds, 0);

  progress.Begin(IndexBuildStatus::Phase::kMerging, 1000);
  EXPECT_EQ(progress.Get().eta_seconds, -1);
  EXPECT_EQ(progress.Get().done, 0);
}

// A build that slows down (as a Xapian index does while it grows): the rate
// and the ETA follow the last minute, not the average since the start.
TEST(BuildProgressTest, TheRateIsThatOfTheLastMinute) {
  FakeClock clock;
  BuildProgress progress(clock);
  progress.Begin(IndexBuildStatus::Phase::kFull, 10000);
  clock.Advance(std::chrono::seconds(10));
  progress.Advance(5000);  // 500 a second at first
  EXPECT_DOUBLE_EQ(progress.Get().rate, 500);
  clock.Advance(std::chrono::seconds(60));
  progress.Advance(600);  // then 10 a second
  // The window reaches back to the sample at 10 s: 600 in 60 s.
  EXPECT_DOUBLE_EQ(progress.Get().rate, 10);
  clock.Advance(std::chrono::seconds(60));
  progress.Advance(600);
  IndexBuildStatus s = progress.Get();
  EXPECT_DOUBLE_EQ(s.rate, 10);
  EXPECT_EQ(s.eta_seconds, 380);  // 3,800 left; the average (48/s) said 80
}

INSTANTIATE_TEST_SUITE_P(Backends, IndexerPopularityTest,
                         ::testing::ValuesIn(storage::testing::BackendsUnderTest()));

}  // namespace
}  // namespace paperpulse::search
