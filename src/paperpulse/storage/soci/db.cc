#include "paperpulse/storage/soci/db.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <random>
#include <thread>
#include <unordered_set>

namespace paperpulse::storage {
namespace {

// PostgreSQL SQLSTATE codes (Appendix A of its manual).
ErrorCode FromSqlState(const std::string& state) {
  if (state == "23505") return ErrorCode::kAlreadyExists;  // unique_violation
  if (state == "23503") return ErrorCode::kNotFound;       // foreign_key_violation
  // serialization_failure, deadlock_detected, lock_not_available: the
  // transaction lost to another one; running it again can succeed.
  if (state == "40001" || state == "40P01" || state == "55P03") return ErrorCode::kAborted;
  // connection_exception (08xxx), admin / crash shutdown, cannot connect
  // now, too many connections: the server is (for now) out of reach.
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "53300") {
    return ErrorCode::kUnavailable;
  }
  if (state == "53100" || state.rfind("58", 0) == 0) return ErrorCode::kIo;  // disk full, I/O
  return ErrorCode::kInternal;
}

// SQLite result codes; the connection enables extended codes (sqlite_store.cc)
// so that constraint violations say which constraint.
ErrorCode FromSqliteResult(int result) {
  switch (result) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ErrorCode::kNotFound;
    default:
      break;
  }
  switch (result & 0xff) {
    // Another connection holds the lock past the busy timeout, or a shared
    // cache table is locked: the transaction can be run again.
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kAborted;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return ErrorCode::kIo;
    default:
      return ErrorCode::kInternal;
  }
}

// The code and message of the exception being handled.
ErrorCode ClassifyCurrentException(std::string* message) {
  try {
    throw;
  } catch (const soci::postgresql_soci_error& e) {
    *message = e.what();
    ErrorCode code = FromSqlState(e.sqlstate());
    if (code == ErrorCode::kInternal &&
        e.get_error_category() == soci::soci_error::connection_error) {
      code = ErrorCode::kUnavailable;
    }
    return code;
  } catch (const soci::sqlite3_soci_error& e) {
    *message = e.what();
    return FromSqliteResult(e.result());
  } catch (const soci::soci_error& e) {
    *message = e.what();
    return e.get_error_category() == soci::soci_error::connection_error ? ErrorCode::kUnavailable
                                                                        : ErrorCode::kInternal;
  } catch (const std::exception& e) {
    *message = e.what();
    return ErrorCode::kInternal;
  } catch (...) {
    *message = "unknown exception";
    return ErrorCode::kInternal;
  }
}

// A pause of random length in [kMinBackoff, ceiling]: "full jitter", so that
// transactions that collided once do not collide again in step.
void SleepWithJitter(std::chrono::milliseconds ceiling) {
  thread_local std::minstd_rand rng(std::random_device{}());
  std::uniform_int_distribution<int64_t> pick(SociDb::kMinBackoff.count(), ceiling.count());
  std::this_thread::sleep_for(std::chrono::milliseconds(pick(rng)));
}

const char* CounterKey(Counter c) {
  return c == Counter::kChange ? "change_seq" : "popularity_seq";
}

}  // namespace

SociDb::SociDb(std::unique_ptr<soci::session> sql, Dialect dialect)
    : sql_(std::move(sql)), dialect_(std::move(dialect)) {}

SociDb::~SociDb() {
  if (!in_tx_) return;
  try {
    *sql_ << "ROLLBACK";
  } catch (const std::exception&) {
    // Nothing more to do: the connection is going away, and the server
    // rolls back an open transaction when it does.
  }
}

Result<std::unique_ptr<SociDb>> SociDb::Connect(const soci::backend_factory& backend,
                                                const std::string& connect_string, Dialect dialect,
                                                std::string_view context) {
  auto session = std::make_unique<soci::session>();
  try {
    session->open(backend, connect_string);
    if (dialect.on_connect) dialect.on_connect(*session);
  } catch (...) {
    std::string message;
    ErrorCode code = ClassifyCurrentException(&message);
    if (code == ErrorCode::kInternal) code = ErrorCode::kIo;
    return Fail(code, std::string(context) + ": " + message);
  }
  return std::unique_ptr<SociDb>(new SociDb(std::move(session), std::move(dialect)));
}

bool SociDb::ConnectionLost() const {
  if (dialect_.name != "postgresql") return false;
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql_->get_backend());
  return backend == nullptr || PQstatus(backend->conn_) == CONNECTION_BAD;
}

Error SociDb::DbError(std::string_view context) {
  std::string message;
  ErrorCode code = ClassifyCurrentException(&message);
  statement_failed_ = true;
  bool lost = ConnectionLost();
  if (lost) code = ErrorCode::kUnavailable;
  if (!in_tx_) {
    // The prepared statements belong to the dead connection, if it is.
    DropStatements();
    if (lost) {
      try {
        sql_->reconnect();
        if (dialect_.on_connect) dialect_.on_connect(*sql_);
      } catch (const std::exception&) {
        // Still unreachable: the next failing call tries again.
      }
    }
  }
  return Error{code, std::string(context) + ": " + message};
}

void SociDb::DropStatements() {
  for (auto& slot : cache_) slot.reset();
  statement_failed_ = false;
}

