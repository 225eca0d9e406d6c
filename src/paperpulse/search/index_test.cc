// The search index end to end on a small fixture: a real SQLite Store, the
// Indexer, and the Xapian index read through the Index interface. Every
// query below has exactly one right answer set.
#include "paperpulse/search/index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "paperpulse/search/index_dir.h"
#include "paperpulse/search/indexer.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::search {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

Paper MakePaper(std::string id, std::string title, std::vector<std::string> authors,
                std::vector<std::string> categories, std::string submitted, std::string abstract) {
  Paper p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.authors = std::move(authors);
  p.categories = std::move(categories);
  p.submitted = submitted + "T12:00:00Z";
  p.updated = p.submitted;
  p.versions.push_back({1, p.submitted, "10kb"});
  p.latest_version = 1;
  p.abstract = std::move(abstract);
  return p;
}

std::vector<Paper> Fixture() {
  return {
      MakePaper("2405.04517", "xLSTM: Extended Long Short-Term Memory",
                {"Maximilian Beck", "Sepp Hochreiter"}, {"cs.LG", "stat.ML"}, "2024-05-07",
                "We scale recurrent networks with exponential gating to billions of parameters."),
      MakePaper("1706.03762", "Attention Is All You Need", {"Ashish Vaswani", "Noam Shazeer"},
                {"cs.CL", "cs.LG"}, "2017-06-12",
                "The dominant sequence transduction models are based on recurrent networks. We "
                "propose the Transformer, based solely on attention mechanisms."),
      MakePaper("hep-th/9901001", "G\\\"odel's $\\alpha$-Theorem and Strings",
                {"Kurt G\xC3\xB6"
                 "del",
                 "Ludwig van Beethoven"},
                {"hep-th"}, "1999-01-04",
                "A symphony of incompleteness & <b>strings</b> in ten dimensions."),
      MakePaper("1810.04805",
                "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
                {"Jacob Devlin", "Ming-Wei Chang"}, {"cs.CL"}, "2018-10-11",
                "We introduce a new language representation model called BERT, pre-trained with "
                "deep bidirectional transformers."),
      MakePaper("2001.08361", "Scaling Laws for Neural Language Models", {"Jared Kaplan"},
                {"cs.LG", "stat.ML"}, "2020-01-23",
                "We study empirical scaling laws for language model performance on the "
                "cross-entropy loss."),
      MakePaper("math/0309136", "Knot invariants of attention diagrams",
                {"Jos\xC3\xA9 N\xC3\xBA\xC3\xB1"
                 "ez"},
                {"math.GT"}, "2003-09-08",
                "Invariants of knots computed from diagrams, with no language at all."),
      MakePaper("2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models",
                {"Edward J. Hu", "Yelong Shen"}, {"cs.CL", "cs.AI"}, "2021-06-17",
                "We freeze the pretrained model weights and inject trainable rank decomposition "
                "matrices: large language models adapt cheaply."),
  };
}

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<storage::testing::TempDatabase>("sqlite");
    store_ = db_->Open();
    for (const Paper& p : Fixture()) ASSERT_TRUE(store_->UpsertPaper(p));
    CatchUp();
    auto index = OpenIndex(data_dir());
    ASSERT_TRUE(index) << index.error().message;
    index_ = std::move(*index);
  }

  const std::string& data_dir() const { return db_->options().data_dir; }

  void CatchUp() {
    IndexerOptions options;
    options.store = db_->options();
    auto indexer = Indexer::Create(options);
    ASSERT_TRUE(indexer) << indexer.error().message;
    Status s = (*indexer)->CatchUp();
    ASSERT_TRUE(s) << s.error().message;
  }

  // Ids of the hits of `query`, in rank order; the error message on failure.
  std::vector<std::string> Ids(std::string_view query, SearchOptions options = {}) {
    auto r = index_->Search(query, options);
    if (!r) return {"ERROR: " + r.error().message};
    std::vector<std::string> ids;
    for (const SearchHit& h : r->hits) ids.push_back(h.id);
    return ids;
  }

  Error SearchError(std::string_view query, SearchOptions options = {}) {
    auto r = index_->Search(query, options);
    if (r) return Error{ErrorCode::kInternal, "no error"};
    return r.error();
  }

  std::unique_ptr<storage::testing::TempDatabase> db_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Index> index_;
};

