#include "paperpulse/ingest/kaggle_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/reader_test_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char kHeader[] =
    "id,submitter,authors,title,comments,journal-ref,doi,report-no,categories,license,abstract,"
    "versions,update_date,authors_parsed\n";

std::string KagglePath() {
  return testing::SharedDataDir() + "/arxiv-kaggle-csv/gechhai__arxiv_data_head2000.csv";
}

CollectingSink ReadString(std::string data) {
  KaggleCsvReader reader;
  return testing::ReadStringOk(reader, std::move(data), "k.csv");
}

// A row with the 14 Kaggle columns; `versions` and `authors_parsed` are put
// in quotes (they hold commas).
std::string Row(std::string id, std::string title, std::string versions, std::string update_date,
                std::string authors_parsed = "[['One', 'A.', '']]") {
  return id + ",Sub,A. One," + title + ",,,,,hep-ph,,abstract,\"" + versions + "\"," + update_date +
         ",\"" + authors_parsed + "\"\n";
}

const char kV1[] = "[{'version': 'v1', 'created': 'Mon, 2 Apr 2007 19:18:42 GMT'}]";

TEST(KaggleCsvTest, RealFileAllRowsWithRepairedIds) {
  CollectingSink sink;
  auto source = ByteSource::Open(KagglePath());
  ASSERT_TRUE(source.has_value()) << source.error().ToString();
  KaggleCsvReader reader;
  auto head = (*source)->Peek(64 << 10);
  ASSERT_TRUE(head.has_value());
  EXPECT_TRUE(reader.Sniff(*head, KagglePath()));
  ASSERT_TRUE(reader.Read(**source, sink).has_value());

  EXPECT_TRUE(sink.rejects.empty())
      << sink.rejects[0].pos.ToString() << " " << sink.rejects[0].reason;
  ASSERT_EQ(sink.papers.size(), 2000u);
  // Float-mangled ids ("704.001", "704.2") come back as 0704.0001 ... 0704.2000.
  for (size_t i = 0; i < sink.papers.size(); ++i) {
    char want[32];
    std::snprintf(want, sizeof want, "0704.%04zu", i + 1);
    ASSERT_EQ(sink.papers[i].id, want);
    EXPECT_FALSE(sink.papers[i].title.empty()) << want;
    EXPECT_FALSE(sink.papers[i].versions.empty()) << want;
    EXPECT_FALSE(sink.papers[i].submitted.empty()) << want;
  }

  const Paper& p = sink.papers[0];
  EXPECT_EQ(
      p.title,
      "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies");
  EXPECT_THAT(p.authors, ElementsAre("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"));
  EXPECT_THAT(p.categories, ElementsAre("hep-ph"));
  EXPECT_EQ(p.comments, "37 pages, 15 figures; published version");
  EXPECT_EQ(p.journal_ref, "Phys.Rev.D76:013009,2007");
  EXPECT_EQ(p.doi, "10.1103/PhysRevD.76.013009");
  EXPECT_TRUE(StartsWith(p.abstract, "A fully differential calculation in perturbative quantum"));
  EXPECT_TRUE(EndsWith(p.abstract, "judicious\nselection of events."));
  ASSERT_EQ(p.versions.size(), 2u);
  EXPECT_EQ(p.versions[0], (PaperVersion{1, "2007-04-02T19:18:42Z", ""}));
  EXPECT_EQ(p.versions[1], (PaperVersion{2, "2007-07-24T20:10:27Z", ""}));
  EXPECT_EQ(p.latest_version, 2);
  EXPECT_EQ(p.submitted, "2007-04-02T19:18:42Z");
  EXPECT_EQ(p.updated, "2008-11-26");  // update_date 11/26/2008

  const Paper& p10 = sink.papers[9];  // "704.001" in the file
  EXPECT_EQ(p10.title, "Partial cubes: structures, characterizations, and constructions");
  EXPECT_EQ(p10.updated, "2007-05-23");  // 5/23/2007

  // authors_parsed with affiliations (dropped) and a TeX-accented author string.
  const Paper& p66 = sink.papers[65];
  EXPECT_THAT(p66.authors, ElementsAre("Bozhidar Z. Iliev"));
  EXPECT_THAT(sink.papers[162].authors, ElementsAre("Peter Brommer", "Franz Gähler"));
  // authors_parsed leaves out the "et al" of "D0 Collaboration, V. Abazov, et al".
  EXPECT_EQ(sink.papers[1999].id, "0704.2000");
  EXPECT_THAT(sink.papers[1999].authors, ElementsAre("D0 Collaboration", "V. Abazov"));
  EXPECT_EQ(sink.papers[1].license, "http://arxiv.org/licenses/nonexclusive-distrib/1.0/");
  EXPECT_THAT(sink.papers[1].categories, ElementsAre("math.CO", "cs.CG"));
}

TEST(KaggleCsvTest, SniffIsSpecific) {
  KaggleCsvReader reader;
  EXPECT_TRUE(reader.Sniff(kHeader, "x.csv"));
  EXPECT_TRUE(reader.Sniff(std::string(",") + kHeader, "x.csv"));  // pandas index column
  EXPECT_FALSE(reader.Sniff("id,title,abstract,categories\n1,2,3,4\n", "x.csv"));
  EXPECT_FALSE(reader.Sniff(
      ",id,authors,title,categories,abstract,versions,first_category,v1_date\n", "x.csv"));
  EXPECT_FALSE(reader.Sniff("{\"id\":\"0704.0001\",\"authors_parsed\":[]}\n", "x.jsonl"));
  EXPECT_FALSE(reader.Sniff("", "x.csv"));
}

