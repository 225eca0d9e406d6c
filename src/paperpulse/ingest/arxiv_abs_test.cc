#include "paperpulse/ingest/arxiv_abs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
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

std::string AbsDir() { return testing::SharedDataDir() + "/arxiv-abs-text"; }
std::string ListingPath(const std::string& which) {
  return AbsDir() + "/astro-ph-listings/arxiv-browse__astro-ph_listing_" + which + ".txt";
}

// Reads `path` through the registry, as the importer would.
CollectingSink ReadFile(const std::string& path) {
  return testing::ReadDetected(path, "arxiv-abs");
}

CollectingSink ReadString(std::string data) {
  ArxivAbsReader reader;
  return testing::ReadStringOk(reader, std::move(data), "t.abs");
}

const Paper* Find(const CollectingSink& sink, const std::string& id) {
  for (const Paper& p : sink.papers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::string Entry(const std::string& id_line, const std::string& title, bool abstract = true) {
  std::string e =
      "------------------------------------------------------------------------------\n"
      "\\\\\n" +
      id_line +
      "\n"
      "Date: Mon, 2 Apr 2007 19:18:42 GMT   (10kb)\n"
      "\n"
      "Title: " +
      title +
      "\n"
      "Authors: A. One and B. Two\n"
      "Categories: hep-th\n"
      "\\\\\n";
  if (abstract) e += "  An abstract.\n\\\\\n";
  return e;
}

TEST(ArxivAbsTest, SinglePaperFiles) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(AbsDir() + "/0704")) {
    ++files;
    CollectingSink sink = ReadFile(entry.path().string());
    EXPECT_TRUE(sink.rejects.empty()) << entry.path();
    ASSERT_EQ(sink.papers.size(), 1u) << entry.path();
    const Paper& p = sink.papers[0];
    EXPECT_EQ(p.id + ".abs", entry.path().filename().string());
    EXPECT_FALSE(p.title.empty()) << p.id;
    EXPECT_FALSE(p.authors.empty()) << p.id;
    EXPECT_FALSE(p.categories.empty()) << p.id;
    EXPECT_FALSE(p.abstract.empty()) << p.id;
    ASSERT_FALSE(p.versions.empty()) << p.id;
    EXPECT_EQ(p.versions[0].number, 1) << p.id;
    EXPECT_EQ(p.submitted, p.versions[0].date) << p.id;
    EXPECT_EQ(p.latest_version, p.versions.back().number) << p.id;
  }
  EXPECT_EQ(files, 200);
}

TEST(ArxivAbsTest, KnownPaperFields) {
  CollectingSink sink = ReadFile(AbsDir() + "/0704/0704.0001.abs");
  ASSERT_EQ(sink.papers.size(), 1u);
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "0704.0001");
  EXPECT_EQ(
      p.title,
      "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies");
  EXPECT_THAT(p.authors, ElementsAre("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"));
  EXPECT_THAT(p.categories, ElementsAre("hep-ph"));
  EXPECT_EQ(p.comments, "37 pages, 15 figures; published version");
  EXPECT_EQ(p.journal_ref, "Phys.Rev.D76:013009,2007");
  EXPECT_EQ(p.doi, "10.1103/PhysRevD.76.013009");
  EXPECT_TRUE(p.license.empty());
  ASSERT_EQ(p.versions.size(), 2u);
  EXPECT_EQ(p.versions[0], (PaperVersion{1, "2007-04-02T19:18:42Z", "443kb"}));
  EXPECT_EQ(p.versions[1], (PaperVersion{2, "2007-07-24T20:10:27Z", "370kb"}));
  EXPECT_EQ(p.submitted, "2007-04-02T19:18:42Z");
  EXPECT_EQ(p.updated, "2007-07-24T20:10:27Z");
  EXPECT_EQ(p.latest_version, 2);
  EXPECT_TRUE(p.abstract.starts_with("A fully differential calculation in perturbative quantum"));
  EXPECT_TRUE(p.abstract.ends_with("judicious\nselection of events."));

  CollectingSink second = ReadFile(AbsDir() + "/0704/0704.0002.abs");
  ASSERT_EQ(second.papers.size(), 1u);
  EXPECT_EQ(second.papers[0].license, "http://arxiv.org/licenses/nonexclusive-distrib/1.0/");
  EXPECT_EQ(second.papers[0].versions[0].size, "377kb");  // "(377kb,D)": source flag dropped
  EXPECT_THAT(second.papers[0].authors, ElementsAre("Ileana Streinu", "Louis Theran"));
}

