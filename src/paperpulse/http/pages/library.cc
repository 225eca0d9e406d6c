// The personal library pages, for browsers without JavaScript: /library
// (the reader's saved papers as cards with their tags and notes, tag
// filters, search within the library, export links and the import form),
// the import form's target (/library/import: a file upload as
// multipart/form-data, or pasted text; answers the library with the
// import's report), the exports /library.bib and /library.json, and the
// save forms of cards and paper pages (/papers/{id}/save). The logic is in
// http/library.h.
#include "paperpulse/http/library.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/api/params.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/citations.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/pages/cards.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

constexpr int64_t kPageSize = 50;
constexpr int64_t kMaxPage = 10000;

std::string PapersLabel(size_t n) { return std::to_string(n) + (n == 1 ? " paper" : " papers"); }

// What the page shows besides the library: the report of an import just
// made, or why it failed.
struct ImportOutcome {
  std::optional<ImportReport> report;
  std::string filename;
  std::string error;
};

void AddImportOutcome(TemplateData& data, const ImportOutcome& outcome) {
  if (!outcome.error.empty()) {
    data.set("import_error", outcome.error);
    return;
  }
  if (!outcome.report) return;
  const ImportReport& r = *outcome.report;
  TemplateData report;
  if (!outcome.filename.empty()) report.set("filename", outcome.filename);
  report.set("format", r.format == "ris" ? "RIS" : "BibTeX");
  std::string summary = PapersLabel(r.imported.size()) + " imported, " +
                        std::to_string(r.already_saved.size()) + " already in your library, " +
                        std::to_string(r.unmatched.size()) + " not found on this site";
  if (!r.errors.empty()) summary += ", " + std::to_string(r.errors.size()) + " not readable";
  report.set("summary", summary + ".");
  auto id_list = [](const std::vector<std::string>& ids) {
    TemplateData list{TemplateData::type::list};
    for (const std::string& id : ids) {
      TemplateData item;
      item.set("id", id);
      list.push_back(item);
    }
    return list;
  };
  if (!r.imported.empty()) {
    report.set("imported", id_list(r.imported));
    report.set("has_imported", true);
  }
  if (!r.already_saved.empty()) {
    report.set("already_saved", id_list(r.already_saved));
    report.set("has_already_saved", true);
  }
  if (!r.unmatched.empty()) {
    TemplateData list{TemplateData::type::list};
    for (const ImportReport::Unmatched& u : r.unmatched) {
      TemplateData item;
      item.set("line", std::to_string(u.line));
      if (!u.key.empty()) item.set("key", u.key);
      if (!u.title.empty()) item.set("title", u.title);
      item.set("reason", u.reason);
      list.push_back(item);
    }
    report.set("unmatched", list);
    report.set("has_unmatched", true);
  }
  if (!r.errors.empty()) {
    TemplateData list{TemplateData::type::list};
    for (const std::string& e : r.errors) {
      TemplateData item;
      item.set("message", e);
      list.push_back(item);
    }
    report.set("errors", list);
    report.set("has_errors", true);
  }
  data.set("report", report);
}

// The card of one entry: its paper as on the daily lists, with the entry's
// tags, note and edit form.
TemplateData EntryCard(const LibraryItem& item) {
  TemplateData card = DailyCard(ListedItem(item.paper, item.listing), /*show_date=*/false);
  TemplateData entry;
  TemplateData tags{TemplateData::type::list};
  for (const std::string& t : item.entry.tags) {
    TemplateData tag;
    tag.set("tag", t);
    tag.set("href", WithQuery("/library", {{"tag", t}}));
    tags.push_back(tag);
  }
  if (!item.entry.tags.empty()) entry.set("tags", tags);
  entry.set("tags_text", TagText(item.entry.tags));
  if (!item.entry.note.empty()) entry.set("note", item.entry.note);
  entry.set("saved_label", DisplayDate(item.entry.saved_at));
  entry.set("max_note", std::to_string(kMaxLibraryNoteChars));
  card.set("entry", entry);
  return card;
}

