// The Store's Hugging Face fields (issue 12) on every backend: the item's
// own publishedAt, organisation and AI summary/keywords of daily entries,
// entries by submitter or organisation, and papers newest first by id.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/storage/soci/migrations.h"
#include "paperpulse/storage/soci/soci_store.h"
#include "paperpulse/storage/store.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Paper MakePaper(const std::string& id) {
  Paper p;
  p.id = id;
  p.title = "Title of " + id;
  p.authors = {"Ada Lovelace"};
  p.latest_version = 1;
  p.submitted = "2024-05-01T10:00:00Z";
  return p;
}

DailyEntry Entry(const std::string& date, const std::string& id, const std::string& by,
                 const std::string& org, int64_t upvotes) {
  DailyEntry e;
  e.date = date;
  e.paper_id = id;
  e.submitted_by = by;
  e.organization = org;
  e.organization_fullname = org.empty() ? "" : org + " University";
  e.upvotes = upvotes;
  e.submitted_at = date + "T08:00:00Z";
  e.source = "hf";
  return e;
}

std::vector<std::string> Ids(const std::vector<DailyEntry>& entries) {
  std::vector<std::string> out;
  for (const DailyEntry& e : entries) out.push_back(e.date + " " + e.paper_id);
  return out;
}

std::vector<std::string> Ids(const std::vector<Paper>& papers) {
  std::vector<std::string> out;
  for (const Paper& p : papers) out.push_back(p.id);
  return out;
}

class HfStoreTest : public testing::BackendTest {};

TEST_P(HfStoreTest, NewEntryFieldsRoundTripAndMerge) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2606.26740")));
  DailyEntry e = Entry("2026-06-30", "2606.26740", "YueMa", "Tsinghua", 57);
  e.organization_fullname = "Tsinghua <University> & \"co\"";
  e.published_at = "2026-06-24T20:00:00Z";
  e.ai_summary = "A novel streaming video editing framework.";
  e.ai_keywords = {"streaming video editing", "causal editing", "AR-oriented mask cache"};
  ASSERT_EQ(*store_->UpsertDailyEntry(e), WriteOutcome::kInserted);
  auto read = *store_->DailyEntriesForPaper("2606.26740");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].published_at, e.published_at);
  EXPECT_EQ(read[0].organization, "Tsinghua");
  EXPECT_EQ(read[0].organization_fullname, e.organization_fullname);
  EXPECT_EQ(read[0].ai_summary, e.ai_summary);
  EXPECT_EQ(read[0].ai_keywords, e.ai_keywords);
  // Idempotent; an older re-fetch without the fields loses none of them;
  // the same entry read back and written again is unchanged.
  EXPECT_EQ(*store_->UpsertDailyEntry(e), WriteOutcome::kUnchanged);
  DailyEntry bare = Entry("2026-06-30", "2606.26740", "YueMa", "", 12);
  EXPECT_EQ(*store_->UpsertDailyEntry(bare), WriteOutcome::kUnchanged);
  EXPECT_EQ(*store_->UpsertDailyEntry(read[0]), WriteOutcome::kUnchanged);
  auto again = *store_->DailyEntriesBetween("2026-06-30", "2026-06-30");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].ai_keywords, e.ai_keywords);
  EXPECT_EQ(again[0].organization, "Tsinghua");
  // A keyword with a line break is kept as one keyword.
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2606.00001")));
  DailyEntry odd = Entry("2026-06-30", "2606.00001", "x", "", 1);
  odd.ai_keywords = {"two\nlines", "b"};
  ASSERT_TRUE(store_->UpsertDailyEntry(odd));
  EXPECT_THAT((*store_->DailyEntriesForPaper("2606.00001"))[0].ai_keywords,
              ElementsAre("two lines", "b"));
}

TEST_P(HfStoreTest, DailyEntriesWhereFiltersExactlyNewestFirst) {
  for (const char* id : {"2606.00001", "2606.00002", "2606.00003", "2606.00004", "2606.00005"}) {
    ASSERT_TRUE(store_->UpsertPaper(MakePaper(id)));
  }
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2026-06-01", "2606.00001", "alice", "Org", 3)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2026-06-02", "2606.00002", "alice", "", 9)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2026-06-02", "2606.00003", "alice", "Org", 20)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2026-06-02", "2606.00004", "Alice", "org", 30)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2026-06-03", "2606.00005", "bob", "Org", 1)));

  using Filter = Store::DailyEntryFilter;
  auto by_alice = *store_->DailyEntriesWhere(Filter{"alice", "", "", ""}, 10, 0);
  EXPECT_THAT(Ids(by_alice), ElementsAre("2026-06-02 2606.00003", "2026-06-02 2606.00002",
                                         "2026-06-01 2606.00001"));
  auto by_org = *store_->DailyEntriesWhere(Filter{"", "Org", "", ""}, 10, 0);
  EXPECT_THAT(Ids(by_org), ElementsAre("2026-06-03 2606.00005", "2026-06-02 2606.00003",
                                       "2026-06-01 2606.00001"));
  EXPECT_EQ(by_org[0].organization_fullname, "Org University");
  EXPECT_THAT(Ids(*store_->DailyEntriesWhere(Filter{"alice", "Org", "", ""}, 10, 0)),
              ElementsAre("2026-06-02 2606.00003", "2026-06-01 2606.00001"));
  EXPECT_THAT(
      Ids(*store_->DailyEntriesWhere(Filter{"alice", "", "2026-06-02", "2026-06-02"}, 10, 0)),
      ElementsAre("2026-06-02 2606.00003", "2026-06-02 2606.00002"));
  EXPECT_THAT(Ids(*store_->DailyEntriesWhere(Filter{"alice", "", "", ""}, 1, 1)),
              ElementsAre("2026-06-02 2606.00002"));
  EXPECT_THAT(*store_->DailyEntriesWhere(Filter{"nobody", "", "", ""}, 10, 0), IsEmpty());
  // Hidden entries are left out, as everywhere.
  ASSERT_TRUE(store_->SetDailyEntryHidden("2026-06-02", "2606.00003", true));
  EXPECT_THAT(Ids(*store_->DailyEntriesWhere(Filter{"alice", "Org", "", ""}, 10, 0)),
              ElementsAre("2026-06-01 2606.00001"));
  auto none = store_->DailyEntriesWhere(Filter{}, 10, 0);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
}

