// The pages that need the search index (search, author pages, related
// papers) over a real SQLite Store and a real Xapian index, through the App
// as the server calls it; and how they answer when there is no index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "paperpulse/http/app.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/index_writer.h"
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

  // GET `path` with an Accept header.
  static Response GetAccepting(App& app, std::string path, std::string accept) {
    Request r;
    r.method = "GET";
    r.path = path;
    r.target = path;
    r.headers.emplace_back("accept", std::move(accept));
    return app.Handle(r);
  }

  static std::string Body(const Response& r) { return std::string(r.body.view()); }

  static std::string Header(const Response& r, std::string_view name) {
    std::string values;
    for (const auto& [k, v] : r.headers) {
      if (k == name) values += (values.empty() ? "" : ", ") + v;
    }
    return values;
  }

  // Lists papers with Hugging Face's extras: 1810.04805 by Tsinghua with an
  // AI summary and keywords, the hostile 2405.04517 by an organisation whose
  // names are markup; 1706.03762 keeps its plain entry.
  void AddHfEntries() {
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store) << store.error().ToString();
    DailyEntry bert;
    bert.date = "2024-05-08";
    bert.paper_id = "1810.04805";
    bert.upvotes = 7;
    bert.organization = "Tsinghua";
    bert.organization_fullname = "Tsinghua University";
    bert.ai_summary = "BERT pre-trains $x<y$ bidirectional encoders.";
    bert.ai_keywords = {"masked language model", "fine-tuning"};
    ASSERT_TRUE((*store)->UpsertDailyEntry(bert));
    DailyEntry evil;
    evil.date = "2024-05-09";
    evil.paper_id = "2405.04517";
    evil.organization = "evil\"org";
    evil.organization_fullname = "<script>alert(4)</script> Lab";
    evil.ai_summary = "<img src=x onerror=alert(5)>";
    evil.ai_keywords = {"\"><img src=x onerror=alert(6)>"};
    ASSERT_TRUE((*store)->UpsertDailyEntry(evil));
    Paper old = MakePaper("hep-th/9901001", "Old Style", {"Ed Witten"}, "Strings $\\alpha'$.");
    ASSERT_TRUE((*store)->UpsertPaper(old));
  }

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

