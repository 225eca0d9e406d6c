// bench/search_vs_fts5 (issue 5): the paperpulse search index (Xapian,
// through the public search::Index interface, snippets included) against
// SQLite FTS5 (porter tokenizer, bm25, title weighted the same) on the same
// documents and the same query log, in one run.
//
// usage: search_vs_fts5 --data-dir DIR [--docs N] [--queries N] [--work DIR] [--seed S]
//                       [--use-index]
//   --data-dir  a paperpulse data dir with papers imported (`paperpulse import`)
//   --use-index query the live index of --data-dir (built by `serve` or
//               `reindex`) instead of building one (bench/scale.sh: the build
//               is timed there, through serve)
//   --docs      documents to index; more than the Store holds repeats its real
//               records with perturbed ids ("<id>-<copy>"); default: the Store's
//   --queries   size of the query log (default 1200, at least 1000 are sensible)
//   --work      where both indexes are built (default: a temp dir, removed)
//
// Prints build time and throughput, index sizes, and per query class p50 /
// p99 / mean latency and queries/s of the top-10 for both engines, with the
// ratio FTS5 / paperpulse (> 1: paperpulse is faster).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "paperpulse/ranking/trending.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/index_writer.h"
#include "paperpulse/search/indexer.h"
#include "paperpulse/search/integration/fts5_baseline.h"
#include "paperpulse/search/text.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::search {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kTopK = 10;

