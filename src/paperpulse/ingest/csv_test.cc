#include "paperpulse/ingest/csv.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/collecting_sink.h"

namespace paperpulse::ingest {
namespace {

using Fields = std::vector<std::string>;

struct Got {
  std::vector<Fields> records;
  std::vector<int64_t> lines;
  std::vector<std::string> bad;  // "line: reason"
};

Got ReadAllRecords(std::string data, CsvOptions options = {}) {
  auto source = ByteSource::FromString(std::move(data), "t.csv");
  CsvReader reader(*source, options);
  Got got;
  while (true) {
    auto outcome = reader.Next();
    EXPECT_TRUE(outcome.has_value());
    if (!outcome || *outcome == CsvReader::Outcome::kEnd) break;
    if (*outcome == CsvReader::Outcome::kBadRecord) {
      got.bad.push_back(std::to_string(reader.record_line()) + ": " + reader.bad_reason());
    } else {
      got.records.push_back(reader.fields());
      got.lines.push_back(reader.record_line());
    }
  }
  return got;
}

TEST(CsvReaderTest, PlainRecordsAndLineNumbers) {
  Got g = ReadAllRecords("a,b,c\n1,2,3\n,,\n");
  ASSERT_EQ(g.records.size(), 3u);
  EXPECT_EQ(g.records[1], (Fields{"1", "2", "3"}));
  EXPECT_EQ(g.records[2], (Fields{"", "", ""}));
  EXPECT_EQ(g.lines, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(g.bad.empty());
}

TEST(CsvReaderTest, QuotedNewlinesAndDoubledQuotes) {
  Got g = ReadAllRecords(
      "id,title\n"
      "1,\"two\nline \"\"quoted\"\" title\"\n"
      "2,\"a, b\"\n"
      "3,\"\"\n");
  ASSERT_EQ(g.records.size(), 4u);
  EXPECT_EQ(g.records[1], (Fields{"1", "two\nline \"quoted\" title"}));
  EXPECT_EQ(g.records[2], (Fields{"2", "a, b"}));
  EXPECT_EQ(g.records[3], (Fields{"3", ""}));
  // The record after a two-line record starts on line 4.
  EXPECT_EQ(g.lines, (std::vector<int64_t>{1, 2, 4, 5}));
}

TEST(CsvReaderTest, CrlfBomBlankLinesAndNoFinalNewline) {
  Got g = ReadAllRecords("\xEF\xBB\xBFh1,h2\r\n\r\nx,\"y\r\nz\"\r\n\nlast,row");
  ASSERT_EQ(g.records.size(), 3u);
  EXPECT_EQ(g.records[0], (Fields{"h1", "h2"}));  // no BOM in the first name
  EXPECT_EQ(g.records[1], (Fields{"x", "y\r\nz"}));
  EXPECT_EQ(g.records[2], (Fields{"last", "row"}));
  EXPECT_EQ(g.lines, (std::vector<int64_t>{1, 3, 6}));
}

TEST(CsvReaderTest, LenientQuotesLikePython) {
  Got g = ReadAllRecords("\"ab\"c,d\"e\n");
  ASSERT_EQ(g.records.size(), 1u);
  EXPECT_EQ(g.records[0], (Fields{"abc", "d\"e"}));
}

TEST(CsvReaderTest, UnterminatedQuoteAtEof) {
  Got g = ReadAllRecords("a,b\n1,2\n3,\"never closed\n4,5\n");
  ASSERT_EQ(g.records.size(), 2u);
  ASSERT_EQ(g.bad.size(), 1u);
  EXPECT_EQ(g.bad[0], "3: unterminated quoted field");
}

TEST(CsvReaderTest, EmptyInput) {
  EXPECT_TRUE(ReadAllRecords("").records.empty());
  EXPECT_TRUE(ReadAllRecords("\n\r\n").records.empty());
  EXPECT_TRUE(ReadAllRecords("\xEF\xBB\xBF").records.empty());
}

TEST(CsvReaderTest, InvalidUtf8IsABadRecordAndReadingGoesOn) {
  Got g = ReadAllRecords("a,b\nok,\xC3\x28\nnext,row\n");
  ASSERT_EQ(g.records.size(), 2u);
  EXPECT_EQ(g.records[1], (Fields{"next", "row"}));
  ASSERT_EQ(g.bad.size(), 1u);
  EXPECT_EQ(g.bad[0], "2: invalid UTF-8 in field 2");
}

TEST(CsvReaderTest, HugeFieldIsRejectedInLinearTime) {
  // 10 MB quoted field with embedded newlines, between two good records.
  std::string big(10 << 20, 'x');
  for (size_t i = 1000; i < big.size(); i += 1000) big[i] = '\n';
  std::string data = "a,b\n1,\"" + big + "\"\n2,after\n";
  auto start = std::chrono::steady_clock::now();
  Got g = ReadAllRecords(data);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(g.records.size(), 2u);
  EXPECT_EQ(g.records[1], (Fields{"2", "after"}));
  ASSERT_EQ(g.bad.size(), 1u);
  EXPECT_EQ(g.bad[0], "2: field 2 is longer than 2097152 bytes");
  // Line counting went on through the skipped field.
  EXPECT_EQ(g.lines[1], 3 + static_cast<int64_t>((10 << 20) / 1000));
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 5);

  // Unquoted too: a 10 MB line.
  Got u = ReadAllRecords("a\n" + std::string(10 << 20, 'y') + "\nz\n");
  ASSERT_EQ(u.records.size(), 2u);
  EXPECT_EQ(u.records[1], (Fields{"z"}));
  EXPECT_EQ(u.bad, (std::vector<std::string>{"2: field 1 is longer than 2097152 bytes"}));
}

TEST(CsvReaderTest, ManyFieldsAreBoundedByRecordLimit) {
  CsvOptions options;
  options.max_record_bytes = 1000;
  Got g = ReadAllRecords(std::string(100000, ',') + "\nok\n", options);
  EXPECT_EQ(g.bad, (std::vector<std::string>{"1: record is longer than 1000 bytes"}));
  ASSERT_EQ(g.records.size(), 1u);
  EXPECT_EQ(g.records[0], (Fields{"ok"}));
}

TEST(CsvReaderTest, RecordsSpanningChunkBoundaries) {
  // Fields and quotes straddle the 64 KiB read chunks.
  std::string data;
  std::vector<Fields> want;
  for (int i = 0; i < 3000; ++i) {
    std::string a = std::string(static_cast<size_t>(i % 97), 'a') + std::to_string(i);
    std::string b =
        "q\"" + std::to_string(i) + "\n" + std::string(static_cast<size_t>(i % 53), 'b');
    data += a + ",\"" + std::string("q\"\"") + std::to_string(i) + "\n" +
            std::string(static_cast<size_t>(i % 53), 'b') + "\"\r\n";
    want.push_back({a, b});
  }
  Got g = ReadAllRecords(data);
  EXPECT_EQ(g.records, want);
  EXPECT_EQ(g.lines.back(), 2 * 2999 + 1);
}

TEST(CsvHeaderTest, SniffAndDataColumns) {
  auto h = SniffCsvHeader("\xEF\xBB\xBF,id,\"title\"\r\n1,2,3");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(*h, (Fields{"", "id", "title"}));
  EXPECT_EQ(DataColumns(*h), (Fields{"id", "title"}));
  EXPECT_EQ(DataColumns({"Unnamed: 0.1", "Unnamed: 0", "Arxiv_ID"}), (Fields{"Arxiv_ID"}));
  EXPECT_FALSE(SniffCsvHeader("").has_value());
  EXPECT_FALSE(SniffCsvHeader("\"open quote, never closed").has_value());
  // Cut mid-header: what there is.
  EXPECT_EQ(*SniffCsvHeader("a,b,ti"), (Fields{"a", "b", "ti"}));
  CsvHeader header({"x", "y", "x"});
  EXPECT_EQ(header.Find("x"), 0);
  EXPECT_EQ(header.Find("y"), 1);
  EXPECT_EQ(header.Find("z"), -1);
}

TEST(ReadCsvRecordsTest, RejectsWithPositionsAndGoesOn) {
  auto source = ByteSource::FromString(
      "a,b\n"
      "1,2\n"
      "only-one\n"
      "3,\"multi\nline\"\n"
      "4,5,6\n"
      "7,8\n",
      "m.csv");
  CollectingSink sink;
  std::vector<std::string> seen;
  auto status = ReadCsvRecords(
      *source, sink,
      [](const CsvHeader& h) { return h.Find("b") == 1 ? Ok() : Fail(ErrorCode::kParse, "no b"); },
      [&](const Fields& f, const SourcePos& pos) { seen.push_back(f[0] + "@" + pos.ToString()); });
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(seen, (std::vector<std::string>{"1@m.csv:2", "3@m.csv:4", "7@m.csv:7"}));
  ASSERT_EQ(sink.rejects.size(), 2u);
  EXPECT_EQ(sink.rejects[0].pos.ToString(), "m.csv:3");
  EXPECT_EQ(sink.rejects[0].reason, "expected 2 columns, got 1");
  EXPECT_EQ(sink.rejects[1].pos.ToString(), "m.csv:6");
  EXPECT_EQ(sink.rejects[1].reason, "expected 2 columns, got 3");
}

TEST(ReadCsvRecordsTest, HeaderErrorsAndEmptyFile) {
  CollectingSink sink;
  auto never = [](const Fields&, const SourcePos&) { ADD_FAILURE() << "no record expected"; };
  auto source = ByteSource::FromString("x,y\n1,2\n", "wrong.csv");
  auto status = ReadCsvRecords(
      *source, sink, [](const CsvHeader&) -> Status { return Fail(ErrorCode::kParse, "not mine"); },
      never);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message, "not mine");

