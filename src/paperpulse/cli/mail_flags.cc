#include "paperpulse/cli/mail_flags.h"

#include <CLI/CLI.hpp>

namespace paperpulse::cli {
namespace {

// "Name <addr@host>" or "addr@host".
Result<mail::Address> ParseFromAddress(const std::string& s) {
  mail::Address a;
  size_t open = s.rfind('<');
  if (open != std::string::npos && !s.empty() && s.back() == '>') {
    a.email = s.substr(open + 1, s.size() - open - 2);
    std::string_view name(s.data(), open);
    while (!name.empty() && (name.back() == ' ' || name.back() == '"')) name.remove_suffix(1);
    while (!name.empty() && (name.front() == ' ' || name.front() == '"')) name.remove_prefix(1);
    a.name = std::string(name);
  } else {
    a.email = s;
  }
  if (!mail::IsValidEmail(a.email)) {
    return Fail(ErrorCode::kInvalidArgument, "--mail-from: not an e-mail address: \"" + s +
                                                 "\" (e.g. \"paperpulse <noreply@example.org>\")");
  }
  return a;
}

}  // namespace

void AddMailFlags(CLI::App& cmd, MailFlags& f, const std::string& purpose) {
  cmd.add_option("--smtp", f.smtp_url,
                 "SMTP relay: smtp://host:port, smtp://user:pass@host:587?starttls=1 or "
                 "smtps://user:pass@host:465, for " +
                     purpose)
      ->envname("PAPERPULSE_SMTP");
  cmd.add_option("--mail-from", f.mail_from,
                 "Sender of the site's mails: \"paperpulse <noreply@example.org>\"")
      ->envname("PAPERPULSE_MAIL_FROM");
  cmd.add_option("--dkim-key", f.dkim_key,
                 "RSA private key (PEM) to DKIM-sign every mail with (rsa-sha256, relaxed/relaxed)")
      ->envname("PAPERPULSE_DKIM_KEY");
  cmd.add_option("--dkim-selector", f.dkim_selector,
                 "DKIM selector: the key is published at <selector>._domainkey.<domain>")
      ->envname("PAPERPULSE_DKIM_SELECTOR");
  cmd.add_option("--dkim-domain", f.dkim_domain, "DKIM signing domain (d=), e.g. example.org")
      ->envname("PAPERPULSE_DKIM_DOMAIN");
}

Result<MailSetup> SetUpMail(const MailFlags& f) {
  MailSetup setup;
  if (!f.mail_from.empty()) {
    ASSIGN_OR_RETURN(setup.from, ParseFromAddress(f.mail_from));
  } else if (!f.smtp_url.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "--mail-from is required with --smtp (e.g. \"paperpulse <noreply@example.org>\")");
  } else {
    // Nothing is sent without --smtp; dry runs show this sender (RFC 6761 reserves .invalid).
    setup.from = {"noreply@example.invalid", "paperpulse"};
  }
  bool any_dkim = !f.dkim_key.empty() || !f.dkim_selector.empty() || !f.dkim_domain.empty();
  if (any_dkim) {
    if (f.dkim_key.empty() || f.dkim_selector.empty() || f.dkim_domain.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--dkim-key, --dkim-selector and --dkim-domain go together");
    }
    auto signer = mail::DkimSigner::FromFile(f.dkim_key, f.dkim_selector, f.dkim_domain);
    if (!signer) return Fail(ErrorCode::kInvalidArgument, "--dkim-key: " + signer.error().message);
    setup.dkim = std::move(*signer);
  }
  if (!f.smtp_url.empty()) {
    mail::SmtpOptions smtp;
    smtp.url = f.smtp_url;
    smtp.dkim = setup.dkim;
    auto transport = mail::SmtpTransport::Create(smtp);
    if (!transport)
      return Fail(ErrorCode::kInvalidArgument, "--smtp: " + transport.error().message);
    setup.transport = std::move(*transport);
  }
  return setup;
}

}  // namespace paperpulse::cli
