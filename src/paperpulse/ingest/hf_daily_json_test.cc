#include "paperpulse/ingest/hf_daily_json.h"

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
using testing::ReadPath;
using testing::ReadString;

const char kFolder[] = "hf-daily-papers-json";

CollectingSink ReadFile(const std::string& name) {
  HfDailyJsonReader reader;
  CollectingSink sink;
  auto status = ReadPath(reader, DataDir(kFolder) + "/" + name, sink);
  EXPECT_TRUE(status) << name << ": " << status.error().ToString();
  EXPECT_TRUE(sink.rejects.empty()) << name;
  return sink;
}

std::vector<int64_t> RejectIndexes(const CollectingSink& sink) {
  std::vector<int64_t> out;
  for (const auto& r : sink.rejects) out.push_back(r.pos.index);
  return out;
}

std::vector<std::string> DailyIds(const CollectingSink& sink) {
  std::vector<std::string> out;
  for (const auto& d : sink.daily) out.push_back(d.entry.paper_id);
  return out;
}

TEST(HfDailyJson, EveryFileGivesItsProvenanceCount) {
  auto counts = testing::ProvenanceCounts(kFolder);
  ASSERT_EQ(counts.size(), 560u);
  HfDailyJsonReader reader;
  int64_t daily_entries = 0, daily_provenance = 0;
  std::set<std::string> daily_ids;
  for (auto [file, count] : counts) {
    CollectingSink sink;
    auto status = ReadPath(reader, DataDir(kFolder) + "/" + file, sink);
    ASSERT_TRUE(status) << file << ": " << status.error().ToString();
    EXPECT_TRUE(sink.rejects.empty())
        << file << ": " << sink.rejects[0].pos.ToString() << " " << sink.rejects[0].reason;
    if (file.rfind("scraped/", 0) == 0) {
      EXPECT_EQ(static_cast<int>(sink.papers.size()), count) << file;
      EXPECT_TRUE(sink.daily.empty()) << file;
      continue;
    }
    // Daily lists: every item is an entry on the day the file was fetched for.
    // PROVENANCE.md counts the 4 keys of the one wrapper object, not the 9
    // items of its "data" array.
    if (file == "daily/2025-01-10.json") count = 9;
    EXPECT_EQ(static_cast<int>(sink.daily.size()), count) << file;
    EXPECT_TRUE(sink.papers.empty()) << file;
    std::string day = file.substr(file.find('/') + 1, 10);
    for (const auto& d : sink.daily) {
      EXPECT_EQ(d.entry.date, day) << file << " " << d.entry.paper_id;
      EXPECT_EQ(d.entry.source, "hf");
      EXPECT_EQ(d.entry.paper_id, d.paper.id);
      EXPECT_FALSE(d.paper.submitted.empty()) << file << " " << d.paper.id;
      EXPECT_FALSE(d.paper.authors.empty()) << file << " " << d.paper.id;
      // HF files an item under the UTC day of its submission.
      if (!d.entry.submitted_at.empty()) {
        EXPECT_EQ(d.entry.submitted_at.substr(0, 10), day) << file << " " << d.paper.id;
      }
      if (file.rfind("daily/", 0) == 0) daily_ids.insert(d.paper.id);
    }
    if (file.rfind("daily/", 0) == 0) {
      daily_entries += static_cast<int64_t>(sink.daily.size());
      daily_provenance += count;
    }
  }
  EXPECT_EQ(daily_entries, daily_provenance);
  // 9,126 items and 9,124 distinct papers, as Python's json + ast.literal_eval
  // count them (PROVENANCE.md's "9,121 entries, 8,824 unique" undercounts).
  EXPECT_EQ(daily_entries, 9126);
  EXPECT_EQ(daily_ids.size(), 9124u);
}

