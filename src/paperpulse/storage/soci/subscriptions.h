// subscriptions and unsubscribe_tokens: who gets which digest. The secrets
// of confirmation and unsubscribe links arrive hashed; this layer only
// stores and compares the hashes.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/subscription.h"
#include "paperpulse/storage/soci/db.h"

namespace paperpulse::storage {

class SubscriptionTable {
 public:
  explicit SubscriptionTable(SociDb& db) : db_(db) {}

  // See the Store methods AddSubscription, ConfirmSubscription,
  // GetSubscription, SubscriptionsOfEmail, UpdateSubscription,
  // SetSubscriptionStatus, SubscriptionOfUnsubscribeToken, Unsubscribe and
  // ActiveSubscriptions.
  Result<int64_t> Add(const Subscription& s, std::string_view confirm_hash,
                      int64_t confirm_expires_at, std::string_view now);
  Result<Subscription> Confirm(std::string_view confirm_hash, int64_t now,
                               std::string_view now_text);
  Result<std::optional<Subscription>> Get(int64_t id);
  Result<std::vector<Subscription>> OfEmail(std::string_view email);
  Status Update(const Subscription& s);
  Status SetStatus(int64_t id, SubscriptionStatus status);
  Result<std::optional<Subscription>> OfUnsubscribeToken(std::string_view unsubscribe_hash);
  Result<bool> Unsubscribe(std::string_view unsubscribe_hash);
  Result<std::vector<Subscription>> Active(DigestFrequency frequency, int64_t after_id, int limit);

  // Records `unsubscribe_hash` as a secret of subscription `subscription_id`
  // (a statement prepared once: one per mail of a digest run). Errors:
  // kAlreadyExists for a hash taken; kNotFound for no such subscription.
  Status AddUnsubscribeToken(std::string_view unsubscribe_hash, int64_t subscription_id,
                             std::string_view now);
  // Every active subscription of `email` becomes kBouncing.
  Status MarkBouncing(std::string_view email);

 private:
  // The subscriptions "SELECT <columns> FROM subscriptions " + `rest`
  // selects, binding `values` in order; `what` names them in errors.
  template <typename... Values>
  Result<std::vector<Subscription>> Select(const std::string& rest, const std::string& what,
                                           Values... values);
  Result<Subscription> FromRow(const soci::row& r);
  // Ends the active (or bouncing) subscriptions of (`email`, `query`)
  // other than `keep_id`, before `keep_id` becomes the active one.
  Status EndOthers(const std::string& email, const std::string& query, int64_t keep_id);

  SociDb& db_;
  simdjson::dom::parser json_;
};

}  // namespace paperpulse::storage
