// Atom feeds (RFC 4287) under /feeds/:
//   /feeds/daily.atom             papers listed in the week up to the latest day
//   /feeds/trending.atom          the trending list (same ranking as /papers/trending)
//   /feeds/search.atom?q=         newest papers matching a search query
//   /feeds/authors/{name}.atom    newest papers of an author
//   /papers/{id}/comments.atom    the discussion of a paper (PaperCommentsFeed)
// Entries of listed papers link their discussion (RFC 4685 rel="replies"
// with thr:count = numComments).
// Entry ids are the papers' arXiv abstract URLs, so they are stable across
// requests, feeds and changes of --base-url. Search and author feeds need the
// search index and answer 503 without one.
#pragma once

#include <string_view>

#include "paperpulse/http/context.h"
#include "paperpulse/http/message.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// Adds the /feeds/ routes to `router`. `ctx` must outlive the router.
void AddFeedRoutes(Router& router, const Context& ctx);

// The answer to GET /papers/{id}/comments.atom (routed with the comment
// pages, before the paper page): the paper's visible comments, newest
// first, up to ?limit= (default 50, at most 100), each with its rendered
// HTML as content. Entry ids are the comments' permalinks
// ("{base_url}/papers/{id}#comment-{n}"). 404 (plain text) for an unknown
// paper.
Response PaperCommentsFeed(const Context& ctx, const Request& req, std::string_view raw_id);

}  // namespace paperpulse::http
