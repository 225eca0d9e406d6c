// Personal libraries: saving papers with tags and a private note, shared by
// the JSON API (api/library_api.cc) and the pages (pages/library.cc):
// validating tags and notes, saving and removing one's own entries, reading
// the library with its papers (filtered by tag and by words), exports for
// citation managers (BibTeX, CSL-JSON) and imports from them (BibTeX, RIS).
//
// Every function acts for one signed-in account on its own entries: there
// is no way to name another account's library, so another's entries are
// indistinguishable from missing ones.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/community_options.h"
#include "paperpulse/http/context.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/message.h"
#include "paperpulse/model/library.h"
#include "paperpulse/model/paper.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {

// Limits of an entry (docs/api.md, "Personal library").
inline constexpr size_t kMaxLibraryTags = 20;
inline constexpr size_t kMaxLibraryTagChars = 40;     // code points
inline constexpr size_t kMaxLibraryNoteChars = 5000;  // code points
// Of the words that search within a library (GET /api/library?q=).
inline constexpr size_t kMaxLibraryQueryChars = 200;
// The paths of the import routes (API and form), which take file uploads
// larger than other requests (ServerOptions::upload_paths).
inline constexpr std::string_view kLibraryImportApiPath = "/api/library/import";
inline constexpr std::string_view kLibraryImportFormPath = "/library/import";
inline std::vector<std::string> LibraryUploadPaths() {
  return {std::string(kLibraryImportApiPath), std::string(kLibraryImportFormPath)};
}
// Entries one imported file may hold; bigger libraries go in parts.
inline constexpr size_t kMaxImportEntries = 2000;
// Saves, changes and removals per account (every entry is the account's
// own; no per-address limit is needed on top), and imports per account.
inline constexpr RateRule kLibraryWritesPerAccount{300, std::chrono::minutes(1)};
inline constexpr RateRule kLibraryImportsPerAccount{30, std::chrono::hours(1)};

// The tags of a request, as given: each trimmed, runs of white space made
// one space, duplicates (differing in ASCII case only) dropped keeping the
// first spelling, order kept. Errors: kInvalidArgument "tags: …" for an
// empty tag, one longer than kMaxLibraryTagChars, one holding a comma (the
// forms separate tags with commas) or control characters, invalid UTF-8,
// and more than kMaxLibraryTags distinct tags.
Result<std::vector<std::string>> NormalizeLibraryTags(const std::vector<std::string>& tags);

// The tags of a form's comma-separated text ("to-read, diffusion,"):
// split at commas, empty pieces dropped, then NormalizeLibraryTags.
Result<std::vector<std::string>> ParseTagText(std::string_view text);

// Tags as a form shows them: "to-read, diffusion".
std::string TagText(const std::vector<std::string>& tags);

// A note as given: line ends made "\n", trimmed. Errors: kInvalidArgument
// "note: …" for control characters other than tab and line ends, invalid
// UTF-8, and more than kMaxLibraryNoteChars characters.
Result<std::string> NormalizeLibraryNote(std::string_view note);

// What a save changes of an entry: absent fields keep their stored value
// (empty for a new entry), so saving a saved paper again (the Save button,
// an import) never loses its tags or note.
struct LibraryChange {
  std::optional<std::vector<std::string>> tags;  // normalised
  std::optional<std::string> note;               // normalised
  // Tags added to those the entry has (an import's tag), after `tags`.
  std::vector<std::string> add_tags;
};

// Saves the paper `raw_id` names (any arXiv id form) to `who`'s library
// with `change` applied, in one transaction. Returns the entry as stored and
// whether it is new. Errors: kInvalidArgument "id: …" when `raw_id` is not
// an arXiv id, and "tags: at most …" when added tags exceed the limit;
// kNotFound when the site does not have the paper; kResourceExhausted
// (kLibraryWritesPerAccount); Store errors.
Result<storage::Store::SavedEntry> SaveToOwnLibrary(const Context& ctx, storage::Store& store,
                                                    const auth::Principal& who,
                                                    std::string_view raw_id,
                                                    const LibraryChange& change);

// Changes the tags and note of a paper already in `who`'s library (never
// saves a new one). Errors: kNotFound when it is not there; those of
// SaveToOwnLibrary.
Result<LibraryEntry> UpdateOwnLibraryEntry(const Context& ctx, storage::Store& store,
                                           const auth::Principal& who, std::string_view raw_id,
                                           const LibraryChange& change);

// Removes the paper `raw_id` names from `who`'s library. Returns its base
// id. Errors: kNotFound when it is not there (or `raw_id` is no arXiv id);
// kResourceExhausted; Store errors.
Result<std::string> RemoveFromOwnLibrary(const Context& ctx, storage::Store& store,
                                         const auth::Principal& who, std::string_view raw_id);

