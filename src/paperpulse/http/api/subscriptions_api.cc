#include "paperpulse/http/api/subscriptions_api.h"

#include <charconv>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/api/api.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/json_writer.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/subscriptions.h"

namespace paperpulse::http {
namespace {

void WriteStrings(JsonWriter& w, const std::vector<std::string>& items) {
  w.BeginArray();
  for (const std::string& item : items) w.String(item);
  w.EndArray();
}

void WriteOptionalString(JsonWriter& w, const std::string& s) {
  if (s.empty()) {
    w.Null();
  } else {
    w.String(s);
  }
}

void WriteSubscription(JsonWriter& w, const Subscription& s) {
  w.BeginObject();
  w.Key("id");
  w.Int(s.id);
  w.Key("email");
  w.String(s.email);
  w.Key("frequency");
  w.String(FrequencyName(s.frequency));
  w.Key("categories");
  WriteStrings(w, s.categories);
  w.Key("keywords");
  WriteStrings(w, s.keywords);
  w.Key("minUpvotes");
  w.Int(s.min_upvotes);
  w.Key("query");
  WriteOptionalString(w, s.query);
  w.Key("status");
  w.String(StatusName(s.status));
  w.Key("createdAt");
  w.String(s.created_at);
  w.Key("confirmedAt");
  WriteOptionalString(w, s.confirmed_at);
  w.EndObject();
}

Response SubscriptionResponse(int status, const Subscription& s) {
  JsonWriter w;
  WriteSubscription(w, s);
  return NoStoreJson(status, w.Take());
}

// The {id} of the path; ids that cannot exist are as unknown as missing ones.
Result<int64_t> PathId(const PathParams& params) {
  std::string_view raw = params.Get("id");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), id);
  if (ec != std::errc() || end != raw.data() + raw.size() || id <= 0) {
    return Fail(ErrorCode::kNotFound, "no subscription " + std::string(raw.substr(0, 32)));
  }
  return id;
}

Result<Response> Create(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(Subscription s, ParseNewSubscription(body));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<auth::Principal> viewer,
                   auth::Authenticate(*store, req, NowSeconds(ctx)));
  // Only a subscription of the account's own (verified) address skips the
  // confirmation mail, and only that write needs the CSRF token: any other
  // address is double opt-in, whoever asks.
  std::optional<auth::Principal> writer;
  if (viewer && (s.email.empty() || s.email == AsciiLower(viewer->account.email))) {
    ASSIGN_OR_RETURN(writer, ApiWriter(ctx, *store, req));
  }
  auto out = Subscribe(ctx, *store, std::move(s), writer ? &*writer : nullptr, req.client_ip);
  if (!out) {
    Response r = JsonError(HttpStatus(out.error().code), SubscribeErrorMessage(ctx, out.error()));
    AddRetryAfter(r, out.error());
    return r;
  }
  if (!out->pending) return SubscriptionResponse(201, out->subscription);
  JsonWriter w;
  w.BeginObject();
  w.Key("status");
  w.String("pending");
  w.Key("message");
  w.String("If this address can receive mail, a confirmation link is on its way. It works for " +
           ConfirmLinkValidity(ctx) + "; nothing is sent before it is confirmed.");
  w.EndObject();
  return NoStoreJson(202, w.Take());
}

Result<Response> List(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::optional<auth::Principal> who,
                   auth::Authenticate(*store, req, NowSeconds(ctx)));
  if (!who) return Fail(ErrorCode::kUnauthenticated, "not signed in");
  ASSIGN_OR_RETURN(std::vector<Subscription> subs, store->SubscriptionsOfEmail(who->account.email));
  JsonWriter w;
  w.BeginArray();
  for (const Subscription& s : subs) WriteSubscription(w, s);
  w.EndArray();
  return NoStoreJson(200, w.Take());
}

Result<Response> Confirm(const Context& ctx, const Request& req) {
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(std::string token, body.Get("token"));
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(Subscription s, ConfirmSubscriptionLink(ctx, *store, token));
  return SubscriptionResponse(200, s);
}

Result<Response> Update(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(int64_t id, PathId(params));
  ASSIGN_OR_RETURN(Fields body, ParseBody(req));
  ASSIGN_OR_RETURN(Subscription s, UpdateOwnSubscription(*store, who, id, body));
  return SubscriptionResponse(200, s);
}

Result<Response> End(const Context& ctx, const Request& req, const PathParams& params) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(auth::Principal who, ApiWriter(ctx, *store, req));
  ASSIGN_OR_RETURN(int64_t id, PathId(params));
  ASSIGN_OR_RETURN(Subscription s, EndOwnSubscription(*store, who, id));
  return SubscriptionResponse(200, s);
}

}  // namespace

void AddSubscriptionApiRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  AddJsonRoute(router, "api_subscribe", "/api/subscriptions", {"POST"},
               [c](const Request& req, const PathParams&) { return Create(*c, req); });
  AddJsonRoute(router, "api_subscriptions", "/api/subscriptions", {"GET"},
               [c](const Request& req, const PathParams&) { return List(*c, req); });
  // Before /api/subscriptions/{id}, which would take "confirm" for an id.
  AddJsonRoute(router, "api_subscription_confirm", "/api/subscriptions/confirm", {"POST"},
               [c](const Request& req, const PathParams&) { return Confirm(*c, req); });
  AddJsonRoute(router, "api_subscription_update", "/api/subscriptions/{id}", {"PATCH"},
               [c](const Request& req, const PathParams& p) { return Update(*c, req, p); });
  AddJsonRoute(router, "api_subscription_delete", "/api/subscriptions/{id}", {"DELETE"},
               [c](const Request& req, const PathParams& p) { return End(*c, req, p); });
}

}  // namespace paperpulse::http
