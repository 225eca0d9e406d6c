#include "paperpulse/http/subscriptions.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "paperpulse/base/secrets.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/http/community.h"
#include "paperpulse/http/status.h"
#include "paperpulse/mail/message.h"
#include "paperpulse/search/query.h"

namespace paperpulse::http {
namespace {

// The pieces of `values` split at any of `separators`, trimmed, without
// empty ones.
std::vector<std::string> Pieces(const std::vector<std::string>& values,
                                std::string_view separators) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t end = v.find_first_of(separators, start);
      if (end == std::string::npos) end = v.size();
      std::string_view piece = TrimView(std::string_view(v).substr(start, end - start));
      if (!piece.empty()) out.emplace_back(piece);
      start = end + 1;
    }
  }
  return out;
}

bool IsCategoryPart(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

Result<std::vector<std::string>> ParseCategories(const Fields& body) {
  ASSIGN_OR_RETURN(std::vector<std::string> values, body.GetList("categories"));
  std::vector<std::string> out;
  for (const std::string& piece : Pieces(values, ", \t\r\n")) {
    std::optional<std::string> c = CanonicalCategory(piece);
    if (!c) {
      std::string shown = piece.size() <= 40 ? "\"" + piece + "\" is not" : "expected";
      return tl::unexpected(InvalidField(
          "categories", shown + " an arXiv category or archive (like cs.LG, hep-th, math)"));
    }
    if (std::find(out.begin(), out.end(), *c) == out.end()) out.push_back(std::move(*c));
  }
  if (out.size() > kMaxSubscriptionCategories) {
    return tl::unexpected(
        InvalidField("categories", "at most " + std::to_string(kMaxSubscriptionCategories)));
  }
  return out;
}

Result<std::vector<std::string>> ParseKeywords(const Fields& body) {
  ASSIGN_OR_RETURN(std::vector<std::string> values, body.GetList("keywords"));
  std::vector<std::string> out;
  std::vector<std::string> folded;  // duplicates differ in case only
  for (const std::string& piece : Pieces(values, ",")) {
    if (!IsValidUtf8(piece) || HasControlChars(piece)) {
      return tl::unexpected(InvalidField("keywords", "control characters are not allowed"));
    }
    std::string keyword = CollapseWhitespace(piece);
    if (CodePoints(keyword) > kMaxKeywordChars) {
      return tl::unexpected(InvalidField(
          "keywords", "each at most " + std::to_string(kMaxKeywordChars) + " characters long"));
    }
    std::string key = AsciiLower(keyword);
    if (std::find(folded.begin(), folded.end(), key) != folded.end()) continue;
    folded.push_back(std::move(key));
    out.push_back(std::move(keyword));
  }
  if (out.size() > kMaxSubscriptionKeywords) {
    return tl::unexpected(
        InvalidField("keywords", "at most " + std::to_string(kMaxSubscriptionKeywords)));
  }
  return out;
}

Result<std::string> ParseQueryField(const Fields& body) {
  ASSIGN_OR_RETURN(std::string raw, body.Get("query"));
  std::string query(TrimView(raw));
  if (query.empty()) return query;
  if (!IsValidUtf8(query) || HasControlChars(query)) {
    return tl::unexpected(InvalidField("query", "control characters are not allowed"));
  }
  if (CodePoints(query) > kMaxAlertQueryChars) {
    return tl::unexpected(
        InvalidField("query", "at most " + std::to_string(kMaxAlertQueryChars) + " characters"));
  }
  // An alert whose query never parses would fail at every digest run,
  // silently: the subscriber learns it now instead.
  if (auto parsed = search::ParseQuery(query); !parsed) {
    return tl::unexpected(InvalidField("query", parsed.error().message));
  }
  return query;
}

std::string JoinOr(const std::vector<std::string>& items, std::string_view none) {
  if (items.empty()) return std::string(none);
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

OutgoingMail ConfirmationMail(const Context& ctx, const Subscription& s, const std::string& link) {
  std::string title = SubscriptionTitle(s);
  std::string validity = ConfirmLinkValidity(ctx);
  std::vector<std::string> filters = SubscriptionFilterLines(s);
  OutgoingMail mail;
  mail.to = s.email;
  mail.subject =
      s.query.empty() ? "Confirm your paperpulse digest" : "Confirm your paperpulse search alert";
  mail.text = "Hello,\n\nsomeone, hopefully you, asked paperpulse (" + ctx.options.base_url +
              ") to mail " + s.email + " " + title + ".\n\n";
  mail.html = "<p>Hello,</p><p>someone, hopefully you, asked paperpulse to mail " +
              HtmlEscape(s.email) + " " + HtmlEscape(title) + ".</p>";
  if (!filters.empty()) {
    mail.html += "<ul>";
    for (const std::string& line : filters) {
      mail.text += "  " + line + "\n";
      mail.html += "<li>" + HtmlEscape(line) + "</li>";
    }
    mail.text += "\n";
    mail.html += "</ul>";
  }
  mail.text += "Open this link to confirm:\n\n" + link + "\n\nThe link works for " + validity +
               ". If you did not ask for this, ignore this mail: nothing is sent to you "
               "without the confirmation. Every digest has a one-click unsubscribe link.\n";
  mail.html += "<p><a href=\"" + HtmlEscape(link) +
               "\">Confirm the subscription</a></p><p>The link works for " + validity +
               ". If you did not ask for this, ignore this mail: nothing is sent to you without "
               "the confirmation.</p>";
  return mail;
}

// A reader-facing message for a Store error of ConfirmSubscription.
Error ConfirmError(Error e) {
  if (e.code == ErrorCode::kNotFound) {
    e.message = "this confirmation link is not valid; subscribe again to get a new one";
  } else if (e.code == ErrorCode::kFailedPrecondition) {
    e.message = e.message.find("expired") != std::string::npos
                    ? "this confirmation link has expired; subscribe again to get a new one"
                    : "this subscription has ended since; subscribe again to restart it";
  }
  return e;
}

}  // namespace

std::optional<std::string> CanonicalCategory(std::string_view s) {
  size_t dot = s.find('.');
  std::string_view archive = s.substr(0, dot);
  std::string_view subject = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (!IsCategoryPart(archive) || archive.size() > 16) return std::nullopt;
  if (dot != std::string_view::npos && (!IsCategoryPart(subject) || subject.size() > 16)) {
    return std::nullopt;
  }
  std::string out = AsciiLower(archive);
  if (dot == std::string_view::npos) return out;
  out += '.';
  if (subject.size() == 2) {
    for (char c : subject) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else {
    out += AsciiLower(subject);
  }
  return out;
}

Status ApplySubscriptionFields(const Fields& body, Subscription& s) {
  if (body.Has("frequency")) {
    ASSIGN_OR_RETURN(std::string raw, body.Get("frequency"));
    std::optional<DigestFrequency> f = ParseFrequency(AsciiLower(TrimView(raw)));
    if (!f) return tl::unexpected(InvalidField("frequency", "expected daily or weekly"));
    s.frequency = *f;
  }
  if (body.Has("categories")) {
    ASSIGN_OR_RETURN(s.categories, ParseCategories(body));
  }
  if (body.Has("keywords")) {
    ASSIGN_OR_RETURN(s.keywords, ParseKeywords(body));
  }
  if (body.Has("minUpvotes")) {
    auto n = body.GetInt("minUpvotes", 0);
    if (!n || *n < 0 || *n > kMaxMinUpvotes) {
      return tl::unexpected(InvalidField(
          "minUpvotes", "expected an integer from 0 to " + std::to_string(kMaxMinUpvotes)));
    }
    s.min_upvotes = *n;
  }
  return Ok();
}

Result<Subscription> ParseNewSubscription(const Fields& body) {
  Subscription s;
  ASSIGN_OR_RETURN(std::string email, body.Get("email"));
  s.email = AsciiLower(TrimView(email));
  if (!s.email.empty() && !mail::IsValidEmail(s.email)) {
    return tl::unexpected(InvalidField("email", "expected an e-mail address"));
  }
  RETURN_IF_ERROR(ApplySubscriptionFields(body, s));
  ASSIGN_OR_RETURN(s.query, ParseQueryField(body));
  return s;
}

std::string SubscriptionTitle(const Subscription& s) {
  std::string title = "the ";
  title += FrequencyName(s.frequency);
  if (s.query.empty()) return title + " digest";
  return title + " alert for \u201c" + s.query + "\u201d";
}

std::vector<std::string> SubscriptionFilterLines(const Subscription& s) {
  std::vector<std::string> lines;
  // An alert's query is its filter; the lists narrow it further only when set.
  if (!s.query.empty() && s.categories.empty() && s.keywords.empty() && s.min_upvotes == 0) {
    return lines;
  }
  lines.push_back("Categories: " + JoinOr(s.categories, "all"));
  lines.push_back("Keywords: " + JoinOr(s.keywords, "any"));
  if (s.min_upvotes > 0) {
    lines.push_back("At least " + std::to_string(s.min_upvotes) +
                    (s.min_upvotes == 1 ? " upvote" : " upvotes"));
  }
  return lines;
}

std::string ConfirmLinkValidity(const Context& ctx) {
  int64_t s = ctx.options.community.confirm_ttl.count();
  auto label = [](int64_t n, std::string_view unit) {
    return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
  };
  if (s >= 2 * 86400) return label(s / 86400, "day");
  if (s >= 2 * 3600) return label(s / 3600, "hour");
  if (s >= 2 * 60) return label(s / 60, "minute");
  return label(s, "second");
}

Result<SubscribeOutcome> Subscribe(const Context& ctx, storage::Store& store, Subscription s,
                                   const auth::Principal* who, std::string_view client_ip) {
  const CommunityOptions& opt = ctx.options.community;
  bool own = who != nullptr && (s.email.empty() || s.email == AsciiLower(who->account.email));
  if (own) s.email = AsciiLower(who->account.email);
  if (s.email.empty()) return Fail(ErrorCode::kInvalidArgument, "email: required");
  if (!own && !opt.send_mail) {
    return Fail(ErrorCode::kUnavailable, "e-mail subscriptions are not configured on this site");
  }
  int64_t now = NowSeconds(ctx);
  std::string now_text = FormatUnixTimestamp(now);
  RETURN_IF_ERROR(auth::EnforceRate(store, "subscribe:ip:" + std::string(client_ip),
                                    opt.subscribe_per_ip, now,
                                    "subscribe requests from your address"));
  s.created_at = now_text;
  SubscribeOutcome out;
  if (own) {
    ASSIGN_OR_RETURN(std::vector<Subscription> existing, store.SubscriptionsOfEmail(s.email));
    if (existing.size() >= kMaxSubscriptionsPerEmail) {
      return Fail(ErrorCode::kFailedPrecondition, "an address can have at most " +
                                                      std::to_string(kMaxSubscriptionsPerEmail) +
                                                      " subscriptions; delete some first");
    }
    s.user_id = who->account.id;
    s.status = SubscriptionStatus::kActive;
    ASSIGN_OR_RETURN(int64_t id, store.AddSubscription(s, "", 0, now_text));
    ASSIGN_OR_RETURN(std::optional<Subscription> stored, store.GetSubscription(id));
    if (!stored) return Fail(ErrorCode::kInternal, "subscription vanished after insert");
    out.pending = false;
    out.subscription = std::move(*stored);
    return out;
  }
  RETURN_IF_ERROR(auth::EnforceRate(store, "subscribe:email:" + s.email, opt.subscribe_per_email,
                                    now, "subscribe requests for this address"));
  // Whoever asks cannot prove they own the address: the subscription waits
  // for the mailed link, and is not linked to the asker's account.
  s.user_id = 0;
  s.status = SubscriptionStatus::kPending;
  std::string token = RandomToken();
  ASSIGN_OR_RETURN(int64_t id, store.AddSubscription(s, HashToken(token),
                                                     now + opt.confirm_ttl.count(), now_text));
  s.id = id;
  OutgoingMail mail =
      ConfirmationMail(ctx, s, ctx.options.base_url + "/subscriptions/confirm/" + token);
  if (Status sent = opt.send_mail(mail); !sent) {
    spdlog::warn("subscription confirmation mail not queued: {}", sent.error().ToString());
    return Fail(ErrorCode::kUnavailable, "cannot send mail right now; try again in a minute");
  }
  return out;
}

std::string SubscribeErrorMessage(const Context& ctx, const Error& e) {
  if (e.code == ErrorCode::kUnavailable && !ctx.options.community.send_mail) return e.message;
  return ClientMessage(e, "subscriptions");
}

Result<Subscription> ConfirmSubscriptionLink(const Context& ctx, storage::Store& store,
                                             std::string_view token) {
  if (!IsWellFormedToken(token)) {
    return tl::unexpected(ConfirmError(Error{ErrorCode::kNotFound, "", 0}));
  }
  int64_t now = NowSeconds(ctx);
  auto s = store.ConfirmSubscription(HashToken(token), now, FormatUnixTimestamp(now));
  if (!s) return tl::unexpected(ConfirmError(s.error()));
  return *s;
}

Result<Subscription> SubscriptionOfUnsubscribeLink(storage::Store& store, std::string_view token) {
  if (!IsWellFormedToken(token)) {
    return Fail(ErrorCode::kNotFound, "this unsubscribe link is not valid");
  }
  ASSIGN_OR_RETURN(std::optional<Subscription> s,
                   store.SubscriptionOfUnsubscribeToken(HashToken(token)));
  if (!s) return Fail(ErrorCode::kNotFound, "this unsubscribe link is not valid");
  return *s;
}

Result<Subscription> UnsubscribeLink(storage::Store& store, std::string_view token) {
  ASSIGN_OR_RETURN(Subscription s, SubscriptionOfUnsubscribeLink(store, token));
  ASSIGN_OR_RETURN(bool ended, store.Unsubscribe(HashToken(token)));
  if (ended) spdlog::info("subscription {} ended by its unsubscribe link", s.id);
  s.status = SubscriptionStatus::kUnsubscribed;
  return s;
}

Result<Subscription> OwnSubscription(storage::Store& store, const auth::Principal& who,
                                     int64_t id) {
  ASSIGN_OR_RETURN(std::optional<Subscription> s, store.GetSubscription(id));
  if (!s || s->email != AsciiLower(who.account.email) ||
      (s->status != SubscriptionStatus::kActive && s->status != SubscriptionStatus::kBouncing)) {
    return Fail(ErrorCode::kNotFound, "no subscription " + std::to_string(id));
  }
  return *s;
}

Result<Subscription> UpdateOwnSubscription(storage::Store& store, const auth::Principal& who,
                                           int64_t id, const Fields& body) {
  for (std::string_view fixed : {"email", "query", "status"}) {
    if (body.Has(fixed)) {
      return tl::unexpected(
          InvalidField(fixed, "cannot be changed; end this subscription and make a new one"));
    }
  }
  ASSIGN_OR_RETURN(Subscription s, OwnSubscription(store, who, id));
  RETURN_IF_ERROR(ApplySubscriptionFields(body, s));
  RETURN_IF_ERROR(store.UpdateSubscription(s));
  return s;
}

Result<Subscription> EndOwnSubscription(storage::Store& store, const auth::Principal& who,
                                        int64_t id) {
  ASSIGN_OR_RETURN(std::optional<Subscription> s, store.GetSubscription(id));
  if (!s || s->email != AsciiLower(who.account.email) ||
      s->status == SubscriptionStatus::kPending) {
    return Fail(ErrorCode::kNotFound, "no subscription " + std::to_string(id));
  }
  if (s->status != SubscriptionStatus::kUnsubscribed) {
    RETURN_IF_ERROR(store.SetSubscriptionStatus(id, SubscriptionStatus::kUnsubscribed));
    s->status = SubscriptionStatus::kUnsubscribed;
  }
  return *s;
}

}  // namespace paperpulse::http
