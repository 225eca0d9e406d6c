// Reading lists (model/library.h): named, ordered collections of papers with
// a note per paper, at /lists/{owner name}/{slug}, as functions shared by the
// JSON API (api/reading_lists_api.cc) and the pages and forms
// (pages/reading_lists.cc): slugs, who may see a list, the secret links of
// unlisted lists, and the owner's edits.
//
// Who sees a list: its owner always; everybody a public one; whoever holds
// the secret link (?key=SECRET) an unlisted one. Everyone else is told that
// there is no such list (kNotFound, never kPermissionDenied: a 403 would
// confirm that the list exists). Edits are the owner's alone and fail the
// same way for anybody else.
//
// Secrets are RandomToken()s; the Store keeps only their HashToken() in
// ReadingList::secret_hash. Every write is rate limited per account
// (kListWritesPerAccount) and, once committed, announced through
// Context::content_changed, so that cached pages show it at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/context.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/model/library.h"
#include "paperpulse/model/paper.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {

// Limits of a list (docs/api.md, "Reading lists"); lengths in code points.
inline constexpr size_t kMaxListSlugChars = 64;
inline constexpr size_t kMaxListTitleChars = 200;
inline constexpr size_t kMaxListDescriptionChars = 4000;
inline constexpr size_t kMaxListNoteChars = 2000;
inline constexpr int64_t kMaxListPapers = 500;
inline constexpr size_t kMaxListsPerAccount = 200;
// Writes (create, edit, delete, add, move, note, remove) per account: far
// more than anybody editing by hand makes, a stop for a runaway script.
inline constexpr RateRule kListWritesPerAccount{600, std::chrono::minutes(10)};

// The HTML of the "Add to list" control of paper `paper_id` for `viewer`
// (a form that works without JavaScript, naming the viewer's lists; ""
// for anonymous readers), coming back to `next_path`; for the paper page.
std::string AddToListFormHtml(const Context& ctx, const std::optional<auth::Principal>& viewer,
                              std::string_view paper_id, std::string_view next_path);

// True for 1 to kMaxListSlugChars characters of [a-z0-9-].
bool IsValidListSlug(std::string_view slug);

// A slug for `title`: lower-case ASCII letters and digits, Latin letters
// with diacritics spelled without them ("Über" -> "uber", "ß" -> "ss"),
// apostrophes dropped, every other run of characters one '-', none at
// either end, cut at a '-' to fit kMaxListSlugChars. "list" when nothing of
// `title` is left (a title in another script).
std::string SlugFromTitle(std::string_view title);

// Why `account` cannot own lists yet, for people (lists live under its
// display name, which must exist and be usable as a path segment), or ""
// when it can.
std::string ListOwnerNameProblem(const Account& account);

// How much of a list a reader may see.
enum class ListAccess {
  kNone,    // nothing: answered as if the list did not exist
  kReader,  // the list and its papers
  kOwner,   // everything, and may edit
};

// What the account `viewer_id` (0 = anonymous) holding `key` (the ?key= of
// the request, "" when absent) may see of `list`; see the file comment.
ListAccess DecideListAccess(const ReadingList& list, int64_t viewer_id, std::string_view key);

// True when `key` is the secret of `list`'s link: the list has one and the
// hash of `key` is its secret_hash. Comparing hashes, not secrets, is all
// the Store allows, and their timing tells nothing about the secret.
bool ListSecretMatches(const ReadingList& list, std::string_view key);

// "/lists/Ada%20Lovelace": the page of `owner`'s public lists.
std::string ListOwnerPath(std::string_view owner);

// "/lists/Ada%20Lovelace/this-week": the page of `list` (without any key).
std::string ListPath(const ReadingList& list);

// The absolute secret link of unlisted `list`: its page with ?key=`secret`.
std::string SecretListUrl(const Context& ctx, const ReadingList& list, std::string_view secret);

// A list as one reader sees it.
struct VisibleList {
  ReadingList list;
  ListAccess access = ListAccess::kReader;  // kReader or kOwner
};

// The list /lists/`owner`/`slug` as `viewer` (nullopt: anonymous) with `key`
// may see it. Lists of banned accounts are shown to nobody else. Errors:
// kNotFound for an unknown owner or slug and for a list `viewer` may not
// see (the same message), Store errors.
Result<VisibleList> FindVisibleList(storage::Store& store, std::string_view owner,
                                    std::string_view slug,
                                    const std::optional<auth::Principal>& viewer,
                                    std::string_view key);

