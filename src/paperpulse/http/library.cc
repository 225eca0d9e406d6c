#include "paperpulse/http/library.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/http/api/hf_json.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/citations.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/http/multipart.h"
#include "paperpulse/http/pages/bibtex.h"
#include "paperpulse/http/templates.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// `s` cut to about `max` bytes at a character boundary, for messages.
std::string Shortened(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end)) + "\u2026";
}

bool ContainsFolded(const std::vector<std::string>& folded, const std::string& key) {
  return std::find(folded.begin(), folded.end(), key) != folded.end();
}

// The base id of `raw_id`, or kNotFound phrased for a path or kInvalidArgument
// naming the "id" field.
Result<std::string> BaseId(std::string_view raw_id, bool field) {
  auto id = ParseArxivId(raw_id);
  if (id) return id->base;
  std::string shown = Shortened(CleanText(TrimView(raw_id)), 64);
  if (!field) return Fail(ErrorCode::kNotFound, "no paper with id " + shown);
  if (TrimView(raw_id).empty()) return tl::unexpected(InvalidField("id", "required"));
  return tl::unexpected(InvalidField(
      "id", "\"" + shown + "\" is not an arXiv id (like 2401.00001 or hep-th/9901001)"));
}

// `entry` with `change` applied; kInvalidArgument when added tags pass the
// limit.
Status Apply(const LibraryChange& change, LibraryEntry& entry) {
  if (change.tags) entry.tags = *change.tags;
  if (change.note) entry.note = *change.note;
  if (change.add_tags.empty()) return Ok();
  std::vector<std::string> merged = entry.tags;
  merged.insert(merged.end(), change.add_tags.begin(), change.add_tags.end());
  ASSIGN_OR_RETURN(entry.tags, NormalizeLibraryTags(merged));
  return Ok();
}

Status EnforceWriteRate(const Context& ctx, storage::Store& store, const auth::Principal& who) {
  return auth::EnforceRate(store, "library:user:" + std::to_string(who.account.id),
                           kLibraryWritesPerAccount, NowSeconds(ctx), "library changes");
}

// `existing`, or a new entry of paper `id` in `who`'s library: what a
// change applies to.
LibraryEntry EntryOrNew(const std::optional<LibraryEntry>& existing, const auth::Principal& who,
                        const std::string& id) {
  if (existing) return *existing;
  LibraryEntry entry;
  entry.user_id = who.account.id;
  entry.paper_id = id;
  return entry;
}

// Saves (or, with `must_exist`, only updates) in one transaction: the
// entry is read, changed and written without another request's change to
// the same entry slipping in between.
Result<storage::Store::SavedEntry> Upsert(const Context& ctx, storage::Store& store,
                                          const auth::Principal& who, const std::string& id,
                                          const LibraryChange& change, bool must_exist) {
  std::string now = FormatUnixTimestamp(NowSeconds(ctx));
  storage::Store::SavedEntry out;
  RETURN_IF_ERROR(store.RunInTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(std::optional<LibraryEntry> existing,
                     store.GetLibraryEntry(who.account.id, id));
    if (!existing && must_exist) {
      return Fail(ErrorCode::kNotFound, id + " is not in your library");
    }
    LibraryEntry entry = EntryOrNew(existing, who, id);
    RETURN_IF_ERROR(Apply(change, entry));
    if (existing && entry.tags == existing->tags && entry.note == existing->note) {
      // Nothing changes: updated_at keeps saying when something last did.
      out = {std::move(*existing), false};
      return Ok();
    }
    ASSIGN_OR_RETURN(out, store.SaveToLibrary(entry, now));
    return Ok();
  }));
  return out;
}

// The haystack MatchesLibraryQuery searches, lower-cased.
std::string SearchText(const LibraryEntry& entry, const Paper& paper) {
  std::string text = paper.id + "\n" + paper.title + "\n" + paper.abstract + "\n";
  for (const std::string& a : paper.authors) text += a + "\n";
  text += entry.note + "\n";
  for (const std::string& t : entry.tags) text += t + "\n";
  return AsciiLower(text);
}

// Text of an uploaded file as UTF-8: a byte order mark dropped; bytes that
// are not UTF-8 read as Latin-1, the encoding of older .bib files.
std::string AsUtf8(std::string_view text) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) AppendUtf8(out, static_cast<unsigned char>(c));
  return out;
}

