// What a subscriber's digest lists: the period's papers by the trending
// score of ranking/, through the subscriber's filters, without the papers
// an earlier digest already sent them.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/digest/period.h"
#include "paperpulse/model/paper.h"
#include "paperpulse/model/subscription.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::digest {

// A paper on one of the period's daily lists.
struct Candidate {
  Paper paper;
  DailyEntry entry;     // its latest entry in the period (upvotes include local votes)
  double trending = 0;  // ranking::TrendingScore of that entry
  std::string text;     // title and abstract lower-cased (ASCII), for keywords
  std::string excerpt;  // the abstract's start, one line (see ExcerptOf)
  std::string reason;   // why it ranks: ranking::ExplainTrending as of the period's last day
};

// The first ~320 bytes of `abstract`, white space collapsed, cut at a word
// and ended with "…": what a digest shows of a paper.
std::string ExcerptOf(std::string_view abstract);

// The papers on the daily lists from period.first to period.last, one per
// paper (its latest entry), most trending first; ties by upvotes, then id.
// Hidden entries are not on the lists. Errors: the Store's.
Result<std::vector<Candidate>> LoadCandidates(storage::Store& store, const Period& period);

// True when a category of `categories` is one of `wanted` or in one of its
// archives: "cs" takes cs.LG, "astro-ph" takes astro-ph.GA, "math" does not
// take math-ph. Empty `wanted` takes everything.
bool InCategories(const std::vector<std::string>& categories,
                  const std::vector<std::string>& wanted);

// True when `keyword` (compared ASCII case-insensitively) occurs in
// `lowered_text` starting at a word boundary, so "llm" finds "LLMs" but not
// "smallmouth", and "graph neural" finds "Graph Neural Networks". An empty
// keyword never matches.
bool ContainsKeyword(std::string_view lowered_text, std::string_view keyword);

// True when `c` passes the subscription's filters: one of its categories,
// one of its keywords (when it has any) and at least min_upvotes.
bool Matches(const Subscription& s, const Candidate& c);

// Matches() for many subscriptions over one list of candidates: each
// keyword is looked for in each candidate once per run, not once per
// subscriber (subscribers share keywords). Not thread-safe.
class Matcher {
 public:
  explicit Matcher(const std::vector<Candidate>& ranked) : ranked_(ranked) {}
  // The candidates (in ranked order) that pass `s`'s filters, at most `limit`.
  std::vector<const Candidate*> Matching(const Subscription& s, size_t limit);

 private:
  const std::vector<char>& Hits(const std::string& keyword);

  const std::vector<Candidate>& ranked_;
  std::unordered_map<std::string, std::vector<char>> hits_;  // keyword -> per candidate
};

}  // namespace paperpulse::digest
