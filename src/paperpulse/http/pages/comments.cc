// The comment forms of the paper page, for readers without JavaScript:
//   POST /papers/{id}/comments                   text, parent_id (a reply)
//   POST /papers/{id}/comments/{cid}/edit        text (own comments)
//   POST /papers/{id}/comments/{cid}/delete      (own comments)
//   POST /papers/{id}/comments/{cid}/hide        hidden=true|false (admins)
// Each answers 303 to the comment on the paper page (the discussion, after a
// delete). And GET /papers/{id}/comments.atom, the discussion's feed.
#include "paperpulse/http/comments.h"

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/http/feeds/feeds.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"

namespace paperpulse::http {
namespace {

// The comment id of the path; a bad one is an unknown comment.
Response WithCommentId(const Context& ctx, const PathParams& params,
                       const std::function<Response(int64_t)>& fn) {
  auto id = ParseCommentId(params.Get("cid"));
  if (!id) return FormErrorPage(ctx, id.error());
  return fn(*id);
}

Response PostComment(const Context& ctx, const Request& req, const PathParams& params) {
  return WithFormWriter(ctx, req,
                        [&](storage::Store& store, const auth::Principal& who, const Fields& body,
                            const std::string&) {
                          auto parent = body.GetInt("parent_id", 0);
                          if (!parent) return FormErrorPage(ctx, parent.error());
                          auto c = AddComment(ctx, store, who, params.Get("id"),
                                              body.Get("text").value_or(""), *parent);
                          if (!c) return FormErrorPage(ctx, c.error());
                          return SeeOther(CommentPath(*c));
                        });
}

Response PostEdit(const Context& ctx, const Request& req, const PathParams& params) {
  return WithCommentId(ctx, params, [&](int64_t cid) {
    return WithFormWriter(ctx, req,
                          [&](storage::Store& store, const auth::Principal& who, const Fields& body,
                              const std::string&) {
                            auto c = EditComment(ctx, store, who, params.Get("id"), cid,
                                                 body.Get("text").value_or(""));
                            if (!c) return FormErrorPage(ctx, c.error());
                            return SeeOther(CommentPath(*c));
                          });
  });
}

Response PostDelete(const Context& ctx, const Request& req, const PathParams& params) {
  return WithCommentId(ctx, params, [&](int64_t cid) {
    return WithFormWriter(
        ctx, req,
        [&](storage::Store& store, const auth::Principal& who, const Fields&, const std::string&) {
          Status s = DeleteComment(ctx, store, who, params.Get("id"), cid);
          if (!s) return FormErrorPage(ctx, s.error());
          return SeeOther("/papers/" + ParseArxivId(params.Get("id"))->base + "#discussion");
        });
  });
}

Response PostHide(const Context& ctx, const Request& req, const PathParams& params) {
  return WithCommentId(ctx, params, [&](int64_t cid) {
    return WithFormWriter(ctx, req,
                          [&](storage::Store& store, const auth::Principal& who, const Fields& body,
                              const std::string&) {
                            auto hidden = body.GetBool("hidden", true);
                            if (!hidden) return FormErrorPage(ctx, hidden.error());
                            auto c = HideComment(ctx, store, who, params.Get("id"), cid, *hidden);
                            if (!c) return FormErrorPage(ctx, c.error());
                            return SeeOther(CommentPath(*c));
                          });
  });
}

}  // namespace

void AddCommentRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  router.Add({"paper_comments_feed", "/papers/{id...}/comments.atom",
              [c](const Request& req, const PathParams& p) {
                return PaperCommentsFeed(*c, req, p.Get("id"));
              }});
  AddUncachedRoute(
      router, "comment_add_form", "/papers/{id...}/comments", {"POST"},
      [c](const Request& req, const PathParams& p) { return PostComment(*c, req, p); });
  AddUncachedRoute(router, "comment_edit_form", "/papers/{id...}/comments/{cid}/edit", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostEdit(*c, req, p); });
  AddUncachedRoute(router, "comment_delete_form", "/papers/{id...}/comments/{cid}/delete", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostDelete(*c, req, p); });
  AddUncachedRoute(router, "comment_hide_form", "/papers/{id...}/comments/{cid}/hide", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostHide(*c, req, p); });
}

}  // namespace paperpulse::http
