// The HTML pages: daily / weekly / monthly lists, trending, paper pages,
// search and author pages, account and subscription pages, and error pages. Server-rendered from
// mustache templates; they work without JavaScript, which only renders math (KaTeX) and adds a copy
// button.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/community.h"
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
  std::string markdown_url;   // the page as Markdown (rel="alternate"), if any
  bool math = false;          // load KaTeX
  bool header_search = true;  // false where the page has its own search form
  enum class Nav { kNone, kDaily, kTrending, kSearch, kLibrary, kLists } nav = Nav::kNone;
  // The signed-in reader (their name and sign-out in the header), or
  // nullopt: pages for anonymous readers are shared through the cache and
  // must carry nothing personal.
  std::optional<auth::Principal> viewer;
};

// The signed-in reader of `req`, or nullopt (no session, or the Store
// failed: the page then renders signed out, and the failure is logged).
// Only requests that carry credentials touch the Store.
std::optional<auth::Principal> PageViewer(const Context& ctx, const Request& req);

// Renders `content_template` with `data` inside the site layout as a
// response with `status`.
Response RenderPage(const Context& ctx, int status, std::string_view content_template,
                    TemplateData data, const PageInfo& info);

// An error page (400, 401, 403, 404, 409, 429, 503, ...) with `message` and
// a search box prefilled with `query`.
Response ErrorPage(const Context& ctx, int status, std::string_view message,
                   std::string_view query = {});

// The error page for a failed Result (usually a Store call), with the
// status of status.h: the message of a 4xx; a generic one for a 5xx, whose
// details are logged.
Response StoreErrorPage(const Context& ctx, const Error& e);

// A 500 for a template that does not render (a bug in this binary); logs `e`.
Response TemplateErrorPage(const Error& e);

// ---- HTML forms (account.cc): each POST answers with a redirect (303), so
// reloading never repeats it, or with an error page.

// A 303 See Other to `location`, a path on this site; not stored.
Response SeeOther(std::string location);

// The page for a failed form action: the status and client-safe message of
// status.h, Retry-After when known; not stored.
Response FormErrorPage(const Context& ctx, const Error& e);

// Adds a route for `methods` whose answers are never cached: form POSTs, and
// pages that differ per reader.
void AddUncachedRoute(Router& router, std::string name, std::string pattern,
                      std::vector<std::string> methods, RouteHandler handler);

// "/login", with ?next=`next` (through SafeNextPath) unless that is "/".
std::string LoginPath(std::string_view next);

// Runs `action(store, principal, body, next)` for the signed-in writer of
// form POST `req` (its CSRF token in the csrf_token field; `next` is the
// body's safe next path) and returns its Response. Anonymous visitors are
// sent to sign in first (and back to `next` afterwards); a bad body, Store
// or CSRF failure gets its error page.
template <typename Fn>
Response WithFormWriter(const Context& ctx, const Request& req, Fn action) {
  auto body = ParseBody(req);
  if (!body) return FormErrorPage(ctx, body.error());
  std::string next = SafeNextPath(body->Get("next").value_or(""));
  auto store = ctx.stores.Acquire();
  if (!store) return FormErrorPage(ctx, store.error());
  auto who = auth::RequireWriter(**store, req, NowSeconds(ctx),
                                 body->Get(auth::kCsrfField).value_or(""), ctx.options.base_url);
  if (!who) {
    if (who.error().code == ErrorCode::kUnauthenticated) return SeeOther(LoginPath(next));
    return FormErrorPage(ctx, who.error());
  }
  return action(**store, *who, *body, next);
}

// ---- Subscriptions (subscribe.cc).

// Sets what settings.mustache shows of `who`'s digest and alerts: the list
// "subscriptions" (each with its form values) and "has_digest". Errors:
// Store errors.
Status AddSubscriptionSettings(const Context& ctx, const auth::Principal& who, TemplateData& data);

}  // namespace paperpulse::http