void SociDb::ResetTransactionState() {
  in_tx_ = false;
  counters_ = {};
}

Status SociDb::Begin() {
  if (in_tx_) return Fail(ErrorCode::kInternal, "Begin() inside a transaction");
  if (statement_failed_) DropStatements();
  try {
    *sql_ << dialect_.begin_write;
  } catch (...) {
    return tl::unexpected(DbError("begin"));
  }
  ResetTransactionState();
  in_tx_ = true;
  return Ok();
}

Status SociDb::Commit() {
  if (!in_tx_) return Fail(ErrorCode::kInternal, "Commit() without Begin()");
  try {
    for (Counter c : {Counter::kChange, Counter::kPopularity}) {
      const CounterState& state = State(c);
      if (!state.dirty) continue;
      std::string value = std::to_string(state.value);
      std::string key = CounterKey(c);
      *sql_ << "UPDATE meta SET value = :v WHERE key = :k", soci::use(value), soci::use(key);
    }
    *sql_ << "COMMIT";
  } catch (...) {
    Error error = DbError("commit");
    ResetTransactionState();
    try {
      *sql_ << "ROLLBACK";
    } catch (...) {
      // The commit failure is the error to report.
      (void)DbError("rollback after a failed commit");
    }
    if (statement_failed_) DropStatements();
    return tl::unexpected(std::move(error));
  }
  ResetTransactionState();
  return Ok();
}

Status SociDb::Rollback() {
  if (!in_tx_) return Fail(ErrorCode::kInternal, "Rollback() without Begin()");
  ResetTransactionState();
  try {
    *sql_ << "ROLLBACK";
  } catch (...) {
    return tl::unexpected(DbError("rollback"));
  }
  if (statement_failed_) DropStatements();
  return Ok();
}

Status SociDb::RunInTransaction(const std::function<Status()>& fn) {
  if (in_tx_) return fn();
  std::chrono::milliseconds ceiling = kMinBackoff;
  for (int attempt = 1;; ++attempt) {
    Status status = Begin();
    if (status) {
      status = fn();
      if (status) {
        status = Commit();  // rolls back itself when it fails
        if (status) return status;
      } else if (in_tx_) {
        // fn's error is the one to report; a failed rollback has already
        // re-opened a lost connection (DbError).
        (void)Rollback();
      }
    }
    if (status.error().code != ErrorCode::kAborted) return status;
    if (attempt == kMaxAttempts) {
      status.error().message += " (gave up after " + std::to_string(attempt) + " attempts)";
      return status;
    }
    SleepWithJitter(ceiling);
    ceiling = std::min(ceiling * 2, kMaxBackoff);
  }
}

Status SociDb::LockCounter(Counter counter) {
  if (!in_tx_) return Fail(ErrorCode::kInternal, "sequence counter used outside a transaction");
  CounterState& state = State(counter);
  if (state.loaded) return Ok();
  try {
    std::string key = CounterKey(counter), value;
    *sql_ << "SELECT value FROM meta WHERE key = :k" + dialect_.select_for_update, soci::use(key),
        soci::into(value);
    if (!sql_->got_data()) return Fail(ErrorCode::kInternal, "meta row " + key + " is missing");
    state.value = std::stoll(value);
  } catch (...) {
    return tl::unexpected(DbError(std::string("reading ") + CounterKey(counter)));
  }
  state.loaded = true;
  return Ok();
}

Result<int64_t> SociDb::NextSeq(Counter counter) {
  RETURN_IF_ERROR(LockCounter(counter));
  CounterState& state = State(counter);
  state.dirty = true;
  return ++state.value;
}

bool SociDb::ExecuteOne(soci::statement& st) {
  bool got = st.execute(true);
  while (st.fetch()) {
  }
  return got;
}

int64_t SociDb::GetInt(const soci::row& r, size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<int64_t>(r.get<double>(i));
    default:
      return std::stoll(r.get<std::string>(i));
  }
}

Result<std::vector<std::string>> SociDb::PaperIdsOfUser(std::string_view table, int64_t user_id,
                                                        const std::vector<std::string>& paper_ids,
                                                        std::string_view context) {
  std::unordered_set<std::string> found;
  try {
    for (size_t begin = 0; begin < paper_ids.size(); begin += kPaperIdsPerStatement) {
      size_t end = std::min(paper_ids.size(), begin + kPaperIdsPerStatement);
      std::string sql =
          "SELECT paper_id FROM " + std::string(table) + " WHERE user_id = :u AND paper_id IN (";
      for (size_t i = begin; i < end; ++i) sql += (i == begin ? ":p" : ", :p") + std::to_string(i);
      sql += ")";
      int64_t user = user_id;
      soci::details::prepare_temp_type query = (sql_->prepare << sql, soci::use(user));
      for (size_t i = begin; i < end; ++i) query, soci::use(paper_ids[i]);
      soci::rowset<std::string> rows(query);
      found.insert(rows.begin(), rows.end());
    }
  } catch (...) {
    return tl::unexpected(DbError(context));
  }
  std::vector<std::string> out;
  for (const std::string& id : paper_ids) {
    if (found.erase(id) > 0) out.push_back(id);
  }
  return out;
}

}  // namespace paperpulse::storage
