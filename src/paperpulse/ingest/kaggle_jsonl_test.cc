#include "paperpulse/ingest/kaggle_jsonl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
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

const char kFile[] = "arxiv-kaggle-jsonl/wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl";

const Paper* Find(const CollectingSink& sink, std::string_view id) {
  for (const auto& p : sink.papers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

class KaggleRealFile : public ::testing::Test {
 protected:
  void SetUp() override {
    KaggleJsonlReader reader;
    auto status = ReadPath(reader, DataDir(kFile), sink_);
    ASSERT_TRUE(status) << status.error().ToString();
  }
  CollectingSink sink_;
};

TEST_F(KaggleRealFile, ReadsEveryRecordOfTheProvenanceCount) {
  auto counts = testing::ProvenanceCounts("arxiv-kaggle-jsonl");
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(static_cast<int>(sink_.papers.size()), counts.begin()->second);
  EXPECT_EQ(sink_.papers.size(), 200u);
  EXPECT_TRUE(sink_.rejects.empty())
      << sink_.rejects[0].pos.ToString() << " " << sink_.rejects[0].reason;
  std::vector<std::string> all = PaperIds(sink_);
  std::set<std::string> ids(all.begin(), all.end());
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(*ids.begin(), "0704.0001");
  EXPECT_EQ(*ids.rbegin(), "0704.0200");
}

TEST_F(KaggleRealFile, FirstRecordHasEveryField) {
  const Paper* p = Find(sink_, "0704.0001");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(
      p->title,
      "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies");
  // authors_parsed order, TeX-free, with Kaggle's "C. -P." repaired.
  EXPECT_THAT(p->authors, ElementsAre("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"));
  EXPECT_THAT(p->categories, ElementsAre("hep-ph"));
  EXPECT_THAT(p->versions, ElementsAre(PaperVersion{1, "2007-04-02T19:18:42Z", ""},
                                       PaperVersion{2, "2007-07-24T20:10:27Z", ""}));
  EXPECT_EQ(p->latest_version, 2);
  EXPECT_EQ(p->submitted, "2007-04-02T19:18:42Z");
  EXPECT_EQ(p->updated, "2008-11-26");
  EXPECT_EQ(p->doi, "10.1103/PhysRevD.76.013009");
  EXPECT_EQ(p->journal_ref, "Phys.Rev.D76:013009,2007");
  EXPECT_EQ(p->comments, "37 pages, 15 figures; published version");
  EXPECT_EQ(p->license, "");  // null in the dump
  EXPECT_THAT(p->abstract, ::testing::StartsWith("A fully differential calculation"));
  EXPECT_THAT(p->abstract, ::testing::EndsWith("selection of events."));
  EXPECT_THAT(p->abstract, HasSubstr("quantum chromodynamics is\npresented"));  // as given
}

TEST_F(KaggleRealFile, KnownRecords) {
  const Paper* p = Find(sink_, "0704.0002");
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->authors, ElementsAre("Ileana Streinu", "Louis Theran"));
  EXPECT_THAT(p->categories, ElementsAre("math.CO", "cs.CG"));
  EXPECT_EQ(p->license, "http://arxiv.org/licenses/nonexclusive-distrib/1.0/");
  EXPECT_EQ(p->submitted, "2007-03-31T02:26:18Z");

  p = Find(sink_, "0704.0009");  // suffix, wrapped title
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->authors.size(), 7u);
  EXPECT_EQ(p->authors[5], "Neal J. Evans II");
  EXPECT_EQ(p->title,
            "The Spitzer c2d Survey of Large, Nearby, Insterstellar Clouds. IX. The Serpens YSO "
            "Population As Observed With IRAC and MIPS");
  EXPECT_EQ(p->comments, "");

  p = Find(sink_, "0704.0044");  // affiliations in authors_parsed[i][3]
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->authors, ElementsAre("A. A. Schekochihin", "S. C. Cowley", "W. Dorland",
                                      "G. W. Hammett", "G. G. Howes", "E. Quataert", "T. Tatsuno"));
  EXPECT_THAT(p->categories,
              ElementsAre("astro-ph", "nlin.CD", "physics.plasm-ph", "physics.space-ph"));
  EXPECT_EQ(p->latest_version, 4);
  ASSERT_EQ(p->versions.size(), 4u);
  EXPECT_EQ(p->versions[3].date, "2009-05-09T19:26:10Z");
  EXPECT_EQ(p->updated, "2015-05-13");

  p = Find(sink_, "0704.0027");
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->authors,
              ElementsAre("M. O. Goerbig", "J.-N. Fuchs", "K. Kechedzhi", "Vladimir I. Fal'ko"));
}