// The paper an imported entry names: its arXiv id, else its DOI (arXiv's
// DOIs name the id). nullopt with `reason` set when none is here.
Result<std::optional<std::string>> MatchRef(storage::Store& store, const CitationRef& ref,
                                            std::string& reason) {
  std::string arxiv_id;
  if (!ref.arxiv_id.empty()) {
    if (auto id = ParseArxivId(ref.arxiv_id)) arxiv_id = id->base;
  }
  constexpr std::string_view kArxivDoi = "10.48550/arxiv.";
  std::string doi(TrimView(ref.doi));
  if (arxiv_id.empty() && StartsWith(AsciiLower(doi), kArxivDoi)) {
    if (auto id = ParseArxivId(std::string_view(doi).substr(kArxivDoi.size()))) {
      arxiv_id = id->base;
      doi.clear();  // the same id again
    }
  }
  if (!arxiv_id.empty()) {
    ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(arxiv_id));
    if (paper) return std::optional<std::string>(arxiv_id);
  }
  if (!doi.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> id, store.PaperIdOfDoi(doi));
    if (id) return id;
  }
  std::string shown_doi = Shortened(CleanText(doi), 120);
  if (!arxiv_id.empty() && !doi.empty()) {
    reason = "arXiv:" + arxiv_id + " and DOI " + shown_doi + " match no paper on this site";
  } else if (!arxiv_id.empty()) {
    reason = "arXiv:" + arxiv_id + " is not on this site";
  } else if (!doi.empty()) {
    reason = "no paper on this site has DOI " + shown_doi;
  } else if (!ref.arxiv_id.empty()) {
    reason = "\"" + Shortened(CleanText(ref.arxiv_id), 64) + "\" is not an arXiv id";
  } else {
    reason = "no arXiv id or DOI in this entry";
  }
  return std::optional<std::string>();
}

// NormalizeLibraryTags with errors naming `field`.
Result<std::vector<std::string>> NormalizeTags(const std::vector<std::string>& tags,
                                               std::string_view field) {
  std::vector<std::string> out;
  std::vector<std::string> folded;  // duplicates differ in case only
  for (const std::string& raw : tags) {
    if (!IsValidUtf8(raw) || HasControlChars(raw)) {
      return tl::unexpected(InvalidField(field, "control characters are not allowed"));
    }
    std::string tag = CollapseWhitespace(raw);
    if (tag.empty()) return tl::unexpected(InvalidField(field, "a tag cannot be empty"));
    if (tag.find(',') != std::string::npos) {
      return tl::unexpected(InvalidField(
          field, "\"" + Shortened(tag, 60) + "\" holds a comma; commas separate tags"));
    }
    if (CodePoints(tag) > kMaxLibraryTagChars) {
      return tl::unexpected(InvalidField(field, "\"" + Shortened(tag, 60) + "\" is longer than " +
                                                    std::to_string(kMaxLibraryTagChars) +
                                                    " characters"));
    }
    std::string key = AsciiLower(tag);
    if (ContainsFolded(folded, key)) continue;
    folded.push_back(std::move(key));
    out.push_back(std::move(tag));
  }
  if (out.size() > kMaxLibraryTags) {
    return tl::unexpected(
        InvalidField(field, "at most " + std::to_string(kMaxLibraryTags) + " tags per paper"));
  }
  return out;
}

void SetIfAny(TemplateData& data, const std::string& key, const std::string& value) {
  if (!value.empty()) data.set(key, value);
}

}  // namespace

Result<std::vector<std::string>> NormalizeLibraryTags(const std::vector<std::string>& tags) {
  return NormalizeTags(tags, "tags");
}

Result<std::vector<std::string>> ParseTagText(std::string_view text) {
  std::vector<std::string> pieces;
  for (std::string_view piece : Split(text, ',')) {
    if (!TrimView(piece).empty()) pieces.emplace_back(piece);
  }
  return NormalizeLibraryTags(pieces);
}

std::string TagText(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& t : tags) {
    if (!out.empty()) out += ", ";
    out += t;
  }
  return out;
}

Result<std::string> NormalizeLibraryNote(std::string_view note) {
  if (!IsValidUtf8(note) || HasControlChars(note, "\t\r\n")) {
    return tl::unexpected(InvalidField("note", "control characters are not allowed"));
  }
  // Browsers send a textarea's line ends as CRLF: store one kind.
  std::string out;
  out.reserve(note.size());
  for (size_t i = 0; i < note.size(); ++i) {
    if (note[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < note.size() && note[i + 1] == '\n') ++i;
    } else {
      out.push_back(note[i]);
    }
  }
  out = std::string(TrimView(out));
  if (CodePoints(out) > kMaxLibraryNoteChars) {
    return tl::unexpected(
        InvalidField("note", "at most " + std::to_string(kMaxLibraryNoteChars) + " characters"));
  }
  return out;
}

