#include "paperpulse/ingest/oai_dc_jsonl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
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

const char kFolder[] = "arxiv-oai-dc-jsonl";

// Papers of one file of the folder, by id.
std::map<std::string, Paper> ReadFile(const std::string& name) {
  OaiDcJsonlReader reader;
  CollectingSink sink;
  auto status = ReadPath(reader, DataDir(kFolder) + "/" + name, sink);
  EXPECT_TRUE(status) << status.error().ToString();
  EXPECT_TRUE(sink.rejects.empty());
  std::map<std::string, Paper> out;
  for (auto& p : sink.papers) out[p.id] = p;
  return out;
}

TEST(OaiDcJsonl, EveryFileGivesItsProvenanceCount) {
  auto counts = testing::ProvenanceCounts(kFolder);
  ASSERT_EQ(counts.size(), 67u);
  OaiDcJsonlReader reader;
  std::set<std::string> ids;
  int64_t total = 0, with_categories = 0, with_submitted = 0;
  for (const auto& [file, count] : counts) {
    CollectingSink sink;
    auto status = ReadPath(reader, DataDir(kFolder) + "/" + file, sink);
    ASSERT_TRUE(status) << file << ": " << status.error().ToString();
    EXPECT_EQ(static_cast<int>(sink.papers.size()), count) << file;
    EXPECT_TRUE(sink.rejects.empty())
        << file << ": " << sink.rejects[0].pos.ToString() << " " << sink.rejects[0].reason;
    total += static_cast<int64_t>(sink.papers.size());
    for (const Paper& p : sink.papers) {
      ids.insert(p.id);
      with_categories += !p.categories.empty();
      with_submitted += !p.submitted.empty();
      EXPECT_FALSE(p.authors.empty()) << p.id;
    }
  }
  EXPECT_EQ(total, 18609);
  EXPECT_EQ(ids.size(), 18609u);  // ids are unique across the copied files
  // Every record names at least one category the table knows, and a date.
  EXPECT_EQ(with_categories, total);
  EXPECT_EQ(with_submitted, total);
}

TEST(OaiDcJsonl, KnownRecords) {
  auto papers = ReadFile("HeinrichHartmann__2008-01-13.jsonl");
  ASSERT_TRUE(papers.count("0704.0003"));
  const Paper& p = papers["0704.0003"];
  EXPECT_EQ(p.title,
            "The evolution of the Earth-Moon system based on the dark matter field fluid model");
  EXPECT_THAT(p.authors, ElementsAre("Hongjun Pan"));
  EXPECT_THAT(p.categories, ElementsAre("physics.gen-ph"));
  EXPECT_EQ(p.submitted, "2007-04-01");  // the first dc:date is v1's
  EXPECT_EQ(p.updated, "2008-01-12");
  EXPECT_TRUE(p.versions.empty());
  EXPECT_EQ(p.latest_version, 0);  // two dates: some later version, number unknown
  EXPECT_EQ(p.comments, "23 pages, 3 figures");
  EXPECT_THAT(p.abstract, ::testing::StartsWith("The evolution of Earth-Moon system"));
  EXPECT_THAT(p.abstract, ::testing::EndsWith("rad s^(-2)."));

  papers = ReadFile("HeinrichHartmann__2008-01-01.jsonl");
  ASSERT_TRUE(papers.count("math/0007128"));
  const Paper& old = papers["math/0007128"];
  EXPECT_THAT(old.authors, ElementsAre("Robert L. Bryant"));
  EXPECT_THAT(old.categories, ElementsAre("math.DG"));  // "Primary:32Q25, ..." dropped
  EXPECT_THAT(old.journal_ref, ::testing::StartsWith("Perspectives in Riemannian Geometry, CRM"));
  ASSERT_TRUE(papers.count("0707.4061"));
  const Paper& first = papers["0707.4061"];
  EXPECT_THAT(first.authors, ElementsAre("Christoph Weiss", "Niklas Teichmann"));
  EXPECT_EQ(first.doi, "10.1002/lapl.200710078");
  EXPECT_EQ(first.journal_ref, "Laser Phys. Lett. 4 (2007) 895");
  EXPECT_EQ(first.latest_version, 1);  // a single date: only v1 existed
  EXPECT_EQ(first.submitted, "2007-07-27");

  papers = ReadFile("HeinrichHartmann__2016-06-08.jsonl");
  ASSERT_TRUE(papers.count("astro-ph/9601084"));
  EXPECT_THAT(papers["astro-ph/9601084"].authors,
              ElementsAre("Wesley N. Colley", "J. Richard Gott III", "Changbom Park"));
  EXPECT_THAT(papers["astro-ph/9601084"].categories, ElementsAre("astro-ph"));
  ASSERT_TRUE(papers.count("1411.4599"));
  EXPECT_EQ(papers["1411.4599"].doi, "10.1103/PhysRevD.92.084057 10.1103/PhysRevD.93.049905");

  // Punctuation-only creators (":" and "-" in the source) are dropped.
  papers = ReadFile("HeinrichHartmann__2008-01-17.jsonl");
  ASSERT_TRUE(papers.count("0801.2551"));
  EXPECT_THAT(papers["0801.2551"].authors, ElementsAre("F. Calura", "A. Pipino", "F. Matteucci"));
  papers = ReadFile("HeinrichHartmann__2016-05-09.jsonl");
  ASSERT_TRUE(papers.count("1605.01946"));
  ASSERT_GE(papers["1605.01946"].authors.size(), 2u);
  EXPECT_EQ(papers["1605.01946"].authors[0], "xFitter Developers' team");
  EXPECT_EQ(papers["1605.01946"].authors[1], "Valerio Bertone");
}

