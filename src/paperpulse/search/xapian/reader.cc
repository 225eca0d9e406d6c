// The read side of the Xapian adapter: Index over a pool of Databases.
#include <xapian.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/query.h"
#include "paperpulse/search/snippet.h"
#include "paperpulse/search/text.h"
#include "paperpulse/search/xapian/query_builder.h"
#include "paperpulse/search/xapian/schema.h"

namespace paperpulse::search {
namespace {

using xapian::XapianError;

// Terms taken from a paper to find related ones.
constexpr Xapian::termcount kRelatedTerms = 25;
// A search that keeps meeting a concurrent commit gives up after this.
constexpr int kMaxAttempts = 3;
constexpr const char* kNotBuiltYet =
    "the search index is not built yet (the indexer builds it; try again shortly)";

// One reader: Xapian::Database and Xapian::Stem are not thread-safe, so each
// call borrows one of these from the pool.
struct Reader {
  std::string path;
  // Keeps the generation on disk while this reader may read it (index_dir.h);
  // none on the lookup index. Declared before db, so released after it
  // closes (members are destroyed in reverse order).
  FlockHold hold;
  Xapian::Database db;
  // Open on the lookup index: no live generation yet (index_writer.h).
  bool partial = false;
  Xapian::Stem stemmer{"english"};
  // Stems of words seen in snippets: abstracts repeat the same few hundred
  // thousand words, and stemming each of ten abstracts per query word by word
  // would cost more than the search itself.
  std::unordered_map<std::string, std::string> stems;

  const std::string& Stem(const std::string& word) {
    auto it = stems.find(word);
    if (it != stems.end()) return it->second;
    if (stems.size() > 200'000) stems.clear();
    return stems.emplace(word, stemmer(word)).first->second;
  }
};

// Only the unprefixed stems of words are worth expanding on.
class RelatedTermDecider : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    if (term.size() < 4 || term[0] != 'Z' || (term[1] >= 'A' && term[1] <= 'Z')) return false;
    std::string_view word = std::string_view(term).substr(1);
    if (IsStopWord(word)) return false;
    return word.find_first_not_of("0123456789") != std::string_view::npos;
  }
};

Status ValidateOptions(const SearchOptions& o) {
  if (o.limit < 1 || o.limit > kMaxLimit) {
    std::string msg = "limit must be between 1 and ";
    msg += std::to_string(kMaxLimit);
    return Fail(ErrorCode::kInvalidArgument, msg);
  }
  if (o.offset < 0 || o.offset > kMaxOffset) {
    std::string msg = "offset must be between 0 and ";
    msg += std::to_string(kMaxOffset);
    return Fail(ErrorCode::kInvalidArgument, msg);
  }
  for (const std::string* d : {&o.from, &o.to}) {
    if (d->empty()) continue;
    auto parsed = ParseIsoDate(*d);
    if (!parsed) {
      return Fail(ErrorCode::kInvalidArgument, "bad date '" + *d + "': use YYYY-MM-DD");
    }
  }
  if (!o.from.empty() && !o.to.empty() && *ParseIsoDate(o.to) < *ParseIsoDate(o.from)) {
    return Fail(ErrorCode::kInvalidArgument, "'from' date is after 'to' date");
  }
  return Ok();
}

// "2024-5-7" -> "20240507", the form of the date value.
std::string DateValue(const std::string& iso) {
  CivilDate d = *ParseIsoDate(iso);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month, d.day);
  return buf;
}

// The filters of `options` (date range, category), or an empty query.
Result<Xapian::Query> OptionsFilter(const SearchOptions& o) {
  std::vector<Xapian::Query> filters;
  if (!o.from.empty() || !o.to.empty()) {
    std::string lo = o.from.empty() ? "00000000" : DateValue(o.from);
    std::string hi = o.to.empty() ? "99999999" : DateValue(o.to);
    filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, xapian::kDateSlot, lo, hi);
  }
  if (!o.category.empty()) {
    // The query language checks categories; reuse it for the same message.
    ASSIGN_OR_RETURN(ParsedQuery cat, ParseQuery("cat:" + o.category));
    if (cat.root->kind != QueryNode::Kind::kLeaf || cat.root->field != Field::kCategory) {
      return Fail(ErrorCode::kInvalidArgument, "bad category '" + o.category + "'");
    }
    std::string term(xapian::kCategoryPrefix);
    term += cat.root->value;
    filters.emplace_back(term);
  }
  if (filters.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
}

