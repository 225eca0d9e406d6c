// paper_popularity: each paper's counters and trending score, maintained
// incrementally by the writes that change them (daily entries, votes,
// submissions, comments, hiding) in their own transactions, so that no
// reader ever re-scans daily_entries or comments. The rules:
//   imported_upvotes = the largest upvote count any daily entry imported,
//   github_stars     = the largest star count imported (NULL: none known),
//   first_listed     = the earliest date of the paper's daily entries,
//   local_votes      = the number of rows in `votes` for the paper,
//   local_comments   = the number of its visible (neither deleted nor hidden)
//                      rows in `comments` (not part of the score),
//   trending         = ranking::TrendingScore of the above, dated by
//                      first_listed (the paper's submission date when never listed),
//   popularity_seq   = taken from the kPopularity counter by every change.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/community.h"
#include "paperpulse/storage/soci/db.h"

namespace paperpulse::storage {

class PopularityTable {
 public:
  explicit PopularityTable(SociDb& db) : db_(db) {}

  // Applies `change` to the popularity of `paper_id` (zeros when it has no
  // row yet). When that changes an input, or `bump` is set, stores the row
  // with a new popularity_seq and its recomputed score. Preconditions: in a
  // transaction that took db.LockCounter(Counter::kPopularity) before any
  // popularity row; the paper exists.
  Status Update(std::string_view paper_id, const std::function<void(PaperPopularity&)>& change,
                bool bump = false);

  // See Store::GetPopularity / PopularityChangedSince.
  Result<std::optional<PaperPopularity>> Get(std::string_view paper_id);
  Result<std::vector<PaperPopularity>> ChangedSince(int64_t after, int limit);

  // See Store::RescoreTrending.
  Result<int64_t> RescoreAll();

 private:
  SociDb& db_;
};

// Fills paper_popularity from daily_entries and votes (each paper its own
// popularity_seq): migration 3's step for databases that had entries before
// popularity was kept. Precondition: inside the migration's transaction.
Status BackfillPopularity(SociDb& db);

}  // namespace paperpulse::storage
