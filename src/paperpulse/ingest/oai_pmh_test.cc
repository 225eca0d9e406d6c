#include "paperpulse/ingest/oai_pmh.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/arxiv_atom.h"
#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/reader_test_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string OaiDir() { return testing::SharedDataDir() + "/arxiv-oai-pmh-xml"; }
const char kPage2019[] = "/albertoMontero__ListRecords_arXivRaw_set-cs_2019-10-01_2019-10-09.xml";
const char kPage2014[] = "/arxivsync__ListRecords_arXivRaw_token-496549-46001_2014.xml";

// Reads `path` through the registered reader, as the importer would.
CollectingSink ReadFile(const std::string& path) { return testing::ReadDetected(path, "oai-pmh"); }

OaiPageInfo PageInfo(const std::string& xml, CollectingSink& sink) {
  auto info = ReadOaiPmhPage(xml, "page", sink);
  EXPECT_TRUE(info.has_value()) << info.error().ToString();
  return info ? *info : OaiPageInfo{};
}

const Paper* Find(const CollectingSink& sink, const std::string& id) {
  for (const Paper& p : sink.papers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

// An OAI-PMH response around `body` (the verb element and its content).
std::string Envelope(const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\">\n"
         "<responseDate>2024-05-01T12:00:00Z</responseDate>\n"
         "<request verb=\"ListRecords\">http://export.arxiv.org/oai2</request>\n" +
         body + "\n</OAI-PMH>\n";
}

TEST(OaiPmhTest, ArxivRawPage2019) {
  CollectingSink sink = ReadFile(OaiDir() + kPage2019);
  EXPECT_EQ(sink.papers.size(), 1000u);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects[0].reason;
  EXPECT_EQ(sink.resumption_token, "3996692|1001");
  EXPECT_EQ(sink.complete_size, 2525);

  const Paper& first = sink.papers[0];
  EXPECT_EQ(first.id, "1207.4664");
  EXPECT_EQ(first.title, "Quantitative photoacoustic imaging in radiative transport regime");
  EXPECT_THAT(first.authors, ElementsAre("Alexander V. Mamonov", "Kui Ren"));
  EXPECT_THAT(first.categories,
              ElementsAre("physics.med-ph", "cs.NA", "math.NA", "physics.optics"));
  EXPECT_EQ(first.doi, "10.4310/CMS.2014.v12.n2.a1");
  EXPECT_EQ(first.journal_ref, "Communications in Mathematical Sciences, 12(2):201-234, 2014");
  EXPECT_EQ(first.comments, "40 pages, 13 figures");
  EXPECT_EQ(first.license, "http://arxiv.org/licenses/nonexclusive-distrib/1.0/");
  EXPECT_THAT(first.versions, ElementsAre(PaperVersion{1, "2012-07-19T13:39:08Z", "11129kb"}));
  EXPECT_EQ(first.latest_version, 1);
  EXPECT_EQ(first.submitted, "2012-07-19T13:39:08Z");
  EXPECT_TRUE(first.abstract.starts_with("The objective of quantitative photoacoustic"));
  EXPECT_TRUE(first.abstract.ends_with("the reconstructions are\nstable."));

  // Authors with a line break and a serial comma.
  const Paper* p = Find(sink, "1207.4933");
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->authors, ElementsAre("Nicholas J. McCullen", "Alastair M. Rucklidge",
                                      "Catherine S. E. Bale", "Tim J. Foxon", "William F. Gale"));
  EXPECT_EQ(p->journal_ref, "SIAM J. Applied Dynamical Systems Vol. 12, No. 1, pp. 515-532 (2013)");

  // arXiv lists versions as text sorts them: v1, v10, v2, ..., v9.
  p = Find(sink, "1704.01914");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->versions.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(p->versions[i].number, i + 1);
  EXPECT_EQ(p->latest_version, 10);
  EXPECT_EQ(p->versions.back().date, "2019-09-29T19:51:40Z");
  EXPECT_EQ(p->updated, "2019-09-29T19:51:40Z");
  EXPECT_EQ(p->submitted, "2017-04-06T16:27:29Z");
  EXPECT_THAT(p->authors, ElementsAre("Dmitriy Zhuk"));

  CollectingSink again;
  OaiPageInfo info = PageInfo(testing::Slurp(OaiDir() + kPage2019), again);
  EXPECT_EQ(info.verb, "ListRecords");
  EXPECT_EQ(info.records, 1000);
  EXPECT_EQ(info.deleted, 0);
  EXPECT_EQ(info.resumption_token, "3996692|1001");
  EXPECT_EQ(info.complete_list_size, 2525);
  EXPECT_EQ(info.cursor, 0);
  EXPECT_EQ(info.response_date, "2019-11-05T14:25:40Z");
  EXPECT_EQ(info.last_datestamp, "2019-10-09");
  EXPECT_TRUE(info.error_code.empty());
  EXPECT_TRUE(info.parse_error.empty());
}

// The 2014 server wrote every attribute in single quotes.
TEST(OaiPmhTest, ArxivRawPage2014SingleQuotedAttributes) {
  CollectingSink sink = ReadFile(OaiDir() + kPage2014);
  EXPECT_EQ(sink.papers.size(), 1000u);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects[0].reason;
  EXPECT_EQ(sink.resumption_token, "496549|47001");
  EXPECT_EQ(sink.complete_size, 907096);

  const Paper* p = Find(sink, "0801.3674");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->versions.size(), 4u);
  EXPECT_EQ(p->versions[0], (PaperVersion{1, "2008-01-23T21:13:53Z", "33kb"}));
  EXPECT_EQ(p->versions[3], (PaperVersion{4, "2008-09-11T22:03:53Z", "31kb"}));
  EXPECT_EQ(p->latest_version, 4);
  EXPECT_EQ(p->title,
            "A Study of Structure Formation and Reheating in the D3/D7 Brane Inflation Model");
  // Parenthesised affiliations dropped, order kept.
  EXPECT_THAT(p->authors,
              ElementsAre("Robert H. Brandenberger", "Keshav Dasgupta", "Anne-Christine Davis"));
  EXPECT_THAT(p->categories, ElementsAre("hep-th", "astro-ph", "gr-qc", "hep-ph"));
  EXPECT_EQ(p->doi, "10.1103/PhysRevD.78.083502");
  EXPECT_EQ(p->journal_ref, "Phys.Rev.D78:083502,2008");
  EXPECT_EQ(p->comments,
            "Some sections expanded, typos corrected and references added. Final version to "
            "appear in Phys. Rev. D");

  CollectingSink again;
  OaiPageInfo info = PageInfo(testing::Slurp(OaiDir() + kPage2014), again);
  EXPECT_EQ(info.cursor, 46000);
  EXPECT_EQ(info.complete_list_size, 907096);
  EXPECT_EQ(info.last_datestamp, "2014-01-15");
  EXPECT_EQ(info.response_date, "2014-01-16T10:33:29Z");
}

