#include "paperpulse/http/paper_markdown.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Paper MakePaper() {
  Paper p;
  p.id = "2606.26740";
  p.title = "Scaling $\\mathcal{O}(n^2)$ Attention";
  p.authors = {"Ada Lovelace", "Alan Turing"};
  p.categories = {"cs.CL", "cs.LG"};
  p.submitted = "2026-06-25T17:59:01Z";
  p.updated = "2026-06-27T10:00:00Z";
  p.abstract =
      "We study $x_i^2 + \\alpha_{*}$ and $$\\sum_{k=1}^n k$$ with *no* escaping.\n"
      "    An indented second line.";
  return p;
}

DailyEntry Entry(std::string date, int64_t upvotes) {
  DailyEntry e;
  e.date = std::move(date);
  e.paper_id = "2606.26740";
  e.upvotes = upvotes;
  return e;
}

TEST(PaperMarkdownTest, WritesTitleAuthorsLinksAndAbstractWithTexVerbatim) {
  std::string md = PaperMarkdown(MakePaper(), {}, "https://papers.example.org");
  EXPECT_THAT(md, StartsWith("# Scaling $\\mathcal{O}(n^2)$ Attention\n\n"));
  EXPECT_THAT(md, HasSubstr("**Authors:** Ada Lovelace, Alan Turing\n"));
  EXPECT_THAT(md, HasSubstr("[2606.26740](https://arxiv.org/abs/2606.26740)"));
  EXPECT_THAT(md, HasSubstr("[PDF](https://arxiv.org/pdf/2606.26740)"));
  EXPECT_THAT(md, HasSubstr("- **Paper page:** <https://papers.example.org/papers/2606.26740>\n"));
  EXPECT_THAT(md, HasSubstr("- **Categories:** cs.CL (primary), cs.LG\n"));
  EXPECT_THAT(md, HasSubstr("- **Published:** 2026-06-25\n"));
  EXPECT_THAT(md, HasSubstr("- **Updated:** 2026-06-27\n"));
  // The TeX exactly as stored; leading white space of a line dropped.
  EXPECT_THAT(md, EndsWith("## Abstract\n\n"
                           "We study $x_i^2 + \\alpha_{*}$ and $$\\sum_{k=1}^n k$$ with *no* "
                           "escaping.\nAn indented second line.\n"));
  // Unlisted: no community lines, no AI sections.
  EXPECT_THAT(md, Not(HasSubstr("Upvotes")));
  EXPECT_THAT(md, Not(HasSubstr("AI summary")));
  EXPECT_THAT(md, Not(HasSubstr("Organization")));
}

TEST(PaperMarkdownTest, MissingFieldsAreLeftOut) {
  Paper p;
  p.id = "hep-th/9901001";
  std::string md = PaperMarkdown(p, {}, "");
  EXPECT_THAT(md, StartsWith("# arXiv:hep-th/9901001\n\n"));
  EXPECT_THAT(md, HasSubstr("[hep-th/9901001](https://arxiv.org/abs/hep-th/9901001)"));
  EXPECT_THAT(md, Not(HasSubstr("Authors")));
  EXPECT_THAT(md, Not(HasSubstr("Categories")));
  EXPECT_THAT(md, Not(HasSubstr("Published")));
  EXPECT_THAT(md, Not(HasSubstr("Paper page")));  // no base_url
  EXPECT_THAT(md, EndsWith("## Abstract\n\nNo abstract is known for this paper yet.\n"));
}

TEST(PaperMarkdownTest, ShowsListingsOrganisationAndAiSummaryOfTheNewestEntry) {
  DailyEntry newest = Entry("2026-06-30", 5);
  newest.num_comments = 2;
  newest.organization = "Tsinghua";
  newest.organization_fullname = "Tsinghua [University]";
  newest.ai_summary = "A method that scales.\n# not a heading";
  newest.ai_keywords = {"attention", "scaling laws"};
  newest.github_repo = "https://github.com/x/y";
  newest.github_stars = 1;
  DailyEntry older = Entry("2026-06-29", 9);
  older.organization = "Other";
  older.ai_summary = "An older summary.";
  std::string md = PaperMarkdown(MakePaper(), {newest, older}, "https://p.example");
  EXPECT_THAT(md, HasSubstr("- **Upvotes:** 9 · **Comments:** 2\n"));
  EXPECT_THAT(md, HasSubstr("- **Listed on:** 2026-06-30, 2026-06-29\n"));
  EXPECT_THAT(md, HasSubstr("- **GitHub:** <https://github.com/x/y> (1 star)\n"));
  EXPECT_THAT(md, HasSubstr("- **Organization:** [Tsinghua \\[University\\]]"
                            "(https://p.example/papers/org/Tsinghua)\n"));
  EXPECT_THAT(md, HasSubstr("## AI summary (from Hugging Face)\n\nA method that scales.\n"
                            "\\# not a heading\n"));
  EXPECT_THAT(md, HasSubstr("**AI keywords (from Hugging Face):** attention, scaling laws\n"));
  EXPECT_THAT(md, Not(HasSubstr("older summary")));
  // The summary comes before the abstract.
  EXPECT_LT(md.find("## AI summary"), md.find("## Abstract"));
}

