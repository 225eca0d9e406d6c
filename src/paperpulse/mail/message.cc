#include "paperpulse/mail/message.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"

namespace paperpulse::mail {
namespace {

// RFC 5322 §2.1.1: a line SHOULD be at most 78 characters; 76 is also the
// quoted-printable limit and leaves a relay room to re-fold.
constexpr size_t kMaxLine = 76;
// RFC 5322 §2.1.1: a line MUST be at most 998 characters.
constexpr size_t kHardMaxLine = 998;
// RFC 2047 §2: an encoded-word is at most 75 characters.
constexpr size_t kMaxEncodedWord = 75;
constexpr std::string_view kEncodedWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kEncodedWordSuffix = "?=";
// "=_" never occurs in quoted-printable text, where '=' is always followed
// by two hex digits or a line break (RFC 2045 §6.7 suggests this), and both
// parts are quoted-printable: no body can contain the delimiter.
constexpr std::string_view kBoundary = "=_paperpulse_alternative";

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 §3.2.3.
bool IsAtext(char c) {
  return IsAsciiAlnum(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsDotAtomText(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.' ? prev == '.' : !IsAtext(c)) return false;
    prev = c;
  }
  return true;
}

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Text for a header line: one line of valid UTF-8 without control
// characters, so that nothing a user typed can end the header and start
// another (header injection).
Status CheckHeaderText(std::string_view field, std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n') {
      return Fail(ErrorCode::kInvalidArgument,
                  "mail: " + std::string(field) + " contains a line break");
    }
    if ((c >= 0 && c < 0x20) || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument,
                  "mail: " + std::string(field) + " contains a control character");
    }
  }
  if (!IsValidUtf8(s)) {
    return Fail(ErrorCode::kInvalidArgument, "mail: " + std::string(field) + " is not valid UTF-8");
  }
  return Ok();
}

// `s` quoted for an error message, unless it could forge log lines.
std::string Shown(std::string_view s) {
  if (!IsPrintableAscii(s) || s.size() > 256) return "(not shown: control characters or too long)";
  std::string quoted = "\"";
  quoted.append(s);
  quoted.push_back('"');
  return quoted;
}

Status CheckAddress(std::string_view field, const Address& a) {
  if (!IsValidEmail(a.email)) {
    return Fail(ErrorCode::kInvalidArgument,
                "mail: invalid " + std::string(field) + " address " + Shown(a.email));
  }
  return CheckHeaderText(std::string(field) + " name", a.name);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return AsciiLower(a) == AsciiLower(b);
}

// The fields ComposeMime writes itself (and, by prefix, Content-*): a second
// one would make the message invalid (RFC 5322 §3.6) or change its structure.
constexpr std::array<std::string_view, 10> kReservedFields = {
    "Date", "From", "Sender",  "Reply-To",   "To",
    "Cc",   "Bcc",  "Subject", "Message-ID", "MIME-Version"};

Status CheckExtraHeader(const Header& h) {
  bool name_ok = !h.name.empty() && h.name.size() < kMaxLine;
  for (char c : h.name) {
    if (c < 33 || c > 126 || c == ':') name_ok = false;  // RFC 5322 §3.6.8 ftext
  }
  if (!name_ok) {
    return Fail(ErrorCode::kInvalidArgument, "mail: invalid header name " + Shown(h.name));
  }
  for (std::string_view reserved : kReservedFields) {
    if (EqualsIgnoreCase(h.name, reserved)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "mail: header " + h.name + " is written by ComposeMime");
    }
  }
  if (StartsWith(AsciiLower(h.name), "content-")) {
    return Fail(ErrorCode::kInvalidArgument,
                "mail: header " + h.name + " is written by ComposeMime");
  }
  RETURN_IF_ERROR(CheckHeaderText("header " + h.name, h.value));
  if (TrimView(h.value).empty()) {
    return Fail(ErrorCode::kInvalidArgument, "mail: header " + h.name + " is empty");
  }
  if (!IsPrintableAscii(h.value)) {
    return Fail(ErrorCode::kInvalidArgument, "mail: header " + h.name + " is not printable ASCII");
  }
  if (h.name.size() + 2 + h.value.size() > kHardMaxLine) {
    return Fail(ErrorCode::kInvalidArgument, "mail: header " + h.name + " is too long");
  }
  return Ok();
}

Status CheckMessageId(std::string_view id) {
  size_t at = id.find('@');
  if (id.size() > 250 || at == std::string_view::npos || !IsDotAtomText(id.substr(0, at)) ||
      !IsDotAtomText(id.substr(at + 1))) {
    return Fail(ErrorCode::kInvalidArgument, "mail: invalid Message-ID " + Shown(id));
  }
  return Ok();
}

