// The search index: full-text search over the papers of the Store, and
// related papers. The index is derived data kept under <data_dir>/search and
// maintained by search::Indexer (indexer.h), which follows the Store's change
// sequence; this header is the read side used by the CLI and the HTTP server.
//
// Query language (query.h has the grammar):
//   free text (BM25, title boosted)   "exact phrases"   transfo* (prefix)
//   author:lecun  author:"Yann LeCun"  title:  abs:  cat:cs.CL  id:2405.04517
//   year:2024  year:2020..2023        AND  OR  NOT  -word  ( )
// A query that is an arXiv id or abs/pdf URL in any form returns that paper
// first. An exact title (any case, punctuation, TeX or Unicode spelling)
// returns that paper first.
//
// No Xapian header is visible here: the implementation lives in search/xapian/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"

namespace paperpulse::search {

enum class SortOrder {
  kRelevance,  // BM25 score, best first
  kDate,       // newest first (v1 submission date), then relevance
  kUpvotes,    // most community upvotes first, then relevance
  kTrending,   // highest ranking::TrendingScore first (votes and stars against
               // age; unlisted papers by submission date), then relevance
};

// Parses "relevance", "date", "upvotes", "trending" (the `sort=` parameter).
// Errors: kInvalidArgument naming the accepted values.
Result<SortOrder> ParseSortOrder(std::string_view s);

// Limits that apply to every query; longer or larger requests are rejected
// with kInvalidArgument rather than truncated silently.
inline constexpr size_t kMaxQueryBytes = 1024;
inline constexpr int kMaxLimit = 120;  // Hugging Face's search takes limit 1..120
inline constexpr int kMaxOffset = 10000;

struct SearchOptions {
  int limit = 20;  // 1..kMaxLimit
  int offset = 0;  // 0..kMaxOffset
  SortOrder sort = SortOrder::kRelevance;
  // Inclusive bounds on the v1 submission date, "YYYY-MM-DD"; empty = open.
  std::string from;
  std::string to;
  // Restricts to papers listed in this category (any position, not only the
  // primary one), e.g. "cs.CL"; an archive name ("cs", "hep-th") matches all
  // of its categories. Empty = all.
  std::string category;
};

struct SearchHit {
  std::string id;  // base arXiv id
  std::string title;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string published_at;  // v1 submission timestamp as stored ("2024-05-07T17:47:02Z")
  int64_t upvotes = 0;       // imported + local votes, as the daily lists show them
  // Relevance on the BM25 scale; an id or exact-title match put first
  // carries the best score of the page. Present whatever the sort order.
  double score = 0;
  // A passage of the abstract around the matched terms (its beginning when
  // none of them is in it), HTML-escaped, with the matched words wrapped in
  // <mark>...</mark>. Safe to insert into HTML as is; TeX is kept as text.
  std::string snippet;
};

struct SearchResults {
  std::vector<SearchHit> hits;
  // Estimated number of matching papers (exact for small result sets).
  int64_t total_estimate = 0;
  // A corrected query when some word of the query is unknown to the index
  // and a close spelling is ("atention is all you need" -> "attention is all
  // you need"); the results already include matches of the correction.
  // Empty when nothing was corrected.
  std::string did_you_mean;
  // True while the full index is still being built for the first time: the
  // results then come from the lookup index (index_writer.h) and find
  // papers only by arXiv id, exact title, author name, and the cat:, year:
  // and author: fields; snippets are empty.
  bool partial = false;
};

// Where the Indexer's build of a full index is (Indexer::build_status), for
// /healthz, /metrics and the search page.
struct IndexBuildStatus {
  enum class Phase {
    kNone,     // no build running (the index is live, or the Indexer idles)
    kLookup,   // the quick pass: ids, titles and authors into the lookup index
    kFull,     // the full index: every paper's words
    kMerging,  // merging the full index's shards; then it goes live
  };
  Phase phase = Phase::kNone;
  int64_t done = 0;   // papers through the current phase so far
  int64_t total = 0;  // papers in the Store when the build started
  double rate = 0;    // papers per second in the current phase (0: not known yet)
  // Seconds until the full index is live, estimated from the current rate
  // (-1: not known yet, e.g. during the quick pass or the merge).
  int64_t eta_seconds = -1;
};

// "none", "lookup", "full", "merging".
std::string_view PhaseName(IndexBuildStatus::Phase phase);

struct IndexInfo {
  int64_t documents = 0;
  // change_seq of the Store up to which the index is complete.
  int64_t last_change_seq = 0;
  int64_t size_bytes = 0;  // on disk
};

// A read-only view of the index. Implementations are thread-safe: Search and
// Related may be called from many threads at once; each call sees the newest
// committed state of the index (including a rebuilt one swapped in by
// `paperpulse reindex` or the Indexer).
class Index {
 public:
  virtual ~Index() = default;

  // Runs `query` (see the language above). Errors: kInvalidArgument with a
  // message fit for the user for a malformed query (unbalanced quote or
  // parenthesis, unknown field, query of only stop words, query longer than
  // kMaxQueryBytes, bad date/limit/offset/category in `options`);
  // kUnavailable while no complete index exists yet (first build running);
  // kInternal when the index cannot be read.
  virtual Result<SearchResults> Search(std::string_view query, const SearchOptions& options) = 0;

  // Up to `limit` (1..kMaxLimit) papers most similar to paper `id` (any id
  // form; versions are ignored), best first, from the paper's own most
  // distinctive terms. Never contains the paper itself. Hits carry a snippet
  // of their abstract without highlighting. Errors: kInvalidArgument for a
  // malformed id or limit; kNotFound when the paper is not indexed;
  // kUnavailable / kInternal as for Search.
  virtual Result<std::vector<SearchHit>> Related(std::string_view id, int limit) = 0;

  // Size and progress of the index. Errors: kUnavailable / kInternal as above.
  virtual Result<IndexInfo> Info() = 0;
};

// The directory of the index under a data dir: <data_dir>/search.
std::string IndexDir(std::string_view data_dir);

// Opens the index kept under `data_dir` for reading. Succeeds even when no
// index has been built yet (Search then fails with kUnavailable until the
// Indexer has finished its first build). Errors: kIo when `data_dir` is not
// a usable directory.
Result<std::unique_ptr<Index>> OpenIndex(std::string_view data_dir);

}  // namespace paperpulse::search
