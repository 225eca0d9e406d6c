#include "paperpulse/http/api/community_api.h"

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/http/api/api.h"
#include "paperpulse/http/api/hf_json.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/daily.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/http/status.h"

namespace paperpulse::http {
namespace {

std::string AccountJson(const Account& a, const std::string* csrf) {
  JsonWriter w;
  w.BeginObject();
  w.Key("email");
  w.String(a.email);
  w.Key("name");
  w.String(a.name);
  w.Key("isAdmin");
  w.Bool(a.is_admin);
  w.Key("csrfToken");
  if (csrf) {
    w.String(*csrf);
  } else {
    w.Null();
  }
  w.EndObject();
  return w.Take();
}

Result<Response> Login(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string email, body.Get("email"));
  ASSIGN_OR_RETURN(std::string next, body.Get("next"));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  RETURN_IF_ERROR(RequestSignInLink(ctx, *store, email, next, req.client_ip));
  JsonWriter w;
  w.BeginObject();
  w.Key("status");
  w.String("sent");
  w.Key("message");
  w.String("If this address can receive mail, a sign-in link is on its way. It works once, for " +
           SignInLinkValidity(ctx) + ".");
  w.EndObject();
  return NoStoreJson(202, w.Take());
}

Result<Response> ConfirmLogin(const Context& ctx, const Request& req) {
  if (!auth::OriginAllowed(req, ctx.options.base_url)) {
    return Fail(ErrorCode::kPermissionDenied, "cross-site request refused");
  }
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string token, body.Get("token"));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(SignedIn in, ConfirmSignIn(ctx, *store, token));
  Response r = NoStoreJson(200, AccountJson(in.account, &in.session.record.csrf_token));
  r.headers.emplace_back(
      "Set-Cookie", auth::SessionCookie(in.session.cookie_value, ctx.options.community.session_ttl,
                                        ctx.options.base_url));
  return r;
}

Result<Response> Logout(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  if (!who.session_hash.empty()) RETURN_IF_ERROR(store->DeleteSession(who.session_hash));
  Response r = NoStoreJson(200, "{\"status\": \"signed out\"}");
  r.headers.emplace_back("Set-Cookie", auth::ClearedSessionCookie(ctx.options.base_url));
  return r;
}

Result<Response> Me(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<auth::Principal> who,
                   auth::Authenticate(*store, req, NowSeconds(ctx)));
  if (!who) return Fail(ErrorCode::kUnauthenticated, "not signed in");
  return NoStoreJson(200, AccountJson(who->account, who->via_token ? nullptr : &who->csrf_token));
}

Result<Response> UpdateMe(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  if (body.Has("name")) {
    ASSIGN_OR_RETURN(std::string name, body.Get("name"));
    std::string trimmed(TrimView(name));
    RETURN_IF_ERROR(auth::ValidateDisplayName(trimmed));
    auto set = store->SetAccountName(who.account.id, trimmed);
    if (!set && set.error().code == ErrorCode::kAlreadyExists) {
      return Fail(ErrorCode::kAlreadyExists, "name: \"" + trimmed + "\" is taken");
    }
    RETURN_IF_ERROR(set);
    who.account.name = trimmed;
    if (ctx.content_changed) ctx.content_changed();
  }
  return NoStoreJson(200, AccountJson(who.account, who.via_token ? nullptr : &who.csrf_token));
}

Result<Response> Upvote(const Context& ctx, const Request& req, const PathParams& params, bool up) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(VoteState v, Vote(ctx, *store, who, params.Get("id"), up, req.client_ip));
  JsonWriter w;
  w.BeginObject();
  w.Key("id");
  w.String(v.id);
  w.Key("upvotes");
  w.Int(v.upvotes);
  w.Key("upvoted");
  w.Bool(v.upvoted);
  w.EndObject();
  return NoStoreJson(200, w.Take());
}

Result<Response> SubmitPaper(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string id, body.Get("id"));
  if (TrimView(id).empty()) return Fail(ErrorCode::kInvalidArgument, "id: required");
  ASSIGN_OR_RETURN(Submission s, Submit(ctx, *store, who, id, req.client_ip));
  JsonWriter w;
  WriteHfDailyItem(w, s.item);
  Response r = NoStoreJson(s.created ? 201 : 200, w.Take());
  if (s.created) r.headers.emplace_back("Location", "/papers/" + s.item.paper.id);
  return r;
}

// Admin routes: a signed-in admin (session with CSRF, or token).
Result<auth::Principal> Admin(const Context& ctx, storage::Store& store, const Request& req) {
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, store, req));
  if (!who.account.is_admin) return Fail(ErrorCode::kPermissionDenied, "admins only");
  return who;
}