TEST(KaggleCsvTest, BadRowsAreRejectedWithLinesAndGoodRowsSurvive) {
  std::string data = kHeader;
  data += Row("704.0001", "Good one", kV1, "11/26/2008");                           // line 2
  data += Row("704.x", "Bad id", kV1, "11/26/2008");                                // line 3
  data += "704.0003,only,three\n";                                                  // line 4
  data += Row("704.0004", "\"Two\nline title\"", "[{'version': 'v1'", "1/1/2008");  // line 5-6
  data += Row("704.0005", "Bad date", kV1, "13/45/2008");                           // line 7
  data += Row("704.0006", "Bad \xC3\x28 utf8", kV1, "1/1/2008");                    // line 8
  data += Row("704.0007", "", kV1, "1/1/2008");                                     // line 9
  data += Row("1501.0001", "Mangled new style", kV1, "1/1/2015");                   // line 10
  data += Row("704.0011", "Good two",
              "[{'version': 'v2', 'created': 'Tue, 24 Jul 2007 20:10:27 GMT'}, "
              "{'version': 'v1', 'created': 'Mon, 2 Apr 2007 19:18:42 GMT'}]",
              "7/24/2007");               // line 11
  data += "704.0012,x,\"unterminated\n";  // line 12
  CollectingSink sink = ReadString(data);

  ASSERT_EQ(sink.papers.size(), 3u);
  EXPECT_EQ(sink.papers[0].id, "0704.0001");
  EXPECT_EQ(sink.papers[1].id, "1501.00010");  // trailing zero restored
  EXPECT_EQ(sink.papers[2].id, "0704.0011");
  // Versions come sorted whatever the order in the file.
  ASSERT_EQ(sink.papers[2].versions.size(), 2u);
  EXPECT_EQ(sink.papers[2].versions[0].number, 1);
  EXPECT_EQ(sink.papers[2].latest_version, 2);
  EXPECT_EQ(sink.papers[2].submitted, "2007-04-02T19:18:42Z");

  ASSERT_EQ(sink.rejects.size(), 7u);
  std::vector<std::string> got;
  for (const auto& r : sink.rejects) got.push_back(r.pos.ToString() + " " + r.reason);
  EXPECT_THAT(got[0], HasSubstr("k.csv:3 invalid arXiv id \"704.x\""));
  EXPECT_EQ(got[1], "k.csv:4 expected 14 columns, got 3");
  EXPECT_THAT(got[2], HasSubstr("k.csv:5 0704.0004: python literal: "));
  EXPECT_EQ(got[3], "k.csv:7 0704.0005: unrecognised update_date \"13/45/2008\"");
  EXPECT_EQ(got[4], "k.csv:8 invalid UTF-8 in field 4");
  EXPECT_EQ(got[5], "k.csv:9 0704.0007: missing title");
  EXPECT_EQ(got[6], "k.csv:12 unterminated quoted field");
}

TEST(KaggleCsvTest, AuthorsFallBackToTheAuthorString) {
  std::string data = kHeader;
  // Malformed authors_parsed: the authors column ("A. One") is used instead.
  data += Row("704.0001", "T", kV1, "1/1/2008", "[['One', 'A.'");
  CollectingSink sink = ReadString(data);
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_THAT(sink.papers[0].authors, ElementsAre("A. One"));
}

TEST(KaggleCsvTest, HeaderWithoutIdIsAnErrorAndEmptyFileAReject) {
  CollectingSink sink;
  auto source = ByteSource::FromString("title,versions\nx,y\n", "h.csv");
  KaggleCsvReader reader;
  auto status = reader.Read(*source, sink);
  ASSERT_FALSE(status.has_value());
  EXPECT_THAT(status.error().message, HasSubstr("not a kaggle-csv file"));

  CollectingSink empty = ReadString("");
  EXPECT_TRUE(empty.papers.empty());
  ASSERT_EQ(empty.rejects.size(), 1u);
  EXPECT_EQ(empty.rejects[0].reason, "empty file: no CSV header row");
}

TEST(KaggleCsvTest, ParseKaggleVersions) {
  auto v = ParseKaggleVersions(
      "[{'version': 'v3', 'created': 'Sat, 13 Dec 2008 17:26:00 GMT'}, {'version': 'v1', "
      "'created': 'Sat, 31 Mar 2007 02:26:18 GMT'}]");
  ASSERT_TRUE(v.has_value());
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0], (PaperVersion{1, "2007-03-31T02:26:18Z", ""}));
  EXPECT_EQ((*v)[1], (PaperVersion{3, "2008-12-13T17:26:00Z", ""}));
  // JSON is a subset of what is accepted.
  EXPECT_TRUE(ParseKaggleVersions(
      "[{\"version\": \"v1\", \"created\": \"Mon, 2 Apr 2007 19:18:42 GMT\"}]"));
  EXPECT_EQ(ParseKaggleVersions("[{'version': 'x1'}]").error().message,
            "versions: bad version \"x1\"");
  EXPECT_EQ(ParseKaggleVersions("[{'version': 'v1', 'created': 'yesterday'}]").error().message,
            "versions: unrecognised date \"yesterday\"");
  EXPECT_FALSE(ParseKaggleVersions("{'version': 'v1'}").has_value());
}

TEST(KaggleCsvTest, RegisteredAndDetected) {
  auto readers = AllReaders();
  auto source = ByteSource::Open(KagglePath());
  ASSERT_TRUE(source.has_value());
  auto head = (*source)->Peek(64 << 10);
  ASSERT_TRUE(head.has_value());
  Reader* r = DetectReader(readers, *head, KagglePath());
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Name(), "kaggle-csv");
}

}  // namespace
}  // namespace paperpulse::ingest