// The list /lists/`owner`/`slug` when `who` owns it. Errors: kNotFound
// otherwise (another's lists are indistinguishable from missing ones),
// Store errors.
Result<ReadingList> FindOwnList(storage::Store& store, const auth::Principal& who,
                                std::string_view owner, std::string_view slug);

// A list as a write left it, and the secret of its new link when the write
// made one (to be shown once; "" otherwise).
struct ListChange {
  ReadingList list;
  std::string secret;
};

// Creates a list of `who` from `body`: "title" (required, one line),
// "description", "visibility" (public, unlisted, private; default
// private), "slug" (default SlugFromTitle of the title, then made unique
// with "-2", "-3", ...). An unlisted list gets its secret link. Errors:
// kFailedPrecondition with ListOwnerNameProblem's message when `who` cannot
// own lists (the API answers it 409), kInvalidArgument naming the field,
// kAlreadyExists for a given slug that `who` already uses,
// kResourceExhausted (kMaxListsPerAccount lists, or the rate limit, then
// with Error::retry_after), Store errors.
Result<ListChange> CreateList(const Context& ctx, storage::Store& store, const auth::Principal& who,
                              const Fields& body);

// Changes what `body` sets of `who`'s `list`: "title", "description",
// "visibility", "slug" (the list moves to a new address; the old one is
// gone), and "newSecret": true (a new secret link; the old link stops
// working). A list that becomes unlisted, or an unlisted one that moves,
// gets a new secret link; one that stops being unlisted loses its link, so
// making it unlisted again never revives an old one. Errors: kNotFound when `who` does not own
// `list`, kInvalidArgument naming the field (also "newSecret" for a list that is not unlisted),
// kAlreadyExists (slug taken), kResourceExhausted, Store errors.
Result<ListChange> UpdateList(const Context& ctx, storage::Store& store, const auth::Principal& who,
                              const ReadingList& list, const Fields& body);

// Deletes `who`'s `list` and its items. Errors: kNotFound,
// kResourceExhausted, Store errors.
Status DeleteList(const Context& ctx, storage::Store& store, const auth::Principal& who,
                  const ReadingList& list);

// A paper of a list with what the site knows of it: the daily entry and
// votes /api/papers/{id} shows.
struct ListPaper {
  ReadingListItem item;
  Paper paper;
  PaperListing listing;
};

// The papers of `list` by position. Errors: Store errors.
Result<std::vector<ListPaper>> LoadListPapers(storage::Store& store, const ReadingList& list);

// How PutListPaper treats a paper not yet on the list.
enum class PutMode {
  kAdd,     // adds it (at "position", default last); a paper already on the
            // list keeps its place and note unless the body sets them
  kUpdate,  // fails with kNotFound: only papers on the list change
};

// Puts the paper `raw_id` names (any arXiv id form: 2401.00001v2,
// arXiv:…, an arxiv.org URL) on `who`'s `list`, with "note" and "position"
// (0-based; < 0 or past the end = last) of `body`. Returns the paper as
// the list now holds it, and whether it was new there. Errors: kNotFound
// (`who` does not own the list; no such paper; kUpdate and not on the
// list), kInvalidArgument naming the field, kFailedPrecondition (the list
// holds kMaxListPapers papers), kResourceExhausted, Store errors.
struct PutOutcome {
  ListPaper paper;
  bool added = false;
};
Result<PutOutcome> PutListPaper(const Context& ctx, storage::Store& store,
                                const auth::Principal& who, const ReadingList& list,
                                std::string_view raw_id, const Fields& body, PutMode mode);

// Moves the paper `raw_id` names `delta` places towards the end of `who`'s
// `list` (negative: towards the start), stopping at either end. Errors:
// kNotFound (not the owner's, or not on the list), kResourceExhausted, Store
// errors.
Status MoveListPaper(const Context& ctx, storage::Store& store, const auth::Principal& who,
                     const ReadingList& list, std::string_view raw_id, int64_t delta);

// Takes the paper `raw_id` names off `who`'s `list`; the others close up.
// Errors: kNotFound (not the owner's, or not on the list),
// kResourceExhausted, Store errors.
Status RemoveListPaper(const Context& ctx, storage::Store& store, const auth::Principal& who,
                       const ReadingList& list, std::string_view raw_id);

// The lists `who` owns, most recently updated first. Errors: Store errors.
Result<std::vector<ReadingList>> OwnLists(storage::Store& store, const auth::Principal& who);

}  // namespace paperpulse::http
