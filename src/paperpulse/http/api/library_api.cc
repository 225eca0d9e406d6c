#include "paperpulse/http/api/library_api.h"

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/api/api.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/http/library.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// The tags and note `body` sets; absent (or null) fields change nothing.
Result<LibraryChange> ChangeOfBody(const Fields& body) {
  LibraryChange change;
  if (body.Has("tags")) {
    ASSIGN_OR_RETURN(std::vector<std::string> tags, body.GetList("tags"));
    ASSIGN_OR_RETURN(change.tags, NormalizeLibraryTags(tags));
  }
  if (body.Has("note")) {
    ASSIGN_OR_RETURN(std::string note, body.Get("note"));
    ASSIGN_OR_RETURN(change.note, NormalizeLibraryNote(note));
  }
  return change;
}

Result<Response> ItemResponse(storage::Store& store, int status, const LibraryEntry& entry) {
  ASSIGN_OR_RETURN(LibraryItem item, LoadLibraryItem(store, entry));
  return NoStoreJson(status, LibraryItemJson(item));
}

// The signed-in reader of a GET: a session (no CSRF token needed to read)
// or a Bearer token.
Result<auth::Principal> Reader(const Context& ctx, storage::Store& store, const Request& req) {
  ASSIGN_OR_RETURN(std::optional<auth::Principal> who,
                   auth::Authenticate(store, req, NowSeconds(ctx)));
  if (!who) return Fail(ErrorCode::kUnauthenticated, "not signed in");
  return *who;
}

Result<Response> Save(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string id, body.Get("id"));
  ASSIGN_OR_RETURN(LibraryChange change, ChangeOfBody(body));
  ASSIGN_OR_RETURN(storage::Store::SavedEntry saved,
                   SaveToOwnLibrary(ctx, *store, who, id, change));
  ASSIGN_OR_RETURN(Response r, ItemResponse(*store, saved.created ? 201 : 200, saved.entry));
  if (saved.created) r.headers.emplace_back("Location", "/api/library/" + saved.entry.paper_id);
  return r;
}

Result<Response> Update(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(LibraryChange change, ChangeOfBody(body));
  ASSIGN_OR_RETURN(LibraryEntry entry,
                   UpdateOwnLibraryEntry(ctx, *store, who, params.Get("id"), change));
  return ItemResponse(*store, 200, entry);
}

Result<Response> Remove(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(std::string id, RemoveFromOwnLibrary(ctx, *store, who, params.Get("id")));
  JsonWriter w;
  w.BeginObject();
  w.Key("status");
  w.String("removed");
  w.Key("id");
  w.String(id);
  w.EndObject();
  return NoStoreJson(200, w.Take());
}

Result<Response> Get(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, Reader(ctx, *store, req));
  std::string_view raw = params.Get("id");
  auto id = ParseArxivId(raw);
  std::string shown = id ? id->base : CleanText(raw.substr(0, 64));
  std::optional<LibraryEntry> entry;
  if (id) {
    ASSIGN_OR_RETURN(entry, store->GetLibraryEntry(who.account.id, id->base));
  }
  if (!entry) return Fail(ErrorCode::kNotFound, shown + " is not in your library");
  return ItemResponse(*store, 200, *entry);
}

Result<Response> List(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(std::vector<std::string> words, LibraryQueryWords(req.Param("q")));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, Reader(ctx, *store, req));
  ASSIGN_OR_RETURN(std::vector<LibraryItem> items,
                   LoadOwnLibrary(*store, who, TrimView(req.Param("tag")), words));
  std::string out = "[";
  for (const LibraryItem& item : items) {
    if (out.size() > 1) out += ',';
    out += LibraryItemJson(item);
  }
  out += ']';
  return NoStoreJson(200, std::move(out));
}

Result<Response> Tags(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, Reader(ctx, *store, req));
  ASSIGN_OR_RETURN(std::vector<storage::Store::TagCount> tags, store->LibraryTags(who.account.id));
  JsonWriter w;
  w.BeginArray();
  for (const storage::Store::TagCount& t : tags) {
    w.BeginObject();
    w.Key("tag");
    w.String(t.tag);
    w.Key("count");
    w.Int(t.count);
    w.EndObject();
  }
  w.EndArray();
  return NoStoreJson(200, w.Take());
}

void WriteStrings(JsonWriter& w, const std::vector<std::string>& items) {
  w.BeginArray();
  for (const std::string& s : items) w.String(s);
  w.EndArray();
}

Result<Response> Import(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(ImportUpload upload, ReadImportUpload(req));
  ASSIGN_OR_RETURN(
      auth::Principal who,
      auth::RequireWriter(*store, req, NowSeconds(ctx), upload.csrf_token, ctx.options.base_url));
  ASSIGN_OR_RETURN(ImportReport report,
                   ImportToOwnLibrary(ctx, *store, who, upload.text, upload.tag));
  JsonWriter w;
  w.BeginObject();
  w.Key("format");
  w.String(report.format);
  w.Key("imported");
  WriteStrings(w, report.imported);
  w.Key("alreadySaved");
  WriteStrings(w, report.already_saved);
  w.Key("unmatched");
  w.BeginArray();
  for (const ImportReport::Unmatched& u : report.unmatched) {
    w.BeginObject();
    w.Key("line");
    w.Int(u.line);
    w.Key("key");
    w.String(u.key);
    w.Key("title");
    w.String(u.title);
    w.Key("reason");
    w.String(u.reason);
    w.EndObject();
  }
  w.EndArray();
  w.Key("errors");
  WriteStrings(w, report.errors);
  w.EndObject();
  return NoStoreJson(200, w.Take());
}

}  // namespace

void AddLibraryApiRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  AddJsonRoute(router, "api_library_save", "/api/library", {"POST"},
               [c](const Request& req, const PathParams&) { return Save(*c, req); });
  AddJsonRoute(router, "api_library", "/api/library", {"GET"},
               [c](const Request& req, const PathParams&) { return List(*c, req); });
  // Before /api/library/{id...}, which would take "tags" or "import" for an id.
  AddJsonRoute(router, "api_library_tags", "/api/library/tags", {"GET"},
               [c](const Request& req, const PathParams&) { return Tags(*c, req); });
  AddJsonRoute(router, "api_library_import", std::string(kLibraryImportApiPath), {"POST"},
               [c](const Request& req, const PathParams&) { return Import(*c, req); });
  AddJsonRoute(router, "api_library_entry", "/api/library/{id...}", {"GET"},
               [c](const Request& req, const PathParams& p) { return Get(*c, req, p); });
  AddJsonRoute(router, "api_library_update", "/api/library/{id...}", {"PATCH"},
               [c](const Request& req, const PathParams& p) { return Update(*c, req, p); });
  AddJsonRoute(router, "api_library_remove", "/api/library/{id...}", {"DELETE"},
               [c](const Request& req, const PathParams& p) { return Remove(*c, req, p); });
}

}  // namespace paperpulse::http
