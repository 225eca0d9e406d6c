#include "paperpulse/base/clock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
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
  // (Read in sequence: the operands of '-' may be evaluated in any order.)
  InterruptibleClock other(1000);
  auto fast_now = fast.SteadyNow();
  auto other_now = other.SteadyNow();
  EXPECT_LT(other_now - fast_now, 1h);
  EXPECT_GE(other_now - fast_now, 0s);
}

TEST(InterruptibleClock, SpeedBelowOneIsRealTime) {
  InterruptibleClock clock(0.001);
  auto before = std::chrono::steady_clock::now();
  auto now = clock.SteadyNow();
  EXPECT_GE(now, before);
  EXPECT_LT(now - before, 1h);
}

// Test-only time control is off in production: the variable alone changes
// nothing (it used to speed up serve's and harvest's clocks in the released
// binary); only the testing binary's main enables it.
TEST(TestTimeSpeed, EnvironmentIsIgnoredUnlessTheTestHookIsEnabled) {
  ASSERT_EQ(::setenv("PAPERPULSE_TEST_TIME_SPEED", "1000", 1), 0);
  EXPECT_EQ(TestTimeSpeed(), 1.0);

  EnableTestTimeSpeedFromEnvironment();
  EXPECT_EQ(TestTimeSpeed(), 1000.0);
  for (const char* bad : {"fast", "0.5", "1e7", "10x", ""}) {
    ASSERT_EQ(::setenv("PAPERPULSE_TEST_TIME_SPEED", bad, 1), 0);
    EnableTestTimeSpeedFromEnvironment();
    EXPECT_EQ(TestTimeSpeed(), 1.0) << bad;
  }
  ASSERT_EQ(::unsetenv("PAPERPULSE_TEST_TIME_SPEED"), 0);
  EnableTestTimeSpeedFromEnvironment();
  EXPECT_EQ(TestTimeSpeed(), 1.0);
}

TEST(RealClock, SleepsAtLeastTheDuration) {
  RealClock clock;
  auto start = clock.SteadyNow();
  clock.SleepFor(10ms);
  EXPECT_GE(clock.SteadyNow() - start, 10ms);
}

}  // namespace
}  // namespace paperpulse
