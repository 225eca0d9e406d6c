// The write side of the Xapian adapter: IndexWriter over a WritableDatabase
// for the live index, and a parallel fresh build.
//
// A fresh build turns papers into Xapian documents on one thread per core,
// each writing its own shard database (a paper always goes to the same shard,
// so a later version replaces an earlier one); Publish merges the shards with
// Xapian's compactor into one database, which is also the compact form
// (full B-tree blocks: smaller and faster to read than a database grown by
// inserts), and swaps it in.
#include <xapian.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "paperpulse/search/index.h"
#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/index_writer.h"
#include "paperpulse/search/xapian/schema.h"

namespace paperpulse::search {
namespace {

using xapian::XapianError;

// Documents buffered per shard before Put blocks (bounds memory while the
// shards are busier than the reader of the Store).
constexpr size_t kShardQueueDocs = 512;
// A shard commits every this many changes, below Xapian's own auto-commit
// (XAPIAN_FLUSH_THRESHOLD, default 10,000). Measured on the 50k shared-data
// corpus (2 cores, `paperpulse reindex`): 50,000 -> 774 docs/s, 20,000 ->
// 959, 5,000 -> 1,176, 2,000 -> 1,520, 500 -> 1,541. Xapian's in-memory
// inverter (maps of maps keyed by term) gets slower as it grows, so small
// batches win here, and they bound memory (~130 MiB per shard at 2,000).
// Committed by the shard itself rather than by setting the environment
// variable: setenv() while other threads (libpq, libcurl, the resolver) may
// call getenv() is a data race (POSIX: setenv is not thread-safe).
constexpr int kFreshCommitChanges = 2000;

// Replaces the popularity of paper `id` in `db`, if it is there.
Status UpdatePopularity(Xapian::WritableDatabase& db, std::string_view id, int64_t upvotes,
                        double trending) {
  try {
    std::string term = xapian::IdTerm(id);
    Xapian::PostingIterator it = db.postlist_begin(term);
    if (it == db.postlist_end(term)) return Ok();
    Xapian::Document d = db.get_document(*it);
    ASSIGN_OR_RETURN(xapian::StoredPaper stored, xapian::DecodeStoredPaper(d.get_data()));
    if (stored.upvotes == upvotes && stored.trending == trending) return Ok();
    IndexDocument doc;
    doc.paper.id = stored.id;
    doc.paper.title = stored.title;
    doc.paper.authors = stored.authors;
    doc.paper.categories = stored.categories;
    doc.paper.submitted = stored.published_at;
    doc.paper.abstract = stored.abstract;
    doc.upvotes = upvotes;
    doc.trending = trending;
    d.set_data(xapian::EncodeStoredPaper(doc));
    d.add_value(xapian::kUpvotesSlot, Xapian::sortable_serialise(static_cast<double>(upvotes)));
    d.add_value(xapian::kTrendingSlot, Xapian::sortable_serialise(trending));
    db.replace_document(*it, d);
  } catch (const Xapian::Error& e) {
    return tl::unexpected(XapianError(e, "updating the popularity of " + std::string(id)));
  }
  return Ok();
}

// Shards of a build: one per core, at most 4.
unsigned Cores() { return std::max(1u, std::min(4u, std::thread::hardware_concurrency())); }

Status CommitWithProgress(Xapian::WritableDatabase& db, const IndexProgress& progress) {
  try {
    db.set_metadata(xapian::kFormatKey, xapian::kFormatVersion);
    db.set_metadata(xapian::kChangeSeqKey, std::to_string(progress.change_seq));
    db.set_metadata(xapian::kPopularitySeqKey, std::to_string(progress.popularity_seq));
    db.commit();
  } catch (const Xapian::Error& e) {
    return tl::unexpected(XapianError(e, "committing the index"));
  }
  return Ok();
}

// Incremental updates of the live index.
class LiveWriter : public IndexWriter {
 public:
  LiveWriter(Xapian::WritableDatabase db, HeldGeneration live, IndexProgress progress)
      : hold_(std::move(live.hold)), db_(std::move(db)), path_(live.path), progress_(progress) {}