Result<Response> HideSubmission(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, Admin(ctx, *store, req));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string date, body.Get("date"));
  ASSIGN_OR_RETURN(std::string raw_id, body.Get("id"));
  ASSIGN_OR_RETURN(bool hidden, body.GetBool("hidden", true));
  ASSIGN_OR_RETURN(CivilDate day, ParseDay(date));
  auto id = ParseArxivId(raw_id);
  if (!id) return Fail(ErrorCode::kInvalidArgument, "id: expected an arXiv id");
  std::string day_s = FormatDate(day);
  RETURN_IF_ERROR(store->RunInTransaction([&]() -> Status {
    RETURN_IF_ERROR(store->SetDailyEntryHidden(day_s, id->base, hidden));
    return AppendAdminAudit(ctx, *store, who, hidden ? "hide_submission" : "unhide_submission",
                            id->base + "@" + day_s, "");
  }));
  if (ctx.content_changed) ctx.content_changed();
  return NoStoreJson(200, "{\"status\": \"ok\"}");
}

Result<Response> BanUser(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, Admin(ctx, *store, req));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string email, body.Get("email"));
  ASSIGN_OR_RETURN(bool banned, body.GetBool("banned", true));
  ASSIGN_OR_RETURN(std::optional<Account> target,
                   store->GetAccountByEmail(AsciiLower(TrimView(email))));
  if (!target) return Fail(ErrorCode::kNotFound, "no account for that e-mail address");
  if (target->id == who.account.id) {
    return Fail(ErrorCode::kInvalidArgument, "admins cannot ban themselves");
  }
  RETURN_IF_ERROR(store->RunInTransaction([&]() -> Status {
    RETURN_IF_ERROR(store->SetAccountBanned(target->id, banned));
    return AppendAdminAudit(ctx, *store, who, banned ? "ban_user" : "unban_user",
                            "user:" + std::to_string(target->id), target->email);
  }));
  return NoStoreJson(200, "{\"status\": \"ok\"}");
}

Result<Response> AuditLog(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<auth::Principal> who,
                   auth::Authenticate(*store, req, NowSeconds(ctx)));
  if (!who) return Fail(ErrorCode::kUnauthenticated, "not signed in");
  if (!who->account.is_admin) return Fail(ErrorCode::kPermissionDenied, "admins only");
  ASSIGN_OR_RETURN(auto entries, store->RecentAudit(200));
  JsonWriter w;
  w.BeginArray();
  for (const AuditEntry& e : entries) {
    w.BeginObject();
    w.Key("id");
    w.Int(e.id);
    w.Key("actorUserId");
    w.Int(e.actor_user_id);
    w.Key("action");
    w.String(e.action);
    w.Key("target");
    w.String(e.target);
    w.Key("detail");
    w.String(e.detail);
    w.Key("createdAt");
    w.String(e.created_at);
    w.EndObject();
  }
  w.EndArray();
  return NoStoreJson(200, w.Take());
}

}  // namespace

void AddCommunityApiRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  AddJsonRoute(router, "api_login", "/api/login", {"POST"},
               [c](const Request& req, const PathParams&) { return Login(*c, req); });
  AddJsonRoute(router, "api_login_confirm", "/api/login/confirm", {"POST"},
               [c](const Request& req, const PathParams&) { return ConfirmLogin(*c, req); });
  AddJsonRoute(router, "api_logout", "/api/logout", {"POST"},
               [c](const Request& req, const PathParams&) { return Logout(*c, req); });
  AddJsonRoute(router, "api_me", "/api/me", {"GET"},
               [c](const Request& req, const PathParams&) { return Me(*c, req); });
  AddJsonRoute(router, "api_me_update", "/api/me", {"PATCH", "POST"},
               [c](const Request& req, const PathParams&) { return UpdateMe(*c, req); });
  AddJsonRoute(router, "api_upvote", "/api/papers/{id...}/upvote", {"POST"},
               [c](const Request& req, const PathParams& p) { return Upvote(*c, req, p, true); });
  AddJsonRoute(router, "api_unvote", "/api/papers/{id...}/upvote", {"DELETE"},
               [c](const Request& req, const PathParams& p) { return Upvote(*c, req, p, false); });
  AddJsonRoute(router, "api_submit", "/api/daily_papers", {"POST"},
               [c](const Request& req, const PathParams&) { return SubmitPaper(*c, req); });
  AddJsonRoute(router, "api_admin_hide", "/api/admin/hide", {"POST"},
               [c](const Request& req, const PathParams&) { return HideSubmission(*c, req); });
  AddJsonRoute(router, "api_admin_ban", "/api/admin/ban", {"POST"},
               [c](const Request& req, const PathParams&) { return BanUser(*c, req); });
  AddJsonRoute(router, "api_admin_audit", "/api/admin/audit", {"GET"},
               [c](const Request& req, const PathParams&) { return AuditLog(*c, req); });
}

}  // namespace paperpulse::http