Response LibraryPage(const Context& ctx, const Request& req, const auth::Principal& who, int status,
                     const ImportOutcome& outcome) {
  bool import_answer = req.method == "POST";
  // The import answers with the whole library, unfiltered.
  std::string tag(import_answer ? "" : TrimView(req.Param("tag")).substr(0, 200));
  std::string q(import_answer ? "" : TrimView(req.Param("q")).substr(0, kMaxLibraryQueryChars));
  q = CleanText(q);
  tag = CleanText(tag);
  auto page = import_answer ? Result<int64_t>(1) : IntParam(req, "page", 1, 1, kMaxPage);
  if (!page) return ErrorPage(ctx, 400, page.error().message);
  auto words = LibraryQueryWords(q);
  if (!words) return ErrorPage(ctx, 400, words.error().message);

  auto store = ctx.stores.Acquire();
  if (!store) return StoreErrorPage(ctx, store.error());
  auto all = (*store)->Library(who.account.id, "");
  if (!all) return StoreErrorPage(ctx, all.error());
  auto tag_counts = (*store)->LibraryTags(who.account.id);
  if (!tag_counts) return StoreErrorPage(ctx, tag_counts.error());
  size_t total = all->size();

  std::vector<LibraryEntry> entries;
  for (LibraryEntry& e : *all) {
    if (tag.empty() || std::find(e.tags.begin(), e.tags.end(), tag) != e.tags.end()) {
      entries.push_back(std::move(e));
    }
  }
  // Without words only the page's papers are read; words need every paper
  // of the selection.
  std::vector<LibraryItem> items;
  size_t matching = entries.size();
  size_t first = static_cast<size_t>((*page - 1) * kPageSize);
  if (!words->empty()) {
    matching = 0;
    for (const LibraryEntry& e : entries) {
      auto item = LoadLibraryItem(**store, e);
      if (!item) {
        if (item.error().code == ErrorCode::kNotFound) continue;
        return StoreErrorPage(ctx, item.error());
      }
      if (!MatchesLibraryQuery(item->entry, item->paper, *words)) continue;
      if (matching >= first && matching < first + kPageSize) items.push_back(std::move(*item));
      ++matching;
    }
  } else {
    for (size_t i = first; i < entries.size() && i < first + kPageSize; ++i) {
      auto item = LoadLibraryItem(**store, entries[i]);
      if (!item) {
        if (item.error().code == ErrorCode::kNotFound) continue;
        return StoreErrorPage(ctx, item.error());
      }
      items.push_back(std::move(*item));
    }
  }

  TemplateData data;
  data.set("csrf_token", who.csrf_token);
  if (!tag.empty()) data.set("tag", tag);  // an empty string is a true section
  data.set("q", q);
  bool filtered = !tag.empty() || !q.empty();
  std::string count = PapersLabel(total);
  if (!tag.empty() && q.empty()) {
    count = std::to_string(matching) + " of " + count + " tagged \u201c" + tag + "\u201d";
  } else if (filtered) {
    count = std::to_string(matching) + " of " + count + " match \u201c" + q + "\u201d" +
            (tag.empty() ? "" : " tagged \u201c" + tag + "\u201d");
  }
  data.set("count_label", count);
  data.set("has_papers", total > 0);
  if (total > 0) {
    data.set("bib_href", WithQuery("/library.bib", {{"tag", tag}, {"q", q}}));
    data.set("json_href", WithQuery("/library.json", {{"tag", tag}, {"q", q}}));
    data.set("export_label", !filtered       ? "Export all"
                             : matching == 1 ? "Export this paper"
                                             : "Export these " + PapersLabel(matching));
  }
  if (!tag_counts->empty()) {
    TemplateData chips{TemplateData::type::list};
    for (const storage::Store::TagCount& t : *tag_counts) {
      TemplateData chip;
      chip.set("tag", t.tag);
      chip.set("count", std::to_string(t.count));
      chip.set("href", WithQuery("/library", {{"tag", t.tag}, {"q", q}}));
      chip.set("current", t.tag == tag);
      chips.push_back(chip);
    }
    data.set("tags", chips);
    data.set("has_tags", true);
    data.set("all_href", WithQuery("/library", {{"q", q}}));
    data.set("all_current", tag.empty());
  }
  if (!q.empty()) data.set("clear_q_href", WithQuery("/library", {{"tag", tag}}));
  if (total == 0) {
    data.set("empty_message",
             "Your library is empty. Press the bookmark beside a paper (or Save on its page) to "
             "keep it here with tags and a private note, or import a BibTeX or RIS file below.");
  } else if (matching == 0) {
    data.set("empty_message", "No saved paper matches.");
  }
  AddImportOutcome(data, outcome);

  TemplateData cards{TemplateData::type::list};
  for (const LibraryItem& item : items) cards.push_back(EntryCard(item));
  CardViewer viewer = ViewerOfCards(ctx, req, who, cards);
  viewer.saved.clear();
  for (const LibraryItem& item : items) viewer.saved.push_back(item.paper.id);
  viewer.next_path = WithQuery(
      "/library",
      {{"tag", tag}, {"q", q}, {"page", *page > 1 ? std::to_string(*page) : std::string()}});
  auto html = RenderCards(ctx, cards, viewer);
  if (!html) return TemplateErrorPage(html.error());
  data.set("cards_html", *html);

  int64_t last_page =
      std::max<int64_t>(1, (static_cast<int64_t>(matching) + kPageSize - 1) / kPageSize);
  if (*page > 1 || *page < last_page) {
    data.set("has_pager", true);
    data.set("page_label", "Page " + std::to_string(*page) + " of " + std::to_string(last_page));
    auto href = [&](int64_t n) {
      return WithQuery(
          "/library",
          {{"tag", tag}, {"q", q}, {"page", n > 1 ? std::to_string(n) : std::string()}});
    };
    if (*page > 1) data.set("prev_href", href(*page - 1));
    if (*page < last_page) data.set("next_href", href(*page + 1));
  }

  PageInfo info;
  info.title = tag.empty() ? "Your library" : "Your library: " + tag;
  info.canonical_path = "/library";
  info.nav = PageInfo::Nav::kLibrary;
  info.math = true;
  info.viewer = who;
  Response r = RenderPage(ctx, status, "library", std::move(data), info);
  r.cache = CachePolicy::kPrivate;
  return r;
}