  auto empty = ByteSource::FromString("", "empty.csv");
  status = ReadCsvRecords(
      *empty, sink, [](const CsvHeader&) { return Ok(); }, never);
  EXPECT_TRUE(status.has_value());
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].reason, "empty file: no CSV header row");
  EXPECT_EQ(sink.rejects[0].pos.file, "empty.csv");
}

// The real files parse into the record counts of their PROVENANCE.md, with
// the column counts the validation found.
TEST(CsvReaderTest, RealFilesRecordCounts) {
  struct Case {
    std::string path;
    size_t records;
    size_t columns;
  };
  const std::string d = testing::SharedDataDir();
  const Case cases[] = {
      {d + "/arxiv-kaggle-csv/gechhai__arxiv_data_head2000.csv", 2000, 14},
      {d + "/arxiv-abstracts-csv/AmirYunus__arxiv_lite.csv", 1550, 6},
      {d + "/arxiv-abstracts-csv/albertoMontero__arxiv-cs_sample.csv", 100, 4},
      {d + "/arxiv-abstracts-csv/tiagoft__arxiv_data_keras-style.csv", 1000, 5},
      {d + "/github-stars-csv/We00001-GithubStars__arxiv.csv", 1238, 4},
      {d + "/github-stars-csv/We00001-GithubStars__githublink.csv", 747, 5},
      {d + "/github-stars-csv/We00001-GithubStars__star.csv", 747, 12},
      {d + "/paper-popularity-csv/rmovva__top_50_cited_papers_from_2023.csv", 50, 24},
      {d + "/paper-popularity-csv/rmovva__top_5_papers_per_3month_interval.csv", 115, 22},
  };
  for (const Case& c : cases) {
    auto source = ByteSource::Open(c.path);
    ASSERT_TRUE(source.has_value()) << source.error().ToString();
    CsvReader reader(**source);
    size_t n = 0;
    while (true) {
      auto outcome = reader.Next();
      ASSERT_TRUE(outcome.has_value());
      if (*outcome == CsvReader::Outcome::kEnd) break;
      ASSERT_EQ(*outcome, CsvReader::Outcome::kRecord)
          << c.path << ":" << reader.record_line() << ": " << reader.bad_reason();
      EXPECT_EQ(reader.fields().size(), c.columns) << c.path << ":" << reader.record_line();
      ++n;
    }
    EXPECT_EQ(n, c.records + 1) << c.path;  // + header
  }
}

}  // namespace
}  // namespace paperpulse::ingest
