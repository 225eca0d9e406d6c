// votes: one row per account and paper. A vote and the paper's
// popularity (local_votes, trending, popularity_seq) change together.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/storage/soci/db.h"
#include "paperpulse/storage/soci/papers.h"
#include "paperpulse/storage/soci/popularity.h"

namespace paperpulse::storage {

class VoteTable {
 public:
  VoteTable(SociDb& db, PaperTable& papers, PopularityTable& popularity)
      : db_(db), papers_(papers), popularity_(popularity) {}

  // See Store::AddVote, RemoveVote, VotedPapers. Whether a vote was added
  // or removed is what the INSERT ... ON CONFLICT DO NOTHING or DELETE
  // reports as affected rows, so concurrent requests of one account count
  // once, and concurrent votes of many accounts all count.
  Result<bool> Add(int64_t user_id, std::string_view paper_id, std::string_view now);
  Result<bool> Remove(int64_t user_id, std::string_view paper_id);
  Result<std::vector<std::string>> VotedPapers(int64_t user_id,
                                               const std::vector<std::string>& paper_ids);
  // See Store::VotesOfAccount.
  Result<std::vector<std::string>> OfAccount(int64_t user_id, int limit);

 private:
  // Inserts (delta +1) or deletes (delta -1) the vote; when a row changed,
  // moves the paper's local_votes by delta. True when a row changed.
  Result<bool> Change(int64_t user_id, std::string_view paper_id, std::string_view now, int delta);

  SociDb& db_;
  PaperTable& papers_;
  PopularityTable& popularity_;
};

}  // namespace paperpulse::storage
