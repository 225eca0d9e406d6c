// What a subscriber's digest lists: the period's papers by the trending
// score of ranking/, through the subscriber's filters, without the papers
// an earlier digest already sent them.
#pragma once

#include <string>
#include <string_view>
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
  DailyEntry entry;   // its latest entry in the period (upvotes include local votes)
  double trending = 0;  // ranking::TrendingScore of that entry
  std::string text;   // title and abstract lower-cased (ASCII), for keywords
};

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

// Up to `limit` candidates (in the order of `ranked`) that pass `s` and are
// not in `received`.
std::vector<const Candidate*> TopFor(const Subscription& s, const std::vector<Candidate>& ranked,
                                     const std::unordered_set<std::string>& received, int limit);

}  // namespace paperpulse::digest
