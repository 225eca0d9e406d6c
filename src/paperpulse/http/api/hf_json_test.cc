#include "paperpulse/http/api/hf_json.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

Paper TestPaper() {
  Paper p;
  p.id = "2606.26740";
  p.title = "A title";
  p.abstract = "An abstract with $x<y$.";
  p.authors = {"Ada Lovelace"};
  p.categories = {"cs.CL", "cs.LG"};
  p.submitted = "2026-06-25T00:00:00Z";
  return p;
}

// An entry as Hugging Face's file of 2026-06-30 gives it, with the fields
// only some items carry.
DailyEntry HfEntry() {
  DailyEntry e;
  e.date = "2026-06-30";
  e.paper_id = "2606.26740";
  e.submitted_by = "akhaliq";
  e.submitted_at = "2026-06-30T08:01:02Z";
  e.upvotes = 12;
  e.num_comments = 3;
  e.published_at = "2026-06-24T20:00:00Z";
  e.organization = "Tsinghua";
  e.organization_fullname = "Tsinghua University";
  e.ai_summary = "A short summary.";
  e.ai_keywords = {"speech", "tokens"};
  return e;
}

std::string PaperJson(const Paper& paper, const PaperListing& listing) {
  JsonWriter w;
  WriteHfPaper(w, paper, listing);
  return w.Take();
}

TEST(HfJson, PaperCarriesOrganizationAndAiFieldsOnlyWhenTheEntryHasThem) {
  PaperListing listing{HfEntry()};
  std::string with = PaperJson(TestPaper(), listing);
  EXPECT_NE(with.find(R"("organization":{"name":"Tsinghua","fullname":"Tsinghua University"})"),
            std::string::npos)
      << with;
  EXPECT_NE(with.find(R"("ai_summary":"A short summary.")"), std::string::npos) << with;
  EXPECT_NE(with.find(R"("ai_keywords":["speech","tokens"])"), std::string::npos) << with;
  // The paper's own publication, not the item's.
  EXPECT_NE(with.find(R"("publishedAt":"2026-06-25T00:00:00.000Z")"), std::string::npos) << with;

  DailyEntry plain = HfEntry();
  plain.organization.clear();
  plain.organization_fullname.clear();
  plain.ai_summary.clear();
  plain.ai_keywords.clear();
  std::string without = PaperJson(TestPaper(), PaperListing{plain});
  for (const char* key : {"organization", "ai_summary", "ai_keywords"}) {
    EXPECT_EQ(without.find(key), std::string::npos) << key << " in " << without;
  }
  EXPECT_EQ(PaperJson(TestPaper(), PaperListing{}).find("organization"), std::string::npos);
}

TEST(HfJson, OrganizationWithoutDisplayNameShowsItsAccountName) {
  DailyEntry e = HfEntry();
  e.organization_fullname.clear();
  std::string json = PaperJson(TestPaper(), PaperListing{e});
  EXPECT_NE(json.find(R"("organization":{"name":"Tsinghua","fullname":"Tsinghua"})"),
            std::string::npos)
      << json;
}

TEST(HfJson, DailyItemPublishedAtIsTheEntrysOwnElseThePapers) {
  JsonWriter w;
  WriteHfDailyItem(w, DailyItem{HfEntry(), TestPaper()});
  std::string item = w.Take();
  // The item-level value follows the paper object (and its own publishedAt).
  size_t paper_end = item.find(R"(},"publishedAt":)");
  ASSERT_NE(paper_end, std::string::npos) << item;
  std::string_view expected = R"(},"publishedAt":"2026-06-24T20:00:00.000Z",)";
  EXPECT_EQ(item.compare(paper_end, expected.size(), expected), 0) << item;
  EXPECT_NE(item.find(R"("submittedBy":{"name":"akhaliq"},"organization":{"name":"Tsinghua")"),
            std::string::npos)
      << item;

  DailyEntry old = HfEntry();
  old.published_at.clear();
  old.organization.clear();
  JsonWriter w2;
  WriteHfDailyItem(w2, DailyItem{old, TestPaper()});
  std::string item2 = w2.Take();
  EXPECT_NE(item2.find(R"(},"publishedAt":"2026-06-25T00:00:00.000Z",)"), std::string::npos)
      << item2;
  EXPECT_EQ(item2.find("organization"), std::string::npos) << item2;
}

TEST(HfJson, SearchItemPaperIsThePaperObjectByteForByte) {
  PaperListing listing{HfEntry()};
  JsonWriter w;
  WriteHfSearchItem(w, TestPaper(), listing, 1.5, "An <mark>abstract</mark>");
  std::string item = w.Take();
  std::string prefix = R"({"paper":)" + PaperJson(TestPaper(), listing) + ",";
  EXPECT_EQ(item.substr(0, prefix.size()), prefix);
  std::string rest = item.substr(prefix.size());
  EXPECT_EQ(rest, R"("publishedAt":"2026-06-24T20:00:00.000Z","title":"A title",)"
                  R"("summary":"An abstract with $x\u003cy$.","numComments":3,)"
                  R"("submittedBy":{"name":"akhaliq"},)"
                  R"("organization":{"name":"Tsinghua","fullname":"Tsinghua University"},)"
                  R"("categories":["cs.CL","cs.LG"],"score":1.5,)"
                  R"("snippet":"An \u003cmark\u003eabstract\u003c/mark\u003e"})");
}

TEST(HfJson, UnlistedSearchItemHasNoSubmitterAndShowsLocalCounts) {
  PaperListing listing;
  listing.unlisted_upvotes = 4;
  listing.unlisted_comments = 2;
  JsonWriter w;
  WriteHfSearchItem(w, TestPaper(), listing, 0.25, "");
  std::string item = w.Take();
  EXPECT_EQ(item.find("submittedBy"), std::string::npos) << item;
  EXPECT_EQ(item.find("submittedOnDailyAt"), std::string::npos) << item;
  EXPECT_NE(item.find(R"("upvotes":4,"numComments":2})"), std::string::npos) << item;
  EXPECT_NE(item.find(R"("publishedAt":"2026-06-25T00:00:00.000Z","title")"), std::string::npos)
      << item;
  EXPECT_NE(item.find(R"("numComments":2,"categories")"), std::string::npos) << item;
}

}  // namespace
}  // namespace paperpulse::http