TEST_F(PagesTest, BeforeAnyIndexIdsAreFoundInTheStoreAndTheBuildIsShown) {
  // A data dir whose index was never built (no generation, no lookup index
  // yet): the Store answers ids; words wait for the index, with its progress.
  std::filesystem::remove_all(dir_ / "search");
  auto index = search::OpenIndex(dir_.string());
  ASSERT_TRUE(index);
  AppOptions o;
  o.store = options_;
  o.index = index->get();
  o.cache_ttl = std::chrono::milliseconds(60'000);
  o.access_log = false;
  o.index_build = [] {
    search::IndexBuildStatus s;
    s.phase = search::IndexBuildStatus::Phase::kFull;
    s.done = 270'000;
    s.total = 2'700'000;
    s.eta_seconds = 1500;
    return s;
  };
  auto app = App::Create(std::move(o));
  ASSERT_TRUE(app) << app.error().ToString();

  for (std::string q : {"1706.03762", "arXiv:1706.03762v2", "https://arxiv.org/abs/1706.03762"}) {
    Response page = Get(**app, "/search", {{"q", q}});
    EXPECT_EQ(page.status, 200) << q;
    EXPECT_THAT(Body(page), HasSubstr("Attention Is All You Need")) << q;
    EXPECT_THAT(Body(page), HasSubstr("10% of 2,700,000 papers, about 25 minutes left")) << q;
    EXPECT_EQ(page.cache, CachePolicy::kNoStore);
    Response api = Get(**app, "/api/papers/search", {{"q", q}});
    EXPECT_EQ(api.status, 200) << q;
    EXPECT_THAT(Body(api), HasSubstr("\"id\":\"1706.03762\""));
    EXPECT_EQ(Header(api, "X-Search-Index"),
              "building; phase=full; done=270000; total=2700000; eta=1500");
  }
  Response words = Get(**app, "/api/papers/search", {{"q", "attention"}});
  EXPECT_EQ(words.status, 503);
  EXPECT_THAT(Body(words), HasSubstr("about 25 minutes left"));
  EXPECT_EQ(Header(words, "Retry-After"), "5");
  // An id the Store lacks, or one behind a filter, is not answered this way.
  EXPECT_EQ(Get(**app, "/api/papers/search", {{"q", "2101.99999"}}).status, 503);
  EXPECT_EQ(Get(**app, "/api/papers/search", {{"q", "1706.03762"}, {"category", "math.AG"}}).status,
            503);
  // Once the quick pass has written the lookup index, the search page
  // answers from it; a miss says why there is nothing yet, with no
  // "0 results" and no alert form for a search that cannot be answered now.
  {
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store);
    auto paper = (*store)->GetPaper("1706.03762");
    ASSERT_TRUE(paper && *paper);
    auto lookup = search::CreateLookupIndexWriter(dir_.string());
    ASSERT_TRUE(lookup) << lookup.error().ToString();
    search::IndexDocument doc;
    doc.paper = **paper;
    ASSERT_TRUE((*lookup)->Put(doc));
    ASSERT_TRUE((*lookup)->Commit({1, 0}));
  }
  Response words_page = Get(**app, "/search", {{"q", "attention"}});
  EXPECT_EQ(words_page.status, 503);
  EXPECT_THAT(Body(words_page), HasSubstr("Full-text results appear when the index is ready"));
  EXPECT_THAT(Body(words_page), HasSubstr("about 25 minutes left"));
  EXPECT_THAT(Body(words_page), Not(HasSubstr("results for")));
  EXPECT_THAT(Body(words_page), Not(HasSubstr("alert-box")));
  // A hit gets its count and the alert form.
  Response title_page = Get(**app, "/search", {{"q", "attention is all you need"}});
  EXPECT_EQ(title_page.status, 200);
  EXPECT_THAT(Body(title_page), HasSubstr("1 result for"));
  EXPECT_THAT(Body(title_page), HasSubstr("alert-box"));
  // Not cached: once the index is live the same target gets its real answer.
  auto indexer = search::Indexer::Create({.store = options_});
  ASSERT_TRUE(indexer);
  ASSERT_TRUE((*indexer)->CatchUp());
  Response after = Get(**app, "/api/papers/search", {{"q", "1706.03762"}});
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(Header(after, "X-Search-Index"), "");
}