Xapian::Query Filtered(const Xapian::Query& q, const Xapian::Query& filter) {
  return filter.empty() ? q : Xapian::Query(Xapian::Query::OP_FILTER, q, filter);
}

void ApplySort(Xapian::Enquire& enquire, SortOrder sort, bool scored) {
  switch (sort) {
    case SortOrder::kRelevance:
      // Pure filters have no relevance order: newest first reads best.
      if (!scored) enquire.set_sort_by_value_then_relevance(xapian::kDateSlot, true);
      break;
    case SortOrder::kDate:
      enquire.set_sort_by_value_then_relevance(xapian::kDateSlot, true);
      break;
    case SortOrder::kUpvotes:
      enquire.set_sort_by_value_then_relevance(xapian::kUpvotesSlot, true);
      break;
    case SortOrder::kTrending:
      enquire.set_sort_by_value_then_relevance(xapian::kTrendingSlot, true);
      break;
  }
}

// Every shard of the lookup index at `path` as one database.
Xapian::Database OpenLookupShards(const std::string& path) {
  Xapian::Database all;
  std::error_code ec;
  for (int i = 0; std::filesystem::exists(LookupShardPath(path, i) + "/iamglass", ec); ++i) {
    all.add_database(Xapian::Database(LookupShardPath(path, i)));
  }
  return all;
}

class XapianIndex : public Index {
 public:
  explicit XapianIndex(std::string index_dir) : index_dir_(std::move(index_dir)) {}

  Result<SearchResults> Search(std::string_view query, const SearchOptions& options) override {
    if (query.size() > kMaxQueryBytes) {
      std::string msg = "the query is too long (";
      msg += std::to_string(query.size());
      msg += " bytes; at most ";
      msg += std::to_string(kMaxQueryBytes);
      msg += ")";
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    if (!IsValidUtf8(query)) return Fail(ErrorCode::kInvalidArgument, "the query is not UTF-8");
    RETURN_IF_ERROR(ValidateOptions(options));
    ASSIGN_OR_RETURN(Xapian::Query filter, OptionsFilter(options));
    std::string_view trimmed = TrimView(query);
    // An id or URL is that paper, whatever it looks like as text.
    if (auto id = ParseArxivId(trimmed)) {
      return WithReader([&](Reader& r) -> Result<SearchResults> {
        ASSIGN_OR_RETURN(SearchResults out, IdSearch(r, id->base, filter, options));
        out.partial = r.partial;
        return out;
      });
    }
    ASSIGN_OR_RETURN(ParsedQuery parsed, ParseQuery(trimmed));
    return WithReader([&](Reader& r) -> Result<SearchResults> {
      return TextSearch(r, trimmed, parsed, filter, options);
    });
  }

  Result<std::vector<SearchHit>> Related(std::string_view id, int limit) override {
    auto parsed = ParseArxivId(id);
    if (!parsed) return Fail(ErrorCode::kInvalidArgument, parsed.error().message);
    if (limit < 1 || limit > kMaxLimit) {
      std::string msg = "limit must be between 1 and ";
      msg += std::to_string(kMaxLimit);
      return Fail(ErrorCode::kInvalidArgument, msg);
    }
    return WithReader([&](Reader& r) -> Result<std::vector<SearchHit>> {
      if (r.partial) return Fail(ErrorCode::kUnavailable, kNotBuiltYet);
      std::string id_term = xapian::IdTerm(parsed->base);
      Xapian::PostingIterator it = r.db.postlist_begin(id_term);
      if (it == r.db.postlist_end(id_term)) {
        return Fail(ErrorCode::kNotFound, "paper " + parsed->base + " is not in the search index");
      }
      Xapian::Enquire enquire(r.db);
      Xapian::RSet rset;
      rset.add_document(*it);
      RelatedTermDecider decider;
      Xapian::ESet eset = enquire.get_eset(kRelatedTerms, rset, &decider);
      std::vector<Xapian::Query> terms;
      for (auto t = eset.begin(); t != eset.end(); ++t) terms.emplace_back(*t);
      std::vector<SearchHit> hits;
      if (terms.empty()) return hits;
      enquire.set_query(Xapian::Query(
          Xapian::Query::OP_AND_NOT,
          Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()), Xapian::Query(id_term)));
      enquire.set_weighting_scheme(Xapian::BM25Weight());
      Xapian::MSet mset = enquire.get_mset(0, limit);
      for (auto m = mset.begin(); m != mset.end(); ++m) {
        ASSIGN_OR_RETURN(SearchHit hit, MakeHit(m.get_document(), m.get_weight(), nullptr));
        hits.push_back(std::move(hit));
      }
      return hits;
    });
  }

