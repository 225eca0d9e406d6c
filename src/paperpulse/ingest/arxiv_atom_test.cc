#include "paperpulse/ingest/arxiv_atom.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/reader_test_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string AtomDir() { return testing::SharedDataDir() + "/arxiv-api-atom"; }

// Reads `path` through the registered reader, as the importer would.
CollectingSink ReadFile(const std::string& path) {
  return testing::ReadDetected(path, "arxiv-atom");
}

const Paper* Find(const CollectingSink& sink, const std::string& id) {
  for (const Paper& p : sink.papers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

TEST(ArxivAtomTest, LegacyLayout) {
  CollectingSink sink = ReadFile(AtomDir() + "/james-akl-xiv__arxiv_response_cs.RO_2025-10.xml");
  ASSERT_EQ(sink.papers.size(), 2u);
  EXPECT_TRUE(sink.rejects.empty());
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "2510.14968");
  EXPECT_EQ(p.latest_version, 1);
  EXPECT_EQ(p.title,
            "RDD: Retrieval-Based Demonstration Decomposer for Planner Alignment in Long-Horizon "
            "Tasks");
  EXPECT_TRUE(p.abstract.starts_with("To tackle long-horizon tasks,"));
  EXPECT_TRUE(p.abstract.ends_with("available at rdd-neurips.github.io."));
  EXPECT_THAT(p.authors, ElementsAre("Mingxuan Yan", "Yuping Wang", "Zechun Liu", "Jiachen Li"));
  EXPECT_THAT(p.categories, ElementsAre("cs.RO", "cs.AI", "cs.CV", "cs.LG", "cs.SY", "eess.SY"));
  EXPECT_EQ(p.comments,
            "39th Conference on Neural Information Processing Systems (NeurIPS 2025); Project "
            "Website: rdd-neurips.github.io");
  EXPECT_EQ(p.submitted, "2025-10-16T17:59:37Z");
  EXPECT_EQ(p.updated, "2025-10-16T17:59:37Z");
  EXPECT_THAT(p.versions, ElementsAre(PaperVersion{1, "2025-10-16T17:59:37Z", ""}));
  EXPECT_EQ(sink.papers[1].id, "2510.14827");
  EXPECT_EQ(sink.papers[1].authors.size(), 6u);
}

TEST(ArxivAtomTest, LegacyLayout2019WithDoisAndOldStyleIds) {
  CollectingSink sink = ReadFile(AtomDir() + "/ewan-m__arxiv_response_all-science_2019.xml");
  ASSERT_EQ(sink.papers.size(), 10u);
  EXPECT_TRUE(sink.rejects.empty());
  const Paper* p = Find(sink, "1503.01162");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->doi, "10.1007/s11191-014-9716-8");
  EXPECT_EQ(p->title,
            "Report on a Boston University Conference December 7-8, 2012 on 'How Can the History "
            "and Philosophy of Science Contribute to Contemporary U.S. Science Teaching?'");
  const Paper* old = Find(sink, "physics/0507092");
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->doi, "10.1142/9789812701893_0020");
  EXPECT_EQ(old->authors.size(), 2u);
  EXPECT_NE(Find(sink, "quant-ph/0210005"), nullptr);
}

