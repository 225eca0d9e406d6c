#include "paperpulse/ingest/store_sink.h"

#include <gtest/gtest.h>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/importer.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::ingest {
namespace {

Paper Valid() {
  Paper p;
  p.id = "arXiv:2405.04517v2";
  p.title = "  A  title\n  over two lines ";
  p.abstract = "\n  Abstract with $x<y$.  \n";
  p.authors = {" Ada  Lovelace ", "", "Alan Turing"};
  return p;
}

TEST(ValidatePaper, NormalisesWhiteSpaceAndId) {
  Paper p = Valid();
  EXPECT_EQ(ValidatePaper(p), std::nullopt);
  EXPECT_EQ(p.id, "2405.04517");
  EXPECT_EQ(p.title, "A title over two lines");
  EXPECT_EQ(p.abstract, "Abstract with $x<y$.");
  EXPECT_EQ(p.authors, (std::vector<std::string>{"Ada Lovelace", "Alan Turing"}));
}

TEST(ValidatePaper, KeepsOnlyArxivShapedCategories) {
  Paper p = Valid();
  p.categories = {"cs.LO",          "03B70, 68Q99 F.4.1; F.4.m; K.2",
                  "hep-th",         "cond-mat.stat-mech",
                  "q-bio.QM",       "F.4.1",
                  "physics.acc-ph", "math.GT"};
  EXPECT_EQ(ValidatePaper(p), std::nullopt);
  EXPECT_EQ(p.categories, (std::vector<std::string>{"cs.LO", "hep-th", "cond-mat.stat-mech",
                                                    "q-bio.QM", "physics.acc-ph", "math.GT"}));
}

TEST(ValidatePaper, RejectsWithReasons) {
  auto reason = [](auto mutate) {
    Paper p = Valid();
    mutate(p);
    return ValidatePaper(p).value_or("");
  };
  EXPECT_NE(reason([](Paper& p) { p.id = "2413.00001"; }).find("2413.00001"), std::string::npos);
  EXPECT_NE(reason([](Paper& p) { p.title = "   "; }).find("missing title"), std::string::npos);
  EXPECT_NE(reason([](Paper& p) { p.title = std::string(10 << 20, 'x'); }).find("title too long"),
            std::string::npos);
  EXPECT_NE(
      reason([](Paper& p) { p.title = "bad \xff byte"; }).find("invalid UTF-8 in title at byte 4"),
      std::string::npos);
  EXPECT_NE(reason([](Paper& p) { p.abstract = std::string("nul\0here", 8); }).find("NUL"),
            std::string::npos);
  EXPECT_NE(reason([](Paper& p) {
              p.versions = {{0, "", ""}};
            }).find("version"),
            std::string::npos);
}

TEST(ValidateDailyEntry, ChecksDateAndDropsNonHttpUrls) {
  DailyEntry e;
  e.date = "2026-6-3";
  e.github_repo = "javascript:alert(1)";
  e.project_page = "https://example.org/p";
  EXPECT_EQ(ValidateDailyEntry(e), std::nullopt);
  EXPECT_EQ(e.date, "2026-06-03");
  EXPECT_EQ(e.github_repo, "");
  EXPECT_EQ(e.project_page, "https://example.org/p");
  e.date = "2026-02-30";
  EXPECT_TRUE(ValidateDailyEntry(e).has_value());
}

class ImporterTest : public ::testing::TestWithParam<std::string> {};

// The bundled sample through the whole pipeline on every backend; a second
// run changes nothing.
TEST_P(ImporterTest, SampleImportsIdempotently) {
  storage::testing::TempDatabase db(GetParam());
  auto store = db.Open();
  ImportOptions options;
  options.reject_log = nullptr;
  Importer first(*store, options);
  ASSERT_TRUE(first.ImportPaths({paperpulse::testing::SourceDir() + "/share/sample"}));
  EXPECT_EQ(first.summary().failed.size(), 0u);
  EXPECT_EQ(first.summary().total.rejected, 0);
  EXPECT_GT(first.summary().total.inserted, 300);
  auto s1 = *store->Stats();
  EXPECT_GT(s1.daily_entries, 150);

  Importer second(*store, options);
  ASSERT_TRUE(second.ImportPaths({paperpulse::testing::SourceDir() + "/share/sample"}));
  EXPECT_EQ(second.summary().total.inserted, 0);
  EXPECT_EQ(second.summary().total.updated, 0);
  EXPECT_EQ(second.summary().total.read, first.summary().total.read);
  auto s2 = *store->Stats();
  EXPECT_EQ(s2.papers, s1.papers);
  EXPECT_EQ(s2.change_seq, s1.change_seq);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImporterTest,
                         ::testing::ValuesIn(storage::testing::BackendsUnderTest()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace paperpulse::ingest
