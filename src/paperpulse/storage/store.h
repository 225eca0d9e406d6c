// The Store: single source of truth of paperpulse. Every write is a
// transaction; the search index, trending scores and caches are derived from
// it. Two implementations share this interface and one test suite:
// storage/sqlite (default, embedded, WAL) and storage/postgres.
//
// A Store object is not thread-safe: use one per thread (they may share the
// same database; SQLite serialises writers, PostgreSQL uses row locks).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::storage {

struct StoreOptions {
  // Directory for the SQLite file (created if missing). Ignored for PostgreSQL.
  std::string data_dir = "./var";
  // Empty: SQLite at <data_dir>/paperpulse.db. "postgresql://..." (or
  // "postgres://...", or a libpq "dbname=... host=..." string): PostgreSQL.
  std::string url;
};

enum class WriteOutcome { kInserted, kUpdated, kUnchanged };

struct StoreStats {
  int64_t papers = 0;
  int64_t versions = 0;
  int64_t daily_entries = 0;
  int64_t users = 0;
  int64_t change_seq = 0;
  int64_t unkeyed = 0;  // records held without an arXiv id (see UpsertUnkeyedPaper)
};

// A paper as the index sees it: the record plus the sequence number of its
// last change.
struct ChangedPaper {
  int64_t change_seq = 0;
  Paper paper;
};

class Store {
 public:
  // Opens (creating if needed) the database named by `options` and applies
  // pending migrations, each in its own transaction. Errors: kIo / kInternal
  // with the database's message; kInvalidArgument for an unknown URL scheme.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Backend() const = 0;
  // Number of the newest migration applied.
  virtual Result<int> SchemaVersion() = 0;

  // Explicit transactions group many writes (import batches). Without one,
  // every write commits on its own. Nested Begin() is an error.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Merges `paper` into the stored record of `paper.id` by MergePaper's
  // rules. A write that changes anything gives the paper a new change
  // sequence number (strictly greater than every earlier one, in commit order).
  // Precondition: paper.id is a valid base id.
  virtual Result<WriteOutcome> UpsertPaper(const Paper& paper) = 0;

  // Holds a record that names no arXiv id (some abstract datasets carry only
  // title and abstract) so that nothing read is lost; keyed by its
  // normalised title (TitleKey) within `source`. Idempotent.
  virtual Result<WriteOutcome> UpsertUnkeyedPaper(const Paper& paper, std::string_view source) = 0;

  // Records `entry` (idempotent, see MergeDailyEntry). The paper must exist.
  virtual Result<WriteOutcome> UpsertDailyEntry(const DailyEntry& entry) = 0;

  // The paper with base id `id`, or nullopt.
  virtual Result<std::optional<Paper>> GetPaper(std::string_view id) = 0;

  // Up to `limit` papers with change_seq > `after`, ascending by change_seq.
  virtual Result<std::vector<ChangedPaper>> PapersChangedSince(int64_t after, int limit) = 0;

  // Daily entries with from <= date <= to ("YYYY-MM-DD"), by date, then
  // upvotes descending, then submission time.
  virtual Result<std::vector<DailyEntry>> DailyEntriesBetween(std::string_view from,
                                                              std::string_view to) = 0;

  // The nearest date strictly before (kBefore) or after (kAfter) `date`
  // ("YYYY-MM-DD") that has daily entries, or nullopt when there is none.
  // AdjacentDailyDate("9999-12-31", kBefore) is the latest day with entries.
  enum class Direction { kBefore, kAfter };
  virtual Result<std::optional<std::string>> AdjacentDailyDate(std::string_view date,
                                                               Direction direction) = 0;

  // Every daily entry of paper `paper_id` (base id), newest date first.
  virtual Result<std::vector<DailyEntry>> DailyEntriesForPaper(std::string_view paper_id) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // Small key/value settings and checkpoints ("harvest.checkpoint", ...),
  // written inside the current transaction when there is one.
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status SetMeta(std::string_view key, std::string_view value) = 0;
};

// Merge rules shared by every backend (pure; exposed for tests).
//
// Sources differ in what they carry and in which version they describe, so a
// record is merged field by field: when `incoming` describes a newer version
// than `stored` (latest_version, 0 = unknown counts as oldest) its non-empty
// fields replace the stored ones; otherwise it only fills fields that are
// still empty. Versions are united by number. The result does not depend on
// how often a record is merged (idempotent).
Paper MergePaper(const Paper& stored, const Paper& incoming);

// A title reduced to lower-case ASCII letters/digits and single spaces
// (other UTF-8 kept), for matching the same title across sources.
std::string TitleKey(std::string_view title);

// Daily entries merge by keeping the largest counters (upvotes, comments and
// stars only grow; re-fetches of a day may be older or newer) and filling
// empty fields: idempotent and independent of import order.
DailyEntry MergeDailyEntry(const DailyEntry& stored, const DailyEntry& incoming);

}  // namespace paperpulse::storage
