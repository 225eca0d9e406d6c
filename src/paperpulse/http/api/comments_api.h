// The discussion API (docs/api.md, "Comments"):
//   GET    /api/papers/{id}/comments               the thread, in thread order
//   POST   /api/papers/{id}/comments               {"text", "parentId"?} -> 201
//   PATCH  /api/papers/{id}/comments/{commentId}   {"text"} (own) / {"hidden"} (admins)
//   DELETE /api/papers/{id}/comments/{commentId}   (own)
// Writes need a session with its CSRF token or a Bearer token (ApiWriter).
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// Adds the routes above to `router`, before /api/papers/{id...} (which
// would take "x/comments" for an id). `ctx` must outlive the router.
void AddCommentApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
