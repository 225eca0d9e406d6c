#include "paperpulse/search/indexer.h"

#include <spdlog/spdlog.h>

#include <unordered_map>

#include "paperpulse/search/index.h"
#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/index_writer.h"

namespace paperpulse::search {
namespace {

struct Popularity {
  int64_t upvotes = 0;
  std::string last_listed;  // newest daily-list date
  friend bool operator==(const Popularity&, const Popularity&) = default;
};

using PopularityMap = std::unordered_map<std::string, Popularity>;

Result<PopularityMap> ReadPopularity(storage::Store& store) {
  ASSIGN_OR_RETURN(std::vector<DailyEntry> entries,
                   store.DailyEntriesBetween("0000-01-01", "9999-12-31"));
  PopularityMap out;
  for (const DailyEntry& e : entries) {
    Popularity& p = out[e.paper_id];
    p.upvotes += e.upvotes;
    if (e.date > p.last_listed) p.last_listed = e.date;
  }
  return out;
}

IndexDocument MakeDocument(Paper paper, const PopularityMap& popularity) {
  IndexDocument doc;
  auto it = popularity.find(paper.id);
  if (it != popularity.end()) {
    doc.upvotes = it->second.upvotes;
    doc.trending = TrendingScore(it->second.upvotes, it->second.last_listed);
  } else {
    doc.trending = TrendingScore(0, paper.submitted);
  }
  doc.paper = std::move(paper);
  return doc;
}

}  // namespace

// The popularity last applied to the index, so a refresh touches only the
// papers whose votes changed.
struct Indexer::State {
  PopularityMap popularity;
  bool popularity_loaded = false;
};

Result<std::unique_ptr<Indexer>> Indexer::Create(const IndexerOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::Store::Open(options.store));
  return std::unique_ptr<Indexer>(new Indexer(options, std::move(store)));
}

Indexer::Indexer(IndexerOptions options, std::unique_ptr<storage::Store> store)
    : options_(std::move(options)), store_(std::move(store)), state_(std::make_unique<State>()) {}

Indexer::~Indexer() { Stop(); }

Status Indexer::EnsureWriter() {
  std::optional<std::string> live = LiveGeneration(IndexDir(options_.store.data_dir));
  // Still on the live generation: keep going. (`reindex` in another process
  // may have swapped in a new one; the index dir may have been deleted.)
  if (writer_ && live && writer_->path() == *live) return Ok();
  writer_.reset();
  auto opened = OpenLiveIndexWriter(options_.store.data_dir);
  if (!opened) {
    if (opened.error().code == ErrorCode::kNotFound || opened.error().code == ErrorCode::kParse) {
      // No index yet is the normal state of a fresh data dir; a damaged one
      // deserves a warning.
      if (opened.error().code == ErrorCode::kNotFound) {
        spdlog::info("search index: {}; building it from the store", opened.error().message);
      } else {
        spdlog::warn("search index: {}; rebuilding it from the store", opened.error().message);
      }
      return Rebuild();
    }
    return tl::unexpected(opened.error());
  }
  ASSIGN_OR_RETURN(storage::StoreStats stats, store_->Stats());
  if ((*opened)->last_change_seq() > stats.change_seq) {
    // An index ahead of the Store belongs to another database.
    spdlog::warn("search index is at change {} but the store only at {}; rebuilding",
                 (*opened)->last_change_seq(), stats.change_seq);
    opened->reset();
    return Rebuild();
  }
  writer_ = std::move(*opened);
  indexed_seq_ = writer_->last_change_seq();
  return Ok();
}

Status Indexer::Rebuild() {
  writer_.reset();
  ASSIGN_OR_RETURN(std::unique_ptr<FreshIndexWriter> fresh,
                   CreateFreshIndexWriter(options_.store.data_dir));
  ASSIGN_OR_RETURN(state_->popularity, ReadPopularity(*store_));
  state_->popularity_loaded = true;
  next_upvotes_refresh_ = std::chrono::steady_clock::now() + options_.upvotes_interval;
  ASSIGN_OR_RETURN(storage::StoreStats stats, store_->Stats());
  int64_t seq = 0;
  int64_t count = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<storage::ChangedPaper> batch,
                     store_->PapersChangedSince(seq, options_.batch_size));
    if (batch.empty()) break;
    for (storage::ChangedPaper& c : batch) {
      RETURN_IF_ERROR(fresh->Put(MakeDocument(std::move(c.paper), state_->popularity)));
      seq = c.change_seq;
    }
    count += static_cast<int64_t>(batch.size());
    documents_indexed_ += static_cast<int64_t>(batch.size());
    lag_ = std::max<int64_t>(stats.change_seq - seq, 0);
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return Fail(ErrorCode::kUnavailable, "stopped during a rebuild");
  }
  RETURN_IF_ERROR(fresh->Publish(seq));
  spdlog::info("search index rebuilt: {} papers up to change {}", count, seq);
  fresh.reset();
  ASSIGN_OR_RETURN(writer_, OpenLiveIndexWriter(options_.store.data_dir));
  indexed_seq_ = writer_->last_change_seq();
  return Ok();
}

Status Indexer::IndexBatch(bool* done) {
  int64_t from = writer_->last_change_seq();
  ASSIGN_OR_RETURN(std::vector<storage::ChangedPaper> batch,
                   store_->PapersChangedSince(from, options_.batch_size));
  *done = batch.size() < static_cast<size_t>(options_.batch_size);
  if (batch.empty()) {
    lag_ = 0;
    return Ok();
  }
  int64_t seq = from;
  for (storage::ChangedPaper& c : batch) {
    RETURN_IF_ERROR(writer_->Put(MakeDocument(std::move(c.paper), state_->popularity)));
    seq = c.change_seq;
  }
  RETURN_IF_ERROR(writer_->Commit(seq));
  indexed_seq_ = seq;
  documents_indexed_ += static_cast<int64_t>(batch.size());
  if (*done) {
    lag_ = 0;
  } else {
    ASSIGN_OR_RETURN(storage::StoreStats stats, store_->Stats());
    lag_ = std::max<int64_t>(stats.change_seq - seq, 0);
  }
  return Ok();
}

Status Indexer::RefreshUpvotes() {
  ASSIGN_OR_RETURN(PopularityMap fresh, ReadPopularity(*store_));
  // After a restart the old map is empty: every listed paper is checked (the
  // writer skips those whose stored popularity is already right).
  int changed = 0;
  for (const auto& [id, pop] : fresh) {
    auto old = state_->popularity.find(id);
    if (old != state_->popularity.end() && old->second == pop) continue;
    RETURN_IF_ERROR(
        writer_->SetPopularity(id, pop.upvotes, TrendingScore(pop.upvotes, pop.last_listed)));
    ++changed;
  }
  if (changed > 0) RETURN_IF_ERROR(writer_->Commit(writer_->last_change_seq()));
  state_->popularity = std::move(fresh);
  state_->popularity_loaded = true;
  return Ok();
}

Status Indexer::CatchUp() {
  RETURN_IF_ERROR(EnsureWriter());
  if (!state_->popularity_loaded || std::chrono::steady_clock::now() >= next_upvotes_refresh_) {
    RETURN_IF_ERROR(RefreshUpvotes());
    next_upvotes_refresh_ = std::chrono::steady_clock::now() + options_.upvotes_interval;
  }
  for (bool done = false; !done;) {
    RETURN_IF_ERROR(IndexBatch(&done));
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) break;
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