Response GetLibrary(const Context& ctx, const Request& req) {
  auto viewer = PageViewer(ctx, req);
  if (!viewer) return SeeOther(LoginPath(req.target.empty() ? "/library" : req.target));
  return LibraryPage(ctx, req, *viewer, 200, {});
}

Response PostImport(const Context& ctx, const Request& req) {
  auto upload = ReadImportUpload(req);
  if (!upload) return FormErrorPage(ctx, upload.error());
  auto store = ctx.stores.Acquire();
  if (!store) return FormErrorPage(ctx, store.error());
  auto who =
      auth::RequireWriter(**store, req, NowSeconds(ctx), upload->csrf_token, ctx.options.base_url);
  if (!who) {
    if (who.error().code == ErrorCode::kUnauthenticated) return SeeOther(LoginPath("/library"));
    return FormErrorPage(ctx, who.error());
  }
  ImportOutcome outcome;
  outcome.filename = upload->filename;
  auto report = ImportToOwnLibrary(ctx, **store, *who, upload->text, upload->tag);
  int status = 200;
  if (report) {
    outcome.report = std::move(*report);
  } else {
    status = HttpStatus(report.error().code);
    outcome.error = ClientMessage(report.error(), "pages");
  }
  Response r = LibraryPage(ctx, req, *who, status, outcome);
  if (!report) AddRetryAfter(r, report.error());
  r.cache = CachePolicy::kNoStore;
  return r;
}

