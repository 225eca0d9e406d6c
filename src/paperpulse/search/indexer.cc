#include "paperpulse/search/indexer.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "paperpulse/ranking/trending.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/index_writer.h"

namespace paperpulse::search {
namespace {

using PopularityMap = std::unordered_map<std::string, PaperPopularity>;

// Every popularity row of the Store, and the highest popularity_seq among
// them. Only papers that were listed or voted for have one, so this is a
// small fraction of the papers; a full build reads it once instead of asking
// per paper. Rows that change while it pages come again later in the same
// ascending walk, with their new values.
Result<PopularityMap> ReadAllPopularity(storage::Store& store, int page, int64_t* last_seq) {
  PopularityMap out;
  *last_seq = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<PaperPopularity> rows,
                     store.PopularityChangedSince(*last_seq, page));
    for (PaperPopularity& row : rows) {
      *last_seq = row.popularity_seq;
      std::string id = row.paper_id;
      out.insert_or_assign(std::move(id), std::move(row));
    }
    if (rows.size() < static_cast<size_t>(page)) break;
  }
  return out;
}

// The document of `paper` with its popularity (`popularity` = nullptr: none,
// the paper was never listed nor voted for; it then trends by its
// submission date alone, so sort=trending still orders such papers newest
// first).
IndexDocument MakeDocument(Paper paper, const PaperPopularity* popularity) {
  IndexDocument doc;
  if (popularity) {
    doc.upvotes = popularity->upvotes();
    doc.trending = popularity->trending;
  } else {
    doc.trending = ranking::TrendingScore({0, std::nullopt, paper.submitted});
  }
  doc.paper = std::move(paper);
  return doc;
}

}  // namespace

Result<std::unique_ptr<Indexer>> Indexer::Create(const IndexerOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::Store::Open(options.store));
  return std::unique_ptr<Indexer>(new Indexer(options, std::move(store)));
}

constexpr const char* kBuildingElsewhere =
    "another process on this data dir is building the search index";

Indexer::Indexer(IndexerOptions options, std::unique_ptr<storage::Store> store)
    : options_(std::move(options)),
      store_(std::move(store)),
      build_progress_(options_.clock ? *options_.clock : DefaultClock()) {}

Indexer::~Indexer() { Stop(); }

Result<bool> Indexer::EnsureWriter() {
  std::optional<std::string> live = LiveGeneration(IndexDir(options_.store.data_dir));
  // Still on the live generation: keep going. (`reindex` in another process
  // may have swapped in a new one; the index dir may have been deleted.)
  if (writer_ && live && writer_->path() == *live) return true;
  writer_.reset();
  auto opened = OpenLiveIndexWriter(options_.store.data_dir);
  if (!opened && opened.error().code == ErrorCode::kUnavailable) {
    RETURN_IF_ERROR(Follow());
    return false;
  }
  following_ = false;
  if (!opened) {
    if (opened.error().code == ErrorCode::kNotFound || opened.error().code == ErrorCode::kParse) {
      // No index yet is the normal state of a fresh data dir; a damaged one
      // deserves a warning.
      if (opened.error().code == ErrorCode::kNotFound) {
        spdlog::info("search index: {}; building it from the store", opened.error().message);
      } else {
        spdlog::warn("search index: {}; rebuilding it from the store", opened.error().message);
      }
      return TryRebuild();
    }
    return tl::unexpected(opened.error());
  }
  ASSIGN_OR_RETURN(storage::StoreSequences stats, store_->Sequences());
  const IndexProgress& progress = (*opened)->progress();
  if (progress.change_seq > stats.change_seq || progress.popularity_seq > stats.popularity_seq) {
    // An index ahead of the Store belongs to another database.
    spdlog::warn(
        "search index is at change {} / popularity {} but the store only at {} / {}; rebuilding",
        progress.change_seq, progress.popularity_seq, stats.change_seq, stats.popularity_seq);
    opened->reset();
    return TryRebuild();
  }
  writer_ = std::move(*opened);
  indexed_seq_ = writer_->progress().change_seq;
  indexed_popularity_seq_ = writer_->progress().popularity_seq;
  return true;
}

Status Indexer::Follow() {
  // Another process on this data dir (a second `serve`, a `reindex`) holds
  // the index's write lock and keeps it current: this one reads what it
  // writes, counts the lag from its progress marker, and takes the index
  // over when the lock comes free (tried on every poll).
  ASSIGN_OR_RETURN(IndexProgress progress, ReadLiveIndexProgress(options_.store.data_dir));
  indexed_seq_ = progress.change_seq;
  indexed_popularity_seq_ = progress.popularity_seq;
  RETURN_IF_ERROR(CountLag(progress.change_seq));
  if (!following_) {
    spdlog::info(
        "search index: another process on this data dir keeps it current; this one reads it "
        "and takes over writing when that process stops");
    following_ = true;
  }
  return Ok();
}

