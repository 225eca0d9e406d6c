// The lookup index: what a fresh site answers while its first full index
// builds (arXiv ids, exact titles, author names, field filters), marked
// partial; and the Indexer's build making it, reporting its phases, and
// removing it once the full index is live.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "paperpulse/search/index.h"
#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/index_writer.h"
#include "paperpulse/search/indexer.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::search {
namespace {

Paper MakePaper(std::string id, std::string title, std::vector<std::string> authors) {
  Paper p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.authors = std::move(authors);
  p.categories = {"cs.LG", "stat.ML"};
  p.submitted = "2026-06-01T12:00:00Z";
  p.updated = p.submitted;
  p.versions.push_back({1, p.submitted, "10kb"});
  p.latest_version = 1;
  p.abstract = "Transformers for everything, in a long abstract of many words.";
  return p;
}

std::vector<Paper> Papers() {
  return {MakePaper("2606.00001", "Attention Is All You Need", {"Ashish Vaswani", "Noam Shazeer"}),
          MakePaper("2606.00002", "G\\\"odel's $\\alpha$-Theorem", {"Kurt G\\\"odel"}),
          MakePaper("2606.00003", "Deep learning", {"Yann LeCun", "Yoshua Bengio"})};
}

std::vector<std::string> Ids(const SearchResults& r) {
  std::vector<std::string> ids;
  for (const SearchHit& h : r.hits) ids.push_back(h.id);
  return ids;
}

class LookupIndexTest : public storage::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    auto index = OpenIndex(db_->options().data_dir);
    ASSERT_TRUE(index) << index.error().ToString();
    index_ = std::move(*index);
  }

  SearchResults Find(std::string_view q, SortOrder sort = SortOrder::kRelevance) {
    SearchOptions o;
    o.sort = sort;
    auto r = index_->Search(q, o);
    EXPECT_TRUE(r) << q << ": " << r.error().ToString();
    return r ? *r : SearchResults{};
  }

  void WriteLookup() {
    auto writer = CreateLookupIndexWriter(db_->options().data_dir);
    ASSERT_TRUE(writer) << writer.error().ToString();
    for (Paper& p : Papers()) {
      IndexDocument doc;
      doc.paper = std::move(p);
      ASSERT_TRUE((*writer)->Put(doc));
    }
    ASSERT_TRUE((*writer)->Commit({3, 0}));
  }

  std::unique_ptr<Index> index_;
};

