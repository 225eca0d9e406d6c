// daily_entries: the community's daily lists, whether imported (HF) or
// submitted here, and their moderation (hidden). Every write keeps the
// listed paper's popularity current in the same transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/community.h"
#include "paperpulse/model/paper.h"
#include "paperpulse/storage/soci/db.h"
#include "paperpulse/storage/soci/papers.h"
#include "paperpulse/storage/soci/popularity.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::storage {

class DailyTable {
 public:
  DailyTable(SociDb& db, PaperTable& papers, PopularityTable& popularity)
      : db_(db), papers_(papers), popularity_(popularity) {}

  // See the Store methods of the same names. Entries read here carry the
  // paper's local votes in `upvotes` (and `local_votes`) and its visible
  // local comments in `num_comments` (and `local_comments`); hidden entries
  // are left out of Between, ForPaper and Adjacent.
  Result<WriteOutcome> Upsert(const DailyEntry& entry);
  Result<std::vector<DailyEntry>> Between(std::string_view from, std::string_view to);
  Result<std::optional<std::string>> Adjacent(std::string_view date, Store::Direction direction);
  Result<std::vector<DailyEntry>> ForPaper(std::string_view paper_id);
  Result<SubmitResult> Submit(std::string_view date, std::string_view paper_id, const Account& by,
                              std::string_view now, int max_per_day);
  Status SetHidden(std::string_view date, std::string_view paper_id, bool hidden);
  Result<std::vector<DailyEntry>> Where(const Store::DailyEntryFilter& filter, int limit,
                                        int offset);

 private:
  // The entry (date, paper_id) as readers see it, hidden or not.
  Result<std::optional<DailyEntry>> ReadOne(const std::string& date, const std::string& paper_id);

  SociDb& db_;
  PaperTable& papers_;
  PopularityTable& popularity_;
};

}  // namespace paperpulse::storage