TEST_F(IndexTest, ArxivIdInEveryFormIsFirst) {
  for (const char* q :
       {"2405.04517", "arXiv:2405.04517v2", "ARXIV:2405.04517", " 2405.04517v1 ",
        "https://arxiv.org/abs/2405.04517", "http://arxiv.org/abs/2405.04517v3",
        "https://arxiv.org/pdf/2405.04517.pdf", "https://arxiv.org/pdf/2405.04517v1",
        "id:2405.04517", "id:arXiv:2405.04517v1"}) {
    EXPECT_THAT(Ids(q), ElementsAre("2405.04517")) << q;
  }
  EXPECT_THAT(Ids("hep-th/9901001"), ElementsAre("hep-th/9901001"));
  EXPECT_THAT(Ids("https://arxiv.org/abs/hep-th/9901001v2"), ElementsAre("hep-th/9901001"));
  // The subject class of an old-style id is not part of its identity.
  EXPECT_THAT(Ids("math.GT/0309136"), ElementsAre("math/0309136"));
  // An id among words is one of the ranked clauses.
  EXPECT_EQ(Ids("2405.04517 attention").front(), "2405.04517");
  EXPECT_THAT(Ids("2401.99999"), ElementsAre());
}

TEST_F(IndexTest, AuthorBySurnameFullNameInitialsAndWithoutAccents) {
  EXPECT_THAT(Ids("author:hochreiter"), ElementsAre("2405.04517"));
  EXPECT_THAT(Ids("author:Hochreiter"), ElementsAre("2405.04517"));
  EXPECT_THAT(Ids("author:\"Sepp Hochreiter\""), ElementsAre("2405.04517"));
  EXPECT_THAT(Ids("author:\"S Hochreiter\""), ElementsAre("2405.04517"));
  EXPECT_THAT(Ids("author:\"Jacob Hochreiter\""), ElementsAre());
  EXPECT_THAT(Ids("author:godel"), ElementsAre("hep-th/9901001"));
  EXPECT_THAT(Ids("author:G\xC3\xB6"
                  "del"),
              ElementsAre("hep-th/9901001"));
  EXPECT_THAT(Ids("author:beethoven"), ElementsAre("hep-th/9901001"));
  EXPECT_THAT(Ids("author:\"van Beethoven\""), ElementsAre("hep-th/9901001"));
  EXPECT_THAT(Ids("author:nunez"), ElementsAre("math/0309136"));
  EXPECT_THAT(Ids("author:\"Edward J. Hu\""), ElementsAre("2106.09685"));
  EXPECT_THAT(Ids("author:\"E Hu\""), ElementsAre("2106.09685"));
  EXPECT_THAT(Ids("author:hochr*"), ElementsAre("2405.04517"));
  // A given name alone is not a surname.
  EXPECT_THAT(Ids("author:sepp"), ElementsAre());
}

TEST_F(IndexTest, PhrasesMatchWordsInOrder) {
  EXPECT_THAT(Ids("\"language models\""), UnorderedElementsAre("2001.08361", "2106.09685"));
  // Stemmed, as FTS5's porter tokenizer: "language model" matches "language models".
  EXPECT_THAT(Ids("\"language model\""), UnorderedElementsAre("2001.08361", "2106.09685"));
  EXPECT_THAT(Ids("\"models language\""), ElementsAre());
  EXPECT_THAT(Ids("title:\"language models\""), UnorderedElementsAre("2001.08361", "2106.09685"));
  EXPECT_THAT(Ids("abs:\"language models\""), UnorderedElementsAre("2001.08361", "2106.09685"));
  EXPECT_THAT(Ids("abs:\"language model performance\""), ElementsAre("2001.08361"));
  EXPECT_THAT(Ids("abs:\"neural language\""), ElementsAre());
  // A phrase never spans two fields (title end + abstract start).
  EXPECT_THAT(Ids("\"memory we scale\""), ElementsAre());
}

TEST_F(IndexTest, CategoriesAndArchives) {
  EXPECT_THAT(Ids("cat:cs.CL"), UnorderedElementsAre("1706.03762", "1810.04805", "2106.09685"));
  EXPECT_THAT(Ids("cat:stat.ml"), UnorderedElementsAre("2405.04517", "2001.08361"));
  EXPECT_THAT(Ids("cat:hep-th"), ElementsAre("hep-th/9901001"));
  EXPECT_THAT(Ids("cat:math"), ElementsAre("math/0309136"));
  EXPECT_THAT(Ids("cat:cs"), UnorderedElementsAre("2405.04517", "1706.03762", "1810.04805",
                                                  "2001.08361", "2106.09685"));
  SearchOptions cl;
  cl.category = "cs.CL";
  EXPECT_THAT(Ids("language", cl), UnorderedElementsAre("1810.04805", "2106.09685"));
  cl.category = "bad category!";
  EXPECT_EQ(SearchError("language", cl).code, ErrorCode::kInvalidArgument);
}

