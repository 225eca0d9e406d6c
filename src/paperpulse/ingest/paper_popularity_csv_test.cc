#include "paperpulse/ingest/paper_popularity_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/reader_test_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string DataPath(const std::string& name) {
  return testing::SharedDataDir() + "/paper-popularity-csv/rmovva__" + name;
}

CollectingSink ReadFile(const std::string& path) {
  return testing::ReadDetected(path, "paper-popularity-csv");
}

const char kHeader[] = ",id,authors,title,categories,abstract,versions,first_category,v1_date\n";

CollectingSink ReadString(std::string data) {
  PaperPopularityCsvReader reader;
  return testing::ReadStringOk(reader, std::move(data), "p.csv");
}

TEST(PaperPopularityCsvTest, RealFiles) {
  CollectingSink top50 = ReadFile(DataPath("top_50_cited_papers_from_2023.csv"));
  EXPECT_TRUE(top50.rejects.empty());
  ASSERT_EQ(top50.papers.size(), 50u);
  const Paper& llama = top50.papers[0];
  EXPECT_EQ(llama.id, "2302.13971");
  EXPECT_EQ(llama.title, "LLaMA: Open and Efficient Foundation Language Models");
  ASSERT_EQ(llama.authors.size(), 14u);
  EXPECT_EQ(llama.authors[0], "Hugo Touvron");
  EXPECT_EQ(llama.authors[5], "Timothée Lacroix");
  EXPECT_THAT(llama.categories, ElementsAre("cs.CL"));
  EXPECT_EQ(llama.submitted, "2023-02-27T17:11:15Z");
  EXPECT_EQ(llama.latest_version, 1);
  EXPECT_TRUE(llama.abstract.starts_with("We introduce LLaMA, a collection of foundation"));

  CollectingSink top5 = ReadFile(DataPath("top_5_papers_per_3month_interval.csv"));
  EXPECT_TRUE(top5.rejects.empty());
  ASSERT_EQ(top5.papers.size(), 115u);
  const Paper& elmo = top5.papers[0];
  EXPECT_EQ(elmo.id, "1802.05365");
  ASSERT_EQ(elmo.versions.size(), 2u);
  EXPECT_EQ(elmo.versions[1], (PaperVersion{2, "2018-03-22T21:59:40Z", ""}));
  EXPECT_EQ(elmo.submitted, "2018-02-15T00:05:11Z");
  EXPECT_EQ(elmo.updated, "2018-03-22T21:59:40Z");
  for (const Paper& p : top5.papers) {
    EXPECT_FALSE(p.authors.empty()) << p.id;
    EXPECT_FALSE(p.submitted.empty()) << p.id;
    EXPECT_GE(p.latest_version, 1) << p.id;
  }
}

TEST(PaperPopularityCsvTest, BadRowsNamedWithLines) {
  std::string data = kHeader;
  data +=
      "0,arXiv:2302.13971,\"['A One', 'B Two']\",Good,\"['cs.CL', 'cs.AI']\",abs,,cs.CL,"
      "2023-02-27 17:11:15\n";                                                             // line 2
  data += "1,arXiv:23.1,\"['A']\",Bad id,\"['cs.CL']\",abs,,cs.CL,2023-02-27 17:11:15\n";  // 3
  data += "2,arXiv:2302.13972,\"['A', \",Bad authors,\"['cs.CL']\",abs,,cs.CL,2023-02-27\n";  // 4
  data += "3,arXiv:2302.13973,\"['A']\",Bad date,\"['cs.CL']\",abs,,cs.CL,27.02.2023\n";      // 5
  data +=
      "4,arXiv:2302.13974,\"['A']\",Bad versions,\"['cs.CL']\",abs,\"[{'version': 'x'}]\","
      "cs.CL,2023-02-27\n";  // 6
  data +=
      "5,2302.13975,\"A. One and B. Two\",Plain lists,cs.CL cs.LG,abs,,cs.CL,2023-02-27\n";  // 7
  CollectingSink sink = ReadString(data);
  ASSERT_EQ(sink.papers.size(), 2u);
  EXPECT_THAT(sink.papers[0].authors, ElementsAre("A One", "B Two"));
  EXPECT_THAT(sink.papers[0].categories, ElementsAre("cs.CL", "cs.AI"));
  EXPECT_EQ(sink.papers[0].submitted, "2023-02-27T17:11:15Z");
  EXPECT_EQ(sink.papers[1].id, "2302.13975");
  EXPECT_THAT(sink.papers[1].authors, ElementsAre("A. One", "B. Two"));
  EXPECT_THAT(sink.papers[1].categories, ElementsAre("cs.CL", "cs.LG"));
  EXPECT_EQ(sink.papers[1].submitted, "2023-02-27");

  ASSERT_EQ(sink.rejects.size(), 4u);
  EXPECT_EQ(sink.rejects[0].pos.line, 3);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("invalid arXiv id \"arXiv:23.1\""));
  EXPECT_EQ(sink.rejects[1].pos.line, 4);
  EXPECT_THAT(sink.rejects[1].reason, HasSubstr("2302.13972: authors: python literal:"));
  EXPECT_EQ(sink.rejects[2].pos.line, 5);
  EXPECT_EQ(sink.rejects[2].reason, "2302.13973: v1_date: unrecognised date \"27.02.2023\"");
  EXPECT_EQ(sink.rejects[3].pos.line, 6);
  EXPECT_EQ(sink.rejects[3].reason, "2302.13974: versions: bad version \"x\"");
}

TEST(PaperPopularityCsvTest, SniffIsSpecific) {
  PaperPopularityCsvReader reader;
  EXPECT_TRUE(reader.Sniff(kHeader, "p.csv"));
  EXPECT_FALSE(reader.Sniff(
      "id,submitter,authors,title,comments,journal-ref,doi,report-no,categories,license,abstract,"
      "versions,update_date,authors_parsed\n",
      "k.csv"));
  EXPECT_FALSE(reader.Sniff("id,title,abstract,categories\n", "a.csv"));
  EXPECT_FALSE(reader.Sniff("", "a.csv"));
}

}  // namespace
}  // namespace paperpulse::ingest