TEST_F(PagesTest, AMonthOfManyPapersComesInPagesOfAHundred) {
  // 230 papers listed over May 2024 (plus the fixture's one), paper k with
  // 1000 + k upvotes: the most upvoted first.
  {
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store);
    for (int k = 0; k < 230; ++k) {
      char id[16];
      std::snprintf(id, sizeof id, "2405.%05d", 10000 + k);
      ASSERT_TRUE((*store)->UpsertPaper(
          MakePaper(id, "Listed paper number " + std::to_string(k), {"Ada Lovelace"}, "Words.")));
      DailyEntry e;
      e.date = "2024-05-" + std::string(k % 28 < 9 ? "0" : "") + std::to_string(k % 28 + 1);
      e.paper_id = id;
      e.upvotes = 1000 + k;
      ASSERT_TRUE((*store)->UpsertDailyEntry(e));
    }
  }
  auto app = MakeApp(index_.get());
  auto cards = [](const std::string& body) {
    size_t n = 0;
    for (size_t at = body.find("<article"); at != std::string::npos;
         at = body.find("<article", at + 1)) {
      ++n;
    }
    return n;
  };
  Response first = Get(*app, "/papers/month/2024-05");
  ASSERT_EQ(first.status, 200);
  EXPECT_THAT(Body(first), HasSubstr("231 papers"));
  EXPECT_THAT(Body(first), HasSubstr("Page 1 of 3"));
  EXPECT_EQ(cards(Body(first)), 100u);
  EXPECT_THAT(Body(first), HasSubstr("Listed paper number 229<"));
  EXPECT_THAT(Body(first), HasSubstr("Listed paper number 130<"));
  EXPECT_THAT(Body(first), Not(HasSubstr("Listed paper number 129<")));
  EXPECT_THAT(Body(first), HasSubstr("href=\"/papers/month/2024-05?page=2\""));

  Response last = Get(*app, "/papers/month/2024-05", {{"page", "3"}});
  ASSERT_EQ(last.status, 200);
  EXPECT_THAT(Body(last), HasSubstr("Page 3 of 3"));
  EXPECT_EQ(cards(Body(last)), 31u);
  EXPECT_THAT(Body(last), HasSubstr("Attention Is All You Need"));  // 42 upvotes: last
  EXPECT_THAT(Body(last), HasSubstr("href=\"/papers/month/2024-05?page=2\""));

  EXPECT_EQ(Get(*app, "/papers/month/2024-05", {{"page", "4"}}).status, 404);
  EXPECT_EQ(Get(*app, "/papers/month/2024-05", {{"page", "0"}}).status, 400);
  EXPECT_EQ(Get(*app, "/papers/month/2024-05", {{"page", "x"}}).status, 400);
  // A day of few papers has no page links.
  Response day = Get(*app, "/papers/date/2024-05-08");
  ASSERT_EQ(day.status, 200);
  EXPECT_THAT(Body(day), Not(HasSubstr("Page 1 of")));

  // The API pages the same list: page 2 of 10 is papers 219..210 (by
  // upvotes), and trending order pages too.
  Response api =
      Get(*app, "/api/daily_papers", {{"month", "2024-05"}, {"limit", "10"}, {"p", "1"}});
  ASSERT_EQ(api.status, 200) << Body(api);
  EXPECT_THAT(Body(api), HasSubstr("\"id\":\"2405.10219\""));
  EXPECT_THAT(Body(api), HasSubstr("\"id\":\"2405.10210\""));
  EXPECT_THAT(Body(api), Not(HasSubstr("\"id\":\"2405.10209\"")));
  EXPECT_THAT(Body(api), Not(HasSubstr("\"id\":\"2405.10220\"")));
  Response beyond =
      Get(*app, "/api/daily_papers", {{"month", "2024-05"}, {"limit", "100"}, {"p", "5"}});
  ASSERT_EQ(beyond.status, 200);
  EXPECT_EQ(Body(beyond), "[]");
}

TEST_F(PagesTest, CardsAndPaperPagesShowTheOrganisationLinkedToItsPage) {
  AddHfEntries();
  auto app = MakeApp(nullptr);
  Response day = Get(*app, "/papers/date/2024-05-08");
  ASSERT_EQ(day.status, 200) << Body(day);
  EXPECT_THAT(Body(day), HasSubstr("<p class=\"org\"><a href=\"/papers/org/Tsinghua\">Tsinghua "
                                   "University</a></p>"));
  Response paper = Get(*app, "/papers/1810.04805");
  ASSERT_EQ(paper.status, 200);
  EXPECT_THAT(Body(paper), HasSubstr("href=\"/papers/org/Tsinghua\">Tsinghua University</a>"));
  // No organisation, no line.
  EXPECT_THAT(Body(Get(*app, "/papers/1706.03762")), Not(HasSubstr("class=\"paper-org\"")));

  Response evil = Get(*app, "/papers/date/2024-05-09");
  ASSERT_EQ(evil.status, 200);
  EXPECT_THAT(Body(evil), HasSubstr("href=\"/papers/org/evil%22org\""));
  EXPECT_THAT(Body(evil), HasSubstr("&lt;script&gt;alert(4)&lt;/script&gt; Lab"));
  EXPECT_THAT(Body(evil), Not(HasSubstr("<script>alert(4)")));
}

