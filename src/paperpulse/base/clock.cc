#include "paperpulse/base/clock.h"

#include <numeric>
#include <thread>

namespace paperpulse {

Clock::WallTime RealClock::Now() { return std::chrono::system_clock::now(); }

Clock::SteadyTime RealClock::SteadyNow() { return std::chrono::steady_clock::now(); }

void RealClock::SleepFor(Duration d) {
  if (d > Duration::zero()) std::this_thread::sleep_for(d);
}

Clock::WallTime InterruptibleClock::Now() { return std::chrono::system_clock::now(); }

Clock::SteadyTime InterruptibleClock::SteadyNow() { return std::chrono::steady_clock::now(); }

void InterruptibleClock::SleepFor(Duration d) {
  if (d <= Duration::zero()) return;
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, d, [this] { return interrupted_; });
}

void InterruptibleClock::Interrupt() {
  {
    std::lock_guard lock(mu_);
    interrupted_ = true;
  }
  wake_.notify_all();
}

bool InterruptibleClock::interrupted() const {
  std::lock_guard lock(mu_);
  return interrupted_;
}

Clock& DefaultClock() {
  static RealClock clock;
  return clock;
}

FakeClock::FakeClock(WallTime start) : wall_(start), steady_(SteadyTime{} + std::chrono::hours(1)) {}

Clock::WallTime FakeClock::DefaultStart() {
  // 2026-01-05T12:00:00Z.
  return WallTime{} + std::chrono::seconds(1767614400);
}

Clock::WallTime FakeClock::Now() {
  std::lock_guard lock(mu_);
  return wall_;
}

Clock::SteadyTime FakeClock::SteadyNow() {
  std::lock_guard lock(mu_);
  return steady_;
}

void FakeClock::SleepFor(Duration d) {
  if (d <= Duration::zero()) return;
  std::lock_guard lock(mu_);
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  steady_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
  sleeps_.push_back(d);
}

void FakeClock::Advance(Duration d) {
  std::lock_guard lock(mu_);
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  steady_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
}

std::vector<Clock::Duration> FakeClock::sleeps() const {
  std::lock_guard lock(mu_);
  return sleeps_;
}

Clock::Duration FakeClock::total_slept() const {
  std::lock_guard lock(mu_);
  return std::accumulate(sleeps_.begin(), sleeps_.end(), Duration::zero());
}

}  // namespace paperpulse
