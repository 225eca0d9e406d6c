#include "paperpulse/ingest/http_recording.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/arxiv_atom.h"
#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/oai_pmh.h"
#include "paperpulse/ingest/reader_test_util.h"
#include "paperpulse/ingest/readers.h"

namespace paperpulse::ingest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Data() { return testing::SharedDataDir(); }
std::string FixtureDir() { return Data() + "/arxiv-api-atom/arxiv.py-fixtures"; }
std::string NockDir() { return Data() + "/arxiv-oai-pmh-xml/paperhive-nock"; }

// Reads `path` through the registered reader, as the importer would.
CollectingSink ReadFile(const std::string& path) {
  return testing::ReadDetected(path, "http-recording");
}

// The arxiv.py golden files give exactly what their extracted bodies give.
TEST(HttpRecordingTest, ArxivPyFixturesMatchTheirBodies) {
  size_t files = 0;
  size_t papers = 0;
  for (const auto& entry : fs::directory_iterator(FixtureDir())) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::string json_path = entry.path().string();
    std::string xml_path = FixtureDir() + "/xml/" + entry.path().stem().string() + ".xml";
    CollectingSink from_json = ReadFile(json_path);
    CollectingSink from_xml;
    ASSERT_TRUE(ReadAtomFeed(testing::Slurp(xml_path), xml_path, from_xml).has_value()) << xml_path;
    EXPECT_EQ(from_json.papers, from_xml.papers) << json_path;
    ASSERT_EQ(from_json.rejects.size(), from_xml.rejects.size()) << json_path;
    for (size_t i = 0; i < from_json.rejects.size(); ++i) {
      EXPECT_EQ(from_json.rejects[i].reason, from_xml.rejects[i].reason);
      EXPECT_EQ(from_json.rejects[i].pos.file, json_path);
    }
    papers += from_json.papers.size();
  }
  EXPECT_EQ(files, 20u);
  EXPECT_EQ(papers, 221u);
}

TEST(HttpRecordingTest, Http400ErrorFeedIsReported) {
  CollectingSink sink = ReadFile(FixtureDir() + "/id_abc_s0_m100_b79c8dcf6bc3.json");
  EXPECT_TRUE(sink.papers.empty());
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("incorrect id format for abc"));
}

TEST(HttpRecordingTest, SingleIdLookup) {
  CollectingSink sink = ReadFile(FixtureDir() + "/id_1605.08386_s0_m100_199195aa31ad.json");
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_EQ(sink.papers[0].id, "1605.08386");
  EXPECT_EQ(sink.papers[0].latest_version, 1);
  EXPECT_TRUE(sink.rejects.empty());
  CollectingSink empty = ReadFile(FixtureDir() + "/id_0808.05394_s0_m100_7b0c7d0a7cdd.json");
  EXPECT_TRUE(empty.papers.empty());
  EXPECT_TRUE(empty.rejects.empty());
}

TEST(HttpRecordingTest, NockRecordings) {
  CollectingSink get = ReadFile(NockDir() + "/oaipmh-getrecord---should-get-a-record.json");
  ASSERT_EQ(get.papers.size(), 1u);
  EXPECT_EQ(get.papers[0].id, "1412.8544");
  EXPECT_TRUE(get.rejects.empty());

  // The first exchange is an HTTP 503 "retry after" page: no record, no error.
  CollectingSink list =
      ReadFile(NockDir() + "/oaipmh-listrecords---should-list-identifiers-from-arxiv.json");
  ASSERT_EQ(list.papers.size(), 2u);
  EXPECT_EQ(list.papers[0].id, "1412.8544");
  EXPECT_EQ(list.papers[1].id, "hep-th/9504118");
  EXPECT_TRUE(list.rejects.empty());

  for (const char* name : {
           "/oaipmh-identify---should-identify-arxiv.json",
           "/oaipmh-listidentifiers---should-list-identifiers-from-arxiv.json",
           "/oaipmh-listmetadataformats---should-list-metadata-formats-for-arxiv-id-1208-0264.json",
           "/oaipmh-listmetadataformats---should-list-metadata-formats-for-arxiv.json",
           "/oaipmh-listsets---should-list-arxiv-sets.json",
       }) {
    CollectingSink sink = ReadFile(NockDir() + name);
    EXPECT_TRUE(sink.papers.empty()) << name;
    EXPECT_TRUE(sink.rejects.empty()) << name;
  }
}

TEST(HttpRecordingTest, EmptyNockRecording) {
  // "[]" could be any JSON list: not claimed, but harmless when read.
  std::string path =
      NockDir() + "/oaipmh-listmetadataformats---should-fail-for-non-existent-arxiv-id-lolcat.json";
  std::string json = testing::Slurp(path);
  ASSERT_EQ(json, "[]");
  EXPECT_FALSE(LooksLikeHttpRecording(json));
  CollectingSink sink;
  EXPECT_TRUE(ReadHttpRecording(json, path, sink).has_value());
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
}