  Result<IndexInfo> Info() override {
    return WithReader([&](Reader& r) -> Result<IndexInfo> {
      if (r.partial) return Fail(ErrorCode::kUnavailable, kNotBuiltYet);
      IndexInfo info;
      info.documents = r.db.get_doccount();
      std::string seq = r.db.get_metadata(xapian::kChangeSeqKey);
      std::from_chars(seq.data(), seq.data() + seq.size(), info.last_change_seq);
      info.size_bytes = DirectorySize(r.path);
      return info;
    });
  }

 private:
  Result<SearchResults> IdSearch(Reader& r, const std::string& base, const Xapian::Query& filter,
                                 const SearchOptions& options) {
    Xapian::Enquire enquire(r.db);
    enquire.set_query(Filtered(xapian::IdTerm(base), filter));
    Xapian::MSet mset = enquire.get_mset(options.offset, options.limit);
    SearchResults out;
    out.total_estimate = mset.get_matches_estimated();
    for (auto m = mset.begin(); m != mset.end(); ++m) {
      ASSIGN_OR_RETURN(SearchHit hit, MakeHit(m.get_document(), 0, nullptr));
      out.hits.push_back(std::move(hit));
    }
    return out;
  }

  Result<SearchResults> TextSearch(Reader& r, std::string_view text, const ParsedQuery& parsed,
                                   const Xapian::Query& filter, const SearchOptions& options) {
    xapian::BuiltQuery built = xapian::BuildQuery(*parsed.root, text, r.db, r.stemmer);
    SearchResults out;
    out.did_you_mean = built.corrected;
    out.partial = r.partial;
    if (r.partial && parsed.plain_text) {
      // The lookup index has no words, only names: plain text may be one
      // ("Yann LeCun", "Y. LeCun", "lecun").
      std::string name = NormalizeText(text);
      if (!name.empty()) {
        Xapian::Query names(Xapian::Query::OP_OR,
                            Xapian::Query(std::string(xapian::kFullNamePrefix) + name),
                            Xapian::Query(std::string(xapian::kSurnamePrefix) + name));
        built.query =
            built.query.empty() ? names : Xapian::Query(Xapian::Query::OP_OR, built.query, names);
        built.scored = true;
      }
    }

    // Ids typed among free words ("2405.04517 xlstm"), then a pasted title:
    // those papers come first. Titles are looked for in any query: an
    // upper-case title has "AND", "OR" and "NOT" in it.
    std::vector<Xapian::docid> exact;
    if (options.sort == SortOrder::kRelevance) {
      if (parsed.plain_text) exact = FreeTextIdMatches(r, *parsed.root, filter);
      std::vector<Xapian::docid> titles = ExactTitleMatches(r, NormalizeText(text), filter);
      if (titles.empty() && !built.corrected.empty()) {
        titles = ExactTitleMatches(r, NormalizeText(built.corrected), filter);
      }
      for (Xapian::docid d : titles) {
        if (std::find(exact.begin(), exact.end(), d) == exact.end()) exact.push_back(d);
      }
    }
    if (built.query.empty() && exact.empty()) {
      if (!built.dropped_stop_words.empty()) {
        std::string msg = "the query has only common words (";
        for (size_t i = 0; i < built.dropped_stop_words.size() && i < 5; ++i) {
          if (i) msg += ", ";
          msg += built.dropped_stop_words[i];
        }
        msg += "): add a word that says what to look for, or quote a phrase";
        return Fail(ErrorCode::kInvalidArgument, msg);
      }
      return Fail(ErrorCode::kInvalidArgument, "the query has no words to look for");
    }

    // Porter2 never changes the first letter of a word: only words starting
    // like some highlighted stem need stemming.
    std::string first_letters;
    for (const std::string& stem : built.highlight_stems) {
      if (!stem.empty() && first_letters.find(stem[0]) == std::string::npos) {
        first_letters.push_back(stem[0]);
      }
    }
    MatchFn is_match = [&](const Token& t) {
      if (first_letters.find(t.text[0]) != std::string::npos &&
          built.highlight_stems.count(r.Stem(t.text))) {
        return true;
      }
      for (const auto& p : built.highlight_prefixes)
        if (t.text.rfind(p, 0) == 0) return true;
      return false;
    };

    // Exact matches take the first places; the ranked list fills the rest.
    size_t n_exact = exact.size();
    size_t offset = static_cast<size_t>(options.offset);
    size_t limit = static_cast<size_t>(options.limit);
    std::unordered_set<Xapian::docid> exact_set(exact.begin(), exact.end());
    std::vector<std::pair<Xapian::Document, double>> page;
    double top_score = 0;
    if (!built.query.empty()) {
      Xapian::Enquire enquire(r.db);
      enquire.set_query(Filtered(built.query, filter));
      enquire.set_weighting_scheme(Xapian::BM25Weight());
      ApplySort(enquire, options.sort, built.scored);
      size_t first = offset > n_exact ? offset - n_exact : 0;
      Xapian::MSet mset = enquire.get_mset(first, limit + n_exact);
      out.total_estimate = mset.get_matches_estimated();
      top_score = mset.get_max_attained();
      for (auto m = mset.begin(); m != mset.end(); ++m) {
        if (exact_set.count(*m)) continue;
        page.emplace_back(m.get_document(), m.get_weight());
      }
    }
    out.total_estimate = std::max<int64_t>(out.total_estimate, static_cast<int64_t>(n_exact));
    if (offset < n_exact) {
      std::vector<std::pair<Xapian::Document, double>> first;
      for (size_t i = offset; i < n_exact; ++i)
        first.emplace_back(r.db.get_document(exact[i]), top_score);
      page.insert(page.begin(), first.begin(), first.end());
    }
    if (page.size() > limit) page.resize(limit);
    for (auto& [doc, score] : page) {
      ASSIGN_OR_RETURN(SearchHit hit, MakeHit(doc, score, &is_match));
      out.hits.push_back(std::move(hit));
    }
    return out;
  }