TEST(OaiPmhTest, SingleQuotedAttributesHandMade) {
  std::string xml = Envelope(
      "<ListRecords><record><header status='deleted'><identifier>oai:arXiv.org:0801.0001"
      "</identifier><datestamp>2020-01-01</datestamp></header></record>"
      "<record><header><identifier>oai:arXiv.org:0801.0002</identifier>"
      "<datestamp>2020-01-02</datestamp></header><metadata>"
      "<arXivRaw xmlns='http://arxiv.org/OAI/arXivRaw/'><id>0801.0002</id>"
      "<version version='v2'><date>Tue, 8 Jan 2008 10:00:00 GMT</date><size>9kb</size></version>"
      "<version version='v1'><date>Mon, 7 Jan 2008 10:00:00 GMT</date><size>8kb</size></version>"
      "<title>T</title><authors>A. B</authors><categories>math.CO</categories></arXivRaw>"
      "</metadata></record>"
      "<resumptionToken completeListSize='5' cursor='0'>tok|3</resumptionToken></ListRecords>");
  CollectingSink sink;
  OaiPageInfo info = PageInfo(xml, sink);
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_THAT(sink.papers[0].versions, ElementsAre(PaperVersion{1, "2008-01-07T10:00:00Z", "8kb"},
                                                   PaperVersion{2, "2008-01-08T10:00:00Z", "9kb"}));
  // The deleted record is counted, not rejected.
  EXPECT_TRUE(sink.rejects.empty());
  EXPECT_EQ(info.records, 2);
  EXPECT_EQ(info.deleted, 1);
  EXPECT_EQ(info.resumption_token, "tok|3");
  EXPECT_EQ(info.complete_list_size, 5);
  EXPECT_EQ(sink.resumption_token, "tok|3");
  EXPECT_EQ(sink.complete_size, 5);
  EXPECT_EQ(info.last_datestamp, "2020-01-02");
}

