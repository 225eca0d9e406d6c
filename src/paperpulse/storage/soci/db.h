// SociDb: the one SOCI helper every table of the SOCI Store stands on. It
// owns the connection and the Dialect and gives the domain files (papers,
// daily, accounts, votes, popularity, moderation, meta, subscriptions,
// outbox) what they share:
//   - database exceptions translated to typed error codes (DbError),
//   - transactions: Begin/Commit/Rollback for the importer's batches and
//     RunInTransaction, which retries lost conflicts with back-off,
//   - the two commit-ordered sequence counters (change_seq, popularity_seq),
//   - statements prepared once per connection, each with its own variables.
// Not thread-safe, like the Store it serves.
#pragma once

#include <soci/soci.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paperpulse/base/result.h"

namespace paperpulse::storage {

// Where SQLite and PostgreSQL differ.
struct Dialect {
  std::string name;               // "sqlite" | "postgresql"
  std::string auto_id;            // column type of a generated integer key
  std::string int64;              // 64-bit integer column type
  std::string double_type;        // 8-byte floating point column type
  std::string begin_write;        // statement that opens a write transaction
  std::string select_for_update;  // suffix that locks rows read inside a transaction
  std::string migration_lock;     // statement run first in each migration transaction
  // Session settings, run after every (re)connect; may throw.
  std::function<void(soci::session&)> on_connect;
};

// The counters handed out by SociDb::NextSeq. Each is a row of `meta`.
enum class Counter { kChange, kPopularity };

// The statements SociDb prepares once per connection: those of the import
// hot path (on SQLite preparing costs more than executing), of the most
// frequent community writes and reads, and those a digest run makes per
// subscriber or mail. Each key belongs to exactly one call
// site, which also defines the variables it binds.
enum class StatementKey {
  kSelectPaper,
  kSelectPaperForUpdate,
  kSelectPaperVersions,
  kInsertPaper,
  kUpdatePaper,
  kDeletePaperVersions,
  kInsertPaperVersion,
  kPaperExists,
  kSelectDailyEntryForUpdate,
  kInsertDailyEntry,
  kUpdateDailyEntry,
  kSelectPopularity,
  kUpsertPopularity,
  kInsertVote,
  kDeleteVote,
  kSelectSession,
  kHasDigest,
  kSelectReceived,
  kInsertOutboxMail,
  kInsertReceived,
  kInsertUnsubscribeToken,
  kClaimMail,
  kMarkMailSent,
  kCount,  // not a statement: the number of keys
};

class CachedStatementBase {
 public:
  virtual ~CachedStatementBase() = default;
};

// A statement prepared together with the variables it binds. SOCI binds by
// reference, so the two live and die together: fill `vars`, execute
// `statement`, read results from `vars`.
template <typename Vars>
class CachedStatement final : public CachedStatementBase {
 public:
  template <typename Prepare>
  CachedStatement(soci::session& sql, Prepare&& prepare) : statement(prepare(sql, vars)) {}

  Vars vars;  // declared first: bound by `statement` as that is constructed
  soci::statement statement;
};

class SociDb {
 public:
  // Opens a session on `backend` with `connect_string` and runs
  // dialect.on_connect. Errors: kIo (a server that cannot be reached
  // included: libpq gives no SQLSTATE for it), or what DbError would say
  // for a more specific failure; the message starts with `context`.
  static Result<std::unique_ptr<SociDb>> Connect(const soci::backend_factory& backend,
                                                 const std::string& connect_string, Dialect dialect,
                                                 std::string_view context);
  ~SociDb();
  SociDb(const SociDb&) = delete;
  SociDb& operator=(const SociDb&) = delete;

  soci::session& sql() { return *sql_; }
  const Dialect& dialect() const { return dialect_; }
  bool in_transaction() const { return in_tx_; }

  // The Error for the exception being handled, its message prefixed with
  // `context` (what we were doing). Call only inside a catch block. The one
  // place where database errors get their codes:
  //   unique / primary key violation        -> kAlreadyExists
  //   foreign key violation                 -> kNotFound (the row referred to is missing)
  //   serialization failure, deadlock, busy -> kAborted (RunInTransaction retries it)
  //   lost connection, server shutting down -> kUnavailable
  //   disk full, I/O error                  -> kIo
  //   anything else                         -> kInternal
  // A PostgreSQL connection found lost outside a transaction is re-opened
  // here, so that one lost connection fails one call, not every later one.
  // Also drops the prepared statements once no caller can be using them
  // (here outside a transaction, else at its end): SOCI leaks the bound
  // buffers of a statement whose execution threw when it is run again.
  Error DbError(std::string_view context);