Status Indexer::CountLag(int64_t indexed_change_seq) {
  ASSIGN_OR_RETURN(storage::StoreSequences now, store_->Sequences());
  lag_ = std::max<int64_t>(now.change_seq - indexed_change_seq, 0);
  return Ok();
}

void BuildProgress::Begin(IndexBuildStatus::Phase phase, int64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = IndexBuildStatus{};
  status_.phase = phase;
  status_.total = total;
  samples_.assign(1, Sample{clock_.SteadyNow(), 0});
}

void BuildProgress::Advance(int64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  status_.done += n;
  Clock::SteadyTime now = clock_.SteadyNow();
  samples_.push_back(Sample{now, status_.done});
  while (samples_.size() > 2 && samples_[1].at <= now - kRateWindow) samples_.pop_front();
  const Sample& from = samples_.front();
  double seconds = std::chrono::duration<double>(now - from.at).count();
  if (seconds > 0) status_.rate = static_cast<double>(status_.done - from.done) / seconds;
}

IndexBuildStatus BuildProgress::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  IndexBuildStatus status = status_;
  if (status.phase == IndexBuildStatus::Phase::kFull && status.rate > 0) {
    double left = static_cast<double>(std::max<int64_t>(status.total - status.done, 0));
    double since = std::chrono::duration<double>(clock_.SteadyNow() - samples_.back().at).count();
    status.eta_seconds = static_cast<int64_t>(std::max(left / status.rate - since, 0.0) + 0.5);
  }
  return status;
}

Status Indexer::BuildLookup(int64_t total) {
  build_progress_.Begin(IndexBuildStatus::Phase::kLookup, total);
  auto start = std::chrono::steady_clock::now();
  int64_t count = 0;
  ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> lookup,
                   CreateLookupIndexWriter(options_.store.data_dir));
  IndexProgress progress;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::ChangedPaper> batch,
                     store_->PapersChangedSince(progress.change_seq, options_.batch_size));
    if (batch.empty()) break;
    for (storage::ChangedPaper& c : batch) {
      RETURN_IF_ERROR(lookup->Put(MakeDocument(std::move(c.paper), nullptr)));
      progress.change_seq = c.change_seq;
    }
    RETURN_IF_ERROR(lookup->Commit(progress));
    count += static_cast<int64_t>(batch.size());
    build_progress_.Advance(static_cast<int64_t>(batch.size()));
    if (Stopping()) return Fail(ErrorCode::kUnavailable, "stopped during a rebuild");
  }
  spdlog::info("search index: lookup of {} papers (ids, titles, authors) ready in {:.1f} s", count,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return Ok();
}

Status Indexer::Rebuild() {
  ASSIGN_OR_RETURN(bool built, TryRebuild());
  if (!built) return Fail(ErrorCode::kUnavailable, kBuildingElsewhere);
  return Ok();
}

Result<bool> Indexer::TryRebuild() {
  writer_.reset();
  std::string index_dir = IndexDir(options_.store.data_dir);
  ASSIGN_OR_RETURN(std::optional<FlockHold> lock, TryLockBuild(index_dir));
  if (!lock) {
    if (!waiting_for_build_)
      spdlog::info("search index: {}; this one waits for it", kBuildingElsewhere);
    waiting_for_build_ = true;
    return false;
  }
  waiting_for_build_ = false;
  // Readers answer from the lookup index only while no generation is live.
  bool nothing_live = !LiveGeneration(index_dir);
  Status built = RebuildFull(nothing_live);
  build_progress_.Begin(IndexBuildStatus::Phase::kNone, 0);
  RETURN_IF_ERROR(built);
  return true;
}

