// The subscription pages, for browsers without JavaScript: /subscribe (the
// digest and search-alert form, and "check your inbox"), the confirmation
// link's page (/subscriptions/confirm/{token}: a button, since mail scanners
// open links), one-click unsubscribe (/unsubscribe/{token}, RFC 8058) and
// the subscription forms of /settings. The logic is in http/subscriptions.h.
#include <charconv>

#include "paperpulse/base/secrets.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/pages/routes.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/subscriptions.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

constexpr std::string_view kSettingsAnchor = "/settings?saved=1#subscriptions";

// The subscribe form's fields as typed, to show them again.
struct FormValues {
  std::string email;
  std::string frequency = "daily";
  std::string categories;
  std::string keywords;
  std::string min_upvotes;
  std::string query;
};

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

FormValues ValuesOfBody(const Fields& body) {
  FormValues v;
  v.email = body.Get("email").value_or("");
  v.frequency = body.Get("frequency").value_or("daily");
  v.categories = Joined(body.GetList("categories").value_or(std::vector<std::string>()));
  v.keywords = Joined(body.GetList("keywords").value_or(std::vector<std::string>()));
  v.min_upvotes = body.Get("minUpvotes").value_or("");
  v.query = body.Get("query").value_or("");
  return v;
}

// /subscribe?query=...&frequency=...&categories=...: links from the search
// page and the day lists prefill the form.
FormValues ValuesOfQuery(const Request& req) {
  FormValues v;
  v.frequency = req.Param("frequency") == "weekly" ? "weekly" : "daily";
  v.categories = CleanText(req.Param("categories").substr(0, 400));
  v.query = CleanText(req.Param("query").substr(0, 2 * kMaxAlertQueryChars));
  return v;
}

// "the daily digest" as a heading: "The daily digest".
std::string Capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

void SetFrequency(TemplateData& data, std::string_view frequency) {
  data.set("daily_selected", frequency != "weekly");
  data.set("weekly_selected", frequency == "weekly");
}

// What the subscribe page shows besides the form: a complaint, a hint, or
// "check your inbox" (`sent`, instead of the form).
enum class Banner { kNone, kError, kNote, kSent };

Response SubscribePage(const Context& ctx, int status, const std::optional<auth::Principal>& viewer,
                       const FormValues& v, Banner banner = Banner::kNone,
                       std::string_view message = {}) {
  bool sent = banner == Banner::kSent;
  bool alert = !TrimView(v.query).empty();
  TemplateData data;
  data.set("heading", sent    ? "Check your inbox"
                      : alert ? "Save a search alert"
                              : "Get trending papers in your inbox");
  data.set("is_alert", alert);
  data.set("query", v.query);
  data.set("email", v.email.empty() && viewer ? viewer->account.email : v.email);
  if (viewer) {
    data.set("viewer_email", viewer->account.email);
    data.set("csrf_token", viewer->csrf_token);
  }
  SetFrequency(data, v.frequency);
  data.set("categories", v.categories);
  data.set("keywords", v.keywords);
  data.set("min_upvotes", v.min_upvotes);
  data.set("sent", sent);
  data.set("ttl_label", ConfirmLinkValidity(ctx));
  if (banner == Banner::kError) data.set("error", std::string(message));
  if (banner == Banner::kNote) data.set("note", std::string(message));
  PageInfo info;
  info.title = alert ? "Search alert" : "E-mail digest";
  info.canonical_path = "/subscribe";
  info.viewer = viewer;
  Response r = RenderPage(ctx, status, "subscribe", std::move(data), info);
  r.cache = viewer ? CachePolicy::kPrivate : CachePolicy::kNoStore;
  return r;
}

Response GetSubscribe(const Context& ctx, const Request& req) {
  return SubscribePage(ctx, 200, PageViewer(ctx, req), ValuesOfQuery(req));
}

// The form again, with what went wrong above it (and Retry-After).
Response SubscribeFailed(const Context& ctx, const std::optional<auth::Principal>& viewer,
                         const FormValues& v, const Error& e) {
  Response r = SubscribePage(ctx, HttpStatus(e.code), viewer, v, Banner::kError,
                             SubscribeErrorMessage(ctx, e));
  AddRetryAfter(r, e);
  return r;
}

