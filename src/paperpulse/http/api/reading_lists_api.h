// The reading list API (http/reading_lists.h): one's own lists
// (GET/POST /api/lists), anybody's public lists (GET /api/lists/{owner}),
// a list with its papers (GET /api/lists/{owner}/{slug}[?key=SECRET]) and
// the owner's edits (PATCH/DELETE /api/lists/{owner}/{slug}, POST
// .../papers, PATCH/DELETE .../papers/{id}). Lists that a client may not
// see, or may not change, are answered 404. See docs/api.md.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// Adds the /api/lists routes to `router`; before the /api/ catch-all.
// `ctx` must outlive the router.
void AddReadingListApiRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
