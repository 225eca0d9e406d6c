// The pages that need the search index (search, author pages, related
// papers) over a real SQLite Store and a real Xapian index, through the App
// as the server calls it; and how they answer when there is no index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "paperpulse/http/app.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/indexer.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Paper MakePaper(std::string id, std::string title, std::vector<std::string> authors,
                std::string abstract) {
  Paper p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.authors = std::move(authors);
  p.categories = {"cs.CL", "cs.LG"};
  p.submitted = "2024-05-07T12:00:00Z";
  p.updated = p.submitted;
  p.versions.push_back({1, p.submitted, "10kb"});
  p.latest_version = 1;
  p.abstract = std::move(abstract);
  return p;
}

class PagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("pp_pages_test_" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    options_.data_dir = dir_.string();
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store) << store.error().ToString();
    for (const Paper& p :
         {MakePaper("1706.03762", "Attention Is All You Need", {"Ashish Vaswani", "Noam Shazeer"},
                    "We propose the Transformer, based solely on attention mechanisms."),
          MakePaper("1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers",
                    {"Jacob Devlin"}, "Deep bidirectional transformers pre-trained on text."),
          MakePaper("2405.04517", "<script>alert(1)</script> Transformers $x<y$",
                    {"Eve <img src=x onerror=alert(2)>"},
                    "Attention and transformers \"><img src=x onerror=alert(3)>.")}) {
      ASSERT_TRUE((*store)->UpsertPaper(p));
    }
    DailyEntry e;
    e.date = "2024-05-08";
    e.paper_id = "1706.03762";
    e.upvotes = 42;
    ASSERT_TRUE((*store)->UpsertDailyEntry(e));
    auto indexer = search::Indexer::Create({.store = options_});
    ASSERT_TRUE(indexer) << indexer.error().ToString();
    ASSERT_TRUE((*indexer)->CatchUp());
    auto index = search::OpenIndex(dir_.string());
    ASSERT_TRUE(index) << index.error().ToString();
    index_ = std::move(*index);
  }

  void TearDown() override {
    index_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<App> MakeApp(search::Index* index) {
    AppOptions o;
    o.store = options_;
    o.index = index;
    o.cache_ttl = std::chrono::milliseconds(0);
    o.access_log = false;
    auto app = App::Create(std::move(o));
    EXPECT_TRUE(app) << app.error().ToString();
    return app ? std::move(*app) : nullptr;
  }

  // GET `path` with `query` parameters (already decoded).
  static Response Get(App& app, std::string path,
                      std::map<std::string, std::string, std::less<>> query = {}) {
    Request r;
    r.method = "GET";
    r.path = path;
    r.target = path;
    for (const auto& [k, v] : query) r.target += (r.target == path ? "?" : "&") + k + "=" + v;
    r.query = std::move(query);
    return app.Handle(r);
  }

  static std::string Body(const Response& r) { return std::string(r.body.view()); }

  std::filesystem::path dir_;
  storage::StoreOptions options_;
  std::unique_ptr<search::Index> index_;
};

TEST_F(PagesTest, SearchFindsPapersWithHighlightedSnippets) {
  auto app = MakeApp(index_.get());
  Response r = Get(*app, "/search", {{"q", "transformer"}});
  ASSERT_EQ(r.status, 200) << Body(r);
  EXPECT_THAT(Body(r), HasSubstr("href=\"/papers/1706.03762\""));
  EXPECT_THAT(Body(r), HasSubstr("<mark>"));
  EXPECT_THAT(Body(r), HasSubstr("value=\"transformer\""));
  EXPECT_THAT(Body(r), Not(HasSubstr("<script>alert")));
  EXPECT_THAT(Body(r), Not(HasSubstr("<img src=x")));
}

TEST_F(PagesTest, SearchRejectsBadInputWith400AndKeepsTheForm) {
  auto app = MakeApp(index_.get());
  for (auto query : std::vector<std::map<std::string, std::string, std::less<>>>{
           {{"q", "\"unbalanced"}},
           {{"q", "x"}, {"sort", "sideways"}},
           {{"q", "x"}, {"page", "0"}},
           {{"q", "x"}, {"from", "2024-02-30"}}}) {
    Response r = Get(*app, "/search", query);
    EXPECT_EQ(r.status, 400) << query.begin()->second;
    EXPECT_THAT(Body(r), HasSubstr("class=\"notice error\""));
    EXPECT_THAT(Body(r), HasSubstr("name=\"q\""));
  }
}

TEST_F(PagesTest, AuthorPageListsTheirPapers) {
  auto app = MakeApp(index_.get());
  Response r = Get(*app, "/authors/Ashish Vaswani");
  ASSERT_EQ(r.status, 200) << Body(r);
  EXPECT_THAT(Body(r), HasSubstr("<h1>Ashish Vaswani</h1>"));
  EXPECT_THAT(Body(r), HasSubstr("href=\"/papers/1706.03762\""));
  EXPECT_THAT(Body(r), Not(HasSubstr("href=\"/papers/1810.04805\"")));
  EXPECT_EQ(Get(*app, "/authors/Nobody Known").status, 404);
  Response xss = Get(*app, "/authors/Eve <img src=x onerror=alert(2)>");
  EXPECT_THAT(Body(xss), Not(HasSubstr("<img src=x")));
}

TEST_F(PagesTest, PaperPageShowsRelatedPapers) {
  auto app = MakeApp(index_.get());
  Response r = Get(*app, "/papers/1706.03762");
  ASSERT_EQ(r.status, 200) << Body(r);
  std::string body = Body(r);
  auto related = body.find("Related papers");
  ASSERT_NE(related, std::string::npos);
  EXPECT_THAT(body.substr(related), HasSubstr("<ol class=\"cards compact\">"));
  EXPECT_THAT(body.substr(related), HasSubstr("href=\"/papers/2405.04517\""));
  EXPECT_THAT(body.substr(related), Not(HasSubstr("href=\"/papers/1706.03762\"")));
}

TEST_F(PagesTest, WithoutAnIndexSearchAnswers503AndPapersStillWork) {
  auto app = MakeApp(nullptr);
  Response search = Get(*app, "/search", {{"q", "attention"}});
  EXPECT_EQ(search.status, 503);
  EXPECT_THAT(Body(search), HasSubstr("Search is unavailable"));
  EXPECT_THAT(Body(search), HasSubstr("action=\"/search\""));
  EXPECT_EQ(Get(*app, "/authors/Ashish Vaswani").status, 503);
  EXPECT_EQ(Get(*app, "/search").status, 200);
  Response paper = Get(*app, "/papers/1706.03762");
  EXPECT_EQ(paper.status, 200);
  EXPECT_THAT(Body(paper), Not(HasSubstr("Related papers")));
}

}  // namespace
}  // namespace paperpulse::http