TEST_F(IndexTest, DateFiltersAndYears) {
  SearchOptions o;
  o.from = "2018-01-01";
  o.to = "2021-06-17";  // inclusive
  EXPECT_THAT(Ids("language", o), UnorderedElementsAre("1810.04805", "2001.08361", "2106.09685"));
  o.to = "2021-06-16";
  EXPECT_THAT(Ids("language", o), UnorderedElementsAre("1810.04805", "2001.08361"));
  SearchOptions only_from;
  only_from.from = "2020-01-23";
  EXPECT_THAT(Ids("cat:cs", only_from), ElementsAre("2405.04517", "2106.09685", "2001.08361"));
  EXPECT_THAT(Ids("year:2017"), ElementsAre("1706.03762"));
  EXPECT_THAT(Ids("year:2017..2018"), UnorderedElementsAre("1706.03762", "1810.04805"));
  EXPECT_THAT(Ids("networks year:2024"), ElementsAre("2405.04517"));
  SearchOptions bad;
  bad.from = "2024-13-01";
  EXPECT_EQ(SearchError("language", bad).code, ErrorCode::kInvalidArgument);
  bad.from = "2024-02-01";
  bad.to = "2024-01-01";
  EXPECT_EQ(SearchError("language", bad).code, ErrorCode::kInvalidArgument);
}

TEST_F(IndexTest, BooleanOperatorsAndPrefixes) {
  EXPECT_THAT(Ids("recurrent AND attention"), ElementsAre("1706.03762"));
  EXPECT_THAT(Ids("recurrent NOT attention"), ElementsAre("2405.04517"));
  EXPECT_THAT(Ids("recurrent -attention"), ElementsAre("2405.04517"));
  EXPECT_THAT(Ids("knot OR lora"), UnorderedElementsAre("math/0309136", "2106.09685"));
  EXPECT_THAT(Ids("(knot OR lora) AND cat:cs.CL"), ElementsAre("2106.09685"));
  EXPECT_THAT(Ids("transfo*"), UnorderedElementsAre("1706.03762", "1810.04805"));
  EXPECT_THAT(Ids("title:transfo*"), ElementsAre("1810.04805"));
  // Lower-case "or" / "not" in pasted text are words, not operators.
  EXPECT_EQ(Ids("knot or not").front(), "math/0309136");
}

TEST_F(IndexTest, ExactTitlesInAnySpellingComeFirst) {
  EXPECT_EQ(Ids("attention is all you need").front(), "1706.03762");
  EXPECT_EQ(Ids("ATTENTION IS ALL YOU NEED!").front(), "1706.03762");
  EXPECT_EQ(Ids("G\xC3\xB6"
                "del's \xCE\xB1-theorem and strings")
                .front(),
            "hep-th/9901001");
  EXPECT_EQ(Ids("Godel's alpha theorem and strings").front(), "hep-th/9901001");
  // Upper case turns "and" into the operator; the title still comes first.
  EXPECT_EQ(Ids("GODEL'S ALPHA-THEOREM AND STRINGS").front(), "hep-th/9901001");
  EXPECT_EQ(Ids("xlstm extended long short term memory").front(), "2405.04517");
  // A lower-case word before a colon is title text, not an unknown field.
  EXPECT_EQ(Ids("xlstm: extended long short-term memory").front(), "2405.04517");
  EXPECT_EQ(Ids("LoRA - Low Rank Adaptation of Large Language Models.").front(), "2106.09685");
}

TEST_F(IndexTest, MisspelledWordIsCorrected) {
  auto r = index_->Search("scaling lwas for neural language models", {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->did_you_mean, "scaling laws for neural language models");
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].id, "2001.08361");
  auto ok = index_->Search("scaling laws", {});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->did_you_mean, "");
}

TEST_F(IndexTest, SnippetsHighlightMatchesAndEscapeHtml) {
  auto r = index_->Search("strings", {});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->hits.size(), 1u);
  const SearchHit& h = r->hits[0];
  EXPECT_EQ(h.snippet,
            "A symphony of incompleteness &amp; &lt;b&gt;<mark>strings</mark>&lt;/b&gt; in ten "
            "dimensions.");
  EXPECT_EQ(h.title, "G\\\"odel's $\\alpha$-Theorem and Strings");
  EXPECT_THAT(h.authors, ElementsAre("Kurt G\xC3\xB6"
                                     "del",
                                     "Ludwig van Beethoven"));
  EXPECT_EQ(h.published_at, "1999-01-04T12:00:00Z");
  EXPECT_GT(h.score, 0);
}

