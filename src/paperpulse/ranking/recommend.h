// Personal recommendations: a per-user linear model over TF-IDF features of
// the papers the user voted for (or saved) against the other candidates, as
// arxiv-sanity-lite does (Karpathy: a linear SVM, C = 0.01, balanced class
// weights, over TF-IDF of title and abstract), with liblinear (the library
// behind scikit-learn's LinearSVC). Pure: the caller reads the Store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "paperpulse/base/result.h"

namespace paperpulse::ranking {

struct RecDocument {
  std::string id;
  std::string text;  // title and abstract (TeX is fine: tokens are letters and digits)
};

struct Recommendation {
  std::string id;          // a candidate's id
  double score = 0;        // the model's decision value; higher is better
  std::string because_id;  // the positive most similar to it (cosine of TF-IDF)
  double similarity = 0;   // that cosine, in [0, 1]
};

struct RecommendOptions {
  double c = 0.01;  // liblinear's C; must be > 0
  // Terms (words and bigrams) in fewer candidates than this, or in more than
  // this fraction of them, are no features (as scikit-learn's min_df /
  // max_df). Small pools need min_df = 1 and max_df = 1 to keep anything.
  int min_df = 2;
  double max_df = 0.5;
  // Of the terms left, the most frequent over the pool are kept (0: none).
  int max_features = 50000;
};

// Holds the TF-IDF vectors of one pool of candidates (a digest period's
// papers), built once and shared by every user's model. Immutable after
// construction; Recommend is thread-safe.
class Recommender {
 public:
  // Builds the vocabulary of `candidates` and their TF-IDF rows: terms are
  // runs of ASCII letters and digits, lower-cased, of two or more
  // characters, not all digits and not English stop words, and the bigrams
  // of consecutive such words; weights are sublinear tf (1 + ln tf) times
  // smooth idf over the candidates, rows l2-normalised. Costs about a second
  // for 5,000 abstracts; never fails (an empty pool recommends nothing).
  explicit Recommender(std::vector<RecDocument> candidates, RecommendOptions options = {});
  ~Recommender();
  Recommender(const Recommender&) = delete;
  Recommender& operator=(const Recommender&) = delete;

  // Trains positives (label +1; their text featurised with the pool's
  // vocabulary, so they need not be candidates) against every candidate
  // whose id is not a positive's (label -1; excluded candidates included)
  // and returns the `k` best candidates, skipping those in `exclude` and the
  // positives themselves, best first (ties in pool order), each with the
  // positive of highest cosine (the first of equals, also when none shares
  // a term). Empty when `positives` is empty, k == 0 or no candidate is
  // left. liblinear visits rows in a random order, so scores may differ
  // between calls in about the fifth decimal. About 20 ms for 5,000
  // candidates and 20 positives. Errors: kInvalidArgument when k < 0;
  // kInternal when liblinear refuses its parameters (options.c <= 0).
  Result<std::vector<Recommendation>> Recommend(const std::vector<RecDocument>& positives, int k,
                                                const std::vector<std::string>& exclude = {}) const;

  // The number of candidates, and of terms in the vocabulary.
  size_t candidates() const;
  size_t features() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paperpulse::ranking