TEST(ArxivAtomTest, Layout2026) {
  CollectingSink sink =
      ReadFile(AtomDir() + "/saeedrafsharx__arxiv_response_all-nicotine_2026.xml");
  ASSERT_EQ(sink.papers.size(), 10u);
  EXPECT_TRUE(sink.rejects.empty());
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "1509.01687");
  EXPECT_EQ(p.title, "Single Molecule Transistor based Nanopore for the detection of Nicotine");
  // Primary first although the 2026 layout lists it after the categories.
  EXPECT_THAT(p.categories, ElementsAre("cond-mat.mes-hall", "physics.comp-ph"));
  EXPECT_EQ(p.doi, "10.1063/1.4904358");
  EXPECT_EQ(p.journal_ref, "Journal of Applied Physics 116, 244307 (2014)");
  EXPECT_EQ(p.comments, "4 figures");
  EXPECT_THAT(p.authors, ElementsAre("S. J. Ray"));
  // A v2 entry: published is v1's date, updated v2's.
  const Paper& v2 = sink.papers[1];
  EXPECT_EQ(v2.id, "1206.3474");
  EXPECT_EQ(v2.latest_version, 2);
  ASSERT_EQ(v2.versions.size(), 2u);
  EXPECT_EQ(v2.versions[0].number, 1);
  EXPECT_EQ(v2.versions[0].date, v2.submitted);
  EXPECT_EQ(v2.versions[1], (PaperVersion{2, "2013-07-09T09:20:29Z", ""}));
  EXPECT_EQ(v2.updated, "2013-07-09T09:20:29Z");
  EXPECT_LT(v2.submitted, v2.updated);
}

TEST(ArxivAtomTest, FeedInfoOfBothLayouts) {
  CollectingSink sink;
  auto legacy =
      ReadAtomFeed(testing::Slurp(AtomDir() + "/james-akl-xiv__arxiv_response_cs.RO_2025-10.xml"),
                   "legacy", sink);
  ASSERT_TRUE(legacy.has_value());
  EXPECT_EQ(legacy->total_results, 5619);
  EXPECT_EQ(legacy->start_index, 0);
  EXPECT_EQ(legacy->items_per_page, 2);
  EXPECT_EQ(legacy->entries, 2);
  EXPECT_FALSE(legacy->is_error);
  auto modern = ReadAtomFeed(
      testing::Slurp(AtomDir() + "/arxiv.py-fixtures/xml/q_testing_s9_m15_0b78d4b4d476.xml"),
      "2026", sink);
  ASSERT_TRUE(modern.has_value());
  EXPECT_EQ(modern->start_index, 9);
  EXPECT_EQ(modern->items_per_page, 15);
  EXPECT_GT(modern->total_results, 1000);
  EXPECT_EQ(modern->entries, 15);
  EXPECT_TRUE(modern->parse_error.empty());
}

TEST(ArxivAtomTest, EmptyResultFeed) {
  std::string path = AtomDir() + "/arxiv.py-fixtures/xml/id_0000.0000_s0_m100_8b51d9633a68.xml";
  CollectingSink sink = ReadFile(path);
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
  auto info = ReadAtomFeed(testing::Slurp(path), "empty", sink);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->total_results, 0);
  EXPECT_EQ(info->entries, 0);
  EXPECT_FALSE(info->is_error);
}

TEST(ArxivAtomTest, ErrorFeedIsRejectedWithItsMessage) {
  std::string path = AtomDir() + "/arxiv.py-fixtures/xml/id_abc_s0_m100_b79c8dcf6bc3.xml";
  CollectingSink sink = ReadFile(path);
  EXPECT_TRUE(sink.papers.empty());
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("incorrect id format for abc"));
  EXPECT_EQ(sink.rejects[0].pos.index, 0);
  EXPECT_GT(sink.rejects[0].pos.line, 0);
  CollectingSink again;
  auto info = ReadAtomFeed(testing::Slurp(path), "abc", again);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->is_error);
  EXPECT_EQ(info->error, "incorrect id format for abc");
}

