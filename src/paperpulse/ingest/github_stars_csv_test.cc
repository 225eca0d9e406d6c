#include "paperpulse/ingest/github_stars_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/reader_test_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using ::testing::HasSubstr;

std::string DataPath(const std::string& name) {
  return testing::SharedDataDir() + "/github-stars-csv/We00001-GithubStars__" + name;
}

CollectingSink ReadFile(const std::string& path) {
  return testing::ReadDetected(path, "github-stars-csv");
}

CollectingSink ReadString(std::string data) {
  GithubStarsCsvReader reader;
  return testing::ReadStringOk(reader, std::move(data), "g.csv");
}

const Paper* Find(const CollectingSink& sink, const std::string& id) {
  for (const Paper& p : sink.papers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

TEST(GithubStarsCsvTest, ArxivListing) {
  CollectingSink sink = ReadFile(DataPath("arxiv.csv"));
  EXPECT_TRUE(sink.rejects.empty());
  ASSERT_EQ(sink.papers.size(), 1238u);  // the scrape repeats 491 rows; each is an upsert
  std::set<std::string> ids;
  for (const Paper& p : sink.papers) {
    ids.insert(p.id);
    EXPECT_TRUE(p.submitted.starts_with("2025-09-")) << p.id;
    EXPECT_FALSE(p.title.empty()) << p.id;
  }
  EXPECT_EQ(ids.size(), 1238u - 491u);
  const Paper& second = sink.papers[1];
  EXPECT_EQ(second.id, "2509.15210");
  EXPECT_EQ(second.title,
            "Explicit Context-Driven Neural Acoustic Modeling for High-Fidelity RIR Generation");
  EXPECT_EQ(second.submitted, "2025-09-18T17:57:07Z");
  EXPECT_TRUE(second.authors.empty());
  EXPECT_EQ(second.latest_version, 0);
}

// The link and star files carry the same paper fields; their ids lost
// trailing zeros ("2509.1521") and are repaired, as the Pdf_Link confirms.
TEST(GithubStarsCsvTest, LinkAndStarFilesRepairIds) {
  for (const char* name : {"githublink.csv", "star.csv"}) {
    CollectingSink sink = ReadFile(DataPath(name));
    EXPECT_TRUE(sink.rejects.empty()) << name;
    ASSERT_EQ(sink.papers.size(), 747u) << name;
    std::set<std::string> ids;
    for (const Paper& p : sink.papers) {
      ids.insert(p.id);
      EXPECT_EQ(p.id.size(), 10u) << p.id;  // YYMM.NNNNN
    }
    EXPECT_EQ(ids.size(), 747u) << name;
  }
  CollectingSink star = ReadFile(DataPath("star.csv"));
  const Paper* p = Find(star, "2509.15210");  // "2509.1521" in the file
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->submitted, "2025-09-18T17:57:07Z");
  CollectingSink link = ReadFile(DataPath("githublink.csv"));
  EXPECT_NE(Find(link, "2509.13620"), nullptr);  // "2509.1362"
}

TEST(GithubStarsCsvTest, BadRowsNamedWithLines) {
  CollectingSink sink = ReadString(
      "Arxiv_ID,Title,Pdf_Link,Published_Date\n"
      "2509.1521,Good,https://arxiv.org/pdf/2509.15210,2025-09-18T17:57:07Z\n"  // line 2
      "2509.1521,Wrong link,https://arxiv.org/pdf/2509.15211,2025-09-18T17:57:07Z\n"
      "2509.x,Bad id,https://arxiv.org/pdf/2509.15210,2025-09-18T17:57:07Z\n"
      "2509.15212,Bad date,https://arxiv.org/pdf/2509.15212,someday\n"
      "2509.15213,\"Multi\n  line\",https://arxiv.org/pdf/2509.15213v2,\n");  // line 6
  ASSERT_EQ(sink.papers.size(), 2u);
  EXPECT_EQ(sink.papers[0].id, "2509.15210");
  EXPECT_EQ(sink.papers[1].id, "2509.15213");
  EXPECT_EQ(sink.papers[1].title, "Multi line");
  EXPECT_EQ(sink.papers[1].latest_version, 2);  // from the link
  EXPECT_TRUE(sink.papers[1].submitted.empty());
  ASSERT_EQ(sink.rejects.size(), 3u);
  EXPECT_EQ(sink.rejects[0].pos.ToString(), "g.csv:3");
  EXPECT_EQ(sink.rejects[0].reason,
            "Arxiv_ID 2509.1521 (read as 2509.15210) disagrees with Pdf_Link "
            "https://arxiv.org/pdf/2509.15211");
  EXPECT_EQ(sink.rejects[1].pos.ToString(), "g.csv:4");
  EXPECT_THAT(sink.rejects[1].reason, HasSubstr("invalid arXiv id \"2509.x\""));
  EXPECT_EQ(sink.rejects[2].pos.ToString(), "g.csv:5");
  EXPECT_EQ(sink.rejects[2].reason, "2509.15212: unrecognised Published_Date \"someday\"");
}

TEST(GithubStarsCsvTest, SniffIsSpecific) {
  GithubStarsCsvReader reader;
  EXPECT_TRUE(reader.Sniff("Arxiv_ID,Title,Pdf_Link,Published_Date\n", "x"));
  EXPECT_TRUE(reader.Sniff(
      "Unnamed: 0.1,Unnamed: 0,Arxiv_ID,Title,Pdf_Link,Published_Date,Github_Link,2025-09-20\n",
      "x"));
  EXPECT_FALSE(reader.Sniff("Arxiv_ID,Title\n", "x"));
  EXPECT_FALSE(reader.Sniff("id,title,abstract,categories\n", "x"));
  EXPECT_FALSE(reader.Sniff("[{\"Arxiv_ID\": 1}]", "x"));
}

}  // namespace
}  // namespace paperpulse::ingest
