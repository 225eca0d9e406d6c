// The mail flags `serve` and `digest send` share: the SMTP relay, the sender
// address and DKIM signing, checked once and turned into a transport.
#pragma once

#include <memory>
#include <string>

#include "paperpulse/base/result.h"
#include "paperpulse/mail/dkim.h"
#include "paperpulse/mail/message.h"
#include "paperpulse/mail/smtp_transport.h"

namespace CLI {
class App;
}

namespace paperpulse::cli {

struct MailFlags {
  std::string smtp_url;   // --smtp
  std::string mail_from;  // --mail-from
  std::string dkim_key;   // --dkim-key FILE
  std::string dkim_selector;
  std::string dkim_domain;
};

// Adds --smtp, --mail-from, --dkim-key, --dkim-selector, --dkim-domain.
// `purpose` ends the --smtp help ("sign-in mails and digests").
void AddMailFlags(CLI::App& cmd, MailFlags& flags, const std::string& purpose);

struct MailSetup {
  mail::Address from;
  std::shared_ptr<const mail::DkimSigner> dkim;    // nullptr: no --dkim-key
  std::unique_ptr<mail::SmtpTransport> transport;  // nullptr: no --smtp
};

// Checks the flags: --mail-from parses ("Name <addr@host>" or "addr@host"),
// the three DKIM flags come together and the key is readable, --smtp is a
// valid relay URL (not connected to yet). Errors: kInvalidArgument naming
// the flag.
Result<MailSetup> SetUpMail(const MailFlags& flags);

}  // namespace paperpulse::cli