TEST_F(IndexTest, SortByDateAndPaging) {
  SearchOptions o;
  o.sort = SortOrder::kDate;
  EXPECT_THAT(Ids("language", o),
              ElementsAre("2106.09685", "2001.08361", "1810.04805", "math/0309136"));
  o.limit = 2;
  o.offset = 1;
  EXPECT_THAT(Ids("language", o), ElementsAre("2001.08361", "1810.04805"));
  auto r = index_->Search("language", o);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->total_estimate, 4);
  SearchOptions bad;
  bad.limit = 0;
  EXPECT_EQ(SearchError("language", bad).code, ErrorCode::kInvalidArgument);
  bad.limit = kMaxLimit + 1;
  EXPECT_EQ(SearchError("language", bad).code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseSortOrder("upvotes").value(), SortOrder::kUpvotes);
  EXPECT_FALSE(ParseSortOrder("best"));
}

TEST_F(IndexTest, BadQueriesAreInvalidArgumentsWithAMessage) {
  Error e = SearchError("\"attention is all");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(e.message, HasSubstr("quote"));
  e = SearchError(std::string(10 * 1024, 'a'));
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(e.message, HasSubstr("too long"));
  // 250 characters, as Hugging Face accepts, whatever the words: 125
  // one-letter words pass; beyond the clause limit is an error.
  std::string short_words;
  for (int i = 0; i < 125; ++i)
    short_words += std::string(1, static_cast<char>('b' + i % 20)) + " ";
  ASSERT_EQ(short_words.size(), 250u);
  EXPECT_TRUE(index_->Search(short_words, {})) << short_words;
  e = SearchError(short_words + short_words + short_words);
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(e.message, HasSubstr("clauses"));
  e = SearchError("the of and");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(e.message, HasSubstr("common words"));
  e = SearchError("venue:neurips");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(e.message, HasSubstr("unknown field"));
  for (const char* q :
       {"(knot OR lora", "knot)", "author:", "OR knot", "knot AND", "-knot", "cat:cs..CL",
        "year:20x4", "id:notanid", "\xFF\xFE", "", "   ", "author:x*", "\"\""}) {
    EXPECT_EQ(SearchError(q).code, ErrorCode::kInvalidArgument) << q;
  }
  // A stop word inside a phrase or next to a real word is fine.
  EXPECT_THAT(Ids("\"all you need\""), ElementsAre("1706.03762"));
  // Punctuation that looks like a field in a pasted title is text.
  EXPECT_EQ(Ids("xLSTM:Extended Long Short-Term Memory").front(), "2405.04517");
}

