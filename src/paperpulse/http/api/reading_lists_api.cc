#include "paperpulse/http/api/reading_lists_api.h"

#include "paperpulse/http/api/api.h"
#include "paperpulse/http/api/hf_json.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/http/reading_lists.h"
#include "paperpulse/http/status.h"

namespace paperpulse::http {
namespace {

void WriteListItem(JsonWriter& w, const ListPaper& p) {
  w.BeginObject();
  w.Key("position");
  w.Int(p.item.position);
  w.Key("note");
  w.String(p.item.note);
  w.Key("addedAt");
  w.String(p.item.added_at);
  w.Key("paper");
  // The object /api/papers/{id} answers, so clients read both alike.
  WriteHfPaper(w, p.paper, p.listing);
  w.EndObject();
}

// The list object; "items" only when `items` is given, "secretUrl" only
// when a write made a new secret link.
void WriteList(JsonWriter& w, const Context& ctx, const ReadingList& list,
               const std::vector<ListPaper>* items, std::string_view secret) {
  w.BeginObject();
  w.Key("owner");
  w.String(list.owner_name);
  w.Key("slug");
  w.String(list.slug);
  w.Key("title");
  w.String(list.title);
  w.Key("description");
  w.String(list.description);
  w.Key("visibility");
  w.String(ListVisibilityName(list.visibility));
  w.Key("createdAt");
  w.String(list.created_at);
  w.Key("updatedAt");
  w.String(list.updated_at);
  w.Key("url");
  w.String(ctx.options.base_url + ListPath(list));
  w.Key("size");
  w.Int(items ? static_cast<int64_t>(items->size()) : list.size);
  if (!secret.empty()) {
    w.Key("secretUrl");
    w.String(SecretListUrl(ctx, list, secret));
  }
  if (items) {
    w.Key("items");
    w.BeginArray();
    for (const ListPaper& p : *items) WriteListItem(w, p);
    w.EndArray();
  }
  w.EndObject();
}

std::string ListsJson(const Context& ctx, const std::vector<ReadingList>& lists) {
  JsonWriter w;
  w.BeginArray();
  for (const ReadingList& l : lists) WriteList(w, ctx, l, nullptr, "");
  w.EndArray();
  return w.Take();
}

Response ListResponse(const Context& ctx, int status, const ListChange& change) {
  JsonWriter w;
  WriteList(w, ctx, change.list, nullptr, change.secret);
  return NoStoreJson(status, w.Take());
}

std::string ApiPath(const ReadingList& list) { return "/api" + ListPath(list); }

Result<Response> OwnListsOf(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<auth::Principal> who,
                   auth::Authenticate(*store, req, NowSeconds(ctx)));
  if (!who) return Fail(ErrorCode::kUnauthenticated, "not signed in");
  ASSIGN_OR_RETURN(std::vector<ReadingList> lists, OwnLists(*store, *who));
  return NoStoreJson(200, ListsJson(ctx, lists));
}

Result<Response> Create(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  // Lists live under the owner's name: without one there is no address yet.
  if (std::string problem = ListOwnerNameProblem(who.account); !problem.empty()) {
    return JsonError(409, problem);
  }
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(ListChange made, CreateList(ctx, *store, who, body));
  Response r = ListResponse(ctx, 201, made);
  r.headers.emplace_back("Location", ApiPath(made.list));
  return r;
}

// GET answers may be cached (anonymous readers share them, as pages); a
// failure is answered like every API error.
Response Readable(Result<std::string> body) {
  if (!body) return JsonErrorResponse(body.error());
  return MakeResponse(200, "application/json", std::move(*body));
}

Result<std::string> PublicListsOf(const Context& ctx, std::string_view owner) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<Account> account, store->GetAccountByName(owner));
  if (!account || account->banned) {
    return Fail(ErrorCode::kNotFound, "no reader named " + std::string(owner.substr(0, 80)));
  }
  ASSIGN_OR_RETURN(std::vector<ReadingList> lists, store->ReadingListsOf(account->id));
  std::erase_if(lists,
                [](const ReadingList& l) { return l.visibility != ListVisibility::kPublic; });
  return ListsJson(ctx, lists);
}

