#include "paperpulse/storage/soci/subscriptions.h"

#include <utility>

#include "paperpulse/base/strings.h"
#include "paperpulse/storage/soci/papers.h"

namespace paperpulse::storage {
namespace {

const std::string kColumns =
    "id, email, user_id, frequency, categories, keywords, min_upvotes, query, status, "
    "created_at, confirmed_at";

// Statuses whose subscription is (or was, until the address bounced) mailed:
// what an address's settings list and a new confirmation replaces.
constexpr const char* kLiveStatuses = "('active', 'bouncing')";

struct TokenColumns {
  std::string hash;
  int64_t subscription_id = 0;
  std::string created_at;
};

// Two confirmations for one address that run at once on PostgreSQL can both
// find no other active subscription to end (neither sees the other's
// uncommitted row); the unique index subscriptions_one_active then refuses
// the later one. Run again, it sees and replaces the winner: a lost
// conflict (which RunInTransaction retries), not a taken key.
Error AsLostRace(Error error) {
  if (error.code == ErrorCode::kAlreadyExists) error.code = ErrorCode::kAborted;
  return error;
}

}  // namespace

template <typename... Values>
Result<std::vector<Subscription>> SubscriptionTable::Select(const std::string& rest,
                                                            const std::string& what,
                                                            Values... values) {
  std::vector<Subscription> out;
  try {
    soci::details::prepare_temp_type query =
        (db_.sql().prepare << "SELECT " + kColumns + " FROM subscriptions " + rest);
    ((void)(query, soci::use(values)), ...);
    soci::rowset<soci::row> rows(query);
    for (const soci::row& r : rows) {
      ASSIGN_OR_RETURN(Subscription s, FromRow(r));
      out.push_back(std::move(s));
    }
  } catch (...) {
    return tl::unexpected(db_.DbError("reading " + what));
  }
  return out;
}

Result<Subscription> SubscriptionTable::FromRow(const soci::row& r) {
  Subscription s;
  s.id = SociDb::GetInt(r, 0);
  s.email = r.get<std::string>(1);
  if (r.get_indicator(2) == soci::i_ok) s.user_id = SociDb::GetInt(r, 2);
  std::optional<DigestFrequency> frequency = ParseFrequency(r.get<std::string>(3));
  std::optional<SubscriptionStatus> status = ParseSubscriptionStatus(r.get<std::string>(8));
  if (!frequency || !status) {
    return Fail(ErrorCode::kInternal,
                "corrupt frequency or status of subscription " + std::to_string(s.id));
  }
  s.frequency = *frequency;
  s.status = *status;
  ASSIGN_OR_RETURN(s.categories,
                   DecodeStringArray(json_, r.get<std::string>(4), "subscriptions.categories"));
  ASSIGN_OR_RETURN(s.keywords,
                   DecodeStringArray(json_, r.get<std::string>(5), "subscriptions.keywords"));
  s.min_upvotes = SociDb::GetInt(r, 6);
  s.query = r.get<std::string>(7);
  s.created_at = r.get<std::string>(9);
  s.confirmed_at = r.get<std::string>(10);
  return s;
}

Status SubscriptionTable::EndOthers(const std::string& email, const std::string& query,
                                    int64_t keep_id) {
  try {
    int64_t keep = keep_id;
    db_.sql() << "UPDATE subscriptions SET status = 'unsubscribed' WHERE email = :e AND query = "
                 ":q AND status IN " +
                     std::string(kLiveStatuses) + " AND id <> :k",
        soci::use(email), soci::use(query), soci::use(keep);
  } catch (...) {
    return tl::unexpected(db_.DbError("ending the earlier subscriptions of " + email));
  }
  return Ok();
}

Result<int64_t> SubscriptionTable::Add(const Subscription& s, std::string_view confirm_hash,
                                       int64_t confirm_expires_at, std::string_view now) {
  const bool active = s.status == SubscriptionStatus::kActive;
  if (!active && s.status != SubscriptionStatus::kPending) {
    return Fail(ErrorCode::kInvalidArgument, "a new subscription is pending or active, not " +
                                                 std::string(StatusName(s.status)));
  }
  if (!active && confirm_hash.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a pending subscription needs a confirmation link");
  }
  std::string email = AsciiLower(s.email);
  if (email.empty()) return Fail(ErrorCode::kInvalidArgument, "empty e-mail address");
  return db_.InTransaction<int64_t>([&]() -> Result<int64_t> {
    if (active) RETURN_IF_ERROR(EndOthers(email, s.query, 0));
    try {
      int64_t user = s.user_id, min_upvotes = s.min_upvotes, expires = confirm_expires_at, id = 0;
      soci::indicator user_ind = s.user_id != 0 ? soci::i_ok : soci::i_null;
      // An active subscription has no link to confirm.
      std::string hash = active ? std::string() : std::string(confirm_hash);
      soci::indicator hash_ind = active ? soci::i_null : soci::i_ok;
      std::string frequency(FrequencyName(s.frequency)), status(StatusName(s.status));
      std::string categories = EncodeStringArray(s.categories);
      std::string keywords = EncodeStringArray(s.keywords);
      std::string created(now), confirmed = active ? std::string(now) : std::string();
      db_.sql() << "INSERT INTO subscriptions (email, user_id, frequency, categories, keywords, "
                   "min_upvotes, query, status, confirm_hash, confirm_expires_at, created_at, "
                   "confirmed_at) VALUES (:e, :u, :f, :c, :k, :m, :q, :s, :h, :x, :ca, :co) "
                   "RETURNING id",
          soci::use(email), soci::use(user, user_ind), soci::use(frequency), soci::use(categories),
          soci::use(keywords), soci::use(min_upvotes), soci::use(s.query), soci::use(status),
          soci::use(hash, hash_ind), soci::use(expires), soci::use(created), soci::use(confirmed),
          soci::into(id);
      return id;
    } catch (...) {
      Error error = db_.DbError("adding a subscription for " + email);
      return tl::unexpected(active ? AsLostRace(std::move(error)) : std::move(error));
    }
  });
}

Result<Subscription> SubscriptionTable::Confirm(std::string_view confirm_hash, int64_t now,
                                                std::string_view now_text) {
  std::string hash(confirm_hash), confirmed(now_text);
  return db_.InTransaction<Subscription>([&]() -> Result<Subscription> {
    int64_t id = 0, expires_at = 0;
    std::string email, query, status_text, confirmed_at;
    try {
      // Locked: of two uses of one link at once, the second waits and then
      // finds the subscription active.
      db_.sql() << "SELECT id, email, query, status, confirm_expires_at, confirmed_at FROM "
                   "subscriptions WHERE confirm_hash = :h" +
                       db_.dialect().select_for_update,
          soci::use(hash), soci::into(id), soci::into(email), soci::into(query),
          soci::into(status_text), soci::into(expires_at), soci::into(confirmed_at);
      if (!db_.sql().got_data()) return Fail(ErrorCode::kNotFound, "unknown confirmation link");
    } catch (...) {
      return tl::unexpected(db_.DbError("reading a confirmation link"));
    }
    std::optional<SubscriptionStatus> status = ParseSubscriptionStatus(status_text);
    if (!status) {
      return Fail(ErrorCode::kInternal, "corrupt status of subscription " + std::to_string(id));
    }
    if (*status == SubscriptionStatus::kUnsubscribed) {
      return Fail(ErrorCode::kFailedPrecondition, "this subscription was unsubscribed");
    }
    if (*status == SubscriptionStatus::kPending) {
      if (now >= expires_at) {
        return Fail(ErrorCode::kFailedPrecondition, "this confirmation link has expired");
      }
      RETURN_IF_ERROR(EndOthers(email, query, id));
      try {
        int64_t key = id;
        db_.sql() << "UPDATE subscriptions SET status = 'active', confirmed_at = :c WHERE id = :id",
            soci::use(confirmed), soci::use(key);
      } catch (...) {
        return tl::unexpected(
            AsLostRace(db_.DbError("confirming subscription " + std::to_string(id))));
      }
    }
    ASSIGN_OR_RETURN(std::optional<Subscription> s, Get(id));
    if (!s) return Fail(ErrorCode::kInternal, "subscription " + std::to_string(id) + " vanished");
    return std::move(*s);
  });
}

Result<std::optional<Subscription>> SubscriptionTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(std::vector<Subscription> found,
                   Select("WHERE id = :id", "subscription " + std::to_string(id), id));
  if (found.empty()) return std::optional<Subscription>();
  return std::optional<Subscription>(std::move(found.front()));
}

