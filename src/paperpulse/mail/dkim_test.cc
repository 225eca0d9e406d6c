// Tests of dkim.h. Signatures are checked by an independent verifier:
// dkimpy (Debian's python3-dkim), with the public key served by a stub DNS
// lookup; the tests that need it are skipped when it is not installed.
#include "paperpulse/mail/dkim.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "paperpulse/mail/message.h"

extern char** environ;

namespace paperpulse::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

Clock::WallTime Jan5Noon() { return FakeClock::DefaultStart(); }  // 2026-01-05T12:00:00Z
constexpr std::string_view kJan5NoonUnix = "1767614400";

// ---- Keys, made by OpenSSL in the test -------------------------------------

std::string ToPem(EVP_PKEY* key, const EVP_CIPHER* cipher = nullptr, const char* pass = nullptr) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  int pass_len = pass != nullptr ? static_cast<int>(std::strlen(pass)) : 0;
  EXPECT_EQ(
      PEM_write_bio_PrivateKey(bio.get(), key, cipher, reinterpret_cast<const unsigned char*>(pass),
                               pass_len, nullptr, nullptr),
      1);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

using KeyHandle = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

KeyHandle NewRsaKey(unsigned bits) { return KeyHandle(EVP_RSA_gen(bits), &EVP_PKEY_free); }

// One 2048-bit key for the whole test program: generating one takes a while.
const std::string& TestKeyPem() {
  static const std::string pem = [] {
    KeyHandle key = NewRsaKey(2048);
    EXPECT_TRUE(key);
    return ToPem(key.get());
  }();
  return pem;
}

// The p= of the DNS record for the key in `pem`: base64 of the DER
// SubjectPublicKeyInfo (RFC 6376 §3.6.1).
std::string PublicKeyBase64(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), int(pem.size())),
                                                &BIO_free);
  KeyHandle key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  EXPECT_TRUE(key);
  unsigned char* der = nullptr;
  int der_size = i2d_PUBKEY(key.get(), &der);
  EXPECT_GT(der_size, 0);
  std::string b64(4 * ((der_size + 2) / 3) + 1, '\0');
  b64.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der, der_size));
  OPENSSL_free(der);
  return b64;
}

std::unique_ptr<DkimSigner> TestSigner() {
  Result<std::unique_ptr<DkimSigner>> signer = DkimSigner::Create(
      {.domain = "example.org", .selector = "pp", .private_key_pem = TestKeyPem()});
  EXPECT_TRUE(signer) << signer.error().ToString();
  return signer ? std::move(*signer) : nullptr;
}

// ---- Messages ---------------------------------------------------------------

