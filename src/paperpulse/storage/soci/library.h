// library_entries and library_tags: each account's saved papers, with
// their tags (in the order given) and a private note. Every statement names
// the account: no method reads or writes another account's entries.
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
#include "paperpulse/storage/store.h"

namespace paperpulse::storage {

class LibraryTable {
 public:
  LibraryTable(SociDb& db, PaperTable& papers) : db_(db), papers_(papers) {}

  // See Store::SaveToLibrary, RemoveFromLibrary, GetLibraryEntry, Library,
  // LibraryTags, SavedPapers and PaperIdOfDoi. Whether a save created the
  // entry is what its INSERT ... ON CONFLICT DO NOTHING reports, so of
  // concurrent first saves of one paper exactly one is the creation.
  Result<Store::SavedEntry> Save(const LibraryEntry& entry, std::string_view now);
  Result<bool> Remove(int64_t user_id, std::string_view paper_id);
  Result<std::optional<LibraryEntry>> Get(int64_t user_id, std::string_view paper_id);
  Result<std::vector<LibraryEntry>> Entries(int64_t user_id, std::string_view tag);
  Result<std::vector<Store::TagCount>> Tags(int64_t user_id);
  Result<std::vector<std::string>> Saved(int64_t user_id,
                                         const std::vector<std::string>& paper_ids);
  Result<std::optional<std::string>> PaperIdOfDoi(std::string_view doi);

 private:
  // Fills the tags of `entries` (all of account `user_id`), in their order.
  Status LoadTags(int64_t user_id, std::vector<LibraryEntry>& entries);

  SociDb& db_;
  PaperTable& papers_;
};

}  // namespace paperpulse::storage
