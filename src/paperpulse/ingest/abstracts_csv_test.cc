#include "paperpulse/ingest/abstracts_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
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
  return testing::SharedDataDir() + "/arxiv-abstracts-csv/" + name;
}

CollectingSink ReadFile(const std::string& path) {
  return testing::ReadDetected(path, "abstracts-csv");
}

CollectingSink ReadString(std::string data) {
  AbstractsCsvReader reader;
  return testing::ReadStringOk(reader, std::move(data), "a.csv");
}

TEST(AbstractsCsvTest, LayoutWithIdsGivesPapers) {
  CollectingSink sink = ReadFile(DataPath("albertoMontero__arxiv-cs_sample.csv"));
  EXPECT_TRUE(sink.rejects.empty());
  ASSERT_EQ(sink.papers.size(), 100u);
  std::set<std::string> ids;
  for (const Paper& p : sink.papers) {
    ids.insert(p.id);
    EXPECT_FALSE(p.title.empty()) << p.id;
    EXPECT_FALSE(p.abstract.empty()) << p.id;
    // A cs sample: every paper is in a cs category, primary or cross-listed.
    EXPECT_TRUE(std::any_of(p.categories.begin(), p.categories.end(), [](const std::string& c) {
      return c.starts_with("cs.");
    })) << p.id;
  }
  EXPECT_EQ(ids.size(), 100u);
  const Paper& first = sink.papers[0];
  EXPECT_EQ(first.id, "1801.00779");
  EXPECT_EQ(first.title,
            "Machine Learning for Building Energy and Indoor Environment: A Perspective");
  EXPECT_THAT(first.categories, ElementsAre("cs.CY", "cs.LG"));
  EXPECT_TRUE(first.abstract.starts_with("Machine learning is a promising technique"));
  // An old-style id in the same column.
  const Paper& last = sink.papers.back();
  EXPECT_EQ(last.id, "cs/0410056");
  EXPECT_EQ(last.title, "Interval Neutrosophic Logics: Theory and Applications");
}

// The other two layouts have no id column, and no row carries its own id
// anywhere (ids in their abstracts and comments cite other papers): every
// row is reported.
TEST(AbstractsCsvTest, LayoutsWithoutIdsGiveUnkeyedPapers) {
  CollectingSink b = ReadFile(DataPath("AmirYunus__arxiv_lite.csv"));
  EXPECT_TRUE(b.rejects.empty());
  ASSERT_EQ(b.papers.size(), 1550u);
  const Paper& first = b.papers[0];
  EXPECT_EQ(first.id, "");
  EXPECT_EQ(first.title, "Gamma-Ray Bursts as the Death Throes of Massive Binary Stars");
  EXPECT_THAT(first.abstract, ::testing::StartsWith("It is proposed that gamma-ray bursts"));
  EXPECT_THAT(first.authors, ElementsAre("Ramesh Narayan", "Bohdan Paczyński", "Tsvi Piran"));
  EXPECT_EQ(first.comments, "14 pages");
  EXPECT_TRUE(first.categories.empty());  // "physics" is a field, not a category

  CollectingSink c = ReadFile(DataPath("tiagoft__arxiv_data_keras-style.csv"));
  EXPECT_TRUE(c.rejects.empty());
  ASSERT_EQ(c.papers.size(), 1000u);
  EXPECT_EQ(c.papers[0].title, "Neural ODEs for Image Segmentation with Level Sets");
  EXPECT_THAT(c.papers[0].categories, ElementsAre("cs.CV", "cs.LG", "eess.IV"));
  // Hard-wrapped abstracts are joined into one line.
  EXPECT_THAT(c.papers[0].abstract, HasSubstr("combines Neural Ordinary Differential"));
}