  ~LiveWriter() override {
    try {
      db_.close();
    } catch (const Xapian::Error&) {
      // Uncommitted changes are dropped by design; nothing else can fail here.
    }
  }

  Status Put(const IndexDocument& doc) override {
    try {
      db_.replace_document(xapian::IdTerm(doc.paper.id),
                           xapian::BuildDocument(doc, stemmer_, &spelling_));
      xapian::AddSpelling(spelling_, db_);
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "indexing " + doc.paper.id));
    }
    return Ok();
  }

  Status SetPopularity(std::string_view id, int64_t upvotes, double trending) override {
    return UpdatePopularity(db_, id, upvotes, trending);
  }

  Status Commit(const IndexProgress& progress) override {
    RETURN_IF_ERROR(CommitWithProgress(db_, progress));
    progress_ = progress;
    return Ok();
  }

  const IndexProgress& progress() const override { return progress_; }
  const std::string& path() const override { return path_; }

 private:
  FlockHold hold_;  // declared before db_: released after it closes
  Xapian::WritableDatabase db_;
  std::string path_;
  IndexProgress progress_;
  xapian::Stemmer stemmer_;
  xapian::SpellingCounts spelling_;
};

// One shard of a fresh build or of the lookup index: a database and the
// thread that fills it.
class Shard {
 public:
  enum class Kind {
    kFull,    // BuildDocument; the directory is merged, then removed
    kLookup,  // BuildLookupDocument; readers use the directory as it fills
  };

  Shard(Xapian::WritableDatabase db, std::string path, Kind kind = Kind::kFull)
      : db_(std::move(db)), path_(std::move(path)), kind_(kind), thread_([this] { Run(); }) {}

  ~Shard() {
    Finish();
    try {
      db_.close();
    } catch (const Xapian::Error&) {
      // Dropped with the build.
    }
    if (kind_ == Kind::kFull) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }

  // Queues `doc` (or a popularity change when `popularity_only`); blocks
  // while the queue is full. Returns the first error of the shard so far.
  Status Push(IndexDocument doc, bool popularity_only) {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [this] { return queue_.size() < kShardQueueDocs || !error_.empty(); });
    if (!error_.empty()) return Fail(ErrorCode::kInternal, error_);
    queue_.push_back({std::move(doc), popularity_only});
    work_.notify_one();
    return Ok();
  }

  // Waits until everything queued is in the database.
  Status Drain() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return (queue_.empty() && !busy_) || !error_.empty(); });
    if (!error_.empty()) return Fail(ErrorCode::kInternal, error_);
    return Ok();
  }

  // Drains, then commits with `progress` and closes the database.
  Status Close(const IndexProgress& progress) {
    RETURN_IF_ERROR(Drain());
    Finish();
    RETURN_IF_ERROR(Commit(progress));
    try {
      db_.close();
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "closing " + path_));
    }
    return Ok();
  }

  // Only between Drain and the next Push.
  Status Commit(const IndexProgress& progress) {
    RETURN_IF_ERROR(FlushSpelling());
    return CommitWithProgress(db_, progress);
  }

  const std::string& path() const { return path_; }

 private:
  struct Item {
    IndexDocument doc;
    bool popularity_only;
  };

  void Finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      work_.wait(lock, [this] { return !queue_.empty() || stop_; });
      if (queue_.empty()) return;  // stopping
      Item item = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      space_.notify_one();
      lock.unlock();
      Status s = Apply(item);
      lock.lock();
      busy_ = false;
      if (!s && error_.empty()) error_ = s.error().message;
      if (queue_.empty() || !error_.empty()) {
        idle_.notify_all();
        space_.notify_all();
      }
    }
  }

  Status Apply(const Item& item) {
    RETURN_IF_ERROR(ApplyChange(item));
    if (++uncommitted_ < kFreshCommitChanges) return Ok();
    uncommitted_ = 0;
    RETURN_IF_ERROR(FlushSpelling());
    try {
      // What Xapian's auto-commit does at its threshold; DB_NO_SYNC makes
      // it cheap. Readers never see a shard, so no progress is recorded.
      db_.commit();
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "committing " + path_));
    }
    return Ok();
  }

  // The title words counted since the last commit into the spelling data.
  Status FlushSpelling() {
    try {
      xapian::AddSpelling(spelling_, db_);
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "adding spelling data to " + path_));
    }
    return Ok();
  }

  Status ApplyChange(const Item& item) {
    const IndexDocument& doc = item.doc;
    if (kind_ == Kind::kLookup) return ApplyLookup(doc, item.popularity_only);
    if (item.popularity_only) {
      return UpdatePopularity(db_, doc.paper.id, doc.upvotes, doc.trending);
    }
    try {
      Xapian::Document d = xapian::BuildDocument(doc, stemmer_, &spelling_);
      // A new database has no earlier version of a paper it has not seen:
      // adding skips the id lookup, which is most of the cost of a replace.
      // (A paper changed during a build comes again with a later change_seq.)
      if (seen_.insert(std::hash<std::string>()(doc.paper.id)).second) {
        db_.add_document(d);
      } else {
        db_.replace_document(xapian::IdTerm(doc.paper.id), d);
      }
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "indexing " + doc.paper.id));
    }
    return Ok();
  }

  // Without a termlist (the lookup index has none) a document cannot be
  // replaced: a paper that comes again (changed during the pass) keeps its
  // first entry, and the full index, which follows every change, has the
  // new one soon after. Popularity waits for the full index too.
  Status ApplyLookup(const IndexDocument& doc, bool popularity_only) {
    if (popularity_only || !seen_.insert(std::hash<std::string>()(doc.paper.id)).second) {
      return Ok();
    }
    try {
      db_.add_document(xapian::BuildLookupDocument(doc));
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "adding " + doc.paper.id + " to the lookup index"));
    }
    return Ok();
  }

  Xapian::WritableDatabase db_;  // used by the thread, or by the caller when drained
  std::string path_;
  Kind kind_;
  xapian::Stemmer stemmer_;
  std::unordered_set<size_t> seen_;  // id hashes added (used by the thread)
  xapian::SpellingCounts spelling_;  // title words since the last commit (as db_)
  int uncommitted_ = 0;              // changes since the last commit (the thread's)

  std::mutex mu_;
  std::condition_variable work_, space_, idle_;
  std::deque<Item> queue_;  // guarded by mu_
  bool busy_ = false;       // guarded by mu_
  bool stop_ = false;       // guarded by mu_
  std::string error_;       // guarded by mu_: the first failure
  std::thread thread_;      // last: starts after the rest is built
};

// Shards by paper id, as a fresh build: the Indexer's thread reads the Store
// while one thread per core fills a shard.
Shard& ShardOf(const std::vector<std::unique_ptr<Shard>>& shards, std::string_view id) {
  return *shards[std::hash<std::string_view>()(id) % shards.size()];
}

// Everything queued in `shards` into their databases, each committed with
// `progress`.
Status CommitShards(const std::vector<std::unique_ptr<Shard>>& shards,
                    const IndexProgress& progress) {
  for (const auto& s : shards) RETURN_IF_ERROR(s->Drain());
  for (const auto& s : shards) RETURN_IF_ERROR(s->Commit(progress));
  return Ok();
}

// The lookup index: one shard database per core under <index dir>/lookup,
// each committing every kFreshCommitChanges on its own, so readers (which
// open all shards as one database) find more papers as the pass goes.
class LookupWriter : public IndexWriter {
 public:
  LookupWriter(std::string path, std::vector<std::unique_ptr<Shard>> shards)
      : path_(std::move(path)), shards_(std::move(shards)) {}

  Status Put(const IndexDocument& doc) override {
    return ShardOf(shards_, doc.paper.id).Push(doc, false);
  }

  // Lookup hits sort by date; popularity waits for the full index.
  Status SetPopularity(std::string_view, int64_t, double) override { return Ok(); }