TEST(KaggleJsonl, SniffAcceptsOnlyKaggleLines) {
  KaggleJsonlReader reader;
  int accepted = 0;
  for (const auto& h : testing::AllDataHeads()) {
    bool own = h.path.find("/arxiv-kaggle-jsonl/") != std::string::npos;
    EXPECT_EQ(reader.Sniff(h.head, h.path), own) << h.path;
    accepted += own;
  }
  EXPECT_EQ(accepted, 1);
  // The head may end inside a first line with a huge author list.
  EXPECT_TRUE(reader.Sniff(R"({"id":"0704.0001","submitter":"X","authors":"A. One, B. Two, )", ""));
  EXPECT_FALSE(reader.Sniff(R"({"id":"0704.0001","authors":"A. One"})"
                            "\n",
                            ""));
  EXPECT_FALSE(reader.Sniff("", ""));
  // Key names inside values do not count.
  EXPECT_FALSE(reader.Sniff(R"({"title":"\"authors_parsed\" and \"versions\""})"
                            "\n",
                            ""));
}

TEST(KaggleJsonl, DetectedByTheRegistry) {
  auto readers = AllReaders();
  auto source = ByteSource::Open(DataDir(kFile));
  ASSERT_TRUE(source);
  auto head = (*source)->Peek(64 << 10);
  ASSERT_TRUE(head);
  Reader* r = DetectReader(readers, *head, DataDir(kFile));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Name(), "kaggle-jsonl");
}

TEST(KaggleJsonl, RejectsBadLinesAndKeepsTheGoodOnes) {
  std::string data = testing::JoinLines({
      R"({"id":"0704.0001","title":"Good one","authors":"A. One and B. Two",)"
      R"("versions":[{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"}]})",
      R"({"id":"0704.0002","title":"Truncated in the mid)",
      "this is not JSON",
      R"({"id":"junk-id-123","title":"Bad id"})",
      "{\"id\":\"0704.0003\",\"title\":\"Bad \xff byte\"}",
      R"({"id":"0704.0004","abstract":"no title"})",
      R"({"title":"no id"})",
      "   ",  // blank: skipped
      "[1, 2]",
      R"({"id":"0704.0005","title":"Falls back","authors":"C. Three, D. Four",)"
      R"("authors_parsed":[]})"
      "\r",  // CRLF line end
      R"({"id":"0704.0006","title":"Trailing","versions":"not a list"})",
  });
  data += R"({"id":"0704.0007","title":"Missing brace")";  // line 12, no final newline
  KaggleJsonlReader reader;
  CollectingSink sink;
  auto status = ReadString(reader, data, "bad.jsonl", sink);
  ASSERT_TRUE(status) << status.error().ToString();

  EXPECT_THAT(PaperIds(sink), ElementsAre("0704.0001", "0704.0005", "0704.0006"));
  EXPECT_THAT(sink.papers[0].authors, ElementsAre("A. One", "B. Two"));
  EXPECT_EQ(sink.papers[0].submitted, "2007-04-02T19:18:42Z");
  EXPECT_THAT(sink.papers[1].authors, ElementsAre("C. Three", "D. Four"));
  EXPECT_TRUE(sink.papers[2].versions.empty());

  EXPECT_THAT(RejectLines(sink), ElementsAre(2, 3, 4, 5, 6, 7, 9, 12));
  ASSERT_EQ(sink.rejects.size(), 8u);
  EXPECT_EQ(sink.rejects[0].pos.file, "bad.jsonl");
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("unterminated string"));
  EXPECT_THAT(sink.rejects[2].reason, HasSubstr("junk-id-123"));
  EXPECT_THAT(sink.rejects[3].reason, HasSubstr("invalid UTF-8 at byte 31"));
  EXPECT_EQ(sink.rejects[4].reason, "missing title");
  EXPECT_EQ(sink.rejects[5].reason, "missing id");
  EXPECT_EQ(sink.rejects[6].reason, "not a JSON object");
  EXPECT_THAT(sink.rejects[7].reason, HasSubstr("truncated or malformed"));
  // Offsets point at the start of the line.
  EXPECT_EQ(data.substr(static_cast<size_t>(sink.rejects[1].pos.offset), 7), "this is");
}

