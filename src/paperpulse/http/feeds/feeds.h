// Atom feeds (RFC 4287) under /feeds/:
//   /feeds/daily.atom             papers listed in the week up to the latest day
//   /feeds/trending.atom          the trending list (same ranking as /papers/trending)
//   /feeds/search.atom?q=         newest papers matching a search query
//   /feeds/authors/{name}.atom    newest papers of an author
// Entry ids are the papers' arXiv abstract URLs, so they are stable across
// requests, feeds and changes of --base-url. Search and author feeds need the
// search index and answer 503 without one.
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// Adds the /feeds/ routes to `router`. `ctx` must outlive the router.
void AddFeedRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