// A digest as the mail layer sends it: text and HTML, list headers (the
// List-Unsubscribe value is long enough to be folded).
Message Digest() {
  Message m;
  m.from = {"digest@example.org", "paperpulse"};
  m.to = {{"alice@example.net", "Alice"}};
  m.reply_to = Address{"help@example.org", ""};
  m.subject = "Your papers this week \xe2\x80\x94 3 new";
  m.text = "Hello Alice,\n\nThree papers  this week.\n\t indented line \n";
  m.html = "<p>Hello Alice,</p>\n<p>Three papers this week.</p>\n";
  m.headers = {{"List-Id", "paperpulse digest <digest.example.org>"},
               {"List-Unsubscribe",
                "<https://example.org/unsubscribe/tok123>, "
                "<mailto:unsubscribe@example.org?subject=unsubscribe-tok123>"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  m.message_id = "digest-1@example.org";
  return m;
}

std::string Compose(const Message& m) {
  Result<std::string> mime = ComposeMime(m, Jan5Noon());
  EXPECT_TRUE(mime) << mime.error().ToString();
  return mime ? *mime : "";
}

std::string SignOrDie(const DkimSigner& signer, std::string_view mime) {
  Result<std::string> signed_mime = signer.Sign(mime, Jan5Noon());
  EXPECT_TRUE(signed_mime) << signed_mime.error().ToString();
  return signed_mime ? *signed_mime : "";
}

// `s` with the first `from` replaced by `to`; fails the test when absent.
std::string Replace(std::string s, std::string_view from, std::string_view to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// The tags of the DKIM-Signature header at the top of `mime`, unfolded and
// with white space removed (how a verifier reads them).
std::map<std::string, std::string> SignatureTags(std::string_view mime) {
  std::map<std::string, std::string> tags;
  std::string_view prefix = "DKIM-Signature:";
  EXPECT_EQ(mime.substr(0, prefix.size()), prefix);
  size_t end = mime.find("\r\n");
  while (end != std::string_view::npos && end + 2 < mime.size() &&
         (mime[end + 2] == ' ' || mime[end + 2] == '\t')) {
    end = mime.find("\r\n", end + 2);
  }
  std::string value;
  for (char c : mime.substr(prefix.size(), end - prefix.size())) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') value.push_back(c);
  }
  size_t pos = 0;
  while (pos < value.size()) {
    size_t semi = std::min(value.find(';', pos), value.size());
    std::string tag = value.substr(pos, semi - pos);
    size_t eq = tag.find('=');
    if (eq != std::string::npos) tags[tag.substr(0, eq)] = tag.substr(eq + 1);
    pos = semi + 1;
  }
  return tags;
}

// ---- The independent verifier -----------------------------------------------

// Runs argv (no shell) and returns its exit status; its stderr goes to
// /dev/null when `quiet`.
int RunProcess(const std::vector<std::string>& args, bool quiet = false) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (quiet) posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A Python that has dkimpy, or nullopt. The python3 first on PATH may be
// another installation (pyenv, a virtualenv) than the one Debian's package
// installed into, so the system's interpreter is tried too.
const std::optional<std::string>& PythonWithDkim() {
  static const std::optional<std::string> python = []() -> std::optional<std::string> {
    for (const char* candidate : {"python3", "/usr/bin/python3"}) {
      if (RunProcess({candidate, "-c", "import dkim"}, /*quiet=*/true) == 0) return candidate;
    }
    return std::nullopt;
  }();
  return python;
}

// argv: the p= value's file, the verdicts' file, then the messages. One
// process checks them all: starting Python and importing dkimpy takes
// about a second. A DNS lookup of another name than the test's record
// finds nothing, so d= and s= are checked too.
constexpr std::string_view kVerifyScript = R"(
import sys, dkim
public_key = open(sys.argv[1], "rb").read().strip()
def txt(name, timeout=5):
    if name != b"pp._domainkey.example.org.":
        return None
    return b"v=DKIM1; k=rsa; p=" + public_key
with open(sys.argv[2], "w") as out:
    for path in sys.argv[3:]:
        ok = dkim.verify(open(path, "rb").read(), dnsfunc=txt)
        out.write("valid\n" if ok else "invalid\n")
)";

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "pp-dkim-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  ASSERT_TRUE(out.good()) << path;
}

class DkimVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PythonWithDkim()) GTEST_SKIP() << "no python3 with dkimpy (apt-get install python3-dkim)";
    signer_ = TestSigner();
    ASSERT_TRUE(signer_);
    ASSERT_FALSE(dir_.path().empty());
    WriteFile(dir_.path() / "key.txt", PublicKeyBase64(TestKeyPem()));
  }

  // dkimpy's verdicts on `messages`, in order: "valid" or "invalid" each;
  // none when the script failed.
  std::vector<std::string> Verify(const std::vector<std::string>& messages) {
    fs::path verdicts = dir_.path() / "verdicts.txt";
    std::vector<std::string> args = {*PythonWithDkim(), "-c", std::string(kVerifyScript),
                                     (dir_.path() / "key.txt").string(), verdicts.string()};
    for (size_t i = 0; i < messages.size(); ++i) {
      args.push_back((dir_.path() / ("message" + std::to_string(i) + ".eml")).string());
      WriteFile(args.back(), messages[i]);
    }
    fs::remove(verdicts);
    EXPECT_EQ(RunProcess(args), 0);
    std::vector<std::string> result;
    std::ifstream in(verdicts);
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

  TempDir dir_;
  std::unique_ptr<DkimSigner> signer_;
};

// ---- Canonicalisation ------------------------------------------------------