TEST_F(PagesTest, OrganisationPageListsItsPapersOnly) {
  AddHfEntries();
  auto app = MakeApp(nullptr);
  Response r = Get(*app, "/papers/org/Tsinghua");
  ASSERT_EQ(r.status, 200) << Body(r);
  EXPECT_THAT(Body(r), HasSubstr("<h1>Tsinghua University</h1>"));
  EXPECT_THAT(Body(r), HasSubstr("href=\"/papers/1810.04805\""));
  EXPECT_THAT(Body(r), Not(HasSubstr("href=\"/papers/1706.03762\"")));
  EXPECT_THAT(Body(r), Not(HasSubstr("href=\"/papers/2405.04517\"")));
  // Names compare exactly, as Hugging Face's do.
  EXPECT_EQ(Get(*app, "/papers/org/tsinghua").status, 404);
  EXPECT_EQ(Get(*app, "/papers/org/Nobody").status, 404);
  EXPECT_EQ(Get(*app, "/papers/org/Tsinghua", {{"page", "2"}}).status, 404);
  EXPECT_EQ(Get(*app, "/papers/org/Tsinghua", {{"page", "0"}}).status, 400);
  Response evil = Get(*app, "/papers/org/evil\"org");
  ASSERT_EQ(evil.status, 200);
  EXPECT_THAT(Body(evil), HasSubstr("<h1>&lt;script&gt;alert(4)&lt;/script&gt; Lab</h1>"));
  EXPECT_THAT(Body(evil), Not(HasSubstr("<script>alert(4)")));
}

TEST_F(PagesTest, PaperPageShowsTheAiSummaryAndKeywordsOnlyWhenKnown) {
  AddHfEntries();
  auto app = MakeApp(nullptr);
  std::string bert = Body(Get(*app, "/papers/1810.04805"));
  EXPECT_THAT(bert, HasSubstr("machine-written, from Hugging Face"));
  EXPECT_THAT(bert, HasSubstr("BERT pre-trains $x&lt;y$ bidirectional encoders."));
  EXPECT_THAT(bert,
              HasSubstr("<a class=\"chip\" href=\"/search?q=%22masked%20language%20model%22\">"
                        "masked language model</a>"));
  std::string plain = Body(Get(*app, "/papers/1706.03762"));
  EXPECT_THAT(plain, Not(HasSubstr("AI summary")));
  EXPECT_THAT(plain, Not(HasSubstr("ai-keywords")));
  std::string evil = Body(Get(*app, "/papers/2405.04517"));
  EXPECT_THAT(evil, HasSubstr("&lt;img src=x onerror=alert(5)&gt;"));
  EXPECT_THAT(evil, Not(HasSubstr("<img src=x")));
}

TEST_F(PagesTest, PaperAsMarkdownByPathAndByAccept) {
  AddHfEntries();
  auto app = MakeApp(nullptr);
  Response md = Get(*app, "/papers/1810.04805.md");
  ASSERT_EQ(md.status, 200) << Body(md);
  EXPECT_EQ(md.content_type, "text/markdown; charset=utf-8");
  EXPECT_THAT(Body(md), ::testing::StartsWith("# BERT: Pre-training of Deep Bidirectional"));
  EXPECT_THAT(Body(md), HasSubstr("- **Organization:** Tsinghua University\n"));
  EXPECT_THAT(Body(md), HasSubstr("BERT pre-trains $x<y$ bidirectional encoders."));
  Response old = Get(*app, "/papers/hep-th/9901001.md");
  ASSERT_EQ(old.status, 200) << Body(old);
  EXPECT_THAT(Body(old), HasSubstr("Strings $\\alpha'$."));
  EXPECT_EQ(Get(*app, "/papers/2401.99999.md").status, 404);
  EXPECT_EQ(Get(*app, "/papers/not-an-id.md").status, 404);

  Response negotiated = GetAccepting(*app, "/papers/1810.04805", "text/markdown");
  EXPECT_EQ(negotiated.content_type, "text/markdown; charset=utf-8");
  EXPECT_EQ(Body(negotiated), Body(md));
  EXPECT_THAT(Header(negotiated, "Vary"), HasSubstr("Accept"));
  Response browser =
      GetAccepting(*app, "/papers/1810.04805", "text/html,application/xhtml+xml,*/*;q=0.8");
  EXPECT_EQ(browser.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(Header(browser, "Vary"), HasSubstr("Accept"));
  EXPECT_THAT(Header(browser, "Link"),
              HasSubstr("</papers/1810.04805.md>; rel=\"alternate\"; type=\"text/markdown\""));
  EXPECT_THAT(Body(browser), HasSubstr("href=\"/papers/1810.04805.md\""));
  EXPECT_EQ(GetAccepting(*app, "/papers/2401.99999", "text/markdown").content_type,
            "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace paperpulse::http
