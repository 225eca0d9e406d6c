#include "paperpulse/base/clock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace paperpulse {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

TEST(FakeClock, SleepsAdvanceBothClocksAndAreRecorded) {
  FakeClock clock;
  auto wall = clock.Now();
  auto steady = clock.SteadyNow();
  clock.SleepFor(3s);
  clock.SleepFor(0s);
  clock.SleepFor(-1s);
  clock.Advance(1s);
  EXPECT_EQ(clock.Now() - wall, 4s);
  EXPECT_EQ(clock.SteadyNow() - steady, 4s);
  EXPECT_THAT(clock.sleeps(), ElementsAre(Clock::Duration(3s)));
  EXPECT_EQ(clock.total_slept(), 3s);
}

TEST(InterruptibleClock, InterruptEndsASleepAndLaterOnes) {
  InterruptibleClock clock;
  auto start = std::chrono::steady_clock::now();
  std::thread sleeper([&] { clock.SleepFor(1h); });
  std::this_thread::sleep_for(20ms);
  clock.Interrupt();
  sleeper.join();
  clock.SleepFor(1h);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_TRUE(clock.interrupted());
}

TEST(InterruptibleClock, FastClockRunsFasterAndSleepsShorter) {
  InterruptibleClock fast(1000);
  auto real_start = std::chrono::steady_clock::now();
  auto steady = fast.SteadyNow();
  auto wall = fast.Now();
  fast.SleepFor(20s);  // 20 ms of real time
  EXPECT_GE(fast.SteadyNow() - steady, 20s);
  EXPECT_GE(fast.Now() - wall, 20s);
  EXPECT_LT(std::chrono::steady_clock::now() - real_start, 10s);
  // Two clocks of one speed share their origin.
  InterruptibleClock other(1000);
  EXPECT_LT(other.SteadyNow() - fast.SteadyNow(), 1h);
  EXPECT_GE(other.SteadyNow() - fast.SteadyNow(), 0s);
}

TEST(InterruptibleClock, SpeedBelowOneIsRealTime) {
  InterruptibleClock clock(0.001);
  auto before = std::chrono::steady_clock::now();
  auto now = clock.SteadyNow();
  EXPECT_GE(now, before);
  EXPECT_LT(now - before, 1h);
}

TEST(RealClock, SleepsAtLeastTheDuration) {
  RealClock clock;
  auto start = clock.SteadyNow();
  clock.SleepFor(10ms);
  EXPECT_GE(clock.SteadyNow() - start, 10ms);
}

}  // namespace
}  // namespace paperpulse
