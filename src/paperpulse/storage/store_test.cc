// One suite for every Store backend (SQLite always, PostgreSQL when
// PAPERPULSE_TEST_PG is set).
#include "paperpulse/storage/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::storage {
namespace {

using ::testing::ElementsAre;

Paper MakePaper(const std::string& id, int version) {
  Paper p;
  p.id = id;
  p.title = "Title of " + id + " v" + std::to_string(version);
  p.abstract = "We study $x<y$ & <b>things</b>.";
  p.authors = {"Ada Lovelace", "Ł. Kowalski", "C. Balázs"};
  p.categories = {"cs.CL", "cs.AI"};
  p.latest_version = version;
  for (int v = 1; v <= version; ++v) {
    p.versions.push_back(
        {v, "2024-05-0" + std::to_string(v) + "T10:00:00Z", std::to_string(v) + "kb"});
  }
  p.submitted = "2024-05-01T10:00:00Z";
  p.updated = p.versions.back().date;
  return p;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TempDatabase>(GetParam());
    store_ = db_->Open();
  }
  std::unique_ptr<testing::TempDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, FreshDatabaseIsMigratedAndEmpty) {
  EXPECT_EQ(store_->Backend(), GetParam());
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version) << version.error().ToString();
  EXPECT_GE(*version, 1);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->papers, 0);
  EXPECT_EQ(stats->change_seq, 0);
  // Opening again applies nothing twice.
  auto again = db_->Open();
  EXPECT_EQ(*again->SchemaVersion(), *version);
}

TEST_P(StoreTest, InsertThenReadBackEveryField) {
  Paper p = MakePaper("2405.04517", 2);
  p.comments = "10 pages";
  p.journal_ref = "Phys.Rev.D76:013009,2007";
  p.doi = "10.1103/PhysRevD.76.013009";
  p.license = "http://creativecommons.org/licenses/by/4.0/";
  auto r = store_->UpsertPaper(p);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(*r, WriteOutcome::kInserted);
  auto got = store_->GetPaper("2405.04517");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, p);
  auto none = store_->GetPaper("2405.99999");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(StoreTest, UpsertIsIdempotentAndNewerVersionsWin) {
  Paper v1 = MakePaper("0704.0001", 1);
  ASSERT_EQ(*store_->UpsertPaper(v1), WriteOutcome::kInserted);
  EXPECT_EQ(*store_->UpsertPaper(v1), WriteOutcome::kUnchanged);
  EXPECT_EQ(store_->Stats()->change_seq, 1);

  Paper v2 = MakePaper("0704.0001", 2);
  ASSERT_EQ(*store_->UpsertPaper(v2), WriteOutcome::kUpdated);
  EXPECT_EQ((*store_->GetPaper("0704.0001"))->title, v2.title);
  EXPECT_EQ(store_->Stats()->versions, 2);
  EXPECT_EQ(store_->Stats()->change_seq, 2);

  // An older record never overwrites, and re-importing it changes nothing.
  EXPECT_EQ(*store_->UpsertPaper(v1), WriteOutcome::kUnchanged);
  EXPECT_EQ((*store_->GetPaper("0704.0001"))->title, v2.title);
  EXPECT_EQ(store_->Stats()->change_seq, 2);
}

TEST_P(StoreTest, PartialRecordsFillEmptyFieldsOnly) {
  Paper sparse;
  sparse.id = "2401.00001";
  sparse.title = "Sparse";
  ASSERT_EQ(*store_->UpsertPaper(sparse), WriteOutcome::kInserted);
  Paper more = sparse;
  more.title = "Different title, same (unknown) version";
  more.abstract = "Now with an abstract.";
  ASSERT_EQ(*store_->UpsertPaper(more), WriteOutcome::kUpdated);
  auto got = **store_->GetPaper("2401.00001");
  EXPECT_EQ(got.title, "Sparse");
  EXPECT_EQ(got.abstract, "Now with an abstract.");
}

TEST_P(StoreTest, ChangeSequenceFollowsWrites) {
  ASSERT_TRUE(store_->Begin());
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.0000" + std::to_string(i), 1)));
  }
  ASSERT_TRUE(store_->Commit());
  auto changed = store_->PapersChangedSince(0, 100);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->size(), 5u);
  EXPECT_EQ((*changed)[0].change_seq, 1);
  EXPECT_EQ((*changed)[4].change_seq, 5);
  EXPECT_EQ((*changed)[4].paper.id, "2401.00005");
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.00002", 2)));
  auto later = store_->PapersChangedSince(5, 100);
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].paper.id, "2401.00002");
  EXPECT_EQ((*later)[0].change_seq, 6);
  EXPECT_EQ(store_->PapersChangedSince(0, 2)->size(), 2u);
}