TEST(ArxivAbsTest, MonthlyListingHeaderOnlyEntries) {
  CollectingSink sink = ReadFile(ListingPath("2301"));
  EXPECT_TRUE(sink.rejects.empty());
  ASSERT_EQ(sink.papers.size(), 1455u);
  std::set<std::string> ids;
  for (const Paper& p : sink.papers) {
    ids.insert(p.id);
    EXPECT_TRUE(p.abstract.empty()) << p.id;
    EXPECT_FALSE(p.title.empty()) << p.id;
    EXPECT_FALSE(p.submitted.empty()) << p.id;
  }
  EXPECT_EQ(ids.size(), 1455u);
  const Paper& first = sink.papers[0];
  EXPECT_EQ(first.id, "2301.00010");
  EXPECT_EQ(first.title, "Exploring the Solar Poles: The Last Great Frontier of the Sun");
  ASSERT_EQ(first.authors.size(), 22u);
  EXPECT_EQ(first.authors[11], "Laurène Jouve");  // Laur\`ene, on a continuation line
  EXPECT_THAT(first.categories, ElementsAre("astro-ph.IM", "astro-ph.SR", "physics.space-ph"));
  EXPECT_EQ(first.comments,
            "This White Paper was submitted in 2022 to the United States National Academies "
            "Solar and Space Physics (Heliophysics) Decadal Survey");
  EXPECT_EQ(first.versions[0], (PaperVersion{1, "2022-12-30T11:18:21Z", "819kb"}));
  // A cross-listing: the marker after the id is not part of it.
  const Paper* cross = Find(sink, "2301.00018");
  ASSERT_NE(cross, nullptr);
  EXPECT_EQ(cross->title,
            "Ultimate Black Hole Recoil: What the maximum high energy collisions kick is?");
  EXPECT_THAT(cross->categories, ElementsAre("gr-qc", "astro-ph.HE", "hep-th"));
}

TEST(ArxivAbsTest, DailyListingNewCrossAndReplaced) {
  CollectingSink sink = ReadFile(ListingPath("new"));
  EXPECT_TRUE(sink.rejects.empty());
  ASSERT_EQ(sink.papers.size(), 97u);  // 53 new + 4 cross-lists + 40 replacements

  const Paper& first = sink.papers[0];
  EXPECT_EQ(first.id, "2303.00763");
  EXPECT_THAT(first.authors, ElementsAre("Jingyao Zhu", "Mary E Putman"));
  EXPECT_TRUE(first.abstract.starts_with("We present a search for gas-containing dwarf galaxies"));
  EXPECT_TRUE(
      first.abstract.ends_with("is likely at play."));  // the "\\ ( url )" line is not in it
  EXPECT_EQ(first.versions[0], (PaperVersion{1, "2023-03-01T19:00:02Z", "3197kb"}));

  const Paper* cross = Find(sink, "2303.00812");
  ASSERT_NE(cross, nullptr);
  EXPECT_TRUE(cross->abstract.starts_with("Recent years have seen an increasing interest"));

  // A replacement: the date of the new version, but not its number.
  const Paper* replaced = Find(sink, "2303.00370");
  ASSERT_NE(replaced, nullptr);
  EXPECT_TRUE(replaced->versions.empty());
  EXPECT_TRUE(replaced->submitted.empty());
  EXPECT_EQ(replaced->updated, "2023-03-02T17:32:08Z");
  EXPECT_EQ(replaced->latest_version, 0);
  EXPECT_TRUE(replaced->abstract.empty());
  EXPECT_EQ(replaced->title,
            "Application of Deep Learning Methods for Distinguishing Gamma-Ray Bursts from "
            "Fermi/GBM TTE Data");
}

