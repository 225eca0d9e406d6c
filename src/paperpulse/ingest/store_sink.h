// The RecordSink that writes into the Store: validates and normalises each
// record the same way whatever its format, upserts it, and counts outcomes.
// It never opens or commits transactions itself: its owner (the importer's
// batches, the harvester's pages) decides where they begin and end.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "paperpulse/ingest/reader.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::ingest {

struct Counts {
  int64_t read = 0;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  int64_t held = 0;  // kept without an arXiv id (Store::UpsertUnkeyedPaper)
  Counts& operator+=(const Counts& o);
};

// Limits on field sizes: far above anything arXiv has (longest titles are
// a few hundred bytes, abstracts are capped at 1,920 characters), low enough
// that a corrupt record cannot bloat the database or the index.
inline constexpr size_t kMaxTitleBytes = 4096;
inline constexpr size_t kMaxAbstractBytes = 64 * 1024;
inline constexpr size_t kMaxAuthors = 10000;
inline constexpr size_t kMaxFieldBytes = 16 * 1024;

// Normalises `paper` in place (white space, empty authors) and checks it.
// Returns the reason for rejecting it, or nullopt when it may be stored.
std::optional<std::string> ValidatePaper(Paper& paper);
std::optional<std::string> ValidateDailyEntry(DailyEntry& entry);

class StoreSink : public RecordSink {
 public:
  using RejectFn = std::function<void(const SourcePos&, const std::string&)>;

  // `counts` is where outcomes are added; `on_reject` is told of every
  // rejected record; `after_record` runs after each record (for batching).
  StoreSink(storage::Store& store, Counts* counts, Counts* daily_counts, RejectFn on_reject,
            std::function<Status()> after_record = nullptr);

  void OnPaper(Paper paper, const SourcePos& pos) override;
  void OnDailyEntry(DailyEntry entry, Paper paper, const SourcePos& pos) override;
  void OnReject(const SourcePos& pos, std::string reason) override;
  void OnResumption(const std::string& token, int64_t complete_list_size) override;

  void set_counts(Counts* counts) { counts_ = counts; }
  // The first Store error; after one, further records are ignored (the
  // caller must roll back and stop).
  const Status& status() const { return status_; }
  const std::string& resumption_token() const { return resumption_token_; }
  int64_t complete_list_size() const { return complete_list_size_; }

 private:
  void Count(storage::WriteOutcome outcome, Counts* counts);
  // Keeps a record that names no arXiv id (abstract datasets) instead of
  // rejecting it: nothing read is lost.
  void HoldUnkeyed(Paper paper, const SourcePos& pos);
  void AfterRecord();

  storage::Store& store_;
  Counts* counts_;
  Counts* daily_counts_;
  RejectFn on_reject_;
  std::function<Status()> after_record_;
  Status status_;
  std::string resumption_token_;
  int64_t complete_list_size_ = -1;
};

}  // namespace paperpulse::ingest
