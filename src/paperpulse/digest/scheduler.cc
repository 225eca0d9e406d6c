#include "paperpulse/digest/scheduler.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "paperpulse/base/time.h"

namespace paperpulse::digest {
namespace {

// The local date ("YYYY-MM-DD") and minutes after local midnight of `t`, in
// the process's time zone (serve sets TZ from --timezone).
std::pair<std::string, int> LocalDateAndMinutes(Clock::WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  localtime_r(&secs, &local);
  CivilDate d{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
  return {FormatDate(d), local.tm_hour * 60 + local.tm_min};
}

std::string DoneKey(DigestFrequency f) { return "digest.done." + std::string(FrequencyName(f)); }

}  // namespace

Result<std::unique_ptr<Scheduler>> Scheduler::Start(SchedulerOptions options) {
  if (options.transport == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, "digests need an SMTP relay (--smtp)");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::Store::Open(options.store));
  auto s = std::unique_ptr<Scheduler>(new Scheduler(std::move(options), std::move(store)));
  s->thread_ = std::thread([p = s.get()] { p->Run(); });
  return s;
}

Scheduler::Scheduler(SchedulerOptions options, std::unique_ptr<storage::Store> store)
    : options_(std::move(options)), store_(std::move(store)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Stop() {
  clock_.Interrupt();
  if (thread_.joinable()) thread_.join();
}

Status Scheduler::RenderDue() {
  auto [today, minutes] = LocalDateAndMinutes(clock_.Now());
  if (minutes < options_.at_minutes) return Ok();
  for (DigestFrequency f : {DigestFrequency::kDaily, DigestFrequency::kWeekly}) {
    if (f == DigestFrequency::kWeekly && WeekdayOf(today) != options_.weekly_weekday) continue;
    ASSIGN_OR_RETURN(Period period, PeriodEnding(f, today));
    ASSIGN_OR_RETURN(std::optional<std::string> done, store_->GetMeta(DoneKey(f)));
    if (done && *done == period.key) continue;
    RunOptions run = options_.run;
    run.frequency = f;
    run.date = today;
    run.should_stop = [this] { return clock_.interrupted(); };
    ASSIGN_OR_RETURN(RunSummary s, RenderPeriod(*store_, options_.index, run, clock_));
    if (clock_.interrupted()) return Ok();  // a partial run: the next start goes on
    spdlog::info("digest {}: {} subscribers, {} rendered, {} had theirs, {} nothing new{}",
                 s.period, s.subscribers, s.rendered, s.already, s.nothing_new,
                 s.no_list ? " (no list that day)" : "");
    RETURN_IF_ERROR(store_->SetMeta(DoneKey(f), period.key));
  }
  return Ok();
}

void Scheduler::Run() {
  while (!clock_.interrupted()) {
    if (Status s = RenderDue(); !s) spdlog::warn("digest: {}", s.error().ToString());
    if (clock_.interrupted()) break;
    Result<DeliverySummary> d = DeliverDue(*store_, *options_.transport, options_.delivery, clock_);
    if (!d) {
      spdlog::warn("digest delivery: {}", d.error().ToString());
    } else if (d->sent + d->deferred + d->failed > 0) {
      spdlog::info("digest delivery: {} sent, {} deferred, {} failed ({} bounced)", d->sent,
                   d->deferred, d->failed, d->bounced);
    }
    clock_.SleepFor(options_.tick);
  }
}

}  // namespace paperpulse::digest
