// The way out of the process for mail: one interface, so that the sign-in
// handler, the async sender and the digest outbox can be tested with a
// RecordingTransport and run with an SmtpTransport.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/mail/message.h"

namespace paperpulse::mail {

class Transport {
 public:
  virtual ~Transport() = default;

  // Composes `message` (see ComposeMime) and hands it to the next hop, which
  // has taken responsibility for it when this returns Ok. Errors say whether
  // trying again can help:
  //   kUnavailable: transient (no connection, time-out, a 4xx reply); retry later.
  //   kInvalidArgument: the message cannot be composed, or the server refused
  //     a sender or recipient address for good (550, 551, 553 or 501 to MAIL
  //     or RCPT): the address bounces.
  //   kFailedPrecondition: refused for good for another reason (credentials,
  //     TLS, policy, the content: any other 5xx reply).
  // Implementations state their thread-safety.
  virtual Status Send(const Message& message) = 0;

  // Hands over a message composed (and signed) earlier, byte for byte, as
  // the digest outbox keeps it: MAIL FROM `from`, RCPT TO each of `to`,
  // DATA `mime`. Errors as Send.
  virtual Status SendMime(std::string_view from, const std::vector<std::string>& to,
                          std::string_view mime) = 0;
};

}  // namespace paperpulse::mail
