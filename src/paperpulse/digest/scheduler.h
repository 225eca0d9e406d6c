// Digests inside `serve` (--digest-at HH:MM): a background thread that, once
// the site's local time passes HH:MM, renders the day's daily digests (and
// the weekly ones on the configured weekday), then keeps delivering the
// outbox, retries included. Each period is rendered once: a Store meta key
// remembers the last period done, and the outbox's unique key makes a
// repeat (another node, a manual `digest send`) write nothing.
#pragma once

#include <memory>
#include <thread>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/digest/run.h"
#include "paperpulse/mail/transport.h"
#include "paperpulse/search/index.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::digest {

struct SchedulerOptions {
  storage::StoreOptions store;
  search::Index* index = nullptr;        // for saved-search alerts; borrowed
  mail::Transport* transport = nullptr;  // borrowed; required
  RunOptions run;                        // frequency and date are set per run
  DeliveryOptions delivery;
  int at_minutes = 0;      // local time of day (minutes after midnight) to render
  int weekly_weekday = 4;  // 0 = Monday; weekly digests are rendered on this day
  Clock::Duration tick = std::chrono::seconds(30);
};

class Scheduler {
 public:
  // Starts the thread. Errors: kInvalidArgument without a transport; the
  // Store's when it cannot be opened.
  static Result<std::unique_ptr<Scheduler>> Start(SchedulerOptions options);
  // Stop().
  ~Scheduler();
  // Interrupts a wait, lets a batch in progress finish, joins. Idempotent.
  void Stop();

 private:
  Scheduler(SchedulerOptions options, std::unique_ptr<storage::Store> store);
  void Run();
  // Renders the periods due now that are not done yet.
  Status RenderDue();

  const SchedulerOptions options_;
  std::unique_ptr<storage::Store> store_;
  InterruptibleClock clock_;
  std::thread thread_;
};

}  // namespace paperpulse::digest
