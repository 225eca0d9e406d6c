// The account pages and the HTML forms of the community features, for
// browsers without JavaScript: /login (ask for a link), /login/confirm (the
// link's confirm button), /logout, /settings (with the subscriptions of
// pages/subscribe.cc), and the form targets behind the vote buttons
// (/papers/{id}/upvote) and the submit box (/submit). Each form POST answers
// with a redirect (303) back to a page, so reloading never repeats it;
// errors render a page with the right status.
#include <spdlog/spdlog.h>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

Response NoStore(Response r) {
  r.cache = CachePolicy::kNoStore;
  return r;
}

Response LoginPage(const Context& ctx, int status, std::string_view email, std::string_view next,
                   bool sent, std::string_view error) {
  TemplateData data;
  data.set("heading", sent ? "Check your inbox" : "Sign in");
  data.set("email", std::string(email));
  data.set("next", SafeNextPath(next));
  data.set("sent", sent);
  data.set("ttl_label", SignInLinkValidity(ctx));
  if (!error.empty()) data.set("error", std::string(error));
  PageInfo info;
  info.title = "Sign in";
  info.canonical_path = "/login";
  return NoStore(RenderPage(ctx, status, "login", std::move(data), info));
}

Response PostLogin(const Context& ctx, const Request& req) {
  auto body = ParseBody(req);
  if (!body) return FormErrorPage(ctx, body.error());
  std::string email = body->Get("email").value_or("");
  std::string next = SafeNextPath(body->Get("next").value_or(""));
  auto store = ctx.stores.Acquire();
  if (!store) return FormErrorPage(ctx, store.error());
  Status s = RequestSignInLink(ctx, **store, email, next, req.client_ip);
  if (!s) {
    Response r = LoginPage(ctx, HttpStatus(s.error().code), email, next, false,
                           ClientMessage(s.error(), "pages"));
    AddRetryAfter(r, s.error());
    return r;
  }
  return LoginPage(ctx, 200, AsciiLower(TrimView(email)), next, true, "");
}

Response ConfirmPage(const Context& ctx, const Request& req) {
  TemplateData data;
  data.set("heading", "Sign in to paperpulse");
  data.set("token", std::string(req.Param("token").substr(0, 64)));
  data.set("next", SafeNextPath(req.Param("next")));
  PageInfo info;
  info.title = "Sign in";
  Response r = RenderPage(ctx, 200, "confirm", std::move(data), info);
  // The token is in this page's URL and form: keep it out of caches (the
  // site-wide same-origin Referrer-Policy keeps it from other sites).
  return NoStore(std::move(r));
}

Response PostConfirm(const Context& ctx, const Request& req) {
  if (!auth::OriginAllowed(req, ctx.options.base_url)) {
    return FormErrorPage(ctx, Error{ErrorCode::kPermissionDenied, "cross-site request refused"});
  }
  auto body = ParseBody(req);
  if (!body) return FormErrorPage(ctx, body.error());
  std::string token = body->Get("token").value_or("");
  std::string next = SafeNextPath(body->Get("next").value_or(""));
  auto store = ctx.stores.Acquire();
  if (!store) return FormErrorPage(ctx, store.error());
  auto in = ConfirmSignIn(ctx, **store, token);
  if (!in) {
    TemplateData data;
    data.set("heading", "This link does not work");
    data.set("error", ClientMessage(in.error(), "pages"));
    PageInfo info;
    info.title = "Sign in";
    return NoStore(RenderPage(ctx, HttpStatus(in.error().code), "confirm", std::move(data), info));
  }
  // New accounts pick a display name first; everyone else goes on.
  Response r = SeeOther(in->account.name.empty() ? "/settings?next=" + UrlEncode(next) : next);
  r.headers.emplace_back(
      "Set-Cookie", auth::SessionCookie(in->session.cookie_value, ctx.options.community.session_ttl,
                                        ctx.options.base_url));
  return r;
}

Response PostLogout(const Context& ctx, const Request& req) {
  return WithFormWriter(
      ctx, req,
      [&](storage::Store& store, const auth::Principal& who, const Fields&, const std::string&) {
        if (!who.session_hash.empty()) {
          if (Status s = store.DeleteSession(who.session_hash); !s) {
            return FormErrorPage(ctx, s.error());
          }
        }
        Response r = SeeOther("/");
        r.headers.emplace_back("Set-Cookie", auth::ClearedSessionCookie(ctx.options.base_url));
        return r;
      });
}

Response SettingsPage(const Context& ctx, const Request& req) {
  auto viewer = PageViewer(ctx, req);
  if (!viewer) return SeeOther(LoginPath("/settings"));
  TemplateData data;
  data.set("email", viewer->account.email);
  data.set("name", viewer->account.name);
  data.set("is_admin", viewer->account.is_admin);
  data.set("csrf_token", viewer->csrf_token);
  data.set("saved", req.Param("saved") == "1");
  data.set("next", SafeNextPath(req.Param("next")));
  if (std::string_view error = req.Param("error"); !error.empty()) {
    data.set("error", std::string(error.substr(0, 200)));
  }
  if (Status s = AddSubscriptionSettings(ctx, *viewer, data); !s) {
    return StoreErrorPage(ctx, s.error());
  }
  PageInfo info;
  info.title = "Your account";
  info.viewer = viewer;
  Response r = RenderPage(ctx, 200, "settings", std::move(data), info);
  r.cache = CachePolicy::kPrivate;
  return r;
}

