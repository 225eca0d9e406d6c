// SmtpTransport against a real SMTP server on loopback (tests/tools/smtp_sink.py,
// aiosmtpd): the bytes that arrive are the bytes ComposeMime wrote, Python's
// email package reads them back to the text that was sent, and the server's
// refusals come back as the right error codes.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/mail/async_sender.h"
#include "paperpulse/mail/message.h"
#include "paperpulse/mail/smtp_transport.h"

extern char** environ;

namespace paperpulse::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Runs argv (no shell); returns the pid, and the read end of its stdout
// through `stdout_fd` when not null (else stdout is inherited).
pid_t Spawn(const std::vector<std::string>& args, int* stdout_fd) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int pipe_fds[2] = {-1, -1};
  if (stdout_fd != nullptr) {
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  }
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  if (stdout_fd != nullptr) {
    close(pipe_fds[1]);
    *stdout_fd = pipe_fds[0];
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// tests/tools/smtp_sink.py in a fresh directory, stopped (SIGTERM) and
// cleaned up on destruction.
class Sink {
 public:
  explicit Sink(std::vector<std::string> flags = {}) {
    char tmpl[] = "/tmp/pp-mail-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::vector<std::string> args = {"python3", testing::SourceDir() + "/tests/tools/smtp_sink.py",
                                     "--port",  "0",
                                     "--dir",   dir_.string()};
    args.insert(args.end(), flags.begin(), flags.end());
    int out = -1;
    pid_ = Spawn(args, &out);
    if (pid_ < 0) return;
    // The first line is "PORT <n>". The deadline only keeps a broken sink
    // from hanging the test; nothing is timed.
    std::string line;
    char c;
    pollfd p{out, POLLIN, 0};
    while (line.find('\n') == std::string::npos && poll(&p, 1, 60000) == 1 &&
           read(out, &c, 1) == 1) {
      line.push_back(c);
    }
    close(out);
    if (line.rfind("PORT ", 0) == 0) port_ = std::atoi(line.c_str() + 5);
  }
  ~Sink() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      Wait(pid_);
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const fs::path& dir() const { return dir_; }
  // The n-th message received (from 1), or "" when there is none.
  std::string Eml(int n) const { return Read(n, ".eml"); }
  std::string Envelope(int n) const { return Read(n, ".json"); }
  int Count() const {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir_))
      count += entry.path().extension() == ".eml";
    return count;
  }

 private:
  std::string Read(int n, const char* ext) const {
    char name[16];
    std::snprintf(name, sizeof name, "%04d%s", n, ext);
    return fs::exists(dir_ / name) ? ReadFile(dir_ / name) : "";
  }

  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::unique_ptr<SmtpTransport> Transport(const std::string& url) {
  Result<std::unique_ptr<SmtpTransport>> t = SmtpTransport::Create({.url = url});
  EXPECT_TRUE(t) << t.error().ToString();
  return t ? std::move(*t) : nullptr;
}

Message SignInMail() {
  Message m;
  m.from = {"noreply@paperpulse.example.org", "paperpulse"};
  m.to = {{"alice@example.org", ""}};
  m.subject = "Sign in to paperpulse";
  // Lines SMTP treats specially: a lone "." ends DATA unless the client
  // dot-stuffs it; "From " is mangled by mbox storage.
  m.text =
      "Open this link to sign in:\nhttps://paperpulse.example.org/login/abc\n.\n.hidden\nFrom me\n";
  m.message_id = "signin-1@paperpulse.example.org";
  m.date = FakeClock::DefaultStart();
  return m;
}

