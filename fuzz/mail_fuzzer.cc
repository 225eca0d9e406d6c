// Mail (mail/message.h, mail/dkim.h): composing a message from untrusted
// text (subject, display name, bodies: no header injection, lines of at
// most 998 bytes), and DKIM signing, which parses the header block of the
// message it is given.
//
// Input: subject, display name, e-mail address (each as
// FuzzedDataProvider::ConsumeRandomLengthString), then the body.
#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/mail/dkim.h"
#include "paperpulse/mail/message.h"

namespace {

using namespace paperpulse;

std::unique_ptr<mail::DkimSigner>* signer = nullptr;

std::string NewKeyPem() {
  EVP_PKEY* key = EVP_RSA_gen(1024);
  PP_FUZZ_CHECK(key != nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PP_FUZZ_CHECK(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  char* bytes = nullptr;
  long n = BIO_get_mem_data(bio, &bytes);
  std::string pem(bytes, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

// Every line ends with CRLF (but the last one when `final_crlf` is false)
// and is at most 998 bytes (RFC 5322 §2.1.1); no bare CR or LF.
void CheckLines(std::string_view mime, bool final_crlf = true) {
  size_t start = 0;
  while (start < mime.size()) {
    size_t crlf = mime.find("\r\n", start);
    if (crlf == std::string_view::npos && !final_crlf) crlf = mime.size();
    PP_FUZZ_CHECK(crlf != std::string_view::npos);
    std::string_view line = mime.substr(start, crlf - start);
    PP_FUZZ_CHECK(line.size() <= 998);
    PP_FUZZ_CHECK(line.find_first_of("\r\n") == std::string_view::npos);
    start = crlf + 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  mail::DkimOptions options;
  options.domain = "example.org";
  options.selector = "pp";
  options.private_key_pem = NewKeyPem();
  auto created = mail::DkimSigner::Create(std::move(options));
  PP_FUZZ_CHECK(created.has_value());
  signer = new std::unique_ptr<mail::DkimSigner>(std::move(*created));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::string subject = in.ConsumeRandomLengthString(512);
  std::string name = in.ConsumeRandomLengthString(256);
  std::string email = in.ConsumeRandomLengthString(300);
  std::string body = in.ConsumeRemainingBytesAsString();
  Clock::WallTime now{std::chrono::seconds(1767614400)};

  // The whole input as a message to sign: DKIM reads its header block.
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  if (auto signed_mime = (*signer)->Sign(raw, now)) {
    PP_FUZZ_CHECK(signed_mime->size() > raw.size());
  }
  if (body.find(':') != std::string::npos) (void)mail::DkimRelaxedHeader(body);
  (void)mail::DkimRelaxedBody(body);
  // Quoted-printable ends with CRLF only when the body ends with a line break.
  CheckLines(mail::EncodeQuotedPrintable(body), /*final_crlf=*/false);
  (void)mail::IsValidDomain(email);

  mail::Message m;
  m.from = {"digest@example.org", "paperpulse"};
  m.to.push_back({mail::IsValidEmail(email) ? email : "reader@example.org", name});
  m.subject = subject;
  m.text = body;
  if (size % 2 == 0) m.html = "<p>" + body + "</p>";
  m.headers.push_back({"List-Id", "<digest.example.org>"});
  if (auto mime = mail::ComposeMime(m, now)) {
    CheckLines(*mime);
    std::string_view headers(mime->data(), mime->find("\r\n\r\n"));
    // Nothing from the caller's text starts a header line of its own.
    PP_FUZZ_CHECK(headers.find("\r\nBcc:") == std::string_view::npos);
    PP_FUZZ_CHECK((*signer)->Sign(*mime, now).has_value());
  }
  return 0;
}