TEST_P(LookupIndexTest, NothingBeforeTheLookupIndexExists) {
  auto r = index_->Search("deep learning", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

TEST_P(LookupIndexTest, FindsIdsTitlesAndAuthorsMarkedPartial) {
  WriteLookup();
  SearchResults by_id = Find("arXiv:2606.00002v3");
  EXPECT_TRUE(by_id.partial);
  ASSERT_EQ(Ids(by_id), std::vector<std::string>{"2606.00002"});
  EXPECT_EQ(by_id.hits[0].title, "G\\\"odel's $\\alpha$-Theorem");
  EXPECT_EQ(by_id.hits[0].snippet, "");  // no abstracts in the lookup index

  // Exact titles in another case, punctuation or spelling.
  EXPECT_EQ(Ids(Find("ATTENTION IS ALL YOU NEED")), std::vector<std::string>{"2606.00001"});
  EXPECT_EQ(Ids(Find("Gödel's α-theorem")), std::vector<std::string>{"2606.00002"});
  // Author names: full, initial form, surname, and the author: field.
  EXPECT_EQ(Ids(Find("Yann LeCun")), std::vector<std::string>{"2606.00003"});
  EXPECT_EQ(Ids(Find("Y. LeCun")), std::vector<std::string>{"2606.00003"});
  EXPECT_EQ(Ids(Find("shazeer")), std::vector<std::string>{"2606.00001"});
  EXPECT_EQ(Ids(Find("author:bengio")), std::vector<std::string>{"2606.00003"});
  // Fields work on what the lookup index has; newest first by id order
  // within one date.
  EXPECT_EQ(Find("cat:stat.ML", SortOrder::kDate).hits.size(), 3u);
  // Words of abstracts are not there yet: an empty, partial answer.
  SearchResults words = Find("transformers everything");
  EXPECT_TRUE(words.partial);
  EXPECT_TRUE(words.hits.empty());
  // Related papers need the words.
  auto related = index_->Related("2606.00001", 5);
  ASSERT_FALSE(related);
  EXPECT_EQ(related.error().code, ErrorCode::kUnavailable);
}

TEST_P(LookupIndexTest, IndexerBuildsItFirstAndRemovesItWhenTheFullIndexIsLive) {
  for (const Paper& p : Papers()) ASSERT_TRUE(store_->UpsertPaper(p));
  auto indexer = Indexer::Create({.store = db_->options()});
  ASSERT_TRUE(indexer) << indexer.error().ToString();
  EXPECT_EQ((*indexer)->build_status().phase, IndexBuildStatus::Phase::kNone);
  EXPECT_EQ((*indexer)->lag(), -1);  // nothing counted yet
  Status s = (*indexer)->CatchUp();
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ((*indexer)->build_status().phase, IndexBuildStatus::Phase::kNone);
  EXPECT_EQ((*indexer)->lag(), 0);
  std::string index_dir = IndexDir(db_->options().data_dir);
  EXPECT_TRUE(LiveGeneration(index_dir));
  EXPECT_FALSE(std::filesystem::exists(LookupIndexPath(index_dir)));
  SearchResults words = Find("transformers everything");
  EXPECT_FALSE(words.partial);
  EXPECT_EQ(words.hits.size(), 3u);
  EXPECT_FALSE(words.hits[0].snippet.empty());
}

// Two `serve` on a fresh data dir: the second one's indexer waits for the
// first one's build (which holds the build lock) instead of building the
// same index again; `reindex` meanwhile says why it cannot start.
TEST_P(LookupIndexTest, AnIndexerWaitsWhileAnotherProcessBuilds) {
  for (const Paper& p : Papers()) ASSERT_TRUE(store_->UpsertPaper(p));
  std::string index_dir = IndexDir(db_->options().data_dir);
  auto other = TryLockBuild(index_dir);  // the other process's build
  ASSERT_TRUE(other && *other);
  auto indexer = Indexer::Create({.store = db_->options()});
  ASSERT_TRUE(indexer);
  Status s = (*indexer)->CatchUp();
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_FALSE(LiveGeneration(index_dir));
  EXPECT_FALSE(std::filesystem::exists(LookupIndexPath(index_dir)));
  EXPECT_EQ((*indexer)->lag(), -1);
  EXPECT_EQ((*indexer)->documents_indexed(), 0);
  Status rebuilt = (*indexer)->Rebuild();
  ASSERT_FALSE(rebuilt);
  EXPECT_EQ(rebuilt.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(rebuilt.error().message, ::testing::HasSubstr("another process"));
  // While one build holds the lock, no other can take it.
  EXPECT_TRUE(TryLockBuild(index_dir) && !*TryLockBuild(index_dir));

  other->reset();  // that process ended without publishing: this one builds
  s = (*indexer)->CatchUp();
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_TRUE(LiveGeneration(index_dir));
  EXPECT_EQ((*indexer)->lag(), 0);
  EXPECT_EQ((*indexer)->documents_indexed(), static_cast<int64_t>(Papers().size()));
}

TEST_P(LookupIndexTest, NoLookupPassWhenAnIndexIsAlreadyLive) {
  for (const Paper& p : Papers()) ASSERT_TRUE(store_->UpsertPaper(p));
  auto indexer = Indexer::Create({.store = db_->options()});
  ASSERT_TRUE(indexer);
  ASSERT_TRUE((*indexer)->CatchUp());
  // A rebuild next to a live index: readers keep the old one, so no lookup
  // index is made (its stale leftover would not be read either).
  WriteLookup();
  ASSERT_TRUE((*indexer)->Rebuild());
  EXPECT_FALSE(std::filesystem::exists(LookupIndexPath(IndexDir(db_->options().data_dir))));
  EXPECT_FALSE(Find("2606.00001").partial);
}

INSTANTIATE_TEST_SUITE_P(Backends, LookupIndexTest,
                         ::testing::ValuesIn(storage::testing::BackendsUnderTest()));

}  // namespace
}  // namespace paperpulse::search
