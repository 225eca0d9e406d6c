// HTTP the way arXiv asks robots to behave: every request through the shared
// RateLimiter; 503 (and 429) answered by waiting what Retry-After says;
// network errors and other 5xx retried with exponential back-off and
// jitter; a bounded number of tries, then a clear error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/ingest/harvest/fetcher.h"
#include "paperpulse/ingest/harvest/rate_limiter.h"

namespace paperpulse::ingest::harvest {

struct RetryPolicy {
  // Tries per request, the first included. Waiting out a Retry-After counts
  // as a try: a server that never stops asking for patience is down.
  int max_tries = 8;
  // Back-off before retry n (1-based) is drawn uniformly from [b/2, b] with
  // b = min(max_backoff, initial_backoff * 2^(n-1)): doubling spreads the
  // load of a struggling server, the jitter keeps many clients from
  // retrying in step, the floor keeps retries from bunching at zero.
  Clock::Duration initial_backoff = std::chrono::seconds(5);
  Clock::Duration max_backoff = std::chrono::minutes(5);
  // A Retry-After longer than this ends the request with an error instead
  // of blocking for hours (arXiv asks for seconds to minutes).
  Clock::Duration max_retry_after = std::chrono::minutes(15);
  // Seed of the jitter; 0 draws one from std::random_device.
  uint64_t seed = 0;
};

// Why and how long PoliteClient waits before retrying, for progress output.
struct RetryNotice {
  std::string url;
  int attempt = 0;  // the failed try, 1-based
  std::string problem;
  Clock::Duration wait{};
};

class PoliteClient {
 public:
  // Owns `fetcher`; borrows `limiter` (shared with the process's other
  // arXiv clients) and `clock` (Retry-After dates, back-off), which must
  // outlive it.
  PoliteClient(std::unique_ptr<Fetcher> fetcher, RateLimiter& limiter, Clock& clock,
               RetryPolicy policy = {});

  // GETs `url`, retrying as described above, and returns the first response
  // that is final: 2xx, 3xx, or a 4xx other than 429 (the API sends its
  // error feeds with 400: their body is the message). Errors:
  // kUnavailable after policy.max_tries (message: URL, tries, last problem)
  // or when Retry-After exceeds policy.max_retry_after, or when stopped;
  // kInvalidArgument for a URL the fetcher rejects. Every try, successful or
  // not, goes through the limiter. Not thread-safe (one per thread; the
  // limiter is what they share).
  Result<HttpResponse> Get(const std::string& url);

  // The back-off before retry `failures` (1-based), jitter included; also
  // used by callers that retry at their level (malformed pages).
  Clock::Duration Backoff(int failures);

  // Called before each wait for a retry (default: a debug log line).
  void set_on_retry(std::function<void(const RetryNotice&)> fn) { on_retry_ = std::move(fn); }
  // Makes waits interruptible: once `sleeper` is interrupted, Get() returns
  // kUnavailable "stopped" at its next wait instead of sleeping.
  void set_interruptible(InterruptibleClock* sleeper) { sleeper_ = sleeper; }

  RateLimiter& limiter() { return limiter_; }
  Clock& clock() { return clock_; }
  const RetryPolicy& policy() const { return policy_; }

 private:
  std::unique_ptr<Fetcher> fetcher_;
  RateLimiter& limiter_;
  Clock& clock_;
  RetryPolicy policy_;
  std::mt19937_64 rng_;
  std::function<void(const RetryNotice&)> on_retry_;
  InterruptibleClock* sleeper_ = nullptr;
};

// A Retry-After header value (RFC 9110 10.2.3): delay-seconds ("120") or an
// HTTP-date ("Fri, 31 Dec 1999 23:59:59 GMT"), the latter relative to `now`.
// A date in the past means no wait. nullopt when the value is neither.
std::optional<Clock::Duration> ParseRetryAfter(std::string_view value, Clock::WallTime now);

// Whether a response with `status` is worth retrying (5xx, 429, 408).
bool IsRetryableStatus(int status);

}  // namespace paperpulse::ingest::harvest
