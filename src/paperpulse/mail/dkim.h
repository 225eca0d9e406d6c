// DKIM signatures (RFC 6376) for the mail paperpulse sends, so that
// receivers can tell the site's mail from forgeries: rsa-sha256,
// relaxed/relaxed canonicalisation, over the headers that matter to a
// reader and to bulk-mail rules (RFC 8058 §4 requires List-Unsubscribe and
// List-Unsubscribe-Post to be covered).
//
//   ASSIGN_OR_RETURN(auto signer, DkimSigner::FromFile("/etc/pp/dkim.pem", "pp", "example.org"));
//   ASSIGN_OR_RETURN(std::string signed_mime, signer->Sign(mime, clock.Now()));
//
// The matching DNS record is a TXT record at <selector>._domainkey.<domain>:
// "v=DKIM1; k=rsa; p=<base64 of the DER SubjectPublicKeyInfo>", e.g. the body
// of `openssl pkey -in dkim.pem -pubout -outform DER | base64 -w0`.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"

namespace paperpulse::mail {

struct DkimOptions {
  std::string domain;    // d=, e.g. "example.org"
  std::string selector;  // s=, the DNS record is <selector>._domainkey.<domain>
  std::string
      private_key_pem;  // an unencrypted RSA private key (PKCS#1 or PKCS#8 PEM), >= 1024 bits
};

class DkimSigner {
 public:
  // Checks the options (a domain and selector of DNS labels: letters,
  // digits and inner hyphens, 1..63 bytes each), then reads the key: an
  // unencrypted RSA key that OpenSSL can read, of at least 1024 bits (RFC
  // 8301 §3.2). Errors: kInvalidArgument naming what is wrong (never the
  // key's bytes).
  static Result<std::unique_ptr<DkimSigner>> Create(DkimOptions options);
  // Create() with the key read from `key_file`. Errors: kIo when it cannot
  // be read; else as Create().
  static Result<std::unique_ptr<DkimSigner>> FromFile(const std::string& key_file,
                                                      std::string selector, std::string domain);

  virtual ~DkimSigner() = default;

  // `mime` (a complete message as ComposeMime writes it: CRLF line ends)
  // with a DKIM-Signature header prepended: a=rsa-sha256, c=relaxed/relaxed,
  // t= now, bh= the body hash, h= those of From, To, Cc, Reply-To, Subject,
  // Date, Message-ID, MIME-Version, Content-Type, List-Id,
  // List-Unsubscribe, List-Unsubscribe-Post present in the message (From
  // always; each name once more than it occurs, so that a header added on
  // the way breaks the signature). The new header is folded into lines of
  // at most 78 characters. The signature of one message at one time is
  // always the same (RSASSA-PKCS1-v1_5 is deterministic). Errors:
  // kInvalidArgument when `mime` has no header/body separator, no From, or
  // a header line that is neither a field nor a continuation (or holds a
  // lone CR or LF); kInternal when OpenSSL fails. Thread-safe.
  virtual Result<std::string> Sign(std::string_view mime, Clock::WallTime now) const = 0;

  virtual const DkimOptions& options() const = 0;
};

// RFC 6376 §3.4.2, "relaxed" header canonicalisation of one header field
// ("Name: value", possibly folded, with or without its final CRLF):
// "name:value\r\n" with the name lower-cased, the folds removed, runs of
// spaces and tabs made one space, and none left around the colon or at the
// ends of the value. Precondition: `field` contains a ':'. Exposed for tests.
std::string DkimRelaxedHeader(std::string_view field);

// RFC 6376 §3.4.4, "relaxed" body canonicalisation (lines end with CRLF):
// spaces and tabs at the ends of lines removed, other runs of them made one
// space, empty lines at the end removed, and a CRLF added after a last line
// without one. An empty body (or one of only empty lines) becomes "": the
// relaxed rule, unlike "simple", adds no CRLF to it. Exposed for tests.
std::string DkimRelaxedBody(std::string_view body);

}  // namespace paperpulse::mail
