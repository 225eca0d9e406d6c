// A Transport for unit tests: keeps what it is asked to send, and fails on
// request, so that callers' retry and error paths can be tested without a
// network.
#pragma once

#include <mutex>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/mail/message.h"
#include "paperpulse/mail/transport.h"

namespace paperpulse::mail {

class RecordingTransport final : public Transport {
 public:
  // Composes `message` as SmtpTransport would (so an invalid message fails
  // here as it would there, with ComposeMime's error), then fails with the
  // error FailNext() armed, if any, or else records the message. Thread-safe.
  Status Send(const Message& message) override;

  // The next `count` composable messages fail with `error` (and are not
  // recorded). Replaces a previous FailNext that has not run out.
  void FailNext(int count, Error error);

  // Recorded messages, in the order they were sent.
  std::vector<Message> sent() const;
  // Every Send call, failed or not.
  int attempts() const;

 private:
  mutable std::mutex mu_;
  std::vector<Message> sent_;
  int attempts_ = 0;
  int failures_left_ = 0;
  Error failure_;
};

}  // namespace paperpulse::mail