TEST(OaiPmhTest, ArxivFormatGetRecord) {
  CollectingSink sink = ReadFile(OaiDir() + "/hepcrawl/arxiv-single.xml");
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_TRUE(sink.rejects.empty());
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "1401.2122");
  EXPECT_THAT(p.authors, ElementsAre("A. Sergyeyev"));
  EXPECT_EQ(p.title, "New integrable (3+1)-dimensional systems and contact geometry");
  EXPECT_THAT(p.categories,
              ElementsAre("math.AP", "hep-th", "math-ph", "math.DG", "math.MP", "nlin.SI"));
  EXPECT_EQ(p.doi, "10.1007/s11005-017-1013-4");
  EXPECT_EQ(p.journal_ref, "Lett. Math. Phys. 108 (2018), no. 2, 359-376");
  EXPECT_EQ(p.submitted, "2014-01-09");
  EXPECT_EQ(p.updated, "2017-10-23");
  // Revised, but the format does not say how often.
  EXPECT_EQ(p.latest_version, 0);
  EXPECT_TRUE(p.versions.empty());
  EXPECT_TRUE(sink.resumption_token.empty());
}

TEST(OaiPmhTest, ArxivFormatAuthorsAndSingleVersion) {
  CollectingSink sink = ReadFile(
      OaiDir() + "/paperhive-nock/xml/oaipmh-getrecord---should-get-a-record__0_status200.xml");
  ASSERT_EQ(sink.papers.size(), 1u);
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "1412.8544");
  // <affiliation> is not part of the name.
  EXPECT_THAT(p.authors, ElementsAre("Sander Uijlen", "Bas Westerbaan"));
  EXPECT_EQ(p.submitted, "2014-12-29");
  EXPECT_EQ(p.updated, "2014-12-29");
  EXPECT_EQ(p.latest_version, 1);  // no <updated>: one version only
  EXPECT_EQ(p.doi, "10.4204/EPTCS.172.11");

  // A collaboration has a keyname only; this fixture's <arXiv> has no xmlns.
  CollectingSink planck = ReadFile(OaiDir() + "/hepcrawl/sample_arxiv_record0.xml");
  ASSERT_EQ(planck.papers.size(), 1u);
  EXPECT_THAT(planck.papers[0].authors, ElementsAre("Planck Collaboration", "Jieci Wang",
                                                    "Zehua Tian", "Jiliang Jing", "Heng Fan"));
  EXPECT_EQ(planck.papers[0].id, "1601.03238");
}

TEST(OaiPmhTest, ArxivFormatListRecordsWithOldStyleId) {
  CollectingSink sink =
      ReadFile(OaiDir() +
               "/paperhive-nock/xml/"
               "oaipmh-listrecords---should-list-identifiers-from-arxiv__1_status200.xml");
  ASSERT_EQ(sink.papers.size(), 2u);
  EXPECT_TRUE(sink.rejects.empty());
  const Paper& p = sink.papers[1];
  EXPECT_EQ(p.id, "hep-th/9504118");
  EXPECT_EQ(p.submitted, "1995-04-24");
  EXPECT_THAT(p.abstract, HasSubstr("the \"strength\" of the bonds"));  // &quot; decoded
}

