#include "paperpulse/storage/soci/accounts.h"

#include <utility>

#include "paperpulse/base/strings.h"

namespace paperpulse::storage {
namespace {

constexpr const char* kAccountSelect =
    "SELECT id, email, name, is_admin, banned, created_at FROM users WHERE ";

Account ReadAccount(const soci::row& r) {
  Account a;
  a.id = SociDb::GetInt(r, 0);
  a.email = r.get<std::string>(1);
  a.name = r.get<std::string>(2);
  a.is_admin = SociDb::GetInt(r, 3) != 0;
  a.banned = SociDb::GetInt(r, 4) != 0;
  a.created_at = r.get<std::string>(5);
  return a;
}

struct SessionColumns {
  std::string id_hash;
  int64_t now = 0;
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// How long an expired sign-in link is kept: long enough that using it
// still says "expired" rather than "unknown"; then it is garbage.
constexpr int64_t kExpiredLinkGraceSeconds = 24 * 60 * 60;

}  // namespace

template <typename T>
Result<std::optional<Account>> AccountTable::GetWhere(const std::string& where, T value,
                                                      const std::string& what) {
  try {
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << kAccountSelect + where, soci::use(value, "v"));
    for (const soci::row& r : rows) return std::optional<Account>(ReadAccount(r));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading account " + what));
  }
  return std::optional<Account>();
}

Result<Account> AccountTable::FindOrCreate(std::string_view email, std::string_view now) {
  std::string lower = AsciiLower(email), created(now);
  if (lower.empty()) return Fail(ErrorCode::kInvalidArgument, "empty e-mail address");
  return db_.InTransaction<Account>([&]() -> Result<Account> {
    try {
      // Two first sign-ins of one address at once: one inserts, the other
      // does nothing (on PostgreSQL it waits for the first to commit), and
      // both then read the same row.
      db_.sql() << "INSERT INTO users (email, name, created_at) VALUES (:e, '', :c) "
                   "ON CONFLICT DO NOTHING",
          soci::use(lower), soci::use(created);
    } catch (...) {
      return tl::unexpected(db_.DbError("creating account " + lower));
    }
    ASSIGN_OR_RETURN(std::optional<Account> account, GetWhere("email = :v", lower, lower));
    if (!account) return Fail(ErrorCode::kInternal, "account " + lower + " vanished");
    return std::move(*account);
  });
}

Result<std::optional<Account>> AccountTable::Get(int64_t id) {
  return GetWhere("id = :v", id, std::to_string(id));
}

Result<std::optional<Account>> AccountTable::GetByEmail(std::string_view email) {
  std::string lower = AsciiLower(email);
  return GetWhere("email = :v", lower, lower);
}

Result<std::optional<Account>> AccountTable::GetByName(std::string_view name) {
  if (name.empty()) return std::optional<Account>();
  // The same expression as the partial index users_name_lower, so it is used.
  return GetWhere("lower(name) = lower(:v) AND name <> ''", std::string(name),
                  "named " + std::string(name));
}

Status AccountTable::SetName(int64_t id, std::string_view name) {
  std::string n(name);
  return db_.RunInTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(std::optional<Account> account, Get(id));
    if (!account) return Fail(ErrorCode::kNotFound, "no account " + std::to_string(id));
    ASSIGN_OR_RETURN(std::optional<Account> holder, GetByName(n));
    if (holder && holder->id != id) {
      return Fail(ErrorCode::kAlreadyExists, "the name \"" + n + "\" is taken");
    }
    try {
      // The unique index decides between two accounts racing for one name
      // (kAlreadyExists for the loser).
      int64_t key = id;
      db_.sql() << "UPDATE users SET name = :n WHERE id = :id", soci::use(n), soci::use(key);
    } catch (...) {
      return tl::unexpected(db_.DbError("naming account " + std::to_string(id)));
    }
    return Ok();
  });
}

Status AccountTable::SetFlag(int64_t id, const char* column, bool value) {
  try {
    int flag = value ? 1 : 0;
    int64_t key = id;
    soci::statement st =
        (db_.sql().prepare << "UPDATE users SET " + std::string(column) + " = :f WHERE id = :id",
         soci::use(flag), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      return Fail(ErrorCode::kNotFound, "no account " + std::to_string(id));
    }
  } catch (...) {
    return tl::unexpected(
        db_.DbError("setting " + std::string(column) + " of account " + std::to_string(id)));
  }
  return Ok();
}

Status AccountTable::SetAdmin(int64_t id, bool admin) {
  return db_.RunInTransaction([&]() -> Status { return SetFlag(id, "is_admin", admin); });
}

Status AccountTable::SetBanned(int64_t id, bool banned) {
  return db_.RunInTransaction([&]() -> Status {
    RETURN_IF_ERROR(SetFlag(id, "banned", banned));
    if (!banned) return Ok();
    try {
      int64_t key = id;
      db_.sql() << "DELETE FROM sessions WHERE user_id = :u", soci::use(key);
    } catch (...) {
      return tl::unexpected(db_.DbError("ending the sessions of account " + std::to_string(id)));
    }
    return Ok();
  });
}