  Status Commit(const IndexProgress& progress) override {
    RETURN_IF_ERROR(CommitShards(shards_, progress));
    progress_ = progress;
    return Ok();
  }

  const IndexProgress& progress() const override { return progress_; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::vector<std::unique_ptr<Shard>> shards_;
  IndexProgress progress_;
};

class FreshWriter : public FreshIndexWriter {
 public:
  FreshWriter(std::string index_dir, std::string build_dir,
              std::vector<std::unique_ptr<Shard>> shards)
      : index_dir_(std::move(index_dir)), path_(std::move(build_dir)), shards_(std::move(shards)) {}

  ~FreshWriter() override {
    shards_.clear();
    // A build that was never published is garbage.
    if (!published_) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }

  Status Put(const IndexDocument& doc) override {
    if (published_) return Fail(ErrorCode::kInternal, "Put() after Publish()");
    return ShardOf(shards_, doc.paper.id).Push(doc, false);
  }

  Status SetPopularity(std::string_view id, int64_t upvotes, double trending) override {
    if (published_) return Fail(ErrorCode::kInternal, "SetPopularity() after Publish()");
    IndexDocument doc;
    doc.paper.id = std::string(id);
    doc.upvotes = upvotes;
    doc.trending = trending;
    return ShardOf(shards_, id).Push(std::move(doc), true);
  }

  Status Commit(const IndexProgress& progress) override {
    if (published_) return Fail(ErrorCode::kInternal, "Commit() after Publish()");
    RETURN_IF_ERROR(CommitShards(shards_, progress));
    progress_ = progress;
    return Ok();
  }

  Status Publish(const IndexProgress& progress) override {
    if (published_) return Fail(ErrorCode::kInternal, "Publish() twice");
    for (auto& s : shards_) RETURN_IF_ERROR(s->Close(progress));
    try {
      Xapian::Database all;
      for (auto& s : shards_) all.add_database(Xapian::Database(s->path()));
      // Into the (empty) build directory; the shards' docids are renumbered
      // one after the other.
      all.compact(path_, Xapian::DBCOMPACT_MULTIPASS);
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "merging the new index"));
    }
    shards_.clear();
    ASSIGN_OR_RETURN(path_, PublishBuild(index_dir_, path_));
    published_ = true;
    progress_ = progress;
    return Ok();
  }

  const IndexProgress& progress() const override { return progress_; }
  const std::string& path() const override { return path_; }

 private:
  std::string index_dir_;
  std::string path_;
  std::vector<std::unique_ptr<Shard>> shards_;
  bool published_ = false;
  IndexProgress progress_;
};

// The format check and the progress markers of the live index `db` at `path`.
template <typename Db>
Result<IndexProgress> ProgressOf(const Db& db, const std::string& path) {
  if (db.get_metadata(xapian::kFormatKey) != xapian::kFormatVersion) {
    return Fail(ErrorCode::kParse, "search index " + path + " is of another format");
  }
  std::string seq = db.get_metadata(xapian::kChangeSeqKey);
  if (seq.empty()) return Fail(ErrorCode::kParse, "search index " + path + " is incomplete");
  try {
    IndexProgress progress;
    progress.change_seq = std::stoll(seq);
    std::string popularity_seq = db.get_metadata(xapian::kPopularitySeqKey);
    if (!popularity_seq.empty()) progress.popularity_seq = std::stoll(popularity_seq);
    return progress;
  } catch (const std::exception&) {  // std::stoll on a damaged marker
    return Fail(ErrorCode::kParse, "search index " + path + ": bad progress marker");
  }
}

}  // namespace