// Every XML file of the folder, with its record count from PROVENANCE.md.
TEST(OaiPmhTest, RecordCountsOfEveryFile) {
  const std::pair<const char*, size_t> kFiles[] = {
      {kPage2019, 1000},
      {kPage2014, 1000},
      {"/hepcrawl/arxiv-physics-hep-ex.xml", 3},
      {"/hepcrawl/arxiv-physics-hep-th.xml", 3},
      {"/hepcrawl/arxiv-single.xml", 1},
      {"/hepcrawl/sample_arxiv_record.xml", 12},
      {"/hepcrawl/sample_arxiv_record0.xml", 1},
      {"/hepcrawl/sample_arxiv_record1.xml", 1},
      {"/hepcrawl/sample_arxiv_record2.xml", 1},
      {"/hepcrawl/sample_arxiv_record3.xml", 1},
      {"/hepcrawl/sample_arxiv_record4.xml", 1},
      {"/hepcrawl/sample_arxiv_record5.xml", 1},
      {"/hepcrawl/sample_arxiv_record6.xml", 1},
      {"/hepcrawl/sample_arxiv_record7.xml", 1},
      {"/hepcrawl/sample_arxiv_record8.xml", 1},
      {"/hepcrawl/sample_arxiv_record9.xml", 1},
      {"/hepcrawl/sample_arxiv_record10.xml", 1},
      {"/paperhive-nock/xml/oaipmh-getrecord---should-get-a-record__0_status200.xml", 1},
      {"/paperhive-nock/xml/oaipmh-identify---should-identify-arxiv__0_status200.xml", 0},
      {"/paperhive-nock/xml/"
       "oaipmh-listidentifiers---should-list-identifiers-from-arxiv__0_status200.xml",
       0},
      {"/paperhive-nock/xml/"
       "oaipmh-listmetadataformats---should-list-metadata-formats-for-arxiv-id-1208-0264__0_"
       "status200.xml",
       0},
      {"/paperhive-nock/xml/"
       "oaipmh-listmetadataformats---should-list-metadata-formats-for-arxiv__0_status200.xml",
       0},
      {"/paperhive-nock/xml/"
       "oaipmh-listrecords---should-list-identifiers-from-arxiv__1_status200.xml",
       2},
      {"/paperhive-nock/xml/oaipmh-listsets---should-list-arxiv-sets__0_status200.xml", 0},
  };
  size_t total = 0;
  for (const auto& [file, count] : kFiles) {
    CollectingSink sink = ReadFile(OaiDir() + file);
    EXPECT_EQ(sink.papers.size(), count) << file;
    EXPECT_TRUE(sink.rejects.empty()) << file << ": " << sink.rejects[0].reason;
    for (const Paper& p : sink.papers) {
      EXPECT_FALSE(p.title.empty()) << file << " " << p.id;
      EXPECT_FALSE(p.abstract.empty()) << file << " " << p.id;
      EXPECT_FALSE(p.authors.empty()) << file << " " << p.id;
      EXPECT_FALSE(p.categories.empty()) << file << " " << p.id;
      EXPECT_FALSE(p.submitted.empty()) << file << " " << p.id;
    }
    total += sink.papers.size();
  }
  EXPECT_EQ(total, 2033u);
}

TEST(OaiPmhTest, VerbsWithoutRecords) {
  std::string dir = OaiDir() + "/paperhive-nock/xml/";
  CollectingSink sink;
  OaiPageInfo identify = PageInfo(
      testing::Slurp(dir + "oaipmh-identify---should-identify-arxiv__0_status200.xml"), sink);
  EXPECT_EQ(identify.verb, "Identify");
  EXPECT_EQ(identify.records, 0);
  OaiPageInfo sets = PageInfo(
      testing::Slurp(dir + "oaipmh-listsets---should-list-arxiv-sets__0_status200.xml"), sink);
  EXPECT_EQ(sets.verb, "ListSets");
  OaiPageInfo ids = PageInfo(
      testing::Slurp(
          dir + "oaipmh-listidentifiers---should-list-identifiers-from-arxiv__0_status200.xml"),
      sink);
  EXPECT_EQ(ids.verb, "ListIdentifiers");
  EXPECT_EQ(ids.records, 0);
  EXPECT_EQ(ids.last_datestamp, "2009-01-02");
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
}

TEST(OaiPmhTest, SniffRecognisesOaiPmhOnly) {
  auto reader = MakeOaiPmhReader();
  EXPECT_EQ(reader->Name(), "oai-pmh");
  EXPECT_TRUE(reader->Sniff(testing::Slurp(OaiDir() + kPage2014).substr(0, 65536), "47001"));
  // No XML declaration.
  EXPECT_TRUE(reader->Sniff(testing::Slurp(OaiDir() + "/hepcrawl/sample_arxiv_record.xml"), "x"));
  // The HTTP 503 page is not ours (nor the Atom reader's).
  std::string html =
      testing::Slurp(OaiDir() +
                     "/paperhive-nock/xml/"
                     "oaipmh-listrecords---should-list-identifiers-from-arxiv__0_status503.html");
  ASSERT_FALSE(html.empty());
  EXPECT_FALSE(reader->Sniff(html, "x.xml"));
  EXPECT_FALSE(LooksLikeArxivAtom(html));
  // A JSON recording quotes OAI-PMH XML but is not XML.
  EXPECT_FALSE(reader->Sniff(
      testing::Slurp(OaiDir() + "/paperhive-nock/oaipmh-getrecord---should-get-a-record.json"),
      "x.xml"));
  EXPECT_FALSE(
      reader->Sniff(testing::Slurp(testing::SharedDataDir() +
                                   "/arxiv-api-atom/ewan-m__arxiv_response_all-science_2019.xml"),
                    "x.xml"));
}