// A library entry with what the API and pages show of its paper: the paper,
// its most upvoted daily entry when it was ever listed, else the votes and
// comments it got here (as /api/papers/{id} shows them).
struct LibraryItem {
  LibraryEntry entry;
  Paper paper;
  PaperListing listing;
};

// The words of a search within a library: white-space separated, ASCII
// lower-cased. Errors: kInvalidArgument "q: …" when `q` is longer than
// kMaxLibraryQueryChars.
Result<std::vector<std::string>> LibraryQueryWords(std::string_view q);

// True when every word of `words` occurs (ASCII case-insensitively, as a
// substring) in the paper's id, title, abstract or authors, or in the
// entry's note or tags. True for no words.
bool MatchesLibraryQuery(const LibraryEntry& entry, const Paper& paper,
                         const std::vector<std::string>& words);

// Loads the listing and popularity of `entry`'s paper into an item.
// Errors: kNotFound when the paper is gone; Store errors.
Result<LibraryItem> LoadLibraryItem(storage::Store& store, const LibraryEntry& entry);

// `who`'s entries, newest save first, only those tagged `tag` (exact
// match) when it is not empty and matching `words` (MatchesLibraryQuery),
// with their papers (LoadLibraryItem). Errors: Store errors.
Result<std::vector<LibraryItem>> LoadOwnLibrary(storage::Store& store, const auth::Principal& who,
                                                std::string_view tag,
                                                const std::vector<std::string>& words);

// One item of GET /api/library: the paper object exactly as
// /api/papers/{id} writes it (hf_json.h WriteHfPaper) with "tags", "note",
// "savedAt" and "updatedAt" added.
std::string LibraryItemJson(const LibraryItem& item);

// The items as one BibTeX file (pages/bibtex.h BibtexFile), with each
// entry's tags as "keywords" (which Zotero and JabRef read as tags).
std::string LibraryBibtex(const std::vector<LibraryItem>& items);

// What an import did, entry by entry; nothing read is left out.
struct ImportReport {
  std::string format;                      // "bibtex" or "ris"
  std::vector<std::string> imported;       // base ids newly saved, in file order
  std::vector<std::string> already_saved;  // base ids that were saved before
  struct Unmatched {
    int line = 0;
    std::string key;
    std::string title;
    std::string reason;
  };
  std::vector<Unmatched> unmatched;  // entries read but matching no paper here
  std::vector<std::string> errors;   // entries that could not be read at all
};

// Imports a BibTeX or RIS file (citations.h ParseCitationFile) exported by
// a citation manager into `who`'s library: entries are matched by arXiv id
// (an eprint, an arXiv URL or an "arXiv:…" note), else by DOI (arXiv's own
// DOIs 10.48550/arXiv.ID name the id), against the papers of this site;
// `tag` (may be empty) is added to every matched entry. Text that is not
// UTF-8 is read as Latin-1 (older BibTeX files); a byte order mark is
// skipped. All saves are one transaction. Errors: kInvalidArgument for an
// empty file, one that is neither BibTeX nor RIS, one with more than
// kMaxImportEntries entries, and a bad `tag` ("tag: …");
// kResourceExhausted (kLibraryImportsPerAccount); Store errors.
Result<ImportReport> ImportToOwnLibrary(const Context& ctx, storage::Store& store,
                                        const auth::Principal& who, std::string_view text,
                                        std::string_view tag);

// The file of an import request and what comes with it, from any of:
// a multipart/form-data body (the page's form without JavaScript, or
// curl -F file=@library.bib: a "file" part, or pasted "text"; "tag" and
// "csrf_token" fields), an application/x-www-form-urlencoded one ("text",
// "tag", "csrf_token"), or the file itself as the body (text/plain,
// text/x-bibtex, application/x-bibtex, application/x-research-info-systems,
// application/octet-stream). The ?tag= query parameter counts when no tag
// field is sent.
struct ImportUpload {
  std::string text;
  std::string filename;  // of an uploaded file; "" otherwise
  std::string tag;
  std::string csrf_token;
};

// Reads `req` as above. Errors: kUnsupported (415) for another media type
// or a charset that is neither UTF-8 nor Latin-1; kInvalidArgument for a
// malformed multipart body (multipart.h) or a file and pasted text at once.
Result<ImportUpload> ReadImportUpload(const Request& req);

// The HTML of the "Save" control of paper `paper_id` for `viewer` (a form
// that works without JavaScript; anonymous readers are led to sign in and
// back to `next_path`), for the paper page: saved or not, and for a
// signed-in viewer the entry's tags and note with a form to change them.
// A Store failure only loses the saved state (logged).
std::string SaveFormHtml(const Context& ctx, const std::optional<auth::Principal>& viewer,
                         std::string_view paper_id, std::string_view next_path);

}  // namespace paperpulse::http
