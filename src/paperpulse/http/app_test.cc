// The App as the server calls it, over a real SQLite Store: the fast path
// and the worker path, 405 with Allow, and read-your-writes (invalidation
// by a write of its own, by the Store's content version, and signed-in
// requests kept out of the shared cache).
#include "paperpulse/http/app.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "paperpulse/http/metrics.h"
#include "paperpulse/http/request_test_util.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {
namespace {

using http::testing::Body;
using http::testing::Header;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kDay = "2024-05-08";
constexpr const char* kDailyApi = "/api/daily_papers?date=2024-05-08";

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("pp_app_test_" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    options_.data_dir = dir_.string();
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    Paper p;
    p.id = "1706.03762";
    p.title = "Attention Is All You Need";
    p.authors = {"Ashish Vaswani"};
    p.submitted = "2017-06-12T17:57:34Z";
    p.updated = p.submitted;
    p.versions.push_back({1, p.submitted, "10kb"});
    p.latest_version = 1;
    ASSERT_TRUE(store_->UpsertPaper(p));
    SetUpvotes(42);
  }

  void TearDown() override {
    app_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Writes behind the App's back, as another process or node would.
  void SetUpvotes(int64_t n) {
    DailyEntry e;
    e.date = kDay;
    e.paper_id = "1706.03762";
    e.upvotes = n;
    auto written = store_->UpsertDailyEntry(e);
    ASSERT_TRUE(written) << written.error().ToString();
  }

  App& MakeApp(std::chrono::milliseconds content_poll = std::chrono::milliseconds(0),
               bool access_log = false) {
    AppOptions o;
    o.store = options_;
    o.cache_ttl = std::chrono::minutes(10);  // on clock_, which stands still
    o.content_poll = content_poll;
    o.clock = &clock_;
    o.access_log = access_log;
    auto app = App::Create(std::move(o));
    EXPECT_TRUE(app) << app.error().ToString();
    app_ = std::move(*app);
    return *app_;
  }

  static Request Req(std::string method, std::string target,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    return http::testing::MakeRequest(std::move(method), std::move(target), std::move(headers));
  }

  std::filesystem::path dir_;
  storage::StoreOptions options_;
  std::unique_ptr<storage::Store> store_;
  FakeClock clock_;
  std::unique_ptr<App> app_;
};

TEST_F(AppTest, WritesThroughTheAppShowOnTheNextRequest) {
  App& app = MakeApp();
  Response first = app.Handle(Req("GET", kDailyApi));
  ASSERT_EQ(first.status, 200) << Body(first);
  EXPECT_THAT(Body(first), HasSubstr("\"upvotes\":42"));
  EXPECT_EQ(first.cache, CachePolicy::kRevalidate);
  SetUpvotes(50);
  // Without a word from the writer the cache still answers (ttl 10 min)...
  EXPECT_THAT(Body(app.Handle(Req("GET", kDailyApi))), HasSubstr("\"upvotes\":42"));
  // ...and after Context::content_changed the very next request sees it.
  app.ContentChanged();
  Response after = app.Handle(Req("GET", kDailyApi));
  EXPECT_THAT(Body(after), HasSubstr("\"upvotes\":50"));
  EXPECT_NE(after.etag, first.etag);
}

TEST_F(AppTest, WritesByOtherProcessesArriveThroughTheContentVersion) {
  App& app = MakeApp(std::chrono::milliseconds(10));
  ASSERT_THAT(Body(app.Handle(Req("GET", kDailyApi))), HasSubstr("\"upvotes\":42"));
  SetUpvotes(51);
  // The watcher polls every 10 ms; the cached answer would live 10 minutes.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string body;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    body = Body(app.Handle(Req("GET", kDailyApi)));
  } while (body.find("\"upvotes\":51") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_THAT(body, HasSubstr("\"upvotes\":51"));
}

TEST_F(AppTest, SignedInRequestsNeitherReadNorFillTheSharedCache) {
  App& app = MakeApp();
  ASSERT_THAT(Body(app.Handle(Req("GET", kDailyApi))), HasSubstr("\"upvotes\":42"));
  SetUpvotes(60);  // unannounced: the shared cache keeps 42
  Response personal = app.Handle(Req("GET", kDailyApi, {{"cookie", "theme=dark; pp_session=abc"}}));
  ASSERT_EQ(personal.status, 200) << Body(personal);
  EXPECT_THAT(Body(personal), HasSubstr("\"upvotes\":60"));
  EXPECT_EQ(personal.cache, CachePolicy::kPrivate);
  Response token = app.Handle(Req("GET", kDailyApi, {{"authorization", "Bearer t0ken"}}));
  EXPECT_NE(token.cache, CachePolicy::kRevalidate);
  EXPECT_FALSE(app.TryFast(Req("GET", kDailyApi, {{"cookie", "pp_session=abc"}})));
  // Neither was stored for everyone else.
  EXPECT_THAT(Body(app.Handle(Req("GET", kDailyApi))), HasSubstr("\"upvotes\":42"));
  // Other cookies do not make a request personal.
  EXPECT_THAT(Body(app.Handle(Req("GET", kDailyApi, {{"cookie", "theme=dark"}}))),
              HasSubstr("\"upvotes\":42"));
}

TEST_F(AppTest, FastPathAnswersOnlyWhatNeedsNoStore) {
  App& app = MakeApp();
  // A page not yet cached needs the Store: the worker's job.
  EXPECT_FALSE(app.TryFast(Req("GET", kDailyApi)));
  Response rendered = app.Handle(Req("GET", kDailyApi));
  auto cached = app.TryFast(Req("GET", kDailyApi));
  ASSERT_TRUE(cached);
  EXPECT_EQ(Body(*cached), Body(rendered));
  // Conditional requests are answered there too.
  Request conditional = Req("GET", kDailyApi);
  conditional.if_none_match = rendered.etag;
  auto not_modified = app.TryFast(conditional);
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  // Embedded files and the errors that need no lookup.
  auto favicon = app.TryFast(Req("GET", "/favicon.ico"));
  ASSERT_TRUE(favicon);
  EXPECT_EQ(favicon->status, 200);
  EXPECT_EQ(favicon->cache, CachePolicy::kImmutable);
  auto missing = app.TryFast(Req("GET", "/no/such/page"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  // /healthz reads the Store.
  EXPECT_FALSE(app.TryFast(Req("GET", "/healthz")));
  // After an invalidation the cached answer is gone from the fast path too.
  app.ContentChanged();
  EXPECT_FALSE(app.TryFast(Req("GET", kDailyApi)));
}

TEST_F(AppTest, WrongMethodIs405WithAllow) {
  App& app = MakeApp();
  Response page = app.Handle(Req("POST", "/healthz"));
  EXPECT_EQ(page.status, 405);
  EXPECT_EQ(Header(page, "Allow"), "GET, HEAD");
  EXPECT_THAT(page.content_type, Not(HasSubstr("json")));
  EXPECT_EQ(page.cache, CachePolicy::kNoStore);
  auto api = app.TryFast(Req("PUT", "/api/papers/search?q=x"));
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 405);
  EXPECT_EQ(Header(*api, "Allow"), "GET, HEAD");
  EXPECT_EQ(api->content_type, "application/json");
  EXPECT_THAT(Body(*api), HasSubstr("\"error\":\"method PUT not allowed here; use GET, HEAD\""));
  // HEAD goes wherever GET goes.
  EXPECT_EQ(app.Handle(Req("HEAD", kDailyApi)).status, 200);
}

TEST_F(AppTest, AnswersToWritesAreNeverCached) {
  App& app = MakeApp();
  Response r = app.Handle(Req("DELETE", kDailyApi));
  EXPECT_EQ(r.cache, CachePolicy::kNoStore);
  EXPECT_EQ(Header(r, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(Header(app.Handle(Req("GET", kDailyApi)), "Access-Control-Allow-Origin"), "*");
}

// Request timing and the access log's timestamps read the App's Clock, not
// the system clocks: with a FakeClock that stands still every request took
// exactly 0 s and happened at the fake time.
TEST_F(AppTest, TimingAndAccessLogReadTheInjectedClock) {
  App& app = MakeApp(std::chrono::milliseconds(0), /*access_log=*/true);
  std::string log_path = (dir_ / "access.log").string();
  fflush(stderr);
  int saved = ::dup(STDERR_FILENO);
  FILE* log = std::fopen(log_path.c_str(), "w");
  ASSERT_NE(log, nullptr);
  ::dup2(::fileno(log), STDERR_FILENO);
  Response r = app.Handle(Req("GET", kDailyApi));
  ASSERT_TRUE(app.TryFast(Req("GET", kDailyApi)));  // now cached
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(log);
  ASSERT_EQ(r.status, 200) << Body(r);

  std::ifstream in(log_path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    EXPECT_TRUE(line.starts_with("2026-01-05T12:00:00.000Z info access ")) << line;
    EXPECT_THAT(line, HasSubstr(" ms=0.000")) << line;
  }
  EXPECT_EQ(lines, 2);

  std::istringstream metrics(app.metrics().Render());
  int sums = 0;
  while (std::getline(metrics, line)) {
    if (!line.starts_with("paperpulse_http_request_duration_seconds_sum")) continue;
    ++sums;
    EXPECT_EQ(std::stod(line.substr(line.rfind(' ') + 1)), 0.0) << line;
  }
  EXPECT_GE(sums, 1);
}

}  // namespace
}  // namespace paperpulse::http
