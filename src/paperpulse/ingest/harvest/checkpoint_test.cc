#include "paperpulse/ingest/harvest/checkpoint.h"

#include <gtest/gtest.h>

#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::ingest::harvest {
namespace {

Checkpoint Sample() {
  Checkpoint c;
  c.endpoint = "https://oaipmh.arxiv.org/oai";
  c.set = "physics:hep-th";
  c.format = "arXivRaw";
  c.from = "2019-10-01";
  c.until = "2019-10-09";
  c.resumption_token = "3996692|1001";
  c.last_datestamp = "2019-10-09";
  c.pages = 1;
  c.records = 1000;
  c.complete_list_size = 2525;
  c.cursor = 0;
  c.restarts = 1;
  c.harvested_through = "2019-09-30";
  c.started_at = "2026-01-05T12:00:00Z";
  c.updated_at = "2026-01-05T12:00:03Z";
  return c;
}

TEST(Checkpoint, JsonRoundTrip) {
  Checkpoint c = Sample();
  auto parsed = ParseCheckpoint(CheckpointToJson(c));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, c);
  c.complete = true;
  c.resumption_token.clear();
  c.finished_at = "2026-01-05T12:00:06Z";
  EXPECT_EQ(*ParseCheckpoint(CheckpointToJson(c)), c);
}

TEST(Checkpoint, JsonHasTheDocumentedKeys) {
  std::string json = CheckpointToJson(Sample());
  for (const char* key : {"\"endpoint\"", "\"set\"", "\"format\"", "\"from\"", "\"until\"",
                          "\"resumption_token\"", "\"last_datestamp\"", "\"pages\"", "\"records\"",
                          "\"harvested_through\"", "\"complete\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
}

TEST(Checkpoint, UnknownKeysIgnoredMissingKeysDefault) {
  auto c = ParseCheckpoint(R"({"endpoint": "http://x/oai", "pages": 3, "future_field": [1, 2]})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->endpoint, "http://x/oai");
  EXPECT_EQ(c->pages, 3);
  EXPECT_EQ(c->complete_list_size, -1);
  EXPECT_FALSE(c->complete);
}

TEST(Checkpoint, RejectsNonObjects) {
  EXPECT_FALSE(ParseCheckpoint("[1]"));
  EXPECT_FALSE(ParseCheckpoint("{"));
  EXPECT_FALSE(ParseCheckpoint(""));
}

TEST(Checkpoint, StoredInTheStoreTransaction) {
  for (const std::string& backend : storage::testing::BackendsUnderTest()) {
    SCOPED_TRACE(backend);
    storage::testing::TempDatabase db(backend);
    auto store = db.Open();
    auto none = LoadCheckpoint(*store);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);

    ASSERT_TRUE(store->Begin());
    ASSERT_TRUE(SaveCheckpoint(*store, Sample()));
    ASSERT_TRUE(store->Rollback());
    EXPECT_FALSE(*LoadCheckpoint(*store));

    ASSERT_TRUE(store->Begin());
    ASSERT_TRUE(SaveCheckpoint(*store, Sample()));
    ASSERT_TRUE(store->Commit());
    auto loaded = LoadCheckpoint(*db.Open());
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_EQ(**loaded, Sample());
  }
}

TEST(Checkpoint, CorruptValueIsAnErrorNamingTheKey) {
  storage::testing::TempDatabase db("sqlite");
  auto store = db.Open();
  ASSERT_TRUE(store->SetMeta(kCheckpointKey, "not json"));
  auto c = LoadCheckpoint(*store);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("harvest.checkpoint"), std::string::npos);
}

}  // namespace
}  // namespace paperpulse::ingest::harvest
