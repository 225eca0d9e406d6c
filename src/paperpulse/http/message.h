// HTTP requests and responses as the handlers see them: plain structs with no
// Beast types, so routes, pages, API and feeds can be tested without a socket.
// The server adapter (server.cc) converts to and from Beast messages.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paperpulse::http {

// A response body that is either owned (shared, so a cached body is never
// copied per request) or a view of static data (embedded assets).
class Body {
 public:
  Body() = default;
  explicit Body(std::string s)
      : owned_(std::make_shared<const std::string>(std::move(s))), view_(*owned_) {}
  explicit Body(std::shared_ptr<const std::string> s) : owned_(std::move(s)), view_(*owned_) {}
  // Precondition: `static_data` outlives every copy of this Body.
  static Body Static(std::string_view static_data) {
    Body b;
    b.view_ = static_data;
    return b;
  }

  std::string_view view() const { return view_; }
  size_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }

 private:
  std::shared_ptr<const std::string> owned_;
  std::string_view view_;
};

// The cookie that carries a signed-in session (auth/auth.h).
inline constexpr std::string_view kSessionCookie = "pp_session";

struct Request {
  std::string method;  // "GET", "HEAD", "POST", ... as sent (upper case)
  std::string target;  // as sent: path and query, not decoded
  std::string path;    // percent-decoded path, without the query
  // Decoded query parameters; a repeated key keeps its first value.
  std::map<std::string, std::string, std::less<>> query;
  // Every request header in the order received, names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
  // Copies of the headers the hot path reads on every request.
  std::string if_none_match;
  std::string if_modified_since;
  std::string accept_encoding;
  // The body, at most ServerOptions::body_limit bytes (larger requests are
  // answered 413 before any handler runs). Parse it with body.h.
  std::string body;
  std::string remote;     // peer address of the connection
  std::string client_ip;  // the client: `remote`, or the address X-Forwarded-For
                          // names when the peer is a trusted proxy (server.h)

  // The query parameter `key`, or "" when absent.
  std::string_view Param(std::string_view key) const {
    auto it = query.find(key);
    return it == query.end() ? std::string_view() : std::string_view(it->second);
  }
  bool HasParam(std::string_view key) const { return query.find(key) != query.end(); }

  // The first header named `lower_name` (lower case), or "" when absent.
  std::string_view Header(std::string_view lower_name) const;

  // The value of cookie `name` from the Cookie header(s) (RFC 6265 syntax;
  // the first of duplicates wins), or "" when absent.
  std::string_view Cookie(std::string_view name) const;

  bool IsSafeMethod() const { return method == "GET" || method == "HEAD"; }

  // True when the answer may be personal: the request carries a session
  // cookie or an Authorization header. Such requests are never answered
  // from, nor stored into, the response cache shared by anonymous clients.
  bool IsPersonal() const;
};

// How long clients and proxies may keep a response (Cache-Control).
enum class CachePolicy {
  kNoStore,  // /healthz, /metrics, errors, answers to writes: "no-store"
  // Data pages and API answers: "public, max-age=0, must-revalidate". Kept,
  // but revalidated on every use (the ETag makes that a cheap 304), so a
  // browser shows a vote right after it was cast (read-your-writes).
  kRevalidate,
  kPrivate,    // pages of a signed-in user: "private, no-store"
  kImmutable,  // fingerprinted static assets: a year
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  Body body;
  CachePolicy cache = CachePolicy::kRevalidate;
  // Set by the server's finishing step (etag.h) or by handlers that know better.
  std::string etag;
  int64_t last_modified = 0;                                 // Unix seconds, 0 = none
  bool gzipped = false;                                      // body is gzip-encoded
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// Builds a response with `status`, `content_type` and an owned `body`.
Response MakeResponse(int status, std::string content_type, std::string body);

}  // namespace paperpulse::http