TEST(OaiDcJsonl, CreatorNamesAndSubjects) {
  EXPECT_EQ(OaiDcCreatorName("Weiss, Christoph"), "Christoph Weiss");
  EXPECT_EQ(OaiDcCreatorName("McNutt, Jr., R. L."), "R. L. McNutt Jr.");
  EXPECT_EQ(OaiDcCreatorName("CMS Collaboration"), "CMS Collaboration");
  EXPECT_EQ(OaiDcCreatorName("Bal\\'azs, C."), "C. Balázs");
  EXPECT_EQ(OaiDcCreatorName(":"), "");
  EXPECT_EQ(OaiDcCreatorName(" - "), "");
  EXPECT_EQ(CategoryFromOaiDcSubject("Computer Science - Learning"), "cs.LG");
  EXPECT_EQ(CategoryFromOaiDcSubject("Quantum Physics"), "quant-ph");
  EXPECT_EQ(CategoryFromOaiDcSubject("Condensed Matter - Mesoscale and Nanoscale Physics"),
            "cond-mat.mes-hall");
  EXPECT_EQ(CategoryFromOaiDcSubject("Primary 11N25"), "");
  EXPECT_EQ(CategoryFromOaiDcSubject("Mathematics"), "");
}

TEST(OaiDcJsonl, SniffAcceptsOnlyOaiDcLines) {
  OaiDcJsonlReader reader;
  int accepted = 0;
  for (const auto& h : testing::AllDataHeads()) {
    bool own = h.path.find("/arxiv-oai-dc-jsonl/") != std::string::npos;
    EXPECT_EQ(reader.Sniff(h.head, h.path), own) << h.path;
    accepted += own;
  }
  EXPECT_EQ(accepted, 67);
  EXPECT_TRUE(reader.Sniff(R"(["oai:arXiv.org:hep-th/9901001", {"title": ["x"]}])", ""));
  EXPECT_FALSE(reader.Sniff(R"(["hello", {"title": ["x"]}])", ""));
  EXPECT_FALSE(reader.Sniff(R"(["0704.0001", {"foo": 1}])", ""));
}

TEST(OaiDcJsonl, DetectedByTheRegistry) {
  auto readers = AllReaders();
  std::string path = DataDir(kFolder) + "/HeinrichHartmann__2016-05-04.jsonl";
  auto source = ByteSource::Open(path);
  ASSERT_TRUE(source);
  auto head = (*source)->Peek(64 << 10);
  ASSERT_TRUE(head);
  Reader* r = DetectReader(readers, *head, path);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Name(), "oai-dc-jsonl");
}

TEST(OaiDcJsonl, RejectsBadLinesAndKeepsTheGoodOnes) {
  std::string data = testing::JoinLines({
      R"(["0801.0001", {"title": ["Good\n  one"], "creator": ["One, A."], )"
      R"("subject": ["Quantum Physics", "Mathematics - Probability", "60J10"], )"
      R"("date": ["2008-01-01"], "description": ["  Abs.\n", "Comment: 4 pages"], )"
      R"("identifier": ["http://arxiv.org/abs/0801.0001", "doi:10.1/x,"]}])",
      R"(["0801.0002", {"title": ["Cut)",
      "garbage",
      R"(["not-an-id", {"title": ["x"]}])",
      "[\"0801.0003\", {\"title\": [\"\xed\xa0\x80 surrogate\"]}]",
      R"(["0801.0004", {"title": []}])",
      R"(["0801.0005"])",
      R"([null, {"title": ["Id from URL"], "identifier": ["http://arxiv.org/abs/0801.0006"]}])",
  });
  OaiDcJsonlReader reader;
  CollectingSink sink;
  ASSERT_TRUE(ReadString(reader, data, "bad.jsonl", sink));
  EXPECT_THAT(PaperIds(sink), ElementsAre("0801.0001", "0801.0006"));
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.title, "Good one");
  EXPECT_THAT(p.authors, ElementsAre("A. One"));
  EXPECT_THAT(p.categories, ElementsAre("quant-ph", "math.PR"));
  EXPECT_EQ(p.abstract, "Abs.");
  EXPECT_EQ(p.comments, "4 pages");
  EXPECT_EQ(p.doi, "10.1/x");
  EXPECT_EQ(p.latest_version, 1);
  EXPECT_THAT(RejectLines(sink), ElementsAre(2, 3, 4, 5, 6, 7));
  ASSERT_EQ(sink.rejects.size(), 6u);
  EXPECT_THAT(sink.rejects[2].reason, HasSubstr("not-an-id"));
  EXPECT_THAT(sink.rejects[3].reason, HasSubstr("invalid UTF-8"));
  EXPECT_EQ(sink.rejects[4].reason, "missing title");
  EXPECT_THAT(sink.rejects[5].reason, HasSubstr("[id, {oai_dc fields}]"));
}

TEST(OaiDcJsonl, EmptyInputGivesNothing) {
  OaiDcJsonlReader reader;
  CollectingSink sink;
  ASSERT_TRUE(ReadString(reader, "", "empty.jsonl", sink));
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
}

}  // namespace
}  // namespace paperpulse::ingest