  // Papers named by id leaves of plain free text (the root or its ranked
  // words; nothing there is required, so any of them may come first).
  std::vector<Xapian::docid> FreeTextIdMatches(Reader& r, const QueryNode& root,
                                               const Xapian::Query& filter) {
    std::vector<const QueryNode*> leaves;
    if (root.kind == QueryNode::Kind::kRanked) {
      for (const auto& c : root.children) leaves.push_back(c.get());
    } else {
      leaves.push_back(&root);
    }
    std::vector<Xapian::docid> ids;
    for (const QueryNode* n : leaves) {
      if (n->kind != QueryNode::Kind::kLeaf || n->field != Field::kId) continue;
      Xapian::Enquire enquire(r.db);
      enquire.set_query(Filtered(Xapian::Query(xapian::IdTerm(n->value)), filter));
      Xapian::MSet mset = enquire.get_mset(0, 1);
      for (auto m = mset.begin(); m != mset.end(); ++m) {
        if (std::find(ids.begin(), ids.end(), *m) == ids.end()) ids.push_back(*m);
      }
    }
    return ids;
  }

  std::vector<Xapian::docid> ExactTitleMatches(Reader& r, const std::string& normalized,
                                               const Xapian::Query& filter) {
    std::vector<Xapian::docid> ids;
    if (normalized.empty()) return ids;
    Xapian::Enquire enquire(r.db);
    enquire.set_query(Filtered(Xapian::Query(xapian::ExactTitleTerm(normalized)), filter));
    // Newest first when several papers share a title ("Introduction").
    enquire.set_sort_by_value(xapian::kDateSlot, true);
    Xapian::MSet mset = enquire.get_mset(0, 5);
    for (auto m = mset.begin(); m != mset.end(); ++m) ids.push_back(*m);
    return ids;
  }

  static Result<SearchHit> MakeHit(const Xapian::Document& doc, double score,
                                   const MatchFn* is_match) {
    ASSIGN_OR_RETURN(xapian::StoredPaper p, xapian::DecodeStoredPaper(doc.get_data()));
    SearchHit hit;
    hit.id = std::move(p.id);
    hit.title = std::move(p.title);
    hit.authors = std::move(p.authors);
    hit.categories = std::move(p.categories);
    hit.published_at = std::move(p.published_at);
    hit.upvotes = p.upvotes;
    hit.score = score;
    hit.snippet = MakeSnippet(p.abstract, is_match ? *is_match : MatchFn());
    return hit;
  }