Status Indexer::RebuildFull(bool with_lookup) {
  ASSIGN_OR_RETURN(storage::StoreStats stats, store_->Stats());
  if (with_lookup) {
    // Without it the site waits for the full build, as before: not a reason
    // to fail the build.
    if (Status s = BuildLookup(stats.papers); !s) {
      if (Stopping()) return s;
      spdlog::warn("search index: no lookup index while the full one builds: {}",
                   s.error().message);
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<FreshIndexWriter> fresh,
                   CreateFreshIndexWriter(options_.store.data_dir));
  // Popularity first: a change after this read has a later popularity_seq
  // than the one the build records, so the next poll applies it.
  IndexProgress progress;
  ASSIGN_OR_RETURN(PopularityMap popularity,
                   ReadAllPopularity(*store_, options_.batch_size, &progress.popularity_seq));
  build_progress_.Begin(IndexBuildStatus::Phase::kFull, stats.papers);
  int64_t count = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::ChangedPaper> batch,
                     store_->PapersChangedSince(progress.change_seq, options_.batch_size));
    if (batch.empty()) break;
    for (storage::ChangedPaper& c : batch) {
      auto it = popularity.find(c.paper.id);
      RETURN_IF_ERROR(fresh->Put(
          MakeDocument(std::move(c.paper), it == popularity.end() ? nullptr : &it->second)));
      progress.change_seq = c.change_seq;
    }
    count += static_cast<int64_t>(batch.size());
    documents_indexed_ += static_cast<int64_t>(batch.size());
    build_progress_.Advance(static_cast<int64_t>(batch.size()));
    // lag_ stays: nothing of this build is searchable before Publish (the
    // lag of a fresh site is not counted until then).
    if (Stopping()) return Fail(ErrorCode::kUnavailable, "stopped during a rebuild");
  }
  build_progress_.Begin(IndexBuildStatus::Phase::kMerging, stats.papers);
  RETURN_IF_ERROR(fresh->Publish(progress));
  RemoveLookupIndex(options_.store.data_dir);
  spdlog::info("search index rebuilt: {} papers up to change {}, popularity {}", count,
               progress.change_seq, progress.popularity_seq);
  fresh.reset();
  ASSIGN_OR_RETURN(writer_, OpenLiveIndexWriter(options_.store.data_dir));
  indexed_seq_ = writer_->progress().change_seq;
  indexed_popularity_seq_ = writer_->progress().popularity_seq;
  return CountLag(progress.change_seq);
}

Status Indexer::PopularityBatch(bool* done) {
  IndexProgress progress = writer_->progress();
  ASSIGN_OR_RETURN(std::vector<PaperPopularity> rows,
                   store_->PopularityChangedSince(progress.popularity_seq, options_.batch_size));
  *done = rows.size() < static_cast<size_t>(options_.batch_size);
  if (rows.empty()) return Ok();
  for (const PaperPopularity& row : rows) {
    // A paper not indexed yet is skipped here and gets its popularity when
    // its own change is indexed (IndexBatch reads it then).
    RETURN_IF_ERROR(writer_->SetPopularity(row.paper_id, row.upvotes(), row.trending));
    progress.popularity_seq = row.popularity_seq;
  }
  RETURN_IF_ERROR(writer_->Commit(progress));
  indexed_popularity_seq_ = progress.popularity_seq;
  popularity_updates_ += static_cast<int64_t>(rows.size());
  return Ok();
}

Status Indexer::IndexBatch(bool* done) {
  IndexProgress progress = writer_->progress();
  int64_t from = progress.change_seq;
  ASSIGN_OR_RETURN(std::vector<storage::ChangedPaper> batch,
                   store_->PapersChangedSince(from, options_.batch_size));
  *done = batch.size() < static_cast<size_t>(options_.batch_size);
  if (batch.empty()) {
    lag_ = 0;
    return Ok();
  }
  for (storage::ChangedPaper& c : batch) {
    // One indexed read per changed paper; a popularity change after it has
    // a later popularity_seq, so the next PopularityBatch applies it.
    ASSIGN_OR_RETURN(std::optional<PaperPopularity> popularity, store_->GetPopularity(c.paper.id));
    RETURN_IF_ERROR(
        writer_->Put(MakeDocument(std::move(c.paper), popularity ? &*popularity : nullptr)));
    progress.change_seq = c.change_seq;
  }
  RETURN_IF_ERROR(writer_->Commit(progress));
  indexed_seq_ = progress.change_seq;
  documents_indexed_ += static_cast<int64_t>(batch.size());
  if (*done) {
    lag_ = 0;
    return Ok();
  }
  return CountLag(progress.change_seq);
}

bool Indexer::Stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

Status Indexer::CatchUp() {
  ASSIGN_OR_RETURN(bool writing, EnsureWriter());
  if (!writing) return Ok();
  // Popularity before papers: a paper that arrives with its first listing
  // is then Put once, with its popularity, rather than Put and updated.
  for (bool done = false; !done;) {
    RETURN_IF_ERROR(PopularityBatch(&done));
    if (Stopping()) return Ok();
  }
  for (bool done = false; !done;) {
    RETURN_IF_ERROR(IndexBatch(&done));
    if (Stopping()) return Ok();
  }
  return Ok();
}

void Indexer::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void Indexer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Indexer::Run() {
  while (true) {
    if (Status s = CatchUp(); !s) spdlog::error("search indexer: {}", s.error().message);
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_for(lock, options_.poll_interval, [this] { return stop_; })) break;
  }
  // Let go of the index so another process (or a later Indexer) can write it.
  writer_.reset();
}

}  // namespace paperpulse::search