  // See Store::Begin/Commit/Rollback. Commit also writes the counters taken
  // by NextSeq. Errors: kInternal for misuse (nested Begin, Commit without
  // Begin), else as DbError.
  Status Begin();
  Status Commit();
  Status Rollback();

  // See Store::RunInTransaction: up to kMaxAttempts attempts, with a random
  // pause between attempts that doubles from kMinBackoff up to kMaxBackoff.
  Status RunInTransaction(const std::function<Status()>& fn);
  static constexpr int kMaxAttempts = 5;
  static constexpr std::chrono::milliseconds kMinBackoff{5};
  static constexpr std::chrono::milliseconds kMaxBackoff{200};

  // Runs `fn` (returning Result<T>) inside the current transaction, or in
  // one of its own by RunInTransaction's rules.
  template <typename T, typename Fn>
  Result<T> InTransaction(Fn&& fn) {
    if (in_tx_) return fn();
    std::optional<T> out;
    Status status = RunInTransaction([&]() -> Status {
      ASSIGN_OR_RETURN(T value, fn());
      out = std::move(value);
      return Ok();
    });
    if (!status) return tl::unexpected(std::move(status).error());
    return std::move(*out);
  }

  // Sequence numbers (a paper's change_seq, a PaperPopularity's
  // popularity_seq) come from a counter row of `meta`, read once per
  // transaction and (on PostgreSQL) locked until commit, so numbers follow
  // commit order: a reader that has seen N never misses a later commit <= N.
  // LockCounter only takes the lock. Every transaction that writes
  // popularity rows takes the kPopularity lock before touching any of them,
  // so all such transactions lock in one order and cannot deadlock on each
  // other. Precondition: inside a transaction.
  Status LockCounter(Counter counter);
  Result<int64_t> NextSeq(Counter counter);

  // The statement of `key`, prepared by `prepare(session, vars)` (which
  // returns the `session.prepare << ...` expression) on first use. May
  // throw a SOCI exception: call inside try.
  template <typename Vars, typename Prepare>
  CachedStatement<Vars>& Prepared(StatementKey key, Prepare&& prepare) {
    auto& slot = cache_[static_cast<size_t>(key)];
    if (!slot) slot = std::make_unique<CachedStatement<Vars>>(*sql_, prepare);
    return static_cast<CachedStatement<Vars>&>(*slot);
  }

  // Executes a prepared single-row statement and steps it to its end; true
  // when it returned a row. Stepping to the end matters on SQLite: a
  // statement left mid-result keeps its read transaction, and so an old
  // snapshot, open: the connection would stop seeing other commits.
  static bool ExecuteOne(soci::statement& st);

  // An integer column of a dynamically typed row, whatever width or type
  // the backend reports for it.
  static int64_t GetInt(const soci::row& r, size_t i);

  // Those of `paper_ids` that have a row with `user_id` in `table` (a
  // constant of the caller with user_id and paper_id columns: a vote, a
  // library entry), in the order of `paper_ids`. Asks for at most
  // kPaperIdsPerStatement ids per statement. Errors: as DbError, the
  // message starting with `context`.
  Result<std::vector<std::string>> PaperIdsOfUser(std::string_view table, int64_t user_id,
                                                  const std::vector<std::string>& paper_ids,
                                                  std::string_view context);
  // Well below the bound parameter limits of both databases.
  static constexpr size_t kPaperIdsPerStatement = 100;

 private:
  SociDb(std::unique_ptr<soci::session> sql, Dialect dialect);

  struct CounterState {
    bool loaded = false;
    bool dirty = false;
    int64_t value = 0;
  };
  CounterState& State(Counter c) { return counters_[static_cast<size_t>(c)]; }
  void ResetTransactionState();
  bool ConnectionLost() const;
  // Destroys the prepared statements; the next use prepares them again.
  // Precondition: no reference returned by Prepared is in use.
  void DropStatements();

  std::unique_ptr<soci::session> sql_;
  Dialect dialect_;
  // Declared after sql_: destroyed before the session they belong to.
  std::array<std::unique_ptr<CachedStatementBase>, static_cast<size_t>(StatementKey::kCount)>
      cache_;
  std::array<CounterState, 2> counters_;
  bool in_tx_ = false;
  bool statement_failed_ = false;  // a statement threw since DropStatements
};

}  // namespace paperpulse::storage