Result<std::vector<Subscription>> SubscriptionTable::OfEmail(std::string_view email) {
  std::string lower = AsciiLower(email);
  return Select("WHERE email = :e AND status IN " + std::string(kLiveStatuses) +
                    " ORDER BY CASE WHEN query = '' THEN 0 ELSE 1 END, id",
                "the subscriptions of " + lower, lower);
}

Status SubscriptionTable::Update(const Subscription& s) {
  return db_.RunInTransaction([&]() -> Status {
    try {
      std::string frequency(FrequencyName(s.frequency));
      std::string categories = EncodeStringArray(s.categories);
      std::string keywords = EncodeStringArray(s.keywords);
      int64_t min_upvotes = s.min_upvotes, id = s.id;
      soci::statement st =
          (db_.sql().prepare << "UPDATE subscriptions SET frequency = :f, categories = :c, "
                                "keywords = :k, min_upvotes = :m WHERE id = :id",
           soci::use(frequency), soci::use(categories), soci::use(keywords), soci::use(min_upvotes),
           soci::use(id));
      st.execute(true);
      if (st.get_affected_rows() == 0) {
        return Fail(ErrorCode::kNotFound, "no subscription " + std::to_string(s.id));
      }
    } catch (...) {
      return tl::unexpected(db_.DbError("changing subscription " + std::to_string(s.id)));
    }
    return Ok();
  });
}

