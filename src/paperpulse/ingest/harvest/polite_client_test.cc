#include "paperpulse/ingest/harvest/polite_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "paperpulse/ingest/harvest/scripted_fetcher.h"

namespace paperpulse::ingest::harvest {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::Le;
using testing::Ok200;
using testing::ScriptedFetcher;

constexpr const char* kUrl = "http://127.0.0.1:1/oai?verb=Identify";

Result<HttpResponse> Reply(int status, std::string retry_after = "") {
  return HttpResponse{status, "<html>busy</html>", std::move(retry_after), "text/html"};
}

Result<HttpResponse> NetworkError() { return Fail(ErrorCode::kUnavailable, "Connection refused"); }

struct Harness {
  explicit Harness(ScriptedFetcher::Handler handler, RetryPolicy policy = {}) : limiter(clock, 3s) {
    auto fetcher = std::make_unique<ScriptedFetcher>(std::move(handler));
    log = fetcher->log();
    policy.seed = policy.seed ? policy.seed : 42;
    client = std::make_unique<PoliteClient>(std::move(fetcher), limiter, clock, policy);
  }
  FakeClock clock;
  RateLimiter limiter;
  std::shared_ptr<ScriptedFetcher::Log> log;
  std::unique_ptr<PoliteClient> client;
};

TEST(PoliteClient, WaitsOutA503RetryAfterInstantlyWithAFakeClock) {
  Harness h([](const std::string&, int call) -> Result<HttpResponse> {
    return call == 0 ? Reply(503, "10") : Ok200("ok");
  });
  auto r = h.client->Get(kUrl);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(h.log->urls.size(), 2u);
  // Retry-After wins over the 3 s interval when longer.
  EXPECT_THAT(h.clock.sleeps(), ElementsAre(Clock::Duration(10s)));
}

TEST(PoliteClient, ShortRetryAfterStillKeepsTheMinimumInterval) {
  Harness h([](const std::string&, int call) -> Result<HttpResponse> {
    return call == 0 ? Reply(503, "1") : Ok200("ok");
  });
  ASSERT_TRUE(h.client->Get(kUrl));
  EXPECT_THAT(h.clock.sleeps(), ElementsAre(Clock::Duration(3s)));
}

TEST(PoliteClient, RetryAfterAsHttpDate) {
  // 2026-01-05T12:00:00Z + 20 s.
  Harness h([](const std::string&, int call) -> Result<HttpResponse> {
    return call == 0 ? Reply(503, "Mon, 05 Jan 2026 12:00:20 GMT") : Ok200("ok");
  });
  ASSERT_TRUE(h.client->Get(kUrl));
  EXPECT_THAT(h.clock.sleeps(), ElementsAre(Clock::Duration(20s)));
}

TEST(PoliteClient, BacksOffExponentiallyWithJitterOnNetworkErrorsAnd5xx) {
  RetryPolicy policy;
  policy.max_tries = 6;
  Harness h(
      [](const std::string&, int call) -> Result<HttpResponse> {
        if (call < 3) return NetworkError();
        if (call < 5) return Reply(502);
        return Ok200("ok");
      },
      policy);
  ASSERT_TRUE(h.client->Get(kUrl));
  auto sleeps = h.clock.sleeps();
  ASSERT_EQ(sleeps.size(), 5u);
  // Retry n waits in [b/2, b], b = 5 s * 2^(n-1).
  for (size_t i = 0; i < sleeps.size(); ++i) {
    double b = 5.0 * (1 << i);
    double s = std::chrono::duration<double>(sleeps[i]).count();
    EXPECT_THAT(s, AllOf(Ge(std::max(b / 2, 3.0)), Le(b))) << "retry " << i + 1;
  }
}

TEST(PoliteClient, JitterDiffersBetweenSeeds) {
  RetryPolicy a;
  a.seed = 1;
  RetryPolicy b;
  b.seed = 2;
  Harness ha([](const std::string&, int) -> Result<HttpResponse> { return NetworkError(); }, a);
  Harness hb([](const std::string&, int) -> Result<HttpResponse> { return NetworkError(); }, b);
  EXPECT_NE(ha.client->Backoff(3), hb.client->Backoff(3));
  for (int n = 1; n < 20; ++n) EXPECT_LE(ha.client->Backoff(n), 5min);
}

TEST(PoliteClient, GivesUpAfterMaxTriesWithAClearError) {
  RetryPolicy policy;
  policy.max_tries = 3;
  Harness h([](const std::string&, int) -> Result<HttpResponse> { return NetworkError(); }, policy);
  auto r = h.client->Get(kUrl);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(r.error().message, HasSubstr(kUrl));
  EXPECT_THAT(r.error().message, HasSubstr("gave up after 3 tries"));
  EXPECT_THAT(r.error().message, HasSubstr("Connection refused"));
  EXPECT_EQ(h.log->urls.size(), 3u);
  EXPECT_EQ(h.clock.sleeps().size(), 2u);  // no pointless wait after the last try
}

TEST(PoliteClient, RefusesToWaitLongerThanTheCap) {
  Harness h([](const std::string&, int) -> Result<HttpResponse> { return Reply(503, "86400"); });
  auto r = h.client->Get(kUrl);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("retry after 86400 s"));
  EXPECT_EQ(h.log->urls.size(), 1u);
}

TEST(PoliteClient, FinalStatusesAreReturnedNotRetried) {
  Harness h([](const std::string&, int) -> Result<HttpResponse> { return Reply(400); });
  auto r = h.client->Get(kUrl);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(h.log->urls.size(), 1u);
}

TEST(PoliteClient, PermanentFetchErrorsAreNotRetried) {
  Harness h([](const std::string&, int) -> Result<HttpResponse> {
    return Fail(ErrorCode::kInvalidArgument, "bad URL");
  });
  auto r = h.client->Get(kUrl);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(h.log->urls.size(), 1u);
}

TEST(PoliteClient, TellsAboutEachRetry) {
  Harness h([](const std::string&, int call) -> Result<HttpResponse> {
    return call == 0 ? Reply(503, "7") : Ok200("ok");
  });
  std::vector<RetryNotice> notices;
  h.client->set_on_retry([&](const RetryNotice& n) { notices.push_back(n); });
  ASSERT_TRUE(h.client->Get(kUrl));
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].attempt, 1);
  EXPECT_EQ(notices[0].wait, 7s);
  EXPECT_THAT(notices[0].problem, HasSubstr("HTTP 503 with Retry-After: 7"));
}

TEST(ParseRetryAfter, SecondsDatesAndGarbage) {
  FakeClock clock;
  auto now = clock.Now();
  EXPECT_EQ(ParseRetryAfter("120", now), Clock::Duration(120s));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), Clock::Duration(0s));
  EXPECT_EQ(ParseRetryAfter("Mon, 05 Jan 2026 12:01:00 GMT", now), Clock::Duration(60s));
  EXPECT_EQ(ParseRetryAfter("Sun, 04 Jan 2026 12:00:00 GMT", now), Clock::Duration(0s));
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("2026-01-05", now), std::nullopt);
}

}  // namespace
}  // namespace paperpulse::ingest::harvest