TEST(HfDailyJson, KnownItems) {
  CollectingSink sink = ReadFile("daily/2025-06-02.json");
  ASSERT_EQ(sink.daily.size(), 20u);
  const auto& [entry, paper] = sink.daily[0];
  EXPECT_EQ(paper.id, "2505.24864");
  EXPECT_EQ(
      paper.title,
      "ProRL: Prolonged Reinforcement Learning Expands Reasoning Boundaries in Large Language "
      "Models");
  ASSERT_EQ(paper.authors.size(), 8u);
  EXPECT_EQ(paper.authors[0], "Mingjie Liu");
  EXPECT_EQ(paper.authors[7], "Yi Dong");
  EXPECT_EQ(paper.submitted, "2025-05-30T17:59:01Z");  // paper.publishedAt, not the item's
  EXPECT_THAT(paper.abstract, ::testing::StartsWith("Recent advances in reasoning-centric"));
  EXPECT_EQ(entry.date, "2025-06-02");
  EXPECT_EQ(entry.upvotes, 35);
  EXPECT_EQ(entry.num_comments, 1);
  EXPECT_EQ(entry.submitted_by, "shizhediao");
  EXPECT_EQ(entry.submitted_at, "2025-06-02T03:18:21Z");
  EXPECT_EQ(entry.github_repo, "");
  EXPECT_EQ(entry.github_stars, std::nullopt);

  sink = ReadFile("daily/2025-10-01.json");
  ASSERT_EQ(sink.daily.size(), 37u);
  const DailyEntry& e = sink.daily[2].entry;
  EXPECT_EQ(e.paper_id, "2509.26536");
  EXPECT_EQ(e.upvotes, 23);
  EXPECT_EQ(e.num_comments, 1);
  EXPECT_EQ(e.github_repo, "https://github.com/OceanGPT/OceanGym");
  EXPECT_EQ(e.github_stars, 25);
  EXPECT_EQ(e.project_page, "https://oceangpt.github.io/OceanGym/");
  EXPECT_EQ(e.submitted_by, "Ningyu");  // the user name, not the full name "Ningyu Zhang"
  EXPECT_EQ(sink.daily[2].paper.authors.size(), 12u);

  // The oldest layout: no submittedOnDailyAt/By, item without submittedBy.
  sink = ReadFile("daily/2024-05-27.json");
  ASSERT_EQ(sink.daily.size(), 13u);
  EXPECT_EQ(sink.daily[0].entry.paper_id, "2405.15738");
  EXPECT_EQ(sink.daily[0].entry.upvotes, 32);
  EXPECT_EQ(sink.daily[0].entry.num_comments, 3);
  EXPECT_EQ(sink.daily[0].entry.submitted_at, "");
  EXPECT_EQ(sink.daily[0].paper.submitted, "2024-05-24T17:34:15Z");
}

TEST(HfDailyJson, PythonReprItemsGiveTheSameRecords) {
  CollectingSink sink = ReadFile("daily/2024-12-11.json");  // 26 items, all repr strings
  ASSERT_EQ(sink.daily.size(), 26u);
  const auto& [entry, paper] = sink.daily[0];
  EXPECT_EQ(paper.id, "2412.07730");
  EXPECT_EQ(paper.title, "STIV: Scalable Text and Image Conditioned Video Generation");
  ASSERT_GE(paper.authors.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(paper.authors.begin(), paper.authors.begin() + 3),
              ElementsAre("Zongyu Lin", "Wei Liu", "Chen Chen"));
  EXPECT_EQ(paper.submitted, "2024-12-10T18:27:06Z");
  EXPECT_EQ(entry.date, "2024-12-11");
  EXPECT_EQ(entry.upvotes, 54);
  EXPECT_EQ(entry.num_comments, 2);
  EXPECT_EQ(entry.submitted_by, "yyf86");  // submittedBy.name, not fullname "Alex Yang"

  // An earlier fetch of the same day saved proper JSON objects: every paper
  // in both must come out identical from both encodings.
  CollectingSink json = ReadFile("daily-history/2024-12-11__2024-12-11T170818__e1978ddaa0.json");
  ASSERT_EQ(json.daily.size(), 25u);
  std::map<std::string, Paper> from_json;
  for (const auto& d : json.daily) from_json[d.paper.id] = d.paper;
  int compared = 0;
  for (const auto& d : sink.daily) {
    auto it = from_json.find(d.paper.id);
    if (it == from_json.end()) continue;
    EXPECT_EQ(d.paper, it->second) << d.paper.id;
    ++compared;
  }
  EXPECT_GE(compared, 20);

  // The wrapper object {"status", "date", "count", "data": [repr strings]}.
  sink = ReadFile("daily/2025-01-10.json");
  ASSERT_EQ(sink.daily.size(), 9u);
  EXPECT_EQ(sink.daily[0].entry.paper_id, "2501.05441");
  EXPECT_EQ(sink.daily[0].entry.date, "2025-01-10");
  EXPECT_EQ(sink.daily[0].entry.upvotes, 51);
  EXPECT_EQ(sink.daily[0].entry.num_comments, 4);
  EXPECT_EQ(sink.daily[0].entry.submitted_by, "Skylion007");
}