Status SubscriptionTable::SetStatus(int64_t id, SubscriptionStatus status) {
  return db_.RunInTransaction([&]() -> Status {
    try {
      std::string text(StatusName(status));
      int64_t key = id;
      soci::statement st =
          (db_.sql().prepare << "UPDATE subscriptions SET status = :s WHERE id = :id",
           soci::use(text), soci::use(key));
      st.execute(true);
      if (st.get_affected_rows() == 0) {
        return Fail(ErrorCode::kNotFound, "no subscription " + std::to_string(id));
      }
    } catch (...) {
      return tl::unexpected(
          db_.DbError("setting the status of subscription " + std::to_string(id)));
    }
    return Ok();
  });
}

Result<std::optional<Subscription>> SubscriptionTable::OfUnsubscribeToken(
    std::string_view unsubscribe_hash) {
  ASSIGN_OR_RETURN(
      std::vector<Subscription> found,
      Select("WHERE id = (SELECT subscription_id FROM unsubscribe_tokens WHERE "
             "token_hash = :h)",
             "the subscription of an unsubscribe link", std::string(unsubscribe_hash)));
  if (found.empty()) return std::optional<Subscription>();
  return std::optional<Subscription>(std::move(found.front()));
}

Result<bool> SubscriptionTable::Unsubscribe(std::string_view unsubscribe_hash) {
  std::string hash(unsubscribe_hash);
  return db_.InTransaction<bool>([&]() -> Result<bool> {
    try {
      int64_t id = 0;
      db_.sql() << "SELECT subscription_id FROM unsubscribe_tokens WHERE token_hash = :h",
          soci::use(hash), soci::into(id);
      if (!db_.sql().got_data()) return Fail(ErrorCode::kNotFound, "unknown unsubscribe link");
      // Checks and ends in one statement: of two clicks at once, one ends it.
      soci::statement st =
          (db_.sql().prepare << "UPDATE subscriptions SET status = 'unsubscribed' WHERE id = :id "
                                "AND status IN " +
                                    std::string(kLiveStatuses),
           soci::use(id));
      st.execute(true);
      return st.get_affected_rows() > 0;
    } catch (...) {
      return tl::unexpected(db_.DbError("unsubscribing"));
    }
  });
}

Result<std::vector<Subscription>> SubscriptionTable::Active(DigestFrequency frequency,
                                                            int64_t after_id, int limit) {
  if (limit <= 0) return std::vector<Subscription>();
  // The index subscriptions_due (status, frequency, id) answers in order.
  return Select("WHERE status = 'active' AND frequency = :f AND id > :a ORDER BY id LIMIT :n",
                "active subscriptions", std::string(FrequencyName(frequency)), after_id, limit);
}

Status SubscriptionTable::AddUnsubscribeToken(std::string_view unsubscribe_hash,
                                              int64_t subscription_id, std::string_view now) {
  try {
    auto& st = db_.Prepared<TokenColumns>(
        StatementKey::kInsertUnsubscribeToken, [](soci::session& sql, TokenColumns& v) {
          return (sql.prepare << "INSERT INTO unsubscribe_tokens (token_hash, subscription_id, "
                                 "created_at) VALUES (:h, :s, :c)",
                  soci::use(v.hash), soci::use(v.subscription_id), soci::use(v.created_at));
        });
    st.vars.hash = unsubscribe_hash;
    st.vars.subscription_id = subscription_id;
    st.vars.created_at = now;
    st.statement.execute(true);
  } catch (...) {
    return tl::unexpected(db_.DbError("storing an unsubscribe link of subscription " +
                                      std::to_string(subscription_id)));
  }
  return Ok();
}

Status SubscriptionTable::MarkBouncing(std::string_view email) {
  try {
    std::string lower = AsciiLower(email);
    db_.sql() << "UPDATE subscriptions SET status = 'bouncing' WHERE email = :e AND status = "
                 "'active'",
        soci::use(lower);
  } catch (...) {
    return tl::unexpected(db_.DbError("marking " + std::string(email) + " as bouncing"));
  }
  return Ok();
}

}  // namespace paperpulse::storage