Status AccountTable::CreateLoginToken(std::string_view token_hash, std::string_view email,
                                      int64_t now, int64_t expires_at) {
  std::string hash(token_hash), lower = AsciiLower(email);
  return db_.RunInTransaction([&]() -> Status {
    try {
      int64_t created = now, expires = expires_at, cutoff = now - kExpiredLinkGraceSeconds;
      db_.sql() << "DELETE FROM login_tokens WHERE expires_at < :c", soci::use(cutoff);
      db_.sql() << "INSERT INTO login_tokens (token_hash, email, created_at, expires_at) "
                   "VALUES (:h, :e, :c, :x)",
          soci::use(hash), soci::use(lower), soci::use(created), soci::use(expires);
    } catch (...) {
      return tl::unexpected(db_.DbError("storing a sign-in link for " + lower));
    }
    return Ok();
  });
}

Result<std::string> AccountTable::ConsumeLoginToken(std::string_view token_hash, int64_t now) {
  std::string hash(token_hash);
  return db_.InTransaction<std::string>([&]() -> Result<std::string> {
    int64_t used_at = 0, expires_at = 0;
    soci::indicator used_ind = soci::i_null;
    try {
      // Checks and marks in one statement: of two concurrent uses, one
      // updates the row and the other finds it used.
      std::string email;
      int64_t at = now;
      db_.sql() << "UPDATE login_tokens SET used_at = :n WHERE token_hash = :h AND used_at IS "
                   "NULL AND expires_at > :n2 RETURNING email",
          soci::use(at), soci::use(hash), soci::use(at), soci::into(email);
      if (db_.sql().got_data()) return email;
      db_.sql() << "SELECT used_at, expires_at FROM login_tokens WHERE token_hash = :h",
          soci::use(hash), soci::into(used_at, used_ind), soci::into(expires_at);
      if (!db_.sql().got_data()) return Fail(ErrorCode::kNotFound, "unknown sign-in link");
    } catch (...) {
      return tl::unexpected(db_.DbError("using a sign-in link"));
    }
    if (used_ind == soci::i_ok) {
      return Fail(ErrorCode::kFailedPrecondition, "this sign-in link was already used");
    }
    return Fail(ErrorCode::kFailedPrecondition, "this sign-in link has expired");
  });
}

Status AccountTable::CreateSession(const SessionRecord& s) {
  return db_.RunInTransaction([&]() -> Status {
    try {
      std::string hash = s.id_hash, csrf = s.csrf_token;
      int64_t user = s.user_id, created = s.created_at, expires = s.expires_at;
      // The account's expired sessions are garbage (found by the user_id
      // index, so this stays cheap).
      db_.sql() << "DELETE FROM sessions WHERE user_id = :u AND expires_at <= :n", soci::use(user),
          soci::use(created);
      db_.sql() << "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) "
                   "VALUES (:h, :u, :c, :ca, :x)",
          soci::use(hash), soci::use(user), soci::use(csrf), soci::use(created), soci::use(expires);
    } catch (...) {
      return tl::unexpected(
          db_.DbError("creating a session for account " + std::to_string(s.user_id)));
    }
    return Ok();
  });
}

Result<std::optional<SessionRecord>> AccountTable::GetSession(std::string_view id_hash,
                                                              int64_t now) {
  try {
    auto& st = db_.Prepared<SessionColumns>(
        StatementKey::kSelectSession, [](soci::session& sql, SessionColumns& c) {
          return (sql.prepare << "SELECT s.user_id, s.csrf_token, s.created_at, s.expires_at "
                                 "FROM sessions s JOIN users u ON u.id = s.user_id WHERE "
                                 "s.id_hash = :h AND s.expires_at > :n AND u.banned = 0",
                  soci::use(c.id_hash), soci::use(c.now), soci::into(c.user_id),
                  soci::into(c.csrf_token), soci::into(c.created_at), soci::into(c.expires_at));
        });
    SessionColumns& c = st.vars;
    c.id_hash = id_hash;
    c.now = now;
    if (!SociDb::ExecuteOne(st.statement)) return std::optional<SessionRecord>();
    SessionRecord s;
    s.id_hash = id_hash;
    s.user_id = c.user_id;
    s.csrf_token = c.csrf_token;
    s.created_at = c.created_at;
    s.expires_at = c.expires_at;
    return std::optional<SessionRecord>(std::move(s));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading a session"));
  }
}

Status AccountTable::DeleteSession(std::string_view id_hash) {
  std::string hash(id_hash);
  return db_.RunInTransaction([&]() -> Status {
    try {
      db_.sql() << "DELETE FROM sessions WHERE id_hash = :h", soci::use(hash);
    } catch (...) {
      return tl::unexpected(db_.DbError("ending a session"));
    }
    return Ok();
  });
}

Status AccountTable::CreateApiToken(std::string_view token_hash, int64_t user_id,
                                    std::string_view label, std::string_view now) {
  std::string hash(token_hash), l(label), created(now);
  return db_.RunInTransaction([&]() -> Status {
    try {
      int64_t user = user_id;
      db_.sql() << "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES "
                   "(:h, :u, :l, :c)",
          soci::use(hash), soci::use(user), soci::use(l), soci::use(created);
    } catch (...) {
      return tl::unexpected(
          db_.DbError("creating an API token for account " + std::to_string(user_id)));
    }
    return Ok();
  });
}

Result<std::optional<int64_t>> AccountTable::ApiTokenUser(std::string_view token_hash) {
  try {
    std::string hash(token_hash);
    int64_t user = 0;
    db_.sql() << "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE "
                 "t.token_hash = :h AND u.banned = 0",
        soci::use(hash), soci::into(user);
    if (!db_.sql().got_data()) return std::optional<int64_t>();
    return std::optional<int64_t>(user);
  } catch (...) {
    return tl::unexpected(db_.DbError("reading an API token"));
  }
}

}  // namespace paperpulse::storage