TEST_P(StoreTest, RollbackLeavesNothing) {
  ASSERT_TRUE(store_->Begin());
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.00001", 1)));
  ASSERT_TRUE(store_->SetMeta("k", "v"));
  ASSERT_TRUE(store_->Rollback());
  EXPECT_EQ(store_->Stats()->papers, 0);
  EXPECT_EQ(store_->Stats()->change_seq, 0);
  EXPECT_FALSE(*store_->GetMeta("k"));
}

TEST_P(StoreTest, DailyEntriesMergeByMaxCounters) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  DailyEntry e;
  e.date = "2024-05-08";
  e.paper_id = "2405.04517";
  e.submitted_by = "akhaliq";
  e.submitted_at = "2024-05-08T01:02:03Z";
  e.upvotes = 10;
  e.num_comments = 2;
  e.github_repo = "https://github.com/x/y";
  e.source = "hf";
  ASSERT_EQ(*store_->UpsertDailyEntry(e), WriteOutcome::kInserted);
  EXPECT_EQ(*store_->UpsertDailyEntry(e), WriteOutcome::kUnchanged);
  DailyEntry older = e;
  older.upvotes = 3;
  EXPECT_EQ(*store_->UpsertDailyEntry(older), WriteOutcome::kUnchanged);
  DailyEntry newer = e;
  newer.upvotes = 42;
  newer.github_stars = 1234;
  EXPECT_EQ(*store_->UpsertDailyEntry(newer), WriteOutcome::kUpdated);
  auto list = store_->DailyEntriesBetween("2024-05-01", "2024-05-31");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].upvotes, 42);
  EXPECT_EQ((*list)[0].github_stars, 1234);
  EXPECT_EQ((*list)[0].submitted_by, "akhaliq");
  EXPECT_TRUE(store_->DailyEntriesBetween("2024-06-01", "2024-06-30")->empty());
  EXPECT_EQ(store_->Stats()->daily_entries, 1);
}

TEST_P(StoreTest, AdjacentDailyDatesSkipDaysWithoutEntries) {
  using Direction = Store::Direction;
  EXPECT_FALSE(*store_->AdjacentDailyDate("9999-12-31", Direction::kBefore));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  for (const char* date : {"2024-05-03", "2024-05-06", "2024-05-07"}) {
    DailyEntry e;
    e.date = date;
    e.paper_id = "2405.04517";
    ASSERT_TRUE(store_->UpsertDailyEntry(e));
  }
  EXPECT_EQ(*store_->AdjacentDailyDate("9999-12-31", Direction::kBefore), "2024-05-07");
  EXPECT_EQ(*store_->AdjacentDailyDate("2024-05-06", Direction::kBefore), "2024-05-03");
  EXPECT_EQ(*store_->AdjacentDailyDate("2024-05-04", Direction::kBefore), "2024-05-03");
  EXPECT_EQ(*store_->AdjacentDailyDate("2024-05-03", Direction::kAfter), "2024-05-06");
  EXPECT_FALSE(*store_->AdjacentDailyDate("2024-05-03", Direction::kBefore));
  EXPECT_FALSE(*store_->AdjacentDailyDate("2024-05-07", Direction::kAfter));
}

TEST_P(StoreTest, DailyEntriesForPaperNewestFirst) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00001", 1)));
  for (const char* date : {"2024-05-03", "2024-05-07"}) {
    DailyEntry e;
    e.date = date;
    e.paper_id = "2405.04517";
    e.upvotes = 5;
    e.github_stars = 7;
    ASSERT_TRUE(store_->UpsertDailyEntry(e));
  }
  DailyEntry other;
  other.date = "2024-05-05";
  other.paper_id = "2405.00001";
  ASSERT_TRUE(store_->UpsertDailyEntry(other));
  auto list = store_->DailyEntriesForPaper("2405.04517");
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].date, "2024-05-07");
  EXPECT_EQ((*list)[1].date, "2024-05-03");
  EXPECT_EQ((*list)[0].github_stars, 7);
  EXPECT_TRUE(store_->DailyEntriesForPaper("2405.99999")->empty());
}

TEST_P(StoreTest, DailyEntryForUnknownPaperFails) {
  DailyEntry e;
  e.date = "2024-05-08";
  e.paper_id = "2405.00000";
  EXPECT_FALSE(store_->UpsertDailyEntry(e));
}

