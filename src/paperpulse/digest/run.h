// A digest run in two steps, so that no crash can send a mail twice or lose
// one:
//
//  1. RenderPeriod: for every active subscription of the frequency, choose
//     its papers, render the mail and write it to the Store's outbox, keyed
//     by (subscription, period) and committed in batches together with the
//     papers it lists (never sent to that address again) and its
//     unsubscribe secret. A re-run skips subscriptions that have their mail.
//  2. DeliverDue: claim due outbox mails, hand each to the transport, and
//     record the outcome: sent; deferred with exponential back-off (a 4xx
//     reply, no connection); failed (a 5xx; for a refused address every
//     subscription of it becomes "bouncing").
//
// A mail is marked sent only after the relay accepted it, so a crash in
// between sends it again when its claim goes stale (at-least-once, with the
// same Message-ID, so the receiver can tell the repeat). That window is one
// SMTP reply long.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/digest/render.h"
#include "paperpulse/mail/dkim.h"
#include "paperpulse/mail/transport.h"
#include "paperpulse/search/index.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::digest {

struct RunOptions {
  DigestFrequency frequency = DigestFrequency::kDaily;
  std::string date;  // "YYYY-MM-DD": the last day of the period (see PeriodEnding)
  SiteInfo site;
  const mail::DkimSigner* dkim = nullptr;  // signs every mail when set
  // Papers per mail.
  int daily_papers = 10;
  int weekly_papers = 20;
  int alert_papers = 20;
  int recommendations = 5;
  // Subscriptions read and outbox rows committed per transaction.
  int batch = 200;
  // Threads rendering, composing and signing the mails of a batch (0: one
  // per core). The Store is used by the calling thread only.
  int threads = 0;
  // Select and render, write nothing: `on_rendered` sees each mail.
  bool dry_run = false;
  // Called for each mail rendered (also in a dry run), for listings.
  std::function<void(const Subscription&, const mail::Message&)> on_rendered;
  // Called after each batch with the subscriptions seen so far.
  std::function<void(int64_t seen)> progress;
  // Asked after each batch: true ends the run early (what is committed
  // stays; a re-run goes on from there).
  std::function<bool()> should_stop;
};

struct RunSummary {
  std::string period;          // the period's key
  bool no_list = false;        // a daily run for a day without a list: nothing rendered
  int64_t subscribers = 0;     // active subscriptions of the frequency
  int64_t rendered = 0;        // mails written to the outbox (or shown, in a dry run)
  int64_t already = 0;         // had their mail for the period already
  int64_t nothing_new = 0;     // no paper passed their filters: no mail
  int64_t alerts_skipped = 0;  // saved-search alerts not run: no search index yet
  int64_t recommended = 0;     // mails with personal recommendations
};

// Step 1 (above) for the period of options.frequency ending on
// options.date. `index` runs saved-search alerts; nullptr (or an index still
// building) skips them, counted in alerts_skipped. Errors: kInvalidArgument
// for a bad date; the Store's (what was committed stays: a re-run goes on).
Result<RunSummary> RenderPeriod(storage::Store& store, search::Index* index,
                                const RunOptions& options, Clock& clock);

struct DeliveryOptions {
  // Tries per mail; after the last transient failure it counts as failed.
  int max_attempts = 8;
  // The wait after the first transient failure, doubled after each further one.
  Clock::Duration first_backoff = std::chrono::minutes(5);
  Clock::Duration max_backoff = std::chrono::hours(6);
  // A claimed mail whose sender has not reported by then is sent again.
  Clock::Duration stale_after = std::chrono::minutes(15);
  // Keep going while deferred mails fall due within this long (the CLI's
  // --retry-for); zero = one pass over what is due now.
  Clock::Duration retry_for = Clock::Duration::zero();
  int batch = 50;
  std::function<void(int64_t sent, int64_t deferred, int64_t failed)> progress;
};

struct DeliverySummary {
  int64_t sent = 0;
  int64_t deferred = 0;  // tries put back for later (a mail may count more than once)
  int64_t failed = 0;
  int64_t bounced = 0;  // of failed: address refused, subscriptions marked bouncing
};

// Step 2 (above): delivers what is due. Errors: the Store's; a transport
// error is an outcome of its mail, not an error of the call.
Result<DeliverySummary> DeliverDue(storage::Store& store, mail::Transport& transport,
                                   const DeliveryOptions& options, Clock& clock);

}  // namespace paperpulse::digest
