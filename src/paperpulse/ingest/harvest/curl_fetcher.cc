#include "paperpulse/ingest/harvest/curl_fetcher.h"

#include <curl/curl.h>

#include <mutex>

#include "paperpulse/base/strings.h"

namespace paperpulse::ingest::harvest {
namespace {

struct Transfer {
  HttpResponse* response;
  int64_t max_body_bytes;
  bool too_large = false;
  const std::atomic<bool>* abort;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (static_cast<int64_t>(t->response->body.size() + n) > t->max_body_bytes) {
    t->too_large = true;
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    // A status line starts the headers of a new response (after a redirect
    // or a 100 Continue): forget the previous response's headers.
    if (StartsWith(line, "HTTP/")) {
      t->response->retry_after.clear();
      t->response->content_type.clear();
    }
    return n;
  }
  std::string name = AsciiLower(TrimView(line.substr(0, colon)));
  std::string_view value = TrimView(line.substr(colon + 1));
  if (name == "retry-after") t->response->retry_after = std::string(value);
  if (name == "content-type") t->response->content_type = std::string(value);
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->abort != nullptr && t->abort->load() ? 1 : 0;
}

}  // namespace

std::string UserAgent(std::string_view product, std::string_view contact) {
  std::string ua(product);
  ua.append(" (+https://github.com/paperpulse/paperpulse");
  if (!contact.empty()) {
    ua.append("; mailto:");
    ua.append(contact);
  }
  ua.push_back(')');
  return ua;
}

Result<std::unique_ptr<CurlFetcher>> CurlFetcher::Create(CurlOptions options) {
  static std::once_flag once;
  static CURLcode init = CURLE_OK;
  std::call_once(once, [] { init = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (init != CURLE_OK) {
    return Fail(ErrorCode::kInternal, std::string("libcurl: ") + curl_easy_strerror(init));
  }
  CURL* handle = curl_easy_init();
  if (handle == nullptr) return Fail(ErrorCode::kInternal, "libcurl: cannot create a handle");
  return std::unique_ptr<CurlFetcher>(new CurlFetcher(std::move(options), handle));
}

CurlFetcher::CurlFetcher(CurlOptions options, void* handle)
    : options_(std::move(options)), handle_(handle) {}

CurlFetcher::~CurlFetcher() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }

Result<HttpResponse> CurlFetcher::Get(const std::string& url) {
  if (!StartsWith(url, "http://") && !StartsWith(url, "https://")) {
    return Fail(ErrorCode::kInvalidArgument, url + ": only http:// and https:// URLs are fetched");
  }
  std::lock_guard lock(mu_);
  CURL* h = static_cast<CURL*>(handle_);
  // Options are set again on every request: curl_easy_reset keeps the
  // connection cache (what we want reused) but not a previous request's state.
  curl_easy_reset(h);
  HttpResponse response;
  Transfer transfer{&response, options_.max_body_bytes, false, options_.abort};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can undo
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);         // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    std::string message = url;
    message.append(": ");
    if (transfer.too_large) {
      message.append("response larger than ");
      message.append(std::to_string(options_.max_body_bytes));
      message.append(" bytes");
      return Fail(ErrorCode::kIo, std::move(message));
    }
    message.append(error[0] != '\0' ? error : curl_easy_strerror(rc));
    bool permanent = rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL;
    return Fail(permanent ? ErrorCode::kInvalidArgument : ErrorCode::kUnavailable,
                std::move(message));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace paperpulse::ingest::harvest