TEST(DkimCanonicalization, Rfc6376Example) {
  // RFC 6376 §3.4.5: the header fields and body of the example message.
  EXPECT_EQ(DkimRelaxedHeader("A: X\r\n"), "a:X\r\n");
  EXPECT_EQ(DkimRelaxedHeader("B : Y\t\r\n\tZ  \r\n"), "b:Y Z\r\n");
  EXPECT_EQ(DkimRelaxedBody(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
}

TEST(DkimCanonicalization, HeaderEdges) {
  EXPECT_EQ(DkimRelaxedHeader("SUBJECT:\t hello \r\n\tworld"), "subject:hello world\r\n");
  EXPECT_EQ(DkimRelaxedHeader("X-Empty:   \r\n"), "x-empty:\r\n");
  EXPECT_EQ(DkimRelaxedHeader("To: <a@example.org>,\r\n <b@example.org>\r\n"),
            "to:<a@example.org>, <b@example.org>\r\n");
}

TEST(DkimCanonicalization, BodyEdges) {
  EXPECT_EQ(DkimRelaxedBody(""), "");
  EXPECT_EQ(DkimRelaxedBody("\r\n"), "");
  EXPECT_EQ(DkimRelaxedBody(" \t\r\n\r\n"), "");
  EXPECT_EQ(DkimRelaxedBody("no line end"), "no line end\r\n");
  EXPECT_EQ(DkimRelaxedBody("a\r\n\r\n \r\nb \r\n\r\n"), "a\r\n\r\n\r\nb\r\n");
  EXPECT_EQ(DkimRelaxedBody("\tlead\t\ttabs\r\n"), " lead tabs\r\n");
}

// ---- Signing, checked by dkimpy ----------------------------------------------

TEST_F(DkimVerifyTest, ComposedDigestVerifies) {
  std::string mime = Compose(Digest());
  std::string signed_mime = SignOrDie(*signer_, mime);
  ASSERT_TRUE(signed_mime.ends_with(mime));
  EXPECT_THAT(Verify({signed_mime,
                      // Relaxed canonicalisation forgives what relays do to
                      // white space in headers.
                      Replace(signed_mime, "\r\nSubject: ", "\r\nSubject:    "),
                      // A header that is not signed may be added.
                      Replace(signed_mime, "\r\nDate: ", "\r\nX-Spam-Score: 0\r\nDate: ")}),
              ElementsAre("valid", "valid", "valid"));
}

TEST_F(DkimVerifyTest, TamperingBreaksTheSignature) {
  std::string signed_mime = SignOrDie(*signer_, Compose(Digest()));
  EXPECT_THAT(Verify({signed_mime, Replace(signed_mime, "unsubscribe/tok123", "unsubscribe/tok124"),
                      Replace(signed_mime, "Three papers", "Three paperz"),
                      Replace(signed_mime, "One-Click", "One-Clack"),
                      // Oversigning: a second List-Unsubscribe, even above the
                      // signed one (which bottom-up selection still finds first).
                      Replace(signed_mime, "\r\nDate: ",
                              "\r\nList-Unsubscribe: <https://evil.example/>\r\nDate: ")}),
              ElementsAre("valid", "invalid", "invalid", "invalid", "invalid"));
}

TEST_F(DkimVerifyTest, RepeatedHeadersAreSignedBottomUp) {
  std::string mime = "From: a@example.org\r\nSubject: first\r\nSubject: second\r\n\r\nbody\r\n";
  std::string signed_mime = SignOrDie(*signer_, mime);
  EXPECT_EQ(SignatureTags(signed_mime)["h"], "from:from:subject:subject:subject");
  std::string swapped = Replace(Replace(signed_mime, "Subject: first", "Subject: @"),
                                "Subject: second", "Subject: first");
  swapped = Replace(swapped, "Subject: @", "Subject: second");
  EXPECT_THAT(Verify({signed_mime, swapped}), ElementsAre("valid", "invalid"));
}

TEST_F(DkimVerifyTest, EmptyAndWhitespaceBodiesVerify) {
  std::string signed_mime =
      SignOrDie(*signer_, "From: a@example.org\r\n\r\nline \t \r\n  two\r\n\r\n\r\n");
  EXPECT_THAT(Verify({SignOrDie(*signer_, "From: a@example.org\r\n\r\n"), signed_mime,
                      signed_mime + "\r\n",  // empty lines at the end do not count
                      Replace(signed_mime, "  two", "  tw0")}),
              ElementsAre("valid", "valid", "valid", "invalid"));
}

TEST_F(DkimVerifyTest, KeyFromFile) {
  WriteFile(dir_.path() / "dkim.pem", TestKeyPem());
  Result<std::unique_ptr<DkimSigner>> signer =
      DkimSigner::FromFile((dir_.path() / "dkim.pem").string(), "pp", "example.org");
  ASSERT_TRUE(signer) << signer.error().ToString();
  EXPECT_EQ((*signer)->options().selector, "pp");
  EXPECT_EQ((*signer)->options().domain, "example.org");
  EXPECT_THAT(Verify({SignOrDie(**signer, Compose(Digest()))}), ElementsAre("valid"));
}

// ---- The signature header -----------------------------------------------------

TEST(DkimSigner, SignatureTags) {
  std::unique_ptr<DkimSigner> signer = TestSigner();
  ASSERT_TRUE(signer);
  std::map<std::string, std::string> tags = SignatureTags(SignOrDie(*signer, Compose(Digest())));
  EXPECT_EQ(tags["v"], "1");
  EXPECT_EQ(tags["a"], "rsa-sha256");
  EXPECT_EQ(tags["c"], "relaxed/relaxed");
  EXPECT_EQ(tags["d"], "example.org");
  EXPECT_EQ(tags["s"], "pp");
  EXPECT_EQ(tags["t"], kJan5NoonUnix);
  EXPECT_EQ(tags["h"],
            "from:from:to:to:reply-to:reply-to:subject:subject:date:date:"
            "message-id:message-id:mime-version:mime-version:content-type:content-type:"
            "list-id:list-id:list-unsubscribe:list-unsubscribe:"
            "list-unsubscribe-post:list-unsubscribe-post");
  EXPECT_EQ(tags["bh"].size(), 44u);  // 32 bytes
  EXPECT_EQ(tags["b"].size(), 344u);  // 256 bytes: a 2048-bit key
  EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL's error queue is left clean";
}

TEST(DkimSigner, OnlyPresentHeadersAreListed) {
  std::unique_ptr<DkimSigner> signer = TestSigner();
  ASSERT_TRUE(signer);
  Message m = Digest();
  m.headers.clear();
  m.reply_to.reset();
  std::string h = SignatureTags(SignOrDie(*signer, Compose(m)))["h"];
  EXPECT_THAT(h, HasSubstr("from:from:to:to:subject:subject:"));
  EXPECT_THAT(h, Not(HasSubstr("list-")));
  EXPECT_THAT(h, Not(HasSubstr("reply-to")));
  EXPECT_THAT(h, Not(HasSubstr("cc")));
}

TEST(DkimSigner, SignatureLinesAreShort) {
  std::unique_ptr<DkimSigner> signer = TestSigner();
  ASSERT_TRUE(signer);
  std::string mime = Compose(Digest());
  std::string signed_mime = SignOrDie(*signer, mime);
  std::string_view header(signed_mime.data(), signed_mime.size() - mime.size());
  ASSERT_TRUE(header.ends_with("\r\n"));
  size_t pos = 0;
  int lines = 0;
  while (pos < header.size()) {
    size_t end = header.find("\r\n", pos);
    EXPECT_LE(end - pos, 78u) << header.substr(pos, end - pos);
    EXPECT_TRUE(lines == 0 || header[pos] == ' ') << "a continuation line starts with a space";
    pos = end + 2;
    ++lines;
  }
  EXPECT_GT(lines, 5);
}

TEST(DkimSigner, ALongDomainGetsALineOfItsOwn) {
  std::string label(63, 'a');
  std::string domain = label + "." + label + "." + label + ".example";
  Result<std::unique_ptr<DkimSigner>> signer =
      DkimSigner::Create({.domain = domain, .selector = "pp", .private_key_pem = TestKeyPem()});
  ASSERT_TRUE(signer) << signer.error().ToString();
  std::string signed_mime = SignOrDie(**signer, Compose(Digest()));
  EXPECT_THAT(signed_mime, HasSubstr("\r\n d=" + domain + ";\r\n s=pp;"));
  EXPECT_THAT(signed_mime, Not(HasSubstr("\r\n \r\n")));
  EXPECT_EQ(SignatureTags(signed_mime)["d"], domain);
}

TEST(DkimSigner, SignaturesAreDeterministicAcrossThreads) {
  std::unique_ptr<DkimSigner> signer = TestSigner();
  ASSERT_TRUE(signer);
  std::string mime = Compose(Digest());
  std::string expected = SignOrDie(*signer, mime);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::string& result : results) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        Result<std::string> r = signer->Sign(mime, Jan5Noon());
        if (!r || *r != expected) return;
      }
      result = expected;
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& result : results) EXPECT_EQ(result, expected);
}