Response PostSubscribe(const Context& ctx, const Request& req) {
  // As on the sign-in confirmation: only this site's pages post here, so
  // another site cannot use its visitors' browsers (and their client
  // addresses' rate limits) to send confirmation mails.
  if (!auth::OriginAllowed(req, ctx.options.base_url)) {
    return FormErrorPage(ctx, Error{ErrorCode::kPermissionDenied, "cross-site request refused"});
  }
  auto body = ParseBody(req);
  if (!body) return FormErrorPage(ctx, body.error());
  FormValues values = ValuesOfBody(*body);
  std::optional<auth::Principal> viewer = PageViewer(ctx, req);
  auto parsed = ParseNewSubscription(*body);
  if (!parsed) return SubscribeFailed(ctx, viewer, values, parsed.error());
  bool own =
      viewer && (parsed->email.empty() || parsed->email == AsciiLower(viewer->account.email));
  std::string csrf = body->Get(auth::kCsrfField).value_or("");
  if (own && csrf.empty()) {
    // The search page's alert form is shared by every reader and carries
    // no token: one more press, on this page, which has it.
    return SubscribePage(ctx, 200, viewer, values, Banner::kNote,
                         "Check the details and press the button to save.");
  }
  if (!viewer && parsed->email.empty()) {
    return SubscribePage(ctx, 200, viewer, values, Banner::kNote,
                         "Where should it go? Enter your e-mail address.");
  }
  auto store = ctx.stores.Acquire();
  if (!store) return FormErrorPage(ctx, store.error());
  std::optional<auth::Principal> writer;
  if (own) {
    auto who = auth::RequireWriter(**store, req, NowSeconds(ctx), csrf, ctx.options.base_url);
    if (!who) return FormErrorPage(ctx, who.error());
    writer = std::move(*who);
  }
  auto out =
      Subscribe(ctx, **store, std::move(*parsed), writer ? &*writer : nullptr, req.client_ip);
  if (!out) return SubscribeFailed(ctx, viewer, values, out.error());
  if (!out->pending) return SeeOther(std::string(kSettingsAnchor));
  FormValues sent;
  sent.email = AsciiLower(TrimView(values.email));
  return SubscribePage(ctx, 200, viewer, sent, Banner::kSent);
}

// Pages reached by a secret link: kept out of caches. The site-wide
// Referrer-Policy (same-origin) keeps the secret out of other sites' Referer
// headers; "no-referrer" would make browsers send "Origin: null" with the
// page's own confirm form, which the Origin check then refuses.
Response SecretPage(Response r) {
  r.cache = CachePolicy::kNoStore;
  return r;
}

void SetSubscription(TemplateData& data, const Subscription& s) {
  data.set("title", SubscriptionTitle(s));
  data.set("subscriber", s.email);
  std::vector<std::string> lines = SubscriptionFilterLines(s);
  TemplateData filters{TemplateData::type::list};
  for (const std::string& line : lines) filters.push_back(TemplateData(line));
  data.set("filters", filters);
  data.set("has_filters", !lines.empty());
}

Response ConfirmLinkPage(const Context& ctx, const PathParams& params) {
  PageInfo info;
  info.title = "Confirm subscription";
  TemplateData data;
  if (!IsWellFormedToken(params.Get("token"))) {
    data.set("heading", "This link does not work");
    data.set("error", "This confirmation link is not valid; subscribe again to get a new one.");
    return SecretPage(RenderPage(ctx, 404, "subscribed", std::move(data), info));
  }
  data.set("heading", "Confirm your subscription");
  data.set("action", "/subscriptions/confirm/" + UrlEncode(params.Get("token").substr(0, 64)));
  data.set("ask", true);
  return SecretPage(RenderPage(ctx, 200, "subscribed", std::move(data), info));
}

Response PostConfirmLink(const Context& ctx, const PathParams& params) {
  PageInfo info;
  info.title = "Confirm subscription";
  auto store = ctx.stores.Acquire();
  if (!store) return SecretPage(StoreErrorPage(ctx, store.error()));
  auto s = ConfirmSubscriptionLink(ctx, **store, params.Get("token"));
  TemplateData data;
  if (!s) {
    int status = HttpStatus(s.error().code);
    if (status >= 500) return SecretPage(StoreErrorPage(ctx, s.error()));
    data.set("heading", "This link does not work");
    data.set("error", Capitalized(ClientMessage(s.error(), "pages")) + ".");
    return SecretPage(RenderPage(ctx, status, "subscribed", std::move(data), info));
  }
  data.set("heading", "You are subscribed");
  data.set("confirmed", true);
  data.set("frequency", std::string(FrequencyName(s->frequency)));
  SetSubscription(data, *s);
  return SecretPage(RenderPage(ctx, 200, "subscribed", std::move(data), info));
}

// The unsubscribe page: the question (`post` false) or the answer to the
// one-click POST. Mail providers POST from their servers with any body
// (RFC 8058 `List-Unsubscribe=One-Click`, urlencoded or multipart) and no
// cookie, CSRF token or Origin: nothing of the request but the path counts,
// and the answer is a page, never a redirect.
Response UnsubscribePage(const Context& ctx, const PathParams& params, bool post) {
  PageInfo info;
  info.title = "Unsubscribe";
  auto store = ctx.stores.Acquire();
  if (!store) return SecretPage(StoreErrorPage(ctx, store.error()));
  std::string_view token = params.Get("token");
  auto s = post ? UnsubscribeLink(**store, token) : SubscriptionOfUnsubscribeLink(**store, token);
  TemplateData data;
  if (!s) {
    int status = HttpStatus(s.error().code);
    if (status >= 500) return SecretPage(StoreErrorPage(ctx, s.error()));
    data.set("heading", "This unsubscribe link does not work");
    data.set("error", Capitalized(ClientMessage(s.error(), "pages")) + ".");
    return SecretPage(RenderPage(ctx, status, "unsubscribe", std::move(data), info));
  }
  SetSubscription(data, *s);
  if (s->status == SubscriptionStatus::kUnsubscribed) {
    data.set("heading", "You are unsubscribed");
    data.set("done", true);
    data.set("resubscribe_href", s->query.empty() ? std::string("/subscribe")
                                                  : "/subscribe?query=" + UrlEncode(s->query));
  } else {
    data.set("heading", "Unsubscribe?");
    data.set("action", "/unsubscribe/" + UrlEncode(token.substr(0, 64)));
  }
  return SecretPage(RenderPage(ctx, 200, "unsubscribe", std::move(data), info));
}

