// SMTP URLs, and what Send puts on the wire (seen by a minimal server on
// loopback); the SMTP conversation itself is tested against a real server
// in tests/integration/mail_smtp_test.cc.
#include "paperpulse/mail/smtp_transport.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "paperpulse/base/strings.h"

namespace paperpulse::mail {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Accepts one SMTP connection on 127.0.0.1, says yes to every command and
// keeps the message of DATA. Every wait is bounded (10 s), so a client that
// never comes cannot hang the test.
class OneMessageServer {
 public:
  OneMessageServer() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(addr);
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&addr), size) != 0 ||
        listen(listener_, 1) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneMessageServer() {
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) close(listener_);
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // The message received, with the SMTP dot-stuffing (RFC 5321 §4.5.2)
  // undone; waits for the conversation to end.
  std::string TakeMessage() {
    if (thread_.joinable()) thread_.join();
    return message_;
  }

 private:
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 10000) == 1;
  }

  void Serve() {
    if (!Readable(listener_)) return;
    int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    auto reply = [fd](std::string_view s) {
      return write(fd, s.data(), s.size()) == ssize_t(s.size());
    };
    std::string in;
    bool in_data = false;
    bool open = reply("220 test\r\n");
    while (open) {
      if (in_data) {
        if (size_t end = in.find("\r\n.\r\n"); end != std::string::npos) {
          std::string data = in.substr(0, end + 2);
          in.erase(0, end + 5);
          in_data = false;
          if (StartsWith(data, "..")) data.erase(0, 1);
          for (size_t at = data.find("\r\n.."); at != std::string::npos;
               at = data.find("\r\n..", at + 3)) {
            data.erase(at + 2, 1);
          }
          message_ = std::move(data);
          open = reply("250 queued\r\n");
          continue;
        }
      } else if (size_t eol = in.find("\r\n"); eol != std::string::npos) {
        std::string verb = AsciiLower(in.substr(0, std::min<size_t>(eol, 4)));
        in.erase(0, eol + 2);
        if (verb == "quit") {
          reply("221 bye\r\n");
          break;
        }
        in_data = verb == "data";
        open = reply(in_data ? "354 go on\r\n" : "250 ok\r\n");
        continue;
      }
      char buffer[4096];
      ssize_t n = Readable(fd) ? read(fd, buffer, sizeof(buffer)) : 0;
      if (n <= 0) break;
      in.append(buffer, static_cast<size_t>(n));
    }
    close(fd);
  }

  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string message_;
};

std::shared_ptr<const DkimSigner> TestSigner() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(1024), &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!key || !bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return nullptr;
  }
  char* pem = nullptr;
  long size = BIO_get_mem_data(bio.get(), &pem);
  Result<std::unique_ptr<DkimSigner>> signer =
      DkimSigner::Create({.domain = "example.org",
                          .selector = "pp",
                          .private_key_pem = std::string(pem, static_cast<size_t>(size))});
  if (!signer) return nullptr;
  return std::move(*signer);
}

Message Digest() {
  Message m;
  m.from = {"digest@example.org", "paperpulse"};
  m.to = {{"alice@example.net", ""}};
  m.subject = "Your papers";
  m.text = "Hello\n.a line starting with a dot\n";
  m.headers = {{"List-Unsubscribe", "<https://example.org/unsubscribe/t>"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  m.message_id = "d1@example.org";
  return m;
}

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

TEST(SmtpTransport, SendSignsTheComposedMessageWhenDkimIsSet) {
  std::shared_ptr<const DkimSigner> signer = TestSigner();
  ASSERT_TRUE(signer);
  FakeClock clock;
  OneMessageServer server;
  Result<std::unique_ptr<SmtpTransport>> t =
      SmtpTransport::Create({.url = server.url(), .dkim = signer}, clock);
  ASSERT_TRUE(t) << t.error().ToString();
  Message m = Digest();
  Status sent = (*t)->Send(m);
  ASSERT_TRUE(sent) << sent.error().ToString();

  Result<std::string> mime = ComposeMime(m, clock.Now());
  ASSERT_TRUE(mime);
  // RSASSA-PKCS1-v1_5 is deterministic: the same message at the same time
  // gets the same signature.
  Result<std::string> expected = signer->Sign(*mime, clock.Now());
  ASSERT_TRUE(expected);
  std::string received = server.TakeMessage();
  EXPECT_TRUE(StartsWith(received, "DKIM-Signature: v=1;")) << received;
  EXPECT_EQ(received, *expected);
}

TEST(SmtpTransport, SendMimeSendsTheBytesAsGiven) {
  std::shared_ptr<const DkimSigner> signer = TestSigner();
  ASSERT_TRUE(signer);
  FakeClock clock;
  OneMessageServer server;
  Result<std::unique_ptr<SmtpTransport>> t =
      SmtpTransport::Create({.url = server.url(), .dkim = signer}, clock);
  ASSERT_TRUE(t) << t.error().ToString();
  Message m = Digest();
  Result<std::string> mime = ComposeMime(m, clock.Now());
  ASSERT_TRUE(mime);
  Status sent = (*t)->SendMime(m.from.email, {m.to[0].email}, *mime);
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_EQ(server.TakeMessage(), *mime);
}

}  // namespace
}  // namespace paperpulse::mail
