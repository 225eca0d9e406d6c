#include "paperpulse/base/clock.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <numeric>
#include <thread>

namespace paperpulse {

Clock::WallTime RealClock::Now() { return std::chrono::system_clock::now(); }

Clock::SteadyTime RealClock::SteadyNow() { return std::chrono::steady_clock::now(); }

void RealClock::SleepFor(Duration d) {
  if (d > Duration::zero()) std::this_thread::sleep_for(d);
}

namespace {

// Where fast clocks start from: real time when first asked, shared by every
// clock of the process so that two clocks of one speed agree.
struct Origin {
  Clock::WallTime wall = std::chrono::system_clock::now();
  Clock::SteadyTime steady = std::chrono::steady_clock::now();
};

const Origin& ProcessOrigin() {
  static const Origin origin;
  return origin;
}

Clock::Duration Scale(Clock::Duration d, double factor) {
  return std::chrono::duration_cast<Clock::Duration>(
      std::chrono::duration<double, std::nano>(static_cast<double>(d.count()) * factor));
}

}  // namespace

InterruptibleClock::InterruptibleClock(double speed) : speed_(speed > 1 ? speed : 1.0) {
  if (speed_ > 1) ProcessOrigin();
}

Clock::WallTime InterruptibleClock::Now() {
  if (speed_ == 1) return std::chrono::system_clock::now();
  const Origin& o = ProcessOrigin();
  return o.wall + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                      Scale(std::chrono::steady_clock::now() - o.steady, speed_));
}

Clock::SteadyTime InterruptibleClock::SteadyNow() {
  if (speed_ == 1) return std::chrono::steady_clock::now();
  const Origin& o = ProcessOrigin();
  return o.steady + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        Scale(std::chrono::steady_clock::now() - o.steady, speed_));
}

void InterruptibleClock::SleepFor(Duration d) {
  if (d <= Duration::zero()) return;
  if (speed_ != 1) d = std::max(Scale(d, 1 / speed_), Duration(1));
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, d, [this] { return interrupted_; });
}

namespace {

// 1 in production; set once by EnableTestTimeSpeedFromEnvironment().
std::atomic<double> test_time_speed{1.0};

}  // namespace

double TestTimeSpeed() { return test_time_speed.load(std::memory_order_relaxed); }

void EnableTestTimeSpeedFromEnvironment() {
  const char* v = std::getenv("PAPERPULSE_TEST_TIME_SPEED");
  double speed = 1.0;
  if (v != nullptr && *v != '\0') {
    char* end = nullptr;
    double parsed = std::strtod(v, &end);
    if (end != nullptr && *end == '\0' && parsed >= 1 && parsed <= 1e6) speed = parsed;
  }
  test_time_speed.store(speed, std::memory_order_relaxed);
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

FakeClock::FakeClock(WallTime start)
    : wall_(start), steady_(SteadyTime{} + std::chrono::hours(1)) {}

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