Result<std::unique_ptr<IndexWriter>> OpenLiveIndexWriter(std::string_view data_dir) {
  std::string index_dir = IndexDir(data_dir);
  ASSIGN_OR_RETURN(std::optional<HeldGeneration> live, HoldLiveGeneration(index_dir));
  if (!live) return Fail(ErrorCode::kNotFound, "no search index in " + index_dir);
  // Older generations nobody holds any more (left by a crash, or by readers
  // that let go without sweeping) go now.
  SweepGenerations(index_dir);
  try {
    Xapian::WritableDatabase db(live->path, Xapian::DB_OPEN);
    ASSIGN_OR_RETURN(IndexProgress progress, ProgressOf(db, live->path));
    return std::unique_ptr<IndexWriter>(new LiveWriter(std::move(db), std::move(*live), progress));
  } catch (const Xapian::Error& e) {
    return tl::unexpected(XapianError(e, "opening " + live->path));
  }
}

Result<IndexProgress> ReadLiveIndexProgress(std::string_view data_dir) {
  std::string index_dir = IndexDir(data_dir);
  ASSIGN_OR_RETURN(std::optional<HeldGeneration> live, HoldLiveGeneration(index_dir));
  if (!live) return Fail(ErrorCode::kNotFound, "no search index in " + index_dir);
  try {
    return ProgressOf(Xapian::Database(live->path), live->path);
  } catch (const Xapian::Error& e) {
    return tl::unexpected(XapianError(e, "reading " + live->path));
  }
}

Result<std::unique_ptr<IndexWriter>> CreateLookupIndexWriter(std::string_view data_dir) {
  std::string path = LookupIndexPath(IndexDir(data_dir));
  // A leftover of an earlier pass goes: the new one starts from nothing.
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  std::filesystem::create_directories(path, ec);
  if (ec) return Fail(ErrorCode::kIo, "creating " + path + ": " + ec.message());
  std::vector<std::unique_ptr<Shard>> shards;
  for (unsigned i = 0; i < Cores(); ++i) {
    std::string shard = LookupShardPath(path, static_cast<int>(i));
    try {
      // Nothing needs it on disk after a crash (the next build makes it
      // again), so no fsync. No termlist table: nothing reads a lookup
      // document's terms, and writing them (zlib-compressed) was a third of
      // the pass.
      Xapian::WritableDatabase db(
          shard, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC | Xapian::DB_NO_TERMLIST);
      shards.push_back(std::make_unique<Shard>(std::move(db), shard, Shard::Kind::kLookup));
    } catch (const Xapian::Error& e) {
      return tl::unexpected(XapianError(e, "creating the lookup index " + shard));
    }
  }
  return std::unique_ptr<IndexWriter>(new LookupWriter(path, std::move(shards)));
}

void RemoveLookupIndex(std::string_view data_dir) {
  std::error_code ec;
  std::filesystem::remove_all(LookupIndexPath(IndexDir(data_dir)), ec);
}

Result<std::unique_ptr<FreshIndexWriter>> CreateFreshIndexWriter(std::string_view data_dir) {
  std::string index_dir = IndexDir(data_dir);
  ASSIGN_OR_RETURN(std::string build, NewBuildDirectory(index_dir));
  unsigned cores = Cores();
  std::vector<std::unique_ptr<Shard>> shards;
  auto cleanup = [&] {
    shards.clear();
    std::error_code ec;
    std::filesystem::remove_all(build, ec);
  };
  for (unsigned i = 0; i < cores; ++i) {
    auto shard_dir = NewBuildDirectory(index_dir);
    if (!shard_dir) {
      cleanup();
      return tl::unexpected(shard_dir.error());
    }
    try {
      // No fsync per commit: nobody reads a shard; the merged database is
      // flushed once by PublishBuild.
      Xapian::WritableDatabase db(*shard_dir, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
      shards.push_back(std::make_unique<Shard>(std::move(db), *shard_dir));
    } catch (const Xapian::Error& e) {
      std::error_code ec;
      std::filesystem::remove_all(*shard_dir, ec);
      cleanup();
      return tl::unexpected(XapianError(e, "creating " + *shard_dir));
    }
  }
  return std::unique_ptr<FreshIndexWriter>(
      new FreshWriter(std::move(index_dir), std::move(build), std::move(shards)));
}

}  // namespace paperpulse::search