TEST(ArxivAtomTest, VersionedAndOldStyleIds) {
  std::string dir = AtomDir() + "/arxiv.py-fixtures/xml";
  CollectingSink v1 = ReadFile(dir + "/id_2104.12255v1_s0_m100_6ae69987ffe1.xml");
  ASSERT_EQ(v1.papers.size(), 1u);
  EXPECT_EQ(v1.papers[0].id, "2104.12255");
  EXPECT_EQ(v1.papers[0].title, "0");  // a real title, and a short one
  EXPECT_THAT(v1.papers[0].versions, ElementsAre(PaperVersion{1, "2021-04-20T16:07:14Z", ""}));
  EXPECT_THAT(v1.papers[0].authors, ElementsAre("Quan Thoi Minh Nguyen"));

  CollectingSink quant = ReadFile(dir + "/id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml");
  ASSERT_EQ(quant.papers.size(), 1u);
  EXPECT_EQ(quant.papers[0].id, "quant-ph/0201082");
  EXPECT_THAT(quant.papers[0].categories, ElementsAre("quant-ph", "cs.PL"));
  EXPECT_EQ(quant.papers[0].comments, "32 pages");

  CollectingSink astro = ReadFile(dir + "/id_astro-ph_0601001_s0_m100_3150dca9dc76.xml");
  ASSERT_EQ(astro.papers.size(), 1u);
  EXPECT_EQ(astro.papers[0].id, "astro-ph/0601001");
  EXPECT_EQ(astro.papers[0].journal_ref, "ActaAstron.56:1-50,2006");
  EXPECT_EQ(astro.papers[0].authors.size(), 4u);
}

// Every Atom file of the data set, with its <entry> count from PROVENANCE.md.
TEST(ArxivAtomTest, RecordCountsOfEveryFile) {
  const std::pair<const char*, size_t> kFiles[] = {
      {"ewan-m__arxiv_response_all-science_2019.xml", 10},
      {"james-akl-xiv__arxiv_response_cs.RO_2025-10.xml", 2},
      {"saeedrafsharx__arxiv_response_all-nicotine_2026.xml", 10},
      {"arxiv.py-fixtures/xml/id_0000.0000_s0_m100_8b51d9633a68.xml", 0},
      {"arxiv.py-fixtures/xml/id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.xml", 1},
      {"arxiv.py-fixtures/xml/id_0808.05394_s0_m100_7b0c7d0a7cdd.xml", 0},
      {"arxiv.py-fixtures/xml/id_1605.08386_s0_m100_199195aa31ad.xml", 1},
      {"arxiv.py-fixtures/xml/id_1707.08567_s0_m100_6a1afebfc6a3.xml", 1},
      {"arxiv.py-fixtures/xml/id_2104.12255v1_s0_m100_6ae69987ffe1.xml", 1},
      {"arxiv.py-fixtures/xml/id_astro-ph_0601001_s0_m100_3150dca9dc76.xml", 1},
      {"arxiv.py-fixtures/xml/id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml", 1},
      {"arxiv.py-fixtures/xml/q_testing_s0_m100_cfe7536492ca.xml", 100},
      {"arxiv.py-fixtures/xml/q_testing_s0_m10_bc5a6c384fe9.xml", 10},
      {"arxiv.py-fixtures/xml/q_testing_s0_m15_80c242b59d59.xml", 15},
      {"arxiv.py-fixtures/xml/q_testing_s10_m10_34e56e15aaac.xml", 10},
      {"arxiv.py-fixtures/xml/q_testing_s20_m10_348a237fecab.xml", 10},
      {"arxiv.py-fixtures/xml/q_testing_s30_m10_f2e39f0143dc.xml", 10},
      {"arxiv.py-fixtures/xml/q_testing_s40_m10_96dd32eb854c.xml", 10},
      {"arxiv.py-fixtures/xml/q_testing_s50_m10_7f488ab8598c.xml", 10},
      {"arxiv.py-fixtures/xml/q_testing_s5_m10_c0e94a259d4a.xml", 10},
      {"arxiv.py-fixtures/xml/q_testing_s5_m15_bbcf6b23085b.xml", 15},
      {"arxiv.py-fixtures/xml/q_testing_s9_m15_0b78d4b4d476.xml", 15},
  };
  size_t total = 0;
  for (const auto& [file, count] : kFiles) {
    CollectingSink sink = ReadFile(AtomDir() + "/" + file);
    EXPECT_EQ(sink.papers.size(), count) << file;
    EXPECT_TRUE(sink.rejects.empty()) << file << ": " << sink.rejects[0].reason;
    for (const Paper& p : sink.papers) {
      EXPECT_FALSE(p.title.empty()) << file << " " << p.id;
      EXPECT_FALSE(p.abstract.empty()) << file << " " << p.id;
      EXPECT_FALSE(p.authors.empty()) << file << " " << p.id;
      EXPECT_FALSE(p.categories.empty()) << file << " " << p.id;
      EXPECT_GE(p.latest_version, 1) << file << " " << p.id;
      EXPECT_FALSE(p.submitted.empty()) << file << " " << p.id;
    }
    total += sink.papers.size();
  }
  EXPECT_EQ(total, 243u);
  // The overlapping paging windows agree: start=5 max=10 is inside start=0 max=15.
  CollectingSink a =
      ReadFile(AtomDir() + "/arxiv.py-fixtures/xml/q_testing_s0_m15_80c242b59d59.xml");
  CollectingSink b =
      ReadFile(AtomDir() + "/arxiv.py-fixtures/xml/q_testing_s5_m10_c0e94a259d4a.xml");
  ASSERT_EQ(a.papers.size(), 15u);
  ASSERT_EQ(b.papers.size(), 10u);
  EXPECT_EQ(a.papers[5].id, b.papers[0].id);
}