Status CheckMessage(const Message& m) {
  RETURN_IF_ERROR(CheckAddress("from", m.from));
  if (m.to.empty()) return Fail(ErrorCode::kInvalidArgument, "mail: no recipient");
  for (const Address& a : m.to) RETURN_IF_ERROR(CheckAddress("to", a));
  if (m.reply_to) RETURN_IF_ERROR(CheckAddress("reply-to", *m.reply_to));
  RETURN_IF_ERROR(CheckHeaderText("subject", m.subject));
  for (const Header& h : m.headers) RETURN_IF_ERROR(CheckExtraHeader(h));
  if (!m.message_id.empty()) RETURN_IF_ERROR(CheckMessageId(m.message_id));
  if (!IsValidUtf8(m.text)) {
    return Fail(ErrorCode::kInvalidArgument, "mail: text is not valid UTF-8");
  }
  if (!IsValidUtf8(m.html)) {
    return Fail(ErrorCode::kInvalidArgument, "mail: html is not valid UTF-8");
  }
  return Ok();
}

// Writes one header field as space-separated tokens, folding (RFC 5322
// §3.2.2: a CRLF inserted before a space) so that lines stay within
// kMaxLine wherever the tokens allow.
class FieldWriter {
 public:
  FieldWriter(std::string& out, std::string_view name) : out_(out), line_(name.size() + 1) {
    out_.append(name);
    out_.push_back(':');
  }

  // Characters a token may have and still fit, after its space, on this line.
  size_t Room() const { return line_ + 1 >= kMaxLine ? 0 : kMaxLine - line_ - 1; }

  // Continues on a new line, unless this line is a fresh one already.
  void Fold() {
    if (fresh_) return;
    out_.append("\r\n");
    line_ = 0;
    fresh_ = true;
  }

  // Appends " token", on a new line when it does not fit on this one.
  void Add(std::string_view token) {
    if (token.size() > Room()) Fold();
    out_.push_back(' ');
    out_.append(token);
    line_ += 1 + token.size();
    fresh_ = false;
  }

  // Ends the field.
  void End() { out_.append("\r\n"); }

 private:
  std::string& out_;
  size_t line_;
  bool fresh_ = false;
};

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// The longest prefix of the UTF-8 text `s` of at most `max_bytes` bytes that
// ends between characters (RFC 2047 §5: each encoded-word holds whole
// characters).
size_t Utf8PrefixLength(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s.size();
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return n;
}

// Bytes of text that fit in one B encoded-word of at most `room` characters.
size_t EncodedWordCapacity(size_t room) {
  constexpr size_t kOverhead = kEncodedWordPrefix.size() + kEncodedWordSuffix.size();
  room = std::min(room, kMaxEncodedWord);
  return room <= kOverhead ? 0 : (room - kOverhead) / 4 * 3;
}

// `text` as RFC 2047 "B" encoded-words, each filling the room left on its
// line. Decoders drop the white space between adjacent encoded-words
// (RFC 2047 §6.2), so the words join back into `text` exactly.
void AddEncodedWords(FieldWriter& w, std::string_view text) {
  while (!text.empty()) {
    size_t n = Utf8PrefixLength(text, EncodedWordCapacity(w.Room()));
    if (n == 0) {
      w.Fold();
      n = Utf8PrefixLength(text, EncodedWordCapacity(w.Room()));
    }
    std::string word(kEncodedWordPrefix);
    word.append(Base64(text.substr(0, n)));
    word.append(kEncodedWordSuffix);
    w.Add(word);
    text.remove_prefix(n);
  }
}

// Whether `text` can be written as itself, folded at its spaces: printable
// ASCII, nothing a decoder would take for an encoded-word, and no word too
// long for a line of its own.
bool CanWriteVerbatim(std::string_view text) {
  if (!IsPrintableAscii(text) || text.find("=?") != std::string_view::npos) return false;
  for (std::string_view word : Split(text, ' ')) {
    if (word.size() > kMaxLine - 1) return false;
  }
  return true;
}

void AddUnstructured(FieldWriter& w, std::string_view text) {
  text = TrimView(text);
  if (text.empty()) return;
  if (!CanWriteVerbatim(text)) {
    AddEncodedWords(w, text);
    return;
  }
  for (std::string_view word : Split(text, ' ')) w.Add(word);
}

// A display name (RFC 5322 §3.2.5 phrase): atoms when it has only atext
// words, a quoted-string when it is other printable ASCII that fits on a
// line, encoded-words otherwise.
void AddPhrase(FieldWriter& w, std::string_view name) {
  if (CanWriteVerbatim(name)) {
    bool atoms = true;
    for (std::string_view word : Split(name, ' ')) {
      if (word.empty()) atoms = false;
      for (char c : word) atoms = atoms && IsAtext(c);
    }
    if (atoms) {
      for (std::string_view word : Split(name, ' ')) w.Add(word);
      return;
    }
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    quoted.push_back('"');
    if (quoted.size() <= kMaxLine - 1) {
      w.Add(quoted);
      return;
    }
  }
  AddEncodedWords(w, name);
}