TEST_F(IndexTest, RelatedPapersExcludeThePaperItself) {
  auto related = index_->Related("arXiv:2001.08361v3", 5);
  ASSERT_TRUE(related) << related.error().message;
  ASSERT_FALSE(related->empty());
  std::set<std::string> ids;
  for (const SearchHit& h : *related) ids.insert(h.id);
  EXPECT_EQ(ids.count("2001.08361"), 0u);
  // The other language-model papers share its distinctive terms.
  EXPECT_TRUE(ids.count("2106.09685") || ids.count("1810.04805"));
  EXPECT_LE(related->size(), 5u);
  EXPECT_EQ(index_->Related("2401.99999", 5).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(index_->Related("not an id", 5).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(index_->Related("2001.08361", 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(IndexTest, NewPapersBecomeSearchableIncrementally) {
  EXPECT_THAT(Ids("mamba"), ElementsAre());
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2312.00752", "Mamba: Linear-Time Sequence Modeling",
                                            {"Albert Gu", "Tri Dao"}, {"cs.LG"}, "2023-12-01",
                                            "Selective state spaces.")));
  CatchUp();
  EXPECT_THAT(Ids("mamba"), ElementsAre("2312.00752"));
  // A new version of a paper replaces it: still one document.
  Paper v2 =
      MakePaper("2312.00752", "Mamba: Linear-Time Sequence Modeling with Selective SSMs",
                {"Albert Gu", "Tri Dao"}, {"cs.LG"}, "2023-12-01", "Selective state spaces.");
  v2.versions.push_back({2, "2024-05-31T12:00:00Z", "11kb"});
  v2.latest_version = 2;
  ASSERT_TRUE(store_->UpsertPaper(v2));
  CatchUp();
  EXPECT_THAT(Ids("mamba"), ElementsAre("2312.00752"));
  EXPECT_THAT(Ids("selective ssms"), ElementsAre("2312.00752"));
  auto info = index_->Info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->documents, 8);
  EXPECT_EQ(info->last_change_seq, store_->Stats()->change_seq);
  EXPECT_GT(info->size_bytes, 0);
}

TEST_F(IndexTest, DeletedOrCorruptIndexIsRebuilt) {
  std::string dir = IndexDir(data_dir());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(SearchError("attention").code, ErrorCode::kUnavailable);
  CatchUp();
  EXPECT_EQ(Ids("attention is all you need").front(), "1706.03762");

  // Damage every file of the live generation.
  auto live = LiveGeneration(dir);
  ASSERT_TRUE(live);
  for (const auto& entry : std::filesystem::directory_iterator(*live)) {
    std::ofstream(entry.path(), std::ios::trunc) << "garbage";
  }
  CatchUp();
  EXPECT_EQ(Ids("attention is all you need").front(), "1706.03762");

  // A half-built generation (a crashed build) is never served.
  ASSERT_TRUE(NewBuildDirectory(dir));
  EXPECT_EQ(Ids("attention is all you need").front(), "1706.03762");
}

// A rebuild publishes a new generation while a reader is open on the old
// one: the old one stays on disk while any reader (here, or in another
// process) holds it, and goes when the last lets go, not at some later
// publish (at 2.7M papers a generation is ~13 GB).
TEST_F(IndexTest, AnOldGenerationGoesWhenItsLastReaderLetsGo) {
  std::string dir = IndexDir(data_dir());
  EXPECT_EQ(Ids("attention is all you need").front(), "1706.03762");
  auto old_gen = LiveGeneration(dir);
  ASSERT_TRUE(old_gen);
  // Another process's reader: a second Index, as a second `serve` has.
  auto other = OpenIndex(data_dir());
  ASSERT_TRUE(other);
  ASSERT_TRUE((*other)->Search("attention", {}));

  IndexerOptions options;
  options.store = db_->options();
  auto indexer = Indexer::Create(options);
  ASSERT_TRUE(indexer);
  ASSERT_TRUE((*indexer)->Rebuild());
  auto new_gen = LiveGeneration(dir);
  ASSERT_TRUE(new_gen);
  ASSERT_NE(*new_gen, *old_gen);
  EXPECT_TRUE(std::filesystem::exists(*old_gen));  // both readers hold it

  // This reader moves on at its next search; the other still holds it.
  EXPECT_EQ(Ids("attention is all you need").front(), "1706.03762");
  EXPECT_TRUE(std::filesystem::exists(*old_gen));
  // The last one lets go when it moves on too.
  ASSERT_TRUE((*other)->Search("attention", {}));
  EXPECT_FALSE(std::filesystem::exists(*old_gen));
  EXPECT_TRUE(std::filesystem::exists(*new_gen));
  EXPECT_EQ(Ids("attention is all you need").front(), "1706.03762");

  // An index nobody reads loses its old generation at the publish itself.
  index_.reset();
  other->reset();
  ASSERT_TRUE((*indexer)->Rebuild());
  EXPECT_FALSE(std::filesystem::exists(*new_gen));
  EXPECT_TRUE(LiveGeneration(dir));
}

TEST_F(IndexTest, IndexOfAnotherDatabaseIsRebuilt) {
  // A Store with fewer changes than the index claims: the index belongs to
  // another database and is rebuilt from this one.
  auto other = std::make_unique<storage::testing::TempDatabase>("sqlite");
  std::filesystem::copy(IndexDir(data_dir()), IndexDir(other->options().data_dir),
                        std::filesystem::copy_options::recursive);
  {
    auto s = other->Open();
    ASSERT_TRUE(s->UpsertPaper(MakePaper("2312.00752", "Mamba", {"Albert Gu"}, {"cs.LG"},
                                         "2023-12-01", "Selective state spaces.")));
  }
  IndexerOptions options;
  options.store = other->options();
  auto indexer = Indexer::Create(options);
  ASSERT_TRUE(indexer);
  ASSERT_TRUE((*indexer)->CatchUp());
  auto index = OpenIndex(other->options().data_dir);
  ASSERT_TRUE(index);
  auto info = (*index)->Info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->documents, 1);
}

}  // namespace
}  // namespace paperpulse::search