// ---- Errors -------------------------------------------------------------------

TEST(DkimSigner, RejectsNamesThatAreNotDnsNames) {
  for (const std::string& bad : {std::string(""), std::string("-pp"), std::string("pp-"),
                                 std::string("p_p"), std::string("a..b"), std::string("pp."),
                                 std::string("p p"), std::string("pp;x=1"), std::string(64, 'a')}) {
    Result<std::unique_ptr<DkimSigner>> s = DkimSigner::Create(
        {.domain = "example.org", .selector = bad, .private_key_pem = TestKeyPem()});
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(s.error().message, HasSubstr("selector"));
    s = DkimSigner::Create({.domain = bad, .selector = "pp", .private_key_pem = TestKeyPem()});
    ASSERT_FALSE(s) << bad;
    EXPECT_THAT(s.error().message, HasSubstr("domain"));
  }
  EXPECT_TRUE(DkimSigner::Create(
      {.domain = "mail-1.Example.org", .selector = "2026.jan", .private_key_pem = TestKeyPem()}));
}

TEST(DkimSigner, RejectsBadKeysWithoutShowingThem) {
  std::string not_a_key =
      "-----BEGIN PRIVATE KEY-----\nc2VjcmV0c2VjcmV0\n-----END PRIVATE KEY-----\n";
  Result<std::unique_ptr<DkimSigner>> s =
      DkimSigner::Create({.domain = "example.org", .selector = "pp", .private_key_pem = not_a_key});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(s.error().message, Not(HasSubstr("c2VjcmV0")));
  EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL's error queue is left clean";

  EXPECT_FALSE(
      DkimSigner::Create({.domain = "example.org", .selector = "pp", .private_key_pem = ""}));
  // A key's own lines are never quoted either.
  std::string pem = TestKeyPem();
  std::string truncated = pem.substr(0, pem.size() / 2);
  s = DkimSigner::Create({.domain = "example.org", .selector = "pp", .private_key_pem = truncated});
  ASSERT_FALSE(s);
  EXPECT_THAT(s.error().message, Not(HasSubstr(truncated.substr(40, 20))));
}