TEST(AbstractsCsvTest, UnkeyedRowsWithBadTermsOrNoTitleAreRejected) {
  CollectingSink sink = ReadString(
      "titles,summaries,terms,word_count,unique_word_count\n"
      "A title,An abstract,\"['cs.CL']\",2,2\n"
      ",No title here,\"['cs.CL']\",3,3\n"
      "Other,Text,\"['cs.CL'\",1,1\n");
  ASSERT_EQ(sink.papers.size(), 1u);
  ASSERT_EQ(sink.rejects.size(), 2u);
  EXPECT_EQ(sink.rejects[0].pos.line, 3);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("no title"));
  EXPECT_EQ(sink.rejects[1].pos.line, 4);
  EXPECT_THAT(sink.rejects[1].reason, HasSubstr("terms"));
}

TEST(AbstractsCsvTest, BadRowsNamedWithLines) {
  CollectingSink sink = ReadString(
      "id,title,abstract,categories\n"
      "1801.00779,Good,\"Two\nlines\",cs.LG\n"        // line 2
      "not-an-id,Bad id,x,cs.LG\n"                    // line 4
      "1801.00780,Too,few\n"                          // line 5
      "1801.0078,\"Mangled \\'e\",x,cs.AI cs.LG\n");  // line 6
  ASSERT_EQ(sink.papers.size(), 2u);
  EXPECT_EQ(sink.papers[0].abstract, "Two\nlines");
  EXPECT_EQ(sink.papers[1].id, "1801.00780");  // trailing zero lost to a float
  EXPECT_EQ(sink.papers[1].title, "Mangled é");
  ASSERT_EQ(sink.rejects.size(), 2u);
  EXPECT_EQ(sink.rejects[0].pos.line, 4);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("invalid arXiv id \"not-an-id\""));
  EXPECT_EQ(sink.rejects[1].pos.line, 5);
  EXPECT_EQ(sink.rejects[1].reason, "expected 4 columns, got 3");
}

TEST(AbstractsCsvTest, SniffIsSpecific) {
  AbstractsCsvReader reader;
  EXPECT_TRUE(reader.Sniff("id,title,abstract,categories\n", "a.csv"));
  EXPECT_TRUE(reader.Sniff(",id,title,abstract,categories\n", "a.csv"));
  EXPECT_TRUE(reader.Sniff("title,summary,comment,authors,category,split\n", "a.csv"));
  EXPECT_TRUE(reader.Sniff("titles,summaries,terms\n", "a.csv"));
  EXPECT_TRUE(reader.Sniff("titles,summaries,terms,word_count,unique_word_count\n", "a.csv"));
  // Kaggle CSV has these columns and more: not ours.
  EXPECT_FALSE(reader.Sniff(
      "id,submitter,authors,title,comments,journal-ref,doi,report-no,categories,license,abstract,"
      "versions,update_date,authors_parsed\n",
      "k.csv"));
  EXPECT_FALSE(reader.Sniff("titles,summaries,terms,citations\n", "a.csv"));
  EXPECT_FALSE(reader.Sniff("Arxiv_ID,Title,Pdf_Link,Published_Date\n", "a.csv"));
  EXPECT_FALSE(reader.Sniff("", "a.csv"));
}

TEST(AbstractsCsvTest, UnknownHeaderIsAnError) {
  CollectingSink sink;
  auto source = ByteSource::FromString("a,b\n1,2\n", "x.csv");
  AbstractsCsvReader reader;
  auto status = reader.Read(*source, sink);
  ASSERT_FALSE(status.has_value());
  EXPECT_THAT(status.error().message, HasSubstr("not an abstracts-csv file"));
}

TEST(AbstractsCsvTest, RegisteredAndDetected) {
  auto readers = AllReaders();
  for (const char* name : {"AmirYunus__arxiv_lite.csv", "albertoMontero__arxiv-cs_sample.csv",
                           "tiagoft__arxiv_data_keras-style.csv"}) {
    auto source = ByteSource::Open(DataPath(name));
    ASSERT_TRUE(source.has_value());
    auto head = (*source)->Peek(64 << 10);
    ASSERT_TRUE(head.has_value());
    Reader* r = DetectReader(readers, *head, name);
    ASSERT_NE(r, nullptr) << name;
    EXPECT_EQ(r->Name(), "abstracts-csv") << name;
  }
}

}  // namespace
}  // namespace paperpulse::ingest
