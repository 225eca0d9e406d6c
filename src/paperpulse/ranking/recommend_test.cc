#include "paperpulse/ranking/recommend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/collecting_sink.h"
#include "paperpulse/ingest/oai_dc_jsonl.h"
#include "paperpulse/ingest/source.h"

namespace paperpulse::ranking {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// Small pools keep every term: the defaults would drop terms in fewer than 2
// or more than half of the documents.
RecommendOptions KeepAll() {
  RecommendOptions options;
  options.min_df = 1;
  options.max_df = 1.0;
  return options;
}

std::vector<std::string> Ids(const std::vector<Recommendation>& recs) {
  std::vector<std::string> ids;
  for (const auto& r : recs) ids.push_back(r.id);
  return ids;
}

// The cosine of `a` and `b` in a pool of just the two (what Recommend
// reports as the similarity of `b` to its one positive `a`).
double Cosine(const std::string& a, const std::string& b) {
  Recommender rec({{"a", a}, {"b", b}}, KeepAll());
  auto out = rec.Recommend({{"a", a}}, 1);
  EXPECT_TRUE(out.has_value());
  if (!out || out->empty()) return -1;
  return (*out)[0].similarity;
}

TEST(RecommendTest, TermsAreWordsOfTwoOrMoreCharactersAndTheirBigrams) {
  // graph, neural, networks, models; graph neural, neural networks, neural models.
  EXPECT_EQ(Recommender({{"1", "graph neural networks"}, {"2", "graph neural models"}}, KeepAll())
                .features(),
            7u);
  // Stop words go before bigrams are formed: graph, networks, graph networks.
  EXPECT_EQ(Recommender({{"1", "The graph of the networks"}}, KeepAll()).features(), 3u);
  // Single characters and pure numbers are no terms; "3d" is.
  EXPECT_EQ(Recommender({{"1", "a 2016 b 42 3d"}}, KeepAll()).features(), 1u);
  // TeX commands are words; braces, dollars and non-ASCII bytes separate.
  EXPECT_EQ(Recommender({{"1", "\\emph{Über}"}}, KeepAll()).features(), 3u);  // emph, ber, emph ber
}

TEST(RecommendTest, CaseAndPunctuationDoNotMatter) {
  EXPECT_NEAR(Cosine("Graph neural networks", "GRAPH-NEURAL, networks!"), 1.0, 1e-9);
  EXPECT_NEAR(Cosine("the of and graph", "graph"), 1.0, 1e-9);
  EXPECT_NEAR(Cosine("the of and with", "the of and with"), 0.0, 1e-9);
}

TEST(RecommendTest, BigramsMakeWordOrderCount) {
  // Same words, but only one shares the bigram "neural networks".
  Recommender rec({{"same", "neural networks"}, {"swapped", "networks neural"}}, KeepAll());
  auto out = rec.Recommend({{"p", "deep neural networks"}}, 2);
  ASSERT_TRUE(out.has_value());
  ASSERT_THAT(Ids(*out), ElementsAre("same", "swapped"));
  EXPECT_GT((*out)[0].similarity, (*out)[1].similarity);
  EXPECT_GT((*out)[0].score, (*out)[1].score);
}

TEST(RecommendTest, DocumentFrequencyAndMaxFeaturesCutTheVocabulary) {
  std::vector<RecDocument> pool = {{"1", "quark gluon plasma"},
                                   {"2", "quark gluon jets"},
                                   {"3", "galaxy clusters"},
                                   {"4", "galaxy rotation curves"}};
  // In >= 2 and <= 2 of 4 documents: quark, gluon, "quark gluon", galaxy.
  RecommendOptions options;
  options.min_df = 2;
  options.max_df = 0.5;
  EXPECT_EQ(Recommender(pool, options).features(), 4u);
  // The 3 most frequent of those (all occur twice; ties go by term).
  options.max_features = 3;
  EXPECT_EQ(Recommender(pool, options).features(), 3u);
  options.max_df = 0.25;  // no term is in one document and in two
  EXPECT_EQ(Recommender(pool, options).features(), 0u);
  EXPECT_EQ(Recommender(pool, options).candidates(), 4u);
}

// A pool on two topics, several papers each.
std::vector<RecDocument> TwoTopicPool() {
  return {
      {"gnn1", "Message passing graph neural networks for molecular property prediction"},
      {"gnn2", "Graph neural networks with attention for node classification on citation graphs"},
      {"gnn3", "Oversmoothing in deep graph neural networks and how to avoid it"},
      {"gal1", "X-ray observations of galaxy clusters and the intracluster medium"},
      {"gal2", "Weak lensing masses of galaxy clusters from deep imaging"},
      {"gal3", "Dark matter halos of galaxy clusters in cosmological simulations"},
      {"opt1", "Stochastic gradient descent converges for convex objectives"},
      {"opt2", "Interior point methods for linear programming"},
  };
}

TEST(RecommendTest, RanksTheUsersTopicFirst) {
  Recommender rec(TwoTopicPool(), KeepAll());
  auto out = rec.Recommend({{"p1", "Graph neural networks for link prediction"},
                            {"p2", "Expressive power of graph neural networks"}},
                           3);
  ASSERT_TRUE(out.has_value());
  EXPECT_THAT(Ids(*out), UnorderedElementsAre("gnn1", "gnn2", "gnn3"));
  for (size_t i = 1; i < out->size(); ++i) EXPECT_GE((*out)[i - 1].score, (*out)[i].score);

  auto galaxies = rec.Recommend({{"p", "Galaxy clusters at high redshift"}}, 3);
  ASSERT_TRUE(galaxies.has_value());
  EXPECT_THAT(Ids(*galaxies), UnorderedElementsAre("gal1", "gal2", "gal3"));
}

TEST(RecommendTest, ExcludedCandidatesAreNotReturned) {
  Recommender rec(TwoTopicPool(), KeepAll());
  auto out = rec.Recommend({{"p", "Graph neural networks for link prediction"}}, 3,
                           {"gnn1", "gnn3", "not-in-pool"});
  ASSERT_TRUE(out.has_value());
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].id, "gnn2");
  EXPECT_THAT(Ids(*out), Not(::testing::Contains("gnn1")));
  EXPECT_THAT(Ids(*out), Not(::testing::Contains("gnn3")));
}

