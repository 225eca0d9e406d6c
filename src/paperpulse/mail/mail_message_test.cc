// Tests of message.h (named for its layer: http/ has a message_test too).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "paperpulse/mail/message.h"

namespace paperpulse::mail {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Clock::WallTime Jan5Noon() { return FakeClock::DefaultStart(); }  // 2026-01-05T12:00:00Z

Message Simple() {
  Message m;
  m.from = {"noreply@paperpulse.example.org", "paperpulse"};
  m.to = {{"alice@example.org", ""}};
  m.subject = "Sign in to paperpulse";
  m.text = "Hello\nBye\n";
  m.message_id = "abc@paperpulse.example.org";
  return m;
}

std::string Compose(const Message& m) {
  Result<std::string> mime = ComposeMime(m, Jan5Noon());
  EXPECT_TRUE(mime) << mime.error().ToString();
  return mime ? *mime : "";
}

std::vector<std::string> Lines(std::string_view mime) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < mime.size()) {
    size_t end = mime.find("\r\n", pos);
    if (end == std::string_view::npos) end = mime.size();
    lines.emplace_back(mime.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

// The header block, unfolded (RFC 5322 §2.2.3: CRLF before white space
// removed), by lower-case name; the value without the space after the colon.
std::map<std::string, std::string> Headers(std::string_view mime) {
  std::string block(mime.substr(0, mime.find("\r\n\r\n")));
  std::string unfolded;
  for (size_t i = 0; i < block.size(); ++i) {
    if (block.compare(i, 3, "\r\n ") == 0) {
      i += 1;
      continue;
    }
    unfolded.push_back(block[i]);
  }
  std::map<std::string, std::string> headers;
  for (const std::string& line : Lines(unfolded)) {
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    headers[name] = value;
  }
  return headers;
}

std::string DecodeBase64(std::string_view in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    if (c == '=') break;
    size_t v = kAlphabet.find(c);
    EXPECT_NE(v, std::string::npos) << "not base64: " << c;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

// An RFC 2047 decoder for what ComposeMime writes: B encoded-words in UTF-8,
// white space between adjacent encoded-words dropped (RFC 2047 §6.2).
std::string DecodeWords(std::string_view value) {
  std::string out;
  std::string pending_space;
  bool after_word = false;
  size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 10, "=?UTF-8?B?") == 0) {
      size_t end = value.find("?=", i + 10);
      EXPECT_NE(end, std::string_view::npos);
      EXPECT_LE(end + 2 - i, 75u) << "encoded-word longer than 75 characters";
      if (!after_word) out += pending_space;
      pending_space.clear();
      out += DecodeBase64(value.substr(i + 10, end - i - 10));
      after_word = true;
      i = end + 2;
    } else if (value[i] == ' ') {
      pending_space.push_back(' ');
      ++i;
    } else {
      out += pending_space;
      pending_space.clear();
      out.push_back(value[i++]);
      after_word = false;
    }
  }
  return out + pending_space;
}

int HexValue(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }

// Quoted-printable decoding (RFC 2045 §6.7); line breaks stay CRLF.
std::string DecodeQp(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out.push_back(in[i]);
    } else if (in.compare(i, 3, "=\r\n") == 0) {
      i += 2;
    } else {
      EXPECT_LE(i + 2, in.size() - 1);
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    }
  }
  return out;
}

