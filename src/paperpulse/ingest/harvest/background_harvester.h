// The harvester as `serve` runs it: a thread that harvests incrementally
// once a day, a while after arXiv's announcement, into its own Store
// connection. Failures (offline, arXiv down) log one warning per attempt and
// are retried later; serving is never affected.
//
// Usage (serve_cmd.cc):
//   InterruptibleClock limiter_clock(TestTimeSpeed());
//   harvest::RateLimiter limiter(limiter_clock, harvest::kArxivMinInterval);
//   harvest::BackgroundHarvestOptions bg;
//   bg.store = common.ToStoreOptions();
//   bg.curl.user_agent = harvest::UserAgent("paperpulse/" PAPERPULSE_VERSION, contact);
//   bg.time_speed = TestTimeSpeed();
//   harvest::BackgroundHarvester harvester(bg, limiter);
//   if (Status s = harvester.Start(); !s) { ... report s.error() and exit ... }
//   ... serve; at shutdown: harvester.Stop();
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/ingest/harvest/curl_fetcher.h"
#include "paperpulse/ingest/harvest/oai_harvester.h"
#include "paperpulse/ingest/harvest/polite_client.h"
#include "paperpulse/ingest/harvest/rate_limiter.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::ingest::harvest {

struct BackgroundHarvestOptions {
  // The thread opens its own Store from these (a Store serves one thread).
  storage::StoreOptions store;
  // Endpoint, set and format; from/until are ignored (always incremental),
  // and so are on_progress and stop.
  HarvestOptions harvest;
  CurlOptions curl;
  // Fewer tries than an interactive harvest: the next attempt comes anyway.
  RetryPolicy retry = {.max_tries = 4};
  // Minutes after 00:00 UTC of the daily run. arXiv announces at 20:00 New
  // York time (00:00 UTC in summer, 01:00 in winter) and updates OAI-PMH
  // shortly after, so 02:00 UTC is after both.
  std::chrono::minutes run_at{120};
  // After a failed attempt, the next one comes this much later (or at the
  // daily time, when that is sooner).
  std::chrono::minutes retry_after_failure{60};
  // On Start(), harvest at once when the last daily run was missed (serve
  // was down at run_at, or a harvest was interrupted).
  bool catch_up_on_start = true;
  // How much faster than real time the thread's clock runs (schedule,
  // back-off, Retry-After): TestTimeSpeed() in serve, for integration tests
  // only. The limiter's clock must run at the same speed.
  double time_speed = 1.0;
};

// What the thread is doing, for /healthz and /metrics.
struct BackgroundHarvestStatus {
  bool running = false;      // a harvest is in progress
  std::string last_attempt;  // UTC timestamps, "" = never
  std::string last_success;
  std::string last_error;  // of the last attempt, "" when it succeeded
  std::string next_run;
  int64_t last_records = 0;  // records read by the last successful run
  int64_t attempts = 0;
  int64_t failures = 0;
};

// The next daily run strictly after `now`: `at` past midnight UTC.
Clock::WallTime NextDailyRun(Clock::WallTime now, std::chrono::minutes at);

class BackgroundHarvester {
 public:
  // Makes the Fetcher of one attempt; the default builds a CurlFetcher from
  // options.curl. `abort` is set when Stop() wants a transfer cut short.
  using FetcherFactory =
      std::function<Result<std::unique_ptr<Fetcher>>(const std::atomic<bool>* abort)>;

  // Borrows `limiter` (the process's arXiv limiter, shared with the API
  // client), which must outlive this object.
  BackgroundHarvester(BackgroundHarvestOptions options, RateLimiter& limiter,
                      FetcherFactory factory = nullptr);
  // Stops the thread (see Stop()).
  ~BackgroundHarvester();

  BackgroundHarvester(const BackgroundHarvester&) = delete;
  BackgroundHarvester& operator=(const BackgroundHarvester&) = delete;

  // Opens the Store and starts the thread. Errors: the Store's (then no
  // thread runs); kInternal when already started.
  Status Start();

  // Interrupts any wait or transfer, rolls back the open page (committed
  // pages stay) and joins the thread: returns within about a second. Safe
  // to call more than once, and without Start().
  void Stop();

  BackgroundHarvestStatus status() const;

  // Harvests once, now, on the calling thread with a Store opened for the
  // purpose; what the thread does at each scheduled time. Must not run
  // while the thread is started. Errors as OaiHarvester::Run().
  Status RunOnce();

 private:
  void Loop();
  Status Harvest(storage::Store& store);
  // Whether the daily run before `now` was missed (or never happened).
  bool Missed(storage::Store& store, Clock::WallTime now);
  void SetNextRun(Clock::WallTime when);

  BackgroundHarvestOptions options_;
  RateLimiter& limiter_;
  FetcherFactory factory_;
  InterruptibleClock clock_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<storage::Store> store_;  // the thread's, opened by Start()
  std::thread thread_;
  mutable std::mutex mu_;
  BackgroundHarvestStatus status_;
};

}  // namespace paperpulse::ingest::harvest
