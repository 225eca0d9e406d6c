#include "paperpulse/ingest/daily_listing_jsonl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/reader_test_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using testing::DataDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::PaperIds;
using testing::ReadPath;
using testing::ReadString;
using testing::RejectLines;

const char kFolder[] = "arxiv-daily-listing-jsonl";

TEST(DailyListingJsonl, EveryFileGivesItsProvenanceCount) {
  auto counts = testing::ProvenanceCounts(kFolder);
  ASSERT_EQ(counts.size(), 356u);
  DailyListingJsonlReader reader;
  std::set<std::string> cs_ids, math_ids;
  int64_t total = 0;
  for (const auto& [file, count] : counts) {
    CollectingSink sink;
    auto status = ReadPath(reader, DataDir(kFolder) + "/" + file, sink);
    ASSERT_TRUE(status) << file << ": " << status.error().ToString();
    EXPECT_EQ(static_cast<int>(sink.papers.size()), count) << file;
    EXPECT_TRUE(sink.rejects.empty())
        << file << ": " << sink.rejects[0].pos.ToString() << " " << sink.rejects[0].reason;
    total += static_cast<int64_t>(sink.papers.size());
    auto& ids = file.rfind("dw-dengwei/", 0) == 0 ? cs_ids : math_ids;
    for (const Paper& p : sink.papers) {
      ids.insert(p.id);
      // No dates are invented from the listing day.
      EXPECT_TRUE(p.submitted.empty() && p.versions.empty() && p.updated.empty()) << p.id;
      EXPECT_FALSE(p.categories.empty()) << p.id;
      for (const auto& c : p.categories) EXPECT_THAT(c, ::testing::Not(HasSubstr(" "))) << p.id;
    }
  }
  EXPECT_EQ(total, 31177);
  EXPECT_EQ(cs_ids.size(), 13292u);
  EXPECT_EQ(math_ids.size(), 2487u);
}

TEST(DailyListingJsonl, KnownRecords) {
  DailyListingJsonlReader reader;
  CollectingSink sink;
  ASSERT_TRUE(
      ReadPath(reader, DataDir(kFolder) + "/dw-dengwei/dw-dengwei__2026-01-01.jsonl", sink));
  ASSERT_FALSE(sink.papers.empty());
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "2512.23786");
  EXPECT_EQ(p.title,
            "Leveraging Synthetic Priors for Monocular Depth Estimation in Specular Surgical "
            "Environments");
  EXPECT_THAT(p.authors, ElementsAre("Ankan Aich", "Yangming Lee"));
  EXPECT_THAT(p.categories, ElementsAre("cs.CV", "cs.RO"));
  EXPECT_EQ(p.comments, "");  // null
  EXPECT_THAT(p.abstract, ::testing::StartsWith("Accurate Monocular Depth Estimation (MDE)"));
  EXPECT_EQ(p.latest_version, 0);

  CollectingSink math;
  ASSERT_TRUE(ReadPath(reader, DataDir(kFolder) + "/LeeMath-lzu/2025-11-10.jsonl", math));
  ASSERT_GE(math.papers.size(), 2u);
  EXPECT_EQ(math.papers[0].id, "2511.05063");  // key order id, categories, pdf, abs, ...
  EXPECT_THAT(math.papers[0].authors, ElementsAre("Pramod N. Achar", "Simon Riche"));
  EXPECT_EQ(math.papers[0].comments, "26 pages");
  EXPECT_THAT(math.papers[0].abstract, HasSubstr("ICM 2026. We\ndiscuss"));  // kept as given
  // The MSC classes the crawler puts among the categories are dropped.
  EXPECT_EQ(math.papers[1].id, "2511.05140");
  EXPECT_THAT(math.papers[1].categories, ElementsAre("math.RT", "math.RA"));
}

TEST(DailyListingJsonl, SniffAcceptsOnlyListingFiles) {
  DailyListingJsonlReader reader;
  int accepted = 0;
  for (const auto& h : testing::AllDataHeads()) {
    bool own = h.path.find("/arxiv-daily-listing-jsonl/") != std::string::npos;
    EXPECT_EQ(reader.Sniff(h.head, h.path), own) << h.path;
    accepted += own;
  }
  EXPECT_EQ(accepted, 356);
  EXPECT_TRUE(reader.Sniff(R"({"id": "2601.00001", "pdf": "https://arxiv.org/pdf/2601.00001", )"
                           R"("abs": "https://arxiv.org/abs/2601.00001", "summary": "cut he)",
                           ""));
  EXPECT_FALSE(reader.Sniff(R"({"id": "2601.00001", "title": "x"})"
                            "\n",
                            ""));
}

TEST(DailyListingJsonl, DetectedByTheRegistry) {
  auto readers = AllReaders();
  std::string path = DataDir(kFolder) + "/LeeMath-lzu/2025-11-10.jsonl";
  auto source = ByteSource::Open(path);
  ASSERT_TRUE(source);
  auto head = (*source)->Peek(64 << 10);
  ASSERT_TRUE(head);
  Reader* r = DetectReader(readers, *head, path);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Name(), "arxiv-daily-listing-jsonl");
}

TEST(DailyListingJsonl, RejectsBadLinesAndKeepsTheGoodOnes) {
  std::string data = testing::JoinLines({
      R"({"id": "2601.00001", "pdf": "p", "abs": "a", "authors": ["A. B\\\"ohm", " C.  D "], )"
      R"("title": "One", "categories": ["cs.CL", "F.2.2", "cs.AI"], "comment": "5 pages", )"
      R"("summary": " Abstract. "})",
      R"({"id": "2601.00002", "title": "Cut)",
      "<html>not json</html>",
      R"({"id": "2601.0000x", "title": "Bad id"})",
      "{\"id\": \"2601.00003\", \"title\": \"Bad \xc3\x28 bytes\"}",
      R"({"id": "2601.00004", "title": ""})",
      R"({"abs": "https://arxiv.org/abs/2601.00005v2", "title": "Id from abs"})",
      "\"just a string\"",
  });
  DailyListingJsonlReader reader;
  CollectingSink sink;
  ASSERT_TRUE(ReadString(reader, data, "2026-01-05.jsonl", sink));
  EXPECT_THAT(PaperIds(sink), ElementsAre("2601.00001", "2601.00005"));
  EXPECT_THAT(sink.papers[0].authors, ElementsAre("A. Böhm", "C. D"));
  EXPECT_THAT(sink.papers[0].categories, ElementsAre("cs.CL", "cs.AI"));
  EXPECT_EQ(sink.papers[0].abstract, "Abstract.");
  EXPECT_EQ(sink.papers[0].comments, "5 pages");
  EXPECT_EQ(sink.papers[1].latest_version, 2);
  EXPECT_THAT(RejectLines(sink), ElementsAre(2, 3, 4, 5, 6, 8));
  ASSERT_EQ(sink.rejects.size(), 6u);
  EXPECT_THAT(sink.rejects[2].reason, HasSubstr("2601.0000x"));
  EXPECT_THAT(sink.rejects[3].reason, HasSubstr("invalid UTF-8"));
  EXPECT_EQ(sink.rejects[4].reason, "missing title");
  EXPECT_EQ(sink.rejects[5].reason, "not a JSON object");
}

TEST(DailyListingJsonl, EmptyInputGivesNothing) {
  DailyListingJsonlReader reader;
  CollectingSink sink;
  ASSERT_TRUE(ReadString(reader, "", "empty.jsonl", sink));
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
}

}  // namespace
}  // namespace paperpulse::ingest