TEST(ArxivAbsTest, BadEntriesAreRejectedWithLinesAndGoodOnesSurvive) {
  std::string data;
  data += Entry("arXiv:0704.0001", "Good one");                             // "\\" on line 2
  data += Entry("arXiv:704.1", "Bad id");                                   // line 13
  data += Entry("From: nobody", "No id line");                              // line 24
  data += Entry("Paper: hep-th/9901001", "Old style", /*abstract=*/false);  // line 35
  std::string bad_date = Entry("arXiv:0704.0003", "Bad date");              // line 44
  bad_date.replace(bad_date.find("Mon, 2 Apr 2007"), 15, "Mon, 99 Foo 2007");
  data += bad_date;
  data += Entry("arXiv:0704.0004", "Bad \xC3\x28 UTF-8");   // line 55
  data += Entry("arXiv:0704.0005v3", "Good two");           // line 66
  data += "------\n\\\\\narXiv:0704.0006\nTitle: cut off";  // line 77: truncated header
  CollectingSink sink = ReadString(data);

  ASSERT_EQ(sink.papers.size(), 3u);
  EXPECT_EQ(sink.papers[0].id, "0704.0001");
  EXPECT_EQ(sink.papers[0].abstract, "An abstract.");
  EXPECT_THAT(sink.papers[0].authors, ElementsAre("A. One", "B. Two"));
  EXPECT_EQ(sink.papers[1].id, "hep-th/9901001");
  EXPECT_TRUE(sink.papers[1].abstract.empty());
  EXPECT_EQ(sink.papers[2].id, "0704.0005");
  EXPECT_EQ(sink.papers[2].latest_version, 3);  // the id line's version beats the Date lines

  std::vector<std::string> got;
  for (const auto& r : sink.rejects) got.push_back(r.pos.ToString() + " " + r.reason);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_THAT(got[0], HasSubstr("t.abs:13 invalid arXiv id \"704.1\""));
  EXPECT_EQ(got[1], "t.abs:24 entry has no arXiv:/Paper: id line");
  EXPECT_EQ(got[2], "t.abs:44 unrecognised date \"Mon, 99 Foo 2007 19:18:42 GMT\"");
  EXPECT_EQ(got[3], "t.abs:55 invalid UTF-8 on line 59");
  EXPECT_EQ(got[4], "t.abs:77 entry cut off by the end of the input (header not closed by \\\\)");
}

TEST(ArxivAbsTest, UnclosedAbstractAndLongLines) {
  std::string data = Entry("arXiv:0704.0001", "Long line", /*abstract=*/false);
  data += std::string(3 << 20, 'x') + "\n\\\\\n";  // a 3 MB abstract line
  data += Entry("arXiv:0704.0002", "After");
  data += "------\n\\\\\narXiv:0704.0003\nTitle: x\n\\\\\n  abstract without end\n";
  CollectingSink sink = ReadString(data);
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_EQ(sink.papers[0].id, "0704.0002");
  ASSERT_EQ(sink.rejects.size(), 2u);
  EXPECT_EQ(sink.rejects[0].pos.line, 2);
  EXPECT_EQ(sink.rejects[0].reason, "line 10 is longer than 1048576 bytes");
  EXPECT_EQ(sink.rejects[1].pos.line, 24);
  EXPECT_EQ(sink.rejects[1].reason,
            "entry cut off by the end of the input (abstract not closed by \\\\)");
}

TEST(ArxivAbsTest, EmptyAndForeignInput) {
  CollectingSink empty = ReadString("");
  EXPECT_TRUE(empty.papers.empty());
  EXPECT_TRUE(empty.rejects.empty());
  CollectingSink text = ReadString("just some\ntext\n");
  EXPECT_TRUE(text.papers.empty());
  EXPECT_TRUE(text.rejects.empty());
}

TEST(ArxivAbsTest, SniffIsSpecific) {
  ArxivAbsReader reader;
  EXPECT_TRUE(reader.Sniff(Entry("arXiv:0704.0001", "T"), "x"));
  EXPECT_TRUE(reader.Sniff("\\\\\r\nPaper: math.GT/0309136\r\n", "x"));
  EXPECT_FALSE(reader.Sniff("\\\\\nTitle: no id\n", "x"));
  EXPECT_FALSE(reader.Sniff("\\\\\narXiv:not-an-id\n", "x"));
  EXPECT_FALSE(reader.Sniff("arXiv:0704.0001\n", "x"));  // no "\\" line before it
  EXPECT_FALSE(
      reader.Sniff("{\"id\": \"0704.0001\", \"abstract\": \"\\\\\\\\\\narXiv:0704.0001\"}\n", "x"));
  EXPECT_FALSE(reader.Sniff("id,title\n0704.0001,x\n", "x"));
  EXPECT_FALSE(reader.Sniff("", "x"));
}

}  // namespace
}  // namespace paperpulse::ingest