TEST_P(StoreTest, MetaRoundTripsAndSurvivesReopen) {
  ASSERT_TRUE(store_->SetMeta("harvest.checkpoint", "{\"token\":\"a\"}"));
  ASSERT_TRUE(store_->SetMeta("harvest.checkpoint", "{\"token\":\"b\"}"));
  auto again = db_->Open();
  auto v = again->GetMeta("harvest.checkpoint");
  ASSERT_TRUE(v && *v);
  EXPECT_EQ(**v, "{\"token\":\"b\"}");
}

TEST_P(StoreTest, SecondConnectionSeesCommittedWrites) {
  auto other = db_->Open();
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  auto got = other->GetPaper("2405.04517");
  ASSERT_TRUE(got && *got);
  EXPECT_THAT((*got)->authors, ElementsAre("Ada Lovelace", "Ł. Kowalski", "C. Balázs"));
}

// A reader that has read a paper must not stay on that snapshot: later
// commits of other connections (an import while serve runs) become visible.
TEST_P(StoreTest, ReaderIsNotPinnedToAnOldSnapshot) {
  auto reader = db_->Open();
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  auto first = reader->GetPaper("2405.04517");
  ASSERT_TRUE(first && *first);
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04518", 1)));
  EXPECT_EQ(reader->Stats()->papers, 2);
  auto changed = reader->PapersChangedSince(0, 10);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->size(), 2u);
}

TEST_P(StoreTest, TextIsStoredVerbatim) {
  Paper p = MakePaper("2405.04517", 1);
  p.title = "Quotes ' \" and \\ backslash; DROP TABLE papers; -- \xF0\x9F\x98\x80";
  p.authors = {"O'Brien, \"Q\"", "[weird]", "{\"json\": 1}"};
  ASSERT_TRUE(store_->UpsertPaper(p));
  EXPECT_EQ(**store_->GetPaper(p.id), p);
}

TEST_P(StoreTest, RecordsWithoutIdsAreHeldIdempotently) {
  Paper p;
  p.title = "Attention Is All You Need";
  p.abstract = "";
  ASSERT_EQ(*store_->UpsertUnkeyedPaper(p, "a.csv"), WriteOutcome::kInserted);
  Paper variant = p;
  variant.title = "attention is all you need!";
  variant.abstract = "The dominant sequence transduction models...";
  EXPECT_EQ(*store_->UpsertUnkeyedPaper(variant, "a.csv"), WriteOutcome::kUpdated);
  EXPECT_EQ(*store_->UpsertUnkeyedPaper(variant, "a.csv"), WriteOutcome::kUnchanged);
  EXPECT_EQ(*store_->UpsertUnkeyedPaper(p, "b.csv"), WriteOutcome::kInserted);
  EXPECT_EQ(store_->Stats()->unkeyed, 2);
  EXPECT_EQ(store_->Stats()->papers, 0);
}

TEST(TitleKey, FoldsCasePunctuationAndSpace) {
  EXPECT_EQ(TitleKey("  Attention Is All You Need! "), "attention is all you need");
  EXPECT_EQ(TitleKey("BERT: Pre-training of Deep\nBidirectional"),
            "bert pre training of deep bidirectional");
  EXPECT_EQ(TitleKey("Schrödinger's cat"), "schrödinger s cat");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing::BackendsUnderTest()),
                         [](const auto& info) { return info.param; });

TEST(MergePaper, OrderOfSourcesDoesNotMatterForVersionsAndDates) {
  Paper a;
  a.id = "x";
  a.versions = {{2, "2020-02-01T00:00:00Z", ""}};
  a.latest_version = 2;
  Paper b;
  b.id = "x";
  b.versions = {{1, "2020-01-01T00:00:00Z", "3kb"}};
  b.latest_version = 1;
  Paper empty;
  empty.id = "x";
  Paper ab = MergePaper(MergePaper(empty, a), b);
  Paper ba = MergePaper(MergePaper(empty, b), a);
  EXPECT_EQ(ab.versions, ba.versions);
  EXPECT_EQ(ab.submitted, "2020-01-01T00:00:00Z");
  EXPECT_EQ(ab.updated, "2020-02-01T00:00:00Z");
  EXPECT_EQ(ab.latest_version, 2);
  EXPECT_EQ(MergePaper(ab, b), ab);
}

}  // namespace
}  // namespace paperpulse::storage
