// reading_lists and reading_list_items: named, ordered collections of
// papers. Every write that changes a list locks its row first (so writes to
// one list run one after the other, and positions stay dense), sets its
// updated_at (but a removal, which has no time), and bumps the meta counter
// list_seq last, which changes the content version (cached list pages are
// dropped).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/library.h"
#include "paperpulse/storage/soci/db.h"
#include "paperpulse/storage/soci/papers.h"

namespace paperpulse::storage {

class ReadingListTable {
 public:
  ReadingListTable(SociDb& db, PaperTable& papers) : db_(db), papers_(papers) {}

  // See Store::CreateReadingList, GetReadingList, GetReadingListById,
  // ReadingListsOf, UpdateReadingList, DeleteReadingList, ReadingListItems,
  // PutReadingListItem and RemoveReadingListItem.
  Result<int64_t> Create(const ReadingList& list, std::string_view now);
  Result<std::optional<ReadingList>> Get(int64_t owner_id, std::string_view slug);
  Result<std::optional<ReadingList>> GetById(int64_t id);
  Result<std::vector<ReadingList>> OfOwner(int64_t owner_id);
  Status Update(const ReadingList& list, std::string_view now);
  Status Delete(int64_t id);
  Result<std::vector<ReadingListItem>> Items(int64_t list_id);
  Status PutItem(int64_t list_id, std::string_view paper_id, int64_t position,
                 std::string_view note, std::string_view now, int64_t max_items);
  Result<bool> RemoveItem(int64_t list_id, std::string_view paper_id);

 private:
  // Lists matching `rest` (a WHERE clause and maybe an ORDER BY over
  // `reading_lists l`, binding `values` in order); `what` names them in
  // errors.
  template <typename... Values>
  Result<std::vector<ReadingList>> Select(const std::string& rest, const std::string& what,
                                          Values... values);
  // Locks list `id` until the transaction ends; false when there is none.
  Result<bool> Lock(int64_t id);
  // Sets the updated_at of list `id`. Precondition: Lock(id).
  Status Touch(int64_t id, std::string_view now);
  // Adds one to list_seq: the last statement of every list write, so that
  // the lock on its meta row is held for as short as can be.
  Status BumpSeq();

  SociDb& db_;
  PaperTable& papers_;
};

}  // namespace paperpulse::storage