TEST(ArxivIdOrderKeyTest, OrdersAsArxivAssignedIds) {
  // Oldest to newest, as arXiv numbered them.
  std::vector<std::string> ids = {"hep-th/9108001", "hep-th/9901001", "math/9901001",
                                  "hep-th/9901002", "math/0703999",   "0704.0001",
                                  "0704.0010",      "1412.9999",      "1501.00001",
                                  "1501.00100",     "2606.26740",     "2606.30616"};
  for (size_t i = 1; i < ids.size(); ++i) {
    std::string a = ArxivIdOrderKey(*ParseArxivId(ids[i - 1]));
    std::string b = ArxivIdOrderKey(*ParseArxivId(ids[i]));
    EXPECT_LT(a, b) << ids[i - 1] << " vs " << ids[i];
  }
  EXPECT_EQ(ArxivIdOrderKey(*ParseArxivId("2606.26740")), "202606.26740 2606.26740");
  EXPECT_EQ(ArxivIdOrderKey(*ParseArxivId("hep-th/9901001")), "199901.00001 hep-th/9901001");
}

TEST_P(HfStoreTest, PapersNewestFirstPagesEveryPaperOnceWhilePapersArrive) {
  std::vector<std::string> stored = {"hep-th/9901001", "math/9901001", "0704.0001", "1501.00001",
                                     "2405.00002",     "2405.00010",   "2606.30616"};
  for (const std::string& id : stored) ASSERT_TRUE(store_->UpsertPaper(MakePaper(id)));
  EXPECT_THAT(Ids(*store_->PapersNewestFirst("", 3)),
              ElementsAre("2606.30616", "2405.00010", "2405.00002"));
  // Page by page with the last id as the cursor; papers arriving between
  // pages (newer and older ones) and updates never repeat or skip one.
  std::vector<std::string> seen;
  std::string cursor;
  int round = 0;
  while (true) {
    auto page = *store_->PapersNewestFirst(cursor, 2);
    if (page.empty()) break;
    for (const Paper& p : page) seen.push_back(p.id);
    cursor = page.back().id;
    ++round;
    ASSERT_TRUE(store_->UpsertPaper(MakePaper("2607.0000" + std::to_string(round))));
    Paper changed = MakePaper(stored[round % stored.size()]);
    changed.title = "Changed " + std::to_string(round);
    changed.latest_version = 2;
    ASSERT_TRUE(store_->UpsertPaper(changed));
  }
  EXPECT_THAT(seen, ElementsAre("2606.30616", "2405.00010", "2405.00002", "1501.00001", "0704.0001",
                                "math/9901001", "hep-th/9901001"));
  // The cursor need not be stored; a bad one is an error.
  EXPECT_THAT(
      Ids(*store_->PapersNewestFirst("2405.00005", 10)),
      ElementsAre("2405.00002", "1501.00001", "0704.0001", "math/9901001", "hep-th/9901001"));
  auto bad = store_->PapersNewestFirst("not an id", 10);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

// A database of schema 5 gets the order keys of its papers when opened.
TEST_P(HfStoreTest, OpeningAnOldDatabaseOrdersItsPapers) {
  testing::TempDatabase old(GetParam());
  {
    auto db = ConnectSociDb(old.options());
    ASSERT_TRUE(db) << db.error().ToString();
    ASSERT_TRUE(ApplyMigrations(**db, 5));
    soci::session& sql = (*db)->sql();
    for (const char* id : {"0704.0001", "2405.00002", "hep-th/9901001"}) {
      sql << "INSERT INTO papers (id, title, change_seq) VALUES ('" + std::string(id) +
                 "', 'T', 0)";
    }
    sql << "INSERT INTO daily_entries (date, paper_id, upvotes) VALUES ('2024-05-08', "
           "'2405.00002', 7)";
  }
  auto store = old.Open();
  EXPECT_THAT(Ids(*store->PapersNewestFirst("", 10)),
              ElementsAre("2405.00002", "0704.0001", "hep-th/9901001"));
  auto entries = *store->DailyEntriesBetween("2024-05-08", "2024-05-08");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].organization, "");
  EXPECT_THAT(entries[0].ai_keywords, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Backends, HfStoreTest, ::testing::ValuesIn(testing::AllBackends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace paperpulse::storage