Result<std::string> ListJson(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<auth::Principal> viewer,
                   auth::Authenticate(*store, req, NowSeconds(ctx)));
  ASSIGN_OR_RETURN(VisibleList v, FindVisibleList(*store, params.Get("owner"), params.Get("slug"),
                                                  viewer, req.Param("key")));
  ASSIGN_OR_RETURN(std::vector<ListPaper> items, LoadListPapers(*store, v.list));
  JsonWriter w;
  WriteList(w, ctx, v.list, &items, "");
  return w.Take();
}

// The writer of `req` and the list of the path they own.
struct OwnedList {
  auth::Principal who;
  ReadingList list;
};
Result<OwnedList> Owned(const Context& ctx, storage::Store& store, const Request& req,
                        const PathParams& params) {
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, store, req));
  ASSIGN_OR_RETURN(ReadingList list,
                   FindOwnList(store, who, params.Get("owner"), params.Get("slug")));
  return OwnedList{std::move(who), std::move(list)};
}

Result<Response> Update(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(OwnedList o, Owned(ctx, *store, req, params));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(ListChange changed, UpdateList(ctx, *store, o.who, o.list, body));
  Response r = ListResponse(ctx, 200, changed);
  // The list may have moved (a new slug): say where it is now.
  r.headers.emplace_back("Content-Location", ApiPath(changed.list));
  return r;
}

Result<Response> Delete(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(OwnedList o, Owned(ctx, *store, req, params));
  RETURN_IF_ERROR(DeleteList(ctx, *store, o.who, o.list));
  return NoStoreJson(200, "{\"status\": \"deleted\"}");
}

Response ItemResponse(int status, const ListPaper& p) {
  JsonWriter w;
  WriteListItem(w, p);
  return NoStoreJson(status, w.Take());
}

Result<Response> AddPaper(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(OwnedList o, Owned(ctx, *store, req, params));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string id, body.Get("id"));
  ASSIGN_OR_RETURN(PutOutcome put,
                   PutListPaper(ctx, *store, o.who, o.list, id, body, PutMode::kAdd));
  return ItemResponse(put.added ? 201 : 200, put.paper);
}

Result<Response> UpdatePaper(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(OwnedList o, Owned(ctx, *store, req, params));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(PutOutcome put, PutListPaper(ctx, *store, o.who, o.list, params.Get("id"), body,
                                                PutMode::kUpdate));
  return ItemResponse(200, put.paper);
}

Result<Response> RemovePaper(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(OwnedList o, Owned(ctx, *store, req, params));
  RETURN_IF_ERROR(RemoveListPaper(ctx, *store, o.who, o.list, params.Get("id")));
  return NoStoreJson(200, "{\"status\": \"removed\"}");
}

}  // namespace

void AddReadingListApiRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  AddJsonRoute(router, "api_lists", "/api/lists", {"GET"},
               [c](const Request& req, const PathParams&) { return OwnListsOf(*c, req); });
  AddJsonRoute(router, "api_list_create", "/api/lists", {"POST"},
               [c](const Request& req, const PathParams&) { return Create(*c, req); });
  router.Add({"api_lists_of", "/api/lists/{owner}", [c](const Request&, const PathParams& p) {
                return Readable(PublicListsOf(*c, p.Get("owner")));
              }});
  router.Add(
      {"api_list", "/api/lists/{owner}/{slug}",
       [c](const Request& req, const PathParams& p) { return Readable(ListJson(*c, req, p)); }});
  AddJsonRoute(router, "api_list_update", "/api/lists/{owner}/{slug}", {"PATCH"},
               [c](const Request& req, const PathParams& p) { return Update(*c, req, p); });
  AddJsonRoute(router, "api_list_delete", "/api/lists/{owner}/{slug}", {"DELETE"},
               [c](const Request& req, const PathParams& p) { return Delete(*c, req, p); });
  AddJsonRoute(router, "api_list_add", "/api/lists/{owner}/{slug}/papers", {"POST"},
               [c](const Request& req, const PathParams& p) { return AddPaper(*c, req, p); });
  AddJsonRoute(router, "api_list_item_update", "/api/lists/{owner}/{slug}/papers/{id...}",
               {"PATCH"},
               [c](const Request& req, const PathParams& p) { return UpdatePaper(*c, req, p); });
  AddJsonRoute(router, "api_list_item_remove", "/api/lists/{owner}/{slug}/papers/{id...}",
               {"DELETE"},
               [c](const Request& req, const PathParams& p) { return RemovePaper(*c, req, p); });
}

}  // namespace paperpulse::http