Result<storage::Store::SavedEntry> SaveToOwnLibrary(const Context& ctx, storage::Store& store,
                                                    const auth::Principal& who,
                                                    std::string_view raw_id,
                                                    const LibraryChange& change) {
  ASSIGN_OR_RETURN(std::string id, BaseId(raw_id, /*field=*/true));
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  auto saved = Upsert(ctx, store, who, id, change, /*must_exist=*/false);
  if (!saved && saved.error().code == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kNotFound, "paper " + id + " is not known to this site");
  }
  return saved;
}

Result<LibraryEntry> UpdateOwnLibraryEntry(const Context& ctx, storage::Store& store,
                                           const auth::Principal& who, std::string_view raw_id,
                                           const LibraryChange& change) {
  ASSIGN_OR_RETURN(std::string id, BaseId(raw_id, /*field=*/false));
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  ASSIGN_OR_RETURN(storage::Store::SavedEntry saved,
                   Upsert(ctx, store, who, id, change, /*must_exist=*/true));
  return std::move(saved.entry);
}

Result<std::string> RemoveFromOwnLibrary(const Context& ctx, storage::Store& store,
                                         const auth::Principal& who, std::string_view raw_id) {
  ASSIGN_OR_RETURN(std::string id, BaseId(raw_id, /*field=*/false));
  RETURN_IF_ERROR(EnforceWriteRate(ctx, store, who));
  ASSIGN_OR_RETURN(bool removed, store.RemoveFromLibrary(who.account.id, id));
  if (!removed) return Fail(ErrorCode::kNotFound, id + " is not in your library");
  return id;
}

Result<std::vector<std::string>> LibraryQueryWords(std::string_view q) {
  if (CodePoints(q) > kMaxLibraryQueryChars) {
    return tl::unexpected(
        InvalidField("q", "at most " + std::to_string(kMaxLibraryQueryChars) + " characters"));
  }
  std::vector<std::string> words;
  std::string collapsed = CollapseWhitespace(q);
  for (std::string_view w : Split(collapsed, ' ')) {
    if (!w.empty()) words.push_back(AsciiLower(w));
  }
  return words;
}

bool MatchesLibraryQuery(const LibraryEntry& entry, const Paper& paper,
                         const std::vector<std::string>& words) {
  if (words.empty()) return true;
  std::string text = SearchText(entry, paper);
  return std::all_of(words.begin(), words.end(),
                     [&](const std::string& w) { return text.find(w) != std::string::npos; });
}

Result<LibraryItem> LoadLibraryItem(storage::Store& store, const LibraryEntry& entry) {
  ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(entry.paper_id));
  if (!paper) return Fail(ErrorCode::kNotFound, "paper " + entry.paper_id + " is gone");
  LibraryItem item;
  item.entry = entry;
  item.paper = std::move(*paper);
  ASSIGN_OR_RETURN(item.listing, LoadPaperListing(store, item.paper.id));
  return item;
}

Result<std::vector<LibraryItem>> LoadOwnLibrary(storage::Store& store, const auth::Principal& who,
                                                std::string_view tag,
                                                const std::vector<std::string>& words) {
  ASSIGN_OR_RETURN(std::vector<LibraryEntry> entries, store.Library(who.account.id, tag));
  std::vector<LibraryItem> items;
  for (LibraryEntry& e : entries) {
    ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(e.paper_id));
    // Papers are never deleted; an entry without one has nothing to show.
    if (!paper || !MatchesLibraryQuery(e, *paper, words)) continue;
    LibraryItem item;
    item.entry = std::move(e);
    item.paper = std::move(*paper);
    ASSIGN_OR_RETURN(item.listing, LoadPaperListing(store, item.paper.id));
    items.push_back(std::move(item));
  }
  return items;
}

std::string LibraryItemJson(const LibraryItem& item) {
  // The paper object of /api/papers/{id} with the entry's fields added.
  JsonWriter w;
  w.BeginObject();
  WriteHfPaperFields(w, item.paper, item.listing);
  w.Key("tags");
  w.BeginArray();
  for (const std::string& t : item.entry.tags) w.String(t);
  w.EndArray();
  w.Key("note");
  w.String(item.entry.note);
  w.Key("savedAt");
  w.String(item.entry.saved_at);
  w.Key("updatedAt");
  w.String(item.entry.updated_at);
  w.EndObject();
  return w.Take();
}

