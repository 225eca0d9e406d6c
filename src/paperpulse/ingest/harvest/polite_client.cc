#include "paperpulse/ingest/harvest/polite_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"

namespace paperpulse::ingest::harvest {
namespace {

std::string Seconds(Clock::Duration d) {
  double s = std::chrono::duration<double>(d).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.1f s" : "%.0f s", s);
  return buf;
}

Error Stopped(const std::string& url) {
  std::string message = url;
  message.append(": stopped");
  return Error{ErrorCode::kUnavailable, std::move(message)};
}

}  // namespace

bool IsRetryableStatus(int status) { return status >= 500 || status == 429 || status == 408; }

std::optional<Clock::Duration> ParseRetryAfter(std::string_view value, Clock::WallTime now) {
  value = TrimView(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  std::optional<std::string> normalized = NormalizeTimestamp(value);
  if (!normalized || normalized->size() <= 10) return std::nullopt;  // a date without time
  std::optional<int64_t> when = TimestampToUnix(*normalized);
  if (!when) return std::nullopt;
  auto delta = std::chrono::seconds(*when) - now.time_since_epoch();
  if (delta <= Clock::Duration::zero()) return Clock::Duration::zero();
  return std::chrono::duration_cast<Clock::Duration>(delta);
}

PoliteClient::PoliteClient(std::unique_ptr<Fetcher> fetcher, RateLimiter& limiter, Clock& clock,
                           RetryPolicy policy)
    : fetcher_(std::move(fetcher)),
      limiter_(limiter),
      clock_(clock),
      policy_(policy),
      rng_(policy.seed != 0 ? policy.seed : std::random_device{}()) {
  policy_.max_tries = std::max(policy_.max_tries, 1);
}

Clock::Duration PoliteClient::Backoff(int failures) {
  double base = std::chrono::duration<double>(policy_.initial_backoff).count() *
                std::ldexp(1.0, std::clamp(failures, 1, 62) - 1);
  base = std::min(base, std::chrono::duration<double>(policy_.max_backoff).count());
  std::uniform_real_distribution<double> jitter(base / 2, base);
  return std::chrono::duration_cast<Clock::Duration>(std::chrono::duration<double>(jitter(rng_)));
}

Result<HttpResponse> PoliteClient::Get(const std::string& url) {
  std::string problem;
  for (int attempt = 1; attempt <= policy_.max_tries; ++attempt) {
    if (sleeper_ != nullptr && sleeper_->interrupted()) return tl::unexpected(Stopped(url));
    std::optional<RateLimiter::Permit> permit = limiter_.Acquire(sleeper_);
    if (!permit) return tl::unexpected(Stopped(url));
    Result<HttpResponse> response = fetcher_->Get(url);
    // The interval to the next request counts from the end of this one.
    permit.reset();

    Clock::Duration wait{};
    if (!response) {
      if (response.error().code != ErrorCode::kUnavailable) return response;
      problem = response.error().message;
      wait = Backoff(attempt);
    } else if (IsRetryableStatus(response->status)) {
      problem = "HTTP ";
      problem.append(std::to_string(response->status));
      std::optional<Clock::Duration> asked;
      if (!response->retry_after.empty())
        asked = ParseRetryAfter(response->retry_after, clock_.Now());
      if (asked) {
        if (*asked > policy_.max_retry_after) {
          std::string message = url;
          message.append(": server asked to retry after ");
          message.append(Seconds(*asked));
          message.append(", longer than the limit of ");
          message.append(Seconds(policy_.max_retry_after));
          return Fail(ErrorCode::kUnavailable, std::move(message));
        }
        problem.append(" with Retry-After: ");
        problem.append(response->retry_after);
        wait = *asked;
      } else {
        wait = Backoff(attempt);
      }
    } else {
      return response;
    }
    if (attempt == policy_.max_tries) break;
    RetryNotice notice{url, attempt, problem, wait};
    if (on_retry_) {
      on_retry_(notice);
    } else {
      spdlog::debug("{}: {} (try {} of {}); retrying in {}", url, problem, attempt,
                    policy_.max_tries, Seconds(wait));
    }
    limiter_.DelayNext(wait);
  }
  std::string message = url;
  message.append(": gave up after ");
  message.append(std::to_string(policy_.max_tries));
  message.append(policy_.max_tries == 1 ? " try" : " tries");
  message.append("; last problem: ");
  message.append(problem);
  return Fail(ErrorCode::kUnavailable, std::move(message));
}

}  // namespace paperpulse::ingest::harvest