TEST(ArxivAtomTest, SniffAcceptsOnlyArxivAtom) {
  auto reader = MakeArxivAtomReader();
  EXPECT_EQ(reader->Name(), "arxiv-atom");
  EXPECT_TRUE(reader->Sniff(
      testing::Slurp(AtomDir() + "/ewan-m__arxiv_response_all-science_2019.xml"), ""));
  EXPECT_TRUE(reader->Sniff(
      testing::Slurp(AtomDir() + "/saeedrafsharx__arxiv_response_all-nicotine_2026.xml"), ""));
  // The JSON wrapper quotes the same XML but is not XML.
  EXPECT_FALSE(reader->Sniff(
      testing::Slurp(AtomDir() + "/arxiv.py-fixtures/id_1605.08386_s0_m100_199195aa31ad.json"),
      "x.xml"));
  EXPECT_FALSE(reader->Sniff(
      "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Blog</title>",
      "feed.atom"));
  EXPECT_FALSE(reader->Sniff("<html><body>arxiv</body></html>", "x.xml"));
  EXPECT_FALSE(reader->Sniff("", "x.xml"));
}

constexpr const char* kTwoEntries = R"(<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <opensearch:totalResults>3</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2401.00001v3</id>
    <title>First  paper
      title</title>
    <updated>2024-03-01T10:00:00Z</updated>
    <published>2024-01-01T09:00:00Z</published>
    <summary>  Abstract one. </summary>
    <author><name>A. One</name></author>
    <category term="cs.LG"/>
    <arxiv:primary_category term="cs.LG"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/not-an-id</id>
    <title>Bad</title>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2401.00003v1</id>
    <title>Third</title>
    <summary>Abstract three, cut short)";

TEST(ArxivAtomTest, InvalidIdIsRejectedAndReadingGoesOn) {
  std::string xml = std::string(kTwoEntries) + "</summary></entry></feed>";
  CollectingSink sink;
  auto info = ReadAtomFeed(xml, "mixed.xml", sink);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->parse_error.empty());
  ASSERT_EQ(sink.papers.size(), 2u);
  EXPECT_EQ(sink.papers[0].id, "2401.00001");
  EXPECT_EQ(sink.papers[0].title, "First paper title");
  EXPECT_EQ(sink.papers[0].abstract, "Abstract one.");
  EXPECT_EQ(sink.papers[0].latest_version, 3);
  EXPECT_THAT(sink.papers[0].versions, ElementsAre(PaperVersion{1, "2024-01-01T09:00:00Z", ""},
                                                   PaperVersion{3, "2024-03-01T10:00:00Z", ""}));
  EXPECT_EQ(sink.papers[1].id, "2401.00003");
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("not-an-id"));
  EXPECT_EQ(sink.rejects[0].pos.index, 1);
  EXPECT_EQ(sink.rejects[0].pos.line, 15);
  EXPECT_EQ(sink.rejects[0].pos.file, "mixed.xml");
}