std::string LibraryBibtex(const std::vector<LibraryItem>& items) {
  std::vector<BibtexFileEntry> entries;
  entries.reserve(items.size());
  for (const LibraryItem& item : items) entries.push_back({&item.paper, item.entry.tags});
  return BibtexFile(entries);
}

Result<ImportReport> ImportToOwnLibrary(const Context& ctx, storage::Store& store,
                                        const auth::Principal& who, std::string_view text,
                                        std::string_view tag) {
  LibraryChange change;
  if (!TrimView(tag).empty()) {
    ASSIGN_OR_RETURN(change.add_tags, NormalizeTags({std::string(tag)}, "tag"));
  }
  std::string utf8 = AsUtf8(text);
  if (TrimView(utf8).empty()) {
    return tl::unexpected(InvalidField(
        "file", "empty; choose a BibTeX (.bib) or RIS (.ris) file, or paste its text"));
  }
  auto file = ParseCitationFile(utf8);
  if (!file) {
    return tl::unexpected(InvalidField(
        "file", "not a BibTeX or RIS file (" + file.error().message +
                    "); export your library from Zotero, JabRef or Mendeley as BibTeX or RIS"));
  }
  if (file->refs.size() + file->errors.size() > kMaxImportEntries) {
    return tl::unexpected(InvalidField(
        "file", "more than " + std::to_string(kMaxImportEntries) + " entries; import it in parts"));
  }
  RETURN_IF_ERROR(auth::EnforceRate(store, "library-import:user:" + std::to_string(who.account.id),
                                    kLibraryImportsPerAccount, NowSeconds(ctx), "imports"));
  ImportReport report;
  report.format = file->format == CitationFile::Format::kRis ? "ris" : "bibtex";
  report.errors = file->errors;
  // Matching only reads; the saves below are one transaction.
  std::vector<std::string> matched;
  for (const CitationRef& ref : file->refs) {
    std::string reason;
    ASSIGN_OR_RETURN(std::optional<std::string> id, MatchRef(store, ref, reason));
    if (!id) {
      report.unmatched.push_back({ref.line, CleanText(ref.key), CleanText(ref.title), reason});
    } else if (std::find(matched.begin(), matched.end(), *id) == matched.end()) {
      matched.push_back(std::move(*id));
    }
  }
  std::string now = FormatUnixTimestamp(NowSeconds(ctx));
  std::vector<std::string> imported, already_saved, tag_errors;
  RETURN_IF_ERROR(store.RunInTransaction([&]() -> Status {
    // A retried transaction starts over.
    imported.clear();
    already_saved.clear();
    tag_errors.clear();
    for (const std::string& id : matched) {
      ASSIGN_OR_RETURN(std::optional<LibraryEntry> existing,
                       store.GetLibraryEntry(who.account.id, id));
      LibraryEntry entry = EntryOrNew(existing, who, id);
      if (Status s = Apply(change, entry); !s) {
        tag_errors.push_back(id + ": already has " + std::to_string(kMaxLibraryTags) +
                             " tags; the tag was not added");
        entry.tags = existing ? existing->tags : std::vector<std::string>();
      }
      if (existing && entry.tags == existing->tags) {
        already_saved.push_back(id);
        continue;
      }
      ASSIGN_OR_RETURN(storage::Store::SavedEntry saved, store.SaveToLibrary(entry, now));
      (saved.created ? imported : already_saved).push_back(id);
    }
    return Ok();
  }));
  report.imported = std::move(imported);
  report.already_saved = std::move(already_saved);
  report.errors.insert(report.errors.end(), tag_errors.begin(), tag_errors.end());
  spdlog::info("library import for user {}: {} imported, {} already saved, {} unmatched, {} errors",
               who.account.id, report.imported.size(), report.already_saved.size(),
               report.unmatched.size(), report.errors.size());
  return report;
}

