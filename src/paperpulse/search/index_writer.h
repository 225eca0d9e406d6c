// The write side of the index, used by the Indexer and the benchmark. Two
// ways in: a fresh build (into a new directory, published atomically when
// complete) and incremental updates of the live index (each Commit atomic).
// Implemented in search/xapian/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/model/paper.h"

namespace paperpulse::search {

// What the index holds about a paper: the record and its popularity.
struct IndexDocument {
  Paper paper;
  // Imported + local votes (PaperPopularity::upvotes()); 0 when never listed
  // nor voted for.
  int64_t upvotes = 0;
  // Sort key of "trending", higher = hotter: ranking::TrendingScore, as the
  // Store keeps it in PaperPopularity::trending.
  double trending = 0;
};

// How far an index has followed the Store, recorded with every commit: the
// change_seq of the last paper change and the popularity_seq of the last
// popularity change (storage::Store::PopularityChangedSince) applied.
struct IndexProgress {
  int64_t change_seq = 0;
  int64_t popularity_seq = 0;

  friend bool operator==(const IndexProgress&, const IndexProgress&) = default;
};

class IndexWriter {
 public:
  virtual ~IndexWriter() = default;

  // Adds `doc`, replacing any earlier document of the same paper id.
  // Errors: kInternal from the index.
  virtual Status Put(const IndexDocument& doc) = 0;

  // Changes the popularity of an indexed paper (no-op when it is not indexed,
  // or when it already has these values). Errors: kInternal from the index.
  virtual Status SetPopularity(std::string_view id, int64_t upvotes, double trending) = 0;

  // Makes everything Put / SetPopularity so far visible to readers of the
  // live index, in one atomic step that also records `progress`. For a
  // fresh build nothing is visible before Publish.
  virtual Status Commit(const IndexProgress& progress) = 0;

  // The progress of the last Commit (or of the index as opened; an index
  // written before popularity was followed opens with popularity_seq 0).
  virtual const IndexProgress& progress() const = 0;

  // The index directory this writer writes.
  virtual const std::string& path() const = 0;
};

// Opens the live index under `data_dir` for incremental updates.
// Errors: kNotFound when there is no live index; kParse when it is corrupt,
// half-built or of another format (rebuild it); kUnavailable when another
// writer holds its lock; kIo / kInternal otherwise.
Result<std::unique_ptr<IndexWriter>> OpenLiveIndexWriter(std::string_view data_dir);

// The progress recorded in the live index under `data_dir`, read without
// taking its write lock (another process may be writing it).
// Errors: as OpenLiveIndexWriter's, without kUnavailable.
Result<IndexProgress> ReadLiveIndexProgress(std::string_view data_dir);

// A writer that builds a new index next to the live one (readers keep using
// the live one). `Publish` replaces the live index with it.
class FreshIndexWriter : public IndexWriter {
 public:
  // Commits with `progress` and swaps the new index in as the live one;
  // older generations except the previous one are removed. The writer is
  // unusable afterwards. Errors: kIo / kInternal.
  virtual Status Publish(const IndexProgress& progress) = 0;
};

// Starts a fresh build under `data_dir` (removing leftovers of builds that
// never finished). Errors: kIo / kInternal.
Result<std::unique_ptr<FreshIndexWriter>> CreateFreshIndexWriter(std::string_view data_dir);

// The lookup index (<index dir>/lookup): ids, exact titles, author names,
// categories and years of every paper, without words or positions, built by
// the Indexer in a quick pass before a full build when no index is live, so
// that a fresh site answers those searches within a minute while its full
// index builds. Readers use it only while there is no live generation (their
// results are then marked partial); the Indexer removes it once the full
// index is published. Each Commit is visible to readers.
// Errors: kIo / kInternal; kUnavailable when another writer holds it.
Result<std::unique_ptr<IndexWriter>> CreateLookupIndexWriter(std::string_view data_dir);

// Deletes the lookup index of `data_dir` (nothing when there is none).
void RemoveLookupIndex(std::string_view data_dir);

}  // namespace paperpulse::search
