// Digest subscriptions and saved-search alerts (model/subscription.h) as
// functions shared by the JSON API (api/subscriptions_api.cc) and the HTML
// forms (pages/subscribe.cc): validating a request, subscribing (at once for
// a signed-in account's own address, otherwise by double opt-in: a pending
// subscription and a mailed confirmation link), confirming, changing and
// ending one's own subscriptions, and one-click unsubscribing (RFC 8058)
// with the secret of a digest mail.
//
// Secrets handed out (confirmation links) are RandomToken()s; the
// Store keeps only their HashToken()s.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/context.h"
#include "paperpulse/model/subscription.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {

// Limits of a subscription's filters (docs/api.md, "Digest subscriptions").
inline constexpr size_t kMaxSubscriptionCategories = 20;
inline constexpr size_t kMaxSubscriptionKeywords = 20;
inline constexpr size_t kMaxKeywordChars = 60;  // code points
inline constexpr int64_t kMaxMinUpvotes = 100000;
inline constexpr size_t kMaxAlertQueryChars = 500;  // code points
// Active subscriptions one address may hold (a digest and alerts).
inline constexpr size_t kMaxSubscriptionsPerEmail = 50;

// The canonical spelling of an arXiv category ("cs.LG", "hep-th",
// "astro-ph.GA", "cond-mat.stat-mech") or archive ("cs", "math") typed in
// any case, or nullopt when `s` is not shaped like one: an archive of
// letters, digits and '-' starting with a letter, optionally '.' and a
// subject class of the same characters. arXiv spells archives in lower case
// and two-letter subject classes in upper case (cs.LG, math.AP, q-bio.NC);
// longer ones in lower case (cond-mat.soft, physics.comp-ph).
std::optional<std::string> CanonicalCategory(std::string_view s);

// The frequency and filters `body` sets, written into `s`; fields that
// `body` lacks leave `s` as it is (PATCH). Field names are those of the
// JSON API: "frequency" ("daily" / "weekly"), "categories" and "keywords"
// (JSON arrays of strings, or form values; commas separate several in one
// value, and white space too for categories), "minUpvotes" (0 ..
// kMaxMinUpvotes; an empty form value is 0). Categories are canonical
// (CanonicalCategory) and both lists are free of duplicates. Errors:
// kInvalidArgument naming the field ("keywords: ...").
Status ApplySubscriptionFields(const Fields& body, Subscription& s);

// A new subscription from `body`: ApplySubscriptionFields over the defaults
// (daily, no filters), plus "email" (trimmed and lower-cased; "" when
// absent) and "query" (a saved search in the language of search/query.h,
// at most kMaxAlertQueryChars; "" for the digest). Errors: kInvalidArgument
// naming the field.
Result<Subscription> ParseNewSubscription(const Fields& body);

// For people: "the daily digest" or "the weekly alert for “cat:cs.LG”".
std::string SubscriptionTitle(const Subscription& s);

// The filters for people, one per line, e.g. "Categories: cs.LG, cs.CV",
// "Keywords: any", "At least 10 upvotes". Empty for an alert without
// filters.
std::vector<std::string> SubscriptionFilterLines(const Subscription& s);

// How long a confirmation link works, for people: "7 days", "12 hours".
std::string ConfirmLinkValidity(const Context& ctx);

// What Subscribe did.
struct SubscribeOutcome {
  // True: a pending subscription was stored and its confirmation link
  // mailed (the caller answers the same whether or not the address had
  // subscribed before). False: `subscription` is active now.
  bool pending = true;
  Subscription subscription;  // as stored (active ones only)
};

// Subscribes `s.email` to `s` (from ParseNewSubscription). With `who`, a
// signed-in writer whose CSRF token the caller has checked, and `s.email`
// empty or `who`'s address: active at once, linked to the account.
// Otherwise a pending subscription, confirmed by the link mailed to
// `s.email` (valid CommunityOptions::confirm_ttl). Rate limits: per client
// address (`client_ip`) and, for mailed links, per address. Errors:
// kInvalidArgument ("email: required" without `who` and address),
// kFailedPrecondition (kMaxSubscriptionsPerEmail reached),
// kResourceExhausted (Error::retry_after set), kUnavailable (mail is not
// configured, or its queue refused), Store errors.
Result<SubscribeOutcome> Subscribe(const Context& ctx, storage::Store& store, Subscription s,
                                   const auth::Principal* who, std::string_view client_ip);

// What a client may be told about `e` from Subscribe: status.h's
// ClientMessage, except that a site without mail says so (its set-up, not a
// failure whose details belong in the log).
std::string SubscribeErrorMessage(const Context& ctx, const Error& e);

// Confirms the pending subscription of a mailed link's `token`: it becomes
// active, replacing the address's subscription of the same kind. Opening a
// link twice answers the same subscription. Errors: kNotFound (unknown or
// malformed token), kFailedPrecondition (expired, or ended since), Store
// errors; the messages are meant for the reader.
Result<Subscription> ConfirmSubscriptionLink(const Context& ctx, storage::Store& store,
                                             std::string_view token);

// The subscription of a digest mail's unsubscribe `token` (the secret in
// its List-Unsubscribe URL). Errors: kNotFound (unknown or malformed),
// Store errors.
Result<Subscription> SubscriptionOfUnsubscribeLink(storage::Store& store, std::string_view token);

// Ends the subscription of unsubscribe `token` at once (RFC 8058 one-click:
// no session, CSRF token or body needed). Idempotent: ending an ended
// subscription succeeds. Returns the subscription as it is now. Errors:
// kNotFound (unknown or malformed), Store errors.
Result<Subscription> UnsubscribeLink(storage::Store& store, std::string_view token);

// Subscription `id` when it belongs to `who`'s address and is active (or
// bouncing): what `who` may see and change. Errors: kNotFound otherwise
// (another's subscriptions are indistinguishable from missing ones), Store
// errors.
Result<Subscription> OwnSubscription(storage::Store& store, const auth::Principal& who, int64_t id);

// Changes the frequency and filters of `who`'s subscription `id` to what
// `body` sets (ApplySubscriptionFields); "email", "query" and "status"
// cannot change. Returns it as stored. Errors: those of OwnSubscription,
// kInvalidArgument naming the field, Store errors.
Result<Subscription> UpdateOwnSubscription(storage::Store& store, const auth::Principal& who,
                                           int64_t id, const Fields& body);

// Ends `who`'s subscription `id` (kUnsubscribed); ending an ended one of
// theirs succeeds. Returns it as stored. Errors: kNotFound (not theirs, or
// still pending), Store errors.
Result<Subscription> EndOwnSubscription(storage::Store& store, const auth::Principal& who,
                                        int64_t id);

}  // namespace paperpulse::http
