#include "paperpulse/ranking/trending.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/ranking/trending_constants.h"

namespace paperpulse::ranking {
namespace {

// Days since 1970-01-01 of the date at the start of `date`, or nullopt.
std::optional<int64_t> DayNumber(std::string_view date) {
  if (date.size() < 10) return std::nullopt;
  auto d = ParseIsoDate(date.substr(0, 10));
  if (!d) return std::nullopt;
  return DaysFromCivil(*d);
}

std::string Plural(int64_t n, const char* one, const char* many) {
  return WithThousands(n) + " " + (n == 1 ? one : many);
}

}  // namespace

TrendingInputs InputsOf(const DailyEntry& entry) {
  return {entry.upvotes, entry.github_stars, entry.date};
}

double WeightedVotes(const TrendingInputs& in) {
  double votes = static_cast<double>(std::max<int64_t>(in.upvotes, 0));
  if (in.github_stars && *in.github_stars > 0) {
    votes += static_cast<double>(*in.github_stars) / kStarsPerVote;
  }
  return votes;
}

double TrendingScore(const TrendingInputs& in) {
  double days = static_cast<double>(DayNumber(in.date).value_or(kUnknownDateDays));
  return std::log2(1.0 + WeightedVotes(in)) + days / kHalfLifeDays;
}

std::string ExplainTrending(const TrendingInputs& in, std::string_view today) {
  std::string out = Plural(in.upvotes, "upvote", "upvotes");
  auto listed = DayNumber(in.date);
  auto now = DayNumber(today);
  if (listed && now) {
    int64_t age = std::max<int64_t>(*now - *listed, 0);
    out += " · ";
    out += age == 0 ? std::string("listed today") : Plural(age, "day", "days") + " old";
  }
  if (in.github_stars && *in.github_stars > 0) {
    out += " · ";
    out += Plural(*in.github_stars, "GitHub star", "GitHub stars");
  }
  return out;
}

}  // namespace paperpulse::ranking
