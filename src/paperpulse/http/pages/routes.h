// Route groups of the pages, one per file (pages.h has AddPageRoutes).
#pragma once

#include "paperpulse/http/context.h"
#include "paperpulse/http/router.h"

namespace paperpulse::http {

// "/", "/papers/date|week|month/...", "/papers/trending" (lists.cc).
void AddListRoutes(Router& router, const Context& ctx);

// "/papers/{id}" (HTML, or Markdown for an Accept that prefers it),
// "/papers/{id}.md" and "/papers/{id}/bibtex" (paper.cc). Add after the
// list routes: "/papers/{id...}" matches any path under /papers/.
void AddPaperRoutes(Router& router, const Context& ctx);

// "/login", "/login/confirm", "/logout", "/settings" and the form targets
// of votes and submissions (account.cc). Add before AddPaperRoutes.
void AddAccountRoutes(Router& router, const Context& ctx);

// "/subscribe", "/subscriptions/confirm/{token}", "/unsubscribe/{token}"
// (one-click, RFC 8058) and the subscription forms of /settings
// (subscribe.cc).
void AddSubscribeRoutes(Router& router, const Context& ctx);

// "/library", "/library.bib", "/library.json", the library import and the
// save forms "/papers/{id}/save" (library.cc). Add before AddPaperRoutes.
void AddLibraryRoutes(Router& router, const Context& ctx);

// The comment forms under "/papers/{id}/comments" and the comments feed
// (comments.cc). Add before AddPaperRoutes.
void AddCommentRoutes(Router& router, const Context& ctx);

// "/lists", "/lists/{owner}/{slug}" with its feed and BibTeX, and the list
// forms (reading_lists.cc). Add before AddPaperRoutes.
void AddReadingListRoutes(Router& router, const Context& ctx);

// "/papers/org/{name}": an organisation's papers (orgs.cc). Add before
// AddPaperRoutes.
void AddOrganizationRoutes(Router& router, const Context& ctx);

// "/search" and "/authors/{name}" (search.cc).
void AddSearchRoutes(Router& router, const Context& ctx);

}  // namespace paperpulse::http
