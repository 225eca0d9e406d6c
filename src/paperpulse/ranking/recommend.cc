#include "paperpulse/ranking/recommend.h"

#include <linear.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace paperpulse::ranking {
namespace {

constexpr int kPositive = 1;
constexpr int kNegative = -1;
// LinearSVC's intercept: liblinear appends a feature of this value to every
// row, and its weight is the (regularised) bias.
constexpr double kBias = 1.0;
// The dual solver's stopping tolerance: LinearSVC's default (arxiv-sanity-
// lite asks for 1e-6). The solver visits the rows in a random order (rand()),
// so a loose tolerance makes the result depend on the draw: at liblinear's
// default of 0.1, a 5,000-paper pool's top 20 changed from one call to the
// next; at 1e-4 scores agree to ~1e-5, for ~3/4 of the time 1e-6 takes.
constexpr double kTolerance = 1e-4;

// An English stop-word list of function words (articles, pronouns,
// auxiliaries, prepositions, conjunctions, common adverbs), as
// TfidfVectorizer(stop_words='english') drops them; words of one letter never
// reach it.
bool IsStopWord(std::string_view token) {
  static const std::unordered_set<std::string_view> kStopWords = {
      "about",   "above",   "across",   "after",   "again",   "against", "all",       "almost",
      "along",   "also",    "although", "always",  "am",      "among",   "an",        "and",
      "another", "any",     "are",      "around",  "as",      "at",      "be",        "because",
      "been",    "before",  "being",    "below",   "between", "both",    "but",       "by",
      "can",     "cannot",  "could",    "did",     "do",      "does",    "doing",     "done",
      "down",    "due",     "during",   "each",    "eg",      "either",  "else",      "etc",
      "even",    "ever",    "every",    "few",     "for",     "from",    "further",   "had",
      "has",     "have",    "having",   "he",      "hence",   "her",     "here",      "hers",
      "him",     "his",     "how",      "however", "ie",      "if",      "in",        "into",
      "is",      "it",      "its",      "itself",  "just",    "least",   "less",      "many",
      "may",     "me",      "might",    "more",    "most",    "much",    "must",      "my",
      "neither", "no",      "nor",      "not",     "now",     "of",      "off",       "often",
      "on",      "once",    "one",      "only",    "onto",    "or",      "other",     "others",
      "our",     "ours",    "out",      "over",    "own",     "per",     "rather",    "same",
      "she",     "should",  "since",    "so",      "some",    "still",   "such",      "than",
      "that",    "the",     "their",    "them",    "then",    "there",   "therefore", "these",
      "they",    "this",    "those",    "though",  "through", "thus",    "to",        "too",
      "under",   "until",   "up",       "upon",    "us",      "very",    "via",       "was",
      "we",      "well",    "were",     "what",    "when",    "where",   "whereas",   "whether",
      "which",   "while",   "who",      "whom",    "whose",   "why",     "will",      "with",
      "within",  "without", "would",    "yet",     "you",     "your",
  };
  return kStopWords.contains(token);
}

// The tokens of `text` that become terms: maximal runs of ASCII letters and
// digits, lower-cased (every other byte, UTF-8 included, separates them),
// without single characters, pure numbers and stop words. TeX commands lose
// their backslash ("\emph" -> "emph").
std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string token;
  bool has_letter = false;
  auto flush = [&] {
    if (token.size() > 1 && has_letter && !IsStopWord(token)) tokens.push_back(token);
    token.clear();
    has_letter = false;
  };
  for (char ch : text) {
    if (ch >= 'A' && ch <= 'Z') {
      token.push_back(static_cast<char>(ch - 'A' + 'a'));
      has_letter = true;
    } else if (ch >= 'a' && ch <= 'z') {
      token.push_back(ch);
      has_letter = true;
    } else if (ch >= '0' && ch <= '9') {
      token.push_back(ch);
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

// Calls `f` with every term of `tokens`: each token, and each pair of
// consecutive tokens joined by a space. Stop words are gone by then, so a
// bigram may span one ("graph of networks" -> "graph networks"), as
// scikit-learn's ngram_range=(1, 2) builds them.
template <typename F>
void ForEachTerm(const std::vector<std::string>& tokens, F&& f) {
  std::string bigram;
  for (size_t i = 0; i < tokens.size(); ++i) {
    f(std::string_view(tokens[i]));
    if (i + 1 < tokens.size()) {
      bigram.assign(tokens[i]);
      bigram.push_back(' ');
      bigram.append(tokens[i + 1]);
      f(std::string_view(bigram));
    }
  }
}

// Lets the term maps be searched with a string_view (no copy per lookup).
struct TermHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TermMap = std::unordered_map<std::string, int, TermHash, std::equal_to<>>;

// The features of one row: liblinear's nodes up to, not including, the bias.
struct Span {
  const feature_node* begin = nullptr;
  size_t size = 0;
};

// Cosine of two l2-normalised rows: the dot product of their sorted nodes.
double Dot(Span a, Span b) {
  double sum = 0;
  size_t i = 0, j = 0;
  while (i < a.size && j < b.size) {
    if (a.begin[i].index < b.begin[j].index) {
      ++i;
    } else if (a.begin[i].index > b.begin[j].index) {
      ++j;
    } else {
      sum += a.begin[i++].value * b.begin[j++].value;
    }
  }
  return sum;
}

// liblinear prints progress to stdout unless told otherwise; the function is
// global, so it is set once for the process.
void SilenceLiblinear() {
  static std::once_flag once;
  std::call_once(once, [] { set_print_string_function([](const char*) {}); });
}

struct ModelFree {
  void operator()(::model* m) const { free_and_destroy_model(&m); }
};

}  // namespace

struct Recommender::Impl {
  RecommendOptions options;
  std::vector<std::string> ids;
  TermMap vocabulary;       // term -> feature index (1-based, as liblinear counts)
  std::vector<double> idf;  // by feature index - 1
  // Every candidate's row, one after the other: its features in ascending
  // index order, the bias node, the terminator (index -1). Shared read-only
  // by every training run.
  std::vector<feature_node> nodes;
  std::vector<size_t> row_start;  // into nodes, by candidate
  std::vector<size_t> row_size;   // features only

  int bias_index() const { return static_cast<int>(idf.size()) + 1; }

  // Appends the row of one document with term counts `counts` (feature
  // index, tf; ascending by index) to `out`: sublinear tf times idf,
  // l2-normalised, then the bias and the terminator. Returns the number of
  // features.
  size_t AppendRow(const std::vector<std::pair<int, int>>& counts,
                   std::vector<feature_node>& out) const {
    size_t start = out.size();
    double norm = 0;
    for (auto [index, tf] : counts) {
      double value = (1.0 + std::log(static_cast<double>(tf))) * idf[index - 1];
      out.push_back({index, value});
      norm += value * value;
    }
    if (norm > 0) {
      double scale = 1.0 / std::sqrt(norm);
      for (size_t i = start; i < out.size(); ++i) out[i].value *= scale;
    }
    out.push_back({bias_index(), kBias});
    out.push_back({-1, 0.0});
    return counts.size();
  }

  // Appends the row of a document outside the pool (a positive), with the
  // pool's vocabulary and idf, to `out`.
  size_t AppendRowOf(std::string_view text, std::vector<feature_node>& out) const {
    std::vector<int> features;
    ForEachTerm(Tokens(text), [&](std::string_view term) {
      auto it = vocabulary.find(term);
      if (it != vocabulary.end()) features.push_back(it->second);
    });
    std::sort(features.begin(), features.end());
    std::vector<std::pair<int, int>> counts;
    for (int f : features) {
      if (!counts.empty() && counts.back().first == f) {
        ++counts.back().second;
      } else {
        counts.push_back({f, 1});
      }
    }
    return AppendRow(counts, out);
  }

  Span CandidateSpan(size_t i) const { return {&nodes[row_start[i]], row_size[i]}; }
};

Recommender::Recommender(std::vector<RecDocument> candidates, RecommendOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.options = options;
  const size_t n = candidates.size();

  // Every term of the pool, numbered by first occurrence, with its document
  // frequency and its count over the pool; each document as (term, tf)
  // ascending by term.
  TermMap terms;
  std::vector<int> df;
  std::vector<int64_t> total;
  std::vector<std::vector<std::pair<int, int>>> doc_counts(n);
  std::vector<int> doc_terms;
  for (size_t d = 0; d < n; ++d) {
    doc_terms.clear();
    ForEachTerm(Tokens(candidates[d].text), [&](std::string_view term) {
      auto it = terms.find(term);
      if (it == terms.end()) {
        it = terms.emplace(std::string(term), static_cast<int>(df.size())).first;
        df.push_back(0);
        total.push_back(0);
      }
      doc_terms.push_back(it->second);
    });
    std::sort(doc_terms.begin(), doc_terms.end());
    auto& counts = doc_counts[d];
    for (int t : doc_terms) {
      if (!counts.empty() && counts.back().first == t) {
        ++counts.back().second;
      } else {
        counts.push_back({t, 1});
        ++df[t];
      }
      ++total[t];
    }
  }

  // The features: terms within [min_df, max_df * n] documents, then the
  // max_features most frequent of those over the pool (ties by term, so
  // that the vocabulary does not depend on the order of the candidates'
  // first occurrences) — scikit-learn's order of the three cuts.
  std::vector<int> kept;
  const double max_count = options.max_df * static_cast<double>(n);
  for (int t = 0; t < static_cast<int>(df.size()); ++t) {
    if (df[t] >= options.min_df && df[t] <= max_count) kept.push_back(t);
  }
  const size_t max_features = static_cast<size_t>(std::max(options.max_features, 0));
  if (kept.size() > max_features) {
    std::vector<const std::string*> name(df.size());
    for (const auto& [term, t] : terms) name[t] = &term;
    std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(max_features),
                     kept.end(), [&](int a, int b) {
                       if (total[a] != total[b]) return total[a] > total[b];
                       return *name[a] < *name[b];
                     });
    kept.resize(max_features);
    std::sort(kept.begin(), kept.end());
  }

  // Feature indices follow term numbers, so every document's counts stay
  // ascending. Smooth idf, scikit-learn's TfidfTransformer(smooth_idf=True):
  // ln((1 + n) / (1 + df)) + 1.
  std::vector<int> feature_of(df.size(), 0);
  impl.idf.reserve(kept.size());
  for (int t : kept) {
    impl.idf.push_back(std::log((1.0 + static_cast<double>(n)) / (1.0 + df[t])) + 1.0);
    feature_of[t] = static_cast<int>(impl.idf.size());
  }
  impl.vocabulary.reserve(kept.size());
  for (auto& [term, t] : terms) {
    if (feature_of[t] != 0) impl.vocabulary.emplace(term, feature_of[t]);
  }

  impl.ids.reserve(n);
  impl.row_start.reserve(n);
  impl.row_size.reserve(n);
  std::vector<std::pair<int, int>> features;
  for (size_t d = 0; d < n; ++d) {
    features.clear();
    for (auto [t, tf] : doc_counts[d]) {
      if (feature_of[t] != 0) features.push_back({feature_of[t], tf});
    }
    impl.row_start.push_back(impl.nodes.size());
    impl.row_size.push_back(impl.AppendRow(features, impl.nodes));
    impl.ids.push_back(std::move(candidates[d].id));
  }
}

Recommender::~Recommender() = default;

size_t Recommender::candidates() const { return impl_->ids.size(); }

size_t Recommender::features() const { return impl_->idf.size(); }

Result<std::vector<Recommendation>> Recommender::Recommend(
    const std::vector<RecDocument>& positives, int k,
    const std::vector<std::string>& exclude) const {
  if (k < 0) return Fail(ErrorCode::kInvalidArgument, "k must not be negative");
  std::vector<Recommendation> out;
  if (positives.empty() || k == 0) return out;
  const Impl& impl = *impl_;

  std::vector<feature_node> positive_nodes;
  std::vector<size_t> positive_start, positive_size;
  std::unordered_set<std::string_view> positive_ids;
  for (const RecDocument& p : positives) {
    positive_start.push_back(positive_nodes.size());
    positive_size.push_back(impl.AppendRowOf(p.text, positive_nodes));
    positive_ids.insert(p.id);
  }
  std::unordered_set<std::string_view> excluded(exclude.begin(), exclude.end());

  // The training set: the positives, then every other candidate as a
  // negative (the excluded ones too: they still say what the user is not
  // shown). liblinear only reads the rows, so the pool's are shared.
  std::vector<feature_node*> x;
  std::vector<double> y;
  x.reserve(positives.size() + impl.ids.size());
  y.reserve(positives.size() + impl.ids.size());
  for (size_t start : positive_start) {
    x.push_back(&positive_nodes[start]);
    y.push_back(kPositive);
  }
  std::vector<size_t> eligible;
  for (size_t i = 0; i < impl.ids.size(); ++i) {
    if (positive_ids.contains(impl.ids[i])) continue;
    x.push_back(const_cast<feature_node*>(&impl.nodes[impl.row_start[i]]));
    y.push_back(kNegative);
    if (!excluded.contains(impl.ids[i])) eligible.push_back(i);
  }
  if (eligible.empty()) return out;

  ::problem problem{};
  problem.l = static_cast<int>(x.size());
  problem.n = impl.bias_index();
  problem.y = y.data();
  problem.x = x.data();
  problem.bias = kBias;
  // Balanced class weights, scikit-learn's class_weight='balanced':
  // n_samples / (n_classes * n_samples_of_class), so that 20 positives
  // weigh as much as 5,000 negatives.
  const double l = static_cast<double>(x.size());
  const double n_positive = static_cast<double>(positives.size());
  std::array<int, 2> weight_label = {kPositive, kNegative};
  std::array<double, 2> weight = {l / (2.0 * n_positive), l / (2.0 * (l - n_positive))};
  // The arrays are ours, not malloc'ed: no destroy_param.
  ::parameter parameter{};
  parameter.solver_type = L2R_L2LOSS_SVC_DUAL;  // what LinearSVC runs by default
  parameter.eps = kTolerance;
  parameter.C = impl.options.c;
  parameter.nr_weight = 2;
  parameter.weight_label = weight_label.data();
  parameter.weight = weight.data();
  if (const char* error = check_parameter(&problem, &parameter)) {
    return Fail(ErrorCode::kInternal, std::string("liblinear: ") + error);
  }
  SilenceLiblinear();
  std::unique_ptr<::model, ModelFree> model(train(&problem, &parameter));
  // The decision value is positive for the model's first label, which is
  // the label of the first training row; say so rather than rely on it.
  const double sign = model->label[0] == kPositive ? 1.0 : -1.0;

  std::vector<std::pair<double, size_t>> scored;
  scored.reserve(eligible.size());
  for (size_t i : eligible) {
    double decision = 0;
    predict_values(model.get(), &impl.nodes[impl.row_start[i]], &decision);
    scored.push_back({sign * decision, i});
  }
  const size_t top = std::min(scored.size(), static_cast<size_t>(k));
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(top), scored.end(),
                    [](const auto& a, const auto& b) {
                      if (a.first != b.first) return a.first > b.first;
                      return a.second < b.second;
                    });

  out.reserve(top);
  for (size_t r = 0; r < top; ++r) {
    auto [score, i] = scored[r];
    Recommendation rec;
    rec.id = impl.ids[i];
    rec.score = score;
    rec.similarity = -1;
    for (size_t p = 0; p < positives.size(); ++p) {
      double cosine =
          Dot(impl.CandidateSpan(i), {&positive_nodes[positive_start[p]], positive_size[p]});
      if (cosine > rec.similarity) {
        rec.similarity = cosine;
        rec.because_id = positives[p].id;
      }
    }
    // Rounding may take the cosine of near-duplicates a hair past 1.
    rec.similarity = std::clamp(rec.similarity, 0.0, 1.0);
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace paperpulse::ranking