void ExpectWellFormedLines(std::string_view mime) {
  for (size_t i = 0; i < mime.size(); ++i) {
    if (mime[i] == '\n') {
      EXPECT_TRUE(i > 0 && mime[i - 1] == '\r') << "bare LF at " << i;
    }
    if (mime[i] == '\r') {
      EXPECT_TRUE(i + 1 < mime.size() && mime[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  EXPECT_TRUE(mime.size() >= 2 && mime.substr(mime.size() - 2) == "\r\n");
  for (const std::string& line : Lines(mime)) EXPECT_LE(line.size(), 76u) << line;
}

TEST(ComposeMime, ExactBytesOfAPlainTextMessage) {
  EXPECT_EQ(Compose(Simple()),
            "Date: Mon, 05 Jan 2026 12:00:00 +0000\r\n"
            "From: paperpulse <noreply@paperpulse.example.org>\r\n"
            "To: alice@example.org\r\n"
            "Subject: Sign in to paperpulse\r\n"
            "Message-ID: <abc@paperpulse.example.org>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Hello\r\n"
            "Bye\r\n");
}

TEST(ComposeMime, ExactBytesOfAnEncodedSubjectAndName) {
  Message m = Simple();
  m.from.name = "Zoë";
  m.subject = "Café";
  m.text = "x";
  std::string mime = Compose(m);
  // base64("Zoë") = "Wm/Dqw==", base64("Café") = "Q2Fmw6k=".
  EXPECT_THAT(mime,
              HasSubstr("\r\nFrom: =?UTF-8?B?Wm/Dqw==?= <noreply@paperpulse.example.org>\r\n"));
  EXPECT_THAT(mime, HasSubstr("\r\nSubject: =?UTF-8?B?Q2Fmw6k=?=\r\n"));
  EXPECT_TRUE(mime.ends_with("\r\n\r\nx\r\n"));
}

TEST(ComposeMime, LongUtf8SubjectsRoundTripThroughEncodedWords) {
  for (std::string unit : {"Ünïcödé ", "論文の要約 ", "🚀 ", "a—b ", "é"}) {
    std::string subject;
    while (subject.size() < 300) subject += unit;
    while (subject.back() == ' ') subject.pop_back();
    Message m = Simple();
    m.subject = subject;
    std::string mime = Compose(m);
    ExpectWellFormedLines(mime);
    EXPECT_EQ(DecodeWords(Headers(mime)["subject"]), subject);
  }
}

TEST(ComposeMime, LongAsciiSubjectsFoldAtSpaces) {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "word" + std::to_string(i) + " ";
  subject.pop_back();
  Message m = Simple();
  m.subject = subject;
  std::string mime = Compose(m);
  ExpectWellFormedLines(mime);
  EXPECT_THAT(mime, Not(HasSubstr("=?")));
  EXPECT_EQ(Headers(mime)["subject"], subject);
}

TEST(ComposeMime, AsciiThatLooksEncodedOrWillNotFoldIsEncoded) {
  for (std::string subject : {std::string("=?UTF-8?B?SGk=?= is not an encoded word here"),
                              "a " + std::string(120, 'x') + " b"}) {
    Message m = Simple();
    m.subject = subject;
    std::string mime = Compose(m);
    ExpectWellFormedLines(mime);
    EXPECT_THAT(Headers(mime)["subject"], HasSubstr("=?UTF-8?B?"));
    EXPECT_EQ(DecodeWords(Headers(mime)["subject"]), subject);
  }
}

TEST(ComposeMime, DisplayNamesAreAtomsQuotedOrEncoded) {
  Message m = Simple();
  m.from.name = "Doe, \"J\" \\ Jane";
  m.to = {{"a@example.org", "Ada Lovelace"}, {"b@example.org", "Émilie du Châtelet"}};
  m.reply_to = Address{"help@example.org", ""};
  std::string mime = Compose(m);
  ExpectWellFormedLines(mime);
  std::map<std::string, std::string> h = Headers(mime);
  EXPECT_EQ(h["from"], "\"Doe, \\\"J\\\" \\\\ Jane\" <noreply@paperpulse.example.org>");
  EXPECT_EQ(h["reply-to"], "help@example.org");
  EXPECT_THAT(h["to"], HasSubstr("Ada Lovelace <a@example.org>, =?UTF-8?B?"));
  EXPECT_EQ(DecodeWords(h["to"]),
            "Ada Lovelace <a@example.org>, Émilie du Châtelet <b@example.org>");
}

TEST(ComposeMime, ExtraHeadersKeepTheirOrderAndFold) {
  Message m = Simple();
  std::string long_url =
      "<https://paperpulse.example.org/unsubscribe/" + std::string(60, 'T') + ">";
  m.headers = {{"List-Unsubscribe", "<mailto:unsub@example.org>, " + long_url},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
               {"List-Id", "paperpulse daily <daily.paperpulse.example.org>"}};
  std::string mime = Compose(m);
  for (const std::string& line : Lines(mime)) EXPECT_LE(line.size(), 998u);
  EXPECT_THAT(mime, HasSubstr("List-Unsubscribe: <mailto:unsub@example.org>,\r\n " + long_url +
                              "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                              "List-Id: paperpulse daily <daily.paperpulse.example.org>\r\n"
                              "MIME-Version: 1.0\r\n"));
}

TEST(ComposeMime, HeaderInjectionIsRejected) {
  auto expect_rejected = [](Message m, std::string_view what) {
    Result<std::string> mime = ComposeMime(m, Jan5Noon());
    ASSERT_FALSE(mime) << what;
    EXPECT_EQ(mime.error().code, ErrorCode::kInvalidArgument) << what;
  };
  Message m = Simple();
  m.subject = "Hi\r\nBcc: victim@example.org";
  expect_rejected(m, "CRLF in subject");
  m = Simple();
  m.subject = "Hi\nBcc: victim@example.org";
  expect_rejected(m, "LF in subject");
  m = Simple();
  m.to[0].name = "Alice\rBcc: victim@example.org";
  expect_rejected(m, "CR in a display name");
  m = Simple();
  m.to[0].email = "alice@example.org>\r\nRCPT TO:<victim@example.org";
  expect_rejected(m, "CRLF in an address");
  m = Simple();
  m.headers = {{"List-Id", "x\r\nBcc: victim@example.org"}};
  expect_rejected(m, "CRLF in an extra header");
  m = Simple();
  m.headers = {{"Bcc", "victim@example.org"}};
  expect_rejected(m, "a Bcc header");
  m = Simple();
  m.headers = {{"content-type", "text/html"}};
  expect_rejected(m, "a second Content-Type");
  m = Simple();
  m.headers = {{"X-Bad Name", "v"}};
  expect_rejected(m, "a space in a header name");
  m = Simple();
  m.message_id = "a@b>\r\nBcc: victim@example.org";
  expect_rejected(m, "CRLF in the Message-ID");
  m = Simple();
  m.subject = "tab\there";
  expect_rejected(m, "a control character in the subject");
  m = Simple();
  m.subject = "\xff\xfe";
  expect_rejected(m, "invalid UTF-8 in the subject");
  m = Simple();
  m.text = "bad \xc3";
  expect_rejected(m, "invalid UTF-8 in the text");
  m = Simple();
  m.to.clear();
  expect_rejected(m, "no recipient");
}

TEST(ComposeMime, MultipartAlternativeWithBothParts) {
  Message m = Simple();
  std::string delimiter = "--=_paperpulse_alternative";
  // Bodies that try to contain the delimiter cannot: '=' is encoded.
  m.text = "Plain\n" + delimiter + "\n" + delimiter + "--\n";
  m.html = "<p>Caf\xc3\xa9 =</p>\n" + delimiter + "\n";
  std::string mime = Compose(m);
  ExpectWellFormedLines(mime);
  EXPECT_EQ(Headers(mime)["content-type"],
            "multipart/alternative; boundary=\"=_paperpulse_alternative\"");
  std::vector<std::string> lines = Lines(mime);
  int delimiters = 0, closes = 0;
  for (const std::string& line : lines) {
    if (line == delimiter) ++delimiters;
    if (line == delimiter + "--") ++closes;
  }
  EXPECT_EQ(delimiters, 2);
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(lines.back(), delimiter + "--");

  std::string body = mime.substr(mime.find("\r\n\r\n") + 4);
  size_t text_start = body.find(delimiter + "\r\n") + delimiter.size() + 2;
  size_t html_start = body.find(delimiter + "\r\n", text_start) + delimiter.size() + 2;
  std::string text_part =
      body.substr(text_start, body.find("\r\n" + delimiter, text_start) - text_start);
  std::string html_part =
      body.substr(html_start, body.find("\r\n" + delimiter, html_start) - html_start);
  EXPECT_TRUE(
      text_part.starts_with("Content-Type: text/plain; charset=UTF-8\r\n"
                            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"));
  EXPECT_TRUE(
      html_part.starts_with("Content-Type: text/html; charset=UTF-8\r\n"
                            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"));
  // Round trip, the final line break being the delimiter's.
  EXPECT_EQ(DecodeQp(text_part.substr(text_part.find("\r\n\r\n") + 4)),
            "Plain\r\n" + delimiter + "\r\n" + delimiter + "--\r\n");
  EXPECT_EQ(DecodeQp(html_part.substr(html_part.find("\r\n\r\n") + 4)),
            "<p>Caf\xc3\xa9 =</p>\r\n" + delimiter + "\r\n");
}

TEST(ComposeMime, GeneratesAMessageIdAtTheSendersDomain) {
  Message m = Simple();
  m.message_id.clear();
  std::string id = Headers(Compose(m))["message-id"];
  EXPECT_EQ(id.size(), 2 + 32 + 1 + std::string("paperpulse.example.org").size()) << id;
  EXPECT_TRUE(id.starts_with("<") && id.ends_with("@paperpulse.example.org>")) << id;
  EXPECT_NE(Headers(Compose(m))["message-id"], id);
}

TEST(ComposeMime, AnEmptySubjectIsAnEmptyField) {
  Message m = Simple();
  m.subject = "";
  EXPECT_THAT(Compose(m), HasSubstr("\r\nSubject:\r\nMessage-ID:"));
}

TEST(ComposeMime, DateFromTheMessageWinsOverNow) {
  Message m = Simple();
  m.date = Clock::WallTime{};
  EXPECT_EQ(Headers(Compose(m))["date"], "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(QuotedPrintable, EscapesEqualsAndBytesOutsidePrintableAscii) {
  EXPECT_EQ(EncodeQuotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(EncodeQuotedPrintable("Caf\xc3\xa9"), "Caf=C3=A9");
  EXPECT_EQ(EncodeQuotedPrintable("tab\tin"), "tab\tin");
  EXPECT_EQ(EncodeQuotedPrintable(std::string("nul\0!", 5)), "nul=00!");
}

TEST(QuotedPrintable, TrailingWhiteSpaceIsEncoded) {
  EXPECT_EQ(EncodeQuotedPrintable("end \nnext\t\n"), "end=20\r\nnext=09\r\n");
}

TEST(QuotedPrintable, EveryLineBreakBecomesCrlf) {
  EXPECT_EQ(EncodeQuotedPrintable("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
  EXPECT_EQ(EncodeQuotedPrintable("\n\n"), "\r\n\r\n");
  EXPECT_EQ(EncodeQuotedPrintable(""), "");
}

TEST(QuotedPrintable, SoftBreaksKeepLinesWithin76) {
  std::string line(200, 'x');
  std::string encoded = EncodeQuotedPrintable(line);
  EXPECT_EQ(encoded.substr(0, 77), std::string(75, 'x') + "=\r");
  for (const std::string& l : Lines(encoded)) EXPECT_LE(l.size(), 76u);
  EXPECT_EQ(DecodeQp(encoded), line);
  // A 76-character line needs no break; 77 does.
  EXPECT_EQ(EncodeQuotedPrintable(std::string(76, 'y')), std::string(76, 'y'));
  EXPECT_EQ(EncodeQuotedPrintable(std::string(77, 'y')), std::string(75, 'y') + "=\r\nyy");
  // An escape is never split by a soft break.
  std::string escapes(100, '=');
  for (const std::string& l : Lines(EncodeQuotedPrintable(escapes))) {
    EXPECT_LE(l.size(), 76u);
    EXPECT_EQ(l.size() % 3, l.back() == '=' ? 1u : 0u) << l;
  }
}

TEST(QuotedPrintable, FromAtTheStartOfALineIsEscaped) {
  EXPECT_EQ(EncodeQuotedPrintable("From here\nnot From\n"), "=46rom here\r\nnot From\r\n");
  // Also where a soft break starts a new line.
  std::string line = std::string(75, 'z') + "From x";
  EXPECT_EQ(EncodeQuotedPrintable(line), std::string(75, 'z') + "=\r\n=46rom x");
}

TEST(QuotedPrintable, RandomTextRoundTrips) {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("ab =.\t\xc3\xa9\n\r") + "From ";
  for (int round = 0; round < 500; ++round) {
    std::string text;
    int n = static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    std::string encoded = EncodeQuotedPrintable(text);
    // What decoding must give: the text with every line break as CRLF.
    std::string expected;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
      if (text[i] == '\r' || text[i] == '\n') {
        expected += "\r\n";
      } else {
        expected.push_back(text[i]);
      }
    }
    ASSERT_EQ(DecodeQp(encoded), expected) << "round " << round;
    for (const std::string& l : Lines(encoded)) {
      ASSERT_LE(l.size(), 76u);
      ASSERT_FALSE(!l.empty() && (l.back() == ' ' || l.back() == '\t')) << "trailing white space";
      ASSERT_FALSE(l.starts_with("From ")) << l;
    }
  }
}

TEST(IsValidEmail, AcceptsDotAtomsAndHostNames) {
  EXPECT_TRUE(IsValidEmail("alice@example.org"));
  EXPECT_TRUE(IsValidEmail("first.last+tag@sub.example-mail.co.uk"));
  EXPECT_TRUE(IsValidEmail("o'brien@localhost"));
  EXPECT_TRUE(IsValidEmail(std::string(64, 'a') + "@example.org"));
}

TEST(IsValidEmail, RejectsEverythingElse) {
  for (std::string bad : {"", "alice", "@example.org", "alice@", "al ice@example.org",
                          "alice@@example.org", ".alice@example.org", "alice.@example.org",
                          "al..ice@example.org", "alice@-example.org", "alice@example..org",
                          "alice@exa_mple.org", "\"quoted\"@example.org", "alice@example.org\r\n",
                          "<alice@example.org>", "al\xc3\xa9@example.org", "alice@[127.0.0.1]"}) {
    EXPECT_FALSE(IsValidEmail(bad)) << bad;
  }
  EXPECT_FALSE(IsValidEmail(std::string(65, 'a') + "@example.org"));
  EXPECT_FALSE(IsValidEmail("a@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                            std::string(63, 'd') + "." + std::string(62, 'e')));
}

TEST(FormatMailDate, Rfc5322DateTimeInUtc) {
  EXPECT_EQ(FormatMailDate(Jan5Noon()), "Mon, 05 Jan 2026 12:00:00 +0000");
  EXPECT_EQ(FormatMailDate(Clock::WallTime{}), "Thu, 01 Jan 1970 00:00:00 +0000");
  // 2000-02-29T23:59:59.9Z: a leap day, fractions dropped.
  EXPECT_EQ(FormatMailDate(Clock::WallTime{std::chrono::milliseconds(951868799900)}),
            "Tue, 29 Feb 2000 23:59:59 +0000");
  EXPECT_EQ(FormatMailDate(Clock::WallTime{std::chrono::seconds(-1)}),
            "Wed, 31 Dec 1969 23:59:59 +0000");
}

TEST(NewMessageId, RandomAtTheDomain) {
  std::string a = NewMessageId("x@mail.example.org");
  std::string b = NewMessageId("x@mail.example.org");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.ends_with("@mail.example.org"));
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), 32u);
}

}  // namespace
}  // namespace paperpulse::mail