TEST(HfDailyJson, OrganisationAiFieldsAndItemPublishedAt) {
  CollectingSink sink = ReadFile("daily/2026-06-30.json");
  ASSERT_EQ(sink.daily.size(), 34u);
  int with_org = 0, with_summary = 0, with_keywords = 0;
  for (const auto& d : sink.daily) {
    with_org += !d.entry.organization.empty();
    with_summary += !d.entry.ai_summary.empty();
    with_keywords += !d.entry.ai_keywords.empty();
  }
  // As counted in the file with Python's json module.
  EXPECT_EQ(with_org, 20);
  EXPECT_EQ(with_summary, 33);
  EXPECT_EQ(with_keywords, 33);
  const DailyEntry& first = sink.daily[0].entry;
  EXPECT_EQ(first.paper_id, "2606.26740");
  EXPECT_EQ(first.organization, "Tsinghua");
  EXPECT_EQ(first.organization_fullname, "Tsinghua University");
  // The item's publishedAt, not the paper's ("2026-06-25T00:00:00.000Z").
  EXPECT_EQ(first.published_at, "2026-06-24T20:00:00Z");
  EXPECT_EQ(sink.daily[0].paper.submitted, "2026-06-25T00:00:00Z");
  EXPECT_THAT(first.ai_summary, ::testing::StartsWith("A novel streaming video editing framework"));
  ASSERT_EQ(first.ai_keywords.size(), 13u);
  EXPECT_EQ(first.ai_keywords.front(), "streaming video editing");
  EXPECT_EQ(first.ai_keywords.back(), "augmented reality");
  EXPECT_EQ(sink.daily[4].entry.paper_id, "2606.27828");
  EXPECT_EQ(sink.daily[4].entry.organization, "");
  EXPECT_EQ(sink.daily[4].entry.organization_fullname, "");

  // The same fields from a Python-repr item, and the organisation on the
  // item alone.
  HfDailyJsonReader reader;
  CollectingSink repr;
  ASSERT_TRUE(ReadString(
      reader,
      R"(["{'paper': {'id': '2606.00001', 'title': 'T', 'upvotes': 3, 'publishedAt': )"
      R"('2026-06-01T00:00:00.000Z', 'ai_summary': 'Short.', 'ai_keywords': ['a b', '  ', 'c']}, )"
      R"('publishedAt': '2026-05-31T20:00:00.000Z', 'numComments': 0, 'organization': )"
      R"({'name': 'acme', 'fullname': 'Acme  Labs'}}"])",
      "/d/2026-06-01.json", repr));
  ASSERT_EQ(repr.daily.size(), 1u);
  const DailyEntry& e = repr.daily[0].entry;
  EXPECT_EQ(e.published_at, "2026-05-31T20:00:00Z");
  EXPECT_EQ(e.organization, "acme");
  EXPECT_EQ(e.organization_fullname, "Acme Labs");
  EXPECT_EQ(e.ai_summary, "Short.");
  EXPECT_THAT(e.ai_keywords, ElementsAre("a b", "c"));
}

TEST(HfDailyJson, ScrapedObjectGivesPapers) {
  CollectingSink sink =
      ReadFile("scraped/mwoedlinger-PaperExplorer__papers_2023-11_to_2024-04.json");
  ASSERT_EQ(sink.papers.size(), 753u);
  EXPECT_TRUE(sink.daily.empty());
  const Paper& p = sink.papers[0];
  EXPECT_EQ(p.id, "2312.17653");
  EXPECT_EQ(p.title, "LARP: Language-Agent Role Play for Open-World Games");
  EXPECT_THAT(p.authors, ElementsAre("Ming Yan", "Ruihao Li", "Hao Zhang", "Hao Wang",
                                     "Zhilan Yang", "Ji Yan"));
  EXPECT_THAT(p.abstract, ::testing::StartsWith("Language agents have shown"));
  EXPECT_EQ(p.submitted.size(), 20u);  // "YYYY-MM-DDTHH:MM:SSZ"
}

