#include "paperpulse/mail/dkim.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "paperpulse/base/strings.h"
#include "paperpulse/mail/message.h"

namespace paperpulse::mail {
namespace {

using KeyHandle = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using BioHandle = std::unique_ptr<BIO, decltype(&BIO_free)>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// RFC 5322 §2.1.1: lines SHOULD be at most 78 characters.
constexpr size_t kMaxLine = 78;
// RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits.
constexpr int kMinKeyBits = 1024;

// The headers signed, lower-case (see DkimSigner::Sign); the h= tag lists
// them in this order.
constexpr std::array<std::string_view, 12> kSignedHeaders = {"from",
                                                             "to",
                                                             "cc",
                                                             "reply-to",
                                                             "subject",
                                                             "date",
                                                             "message-id",
                                                             "mime-version",
                                                             "content-type",
                                                             "list-id",
                                                             "list-unsubscribe",
                                                             "list-unsubscribe-post"};

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// The reason of the oldest error in OpenSSL's (thread-local) queue, which
// is then emptied so that no stale error confuses the next OpenSSL user on
// this thread (libcurl's TLS reads the same queue). Reasons name what went
// wrong ("no start line", "bad decrypt"), never key material.
std::string TakeOpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return reason != nullptr ? reason : "unknown error";
}

// Encrypted keys are refused rather than prompted for: without this
// callback OpenSSL would ask for a passphrase on the terminal.
int RefusePassphrase(char*, int, int, void*) { return -1; }

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// One header field of the message: its name as written and the whole
// field, folds included, without the final CRLF.
struct Field {
  std::string_view name;
  std::string_view text;
};

// The fields of `headers` (the header block, every line ending with CRLF).
Result<std::vector<Field>> ParseFields(std::string_view headers) {
  std::vector<Field> fields;
  size_t field_start = 0;  // of fields.back()
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t end = std::min(headers.find("\r\n", pos), headers.size());
    std::string_view line = headers.substr(pos, end - pos);
    // A lone CR or LF would be read as a line end by some verifiers and
    // not by others: a signature over it could not be checked reliably.
    bool malformed = line.find_first_of("\r\n") != std::string_view::npos;
    if (!line.empty() && IsWsp(line.front())) {
      malformed = malformed || fields.empty();
      if (!malformed) fields.back().text = headers.substr(field_start, end - field_start);
    } else {
      size_t colon = line.find(':');
      malformed = malformed || colon == std::string_view::npos || colon == 0;
      if (!malformed) {
        std::string_view name = line.substr(0, colon);
        while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);
        fields.push_back({name, line});
        field_start = pos;
      }
    }
    if (malformed) {
      return Fail(ErrorCode::kInvalidArgument, "DKIM: the message has a malformed header line");
    }
    pos = end + 2;
  }
  return fields;
}

// Lays out a header field in lines of at most kMaxLine characters, folding
// (CRLF and one space: FWS) between pieces. A piece longer than a line (a
// d= of a very long domain) is left whole on a line of its own.
class Folder {
 public:
  explicit Folder(std::string_view start) : out_(start), line_(start.size()) {}

  // Appends " " + `piece`, or a fold and `piece` when it does not fit.
  void AddWord(std::string_view piece) {
    if (line_ + 1 + piece.size() > kMaxLine) {
      Fold();
    } else {
      out_.push_back(' ');
      ++line_;
    }
    Append(piece);
  }

  // Appends `piece` right after what is there, or after a fold when it
  // does not fit: only where the syntax allows FWS there.
  void AddJoined(std::string_view piece) {
    if (line_ + piece.size() > kMaxLine) Fold();
    Append(piece);
  }

  // Appends `text`, folding wherever a line is full: for base64 values,
  // where RFC 6376 §3.5 allows FWS between any two characters.
  void AddBreakable(std::string_view text) {
    while (!text.empty()) {
      if (line_ >= kMaxLine) Fold();
      size_t n = std::min(text.size(), kMaxLine - line_);
      Append(text.substr(0, n));
      text.remove_prefix(n);
    }
  }

  const std::string& text() const { return out_; }

 private:
  // RFC 5322 §3.2.2: a folded line may not be white space only.
  void Fold() {
    if (line_ <= 1) return;
    out_.append("\r\n ");
    line_ = 1;
  }
  void Append(std::string_view piece) {
    out_.append(piece);
    line_ += piece.size();
  }

