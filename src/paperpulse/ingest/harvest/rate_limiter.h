// The politeness arXiv asks of robots: one request at a time, at least 3 s
// apart (https://info.arxiv.org/help/api/tou.html). One RateLimiter per
// process is shared by every fetcher that talks to arXiv (the OAI-PMH
// harvester and the API client), so together they never exceed the limit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "paperpulse/base/clock.h"

namespace paperpulse::ingest::harvest {

// arXiv's limit between two requests.
inline constexpr std::chrono::seconds kArxivMinInterval{3};

class RateLimiter {
 public:
  // The single request slot, held from Acquire() until destroyed.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : limiter_(other.limiter_) { other.limiter_ = nullptr; }
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    ~Permit();

   private:
    friend class RateLimiter;
    explicit Permit(RateLimiter* limiter) : limiter_(limiter) {}
    RateLimiter* limiter_;
  };

  // `clock` measures intervals (SteadyNow) and sleeps; it must outlive the
  // limiter. `min_interval` is the least time between the end of one
  // request and the start of the next: measured from the end, so that a
  // slow response never lets the next request follow its start closely.
  RateLimiter(Clock& clock, Clock::Duration min_interval);

  // Blocks until no request is in flight, `min_interval` has passed since
  // the last one ended, and every DelayNext() deadline is over; then returns
  // the permit to start one request. Sleeps through `sleeper` when given, so
  // that a shutdown can cut the wait short: then (and only then) returns
  // nullopt. Without a sleeper, sleeps through the limiter's clock.
  // Thread-safe; waiters are served one at a time, in no particular order.
  std::optional<Permit> Acquire(InterruptibleClock* sleeper = nullptr);

  // No request (of any user) starts before `d` from now: how a server's
  // Retry-After and a client's back-off are shared with the other fetchers.
  // Never brings an earlier deadline forward. Thread-safe.
  void DelayNext(Clock::Duration d);

  Clock::Duration min_interval() const { return min_interval_; }

 private:
  void Release();

  Clock& clock_;
  const Clock::Duration min_interval_;
  std::mutex mu_;
  std::condition_variable idle_;
  bool busy_ = false;
  std::optional<Clock::SteadyTime> not_before_;
};

}  // namespace paperpulse::ingest::harvest
