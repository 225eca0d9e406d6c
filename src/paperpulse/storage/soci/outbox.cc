#include "paperpulse/storage/soci/outbox.h"

#include <algorithm>
#include <array>
#include <unordered_set>
#include <utility>

#include "paperpulse/base/strings.h"

namespace paperpulse::storage {
namespace {

std::string_view StateName(OutboxState s) {
  switch (s) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kSending:
      return "sending";
    case OutboxState::kSent:
      return "sent";
    case OutboxState::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<OutboxState> ParseState(std::string_view s) {
  for (OutboxState state :
       {OutboxState::kPending, OutboxState::kSending, OutboxState::kSent, OutboxState::kFailed}) {
    if (StateName(state) == s) return state;
  }
  return std::nullopt;
}

// The columns of a mail, in the order kMailColumns names them; `id`,
// `subscription_id` and `period` also serve as keys to bind.
struct MailColumns {
  int64_t id = 0;
  int64_t subscription_id = 0;
  std::string period, from_email, to_email, message_id, mime, state;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::string last_error, created_at, sent_at;
  // Bound by ClaimDue's statement only.
  int64_t now = 0;
  int64_t stale_before = 0;
};

constexpr const char* kMailColumns =
    "id, subscription_id, period, from_email, to_email, message_id, mime, state, attempts, "
    "next_attempt_at, last_error, created_at, sent_at";

// Adds the into() of every column of kMailColumns to `query`.
void IntoMail(soci::details::prepare_temp_type& query, MailColumns& m) {
  query, soci::into(m.id), soci::into(m.subscription_id), soci::into(m.period),
      soci::into(m.from_email), soci::into(m.to_email), soci::into(m.message_id),
      soci::into(m.mime), soci::into(m.state), soci::into(m.attempts),
      soci::into(m.next_attempt_at), soci::into(m.last_error), soci::into(m.created_at),
      soci::into(m.sent_at);
}

Result<OutboxMail> ToMail(MailColumns& m) {
  std::optional<OutboxState> state = ParseState(m.state);
  if (!state) {
    return Fail(ErrorCode::kInternal, "corrupt state of outbox mail " + std::to_string(m.id));
  }
  OutboxMail out;
  out.id = m.id;
  out.subscription_id = m.subscription_id;
  out.period = std::move(m.period);
  out.from_email = std::move(m.from_email);
  out.to_email = std::move(m.to_email);
  out.message_id = std::move(m.message_id);
  out.mime = std::move(m.mime);
  out.state = *state;
  out.attempts = m.attempts;
  out.next_attempt_at = m.next_attempt_at;
  out.last_error = std::move(m.last_error);
  out.created_at = std::move(m.created_at);
  out.sent_at = std::move(m.sent_at);
  return out;
}

struct HasVars {
  int64_t subscription_id = 0;
  std::string period;
  int found = 0;
};

// How many papers one statement of EnqueueDigest records as received: a
// digest's papers in one round trip or two. A shorter chunk repeats its
// first id (ON CONFLICT DO NOTHING skips the repeats).
constexpr size_t kRecordChunk = 16;

struct RecordVars {
  std::string email;
  std::array<std::string, kRecordChunk> ids;
};

// How many papers ReceivedPapers asks for per statement. One prepared
// statement of this many placeholders serves every call: a shorter last
// chunk repeats its first id (IN ignores duplicates).
constexpr size_t kReceivedChunk = 64;

struct ReceivedVars {
  std::string email;
  std::array<std::string, kReceivedChunk> ids;
  std::string paper_id;  // each row read
};

struct SentVars {
  int64_t id = 0;
  std::string sent_at;
};

}  // namespace

Result<bool> OutboxTable::Enqueue(const NewDigest& digest) {
  const OutboxMail& mail = digest.mail;
  if (digest.unsubscribe_hash.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a digest needs an unsubscribe link");
  }
  std::string what =
      "the " + mail.period + " digest of subscription " + std::to_string(mail.subscription_id);
  return db_.InTransaction<bool>([&]() -> Result<bool> {
    try {
      auto& insert = db_.Prepared<MailColumns>(
          StatementKey::kInsertOutboxMail, [](soci::session& sql, MailColumns& m) {
            return (sql.prepare << "INSERT INTO digest_outbox (subscription_id, period, "
                                   "from_email, to_email, message_id, mime, state, "
                                   "next_attempt_at, created_at) VALUES (:s, :p, :f, :t, :m, :b, "
                                   "'pending', :n, :c) ON CONFLICT DO NOTHING",
                    soci::use(m.subscription_id), soci::use(m.period), soci::use(m.from_email),
                    soci::use(m.to_email), soci::use(m.message_id), soci::use(m.mime),
                    soci::use(m.next_attempt_at), soci::use(m.created_at));
          });
      MailColumns& m = insert.vars;
      m.subscription_id = mail.subscription_id;
      m.period = mail.period;
      m.from_email = mail.from_email;
      m.to_email = mail.to_email;
      m.message_id = mail.message_id;
      m.mime = mail.mime;
      m.next_attempt_at = mail.next_attempt_at;
      m.created_at = mail.created_at;
      insert.statement.execute(true);
      // The period's mail exists (a re-run, another node): its papers and
      // link were recorded with it.
      if (insert.statement.get_affected_rows() == 0) return false;

      auto& record = db_.Prepared<RecordVars>(
          StatementKey::kInsertReceived, [](soci::session& sql, RecordVars& v) {
            std::string text = "INSERT INTO digest_received (email, paper_id) VALUES ";
            for (size_t i = 0; i < kRecordChunk; ++i) {
              text += (i == 0 ? "(:e0, :p0)"
                              : ", (:e" + std::to_string(i) + ", :p" + std::to_string(i) + ")");
            }
            text += " ON CONFLICT DO NOTHING";
            soci::details::prepare_temp_type query = (sql.prepare << text);
            for (std::string& id : v.ids) query, soci::use(v.email), soci::use(id);
            return query;
          });
      RecordVars& v = record.vars;
      v.email = AsciiLower(mail.to_email);
      const std::vector<std::string>& ids = digest.paper_ids;
      for (size_t begin = 0; begin < ids.size(); begin += kRecordChunk) {
        size_t end = std::min(ids.size(), begin + kRecordChunk);
        for (size_t i = 0; i < kRecordChunk; ++i) {
          v.ids[i] = ids[begin + i < end ? begin + i : begin];
        }
        record.statement.execute(true);
      }
    } catch (...) {
      return tl::unexpected(db_.DbError("enqueueing " + what));
    }
    RETURN_IF_ERROR(subscriptions_.AddUnsubscribeToken(digest.unsubscribe_hash,
                                                       mail.subscription_id, mail.created_at));
    return true;
  });
}

Result<bool> OutboxTable::Has(int64_t subscription_id, std::string_view period) {
  try {
    auto& st = db_.Prepared<HasVars>(StatementKey::kHasDigest, [](soci::session& sql, HasVars& v) {
      return (sql.prepare << "SELECT 1 FROM digest_outbox WHERE subscription_id = :s AND period "
                             "= :p",
              soci::use(v.subscription_id), soci::use(v.period), soci::into(v.found));
    });
    st.vars.subscription_id = subscription_id;
    st.vars.period = period;
    return SociDb::ExecuteOne(st.statement);
  } catch (...) {
    return tl::unexpected(db_.DbError("looking up the " + std::string(period) +
                                      " digest of subscription " +
                                      std::to_string(subscription_id)));
  }
}

Result<std::vector<std::string>> OutboxTable::ReceivedPapers(
    std::string_view email, const std::vector<std::string>& paper_ids) {
  std::unordered_set<std::string> received;
  try {
    auto& st = db_.Prepared<ReceivedVars>(StatementKey::kSelectReceived, [](soci::session& sql,
                                                                            ReceivedVars& v) {
      std::string text = "SELECT paper_id FROM digest_received WHERE email = :e AND paper_id IN (";
      for (size_t i = 0; i < kReceivedChunk; ++i) {
        text += (i == 0 ? ":p" : ", :p") + std::to_string(i);
      }
      text += ")";
      soci::details::prepare_temp_type query = (sql.prepare << text, soci::use(v.email));
      for (std::string& id : v.ids) query, soci::use(id);
      query, soci::into(v.paper_id);
      return query;
    });
    ReceivedVars& v = st.vars;
    v.email = AsciiLower(email);
    for (size_t begin = 0; begin < paper_ids.size(); begin += kReceivedChunk) {
      size_t end = std::min(paper_ids.size(), begin + kReceivedChunk);
      for (size_t i = 0; i < kReceivedChunk; ++i) {
        v.ids[i] = paper_ids[begin + i < end ? begin + i : begin];
      }
      st.statement.execute();
      while (st.statement.fetch()) received.insert(v.paper_id);
    }
  } catch (...) {
    return tl::unexpected(db_.DbError("reading the papers mailed to " + std::string(email)));
  }
  std::vector<std::string> out;
  for (const std::string& id : paper_ids) {
    if (received.erase(id) > 0) out.push_back(id);
  }
  return out;
}

Result<std::vector<int64_t>> OutboxTable::PickIds(const std::string& sql, int64_t bound,
                                                  int limit) {
  std::vector<int64_t> ids;
  // On PostgreSQL: lock the picked rows, passing over those another
  // sender's transaction holds (SQLite has one writer at a time anyway).
  const std::string& lock = db_.dialect().select_for_update;
  std::string text = sql + (lock.empty() ? std::string() : lock + " SKIP LOCKED");
  try {
    int64_t a = bound;
    int n = limit;
    soci::rowset<soci::row> rows = (db_.sql().prepare << text, soci::use(a), soci::use(n));
    for (const soci::row& r : rows) ids.push_back(SociDb::GetInt(r, 0));
  } catch (...) {
    return tl::unexpected(db_.DbError("picking mails to send"));
  }
  return ids;
}

Result<std::vector<OutboxMail>> OutboxTable::ClaimDue(int64_t now, int64_t stale_before,
                                                      int limit) {
  if (limit <= 0) return std::vector<OutboxMail>();
  return db_.InTransaction<std::vector<OutboxMail>>([&]() -> Result<std::vector<OutboxMail>> {
    // Mails whose sender died first: they have waited longest.
    ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                     PickIds("SELECT id FROM digest_outbox WHERE state = 'sending' AND "
                             "claimed_at < :a ORDER BY claimed_at, id LIMIT :n",
                             stale_before, limit));
    if (static_cast<int>(ids.size()) < limit) {
      ASSIGN_OR_RETURN(std::vector<int64_t> due,
                       PickIds("SELECT id FROM digest_outbox WHERE state = 'pending' AND "
                               "next_attempt_at <= :a ORDER BY next_attempt_at, id LIMIT :n",
                               now, limit - static_cast<int>(ids.size())));
      ids.insert(ids.end(), due.begin(), due.end());
    }
    std::vector<OutboxMail> out;
    try {
      auto& st = db_.Prepared<MailColumns>(
          StatementKey::kClaimMail, [](soci::session& sql, MailColumns& m) {
            // Checks again that the mail is due while taking it: only one
            // of several senders that picked it updates the row.
            soci::details::prepare_temp_type query =
                (sql.prepare << "UPDATE digest_outbox SET state = 'sending', claimed_at = :now, "
                                "attempts = attempts + 1 WHERE id = :id AND ((state = 'pending' "
                                "AND next_attempt_at <= :due) OR (state = 'sending' AND "
                                "claimed_at < :stale)) RETURNING " +
                                    std::string(kMailColumns),
                 soci::use(m.now), soci::use(m.id), soci::use(m.now), soci::use(m.stale_before));
            IntoMail(query, m);
            return query;
          });
      MailColumns& m = st.vars;
      for (int64_t id : ids) {
        m.now = now;
        m.stale_before = stale_before;
        m.id = id;
        if (!SociDb::ExecuteOne(st.statement)) continue;
        ASSIGN_OR_RETURN(OutboxMail mail, ToMail(m));
        out.push_back(std::move(mail));
      }
    } catch (...) {
      return tl::unexpected(db_.DbError("claiming mails to send"));
    }
    return out;
  });
}

Status OutboxTable::MarkSent(int64_t id, std::string_view now_text) {
  return db_.RunInTransaction([&]() -> Status {
    try {
      auto& st =
          db_.Prepared<SentVars>(StatementKey::kMarkMailSent, [](soci::session& sql, SentVars& v) {
            // The body is dropped: a sent mail is only kept for its key.
            return (sql.prepare << "UPDATE digest_outbox SET state = 'sent', sent_at = :t, mime "
                                   "= '' WHERE id = :id",
                    soci::use(v.sent_at), soci::use(v.id));
          });
      st.vars.id = id;
      st.vars.sent_at = now_text;
      st.statement.execute(true);
      if (st.statement.get_affected_rows() == 0) {
        return Fail(ErrorCode::kNotFound, "no outbox mail " + std::to_string(id));
      }
    } catch (...) {
      return tl::unexpected(db_.DbError("marking outbox mail " + std::to_string(id) + " sent"));
    }
    return Ok();
  });
}

Status OutboxTable::MarkDeferred(int64_t id, int64_t next_attempt_at, std::string_view error) {
  std::string message(error);
  return db_.RunInTransaction([&]() -> Status {
    try {
      int64_t key = id, next = next_attempt_at;
      soci::statement st =
          (db_.sql().prepare << "UPDATE digest_outbox SET state = 'pending', next_attempt_at = "
                                ":n, last_error = :e, deferrals = deferrals + 1, claimed_at = 0 "
                                "WHERE id = :id",
           soci::use(next), soci::use(message), soci::use(key));
      st.execute(true);
      if (st.get_affected_rows() == 0) {
        return Fail(ErrorCode::kNotFound, "no outbox mail " + std::to_string(id));
      }
    } catch (...) {
      return tl::unexpected(db_.DbError("deferring outbox mail " + std::to_string(id)));
    }
    return Ok();
  });
}

Status OutboxTable::MarkFailed(int64_t id, std::string_view error, bool bounce) {
  std::string message(error);
  return db_.RunInTransaction([&]() -> Status {
    std::string to_email;
    try {
      int64_t key = id;
      db_.sql() << "UPDATE digest_outbox SET state = 'failed', last_error = :e WHERE id = :id "
                   "RETURNING to_email",
          soci::use(message), soci::use(key), soci::into(to_email);
      if (!db_.sql().got_data()) {
        return Fail(ErrorCode::kNotFound, "no outbox mail " + std::to_string(id));
      }
    } catch (...) {
      return tl::unexpected(db_.DbError("marking outbox mail " + std::to_string(id) + " failed"));
    }
    if (bounce) RETURN_IF_ERROR(subscriptions_.MarkBouncing(to_email));
    return Ok();
  });
}

Result<std::optional<OutboxMail>> OutboxTable::Get(int64_t subscription_id,
                                                   std::string_view period) {
  MailColumns m;
  try {
    int64_t key = subscription_id;
    std::string p(period);
    soci::details::prepare_temp_type query =
        (db_.sql().prepare << "SELECT " + std::string(kMailColumns) +
                                  " FROM digest_outbox WHERE subscription_id = :s AND period = :p",
         soci::use(key), soci::use(p));
    IntoMail(query, m);
    soci::statement st(query);
    if (!SociDb::ExecuteOne(st)) return std::optional<OutboxMail>();
  } catch (...) {
    return tl::unexpected(db_.DbError("reading the " + std::string(period) +
                                      " digest of subscription " +
                                      std::to_string(subscription_id)));
  }
  ASSIGN_OR_RETURN(OutboxMail mail, ToMail(m));
  return std::optional<OutboxMail>(std::move(mail));
}

Result<OutboxStats> OutboxTable::Stats() {
  OutboxStats s;
  try {
    // Both read an index alone: digest_outbox_due for the counts, the
    // partial digest_outbox_deferred (rows deferred at least once) for the sum.
    soci::rowset<soci::row> rows = db_.sql().prepare
                                   << "SELECT state, COUNT(*) FROM digest_outbox GROUP BY state";
    for (const soci::row& r : rows) {
      std::optional<OutboxState> state = ParseState(r.get<std::string>(0));
      int64_t n = SociDb::GetInt(r, 1);
      if (!state)
        return Fail(ErrorCode::kInternal, "corrupt outbox state " + r.get<std::string>(0));
      switch (*state) {
        case OutboxState::kPending:
        case OutboxState::kSending:
          s.pending += n;
          break;
        case OutboxState::kSent:
          s.sent += n;
          break;
        case OutboxState::kFailed:
          s.failed += n;
          break;
      }
    }
    int64_t deferrals = 0;
    db_.sql() << "SELECT COALESCE(SUM(deferrals), 0) FROM digest_outbox WHERE deferrals > 0",
        soci::into(deferrals);
    s.deferrals = deferrals;
  } catch (...) {
    return tl::unexpected(db_.DbError("counting the outbox"));
  }
  return s;
}

}  // namespace paperpulse::storage
