// Trending: the one popularity formula of paperpulse. Every list that says
// "trending" (/papers/trending, /api/daily_papers?sort=trending, search
// sort=trending, /feeds/trending.atom) ranks by TrendingScore, and the Store
// keeps each paper's score current as votes and imports change its inputs.
//
// The score is "hot" ranking in its time-invariant form (the form reddit's
// published ranking uses): log2 of the paper's weighted votes plus its age
// counted from a fixed epoch in half-lives. Exponential decay of the votes,
// votes * 2^-(age / half-life), orders papers exactly as this sum does, but
// the sum never has to be recomputed as time passes: a score computed when a
// vote arrives stays comparable with every other score for good. That is
// what lets the Store keep it in a column and the search index in a value
// slot, updated only when a paper's votes change (no periodic re-scan).
//
// The constants live in trending_constants.h, next to their reasons.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/model/paper.h"

namespace paperpulse::ranking {

struct TrendingInputs {
  int64_t upvotes = 0;                  // imported + local votes
  std::optional<int64_t> github_stars;  // nullopt = no repository known
  // "YYYY-MM-DD" (or a longer timestamp) the paper entered a daily list; the
  // paper's submission date when it was never listed; "" = unknown (scored
  // as very old).
  std::string_view date;
};

// The inputs of one daily-list entry as the Store reads it: its upvotes
// (imported + local), its stars and the day of that list. Views
// `entry.date`, so `entry` must outlive the result.
TrendingInputs InputsOf(const DailyEntry& entry);

// The score. Higher is more trending; comparable across papers and across
// time (see above). Pure and cheap.
double TrendingScore(const TrendingInputs& in);

// The votes a paper counts with: upvotes plus its stars weighted in.
double WeightedVotes(const TrendingInputs& in);

// Why a paper ranks where it does, for "why it's here" on /papers/trending:
// "42 upvotes · 3 days on the list · 1,200 GitHub stars". `today` is
// "YYYY-MM-DD".
std::string ExplainTrending(const TrendingInputs& in, std::string_view today);

}  // namespace paperpulse::ranking
