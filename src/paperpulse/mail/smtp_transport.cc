#include "paperpulse/mail/smtp_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "paperpulse/base/strings.h"

namespace paperpulse::mail {
namespace {

using UrlHandle = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;
using EasyHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using StringList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

// `url` with everything between "://" and the last '@' hidden, for error
// messages about a URL that may carry a password.
std::string RedactUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  size_t at = url.rfind('@');
  if (scheme_end == std::string_view::npos || at == std::string_view::npos || at < scheme_end) {
    return std::string(url);
  }
  return std::string(url.substr(0, scheme_end + 3)) + "***" + std::string(url.substr(at));
}

// One part of a parsed URL: nullopt when absent.
std::optional<std::string> GetPart(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK || value == nullptr) return std::nullopt;
  std::string s(value);
  curl_free(value);
  return s;
}

// What the conversation with the server looked like, from libcurl's debug
// callback: the refusal (4xx/5xx reply) that ended it, and the command it
// answered.
struct Conversation {
  std::string_view data;  // the message, uploaded by OnRead
  size_t offset = 0;
  std::string last_command;
  std::string failed_command;
  std::string failed_reply;
  int failed_code = 0;
};

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* c = static_cast<Conversation*>(user);
  size_t n = std::min(size * count, c->data.size() - c->offset);
  std::memcpy(buffer, c->data.data() + c->offset, n);
  c->offset += n;
  return n;
}

// The reply code at the start of `line`, or 0.
int ReplyCode(std::string_view line) {
  if (line.size() < 3) return 0;
  int code = 0;
  for (char ch : line.substr(0, 3)) {
    if (ch < '0' || ch > '9') return 0;
    code = code * 10 + (ch - '0');
  }
  return code;
}

int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* c = static_cast<Conversation*>(user);
  std::string_view line(data, size);
  line = line.substr(0, line.find_first_of("\r\n"));
  if (type == CURLINFO_HEADER_OUT) {
    // Only the verbs of RFC 5321 commands are kept. AUTH lines carry
    // credentials, and so do the lines of an AUTH exchange (RFC 4954
    // §4: base64 answers to 334 challenges), which are not commands and
    // leave last_command at "AUTH".
    std::string verb = AsciiLower(line.substr(0, line.find(' ')));
    for (std::string_view command :
         {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT"}) {
      if (verb == AsciiLower(command)) c->last_command = std::string(command);
    }
    return 0;
  }
  int code = ReplyCode(line);
  // QUIT's reply, sent after a failure too, says nothing about the mail.
  if (type != CURLINFO_HEADER_IN || code == 0 || c->last_command == "QUIT") return 0;
  if (code < 400) {
    // A refusal that libcurl worked around (EHLO refused, HELO accepted)
    // did not end the conversation.
    c->failed_code = 0;
    c->failed_command.clear();
    c->failed_reply.clear();
  } else if (c->failed_code == 0) {
    c->failed_code = code;
    c->failed_command = c->last_command;
    // Bounded and printable: the reply ends up in logs.
    for (char ch : line.substr(0, 200)) {
      c->failed_reply.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
    }
  }
  return 0;
}

ErrorCode Classify(CURLcode rc, const Conversation& c) {
  if (c.failed_code >= 400 && c.failed_code < 500) return ErrorCode::kUnavailable;
  if (c.failed_code >= 500) {
    // RFC 5321 §4.2.2-4.2.3: to MAIL or RCPT, 550 (mailbox unavailable),
    // 551 (not local), 553 (name not allowed) and 501 (bad address syntax)
    // refuse that address. Other 5xx there (530 authentication required,
    // 554 policy) and 5xx anywhere else are about the session or the mail.
    bool address_command = c.failed_command == "MAIL" || c.failed_command == "RCPT";
    bool address_code = c.failed_code == 501 || c.failed_code == 550 || c.failed_code == 551 ||
                        c.failed_code == 553;
    return address_command && address_code ? ErrorCode::kInvalidArgument
                                           : ErrorCode::kFailedPrecondition;
  }
  switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return ErrorCode::kInvalidArgument;
    case CURLE_LOGIN_DENIED:              // no mechanism in common
    case CURLE_USE_SSL_FAILED:            // STARTTLS required but not offered
    case CURLE_PEER_FAILED_VERIFICATION:  // a certificate that will not change by itself
      return ErrorCode::kFailedPrecondition;
    default:
      return ErrorCode::kUnavailable;  // refused, reset, timed out, DNS, TLS handshake
  }
}

}  // namespace