TEST(ArxivAtomTest, TruncatedFeedKeepsCompleteEntries) {
  CollectingSink sink;
  auto info = ReadAtomFeed(kTwoEntries, "cut.xml", sink);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->parse_error.empty());
  // The third entry is cut inside its summary: it is dropped, not half-read.
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_EQ(sink.papers[0].id, "2401.00001");
  ASSERT_EQ(sink.rejects.size(), 2u);
  EXPECT_THAT(sink.rejects[1].reason, HasSubstr("malformed XML"));
  EXPECT_GT(sink.rejects[1].pos.offset, 0);
}

TEST(ArxivAtomTest, TruncatedRealFileAtEveryByte) {
  std::string xml = testing::Slurp(AtomDir() + "/james-akl-xiv__arxiv_response_cs.RO_2025-10.xml");
  ASSERT_GT(xml.size(), 1000u);
  size_t feeds = 0;
  for (size_t n = 0; n < xml.size(); ++n) {
    std::string_view cut = std::string_view(xml).substr(0, n);
    CollectingSink sink;
    auto info = ReadAtomFeed(cut, "cut", sink);
    if (!info) continue;  // too short to hold the <feed> element
    ++feeds;
    // Exactly the entries whose end tag is in the prefix come out, whole.
    size_t complete = 0;
    for (size_t at = cut.find("</entry>"); at != std::string_view::npos;
         at = cut.find("</entry>", at + 1)) {
      ++complete;
    }
    EXPECT_EQ(sink.papers.size(), complete) << n;
    for (const Paper& p : sink.papers) EXPECT_FALSE(p.categories.empty()) << n;
    bool whole = cut.find("</feed>") != std::string_view::npos;
    EXPECT_EQ(info->parse_error.empty(), whole) << n;
  }
  EXPECT_GT(feeds, xml.size() * 9 / 10);
}

TEST(ArxivAtomTest, GarbageIsAnError) {
  CollectingSink sink;
  EXPECT_FALSE(ReadAtomFeed("", "empty", sink).has_value());
  EXPECT_FALSE(ReadAtomFeed("\x89PNG\r\n\x1a\n garbage", "png", sink).has_value());
  EXPECT_FALSE(ReadAtomFeed("{\"not\": \"xml\"}", "json", sink).has_value());
  auto wrong_root = ReadAtomFeed("<html><body/></html>", "html", sink);
  ASSERT_FALSE(wrong_root.has_value());
  EXPECT_EQ(wrong_root.error().code, ErrorCode::kParse);
  EXPECT_THAT(wrong_root.error().message, HasSubstr("html"));
  EXPECT_TRUE(sink.papers.empty());

  auto reader = MakeArxivAtomReader();
  auto source = ByteSource::FromString("<<<<>>>> &&& </feed>", "junk.xml");
  EXPECT_FALSE(reader->Read(*source, sink).has_value());
}

TEST(ArxivAtomTest, NestedMarkupAndDeepNesting) {
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep.append("<b>");
  deep.append("deep");
  for (int i = 0; i < 200000; ++i) deep.append("</b>");
  std::string xml =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>http://arxiv.org/abs/2401.00001v1"
      "</id><title>A <b>bold</b> <![CDATA[x<y]]> word</title><summary>" +
      deep + "</summary></entry></feed>";
  CollectingSink sink;
  ASSERT_TRUE(ReadAtomFeed(xml, "deep", sink).has_value());
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_EQ(sink.papers[0].title, "A bold x<y word");
  EXPECT_EQ(sink.papers[0].abstract, "deep");
}

TEST(ArxivAtomTest, InvalidUtf8IsRejected) {
  std::string xml =
      "<feed "
      "xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>http://arxiv.org/abs/2401.00001v1</id>"
      "<title>Bad \xC3\x28 byte</title></entry></feed>";
  CollectingSink sink;
  ASSERT_TRUE(ReadAtomFeed(xml, "utf8", sink).has_value());
  EXPECT_TRUE(sink.papers.empty());
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("UTF-8 in title"));
}

}  // namespace
}  // namespace paperpulse::ingest
