// An e-mail as paperpulse writes it, and its composition into MIME (RFC 5322
// headers, RFC 2045 bodies, RFC 2047 encoded words) in one place, so that the
// sign-in mails and the digests obey the same rules: CRLF line ends, lines
// of at most 76 characters, UTF-8 everywhere, and no header a caller's text
// can smuggle in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"

namespace paperpulse::mail {

// A mailbox: "Alice Doe <alice@example.org>".
struct Address {
  std::string email;  // addr-spec, ASCII (see IsValidEmail)
  std::string name;   // display name, UTF-8; "" for none
};

// An extra header field such as List-Unsubscribe, List-Unsubscribe-Post or
// List-Id (RFC 2369, RFC 8058, RFC 2919).
struct Header {
  std::string name;   // RFC 5322 field name, not one ComposeMime writes itself
  std::string value;  // printable ASCII; long values are folded at spaces
};

struct Message {
  Address from;             // also the SMTP envelope sender (MAIL FROM)
  std::vector<Address> to;  // at least one; also the envelope recipients (RCPT TO)
  std::optional<Address> reply_to;
  std::string subject;  // UTF-8, one line
  std::string text;     // plain-text body, UTF-8; "\n" or "\r\n" line ends
  std::string html;     // HTML alternative, UTF-8; "" = text/plain only
  std::vector<Header> headers;
  // The Message-ID without angle brackets ("id@domain"); "" = a fresh one
  // from NewMessageId(). Set it to keep one id across retries of one mail.
  std::string message_id;
  // The Date header; unset = the `now` given to ComposeMime.
  std::optional<Clock::WallTime> date;
};

// True when `email` is an address paperpulse sends to: a dot-atom local part
// (RFC 5322 §3.4.1, no quoted strings) of at most 64 bytes, '@', a domain of
// letters, digits and hyphens in dot-separated labels of 1..63 bytes, at most
// 254 bytes in all (RFC 5321 §4.5.3.1). ASCII only: SMTPUTF8 is not used.
bool IsValidEmail(std::string_view email);

// True when `domain` is a DNS name as mail uses them (RFC 5321 sub-domains):
// dot-separated labels of 1..63 letters, digits and inner hyphens, at most
// 253 bytes in all. Also DKIM's d= and selector (RFC 6376 §3.1, §3.5).
bool IsValidDomain(std::string_view domain);

// "<32 hex digits>@<domain of from_email>", without angle brackets: 128 bits
// from libsodium's randombytes, so ids never repeat across nodes or restarts.
// Precondition: IsValidEmail(from_email). Thread-safe.
std::string NewMessageId(std::string_view from_email);

// `t` as an RFC 5322 §3.3 date-time in UTC: "Mon, 05 Jan 2026 12:00:00 +0000".
std::string FormatMailDate(Clock::WallTime t);

// `body` encoded as quoted-printable (RFC 2045 §6.7): every line break
// ("\r\n", "\n" or a lone "\r") becomes CRLF; bytes outside printable ASCII,
// '=', and a space or tab ending a line become =XX; lines longer than 76
// characters are cut by soft line breaks ("=" CRLF). A line starting "From "
// gets its F escaped, so that mbox storage never rewrites it to ">From "
// (which would change the text and break a DKIM body hash). Ends with CRLF
// exactly when `body` ends with a line break.
std::string EncodeQuotedPrintable(std::string_view body);

// The complete message as sent over SMTP: headers (Date, From, Reply-To, To,
// Subject, Message-ID, the extra headers in order, MIME-Version), then a
// text/plain part, or multipart/alternative with text/plain and text/html
// when `html` is set; both bodies quoted-printable in UTF-8. Every line ends
// with CRLF and has at most 76 characters; a subject or display name that is
// not plain ASCII (or would not fold) becomes RFC 2047 B encoded words.
// Reads no clock: the Date is message.date or else `now`.
//
// Errors (kInvalidArgument, naming the field): an invalid from/to/reply-to
// address, no recipient, a CR, LF or other control character in the subject,
// a display name or a header value (header injection), text that is not
// valid UTF-8, an extra header that is malformed, non-ASCII, longer than a
// line may be (998) or one ComposeMime writes itself, a malformed message_id.
Result<std::string> ComposeMime(const Message& message, Clock::WallTime now);

}  // namespace paperpulse::mail