Result<SmtpEndpoint> ParseSmtpUrl(std::string_view url) {
  std::string shown = RedactUrl(url);
  UrlHandle u(curl_url(), &curl_url_cleanup);
  if (!u) return Fail(ErrorCode::kInternal, "libcurl: cannot create a URL handle");
  std::string text(url);
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return Fail(ErrorCode::kInvalidArgument, shown + ": " + curl_url_strerror(rc));
  }
  auto bad = [&shown](std::string_view why) {
    return Fail(ErrorCode::kInvalidArgument, shown + ": " + std::string(why));
  };
  std::string scheme = GetPart(u.get(), CURLUPART_SCHEME).value_or("");
  if (scheme != "smtp" && scheme != "smtps") return bad("not an smtp:// or smtps:// URL");
  if (GetPart(u.get(), CURLUPART_HOST).value_or("").empty()) return bad("no host");
  if (GetPart(u.get(), CURLUPART_OPTIONS)) return bad("login options are not supported");
  if (GetPart(u.get(), CURLUPART_FRAGMENT)) return bad("a fragment is not allowed");

  SmtpEndpoint endpoint;
  if (std::optional<std::string> query = GetPart(u.get(), CURLUPART_QUERY)) {
    for (std::string_view param : Split(*query, '&')) {
      if (param != "starttls=1") return bad("unknown parameter \"" + std::string(param) + "\"");
      endpoint.starttls = true;
    }
    if (endpoint.starttls && scheme == "smtps") return bad("smtps:// is TLS already: no starttls");
  }
  endpoint.user = GetPart(u.get(), CURLUPART_USER, CURLU_URLDECODE).value_or("");
  endpoint.password = GetPart(u.get(), CURLUPART_PASSWORD, CURLU_URLDECODE).value_or("");
  if (endpoint.user.empty() && !endpoint.password.empty()) return bad("a password without a user");
  for (CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_QUERY}) {
    curl_url_set(u.get(), part, nullptr, 0);
  }
  endpoint.url = GetPart(u.get(), CURLUPART_URL).value_or("");
  if (endpoint.url.empty()) return bad("cannot be rebuilt");
  return endpoint;
}

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::Create(SmtpOptions options, Clock& clock) {
  ASSIGN_OR_RETURN(SmtpEndpoint endpoint, ParseSmtpUrl(options.url));
  static std::once_flag once;
  static CURLcode init = CURLE_OK;
  std::call_once(once, [] { init = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (init != CURLE_OK) {
    return Fail(ErrorCode::kInternal, std::string("libcurl: ") + curl_easy_strerror(init));
  }
  return std::unique_ptr<SmtpTransport>(
      new SmtpTransport(std::move(options), std::move(endpoint), clock));
}

SmtpTransport::SmtpTransport(SmtpOptions options, SmtpEndpoint endpoint, Clock& clock)
    : options_(std::move(options)), endpoint_(std::move(endpoint)), clock_(clock) {}

Status SmtpTransport::Send(const Message& message) {
  Clock::WallTime now = clock_.Now();
  ASSIGN_OR_RETURN(std::string mime, ComposeMime(message, now));
  if (options_.dkim) {
    ASSIGN_OR_RETURN(mime, options_.dkim->Sign(mime, now));
  }
  std::vector<std::string> to;
  for (const Address& a : message.to) to.push_back(a.email);
  return SendMime(message.from.email, to, mime);
}

Status SmtpTransport::SendMime(std::string_view from, const std::vector<std::string>& to,
                               std::string_view mime) {
  if (!IsValidEmail(from)) return Fail(ErrorCode::kInvalidArgument, "invalid sender address");
  if (to.empty()) return Fail(ErrorCode::kInvalidArgument, "no recipient");
  for (const std::string& t : to) {
    if (!IsValidEmail(t)) return Fail(ErrorCode::kInvalidArgument, "invalid recipient " + t);
  }
  EasyHandle easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) return Fail(ErrorCode::kInternal, "libcurl: cannot create a handle");
  CURL* h = easy.get();

  // The addresses are checked above: nothing here can break the command
  // lines.
  std::string mail_from = "<";
  mail_from.append(from).push_back('>');
  StringList recipients(nullptr, &curl_slist_free_all);
  for (const std::string& rcpt : to) {
    curl_slist* appended = curl_slist_append(recipients.get(), ("<" + rcpt + ">").c_str());
    if (appended == nullptr) return Fail(ErrorCode::kInternal, "libcurl: out of memory");
    // `appended` is the head of the list, now one longer: the old head when
    // there was one (then release() hands over nothing new), else a new list.
    (void)recipients.release();
    recipients.reset(appended);
  }

  Conversation conversation;
  conversation.data = mime;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, endpoint_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS time-outs
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  if (endpoint_.starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!endpoint_.user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, endpoint_.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, endpoint_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &OnRead);
  curl_easy_setopt(h, CURLOPT_READDATA, &conversation);
  // The debug callback sees the commands and replies (with VERBOSE it
  // receives them instead of stderr); nothing is printed.
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &OnDebug);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, &conversation);

  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return Ok();
  std::string text = endpoint_.url + ": ";
  if (!conversation.failed_reply.empty()) {
    text += (conversation.failed_command.empty() ? "the greeting" : conversation.failed_command) +
            " refused: " + conversation.failed_reply;
  } else {
    text += error[0] != '\0' ? error : curl_easy_strerror(rc);
  }
  return Fail(Classify(rc, conversation), std::move(text));
}

}  // namespace paperpulse::mail