Message DigestMail() {
  Message m;
  m.from = {"digest@paperpulse.example.org", "Paperpulse — Daily"};
  m.to = {{"bob@example.org", "Bøb Åström"}};
  m.subject = "Trending papers: 論文 «Attention» — 5 new today, and a rather long subject line";
  m.text = "1. Attention Is All You Need (42 votes)\nCafé = good\n" + std::string(150, 'x') + "\n";
  m.html = "<html><body><h1>Trending</h1><p style=\"color:#333\">Caf\xc3\xa9 = good</p>" +
           std::string(150, 'y') + "</body></html>\n";
  m.headers = {{"List-Unsubscribe", "<https://paperpulse.example.org/unsubscribe/TOKEN123>"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
               {"List-Id", "Paperpulse daily <daily.paperpulse.example.org>"}};
  m.message_id = "digest-1@paperpulse.example.org";
  m.date = FakeClock::DefaultStart();
  return m;
}

// Python's email package (policy=default, which decodes RFC 2047 and the
// transfer encoding) reads the file; every field must equal what was sent.
constexpr const char* kPythonCheck = R"PY(
import sys, email, email.policy
path, subject, from_name, to_name, text, html = sys.argv[1:7]
expected_headers = dict(h.split("=", 1) for h in sys.argv[7:])
with open(path, "rb") as f:
    raw = f.read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
problems = []
def check(what, got, want):
    if got != want:
        problems.append("%s: got %r, want %r" % (what, got, want))
check("defects", [str(d) for d in msg.defects], [])
check("subject", str(msg["subject"]), subject)
check("from name", msg["from"].addresses[0].display_name, from_name)
check("to name", msg["to"].addresses[0].display_name, to_name)
# The parser keeps the wire's CRLF line breaks in decoded text.
def content(part):
    return part.get_content().replace("\r\n", "\n") if part is not None else ""
check("text", content(msg.get_body(("plain",))), text)
check("html", content(msg.get_body(("html",))), html)
check("multipart", msg.is_multipart(), html != "")
for part in msg.walk():
    check("defects of a part", [str(d) for d in part.defects], [])
for name, value in expected_headers.items():
    check(name, str(msg[name]), value)
check("bare LF", b"\n" in raw.replace(b"\r\n", b""), False)
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
)PY";

int PythonCheck(const std::string& eml, const Message& m, std::vector<std::string> headers = {}) {
  std::vector<std::string> args = {"python3",   "-c",         kPythonCheck, eml,   m.subject,
                                   m.from.name, m.to[0].name, m.text,       m.html};
  args.insert(args.end(), headers.begin(), headers.end());
  pid_t pid = Spawn(args, nullptr);
  return pid < 0 ? -1 : Wait(pid);
}

TEST(SmtpTransportLoopback, DeliversTwoMessagesByteForByte) {
  Sink sink;
  ASSERT_GT(sink.port(), 0);
  std::unique_ptr<SmtpTransport> smtp = Transport(sink.url());
  ASSERT_TRUE(smtp);
  Message sign_in = SignInMail();
  Message digest = DigestMail();
  Status s = smtp->Send(sign_in);
  ASSERT_TRUE(s) << s.error().ToString();
  s = smtp->Send(digest);
  ASSERT_TRUE(s) << s.error().ToString();

  ASSERT_EQ(sink.Count(), 2);
  // Date and Message-ID are set, so composing again gives the same bytes:
  // what arrived is exactly what was composed (dot-stuffing undone).
  EXPECT_EQ(sink.Eml(1), *ComposeMime(sign_in, Clock::WallTime{}));
  EXPECT_EQ(sink.Eml(2), *ComposeMime(digest, Clock::WallTime{}));
  EXPECT_THAT(sink.Eml(1), HasSubstr("\r\n.\r\n.hidden\r\n=46rom me\r\n"));
  EXPECT_EQ(sink.Envelope(1),
            R"({"mail_from": "noreply@paperpulse.example.org", "rcpt_tos": ["alice@example.org"], )"
            R"("auth_user": null})");

  EXPECT_EQ(PythonCheck((sink.dir() / "0001.eml").string(), sign_in,
                        {"Message-ID=<signin-1@paperpulse.example.org>",
                         "Date=Mon, 05 Jan 2026 12:00:00 +0000"}),
            0);
  EXPECT_EQ(PythonCheck((sink.dir() / "0002.eml").string(), digest,
                        {"List-Unsubscribe=<https://paperpulse.example.org/unsubscribe/TOKEN123>",
                         "List-Unsubscribe-Post=List-Unsubscribe=One-Click",
                         "List-Id=Paperpulse daily <daily.paperpulse.example.org>"}),
            0);
}