Response PostSettings(const Context& ctx, const Request& req) {
  return WithFormWriter(ctx, req,
                        [&](storage::Store& store, const auth::Principal& who, const Fields& body,
                            const std::string& next) {
                          std::string name(TrimView(body.Get("name").value_or("")));
                          Status s = auth::ValidateDisplayName(name);
                          if (s) s = store.SetAccountName(who.account.id, name);
                          if (!s) {
                            std::string message = s.error().code == ErrorCode::kAlreadyExists
                                                      ? "That name is taken; pick another."
                                                      : ClientMessage(s.error(), "pages");
                            return SeeOther("/settings?error=" + UrlEncode(message));
                          }
                          if (ctx.content_changed) ctx.content_changed();
                          return SeeOther(next != "/" ? next : "/settings?saved=1");
                        });
}

Response PostVote(const Context& ctx, const Request& req, const PathParams& params) {
  return WithFormWriter(ctx, req,
                        [&](storage::Store& store, const auth::Principal& who, const Fields& body,
                            const std::string& next) {
                          bool up = body.Get("action").value_or("up") != "down";
                          auto v = Vote(ctx, store, who, params.Get("id"), up, req.client_ip);
                          if (!v) return FormErrorPage(ctx, v.error());
                          return SeeOther(next);
                        });
}

Response PostSubmit(const Context& ctx, const Request& req) {
  return WithFormWriter(
      ctx, req,
      [&](storage::Store& store, const auth::Principal& who, const Fields& body,
          const std::string&) {
        auto s = Submit(ctx, store, who, body.Get("id").value_or(""), req.client_ip);
        if (!s) return FormErrorPage(ctx, s.error());
        return SeeOther("/papers/date/" + s->item.entry.date + "#paper-" + s->item.paper.id);
      });
}

}  // namespace

void AddUncachedRoute(Router& router, std::string name, std::string pattern,
                      std::vector<std::string> methods, RouteHandler handler) {
  Route r;
  r.name = std::move(name);
  r.pattern = std::move(pattern);
  r.methods = std::move(methods);
  r.cacheable = false;
  r.handler = std::move(handler);
  router.Add(std::move(r));
}

Response SeeOther(std::string location) {
  Response r = MakeResponse(303, "text/plain; charset=utf-8", "See " + location + "\n");
  r.cache = CachePolicy::kNoStore;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

Response FormErrorPage(const Context& ctx, const Error& e) {
  Response r = ErrorPage(ctx, HttpStatus(e.code), ClientMessage(e, "pages"));
  AddRetryAfter(r, e);
  r.cache = CachePolicy::kNoStore;
  return r;
}

std::string LoginPath(std::string_view next) {
  std::string safe = SafeNextPath(next);
  std::string path = "/login";
  if (safe != "/") path += "?next=" + UrlEncode(safe);
  return path;
}

std::optional<auth::Principal> PageViewer(const Context& ctx, const Request& req) {
  if (!req.IsPersonal()) return std::nullopt;
  auto store = ctx.stores.Acquire();
  if (!store) {
    spdlog::warn("pages: cannot check the session: {}", store.error().ToString());
    return std::nullopt;
  }
  auto who = auth::Authenticate(**store, req, NowSeconds(ctx));
  if (!who) {
    if (who.error().code != ErrorCode::kUnauthenticated) {
      spdlog::warn("pages: cannot check the session: {}", who.error().ToString());
    }
    return std::nullopt;
  }
  return *who;
}

void AddAccountRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  AddUncachedRoute(router, "login_page", "/login", {"GET"},
                   [c](const Request& req, const PathParams&) {
                     return LoginPage(*c, 200, "", req.Param("next"), false, "");
                   });
  AddUncachedRoute(router, "login_form", "/login", {"POST"},
                   [c](const Request& req, const PathParams&) { return PostLogin(*c, req); });
  AddUncachedRoute(router, "login_confirm_page", "/login/confirm", {"GET"},
                   [c](const Request& req, const PathParams&) { return ConfirmPage(*c, req); });
  AddUncachedRoute(router, "login_confirm_form", "/login/confirm", {"POST"},
                   [c](const Request& req, const PathParams&) { return PostConfirm(*c, req); });
  AddUncachedRoute(router, "logout_form", "/logout", {"POST"},
                   [c](const Request& req, const PathParams&) { return PostLogout(*c, req); });
  AddUncachedRoute(router, "settings_page", "/settings", {"GET"},
                   [c](const Request& req, const PathParams&) { return SettingsPage(*c, req); });
  AddUncachedRoute(router, "settings_form", "/settings", {"POST"},
                   [c](const Request& req, const PathParams&) { return PostSettings(*c, req); });
  AddUncachedRoute(router, "vote_form", "/papers/{id...}/upvote", {"POST"},
                   [c](const Request& req, const PathParams& p) { return PostVote(*c, req, p); });
  AddUncachedRoute(router, "submit_form", "/submit", {"POST"},
                   [c](const Request& req, const PathParams&) { return PostSubmit(*c, req); });
}

}  // namespace paperpulse::http
