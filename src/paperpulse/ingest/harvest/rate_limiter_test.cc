#include "paperpulse/ingest/harvest/rate_limiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace paperpulse::ingest::harvest {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

TEST(RateLimiter, FirstRequestGoesAtOnceThenMinIntervalAfterTheEnd) {
  FakeClock clock;
  RateLimiter limiter(clock, 3s);
  { auto p = limiter.Acquire(); }
  EXPECT_TRUE(clock.sleeps().empty());
  {
    auto p = limiter.Acquire();
    clock.Advance(2s);  // the request takes 2 s: the next waits 3 s after its end
  }
  { auto p = limiter.Acquire(); }
  EXPECT_THAT(clock.sleeps(), ElementsAre(Clock::Duration(3s), Clock::Duration(3s)));
}

TEST(RateLimiter, TimeSpentElsewhereCountsTowardsTheInterval) {
  FakeClock clock;
  RateLimiter limiter(clock, 3s);
  { auto p = limiter.Acquire(); }
  clock.Advance(2s);  // parsing and storing the page
  { auto p = limiter.Acquire(); }
  EXPECT_THAT(clock.sleeps(), ElementsAre(Clock::Duration(1s)));
}

TEST(RateLimiter, DelayNextPostponesButNeverAdvances) {
  FakeClock clock;
  RateLimiter limiter(clock, 3s);
  { auto p = limiter.Acquire(); }
  limiter.DelayNext(10s);  // Retry-After: 10
  limiter.DelayNext(1s);   // a shorter ask later does not shorten it
  { auto p = limiter.Acquire(); }
  EXPECT_THAT(clock.sleeps(), ElementsAre(Clock::Duration(10s)));
}

TEST(RateLimiter, InterruptedSleeperGetsNoPermit) {
  RateLimiter limiter(DefaultClock(), 1h);
  { auto p = limiter.Acquire(); }
  InterruptibleClock sleeper;
  std::thread stopper([&] {
    std::this_thread::sleep_for(20ms);
    sleeper.Interrupt();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(limiter.Acquire(&sleeper).has_value());
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

// Real clock, several threads: requests never overlap, and each starts at
// least the interval after the previous one ended.
TEST(RateLimiter, SharedByThreadsOneAtATimeAndSpaced) {
  constexpr auto kInterval = 30ms;
  RateLimiter limiter(DefaultClock(), kInterval);
  std::mutex mu;
  std::vector<std::pair<Clock::SteadyTime, Clock::SteadyTime>> spans;
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto permit = limiter.Acquire();
        auto begin = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(2ms);  // the "request"
        auto end = std::chrono::steady_clock::now();
        std::lock_guard lock(mu);
        spans.emplace_back(begin, end);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(spans.size(), 9u);
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    EXPECT_GE(spans[i].first - spans[i - 1].second, kInterval) << "request " << i;
  }
}

}  // namespace
}  // namespace paperpulse::ingest::harvest
