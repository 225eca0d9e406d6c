#include "paperpulse/ingest/harvest/background_harvester.h"

#include <spdlog/spdlog.h>

#include "paperpulse/base/time.h"

namespace paperpulse::ingest::harvest {
namespace {

constexpr std::chrono::hours kDay{24};

std::string Timestamp(Clock::WallTime t) {
  return FormatUnixTimestamp(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

}  // namespace

Clock::WallTime NextDailyRun(Clock::WallTime now, std::chrono::minutes at) {
  auto midnight = std::chrono::floor<std::chrono::days>(now);
  Clock::WallTime run = midnight + at;
  while (run <= now) run += kDay;
  return run;
}

BackgroundHarvester::BackgroundHarvester(BackgroundHarvestOptions options, RateLimiter& limiter,
                                         FetcherFactory factory)
    : options_(std::move(options)),
      limiter_(limiter),
      factory_(std::move(factory)),
      clock_(options_.time_speed) {
  if (!factory_) {
    factory_ =
        [curl = options_.curl](const std::atomic<bool>* abort) -> Result<std::unique_ptr<Fetcher>> {
      CurlOptions o = curl;
      o.abort = abort;
      ASSIGN_OR_RETURN(std::unique_ptr<CurlFetcher> f, CurlFetcher::Create(std::move(o)));
      return std::unique_ptr<Fetcher>(std::move(f));
    };
  }
  options_.harvest.from.clear();
  options_.harvest.until.clear();
  options_.harvest.on_progress = nullptr;
  options_.harvest.stop = &stop_;
  if (!options_.harvest.on_reject) {
    // Rejected records are counted in the summary line; one line each
    // would flood a server's log.
    options_.harvest.on_reject = [](const SourcePos& pos, const std::string& reason) {
      spdlog::debug("background harvest: {}: {}", pos.ToString(), reason);
    };
  }
}

BackgroundHarvester::~BackgroundHarvester() { Stop(); }

Status BackgroundHarvester::Start() {
  if (thread_.joinable()) return Fail(ErrorCode::kInternal, "background harvester already started");
  ASSIGN_OR_RETURN(store_, storage::Store::Open(options_.store));
  thread_ = std::thread([this] { Loop(); });
  return Ok();
}

void BackgroundHarvester::Stop() {
  stop_ = true;
  clock_.Interrupt();
  if (thread_.joinable()) thread_.join();
}

BackgroundHarvestStatus BackgroundHarvester::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void BackgroundHarvester::SetNextRun(Clock::WallTime when) {
  std::lock_guard lock(mu_);
  status_.next_run = Timestamp(when);
}

bool BackgroundHarvester::Missed(storage::Store& store, Clock::WallTime now) {
  Result<std::optional<Checkpoint>> cp = LoadCheckpoint(store);
  if (!cp || !*cp) return true;
  const Checkpoint& c = **cp;
  if (!c.complete || c.endpoint != options_.harvest.endpoint || c.set != options_.harvest.set) {
    return true;
  }
  std::string last_scheduled = Timestamp(NextDailyRun(now, options_.run_at) - kDay);
  return c.finished_at < last_scheduled;
}

Status BackgroundHarvester::Harvest(storage::Store& store) {
  ASSIGN_OR_RETURN(std::unique_ptr<Fetcher> fetcher, factory_(&stop_));
  PoliteClient client(std::move(fetcher), limiter_, clock_, options_.retry);
  client.set_interruptible(&clock_);
  OaiHarvester harvester(store, client, options_.harvest);
  {
    std::lock_guard lock(mu_);
    status_.running = true;
    status_.last_attempt = Timestamp(clock_.Now());
    ++status_.attempts;
  }
  Status result = harvester.Run();
  const HarvestReport& r = harvester.report();
  std::lock_guard lock(mu_);
  status_.running = false;
  if (result) {
    status_.last_success = Timestamp(clock_.Now());
    status_.last_error.clear();
    status_.last_records = r.counts.read;
    spdlog::info(
        "background harvest: {} records in {} pages ({} new, {} updated, {} unchanged, {} "
        "rejected), harvested through {}",
        r.counts.read, r.pages, r.counts.inserted, r.counts.updated, r.counts.unchanged,
        r.counts.rejected, r.checkpoint.harvested_through);
  } else {
    ++status_.failures;
    status_.last_error = result.error().message;
  }
  return result;
}

Status BackgroundHarvester::RunOnce() {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::Store::Open(options_.store));
  return Harvest(*store);
}

void BackgroundHarvester::Loop() {
  Clock::WallTime now = clock_.Now();
  Clock::WallTime next =
      options_.catch_up_on_start && Missed(*store_, now) ? now : NextDailyRun(now, options_.run_at);
  while (!stop_) {
    SetNextRun(next);
    now = clock_.Now();
    if (now < next) {
      clock_.SleepFor(next - now);
      continue;  // woken early (Stop) or late: look again
    }
    Status result = Harvest(*store_);
    if (stop_) break;
    Clock::WallTime daily = NextDailyRun(clock_.Now(), options_.run_at);
    if (result) {
      next = daily;
    } else {
      next = std::min(daily, clock_.Now() + options_.retry_after_failure);
      // The one warning of this attempt: PoliteClient's retries log at debug.
      spdlog::warn("background harvest failed: {}; still serving, next attempt at {}",
                   result.error().message, Timestamp(next));
    }
  }
}

}  // namespace paperpulse::ingest::harvest
