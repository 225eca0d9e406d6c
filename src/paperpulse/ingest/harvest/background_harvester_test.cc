#include "paperpulse/ingest/harvest/background_harvester.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "paperpulse/base/time.h"
#include "paperpulse/ingest/harvest/scripted_fetcher.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::ingest::harvest {
namespace {

using namespace std::chrono_literals;
using testing::ArxivPages;
using ::testing::HasSubstr;
using testing::ScriptedFetcher;

Clock::WallTime At(const char* timestamp) {
  return Clock::WallTime{} + std::chrono::seconds(*TimestampToUnix(timestamp));
}

TEST(NextDailyRun, SameDayWhenStillAheadElseTomorrow) {
  EXPECT_EQ(NextDailyRun(At("2026-01-05T01:00:00Z"), 120min), At("2026-01-05T02:00:00Z"));
  EXPECT_EQ(NextDailyRun(At("2026-01-05T02:00:00Z"), 120min), At("2026-01-06T02:00:00Z"));
  EXPECT_EQ(NextDailyRun(At("2026-01-05T23:59:00Z"), 0min), At("2026-01-06T00:00:00Z"));
}

// Polls `done` for up to 10 s.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

class BackgroundHarvesterTest : public ::testing::Test {
 protected:
  BackgroundHarvestOptions Options() {
    BackgroundHarvestOptions o;
    o.store = db_.options();
    o.harvest.endpoint = "http://127.0.0.1:9/oai";
    o.retry.initial_backoff = 1ms;
    o.retry.max_backoff = 2ms;
    o.retry.max_tries = 2;
    return o;
  }
  storage::testing::TempDatabase db_{"sqlite"};
  RateLimiter limiter_{DefaultClock(), 0s};
  ArxivPages pages_;
};

TEST_F(BackgroundHarvesterTest, CatchesUpAtStartThenWaitsForTheDailyRun) {
  ASSERT_TRUE(pages_.ok());
  BackgroundHarvester bg(Options(), limiter_, [this](const std::atomic<bool>*) {
    return Result<std::unique_ptr<Fetcher>>(std::make_unique<ScriptedFetcher>(
        [this](const std::string& url, int) { return pages_.Serve(url); }));
  });
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return !bg.status().last_success.empty(); }));
  BackgroundHarvestStatus s = bg.status();
  EXPECT_EQ(s.last_records, ArxivPages::kRecords);
  EXPECT_EQ(s.failures, 0);
  EXPECT_FALSE(s.running);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_FALSE(s.next_run.empty());
  auto start = std::chrono::steady_clock::now();
  bg.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  auto cp = LoadCheckpoint(*db_.Open());
  ASSERT_TRUE(cp && *cp);
  EXPECT_TRUE((*cp)->complete);
}

TEST_F(BackgroundHarvesterTest, OfflineIsOneFailedAttemptAndStopIsPrompt) {
  BackgroundHarvester bg(Options(), limiter_, [](const std::atomic<bool>*) {
    return Result<std::unique_ptr<Fetcher>>(
        std::make_unique<ScriptedFetcher>([](const std::string&, int) -> Result<HttpResponse> {
          return Fail(ErrorCode::kUnavailable, "Could not resolve host: oaipmh.arxiv.org");
        }));
  });
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return bg.status().failures == 1; }));
  BackgroundHarvestStatus s = bg.status();
  EXPECT_THAT(s.last_error, HasSubstr("Could not resolve host"));
  EXPECT_TRUE(s.last_success.empty());
  auto start = std::chrono::steady_clock::now();
  bg.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(bg.status().attempts, 1);  // the next attempt waits an hour
}

TEST_F(BackgroundHarvesterTest, StopInterruptsALongRetryAfterWait) {
  BackgroundHarvestOptions o = Options();
  o.retry.max_tries = 5;
  BackgroundHarvester bg(o, limiter_, [](const std::atomic<bool>*) {
    return Result<std::unique_ptr<Fetcher>>(
        std::make_unique<ScriptedFetcher>([](const std::string&, int) -> Result<HttpResponse> {
          return HttpResponse{503, "busy", "600", "text/html"};
        }));
  });
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return bg.status().running; }));
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  bg.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(BackgroundHarvesterTest, NoCatchUpWhenTodaysRunIsDone) {
  ASSERT_TRUE(pages_.ok());
  auto factory = [this](const std::atomic<bool>*) {
    return Result<std::unique_ptr<Fetcher>>(std::make_unique<ScriptedFetcher>(
        [this](const std::string& url, int) { return pages_.Serve(url); }));
  };
  {
    BackgroundHarvester first(Options(), limiter_, factory);
    ASSERT_TRUE(first.RunOnce());
  }
  BackgroundHarvester bg(Options(), limiter_, factory);
  ASSERT_TRUE(bg.Start());
  std::this_thread::sleep_for(200ms);
  bg.Stop();
  EXPECT_EQ(bg.status().attempts, 0);
}

TEST_F(BackgroundHarvesterTest, StartFailsOnABadStore) {
  BackgroundHarvestOptions o = Options();
  o.store.url = "mysql://nowhere";
  BackgroundHarvester bg(o, limiter_);
  EXPECT_FALSE(bg.Start());
  bg.Stop();
}

}  // namespace
}  // namespace paperpulse::ingest::harvest
