// What readers keep and say about papers: personal libraries (saved papers
// with tags and a private note), reading lists (ordered, shareable
// collections) and comments. Plain structs; the Store persists them and
// http/ gives them meaning (validation, visibility, rendering).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperpulse {

// One paper in one account's library. Private to the account.
struct LibraryEntry {
  int64_t user_id = 0;
  std::string paper_id;           // base arXiv id
  std::vector<std::string> tags;  // distinct, in the order given
  std::string note;
  std::string saved_at;    // normalised UTC timestamp of the first save
  std::string updated_at;  // of the last change of tags or note
};

// Who may see a reading list: everybody (and it is listed on its owner's
// page), whoever has its secret link, or only its owner.
enum class ListVisibility { kPublic, kUnlisted, kPrivate };

inline std::string_view ListVisibilityName(ListVisibility v) {
  switch (v) {
    case ListVisibility::kPublic:
      return "public";
    case ListVisibility::kUnlisted:
      return "unlisted";
    case ListVisibility::kPrivate:
      return "private";
  }
  return "private";
}

inline std::optional<ListVisibility> ParseListVisibility(std::string_view s) {
  if (s == "public") return ListVisibility::kPublic;
  if (s == "unlisted") return ListVisibility::kUnlisted;
  if (s == "private") return ListVisibility::kPrivate;
  return std::nullopt;
}

// A named, ordered collection of papers ("Reading group: this week").
// Addressed as /lists/{owner name}/{slug}; the slug is unique per owner.
struct ReadingList {
  int64_t id = 0;
  int64_t owner_id = 0;
  std::string owner_name;  // the owner's account name (read only; joined)
  std::string slug;        // [a-z0-9-], 1..64
  std::string title;
  std::string description;
  ListVisibility visibility = ListVisibility::kPrivate;
  // Hash (base/secrets.h HashToken) of the secret of the unlisted link; ""
  // when there is none. Never shown: the secret itself is only in the link.
  std::string secret_hash;
  std::string created_at;
  std::string updated_at;
  int64_t size = 0;  // number of papers (read only)
};

// One paper of a reading list, at `position` (0-based, dense).
struct ReadingListItem {
  std::string paper_id;
  int64_t position = 0;
  std::string note;
  std::string added_at;
};

// A comment on a paper: top-level (parent_id 0) or a reply to a top-level
// comment (one level only). Deleting clears the text; hiding (admins)
// keeps it for the audit but shows it to nobody else. Only visible comments
// (neither deleted nor hidden) count in a paper's numComments.
struct Comment {
  int64_t id = 0;
  std::string paper_id;  // base arXiv id
  int64_t user_id = 0;
  std::string author_name;  // the author's account name (read only; joined)
  int64_t parent_id = 0;
  std::string text;  // Markdown source, as written
  std::string created_at;
  std::string edited_at;  // "" when never edited
  bool deleted = false;
  bool hidden = false;

  bool visible() const { return !deleted && !hidden; }
};

}  // namespace paperpulse