  std::string out_;
  size_t line_;
};

class RsaDkimSigner final : public DkimSigner {
 public:
  RsaDkimSigner(DkimOptions options, KeyHandle key)
      : options_(std::move(options)), key_(std::move(key)) {}

  Result<std::string> Sign(std::string_view mime, Clock::WallTime now) const override;
  const DkimOptions& options() const override { return options_; }

 private:
  Result<std::string> RsaSha256(std::string_view data) const;

  const DkimOptions options_;
  // Only read after construction: OpenSSL allows concurrent signatures
  // with one key, each through its own EVP_MD_CTX (openssl-threads(7)).
  const KeyHandle key_;
};

Result<std::string> RsaDkimSigner::RsaSha256(std::string_view data) const {
  auto failed = [] {
    return Fail(ErrorCode::kInternal, "DKIM: signing failed (OpenSSL: " + TakeOpenSslError() + ")");
  };
  DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx) return failed();
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
    return failed();
  }
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  size_t size = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size, in, data.size()) != 1) return failed();
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, in,
                     data.size()) != 1) {
    return failed();
  }
  signature.resize(size);
  return signature;
}

Result<std::string> RsaDkimSigner::Sign(std::string_view mime, Clock::WallTime now) const {
  // The header block ends at the first empty line; a message may also
  // start with it (no headers at all), which the From check then refuses.
  size_t header_end = 0;
  size_t body_start = 2;
  if (!StartsWith(mime, "\r\n")) {
    size_t separator = mime.find("\r\n\r\n");
    if (separator == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  "DKIM: the message has no empty line between header and body");
    }
    header_end = separator + 2;
    body_start = separator + 4;
  }
  ASSIGN_OR_RETURN(std::vector<Field> fields, ParseFields(mime.substr(0, header_end)));

  unsigned char body_hash[EVP_MAX_MD_SIZE];
  unsigned int body_hash_size = 0;
  std::string body = DkimRelaxedBody(mime.substr(body_start));
  if (EVP_Digest(body.data(), body.size(), body_hash, &body_hash_size, EVP_sha256(), nullptr) !=
      1) {
    return Fail(ErrorCode::kInternal, "DKIM: hashing failed (OpenSSL: " + TakeOpenSslError() + ")");
  }

  // RFC 6376 §5.4.2: of a name that occurs several times, the last field
  // is signed first, then the one above it, and so on; one more instance
  // of the name in h= than there are fields selects nothing, which makes
  // the signature fail when a field of that name is added later (§8.15).
  std::string signed_data;
  std::vector<std::string_view> h_names;
  for (std::string_view name : kSignedHeaders) {
    std::vector<const Field*> matches;
    for (const Field& f : fields) {
      if (AsciiLower(f.name) == name) matches.push_back(&f);
    }
    if (matches.empty()) {
      if (name == "from") {
        return Fail(ErrorCode::kInvalidArgument, "DKIM: the message has no From header");
      }
      continue;
    }
    for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
      signed_data += DkimRelaxedHeader((*it)->text);
    }
    h_names.insert(h_names.end(), matches.size() + 1, name);
  }

  int64_t unix_time =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  Folder header("DKIM-Signature:");
  for (const std::string& tag :
       {std::string("v=1;"), std::string("a=rsa-sha256;"), std::string("c=relaxed/relaxed;"),
        "d=" + options_.domain + ";", "s=" + options_.selector + ";",
        "t=" + std::to_string(unix_time) + ";"}) {
    header.AddWord(tag);
  }
  // RFC 6376 §3.5: FWS may stand around the colons of h=.
  for (size_t i = 0; i < h_names.size(); ++i) {
    std::string piece =
        (i == 0 ? "h=" : "") + std::string(h_names[i]) + (i + 1 == h_names.size() ? ";" : ":");
    if (i == 0) {
      header.AddWord(piece);
    } else {
      header.AddJoined(piece);
    }
  }
  // 48 characters: bh= fits whole on a line, which is easier to read.
  header.AddWord(
      "bh=" + Base64(std::string_view(reinterpret_cast<const char*>(body_hash), body_hash_size)) +
      ";");
  header.AddWord("b=");
  // §3.7: the signature header itself is hashed last, as it will be sent
  // but with an empty b= value and without the CRLF that ends it.
  std::string self = DkimRelaxedHeader(header.text());
  self.resize(self.size() - 2);
  signed_data += self;

  ASSIGN_OR_RETURN(std::string signature, RsaSha256(signed_data));
  header.AddBreakable(Base64(signature));

  std::string out;
  out.reserve(header.text().size() + 2 + mime.size());
  out.append(header.text()).append("\r\n").append(mime);
  return out;
}

}  // namespace

