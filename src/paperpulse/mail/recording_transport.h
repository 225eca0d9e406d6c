// A Transport for unit tests: keeps what it is asked to send, and fails on
// request, so that callers' retry and error paths can be tested without a
// network.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
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
  // Records (or fails as armed) a composed message; see raw().
  Status SendMime(std::string_view from, const std::vector<std::string>& to,
                  std::string_view mime) override;

  // The next `count` composable messages fail with `error` (and are not
  // recorded). Replaces a previous FailNext that has not run out.
  void FailNext(int count, Error error);

  // Recorded messages, in the order they were sent.
  std::vector<Message> sent() const;
  // Messages recorded by SendMime, in order.
  struct RawMessage {
    std::string from;
    std::vector<std::string> to;
    std::string mime;
  };
  std::vector<RawMessage> raw() const;
  // Every Send and SendMime call, failed or not.
  int attempts() const;

 private:
  mutable std::mutex mu_;
  std::vector<Message> sent_;
  std::vector<RawMessage> raw_;
  int attempts_ = 0;
  int failures_left_ = 0;
  Error failure_;
};

}  // namespace paperpulse::mail
