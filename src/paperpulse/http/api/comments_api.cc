#include "paperpulse/http/api/comments_api.h"

#include "paperpulse/http/api/api.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/comments.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/http/markdown.h"
#include "paperpulse/http/status.h"

namespace paperpulse::http {
namespace {

// A comment as the API shows it; a placeholder is only {"id", "deleted"}.
void WriteComment(JsonWriter& w, const ThreadItem& item) {
  const Comment& c = item.comment;
  w.BeginObject();
  w.Key("id");
  w.Int(c.id);
  if (item.placeholder) {
    w.Key("deleted");
    w.Bool(true);
    w.EndObject();
    return;
  }
  w.Key("paperId");
  w.String(c.paper_id);
  w.Key("parentId");
  if (c.parent_id == 0) {
    w.Null();
  } else {
    w.Int(c.parent_id);
  }
  w.Key("author");
  w.BeginObject();
  w.Key("name");
  w.String(CommentAuthor(c));
  w.EndObject();
  w.Key("text");
  w.String(c.text);
  w.Key("html");
  w.String(RenderCommentMarkdown(c.text));
  w.Key("createdAt");
  w.String(c.created_at);
  w.Key("editedAt");
  if (c.edited_at.empty()) {
    w.Null();
  } else {
    w.String(c.edited_at);
  }
  if (c.hidden) {
    w.Key("hidden");
    w.Bool(true);
  }
  w.EndObject();
}

Response CommentResponse(int status, const Comment& c) {
  JsonWriter w;
  WriteComment(w, ThreadItem{c, false});
  Response r = NoStoreJson(status, w.Take());
  if (status == 201) r.headers.emplace_back("Location", CommentPath(c));
  return r;
}

Result<Response> List(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  // Only admins see more (hidden comments); everybody else gets the answer
  // the shared cache keeps for anonymous readers.
  std::optional<auth::Principal> viewer;
  if (req.IsPersonal()) {
    ASSIGN_OR_RETURN(viewer, auth::Authenticate(*store, req, NowSeconds(ctx)));
  }
  ASSIGN_OR_RETURN(std::vector<ThreadItem> thread,
                   PaperThread(*store, params.Get("id"), viewer ? &*viewer : nullptr));
  JsonWriter w;
  w.BeginArray();
  for (const ThreadItem& item : thread) WriteComment(w, item);
  w.EndArray();
  return MakeResponse(200, "application/json", w.Take());
}

Result<Response> Create(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string text, body.Get("text"));
  ASSIGN_OR_RETURN(int64_t parent_id, body.GetInt("parentId", 0));
  if (body.Has("parentId") && parent_id <= 0) {
    return Fail(ErrorCode::kInvalidArgument, "parentId: expected a comment id");
  }
  ASSIGN_OR_RETURN(Comment c, AddComment(ctx, *store, who, params.Get("id"), text, parent_id));
  return CommentResponse(201, c);
}

Result<Response> Update(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(int64_t comment_id, ParseCommentId(params.Get("commentId")));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  if (!body.Has("text") && !body.Has("hidden")) {
    return Fail(ErrorCode::kInvalidArgument,
                "expected \"text\" (your comment's new text) or \"hidden\" (admins)");
  }
  std::optional<Comment> out;
  if (body.Has("hidden")) {
    ASSIGN_OR_RETURN(bool hidden, body.GetBool("hidden"));
    ASSIGN_OR_RETURN(out, HideComment(ctx, *store, who, params.Get("id"), comment_id, hidden));
  }
  if (body.Has("text")) {
    ASSIGN_OR_RETURN(std::string text, body.Get("text"));
    ASSIGN_OR_RETURN(out, EditComment(ctx, *store, who, params.Get("id"), comment_id, text));
  }
  return CommentResponse(200, *out);
}

Result<Response> Delete(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(int64_t comment_id, ParseCommentId(params.Get("commentId")));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  RETURN_IF_ERROR(DeleteComment(ctx, *store, who, params.Get("id"), comment_id));
  JsonWriter w;
  w.BeginObject();
  w.Key("id");
  w.Int(comment_id);
  w.Key("deleted");
  w.Bool(true);
  w.EndObject();
  return NoStoreJson(200, w.Take());
}

}  // namespace

void AddCommentApiRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  router.Add({"api_comments", "/api/papers/{id...}/comments",
              [c](const Request& req, const PathParams& p) {
                Result<Response> r = List(*c, req, p);
                return r ? std::move(*r) : JsonErrorResponse(r.error());
              }});
  AddJsonRoute(router, "api_comment_add", "/api/papers/{id...}/comments", {"POST"},
               [c](const Request& req, const PathParams& p) { return Create(*c, req, p); });
  AddJsonRoute(router, "api_comment_update", "/api/papers/{id...}/comments/{commentId}", {"PATCH"},
               [c](const Request& req, const PathParams& p) { return Update(*c, req, p); });
  AddJsonRoute(router, "api_comment_delete", "/api/papers/{id...}/comments/{commentId}", {"DELETE"},
               [c](const Request& req, const PathParams& p) { return Delete(*c, req, p); });
}

}  // namespace paperpulse::http
