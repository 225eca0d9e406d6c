// The HTML pages: daily / weekly / monthly lists, trending, paper pages,
// search and author pages, and error pages. Server-rendered from mustache
// templates; they work without JavaScript, which only renders math (KaTeX)
// and adds a copy button.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/http/context.h"
#include "paperpulse/http/message.h"
#include "paperpulse/http/router.h"
#include "paperpulse/http/templates.h"

namespace paperpulse::http {

// Adds every page route (/, /papers/..., /search, /authors/...) to `router`.
void AddPageRoutes(Router& router, const Context& ctx);

// What the layout needs besides the page's own content.
struct PageInfo {
  std::string title;
  std::string description;
  std::string canonical_path;  // "/papers/2405.04517"; joined to base_url
  std::string query;           // prefills the search box
  std::string feed_url;        // an Atom feed for this page, if any
  std::string feed_title;
  bool math = false;          // load KaTeX
  bool header_search = true;  // false where the page has its own search form
  enum class Nav { kNone, kDaily, kTrending, kSearch } nav = Nav::kNone;
};

// Renders `content_template` with `data` inside the site layout as a
// response with `status`.
Response RenderPage(const Context& ctx, int status, std::string_view content_template,
                    TemplateData data, const PageInfo& info);

// An error page (404, 400, 503) with `message` and a search box prefilled
// with `query`.
Response ErrorPage(const Context& ctx, int status, std::string_view message,
                   std::string_view query = {});

// A 503 page for a failed Store call; logs `e` (details stay in the log).
Response StoreErrorPage(const Context& ctx, const Error& e);

// A 500 for a template that does not render (a bug in this binary); logs `e`.
Response TemplateErrorPage(const Error& e);

}  // namespace paperpulse::http