// The {id} of a settings form's path; 0 when it is not an id.
int64_t PathId(const PathParams& params) {
  std::string_view raw = params.Get("id");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), id);
  return ec == std::errc() && end == raw.data() + raw.size() && id > 0 ? id : 0;
}

// The settings forms: back to /settings, with the field's complaint at the
// top when the input was wrong.
Response SettingsAnswer(const Context& ctx, const Result<Subscription>& r) {
  if (r) return SeeOther(std::string(kSettingsAnchor));
  if (r.error().code == ErrorCode::kInvalidArgument) {
    return SeeOther("/settings?error=" + UrlEncode(r.error().message));
  }
  return FormErrorPage(ctx, r.error());
}

Response PostSettingsUpdate(const Context& ctx, const Request& req, const PathParams& params) {
  return WithFormWriter(ctx, req,
                        [&](storage::Store& store, const auth::Principal& who, const Fields& body,
                            const std::string&) {
                          return SettingsAnswer(
                              ctx, UpdateOwnSubscription(store, who, PathId(params), body));
                        });
}

Response PostSettingsEnd(const Context& ctx, const Request& req, const PathParams& params) {
  return WithFormWriter(
      ctx, req,
      [&](storage::Store& store, const auth::Principal& who, const Fields&, const std::string&) {
        return SettingsAnswer(ctx, EndOwnSubscription(store, who, PathId(params)));
      });
}

}  // namespace

Status AddSubscriptionSettings(const Context& ctx, const auth::Principal& who, TemplateData& data) {
  ASSIGN_OR_RETURN(auto store, ctx.stores.Acquire());
  ASSIGN_OR_RETURN(std::vector<Subscription> subs, store->SubscriptionsOfEmail(who.account.email));
  TemplateData list{TemplateData::type::list};
  bool has_digest = false;
  for (const Subscription& s : subs) {
    has_digest = has_digest || s.query.empty();
    TemplateData item;
    item.set("id", std::to_string(s.id));
    item.set("title", Capitalized(SubscriptionTitle(s)));
    item.set("is_alert", !s.query.empty());
    item.set("query", s.query);
    SetFrequency(item, FrequencyName(s.frequency));
    item.set("categories", Joined(s.categories));
    item.set("keywords", Joined(s.keywords));
    item.set("min_upvotes", std::to_string(s.min_upvotes));
    item.set("bouncing", s.status == SubscriptionStatus::kBouncing);
    list.push_back(item);
  }
  data.set("subscriptions", list);
  data.set("has_subscriptions", !subs.empty());
  data.set("has_digest", has_digest);
  // The new-digest form starts as the /subscribe page does.
  SetFrequency(data, "daily");
  return Ok();
}

void AddSubscribeRoutes(Router& router, const Context& ctx) {
  const Context* c = &ctx;
  AddUncachedRoute(router, "subscribe_page", "/subscribe", {"GET"},
                   [c](const Request& req, const PathParams&) { return GetSubscribe(*c, req); });
  AddUncachedRoute(router, "subscribe_form", "/subscribe", {"POST"},
                   [c](const Request& req, const PathParams&) { return PostSubscribe(*c, req); });
  AddUncachedRoute(router, "subscription_confirm_page", "/subscriptions/confirm/{token}", {"GET"},
                   [c](const Request&, const PathParams& p) { return ConfirmLinkPage(*c, p); });
  AddUncachedRoute(router, "subscription_confirm_form", "/subscriptions/confirm/{token}", {"POST"},
                   [c](const Request&, const PathParams& p) { return PostConfirmLink(*c, p); });
  AddUncachedRoute(
      router, "unsubscribe_page", "/unsubscribe/{token}", {"GET"},
      [c](const Request&, const PathParams& p) { return UnsubscribePage(*c, p, false); });
  AddUncachedRoute(
      router, "unsubscribe_one_click", "/unsubscribe/{token}", {"POST"},
      [c](const Request&, const PathParams& p) { return UnsubscribePage(*c, p, true); });
  AddUncachedRoute(
      router, "settings_subscription_form", "/settings/subscriptions/{id}", {"POST"},
      [c](const Request& req, const PathParams& p) { return PostSettingsUpdate(*c, req, p); });
  AddUncachedRoute(
      router, "settings_subscription_end", "/settings/subscriptions/{id}/delete", {"POST"},
      [c](const Request& req, const PathParams& p) { return PostSettingsEnd(*c, req, p); });
}

}  // namespace paperpulse::http