struct Args {
  std::string data_dir;
  int64_t docs = 0;
  int queries = 1200;
  std::string work;
  uint32_t seed = 5;
  bool use_index = false;
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double MaxRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "search_vs_fts5: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T OrDie(Result<T> r, const char* what) {
  if (!r) Die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

void OrDie(Status s, const char* what) {
  if (!s) Die(std::string(what) + ": " + s.error().message);
}

std::vector<Paper> LoadPapers(const std::string& data_dir) {
  auto store = OrDie(storage::Store::Open({data_dir, ""}), "opening the store");
  std::vector<Paper> papers;
  int64_t seq = 0;
  while (true) {
    auto batch = OrDie(store->PapersChangedSince(seq, 10000), "reading papers");
    if (batch.empty()) break;
    for (auto& c : batch) {
      seq = c.change_seq;
      papers.push_back(std::move(c.paper));
    }
  }
  return papers;
}

// Document i: the real records in order, then again with ids "<id>-<copy>".
Paper DocumentAt(const std::vector<Paper>& papers, int64_t i) {
  Paper p = papers[static_cast<size_t>(i) % papers.size()];
  int64_t copy = i / static_cast<int64_t>(papers.size());
  if (copy > 0) {
    p.id += '-';
    p.id += std::to_string(copy);
  }
  return p;
}

// ---- query log -------------------------------------------------------------

enum class Kind { kOne, kAnd2, kAnd3, kOr2, kOr3, kPhrase };
const char* KindName(Kind k) {
  switch (k) {
    case Kind::kOne:
      return "1 term";
    case Kind::kAnd2:
      return "AND, 2 terms";
    case Kind::kAnd3:
      return "AND, 3 terms";
    case Kind::kOr2:
      return "OR, 2 terms";
    case Kind::kOr3:
      return "OR, 3 terms";
    case Kind::kPhrase:
      return "phrase, 2-3 words";
  }
  return "";
}

struct LoggedQuery {
  Kind kind;
  std::string ours;  // paperpulse query language
  std::string fts5;  // FTS5 MATCH expression
};

// Words that both tokenizers read the same: ASCII letters only, as written.
struct Word {
  std::string text;
  size_t begin, end;
};

std::vector<Word> PlainWords(const std::string& text) {
  std::vector<Word> out;
  for (const Token& t : Tokenize(text)) {
    if (t.end - t.begin != t.text.size() || t.text.size() < 2) continue;
    bool letters =
        std::all_of(t.text.begin(), t.text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (!letters || (t.begin > 0 && text[t.begin - 1] == '\\')) continue;
    out.push_back({t.text, t.begin, t.end});
  }
  return out;
}

std::vector<LoggedQuery> MakeQueryLog(const std::vector<Paper>& papers, int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<LoggedQuery> log;
  const Kind kinds[] = {Kind::kOne, Kind::kAnd2, Kind::kAnd3,
                        Kind::kOr2, Kind::kOr3,  Kind::kPhrase};
  for (int i = 0; static_cast<int>(log.size()) < n && i < n * 100; ++i) {
    Kind kind = kinds[log.size() % std::size(kinds)];
    const Paper& p = papers[rng() % papers.size()];
    // Title and abstract words, from the same paper so that AND queries match.
    const std::string& text = (kind == Kind::kPhrase && rng() % 2) ? p.title : p.abstract;
    std::vector<Word> words = PlainWords(kind == Kind::kPhrase ? text : p.title + " " + p.abstract);
    if (kind == Kind::kPhrase) {
      size_t len = 2 + rng() % 2;
      if (words.size() < len) continue;
      size_t at = rng() % (words.size() - len + 1);
      bool adjacent = true;
      std::string phrase;
      for (size_t k = 0; k < len; ++k) {
        if (k > 0) {
          std::string_view gap(text.data() + words[at + k - 1].end,
                               words[at + k].begin - words[at + k - 1].end);
          adjacent = adjacent && gap == " ";
          phrase += ' ';
        }
        phrase += words[at + k].text;
      }
      bool all_stop = true;
      for (size_t k = 0; k < len; ++k) all_stop = all_stop && IsStopWord(words[at + k].text);
      if (!adjacent || all_stop) continue;
      std::string quoted = "\"";
      quoted += phrase;
      quoted += '"';
      log.push_back({kind, quoted, testing::Fts5Phrase(phrase)});
      continue;
    }
    std::vector<std::string> pool;
    std::set<std::string> seen;
    for (const Word& w : words) {
      if (w.text.size() >= 3 && !IsStopWord(w.text) && seen.insert(w.text).second) {
        pool.push_back(w.text);
      }
    }
    size_t terms = kind == Kind::kOne ? 1 : (kind == Kind::kAnd2 || kind == Kind::kOr2) ? 2 : 3;
    if (pool.size() < terms) continue;
    std::shuffle(pool.begin(), pool.end(), rng);
    bool any = kind == Kind::kOr2 || kind == Kind::kOr3;
    std::string ours, words_text;
    for (size_t k = 0; k < terms; ++k) {
      if (k > 0) {
        ours += any ? " OR " : " AND ";
        words_text += ' ';
      }
      ours += pool[k];
      words_text += pool[k];
    }
    log.push_back({kind, ours, testing::Fts5Words(words_text, any)});
  }
  return log;
}

// ---- measuring -------------------------------------------------------------

struct Latencies {
  std::vector<double> ms;
  double Percentile(double p) const {
    if (ms.empty()) return 0;
    std::vector<double> v = ms;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
  }
  double Mean() const {
    double s = 0;
    for (double x : ms) s += x;
    return ms.empty() ? 0 : s / static_cast<double>(ms.size());
  }
  double Qps() const {
    double s = 0;
    for (double x : ms) s += x;
    return s > 0 ? static_cast<double>(ms.size()) * 1000.0 / s : 0;
  }
};

struct RunResult {
  std::map<Kind, Latencies> by_kind;
  Latencies all;
  std::vector<size_t> hits;  // per query, in log order
};

template <typename Fn>
RunResult Run(const std::vector<LoggedQuery>& log, Fn&& search) {
  for (const LoggedQuery& q : log) search(q);  // warm the caches: both engines read files
  RunResult r;
  for (const LoggedQuery& q : log) {
    auto t = Clock::now();
    size_t hits = search(q);
    double ms = Seconds(t) * 1000.0;
    r.by_kind[q.kind].ms.push_back(ms);
    r.all.ms.push_back(ms);
    r.hits.push_back(hits);
  }
  return r;
}

void PrintRow(const char* what, const Latencies& ours, const Latencies& fts5) {
  double p50_ratio = ours.Percentile(0.5) > 0 ? fts5.Percentile(0.5) / ours.Percentile(0.5) : 0;
  double p99_ratio = ours.Percentile(0.99) > 0 ? fts5.Percentile(0.99) / ours.Percentile(0.99) : 0;
  std::printf(
      "| %-18s | %4zu | %8.3f | %8.3f | %8.0f | %8.3f | %8.3f | %8.0f | %6.1fx | %6.1fx |\n", what,
      ours.ms.size(), ours.Percentile(0.5), ours.Percentile(0.99), ours.Qps(), fts5.Percentile(0.5),
      fts5.Percentile(0.99), fts5.Qps(), p50_ratio, p99_ratio);
}

int Main(const Args& args) {
  std::vector<Paper> papers = LoadPapers(args.data_dir);
  if (papers.empty()) Die("no papers in " + args.data_dir + " (run paperpulse import first)");
  int64_t n_docs = args.docs > 0 ? args.docs : static_cast<int64_t>(papers.size());
  bool own_work = args.work.empty();
  std::string work =
      own_work
          ? (fs::temp_directory_path() / ("pp_search_bench_" + std::to_string(::getpid()))).string()
          : args.work;
  fs::create_directories(work);
  std::printf("documents: %lld (%zu real records%s); query log: %d queries\n",
              static_cast<long long>(n_docs), papers.size(),
              n_docs > static_cast<int64_t>(papers.size()) ? ", repeated with perturbed ids" : "",
              args.queries);

  // paperpulse: the writer the Indexer uses for a fresh build.
  auto t0 = Clock::now();
  if (!args.use_index) {
    auto writer = OrDie(CreateFreshIndexWriter(work), "creating the index");
    for (int64_t i = 0; i < n_docs; ++i) {
      IndexDocument doc;
      doc.paper = DocumentAt(papers, i);
      doc.trending = ranking::TrendingScore({0, std::nullopt, doc.paper.submitted});
      OrDie(writer->Put(doc), "indexing");
    }
    OrDie(writer->Publish({.change_seq = n_docs}), "publishing the index");
  }
  double ours_build = Seconds(t0);
  double ours_rss = MaxRssMiB();
  std::string index_home = args.use_index ? args.data_dir : work;
  auto live = LiveGeneration(IndexDir(index_home));
  if (!live) Die("no live index in " + index_home);
  int64_t ours_size = DirectorySize(*live);

  auto t1 = Clock::now();
  auto fts5 = OrDie(testing::Fts5Baseline::Create(work + "/fts5.db"), "creating FTS5");
  {
    std::vector<Paper> batch;
    for (int64_t i = 0; i < n_docs; ++i) {
      batch.push_back(DocumentAt(papers, i));
      if (batch.size() == 10000 || i + 1 == n_docs) {
        OrDie(fts5->Add(batch), "FTS5 insert");
        batch.clear();
      }
    }
    OrDie(fts5->Optimize(), "FTS5 optimize");
  }
  double fts5_build = Seconds(t1);
  int64_t fts5_size = fts5->SizeBytes();

  // The Indexer's own path (Store -> index) when the documents are the Store's.
  double indexer_build = 0;
  if (!args.use_index && n_docs == static_cast<int64_t>(papers.size())) {
    IndexerOptions options;
    options.store = {args.data_dir, ""};
    auto indexer = OrDie(Indexer::Create(options), "opening the indexer");
    auto t = Clock::now();
    OrDie(indexer->Rebuild(), "Indexer::Rebuild");
    indexer_build = Seconds(t);
  }

  auto index = OrDie(OpenIndex(index_home), "opening the index");
  std::vector<LoggedQuery> log = MakeQueryLog(papers, args.queries, args.seed);
  SearchOptions options;
  options.limit = kTopK;
  size_t ours_errors = 0;
  RunResult ours = Run(log, [&](const LoggedQuery& q) -> size_t {
    auto r = index->Search(q.ours, options);
    if (!r) {
      if (++ours_errors <= 5)
        std::fprintf(stderr, "paperpulse: %s: %s\n", q.ours.c_str(), r.error().message.c_str());
      return 0;
    }
    return r->hits.size();
  });
  RunResult theirs = Run(log, [&](const LoggedQuery& q) -> size_t {
    auto r = fts5->Search(q.fts5, kTopK);
    return r ? r->size() : 0;
  });
  size_t agree = 0, exact_kinds = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].kind == Kind::kOr2 || log[i].kind == Kind::kOr3) continue;
    ++exact_kinds;
    agree += ours.hits[i] == theirs.hits[i];
  }

  auto mib = [](int64_t b) { return static_cast<double>(b) / (1024.0 * 1024.0); };
  std::printf(
      "\n| build | documents | seconds | docs/s | index MiB |\n|---|---:|---:|---:|---:|\n");
  if (args.use_index) {
    std::printf("| paperpulse (the live index of --data-dir) | %lld | | | %.1f |\n",
                static_cast<long long>(n_docs), mib(ours_size));
  } else {
    std::printf("| paperpulse (Xapian, IndexWriter) | %lld | %.1f | %.0f | %.1f |\n",
                static_cast<long long>(n_docs), ours_build,
                static_cast<double>(n_docs) / ours_build, mib(ours_size));
  }
  if (indexer_build > 0) {
    std::printf("| paperpulse (Indexer::Rebuild from the Store) | %lld | %.1f | %.0f | |\n",
                static_cast<long long>(n_docs), indexer_build,
                static_cast<double>(n_docs) / indexer_build);
  }
  std::printf("| SQLite FTS5 (porter, optimize) | %lld | %.1f | %.0f | %.1f |\n",
              static_cast<long long>(n_docs), fts5_build, static_cast<double>(n_docs) / fts5_build,
              mib(fts5_size));
  if (!args.use_index) {
    std::printf(
        "\nbuild time FTS5/paperpulse %.2fx; size paperpulse/FTS5 %.2fx; peak RSS after "
        "our build %.0f MiB\n",
        fts5_build / ours_build, static_cast<double>(ours_size) / static_cast<double>(fts5_size),
        ours_rss);
  } else {
    std::printf("\nsize paperpulse/FTS5 %.2fx\n",
                static_cast<double>(ours_size) / static_cast<double>(fts5_size));
  }
  std::printf("\ntop-%d latency in ms (paperpulse: Index::Search with snippets; FTS5: ids only)\n",
              kTopK);
  std::printf(
      "| queries            |    n | pp p50   | pp p99   | pp q/s   | fts5 p50 | fts5 p99 | "
      "fts5 q/s | p50 x   | p99 x   |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& [kind, lat] : ours.by_kind) PrintRow(KindName(kind), lat, theirs.by_kind[kind]);
  Latencies ours_or, fts5_or, ours_and, fts5_and;
  for (Kind k : {Kind::kOr2, Kind::kOr3}) {
    for (double x : ours.by_kind[k].ms) ours_or.ms.push_back(x);
    for (double x : theirs.by_kind[k].ms) fts5_or.ms.push_back(x);
  }
  for (Kind k : {Kind::kAnd2, Kind::kAnd3}) {
    for (double x : ours.by_kind[k].ms) ours_and.ms.push_back(x);
    for (double x : theirs.by_kind[k].ms) fts5_and.ms.push_back(x);
  }
  PrintRow("all OR", ours_or, fts5_or);
  PrintRow("all AND", ours_and, fts5_and);
  PrintRow("all queries", ours.all, theirs.all);
  std::printf(
      "\nsanity: %zu/%zu AND/phrase/1-term queries return the same number of top-%d hits "
      "in both; paperpulse errors: %zu\n",
      agree, exact_kinds, kTopK, ours_errors);

  index.reset();
  fts5.reset();
  if (own_work) {
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  return 0;
}

}  // namespace
}  // namespace paperpulse::search

int main(int argc, char** argv) {
  paperpulse::search::Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "search_vs_fts5: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data-dir") {
      args.data_dir = value();
    } else if (a == "--docs") {
      args.docs = std::atoll(value().c_str());
    } else if (a == "--queries") {
      args.queries = std::atoi(value().c_str());
    } else if (a == "--work") {
      args.work = value();
    } else if (a == "--use-index") {
      args.use_index = true;
    } else if (a == "--seed") {
      args.seed = static_cast<uint32_t>(std::atoi(value().c_str()));
    } else {
      std::fprintf(stderr,
                   "usage: search_vs_fts5 --data-dir DIR [--docs N] [--queries N] [--work DIR] "
                   "[--seed S] [--use-index]\n");
      return 2;
    }
  }
  if (args.data_dir.empty()) {
    std::fprintf(stderr, "search_vs_fts5: --data-dir is required\n");
    return 2;
  }
  return paperpulse::search::Main(args);
}