TEST(OaiPmhTest, OaiErrors) {
  CollectingSink sink;
  OaiPageInfo bad = PageInfo(
      Envelope("<error code=\"badResumptionToken\">The value of the resumptionToken argument is "
               "invalid or expired.</error>"),
      sink);
  EXPECT_EQ(bad.error_code, "badResumptionToken");
  EXPECT_THAT(bad.error_message, HasSubstr("invalid or expired"));
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("badResumptionToken"));
  EXPECT_EQ(sink.rejects[0].pos.line, 5);

  CollectingSink empty;
  OaiPageInfo none =
      PageInfo(Envelope("<error code=\"noRecordsMatch\">No records match</error>"), empty);
  EXPECT_EQ(none.error_code, "noRecordsMatch");
  EXPECT_TRUE(empty.rejects.empty());
  EXPECT_TRUE(empty.papers.empty());
  EXPECT_TRUE(none.resumption_token.empty());
}

TEST(OaiPmhTest, OaiDublinCore) {
  // Record 1003.4486 as arXiv serves it in oai_dc (content from the
  // arxiv-oai-dc-jsonl mirror of the same data).
  std::string xml = Envelope(R"(<ListRecords><record><header>
 <identifier>oai:arXiv.org:1003.4486</identifier><datestamp>2016-05-02</datestamp>
</header><metadata>
<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <dc:title>Phase retrieval for characteristic functions of convex bodies and
  reconstruction from covariograms</dc:title>
 <dc:creator>Bianchi, Gabriele</dc:creator>
 <dc:creator>Gardner, Richard J.</dc:creator>
 <dc:creator>Kiderlen, Markus</dc:creator>
 <dc:subject>Mathematics - Metric Geometry</dc:subject>
 <dc:subject>42-04, 42B10, 52-04, 52A20 (Primary), 52B11 62H35 (Secondary)</dc:subject>
 <dc:description>  We propose strongly consistent algorithms for reconstructing the
characteristic function 1_K of an unknown convex body K in R^n.
</dc:description>
 <dc:description>Comment: Version accepted on the Journal of the American Mathematical Society.
  56 pages, 4 figures</dc:description>
 <dc:date>2010-03-23</dc:date>
 <dc:date>2010-09-03</dc:date>
 <dc:type>text</dc:type>
 <dc:identifier>http://arxiv.org/abs/1003.4486</dc:identifier>
 <dc:identifier>Journal of the American Math. Soc. 24 (2011), 293-343</dc:identifier>
 <dc:identifier>doi:10.1090/S0894-0347-2010-00683-2</dc:identifier>
</oai_dc:dc></metadata></record></ListRecords>)");
  CollectingSink sink;
  PageInfo(xml, sink);
  ASSERT_EQ(sink.papers.size(), 1u) << (sink.rejects.empty() ? "" : sink.rejects[0].reason);
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "1003.4486");
  EXPECT_EQ(p.title,
            "Phase retrieval for characteristic functions of convex bodies and reconstruction "
            "from covariograms");
  EXPECT_THAT(p.authors, ElementsAre("Gabriele Bianchi", "Richard J. Gardner", "Markus Kiderlen"));
  EXPECT_THAT(p.categories, ElementsAre("math.MG"));  // mapped from the subject name
  EXPECT_TRUE(p.abstract.starts_with("We propose"));
  EXPECT_EQ(p.comments,
            "Version accepted on the Journal of the American Mathematical Society. 56 pages, 4 "
            "figures");
  EXPECT_EQ(p.journal_ref, "Journal of the American Math. Soc. 24 (2011), 293-343");
  EXPECT_EQ(p.doi, "10.1090/S0894-0347-2010-00683-2");
  EXPECT_EQ(p.submitted, "2010-03-23");
  EXPECT_EQ(p.updated, "2010-09-03");
  EXPECT_EQ(p.latest_version, 0);
}

