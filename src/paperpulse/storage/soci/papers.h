// papers, paper_versions and unkeyed_papers: the records of the import and
// harvest hot path, read and written through statements prepared once per
// connection.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/paper.h"
#include "paperpulse/storage/soci/db.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::storage {

// Lists of strings kept in one TEXT column (authors, a subscription's
// filters) as a JSON array, which holds any text, commas and spaces
// included. Decode errors: kInternal naming `column`.
std::string EncodeStringArray(const std::vector<std::string>& values);
Result<std::vector<std::string>> DecodeStringArray(simdjson::dom::parser& parser,
                                                   const std::string& json,
                                                   std::string_view column);

// The papers.id_order value of the paper with base id `base_id`
// (ArxivIdOrderKey), written once when the paper is inserted.
std::string PaperOrderKey(std::string_view base_id);

class PaperTable {
 public:
  explicit PaperTable(SociDb& db) : db_(db) {}

  // See Store::UpsertPaper, UpsertUnkeyedPaper, GetPaper, PapersChangedSince.
  Result<WriteOutcome> Upsert(const Paper& paper);
  Result<WriteOutcome> UpsertUnkeyed(const Paper& paper, std::string_view source);
  Result<std::optional<Paper>> Get(std::string_view id) { return Read(std::string(id), false); }
  Result<std::vector<ChangedPaper>> ChangedSince(int64_t after, int limit);
  // See Store::PapersSubmittedBetween.
  Result<std::vector<Paper>> SubmittedBetween(std::string_view from, std::string_view to,
                                              int limit);

  // See Store::PapersNewestFirst.
  Result<std::vector<Paper>> NewestFirst(std::string_view after_id, int limit);

  // Whether paper `id` is stored (one index probe). Writes that refer to a
  // paper check first, so that a missing one is a kNotFound answer rather
  // than a foreign key failure, which on PostgreSQL would also abort the
  // caller's transaction (an import batch).
  Result<bool> Exists(std::string_view id);

 private:
  // `lock`: inside a transaction, lock the row until commit.
  Result<std::optional<Paper>> Read(const std::string& id, bool lock);
  // The papers of `ids` that exist, in that order.
  Result<std::vector<Paper>> ReadAll(const std::vector<std::string>& ids);
  Status Write(const Paper& paper, bool exists, int64_t seq);

  SociDb& db_;
  simdjson::dom::parser json_;
};

}  // namespace paperpulse::storage
