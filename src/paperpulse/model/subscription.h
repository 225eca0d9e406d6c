// E-mail digests: who wants which papers how often (Subscription), and the
// mails rendered for them (OutboxMail). Plain structs; the Store persists
// them, digest/ fills and delivers the outbox, http/ takes subscriptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperpulse {

enum class DigestFrequency { kDaily, kWeekly };

// "daily" / "weekly", and back (nullopt for anything else).
inline std::string_view FrequencyName(DigestFrequency f) {
  return f == DigestFrequency::kDaily ? "daily" : "weekly";
}
inline std::optional<DigestFrequency> ParseFrequency(std::string_view s) {
  if (s == "daily") return DigestFrequency::kDaily;
  if (s == "weekly") return DigestFrequency::kWeekly;
  return std::nullopt;
}

enum class SubscriptionStatus {
  kPending,       // waiting for its confirmation link to be opened (double opt-in)
  kActive,        // mailed
  kUnsubscribed,  // by its owner (one-click, settings) or replaced by a newer one
  kBouncing,      // the address was refused for good (SMTP 5xx): not mailed again
};

inline std::string_view StatusName(SubscriptionStatus s) {
  switch (s) {
    case SubscriptionStatus::kPending:
      return "pending";
    case SubscriptionStatus::kActive:
      return "active";
    case SubscriptionStatus::kUnsubscribed:
      return "unsubscribed";
    case SubscriptionStatus::kBouncing:
      return "bouncing";
  }
  return "pending";
}
inline std::optional<SubscriptionStatus> ParseSubscriptionStatus(std::string_view s) {
  if (s == "pending") return SubscriptionStatus::kPending;
  if (s == "active") return SubscriptionStatus::kActive;
  if (s == "unsubscribed") return SubscriptionStatus::kUnsubscribed;
  if (s == "bouncing") return SubscriptionStatus::kBouncing;
  return std::nullopt;
}

// One subscription of one address. With an empty `query` it is the
// address's digest ("the period's top papers"); with a query it is a saved
// search alert ("new papers matching `author:Gu cat:cs.LG`"). An address has
// at most one active digest and one active alert per query: confirming a
// new one replaces the old (Store::ConfirmSubscription).
struct Subscription {
  int64_t id = 0;
  std::string email;    // lower-cased
  int64_t user_id = 0;  // the account that made it while signed in; 0 = none
  DigestFrequency frequency = DigestFrequency::kDaily;
  // Filters (a paper passes when it matches all of them):
  std::vector<std::string> categories;  // any of; "cs.LG" or a whole archive "cs"; empty = all
  std::vector<std::string> keywords;    // any of, in title or abstract; empty = all
  int64_t min_upvotes = 0;
  std::string query;  // non-empty: a saved search alert (search/ query language)
  SubscriptionStatus status = SubscriptionStatus::kPending;
  std::string created_at;    // normalised UTC timestamp
  std::string confirmed_at;  // "" until confirmed
};

// A rendered digest in the outbox, keyed by (subscription_id, period): at
// most one mail per subscription and period, whatever crashes or re-runs.
enum class OutboxState {
  kPending,  // rendered, to be sent at next_attempt_at
  kSending,  // claimed by a sender at claimed_at (stale after a while: the sender died)
  kSent,     // accepted by the relay; the body is dropped
  kFailed,   // given up (5xx, or too many tries)
};

struct OutboxMail {
  int64_t id = 0;
  int64_t subscription_id = 0;
  std::string period;      // "daily/2026-11-27", "weekly/2026-W48"
  std::string from_email;  // envelope sender
  std::string to_email;    // envelope recipient
  std::string message_id;  // without angle brackets
  std::string mime;        // the composed (and DKIM-signed) message; "" once sent
  OutboxState state = OutboxState::kPending;
  int attempts = 0;             // tries so far
  int64_t next_attempt_at = 0;  // Unix seconds
  std::string last_error;
  std::string created_at;
  std::string sent_at;
};

struct OutboxStats {
  int64_t pending = 0;  // pending + sending
  int64_t sent = 0;
  int64_t failed = 0;
  int64_t deferrals = 0;  // tries that failed and were put back (sum over rows)
};

}  // namespace paperpulse
