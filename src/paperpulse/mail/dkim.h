// DKIM signatures (RFC 6376) for the mail paperpulse sends, so that
// receivers can tell the site's mail from forgeries: rsa-sha256,
// relaxed/relaxed canonicalisation, over the headers that matter to a
// reader and to bulk-mail rules (RFC 8058 §4 requires List-Unsubscribe and
// List-Unsubscribe-Post to be covered).
//
//   ASSIGN_OR_RETURN(auto signer, DkimSigner::FromFile("/etc/pp/dkim.pem", "pp", "example.org"));
//   ASSIGN_OR_RETURN(std::string signed_mime, signer->Sign(mime, clock.Now()));
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"

namespace paperpulse::mail {

struct DkimOptions {
  std::string domain;           // d=, e.g. "example.org"
  std::string selector;         // s=, the DNS record is <selector>._domainkey.<domain>
  std::string private_key_pem;  // an RSA private key (PKCS#1 or PKCS#8 PEM), >= 1024 bits
};

class DkimSigner {
 public:
  // Checks the options (a domain and selector of DNS labels, an RSA key
  // that OpenSSL can read). Errors: kInvalidArgument naming what is wrong
  // (never the key's bytes).
  static Result<std::unique_ptr<DkimSigner>> Create(DkimOptions options);
  // Create() with the key read from `key_file`. Errors: kIo when it cannot be read.
  static Result<std::unique_ptr<DkimSigner>> FromFile(const std::string& key_file,
                                                      std::string selector, std::string domain);

  virtual ~DkimSigner() = default;

  // `mime` (a complete message as ComposeMime writes it: CRLF line ends)
  // with a DKIM-Signature header prepended: a=rsa-sha256, c=relaxed/relaxed,
  // t= now, bh= the body hash, h= those of From, To, Cc, Reply-To, Subject,
  // Date, Message-ID, MIME-Version, Content-Type, List-Id,
  // List-Unsubscribe, List-Unsubscribe-Post present in the message (From
  // always; each name once more than it occurs, so that a header added on
  // the way breaks the signature). Errors: kInvalidArgument when `mime` has
  // no header/body separator or no From. Thread-safe.
  virtual Result<std::string> Sign(std::string_view mime, Clock::WallTime now) const = 0;

  virtual const DkimOptions& options() const = 0;
};

}  // namespace paperpulse::mail