TEST(PaperMarkdownTest, OrganisationWithoutFullnameOrBaseUrlIsPlainText) {
  DailyEntry e = Entry("2026-06-30", 1);
  e.organization = "nvidia";
  std::string md = PaperMarkdown(MakePaper(), {e}, "");
  EXPECT_THAT(md, HasSubstr("- **Organization:** nvidia\n"));
}

TEST(PaperMarkdownTest, TextCannotChangeTheDocumentsStructure) {
  Paper p = MakePaper();
  p.title = "Two\nlines";
  p.authors = {"Eve\n# Injected"};
  p.abstract = "# Heading?\nText\n===\n---\n```\ncode\n<script>x</script>\n- a list stays";
  std::string md = PaperMarkdown(p, {}, "");
  EXPECT_THAT(md, StartsWith("# Two lines\n"));
  EXPECT_THAT(md, HasSubstr("**Authors:** Eve # Injected\n"));
  EXPECT_THAT(md, EndsWith("## Abstract\n\n\\# Heading?\nText\n\\===\n\\---\n\\```\ncode\n"
                           "\\<script>x</script>\n- a list stays\n"));
}

TEST(PaperMarkdownTest, NewestExtrasTakesEachFromTheNewestEntryHavingIt) {
  DailyEntry a = Entry("2026-06-30", 1);
  DailyEntry b = Entry("2026-06-29", 1);
  b.organization = "UW";
  b.organization_fullname = "University of Washington";
  b.ai_keywords = {"k"};
  DailyEntry c = Entry("2026-06-28", 1);
  c.organization = "Old";
  c.ai_summary = "old";
  PaperExtras x = NewestExtras({a, b, c});
  EXPECT_EQ(x.organization, "UW");
  EXPECT_EQ(x.organization_fullname, "University of Washington");
  EXPECT_EQ(x.ai_summary, "");  // b's keywords come without a summary
  EXPECT_EQ(x.ai_keywords, std::vector<std::string>{"k"});
  EXPECT_EQ(NewestExtras({}).organization, "");
}

TEST(PrefersMarkdownTest, FollowsQValues) {
  EXPECT_TRUE(PrefersMarkdown("text/markdown"));
  EXPECT_TRUE(PrefersMarkdown("TEXT/Markdown; charset=utf-8"));
  EXPECT_TRUE(PrefersMarkdown("text/markdown, text/html;q=0.9"));
  EXPECT_TRUE(PrefersMarkdown("text/html;q=0.5, text/markdown;q=0.8"));
  EXPECT_TRUE(PrefersMarkdown("text/markdown, */*;q=0.1"));
  EXPECT_TRUE(PrefersMarkdown("text/markdown;q=1.000, text/*;q=0.2"));
  // Browsers and clients that ask for nothing in particular get HTML.
  EXPECT_FALSE(PrefersMarkdown(""));
  EXPECT_FALSE(PrefersMarkdown("*/*"));
  EXPECT_FALSE(PrefersMarkdown(
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"));
  EXPECT_FALSE(PrefersMarkdown("text/*"));
  EXPECT_FALSE(PrefersMarkdown("text/markdown, text/html"));  // a tie
  EXPECT_FALSE(PrefersMarkdown("text/markdown;q=0"));
  EXPECT_FALSE(PrefersMarkdown("text/markdown;q=0.5, text/html"));
  EXPECT_FALSE(PrefersMarkdown("application/json"));
  // The most specific range decides, wherever it stands.
  EXPECT_FALSE(PrefersMarkdown("*/*;q=0.9, text/markdown;q=0, text/html;q=0.1"));
  EXPECT_TRUE(PrefersMarkdown("text/html;q=0.1, */*"));
  // A malformed q-value drops its range.
  EXPECT_FALSE(PrefersMarkdown("text/markdown;q=2"));
  EXPECT_FALSE(PrefersMarkdown("text/markdown;q=abc"));
  EXPECT_FALSE(PrefersMarkdown("text/markdown;q=0.12345"));
}

}  // namespace
}  // namespace paperpulse::http