TEST(RecommendTest, PositivesAreNeverReturned) {
  std::vector<RecDocument> pool = TwoTopicPool();
  Recommender rec(pool, KeepAll());
  // Two of the pool's own papers as positives (as when the pool holds papers
  // the user already voted for).
  auto out = rec.Recommend({pool[0], pool[1]}, 100);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->size(), pool.size() - 2);
  EXPECT_EQ((*out)[0].id, "gnn3");
  EXPECT_THAT(Ids(*out), Not(::testing::Contains("gnn1")));
  EXPECT_THAT(Ids(*out), Not(::testing::Contains("gnn2")));
}

TEST(RecommendTest, KLargerThanThePoolReturnsEveryoneLeft) {
  Recommender rec(TwoTopicPool(), KeepAll());
  auto out = rec.Recommend({{"p", "galaxy clusters"}}, 1000, {"opt1"});
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->size(), 7u);
  for (size_t i = 1; i < out->size(); ++i) EXPECT_GE((*out)[i - 1].score, (*out)[i].score);
}

TEST(RecommendTest, NothingToLearnFromOrNothingLeftGivesNothing) {
  Recommender rec(TwoTopicPool(), KeepAll());
  auto none = rec.Recommend({}, 10);
  ASSERT_TRUE(none.has_value());
  EXPECT_THAT(*none, IsEmpty());

  auto zero = rec.Recommend({{"p", "galaxy clusters"}}, 0);
  ASSERT_TRUE(zero.has_value());
  EXPECT_THAT(*zero, IsEmpty());

  std::vector<std::string> everyone;
  for (const auto& d : TwoTopicPool()) everyone.push_back(d.id);
  auto all_excluded = rec.Recommend({{"p", "galaxy clusters"}}, 10, everyone);
  ASSERT_TRUE(all_excluded.has_value());
  EXPECT_THAT(*all_excluded, IsEmpty());

  Recommender empty({}, KeepAll());
  auto from_empty = empty.Recommend({{"p", "galaxy clusters"}}, 10);
  ASSERT_TRUE(from_empty.has_value());
  EXPECT_THAT(*from_empty, IsEmpty());
}

