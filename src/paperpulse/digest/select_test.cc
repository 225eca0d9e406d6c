#include "paperpulse/digest/select.h"

#include <gtest/gtest.h>

#include "paperpulse/digest/period.h"

namespace paperpulse::digest {
namespace {

Candidate Make(std::string id, std::string title, std::vector<std::string> cats, int64_t upvotes) {
  Candidate c;
  c.paper.id = std::move(id);
  c.paper.title = std::move(title);
  c.paper.categories = std::move(cats);
  c.entry.upvotes = upvotes;
  c.text = c.paper.title;
  for (char& ch : c.text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return c;
}

TEST(PeriodTest, DailyAndWeeklyKeysAndBounds) {
  auto d = PeriodEnding(DigestFrequency::kDaily, "2026-11-27");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->key, "daily/2026-11-27");
  EXPECT_EQ(d->first, "2026-11-27");
  EXPECT_EQ(d->label, "Fri 27 Nov 2026");
  auto w = PeriodEnding(DigestFrequency::kWeekly, "2026-11-27");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->key, "weekly/2026-W48");
  EXPECT_EQ(w->first, "2026-11-21");
  EXPECT_EQ(w->last, "2026-11-27");
  // Across a year boundary the ISO week belongs to the next year.
  EXPECT_EQ(PeriodEnding(DigestFrequency::kWeekly, "2026-12-31")->key, "weekly/2026-W53");
  EXPECT_EQ(PeriodEnding(DigestFrequency::kWeekly, "2027-01-01")->key, "weekly/2026-W53");
  EXPECT_FALSE(PeriodEnding(DigestFrequency::kDaily, "2026-02-30"));
}

TEST(PeriodTest, Weekdays) {
  EXPECT_EQ(WeekdayOf("2026-11-30"), 0);  // a Monday
  EXPECT_EQ(WeekdayOf("2026-11-27"), 4);
  EXPECT_EQ(WeekdayOf("1970-01-01"), 3);
  EXPECT_EQ(WeekdayOf("1969-12-28"), 6);
  EXPECT_EQ(ParseWeekday("fri"), 4);
  EXPECT_EQ(ParseWeekday("Sunday"), 6);
  EXPECT_EQ(ParseWeekday("frday"), -1);
}

TEST(SelectTest, CategoriesMatchWholeArchivesButNotPrefixesOfNames) {
  EXPECT_TRUE(InCategories({"cs.LG", "stat.ML"}, {}));
  EXPECT_TRUE(InCategories({"stat.ML", "cs.LG"}, {"cs"}));
  EXPECT_TRUE(InCategories({"astro-ph.GA"}, {"astro-ph"}));
  EXPECT_TRUE(InCategories({"hep-th"}, {"hep-th"}));
  EXPECT_FALSE(InCategories({"math-ph"}, {"math"}));
  EXPECT_FALSE(InCategories({"cs.LGX"}, {"cs.LG"}));
  EXPECT_FALSE(InCategories({}, {"cs"}));
}

TEST(SelectTest, KeywordsStartAtWordBoundaries) {
  EXPECT_TRUE(ContainsKeyword("scaling llms to long contexts", "LLM"));
  EXPECT_TRUE(ContainsKeyword("graph neural networks for molecules", "graph neural"));
  EXPECT_FALSE(ContainsKeyword("smallmouth bass", "llm"));
  EXPECT_TRUE(ContainsKeyword("(llm) agents", "llm"));
  EXPECT_FALSE(ContainsKeyword("anything", "  "));
}

TEST(SelectTest, MatcherFiltersAndKeepsOrder) {
  std::vector<Candidate> ranked = {Make("1", "LLM agents", {"cs.CL"}, 50),
                                   Make("2", "Galaxy clusters", {"astro-ph.GA"}, 40),
                                   Make("3", "Diffusion for LLM decoding", {"cs.LG"}, 3),
                                   Make("4", "LLM safety", {"cs.CL"}, 20)};
  Subscription s;
  s.categories = {"cs"};
  s.keywords = {"llm"};
  s.min_upvotes = 10;
  Matcher matcher(ranked);
  std::vector<std::string> ids;
  for (const Candidate* c : matcher.Matching(s, 10)) ids.push_back(c->paper.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "4"}));
  for (const Candidate* c : matcher.Matching(s, 10)) {
    EXPECT_TRUE(Matches(s, *c));  // the cached keyword hits agree with Matches
  }
  s.keywords = {"galaxy", "llm"};  // any of them
  s.categories.clear();
  s.min_upvotes = 0;
  ids.clear();
  for (const Candidate* c : matcher.Matching(s, 10)) ids.push_back(c->paper.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "2", "3", "4"}));
  Subscription all;
  EXPECT_EQ(matcher.Matching(all, 2).size(), 2u);
}

}  // namespace
}  // namespace paperpulse::digest