Result<ImportUpload> ReadImportUpload(const Request& req) {
  ImportUpload up;
  std::string_view content_type = req.Header("content-type");
  std::vector<std::string_view> params = Split(content_type, ';');
  std::string media = AsciiLower(TrimView(params.empty() ? content_type : params[0]));
  bool has_tag = false;
  if (media == "multipart/form-data") {
    ASSIGN_OR_RETURN(std::vector<MultipartPart> parts, ParseMultipart(content_type, req.body));
    const MultipartPart* file = FindPart(parts, "file");
    const MultipartPart* text = FindPart(parts, "text");
    bool has_file = file != nullptr && !file->data.empty();
    bool has_text = text != nullptr && !TrimView(text->data).empty();
    if (has_file && has_text) {
      return Fail(ErrorCode::kInvalidArgument,
                  "file: choose a file or paste its text, not both at once");
    }
    if (has_file) {
      up.text = file->data;
      up.filename = CleanText(file->filename.value_or(""));
    } else if (has_text) {
      up.text = text->data;
    }
    if (const MultipartPart* tag = FindPart(parts, "tag")) {
      up.tag = tag->data;
      has_tag = true;
    }
    if (const MultipartPart* csrf = FindPart(parts, auth::kCsrfField)) up.csrf_token = csrf->data;
  } else if (media == "application/x-www-form-urlencoded") {
    ASSIGN_OR_RETURN(Fields body, ParseFormBody(req.body));
    if (!body.Has("text") && !req.body.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "text: required; to send a file as the body, give it its own Content-Type "
                  "(curl -H 'Content-Type: application/x-bibtex' --data-binary @library.bib), "
                  "or upload it as a form (curl -F file=@library.bib)");
    }
    ASSIGN_OR_RETURN(up.text, body.Get("text"));
    has_tag = body.Has("tag");
    ASSIGN_OR_RETURN(up.tag, body.Get("tag"));
    ASSIGN_OR_RETURN(up.csrf_token, body.Get(auth::kCsrfField));
  } else if (media == "text/plain" || media == "text/x-bibtex" || media == "application/x-bibtex" ||
             media == "application/x-research-info-systems" ||
             media == "application/octet-stream") {
    for (size_t i = 1; i < params.size(); ++i) {
      std::string_view param = TrimView(params[i]);
      if (!StartsWith(AsciiLower(param), "charset=")) continue;
      std::string charset = AsciiLower(TrimView(param.substr(sizeof("charset=") - 1)));
      if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
        charset = charset.substr(1, charset.size() - 2);
      }
      // Non-UTF-8 text is read as Latin-1 (AsUtf8); anything else would be
      // read wrong.
      if (charset != "utf-8" && charset != "utf8" && charset != "us-ascii" &&
          charset != "iso-8859-1" && charset != "latin1" && charset != "windows-1252") {
        return Fail(ErrorCode::kUnsupported,
                    "body: charset " + Shortened(charset, 40) + " is not supported; send UTF-8");
      }
    }
    up.text = req.body;
  } else {
    return Fail(ErrorCode::kUnsupported,
                "body: send the BibTeX or RIS file as the body with Content-Type "
                "application/x-bibtex, application/x-research-info-systems or text/plain, or "
                "as multipart/form-data (a \"file\" field)" +
                    (media.empty() ? std::string() : ", not " + Shortened(media, 60)));
  }
  if (!has_tag) up.tag = std::string(req.Param("tag"));
  return up;
}

std::string SaveFormHtml(const Context& ctx, const std::optional<auth::Principal>& viewer,
                         std::string_view paper_id, std::string_view next_path) {
  auto id = ParseArxivId(paper_id);
  if (!id) return "";
  TemplateData data;
  data.set("id", id->base);
  data.set("next_path", SafeNextPath(next_path));
  std::optional<LibraryEntry> entry;
  if (viewer) {
    data.set("signed_in", true);
    data.set("csrf_token", viewer->csrf_token);
    auto store = ctx.stores.Acquire();
    auto got = store ? (*store)->GetLibraryEntry(viewer->account.id, id->base)
                     : Result<std::optional<LibraryEntry>>(tl::unexpected(store.error()));
    if (got) {
      entry = std::move(*got);
    } else {
      spdlog::warn("pages: cannot read the library entry of {}: {}", id->base,
                   got.error().ToString());
    }
  }
  data.set("saved", entry.has_value());
  if (entry) {
    TemplateData tags{TemplateData::type::list};
    for (const std::string& t : entry->tags) {
      TemplateData tag;
      tag.set("tag", t);
      tag.set("href", "/library?tag=" + UrlEncode(t));
      tags.push_back(tag);
    }
    if (!entry->tags.empty()) data.set("tags", tags);
    data.set("tags_text", TagText(entry->tags));
    SetIfAny(data, "note", entry->note);
    SetIfAny(data, "saved_label", DisplayDate(entry->saved_at));
  }
  data.set("max_note", std::to_string(kMaxLibraryNoteChars));
  auto html = ctx.templates.Render("save_form", data);
  if (!html) {
    spdlog::error("pages: {}", html.error().ToString());
    return "";
  }
  return *html;
}

}  // namespace paperpulse::http