TEST(HttpRecordingTest, SniffIsSpecific) {
  auto reader = MakeHttpRecordingReader();
  EXPECT_EQ(reader->Name(), "http-recording");
  // A head cut inside the body still sniffs.
  std::string big = testing::Slurp(FixtureDir() + "/q_testing_s0_m100_cfe7536492ca.json");
  ASSERT_GT(big.size(), 65536u);
  EXPECT_TRUE(reader->Sniff(std::string_view(big).substr(0, 65536), "x.json"));
  size_t body = big.find("\"body\"");
  ASSERT_NE(body, std::string::npos);
  EXPECT_TRUE(reader->Sniff(std::string_view(big).substr(0, body + 20), "x.json"));
  // Cut before "body" is seen: not enough to tell.
  EXPECT_FALSE(reader->Sniff(std::string_view(big).substr(0, body), "x.json"));
  // Plain JSON data sets and the XML itself are not recordings.
  for (const std::string& path : {
           Data() + "/hf-daily-papers-json/daily/2024-05-27.json",
           Data() + "/hf-daily-papers-json/scraped/"
                    "mwoedlinger-PaperExplorer__papers_2023-11_to_2024-04.json",
           Data() + "/arxiv-kaggle-jsonl/wanng-ide__arxiv-metadata-oai-snapshot_head200.jsonl",
           Data() + "/arxiv-daily-listing-jsonl/dw-dengwei/dw-dengwei__2026-01-01.jsonl",
           FixtureDir() + "/xml/q_testing_s0_m10_bc5a6c384fe9.xml",
           NockDir() + "/xml/oaipmh-getrecord---should-get-a-record__0_status200.xml",
       }) {
    std::string head = testing::Slurp(path).substr(0, 65536);
    ASSERT_FALSE(head.empty()) << path;
    EXPECT_FALSE(reader->Sniff(head, path)) << path;
  }
  EXPECT_FALSE(reader->Sniff("", ""));
  EXPECT_FALSE(reader->Sniff("{\"status\": 200, \"body\": \"x\"}", ""));
  EXPECT_TRUE(
      reader->Sniff("\xEF\xBB\xBF {\"url\": \"u\", \"status_code\": 200, \"body\": \"", ""));
  // Keys nested deeper do not count.
  EXPECT_FALSE(reader->Sniff("{\"data\": {\"status_code\": 200, \"body\": \"\"}}", ""));
}

TEST(HttpRecordingTest, HandMadeExchanges) {
  std::string atom = testing::Slurp(FixtureDir() + "/xml/id_2104.12255v1_s0_m100_6ae69987ffe1.xml");
  ASSERT_FALSE(atom.empty());
  // JSON-escape the feed (it holds quotes and newlines).
  std::string escaped;
  for (char c : atom) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (c == '\n') {
      escaped.append("\\n");
      continue;
    }
    escaped.push_back(c);
  }
  std::string json =
      std::string("[") + "{\"scope\":\"s\",\"method\":\"GET\",\"status\":200,\"response\":\"" +
      escaped + "\"}," +
      "{\"scope\":\"s\",\"method\":\"GET\",\"status\":200,\"response\":\"<html/>\"}," +
      "{\"scope\":\"s\",\"method\":\"GET\",\"status\":503,\"response\":\"<html/>\"}," +
      "{\"scope\":\"s\",\"method\":\"GET\",\"status\":200,\"response\":{\"a\":1}}," +
      "{\"scope\":\"s\",\"method\":\"GET\",\"response\":\"\"}," +
      "{\"scope\":\"s\",\"method\":\"GET\",\"status\":200,\"response\":\"<OAI-PMH\"}" + "]";
  EXPECT_TRUE(LooksLikeHttpRecording(json));
  CollectingSink sink;
  ASSERT_TRUE(ReadHttpRecording(json, "rec.json", sink).has_value());
  ASSERT_EQ(sink.papers.size(), 1u);
  EXPECT_EQ(sink.papers[0].id, "2104.12255");
  // HTML with 200, JSON response, no status, broken OAI-PMH body; the 503 is silent.
  ASSERT_EQ(sink.rejects.size(), 4u);
  EXPECT_EQ(sink.rejects[0].pos.index, 1);
  EXPECT_THAT(sink.rejects[0].reason, HasSubstr("neither"));
  EXPECT_EQ(sink.rejects[1].pos.index, 3);
  EXPECT_EQ(sink.rejects[2].pos.index, 4);
  EXPECT_EQ(sink.rejects[3].pos.file, "rec.json[5]");
  EXPECT_THAT(sink.rejects[3].reason, HasSubstr("malformed XML"));
}

TEST(HttpRecordingTest, NotARecordingIsAnError) {
  CollectingSink sink;
  EXPECT_FALSE(ReadHttpRecording("", "empty", sink).has_value());
  EXPECT_FALSE(
      ReadHttpRecording("{\"url\": \"x\", \"status_code\": 200, \"bo", "cut", sink).has_value());
  EXPECT_FALSE(ReadHttpRecording("{\"url\": \"x\"}", "nokeys", sink).has_value());
  EXPECT_FALSE(ReadHttpRecording("\"just a string\"", "str", sink).has_value());
  EXPECT_FALSE(ReadHttpRecording("<feed/>", "xml", sink).has_value());
  EXPECT_TRUE(sink.papers.empty());
  EXPECT_TRUE(sink.rejects.empty());
}

}  // namespace
}  // namespace paperpulse::ingest