Result<std::unique_ptr<DkimSigner>> DkimSigner::Create(DkimOptions options) {
  if (!IsValidDomain(options.domain)) {
    return Fail(ErrorCode::kInvalidArgument,
                "DKIM: domain \"" + options.domain + "\" is not a DNS name");
  }
  if (!IsValidDomain(options.selector)) {
    return Fail(ErrorCode::kInvalidArgument,
                "DKIM: selector \"" + options.selector + "\" is not a DNS name");
  }
  if (options.private_key_pem.size() > INT_MAX) {
    return Fail(ErrorCode::kInvalidArgument, "DKIM: the private key is too large");
  }
  BioHandle bio(BIO_new_mem_buf(options.private_key_pem.data(),
                                static_cast<int>(options.private_key_pem.size())),
                &BIO_free);
  if (!bio) {
    return Fail(ErrorCode::kInternal, "DKIM: OpenSSL: " + TakeOpenSslError());
  }
  KeyHandle key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &RefusePassphrase, nullptr),
                &EVP_PKEY_free);
  if (!key) {
    return Fail(ErrorCode::kInvalidArgument,
                "DKIM: the private key is not an unencrypted PEM private key (OpenSSL: " +
                    TakeOpenSslError() + ")");
  }
  if (EVP_PKEY_is_a(key.get(), "RSA") != 1) {
    return Fail(ErrorCode::kInvalidArgument, "DKIM: the private key is not an RSA key");
  }
  if (int bits = EVP_PKEY_get_bits(key.get()); bits < kMinKeyBits) {
    return Fail(ErrorCode::kInvalidArgument, "DKIM: the RSA key has " + std::to_string(bits) +
                                                 " bits; at least 1024 are needed");
  }
  return std::unique_ptr<DkimSigner>(new RsaDkimSigner(std::move(options), std::move(key)));
}

Result<std::unique_ptr<DkimSigner>> DkimSigner::FromFile(const std::string& key_file,
                                                         std::string selector, std::string domain) {
  std::ifstream in(key_file, std::ios::binary);
  std::stringstream pem;
  if (!in || !(pem << in.rdbuf())) {
    return Fail(ErrorCode::kIo, "DKIM: cannot read the private key file " + key_file);
  }
  return Create({.domain = std::move(domain),
                 .selector = std::move(selector),
                 .private_key_pem = std::move(pem).str()});
}

std::string DkimRelaxedHeader(std::string_view field) {
  size_t colon = field.find(':');
  std::string_view name = field.substr(0, colon);
  while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);
  std::string out = AsciiLower(name);
  out.push_back(':');
  size_t value_start = out.size();
  bool space = false;
  for (size_t i = colon == std::string_view::npos ? field.size() : colon + 1; i < field.size();
       ++i) {
    char c = field[i];
    if (c == '\r' && i + 1 < field.size() && field[i + 1] == '\n') {
      ++i;  // unfolding removes the CRLF; the WSP after it stays
    } else if (IsWsp(c)) {
      space = true;
    } else {
      if (space && out.size() > value_start) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  out.append("\r\n");
  return out;
}

std::string DkimRelaxedBody(std::string_view body) {
  std::string out;
  size_t empty_lines = 0;  // held back until a non-empty line follows them
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("\r\n", pos);
    std::string_view line = body.substr(pos, end - pos);
    pos = end == std::string_view::npos ? body.size() : end + 2;
    std::string canonical;
    bool space = false;
    for (char c : line) {
      if (IsWsp(c)) {
        space = true;
      } else {
        if (space) canonical.push_back(' ');
        space = false;
        canonical.push_back(c);
      }
    }
    if (canonical.empty()) {
      ++empty_lines;
      continue;
    }
    for (; empty_lines > 0; --empty_lines) out.append("\r\n");
    out.append(canonical).append("\r\n");
  }
  return out;
}

}  // namespace paperpulse::mail