TEST(SmtpTransportLoopback, ARejectedRecipientIsInvalidArgument) {
  Sink sink({"--fail-rcpt", "gone@example.org"});
  ASSERT_GT(sink.port(), 0);
  std::unique_ptr<SmtpTransport> smtp = Transport(sink.url());
  ASSERT_TRUE(smtp);
  Message m = SignInMail();
  m.to = {{"gone@example.org", ""}};
  Status s = smtp->Send(m);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << s.error().ToString();
  EXPECT_THAT(s.error().message, HasSubstr(sink.url()));
  EXPECT_THAT(s.error().message, HasSubstr("RCPT refused: 550 5.1.1 <gone@example.org>"));
  // One refused recipient fails the whole message: nobody gets it.
  m.to = {{"alice@example.org", ""}, {"gone@example.org", ""}};
  EXPECT_FALSE(smtp->Send(m));
  EXPECT_EQ(sink.Count(), 0);
  // Other mail still goes through.
  EXPECT_TRUE(smtp->Send(SignInMail()));
  EXPECT_EQ(sink.Count(), 1);
}

TEST(SmtpTransportLoopback, ATemporaryFailureIsUnavailableAndTheSenderRetries) {
  Sink sink({"--tempfail", "2"});
  ASSERT_GT(sink.port(), 0);
  std::unique_ptr<SmtpTransport> smtp = Transport(sink.url());
  ASSERT_TRUE(smtp);
  Status s = smtp->Send(SignInMail());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable) << s.error().ToString();
  EXPECT_THAT(s.error().message, HasSubstr("DATA refused: 451"));
  EXPECT_EQ(sink.Count(), 0);

  // The second 451 is absorbed by the sender's retry.
  FakeClock clock;
  AsyncSender sender(*smtp, {.clock = &clock});
  ASSERT_TRUE(sender.Enqueue(SignInMail()));
  sender.Flush();
  EXPECT_EQ(sender.stats().sent, 1);
  EXPECT_EQ(sender.stats().retries, 1);
  EXPECT_EQ(clock.sleeps().size(), 1u);
  EXPECT_EQ(sink.Count(), 1);
}

TEST(SmtpTransportLoopback, AuthenticatesWithTheUrlsCredentials) {
  Sink sink({"--auth"});
  ASSERT_GT(sink.port(), 0);
  std::unique_ptr<SmtpTransport> anonymous = Transport(sink.url());
  ASSERT_TRUE(anonymous);
  Status s = anonymous->Send(SignInMail());
  ASSERT_FALSE(s);
  // 530 authentication required: no retry helps, and it is not the address.
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition) << s.error().ToString();

  std::unique_ptr<SmtpTransport> smtp =
      Transport("smtp://paperpulse:s3cret%21@127.0.0.1:" + std::to_string(sink.port()));
  ASSERT_TRUE(smtp);
  s = smtp->Send(SignInMail());
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_THAT(sink.Envelope(1), HasSubstr(R"("auth_user": "paperpulse")"));
}

TEST(SmtpTransportLoopback, RequiredStarttlsThatIsNotOfferedFails) {
  Sink sink;
  ASSERT_GT(sink.port(), 0);
  std::unique_ptr<SmtpTransport> smtp = Transport(sink.url() + "?starttls=1");
  ASSERT_TRUE(smtp);
  Status s = smtp->Send(SignInMail());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition) << s.error().ToString();
  EXPECT_EQ(sink.Count(), 0);
}

TEST(SmtpTransportLoopback, NoServerIsUnavailable) {
  // A bound socket that does not listen: connecting is refused at once.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::unique_ptr<SmtpTransport> smtp =
      Transport("smtp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  ASSERT_TRUE(smtp);
  Status s = smtp->Send(SignInMail());
  close(fd);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable) << s.error().ToString();
}

}  // namespace
}  // namespace paperpulse::mail
