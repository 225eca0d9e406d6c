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
  std::string id;            // a candidate's id
  double score = 0;          // the model's decision value; higher is better
  std::string because_id;    // the positive most similar to it (cosine of TF-IDF)
  double similarity = 0;     // that cosine, in [0, 1]
};

struct RecommendOptions {
  double c = 0.01;  // liblinear's C
  // Tokens in fewer candidates than this, or in more than this fraction of
  // them, are no features (as min_df / max_df).
  int min_df = 2;
  double max_df = 0.5;
  int max_features = 50000;  // the most frequent tokens kept
};

// Holds the TF-IDF vectors of one pool of candidates (a digest period's
// papers), built once and shared by every user's model. Immutable after
// construction; Recommend is thread-safe.
class Recommender {
 public:
  // Builds the vocabulary (lower-cased tokens and bigrams of letters and
  // digits, English stop words dropped, sublinear tf, idf over the
  // candidates, l2-normalised rows) over `candidates`.
  explicit Recommender(std::vector<RecDocument> candidates, RecommendOptions options = {});
  ~Recommender();
  Recommender(const Recommender&) = delete;
  Recommender& operator=(const Recommender&) = delete;

  // Trains positives (label +1) against every candidate whose id is not a
  // positive's (label -1) and returns the `k` best candidates, skipping
  // those in `exclude` and the positives themselves, best first, each with
  // the positive it most resembles. Empty when `positives` is empty or no
  // candidate is left. Errors: kInvalidArgument when k < 0; kInternal when
  // liblinear refuses its parameters.
  Result<std::vector<Recommendation>> Recommend(const std::vector<RecDocument>& positives, int k,
                                                const std::vector<std::string>& exclude = {}) const;

  size_t candidates() const;
  size_t features() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paperpulse::ranking
