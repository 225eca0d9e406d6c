// SMTP URLs; sending over a real connection is tested against an SMTP server
// on loopback in tests/integration/mail_smtp_test.cc.
#include "paperpulse/mail/smtp_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace paperpulse::mail {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParseSmtpUrl, PlainHostAndPort) {
  Result<SmtpEndpoint> e = ParseSmtpUrl("smtp://127.0.0.1:2525");
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->url, "smtp://127.0.0.1:2525/");
  EXPECT_EQ(e->user, "");
  EXPECT_FALSE(e->starttls);
}

TEST(ParseSmtpUrl, StarttlsAndDecodedCredentials) {
  Result<SmtpEndpoint> e =
      ParseSmtpUrl("smtp://me%40example.org:p%3Ass%2F@mail.example.org:587?starttls=1");
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->url, "smtp://mail.example.org:587/");
  EXPECT_EQ(e->user, "me@example.org");
  EXPECT_EQ(e->password, "p:ss/");
  EXPECT_TRUE(e->starttls);
}

TEST(ParseSmtpUrl, ImplicitTlsKeepsTheHeloName) {
  Result<SmtpEndpoint> e = ParseSmtpUrl("SMTPS://user:pw@mail.example.org/paperpulse.example.org");
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->url, "smtps://mail.example.org/paperpulse.example.org");
  EXPECT_EQ(e->user, "user");
  EXPECT_FALSE(e->starttls);
}

TEST(ParseSmtpUrl, RejectsWhatCannotWork) {
  for (const char* bad : {"", "127.0.0.1:25", "http://example.org", "smtp://", "smtp://host?tls=1",
                          "smtp://host?starttls=0", "smtps://host?starttls=1", "smtp://host#x",
                          "smtp://user;AUTH=PLAIN:pw@host", "smtp://:pw@host", "smtp://ho st"}) {
    Result<SmtpEndpoint> e = ParseSmtpUrl(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(ParseSmtpUrl, ErrorsDoNotShowThePassword) {
  Result<SmtpEndpoint> e = ParseSmtpUrl("smtp://user:hunter2@host?unknown=1");
  ASSERT_FALSE(e);
  EXPECT_THAT(e.error().message, Not(HasSubstr("hunter2")));
  EXPECT_THAT(e.error().message, HasSubstr("unknown=1"));
}

TEST(SmtpTransport, CreateChecksTheUrlWithoutConnecting) {
  EXPECT_FALSE(SmtpTransport::Create({.url = "smtp://host?starttls=yes"}));
  Result<std::unique_ptr<SmtpTransport>> t = SmtpTransport::Create({.url = "smtp://192.0.2.1:25"});
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ((*t)->endpoint().url, "smtp://192.0.2.1:25/");
}

TEST(SmtpTransport, AnInvalidMessageFailsBeforeConnecting) {
  // 192.0.2.1 (TEST-NET-1) never answers: reaching the network would time out.
  Result<std::unique_ptr<SmtpTransport>> t = SmtpTransport::Create({.url = "smtp://192.0.2.1:25"});
  ASSERT_TRUE(t);
  Message m;
  m.from = {"noreply@example.org", ""};
  m.to = {{"victim@example.org>\r\nDATA", ""}};
  m.subject = "x";
  Status s = (*t)->Send(m);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace paperpulse::mail
