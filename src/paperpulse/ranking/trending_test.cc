#include "paperpulse/ranking/trending.h"

#include <gtest/gtest.h>

#include <cmath>

#include "paperpulse/ranking/trending_constants.h"

namespace paperpulse::ranking {
namespace {

TEST(TrendingTest, MoreVotesRankHigherOnTheSameDay) {
  EXPECT_GT(TrendingScore({10, std::nullopt, "2026-06-01"}),
            TrendingScore({9, std::nullopt, "2026-06-01"}));
}

TEST(TrendingTest, NewerPapersRankHigherWithTheSameVotes) {
  EXPECT_GT(TrendingScore({10, std::nullopt, "2026-06-02"}),
            TrendingScore({10, std::nullopt, "2026-06-01"}));
}

TEST(TrendingTest, OneHalfLifeIsWorthDoubleTheWeightedVotes) {
  // log2(1 + v) + d / H: (2v+1) votes a half-life earlier tie with v a
  // half-life later.
  double later = TrendingScore({20, std::nullopt, "2026-06-08"});
  double earlier = TrendingScore({41, std::nullopt, "2026-06-01"});
  ASSERT_EQ(kHalfLifeDays, 7.0);
  EXPECT_NEAR(later, earlier, 1e-9);
}

TEST(TrendingTest, OrderDoesNotDependOnWhenItIsComputed) {
  // The property the stored scores rely on: the difference of two scores is
  // fixed, whatever "today" is.
  double a = TrendingScore({100, std::nullopt, "2026-05-01"});
  double b = TrendingScore({3, std::nullopt, "2026-06-01"});
  EXPECT_NEAR(a - b, std::log2(101.0) - std::log2(4.0) - 31.0 / kHalfLifeDays, 1e-9);
}

TEST(TrendingTest, StarsCountAtTheirWeight) {
  TrendingInputs with_stars{0, 200, "2026-06-01"};
  EXPECT_DOUBLE_EQ(WeightedVotes(with_stars), 200.0 / kStarsPerVote);
  EXPECT_DOUBLE_EQ(TrendingScore(with_stars), TrendingScore({10, std::nullopt, "2026-06-01"}));
  EXPECT_DOUBLE_EQ(WeightedVotes({5, 0, "2026-06-01"}), 5.0);
}

TEST(TrendingTest, NegativeVotesCountAsZeroAndBadDatesSink) {
  EXPECT_DOUBLE_EQ(WeightedVotes({-5, std::nullopt, ""}), 0.0);
  EXPECT_LT(TrendingScore({1000, std::nullopt, "not a date"}),
            TrendingScore({0, std::nullopt, "1990-01-01"}));
  // A full timestamp is read by its date.
  EXPECT_DOUBLE_EQ(TrendingScore({1, std::nullopt, "2026-06-01T10:00:00Z"}),
                   TrendingScore({1, std::nullopt, "2026-06-01"}));
}

TEST(TrendingTest, ExplanationNamesVotesAgeAndStars) {
  EXPECT_EQ(ExplainTrending({42, 1200, "2026-06-01"}, "2026-06-04"),
            "42 upvotes · 3 days old · 1,200 GitHub stars");
  EXPECT_EQ(ExplainTrending({1, std::nullopt, "2026-06-04"}, "2026-06-04"),
            "1 upvote · listed today");
  EXPECT_EQ(ExplainTrending({0, 0, ""}, "2026-06-04"), "0 upvotes");
}

TEST(TrendingTest, DailyEntriesScoreByTheirListAndCounts) {
  DailyEntry e;
  e.date = "2026-06-01";
  e.upvotes = 12;  // imported + local, as the Store reads it
  e.local_votes = 2;
  e.github_stars = 400;
  TrendingInputs in = InputsOf(e);
  EXPECT_EQ(in.upvotes, 12);
  EXPECT_EQ(in.github_stars, 400);
  EXPECT_EQ(in.date, "2026-06-01");
  EXPECT_DOUBLE_EQ(TrendingScore(in), TrendingScore({32, std::nullopt, "2026-06-01"}));
}

}  // namespace
}  // namespace paperpulse::ranking