TEST(OaiPmhTest, InvalidIdInsideRealPage) {
  std::string xml = testing::Slurp(OaiDir() + kPage2014);
  size_t at = xml.find("<id>0801.3675</id>");
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, 18, "<id>0801.367x</id>");
  CollectingSink sink;
  OaiPageInfo info = PageInfo(xml, sink);
  EXPECT_EQ(sink.papers.size(), 999u);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].reason, "bad arXiv id \"0801.367x\"");
  EXPECT_EQ(sink.rejects[0].pos.index, 2);
  EXPECT_EQ(sink.rejects[0].pos.file, "page");
  EXPECT_GT(sink.rejects[0].pos.line, 40);
  EXPECT_EQ(info.records, 1000);
  EXPECT_EQ(info.resumption_token, "496549|47001");
}

TEST(OaiPmhTest, UnsupportedFormatAndMissingMetadata) {
  std::string xml = Envelope(
      "<ListRecords><record><header><identifier>oai:arXiv.org:0801.0001</identifier></header>"
      "<metadata><marc xmlns=\"x\"><id>0801.0001</id></marc></metadata></record>"
      "<record><header><identifier>oai:arXiv.org:0801.0002</identifier></header></record>"
      "<record><header><identifier>oai:arXiv.org:0801.0003</identifier></header><metadata>"
      "<arXivRaw><title>Id from the header</title></arXivRaw></metadata></record>"
      "<record><header><identifier>oai:arXiv.org:0801.0004</identifier></header><metadata>"
      "<arXivRaw><id>0801.0004</id><title> </title></arXivRaw></metadata></record>"
      "</ListRecords>");
  CollectingSink sink;
  PageInfo(xml, sink);
  ASSERT_EQ(sink.rejects.size(), 3u);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("marc"));
  EXPECT_THAT(sink.rejects[1].reason, HasSubstr("without metadata"));
  EXPECT_EQ(sink.rejects[2].reason, "missing title");
  EXPECT_EQ(sink.rejects[2].pos.index, 3);
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_EQ(sink.papers[0].id, "0801.0003");
}

TEST(OaiPmhTest, TruncatedRealPage) {
  std::string xml = testing::Slurp(OaiDir() + kPage2019);
  // Cut in the middle of record 501's abstract.
  size_t record = 0;
  size_t at = 0;
  while (record < 501) {
    at = xml.find("<record>", at + 1);
    ASSERT_NE(at, std::string::npos);
    ++record;
  }
  size_t cut = xml.find("<abstract>", at) + 30;
  CollectingSink sink;
  OaiPageInfo info = PageInfo(xml.substr(0, cut), sink);
  EXPECT_EQ(sink.papers.size(), 500u);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("malformed XML"));
  // pugixml reports a cut input on its last byte.
  EXPECT_EQ(sink.rejects[0].pos.offset, static_cast<int64_t>(cut) - 1);
  EXPECT_FALSE(info.parse_error.empty());
  EXPECT_TRUE(info.resumption_token.empty());
  EXPECT_TRUE(sink.resumption_token.empty());
}

TEST(OaiPmhTest, BrokenMarkupMidPage) {
  std::string xml = testing::Slurp(OaiDir() + kPage2014);
  size_t at = xml.find("<title>", xml.find("<id>0801.3676</id>"));
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, 7, "<title <<");
  CollectingSink sink;
  OaiPageInfo info = PageInfo(xml, sink);
  // Records 0801.3673 .. 0801.3675 precede the break.
  EXPECT_EQ(sink.papers.size(), 3u);
  EXPECT_FALSE(info.parse_error.empty());
  ASSERT_FALSE(sink.rejects.empty());
  EXPECT_THAT(sink.rejects.back().reason, HasSubstr("malformed XML"));
}

TEST(OaiPmhTest, GarbageIsAnError) {
  CollectingSink sink;
  EXPECT_FALSE(ReadOaiPmhPage("", "empty", sink).has_value());
  EXPECT_FALSE(ReadOaiPmhPage("\x1f\x8b\x08 binary", "bin", sink).has_value());
  auto html =
      ReadOaiPmhPage("<html><body><h1>Retry after 10 seconds</h1></body></html>", "503", sink);
  ASSERT_FALSE(html.has_value());
  EXPECT_EQ(html.error().code, ErrorCode::kParse);
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
  auto reader = MakeOaiPmhReader();
  auto source = ByteSource::FromString("<OAI-PMH", "stub.xml");
  CollectingSink s2;
  // An unterminated root: readable as an (empty, broken) OAI-PMH response.
  EXPECT_TRUE(reader->Read(*source, s2).has_value());
  EXPECT_EQ(s2.rejects.size(), 1u);
}

}  // namespace
}  // namespace paperpulse::ingest