TEST(DkimSigner, RejectsEncryptedKeysWithoutPrompting) {
  KeyHandle key = NewRsaKey(1024);
  ASSERT_TRUE(key);
  std::string pem = ToPem(key.get(), EVP_aes_256_cbc(), "passphrase");
  ASSERT_THAT(pem, HasSubstr("ENCRYPTED"));
  Result<std::unique_ptr<DkimSigner>> s =
      DkimSigner::Create({.domain = "example.org", .selector = "pp", .private_key_pem = pem});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

TEST(DkimSigner, RejectsKeysThatAreNotRsaOrTooSmall) {
  KeyHandle ec(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  ASSERT_TRUE(ec);
  Result<std::unique_ptr<DkimSigner>> s = DkimSigner::Create(
      {.domain = "example.org", .selector = "pp", .private_key_pem = ToPem(ec.get())});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(s.error().message, HasSubstr("not an RSA key"));

  KeyHandle small = NewRsaKey(512);
  ASSERT_TRUE(small);
  s = DkimSigner::Create(
      {.domain = "example.org", .selector = "pp", .private_key_pem = ToPem(small.get())});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(s.error().message, HasSubstr("512 bits"));

  KeyHandle minimum = NewRsaKey(1024);
  ASSERT_TRUE(minimum);
  EXPECT_TRUE(DkimSigner::Create(
      {.domain = "example.org", .selector = "pp", .private_key_pem = ToPem(minimum.get())}));
}

TEST(DkimSigner, FromFileOfAMissingFileIsIo) {
  Result<std::unique_ptr<DkimSigner>> s =
      DkimSigner::FromFile("/nonexistent/pp-dkim.pem", "pp", "example.org");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
}

TEST(DkimSigner, SignRejectsMessagesItCannotSign) {
  std::unique_ptr<DkimSigner> signer = TestSigner();
  ASSERT_TRUE(signer);
  for (std::string_view bad : {
           std::string_view("From: a@example.org\r\nSubject: no body separator\r\n"),
           std::string_view("Subject: no From\r\n\r\nbody\r\n"),
           std::string_view("\r\nbody without headers\r\n"),
           std::string_view(" continuation first\r\nFrom: a@example.org\r\n\r\nbody\r\n"),
           std::string_view("From: a@example.org\r\nno colon\r\n\r\nbody\r\n"),
           std::string_view("From: a@example.org\nSubject: lone LF\r\n\r\nbody\r\n"),
       }) {
    Result<std::string> r = signer->Sign(bad, Jan5Noon());
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace paperpulse::mail