TEST(HfDailyJson, SniffAcceptsOnlyHfFiles) {
  HfDailyJsonReader reader;
  int accepted = 0;
  for (const auto& h : testing::AllDataHeads()) {
    bool own = h.path.find("/hf-daily-papers-json/") != std::string::npos;
    EXPECT_EQ(reader.Sniff(h.head, h.path), own) << h.path;
    accepted += own;
  }
  EXPECT_EQ(accepted, 560);
  EXPECT_FALSE(reader.Sniff("[]", "2025-01-01.json"));
  EXPECT_FALSE(reader.Sniff(R"([{"scope": "http://export.arxiv.org", "paper": 1}])", ""));
  EXPECT_FALSE(reader.Sniff(R"({"2401.00001": {"title": "x"}})", ""));
  EXPECT_TRUE(reader.Sniff(R"([{"paper": {"id": "2401.00001", "authors": [{"name": "A)", ""));
  EXPECT_FALSE(reader.Sniff(R"([{"paper": "2401.00001", "numComments": 3}])", ""));
  EXPECT_FALSE(
      reader.Sniff(R"([{"title": "x", "paper": {"id": "2401.00001", "upvotes": 1}}])", ""));
}

TEST(HfDailyJson, DetectedByTheRegistry) {
  auto readers = AllReaders();
  for (std::string name :
       {"daily/2025-06-02.json", "daily/2024-12-11.json", "daily/2025-01-10.json",
        "scraped/mwoedlinger-PaperExplorer__papers_2023-11_to_2024-04.json"}) {
    std::string path = DataDir(kFolder) + "/" + name;
    auto source = ByteSource::Open(path);
    ASSERT_TRUE(source);
    auto head = (*source)->Peek(64 << 10);
    ASSERT_TRUE(head);
    Reader* r = DetectReader(readers, *head, path);
    ASSERT_NE(r, nullptr) << name;
    EXPECT_EQ(r->Name(), "hf-daily-json") << name;
  }
}

const char kGoodItem[] =
    R"({"paper": {"id": "2406.00001", "authors": [{"name": "A. B\\\"ohm", "hidden": false}],)"
    R"( "publishedAt": "2024-05-31T17:59:01.000Z", "submittedOnDailyAt": "2024-06-03T01:02:03.456Z",)"
    R"( "title": "Good\n  one", "summary": " S. ", "upvotes": 7.0, "githubRepo": "github.com/x/y",)"
    R"( "projectPage": "https://example.org/p", "githubStars": 3,)"
    R"( "submittedOnDailyBy": {"user": "alice", "fullname": "Alice A."}}, "numComments": 2})";

