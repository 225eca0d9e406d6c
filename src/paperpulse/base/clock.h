// Time as a dependency: code that waits (rate limits, retries, schedules)
// asks a Clock, so tests can inject a FakeClock that never really sleeps.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace paperpulse {

class Clock {
 public:
  using WallTime = std::chrono::system_clock::time_point;
  using SteadyTime = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::nanoseconds;

  virtual ~Clock() = default;

  // Wall-clock time (UTC): for schedules and timestamps people read.
  virtual WallTime Now() = 0;
  // A clock that never goes backwards: for measuring intervals, which must
  // not stretch or shrink when the wall clock is adjusted.
  virtual SteadyTime SteadyNow() = 0;
  // Blocks the calling thread for `d` (returns at once when d <= 0).
  virtual void SleepFor(Duration d) = 0;
};

// The system clocks and a real sleep. Thread-safe.
class RealClock final : public Clock {
 public:
  WallTime Now() override;
  SteadyTime SteadyNow() override;
  void SleepFor(Duration d) override;
};

// A process-wide RealClock, for callers that take a Clock& and want real time.
Clock& DefaultClock();

// Real time whose sleeps can be cut short from another thread: for threads
// that must stop promptly (the background harvester when serve shuts down).
class InterruptibleClock final : public Clock {
 public:
  // `speed` > 1 makes time pass that many times faster than real time: both
  // clocks run fast (from a process-wide origin, so every clock of one speed
  // agrees) and sleeps are that much shorter. Only for integration tests of
  // code that waits seconds to hours (see TestTimeSpeed()); values below 1
  // count as 1.
  explicit InterruptibleClock(double speed = 1.0);

  WallTime Now() override;
  SteadyTime SteadyNow() override;
  // Sleeps for `d`, or until Interrupt(); after Interrupt() returns at once.
  void SleepFor(Duration d) override;

  // Wakes every sleeper and makes later sleeps return at once. Idempotent.
  void Interrupt();
  bool interrupted() const;

 private:
  const double speed_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool interrupted_ = false;
};

// How much faster than real time the clocks of `harvest` and serve's
// background harvester run (for InterruptibleClock): 1, real time, unless
// EnableTestTimeSpeedFromEnvironment() was called.
double TestTimeSpeed();

// Test-only time control: reads the PAPERPULSE_TEST_TIME_SPEED environment
// variable (a number from 1 to 1e6; anything else counts as 1) and makes
// TestTimeSpeed() return it from then on. Only the `paperpulse-testing`
// binary (apps/paperpulse/testing_main.cc) calls it, first thing in main(),
// so that integration tests can wait out a Retry-After or a daily schedule
// in milliseconds; the production `paperpulse` binary never does, so the
// variable cannot make it break arXiv's 3 s limit. Call before any thread
// that reads the speed starts.
void EnableTestTimeSpeedFromEnvironment();

// For tests: time stands still until Advance() or SleepFor() moves it, and
// SleepFor() returns at once, recording what it was asked to wait. Both
// clocks move together. Thread-safe.
class FakeClock final : public Clock {
 public:
  // Starts at `start` wall time (default 2026-01-05T12:00:00Z, a Monday).
  explicit FakeClock(WallTime start = DefaultStart());

  WallTime Now() override;
  SteadyTime SteadyNow() override;
  // Advances both clocks by `d` and records it (non-positive waits are not
  // recorded: nobody really waited).
  void SleepFor(Duration d) override;

  // Moves time forward without recording a sleep (time spent elsewhere).
  void Advance(Duration d);
  // Every positive SleepFor() duration, in call order.
  std::vector<Duration> sleeps() const;
  // Sum of sleeps().
  Duration total_slept() const;

  static WallTime DefaultStart();

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  SteadyTime steady_;
  std::vector<Duration> sleeps_;
};

}  // namespace paperpulse
