// The Transport over SMTP, with libcurl: one connection per message, to a
// relay (the site's MTA or a mail provider's submission port) named by URL:
//
//   smtp://host[:port]                        plain SMTP (port 25 by default)
//   smtp://user:pass@host:587?starttls=1      STARTTLS required, then AUTH
//   smtps://user:pass@host[:port]             implicit TLS (port 465 by default)
//
// user:pass (percent-encoded) makes the transport authenticate with
// whatever mechanism the server offers (PLAIN, LOGIN, ...). Without TLS the
// credentials cross the network in clear: keep that to a relay on loopback.
// A path names the host in EHLO ("smtp://relay:25/mail.example.org"); by
// default it is this machine's host name. TLS certificates are verified
// against the system's CAs. `?starttls=1` is the only query parameter: an
// unknown one is an error rather than a silently ignored security setting.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/mail/dkim.h"
#include "paperpulse/mail/message.h"
#include "paperpulse/mail/transport.h"

namespace paperpulse::mail {

// An SMTP URL taken apart.
struct SmtpEndpoint {
  // scheme://host:port[/helo-name], without credentials or query: what
  // libcurl connects to, and what error messages and logs show.
  std::string url;
  std::string user;  // decoded; "" = no AUTH
  std::string password;
  bool starttls = false;  // smtp:// upgraded with STARTTLS, which must succeed
};

// Parses an SMTP URL of the forms above. Errors (kInvalidArgument, naming the
// URL without its password): another scheme, no host, a query parameter
// other than starttls=1, starttls with smtps, a fragment or login options.
Result<SmtpEndpoint> ParseSmtpUrl(std::string_view url);

struct SmtpOptions {
  std::string url;  // see the top of this file
  // Connecting (TCP and TLS handshake), then the whole conversation.
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{30};
  // Signs what Send composes; nullptr = mail goes out unsigned. Shared so
  // that one key serves every transport of the process.
  std::shared_ptr<const DkimSigner> dkim = nullptr;
};

class SmtpTransport final : public Transport {
 public:
  // Checks options.url (ParseSmtpUrl's errors) without connecting; errors
  // with kInternal when libcurl cannot be initialised. Borrows `clock` (the
  // Date of messages without one), which must outlive the transport.
  static Result<std::unique_ptr<SmtpTransport>> Create(SmtpOptions options,
                                                       Clock& clock = DefaultClock());

  // Composes the message (and signs it, t= now, when options.dkim is set),
  // then connects and sends it: MAIL FROM the from address, RCPT TO each to
  // address (every one must be accepted), DATA.
  // Errors as Transport::Send, and DkimSigner::Sign's; a failed
  // conversation's message names the server URL, the command that failed
  // and the server's reply. Thread-safe: each call has its own connection.
  Status Send(const Message& message) override;
  // The conversation of Send for a message composed earlier, sent byte for
  // byte as given: never signed here, since a stored message (the outbox)
  // is signed when it is composed. Errors as Send; kInvalidArgument for an
  // invalid address. Thread-safe.
  Status SendMime(std::string_view from, const std::vector<std::string>& to,
                  std::string_view mime) override;

  const SmtpEndpoint& endpoint() const { return endpoint_; }

 private:
  SmtpTransport(SmtpOptions options, SmtpEndpoint endpoint, Clock& clock);

  const SmtpOptions options_;
  const SmtpEndpoint endpoint_;
  Clock& clock_;
};

}  // namespace paperpulse::mail