Response PostSave(const Context& ctx, const Request& req, const PathParams& params) {
  return WithFormWriter(ctx, req,
                        [&](storage::Store& store, const auth::Principal& who, const Fields& body,
                            const std::string& next) {
                          std::string action = body.Get("action").value_or("save");
                          if (action == "remove") {
                            auto removed = RemoveFromOwnLibrary(ctx, store, who, params.Get("id"));
                            // Removing twice (a double click, a second tab) is no error.
                            if (!removed && removed.error().code != ErrorCode::kNotFound) {
                              return FormErrorPage(ctx, removed.error());
                            }
                            return SeeOther(next);
                          }
                          if (action != "save") {
                            return FormErrorPage(ctx, Error{ErrorCode::kInvalidArgument,
                                                            "action: expected save or remove"});
                          }
                          LibraryChange change;
                          if (body.Has("tags")) {
                            auto tags = ParseTagText(body.Get("tags").value_or(""));
                            if (!tags) return FormErrorPage(ctx, tags.error());
                            change.tags = std::move(*tags);
                          }
                          if (body.Has("note")) {
                            auto note = NormalizeLibraryNote(body.Get("note").value_or(""));
                            if (!note) return FormErrorPage(ctx, note.error());
                            change.note = std::move(*note);
                          }
                          auto saved = SaveToOwnLibrary(ctx, store, who, params.Get("id"), change);
                          if (!saved) return FormErrorPage(ctx, saved.error());
                          return SeeOther(next);
                        });
}

// An export's reader: a session cookie or a Bearer token. A browser
// without a session is sent to sign in and back; a script gets 401.
Result<auth::Principal> ExportReader(const Context& ctx, storage::Store& store,
                                     const Request& req) {
  ASSIGN_OR_RETURN(std::optional<auth::Principal> who,
                   auth::Authenticate(store, req, NowSeconds(ctx)));
  if (!who) {
    return Fail(ErrorCode::kUnauthenticated,
                "sign in (a session cookie or an Authorization: Bearer token) to export your "
                "library");
  }
  return *who;
}

Response PlainError(const Error& e) {
  Response r = MakeResponse(HttpStatus(e.code), "text/plain; charset=utf-8",
                            ClientMessage(e, "pages") + "\n");
  AddRetryAfter(r, e);
  r.cache = CachePolicy::kNoStore;
  return r;
}

enum class ExportFormat { kBibtex, kCslJson };

Response Export(const Context& ctx, const Request& req, ExportFormat format) {
  auto store = ctx.stores.Acquire();
  if (!store) return PlainError(store.error());
  auto who = ExportReader(ctx, **store, req);
  if (!who) {
    if (who.error().code == ErrorCode::kUnauthenticated &&
        req.Header("accept").find("text/html") != std::string_view::npos) {
      return SeeOther(LoginPath(req.target));
    }
    return PlainError(who.error());
  }
  auto words = LibraryQueryWords(req.Param("q"));
  if (!words) return PlainError(words.error());
  auto items = LoadOwnLibrary(**store, *who, TrimView(req.Param("tag")), *words);
  if (!items) return PlainError(items.error());
  Response r;
  if (format == ExportFormat::kBibtex) {
    r = MakeResponse(200, "application/x-bibtex; charset=utf-8", LibraryBibtex(*items));
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"paperpulse-library.bib\"");
  } else {
    std::vector<Paper> papers;
    papers.reserve(items->size());
    for (LibraryItem& item : *items) papers.push_back(std::move(item.paper));
    r = MakeResponse(200, "application/vnd.citationstyles.csl+json", CslJson(papers));
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"paperpulse-library.json\"");
  }
  r.cache = CachePolicy::kNoStore;
  return r;
}

}  // namespace

void AddLibraryRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  AddUncachedRoute(router, "library_page", "/library", {"GET"},
                   [c](const Request& req, const PathParams&) { return GetLibrary(*c, req); });
  AddUncachedRoute(router, "library_import_form", std::string(kLibraryImportFormPath), {"POST"},
                   [c](const Request& req, const PathParams&) { return PostImport(*c, req); });
  AddUncachedRoute(router, "library_bibtex", "/library.bib", {"GET"},
                   [c](const Request& req, const PathParams&) {
                     return Export(*c, req, ExportFormat::kBibtex);
                   });
  AddUncachedRoute(router, "library_csl_json", "/library.json", {"GET"},
                   [c](const Request& req, const PathParams&) {
                     return Export(*c, req, ExportFormat::kCslJson);
                   });
  AddUncachedRoute(router, "save_form", "/papers/{id...}/save", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostSave(*c, req, p); });
}

}  // namespace paperpulse::http