TEST(RecommendTest, BadArgumentsAreErrors) {
  Recommender rec(TwoTopicPool(), KeepAll());
  auto negative = rec.Recommend({{"p", "galaxy clusters"}}, -1);
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().code, ErrorCode::kInvalidArgument);

  RecommendOptions options = KeepAll();
  options.c = 0;
  Recommender zero_c(TwoTopicPool(), options);
  auto refused = zero_c.Recommend({{"p", "galaxy clusters"}}, 3);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInternal);
}

TEST(RecommendTest, BecauseNamesTheMostSimilarPositive) {
  Recommender rec(TwoTopicPool(), KeepAll());
  std::vector<RecDocument> positives = {
      {"graphs", "Graph neural networks for link prediction"},
      {"clusters", "Weak lensing masses of galaxy clusters from deep imaging"},
      {"stars", "Galaxy clusters and their brightest member galaxies"},
  };
  auto out = rec.Recommend(positives, 8);
  ASSERT_TRUE(out.has_value());
  std::map<std::string, Recommendation> by_id;
  for (const auto& r : *out) by_id[r.id] = r;
  ASSERT_EQ(by_id.size(), 8u);
  EXPECT_EQ(by_id["gnn1"].because_id, "graphs");
  // gal2 is the text of "clusters": cosine 1.
  EXPECT_EQ(by_id["gal2"].because_id, "clusters");
  EXPECT_NEAR(by_id["gal2"].similarity, 1.0, 1e-9);
  EXPECT_EQ(by_id["gal1"].because_id, "stars");
  for (const auto& r : *out) {
    EXPECT_GE(r.similarity, 0.0);
    EXPECT_LE(r.similarity, 1.0);
  }
  // A candidate sharing no term with any positive still names one.
  EXPECT_DOUBLE_EQ(by_id["opt2"].similarity, 0.0);
  EXPECT_FALSE(by_id["opt2"].because_id.empty());
}

