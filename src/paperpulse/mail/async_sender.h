// Sends mail on a background thread, so that a request handler never waits
// for SMTP: the sign-in handler answers in the same time whether or not the
// address has an account and whether or not the relay is slow, because all
// it does is Enqueue().
//
//   mail::AsyncSender sender(*smtp_transport);
//   if (Status s = sender.Enqueue(std::move(message)); !s) { ... 429 / 400 ... }
//   ... at shutdown: sender.Flush(); sender.Stop();
//
// Messages live in memory only: a crash loses what is queued. That suits
// sign-in links (the user asks again); digests, which must never be lost
// or sent twice, go through the Store's outbox instead (issue 10).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/mail/message.h"
#include "paperpulse/mail/transport.h"

namespace paperpulse::mail {

struct AsyncSenderOptions {
  // Messages waiting to be sent; Enqueue fails beyond. A flood of sign-in
  // requests is stopped by rate limits first; this bounds memory if not.
  size_t max_queue = 1000;
  // Tries per message, the first included. Only transient failures
  // (kUnavailable: no connection, a 4xx reply) are tried again.
  int max_attempts = 3;
  // The wait before the second try; doubled before each further one.
  Clock::Duration first_backoff = std::chrono::seconds(5);
  // Measures the back-off waits; nullptr = real time, cut short by Stop().
  // Tests pass a FakeClock (which never really sleeps).
  Clock* clock = nullptr;
};

// Counters for /metrics.
struct AsyncSenderStats {
  int64_t sent = 0;     // accepted by the transport
  int64_t failed = 0;   // given up: permanent error, tries used up, or stopped
  int64_t retries = 0;  // tries after a transient failure
  size_t queued = 0;    // waiting now (not counting one being sent)
};

class AsyncSender {
 public:
  // Starts the sending thread. Borrows `transport` (its Send runs on that
  // thread only) and options.clock, which must outlive the sender.
  explicit AsyncSender(Transport& transport, AsyncSenderOptions options = {});
  // Stop().
  ~AsyncSender();
  AsyncSender(const AsyncSender&) = delete;
  AsyncSender& operator=(const AsyncSender&) = delete;

  // Queues `message` and returns at once. Fixes its Date (now) and
  // Message-ID (a new one, unless set) first, so that every try sends the
  // same mail and a receiver can tell a repeat. Errors: kInvalidArgument
  // when it cannot be composed (ComposeMime's error: better the caller
  // hears it than a log line); kResourceExhausted when max_queue messages
  // are waiting; kFailedPrecondition after Stop(). Thread-safe.
  Status Enqueue(Message message);

  // Blocks until the queue is empty and no message is being sent, so that
  // every message enqueued before the call has been sent or given up on.
  // Returns at once after Stop(). Thread-safe.
  void Flush();

  // Refuses new messages, cuts a back-off wait short (when options.clock
  // is nullptr), lets a Send in progress finish (at most the transport's
  // time-out), logs and drops what is still queued, and joins the thread.
  // Flush() first to deliver everything. Idempotent; thread-safe.
  void Stop();

  AsyncSenderStats stats() const;

 private:
  void Run();
  // Sends `message`, trying again after transient failures; logs and
  // counts the outcome.
  void Deliver(const Message& message);

  Transport& transport_;
  const AsyncSenderOptions options_;
  InterruptibleClock own_clock_;
  Clock& clock_;

  mutable std::mutex mu_;
  std::condition_variable work_;  // a message arrived, or stopping
  std::condition_variable idle_;  // the queue drained and nothing is in flight
  std::deque<Message> queue_;
  bool busy_ = false;  // the thread holds a message
  bool stopping_ = false;
  AsyncSenderStats stats_;
  std::mutex join_mu_;  // a second Stop() waits for the first one's join
  std::thread thread_;
};

}  // namespace paperpulse::mail