void AddMailboxList(std::string& out, std::string_view field, const std::vector<Address>& list) {
  FieldWriter w(out, field);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string_view name = TrimView(list[i].name);
    std::string addr = list[i].email;
    if (!name.empty()) {
      AddPhrase(w, name);
      addr = "<" + addr + ">";
    }
    if (i + 1 < list.size()) addr.push_back(',');
    w.Add(addr);
  }
  w.End();
}

void AddTextPart(std::string& out, std::string_view subtype, std::string_view body) {
  out.append("Content-Type: text/");
  out.append(subtype);
  out.append("; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
  out.append(EncodeQuotedPrintable(body));
}

// Appends one input line (without its line break) as quoted-printable.
void EncodeQuotedPrintableLine(std::string_view line, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t len = 0;  // of the encoded line so far
  for (size_t k = 0; k < line.size(); ++k) {
    unsigned char c = static_cast<unsigned char>(line[k]);
    bool last = k + 1 == line.size();
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    size_t n = literal ? 1 : 3;
    // The last character may use the 76th column; any other must leave it
    // for a soft line break.
    if (len + n > (last ? kMaxLine : kMaxLine - 1)) {
      out.append("=\r\n");
      len = 0;
    }
    if (len == 0 && StartsWith(line.substr(k), "From ")) {
      literal = false;
      n = 3;
    }
    if (literal) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('=');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
    len += n;
  }
}

}  // namespace

bool IsValidDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  for (std::string_view label : Split(domain, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-') return false;
    }
  }
  return true;
}

bool IsValidEmail(std::string_view email) {
  size_t at = email.rfind('@');
  if (email.size() > 254 || at == std::string_view::npos || at > 64) return false;
  return IsDotAtomText(email.substr(0, at)) && IsValidDomain(email.substr(at + 1));
}

std::string NewMessageId(std::string_view from_email) {
  // sodium_init is idempotent and thread-safe; it fails only when the OS
  // has no entropy source, and then no id can be unique.
  static const bool sodium_ok = sodium_init() >= 0;
  if (!sodium_ok) std::abort();
  std::array<unsigned char, 16> random;
  randombytes_buf(random.data(), random.size());
  std::array<char, 33> hex;
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  std::string id(hex.data(), 32);
  id.push_back('@');
  id.append(from_email.substr(from_email.rfind('@') + 1));
  return id;
}

std::string FormatMailDate(Clock::WallTime t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t seconds = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  int64_t of_day = seconds - days * 86400;
  CivilDate date = CivilFromDays(days);
  int64_t weekday = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[weekday], date.day,
                kMonths[date.month - 1], date.year, static_cast<int>(of_day / 3600),
                static_cast<int>(of_day / 60 % 60), static_cast<int>(of_day % 60));
  return buf;
}

std::string EncodeQuotedPrintable(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 8);
  size_t pos = 0;
  while (true) {
    size_t end = body.find_first_of("\r\n", pos);
    EncodeQuotedPrintableLine(body.substr(pos, end == std::string_view::npos ? end : end - pos),
                              out);
    if (end == std::string_view::npos) break;
    out.append("\r\n");
    pos = end + (body.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    if (pos == body.size()) break;
  }
  return out;
}

Result<std::string> ComposeMime(const Message& message, Clock::WallTime now) {
  RETURN_IF_ERROR(CheckMessage(message));
  std::string out;
  FieldWriter date(out, "Date");
  date.Add(FormatMailDate(message.date.value_or(now)));
  date.End();
  AddMailboxList(out, "From", {message.from});
  if (message.reply_to) AddMailboxList(out, "Reply-To", {*message.reply_to});
  AddMailboxList(out, "To", message.to);
  FieldWriter subject(out, "Subject");
  AddUnstructured(subject, message.subject);
  subject.End();
  std::string id =
      message.message_id.empty() ? NewMessageId(message.from.email) : message.message_id;
  FieldWriter message_id(out, "Message-ID");
  message_id.Add("<" + id + ">");
  message_id.End();
  for (const Header& h : message.headers) {
    FieldWriter w(out, h.name);
    for (std::string_view word : Split(TrimView(h.value), ' ')) w.Add(word);
    w.End();
  }
  out.append("MIME-Version: 1.0\r\n");
  if (message.html.empty()) {
    AddTextPart(out, "plain", message.text);
  } else {
    FieldWriter content_type(out, "Content-Type");
    content_type.Add("multipart/alternative;");
    content_type.Add("boundary=\"" + std::string(kBoundary) + "\"");
    content_type.End();
    std::string delimiter = "--" + std::string(kBoundary);
    out.append("\r\n" + delimiter + "\r\n");
    AddTextPart(out, "plain", message.text);
    out.append("\r\n" + delimiter + "\r\n");
    AddTextPart(out, "html", message.html);
    out.append("\r\n" + delimiter + "--");
  }
  // SMTP's DATA ends with CRLF "." CRLF; a final CRLF of our own keeps the
  // last line of the body intact.
  if (!EndsWith(out, "\r\n")) out.append("\r\n");
  return out;
}

}  // namespace paperpulse::mail