TEST(KaggleJsonl, EmptyInputGivesNothing) {
  KaggleJsonlReader reader;
  CollectingSink sink;
  ASSERT_TRUE(ReadString(reader, "", "empty.jsonl", sink));
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
  ASSERT_TRUE(ReadString(reader, "\n\n", "blank.jsonl", sink));
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
}

TEST(KaggleJsonl, HugeLinesNeitherCrashNorStall) {
  std::string good1 = R"({"id":"0704.0001","title":"Before"})"
                      "\n";
  std::string big_title(10 << 20, 'x');
  std::string big = R"({"id":"0704.0002","title":")" + big_title + "\"}\n";
  std::string too_long = R"({"id":"0704.0003","title":")" + std::string(17 << 20, 'y') + "\"}\n";
  std::string good2 = R"({"id":"0704.0004","title":"After"})"
                      "\n";
  KaggleJsonlReader reader;
  CollectingSink sink;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(ReadString(reader, good1 + big + too_long + good2, "huge.jsonl", sink));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_THAT(PaperIds(sink), ElementsAre("0704.0001", "0704.0002", "0704.0004"));
  EXPECT_EQ(sink.papers[1].title.size(), big_title.size());
  EXPECT_THAT(RejectLines(sink), ElementsAre(3));
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("longer than"));
  EXPECT_LT(seconds, 10.0);  // linear: ~30 MB takes well under a second
}

TEST(KaggleJsonl, NormalisesParsedNamesAndVersions) {
  std::string line =
      R"({"id":"hep-th/9901001v3","title":"  Wrapped\n  title ","authors_parsed":[)"
      R"(["Bal\\'azs","C.",""],["Gott","J. Richard","III"],["ATLAS Collaboration","",""],["","",""]],)"
      R"("versions":[{"version":"v2","created":"Tue, 24 Jul 2007 20:10:27 GMT"},)"
      R"({"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"},{"version":"bogus","created":"x"}],)"
      R"("categories":"hep-th math.QA","comments":"12 pages,\n  3 figures","license":null})";
  KaggleJsonlReader reader;
  CollectingSink sink;
  ASSERT_TRUE(ReadString(reader, line, "one.jsonl", sink));
  ASSERT_EQ(sink.papers.size(), 1u) << sink.rejects[0].reason;
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "hep-th/9901001");
  EXPECT_EQ(p.title, "Wrapped title");
  EXPECT_THAT(p.authors, ElementsAre("C. Balázs", "J. Richard Gott III", "ATLAS Collaboration"));
  EXPECT_THAT(p.versions, ElementsAre(PaperVersion{1, "2007-04-02T19:18:42Z", ""},
                                      PaperVersion{2, "2007-07-24T20:10:27Z", ""}));
  EXPECT_EQ(p.latest_version, 3);  // the id names v3
  EXPECT_EQ(p.submitted, "2007-04-02T19:18:42Z");
  EXPECT_EQ(p.updated, "2007-07-24T20:10:27Z");  // no update_date: the latest version's
  EXPECT_THAT(p.categories, ElementsAre("hep-th", "math.QA"));
  EXPECT_EQ(p.comments, "12 pages, 3 figures");
}

}  // namespace
}  // namespace paperpulse::ingest
