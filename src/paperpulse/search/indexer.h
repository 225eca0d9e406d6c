// The Indexer keeps the search index under <data_dir>/search in step with
// the Store. It follows the Store's change sequence (PapersChangedSince), so
// whatever `import`, harvest or a submission writes becomes searchable within
// one poll interval while `serve` runs; and the popularity sequence
// (PopularityChangedSince), so a vote, a new listing or new GitHub stars
// re-rank search results (sort=upvotes, sort=trending) within one poll too,
// touching only the papers whose popularity changed.
//
// The index is never served half-built: a full build goes into a fresh
// directory that replaces the live one only once it is complete, and every
// incremental batch is one atomic commit that also records how far the index
// has followed both sequences (IndexProgress). A missing, corrupt, half-built or foreign index (one
// that is ahead of the Store, or of an older format) is rebuilt from the Store.
//
// A site without any live index (a fresh one, or after its index was lost)
// is not left without search for the length of a full build (~10 minutes a
// million papers on 2 cores): the build first makes the lookup index of
// index_writer.h in a quick pass over the Store, which readers use until the
// full index is live, so arXiv ids, exact titles and author names are found
// within the first minute. build_status() tells how far a build is.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/search/index.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::search {

class IndexWriter;

struct IndexerOptions {
  // Where the Store is and where the index goes (<data_dir>/search).
  storage::StoreOptions store;
  // Papers (or popularity changes) per commit. Larger batches index
  // faster; each commit is what readers see, so this also bounds how stale a
  // busy index can be.
  int batch_size = 5000;
  // How often the background thread asks the Store for changes.
  std::chrono::milliseconds poll_interval{1000};
  // Times the phases of a build for its rate and ETA (nullptr:
  // DefaultClock()).
  Clock* clock = nullptr;
};

// How far a build is, as IndexBuildStatus reports it: counted by the
// indexer thread, read by request threads. Thread-safe.
class BuildProgress {
 public:
  explicit BuildProgress(Clock& clock) : clock_(clock) {}

  // Starts phase `phase` over `total` papers (kNone: no build runs).
  void Begin(IndexBuildStatus::Phase phase, int64_t total);
  // `n` more papers through the current phase.
  void Advance(int64_t n);
  // The counts, the rate over the last kRateWindow of the phase and,
  // during the full phase, the seconds left at that rate less the time
  // since the last Advance: the ETA goes down between batches rather than
  // in steps, and never below 0. A recent rate, not the phase's average:
  // a Xapian build slows as its index grows (at 2.7M papers from ~1,700
  // to ~800 papers/s over the first 350k), and the average promised 30 %
  // too little time.
  IndexBuildStatus Get() const;

  static constexpr std::chrono::seconds kRateWindow{60};

 private:
  struct Sample {
    Clock::SteadyTime at;
    int64_t done;
  };
  Clock& clock_;
  mutable std::mutex mu_;
  IndexBuildStatus status_;  // guarded by mu_
  // (phase start, 0), then one per Advance; the first is the newest at or
  // before kRateWindow ago (or the phase start). Guarded by mu_.
  std::deque<Sample> samples_;
};

class Indexer {
 public:
  // Opens the Store named by `options.store` (the Indexer owns its own
  // connection: Stores are not thread-safe). Does not touch the index yet.
  // Errors: those of Store::Open.
  static Result<std::unique_ptr<Indexer>> Create(const IndexerOptions& options);

  // Stops the background thread if it runs.
  ~Indexer();
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Brings the index up to the Store's current change_seq and popularity_seq
  // on the calling thread: rebuilds it first when it is missing, corrupt,
  // half-built or foreign. Must not be called while the background thread runs.
  // When another process holds the index's write lock (e.g. `serve` is
  // running: its indexer keeps the index current), this only follows it
  // (lag() counts from its progress); when another process is building the
  // index, this does nothing until that build is live.
  // Errors: kIo / kInternal from the Store or the index.
  Status CatchUp();

  // Discards the index and builds a new one from the Store; readers keep
  // seeing the old one until the new one is complete. Same preconditions and
  // errors as CatchUp, and kUnavailable when another process is building
  // one (one build per data dir at a time: CatchUp waits for that one).
  Status Rebuild();

  // Starts a background thread that runs CatchUp and then polls the Store
  // every poll_interval. Errors are logged and retried on the next poll.
  // Calling Start twice is a no-op.
  void Start();

  // Asks the background thread to finish its current batch and joins it.
  // Safe to call when not started, and more than once.
  void Stop();

  // The Store's change_seq minus the last indexed one, as of the latest poll
  // (0 when up to date; -1 before anything was counted, as during the first
  // build until its index is live). For /healthz and
  // /metrics; thread-safe.
  int64_t lag() const { return lag_.load(); }
  // The last change_seq committed to the index; thread-safe.
  int64_t indexed_seq() const { return indexed_seq_.load(); }
  // Papers indexed since this Indexer was created; thread-safe.
  int64_t documents_indexed() const { return documents_indexed_.load(); }
  // The last popularity_seq committed to the index; thread-safe.
  int64_t indexed_popularity_seq() const { return indexed_popularity_seq_.load(); }
  // Where a running build is (phase kNone when none runs). Thread-safe.
  IndexBuildStatus build_status() const { return build_progress_.Get(); }
  // Popularity changes applied to the live index since this Indexer was
  // created (one per changed popularity row; a full build counts none):
  // what a poll costs after votes. Thread-safe.
  int64_t popularity_updates() const { return popularity_updates_.load(); }

 private:
  Indexer(IndexerOptions options, std::unique_ptr<storage::Store> store);

  // Opens the live index for writing, rebuilding it when it is not usable:
  // true when writer_ is ready, false when another process holds the
  // index's write lock (then Follow has counted the lag).
  Result<bool> EnsureWriter();
  // Rebuild, unless another process holds the build lock (index_dir.h):
  // then false, and nothing is done.
  Result<bool> TryRebuild();
  // Reads the progress of an index another process writes.
  Status Follow();
  // lag_ = the Store's change_seq less `indexed_change_seq` (one read of
  // the sequences, no counts).
  Status CountLag(int64_t indexed_change_seq);
  // Applies one batch of popularity changes; sets *done when there were
  // none left.
  Status PopularityBatch(bool* done);
  // Indexes one batch of paper changes; sets *done when there were none left.
  Status IndexBatch(bool* done);
  // The quick pass of a fresh site: every paper's ids, title and authors
  // into the lookup index, committed every batch.
  Status BuildLookup(int64_t total);
  // Rebuild's work: the lookup pass when `with_lookup`, then the full build.
  Status RebuildFull(bool with_lookup);
  // Whether Stop was called.
  bool Stopping();
  void Run();

  IndexerOptions options_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<IndexWriter> writer_;

  std::atomic<int64_t> lag_{-1};
  bool following_ = false;          // another process writes the index (indexer thread only)
  bool waiting_for_build_ = false;  // another process builds it (indexer thread only)
  std::atomic<int64_t> indexed_seq_{0};
  std::atomic<int64_t> documents_indexed_{0};
  std::atomic<int64_t> indexed_popularity_seq_{0};
  std::atomic<int64_t> popularity_updates_{0};

  BuildProgress build_progress_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace paperpulse::search
