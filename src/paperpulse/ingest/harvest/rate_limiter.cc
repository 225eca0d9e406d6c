#include "paperpulse/ingest/harvest/rate_limiter.h"

#include <algorithm>

namespace paperpulse::ingest::harvest {

RateLimiter::Permit::~Permit() {
  if (limiter_ != nullptr) limiter_->Release();
}

RateLimiter::RateLimiter(Clock& clock, Clock::Duration min_interval)
    : clock_(clock), min_interval_(std::max(min_interval, Clock::Duration::zero())) {}

std::optional<RateLimiter::Permit> RateLimiter::Acquire(InterruptibleClock* sleeper) {
  Clock& sleep_clock = sleeper != nullptr ? static_cast<Clock&>(*sleeper) : clock_;
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return !busy_; });
  // Taken before sleeping, so other callers queue behind the wait instead
  // of each computing the same start time.
  busy_ = true;
  // The deadline may move while we sleep (DelayNext from a thread that just
  // saw a 503), so it is read again after every sleep.
  while (not_before_) {
    Clock::Duration wait = *not_before_ - clock_.SteadyNow();
    if (wait <= Clock::Duration::zero()) break;
    if (sleeper != nullptr && sleeper->interrupted()) {
      busy_ = false;
      lock.unlock();
      idle_.notify_one();
      return std::nullopt;
    }
    lock.unlock();
    sleep_clock.SleepFor(wait);
    lock.lock();
  }
  return Permit(this);
}

void RateLimiter::DelayNext(Clock::Duration d) {
  std::lock_guard lock(mu_);
  Clock::SteadyTime until = clock_.SteadyNow() + d;
  if (!not_before_ || *not_before_ < until) not_before_ = until;
}

void RateLimiter::Release() {
  {
    std::lock_guard lock(mu_);
    busy_ = false;
    Clock::SteadyTime until = clock_.SteadyNow() + min_interval_;
    if (!not_before_ || *not_before_ < until) not_before_ = until;
  }
  idle_.notify_one();
}

}  // namespace paperpulse::ingest::harvest