  // Runs `fn` with a reader on the newest committed state of the live index,
  // converting Xapian exceptions; retries when a writer's commits overtook
  // the reader mid-query.
  template <typename Fn>
  auto WithReader(Fn&& fn) -> decltype(fn(std::declval<Reader&>())) {
    for (int attempt = 1;; ++attempt) {
      auto reader = Acquire();
      if (!reader) return tl::unexpected(reader.error());
      try {
        auto result = fn(**reader);
        Release(std::move(*reader));
        return result;
      } catch (const Xapian::DatabaseModifiedError& e) {
        if (attempt >= kMaxAttempts) return tl::unexpected(XapianError(e, "searching"));
      } catch (const Xapian::Error& e) {
        return tl::unexpected(XapianError(e, "searching"));
      }
    }
  }

  Result<std::unique_ptr<Reader>> Acquire() {
    std::optional<std::string> live = LiveGeneration(index_dir_);
    bool partial = false;
    if (!live) {
      // While the first full build runs, its quick first stage answers.
      std::string lookup = LookupIndexPath(index_dir_);
      std::error_code ec;
      if (!std::filesystem::exists(LookupShardPath(lookup, 0) + "/iamglass", ec)) {
        return Fail(ErrorCode::kUnavailable, kNotBuiltYet);
      }
      live = lookup;
      partial = true;
    }
    std::unique_ptr<Reader> r;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!pool_.empty()) {
        r = std::move(pool_.back());
        pool_.pop_back();
      }
    }
    if (r && r->path == *live) {
      try {
        r->db.reopen();
        return r;
      } catch (const Xapian::Error& e) {
        return tl::unexpected(XapianError(e, "opening the search index " + *live));
      }
    }
    auto fresh = std::make_unique<Reader>();
    fresh->partial = partial;
    try {
      if (partial) {
        fresh->db = OpenLookupShards(*live);
        fresh->path = *live;
      } else {
        ASSIGN_OR_RETURN(std::optional<HeldGeneration> held, HoldLiveGeneration(index_dir_));
        if (!held) return Fail(ErrorCode::kUnavailable, kNotBuiltYet);
        fresh->db = Xapian::Database(held->path);
        fresh->path = std::move(held->path);
        fresh->hold = std::move(held->hold);
      }
    } catch (const Xapian::Error& e) {
      // The lookup index goes away when the full one is published.
      if (partial) return Fail(ErrorCode::kUnavailable, kNotBuiltYet);
      return tl::unexpected(XapianError(e, "opening the search index " + *live));
    }
    // A reader of another generation (or of the lookup index) is stale:
    // it and every pooled one like it let go, so the old generation can go.
    // (Unless a publish overtook this open: then this reader is the stale
    // one and goes at Release.)
    std::vector<std::unique_ptr<Reader>> stale;
    if (r) stale.push_back(std::move(r));
    if (LiveGeneration(index_dir_).value_or(LookupIndexPath(index_dir_)) == fresh->path) {
      std::lock_guard<std::mutex> lock(mu_);
      latest_path_ = fresh->path;
      for (auto& pooled : pool_) {
        if (pooled->path != latest_path_) stale.push_back(std::move(pooled));
      }
      std::erase(pool_, nullptr);
    }
    if (!stale.empty()) {
      stale.clear();
      SweepGenerations(index_dir_);
    }
    return fresh;
  }

  void Release(std::unique_ptr<Reader> r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (r->path == latest_path_) {
        pool_.push_back(std::move(r));
        return;
      }
    }
    // Borrowed while a newer generation was opened: let go of it here.
    r.reset();
    SweepGenerations(index_dir_);
  }

  std::string index_dir_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Reader>> pool_;  // guarded by mu_
  std::string latest_path_;                    // of the newest reader opened; guarded by mu_
};

}  // namespace

Result<std::unique_ptr<Index>> OpenIndex(std::string_view data_dir) {
  std::error_code ec;
  if (!data_dir.empty() && !std::filesystem::is_directory(std::string(data_dir), ec)) {
    return Fail(ErrorCode::kIo, "data directory " + std::string(data_dir) + " does not exist");
  }
  return std::unique_ptr<Index>(new XapianIndex(IndexDir(data_dir)));
}

}  // namespace paperpulse::search