TEST(RecommendTest, ConcurrentCallsAgreeWithASequentialOne) {
  // Scores far apart, so that the solver's random visiting order cannot
  // swap two of them.
  Recommender rec({{"same", "graph neural networks"},
                   {"close", "graph neural networks for molecules"},
                   {"far", "graph theory of planar maps"},
                   {"off1", "galaxy clusters"},
                   {"off2", "interior point methods"}},
                  KeepAll());
  std::vector<RecDocument> positives = {{"p", "graph neural networks"}};
  auto expected = rec.Recommend(positives, 3);
  ASSERT_TRUE(expected.has_value());
  ASSERT_THAT(Ids(*expected), ElementsAre("same", "close", "far"));
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (auto& ids : got) {
    threads.emplace_back([&rec, &positives, &ids] {
      for (int i = 0; i < 20; ++i) {
        auto out = rec.Recommend(positives, 3);
        ids = out ? Ids(*out) : std::vector<std::string>{};
        if (ids != std::vector<std::string>{"same", "close", "far"}) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& ids : got) EXPECT_EQ(ids, Ids(*expected));
}

// --- Quality on real papers ---------------------------------------------

struct RealPaper {
  std::string id;
  std::string text;
  std::string category;  // primary
};

// Every paper of the shared oai_dc mirror (18,609 real arXiv records of
// 2008-01 and 2016-05/06, every archive) with an abstract and a category.
std::vector<RealPaper> ReadRealPapers(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<RealPaper> papers;
  ingest::OaiDcJsonlReader reader;
  for (const auto& file : files) {
    auto source = ingest::ByteSource::Open(file);
    EXPECT_TRUE(source.has_value()) << file;
    if (!source) continue;
    ingest::CollectingSink sink;
    auto status = reader.Read(**source, sink);
    EXPECT_TRUE(status.has_value()) << file;
    for (auto& p : sink.papers) {
      if (p.abstract.empty() || p.categories.empty()) continue;
      papers.push_back({p.id, p.title + "\n" + p.abstract, p.categories[0]});
    }
  }
  return papers;
}

// The issue's bar: a user whose votes are 10 papers on one topic gets
// recommendations of which a clear majority share that topic, far above
// what picking at random would give. Topics are the 5 most common primary
// categories of a random pool of 3,000 real papers; each topic is tried by 5
// users with 10 papers of it each (none in the pool), and a recommendation
// counts when its primary category is the topic (stricter than sharing any
// category). The baseline is the topic's share of the pool: the precision
// of 20 picks at random.
TEST(RecommendQualityTest, TenPapersOnATopicBringThatTopic) {
  const std::string dir = paperpulse::testing::SharedDataDir() + "/arxiv-oai-dc-jsonl";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " is missing";
  std::vector<RealPaper> papers = ReadRealPapers(dir);
  ASSERT_GT(papers.size(), 18000u);
  std::mt19937 rng(20260610);
  std::shuffle(papers.begin(), papers.end(), rng);

  constexpr size_t kPool = 3000;
  constexpr size_t kTopics = 5;
  constexpr int kUsers = 5;
  constexpr size_t kPositives = 10;
  constexpr int kTop = 20;
  std::vector<RecDocument> pool;
  std::map<std::string, int> in_pool;  // category -> papers
  std::map<std::string, std::string> category_of;
  for (size_t i = 0; i < kPool; ++i) {
    pool.push_back({papers[i].id, papers[i].text});
    ++in_pool[papers[i].category];
    category_of[papers[i].id] = papers[i].category;
  }
  std::vector<std::pair<int, std::string>> by_size;
  for (const auto& [category, n] : in_pool) by_size.push_back({n, category});
  std::sort(by_size.rbegin(), by_size.rend());
  ASSERT_GE(by_size.size(), kTopics);

  Recommender rec(pool);
  for (size_t t = 0; t < kTopics; ++t) {
    const std::string& topic = by_size[t].second;
    const double baseline = static_cast<double>(by_size[t].first) / kPool;
    // Users take the topic's papers beyond the pool in turn: no two share one.
    size_t next = kPool;
    double precision_sum = 0;
    for (int u = 0; u < kUsers; ++u) {
      std::vector<RecDocument> positives;
      for (; next < papers.size() && positives.size() < kPositives; ++next) {
        if (papers[next].category == topic)
          positives.push_back({papers[next].id, papers[next].text});
      }
      ASSERT_EQ(positives.size(), kPositives) << topic;
      auto out = rec.Recommend(positives, kTop);
      ASSERT_TRUE(out.has_value()) << out.error().ToString();
      ASSERT_EQ(out->size(), static_cast<size_t>(kTop));
      int hits = 0;
      for (const auto& r : *out) hits += category_of[r.id] == topic;
      precision_sum += static_cast<double>(hits) / kTop;
    }
    const double precision = precision_sum / kUsers;
    std::cout << topic << ": precision@" << kTop << " " << precision << ", random baseline "
              << baseline << " (" << by_size[t].first << " of " << kPool << ")\n";
    ::testing::Test::RecordProperty("precision_" + topic, std::to_string(precision));
    ::testing::Test::RecordProperty("baseline_" + topic, std::to_string(baseline));
    EXPECT_GT(precision, 0.5) << topic;
    EXPECT_GE(precision, 3 * baseline) << topic;
  }
}

}  // namespace
}  // namespace paperpulse::ranking