TEST(HfDailyJson, RejectsBadItemsAndKeepsTheGoodOnes) {
  std::string doc = "[";
  doc += kGoodItem;                                                                // 0
  doc += R"(, "{'paper': {'id': '2406.00002', 'title': 'cut)";                     // 1
  doc += "\", 42";                                                                 // 2
  doc += R"(, {"paper": {"id": "2406.0000x", "title": "Bad id"}})";                // 3
  doc += R"(, {"paper": {"id": "2406.00004"}})";                                   // 4
  doc += ", {\"paper\": {\"id\": \"2406.00005\", \"title\": \"Bad \xfe byte\"}}";  // 5
  doc += R"(, "{'paper': {'id': '2406.00006', 'title': 'Repr', 'upvotes': 9, 'authors': [)"
         R"({'name': 'C. D', 'hidden': False}], 'publishedAt': '2024-06-01T00:00:00.000Z'},)"
         R"( 'numComments': 1, 'submittedBy': {'name': 'bob', 'fullname': 'Bob B.'}}")";  // 6
  doc += ", \"{'paper': {'id': '2406.00007', 'title': 'Bad \xc0 repr'}}\"";               // 7
  doc += R"(, "[1, 2]")";                                                                 // 8
  doc += "]";
  HfDailyJsonReader reader;
  CollectingSink sink;
  auto status = ReadString(reader, doc, "/x/2024-06-03.json", sink);
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_THAT(DailyIds(sink), ElementsAre("2406.00001", "2406.00006"));
  EXPECT_THAT(RejectIndexes(sink), ElementsAre(1, 2, 3, 4, 5, 7, 8));
  ASSERT_EQ(sink.rejects.size(), 7u);
  EXPECT_EQ(sink.rejects[0].pos.file, "/x/2024-06-03.json");
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("unparseable Python repr"));
  EXPECT_THAT(sink.rejects[2].reason, HasSubstr("2406.0000x"));
  EXPECT_EQ(sink.rejects[3].reason, "missing title");
  EXPECT_EQ(sink.rejects[4].reason, "invalid UTF-8");
  EXPECT_EQ(sink.rejects[5].reason, "invalid UTF-8");

  const auto& [e, p] = sink.daily[0];
  EXPECT_EQ(e.date, "2024-06-03");
  EXPECT_EQ(e.upvotes, 7);
  EXPECT_EQ(e.num_comments, 2);
  EXPECT_EQ(e.github_repo, "");  // not an http(s) URL
  EXPECT_EQ(e.github_stars, 3);
  EXPECT_EQ(e.project_page, "https://example.org/p");
  EXPECT_EQ(e.submitted_by, "alice");
  EXPECT_EQ(e.submitted_at, "2024-06-03T01:02:03Z");
  EXPECT_EQ(p.title, "Good one");
  EXPECT_EQ(p.abstract, "S.");
  EXPECT_THAT(p.authors, ElementsAre("A. Böhm"));
  EXPECT_EQ(p.submitted, "2024-05-31T17:59:01Z");

  const auto& repr = sink.daily[1];
  EXPECT_EQ(repr.entry.upvotes, 9);
  EXPECT_EQ(repr.entry.submitted_by, "bob");
  EXPECT_THAT(repr.paper.authors, ElementsAre("C. D"));
}

TEST(HfDailyJson, ListDateComesFromTheDocumentNameOrSubmission) {
  EXPECT_EQ(HfListDateFromPath("/d/daily/2025-06-02.json"), "2025-06-02");
  EXPECT_EQ(HfListDateFromPath("2025-01-08__2025-01-09T042026__4afe37a9ac.json"), "2025-01-08");
  EXPECT_EQ(HfListDateFromPath("https://huggingface.co/api/daily_papers?date=2025-06-02"),
            "2025-06-02");
  EXPECT_EQ(HfListDateFromPath("/d/papers.json"), "");
  EXPECT_EQ(HfListDateFromPath("/d/2025-02-30.json"), "");
  EXPECT_EQ(HfListDateFromPath("/2025-01-01/x.json"), "");

  // No date in the name: the UTC day of submittedOnDailyAt; without that,
  // only the paper.
  std::string doc = "[";
  doc += kGoodItem;
  doc +=
      R"(, {"paper": {"id": "2406.00009", "title": "Undated", "upvotes": 1}, "numComments": 0}])";
  HfDailyJsonReader reader;
  CollectingSink sink;
  ASSERT_TRUE(ReadString(reader, doc, "body.json", sink));
  ASSERT_EQ(sink.daily.size(), 1u);
  EXPECT_EQ(sink.daily[0].entry.date, "2024-06-03");
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_EQ(sink.papers[0].id, "2406.00009");
  EXPECT_TRUE(sink.rejects.empty());
}

TEST(HfDailyJson, WholeDocumentFailures) {
  HfDailyJsonReader reader;
  CollectingSink sink;
  EXPECT_TRUE(ReadString(reader, "", "empty.json", sink));
  EXPECT_TRUE(ReadString(reader, "[]", "2025-01-01.json", sink));
  EXPECT_TRUE(sink.daily.empty() && sink.papers.empty() && sink.rejects.empty());

  std::string truncated = "[";
  truncated += kGoodItem;
  truncated += R"(, {"paper": {"id": "2406.00002", "title": "cu)";
  auto status = ReadString(reader, truncated, "cut.json", sink);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kParse);
  EXPECT_THAT(status.error().message, HasSubstr("cut.json"));

  EXPECT_FALSE(ReadString(reader, "not json at all", "x.json", sink));
  EXPECT_FALSE(ReadString(reader, R"({"status": "ok"})", "x.json", sink));
  EXPECT_FALSE(ReadString(reader, "42", "x.json", sink));
  EXPECT_TRUE(sink.daily.empty() && sink.papers.empty());
}

}  // namespace
}  // namespace paperpulse::ingest
