#include "paperpulse/http/auth/auth.h"

#include <sodium.h>

#include "paperpulse/base/secrets.h"
#include "paperpulse/base/strings.h"

namespace paperpulse::http::auth {
namespace {

// "Bearer <token>" (scheme case-insensitive, RFC 7235), or "".
std::string_view BearerToken(const Request& req) {
  std::string_view h = TrimView(req.Header("authorization"));
  if (h.size() < 7 || AsciiLower(h.substr(0, 7)) != "bearer ") return {};
  return TrimView(h.substr(7));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// "https://host:port" of a URL (scheme, host and port, lower-cased).
std::string OriginOf(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  size_t host_end = url.find('/', scheme_end + 3);
  return AsciiLower(url.substr(0, host_end));
}

}  // namespace

Result<std::optional<Principal>> Authenticate(storage::Store& store, const Request& req,
                                              int64_t now) {
  if (!req.Header("authorization").empty()) {
    std::string_view token = BearerToken(req);
    if (!IsWellFormedToken(token)) {
      return Fail(ErrorCode::kUnauthenticated, "Authorization: expected Bearer <API token>");
    }
    ASSIGN_OR_RETURN(std::optional<int64_t> user, store.ApiTokenUser(HashToken(token)));
    if (!user) return Fail(ErrorCode::kUnauthenticated, "unknown or revoked API token");
    ASSIGN_OR_RETURN(std::optional<Account> account, store.GetAccount(*user));
    if (!account || account->banned) {
      return Fail(ErrorCode::kUnauthenticated, "unknown or revoked API token");
    }
    Principal p;
    p.account = std::move(*account);
    p.via_token = true;
    return std::optional<Principal>(std::move(p));
  }
  std::string_view cookie = req.Cookie(kSessionCookie);
  if (!IsWellFormedToken(cookie)) return std::optional<Principal>();
  std::string hash = HashToken(cookie);
  ASSIGN_OR_RETURN(std::optional<SessionRecord> session, store.GetSession(hash, now));
  if (!session) return std::optional<Principal>();
  ASSIGN_OR_RETURN(std::optional<Account> account, store.GetAccount(session->user_id));
  if (!account || account->banned) return std::optional<Principal>();
  Principal p;
  p.account = std::move(*account);
  p.session_hash = std::move(hash);
  p.csrf_token = std::move(session->csrf_token);
  return std::optional<Principal>(std::move(p));
}

bool OriginAllowed(const Request& req, std::string_view base_url) {
  std::string_view origin = TrimView(req.Header("origin"));
  if (origin.empty()) return true;
  return AsciiLower(origin) == OriginOf(base_url);
}

Result<Principal> RequireWriter(storage::Store& store, const Request& req, int64_t now,
                                std::string_view form_csrf, std::string_view base_url) {
  ASSIGN_OR_RETURN(std::optional<Principal> who, Authenticate(store, req, now));
  if (!who) return Fail(ErrorCode::kUnauthenticated, "sign in first");
  if (who->account.banned) return Fail(ErrorCode::kPermissionDenied, "this account is banned");
  if (who->via_token) return std::move(*who);
  if (!OriginAllowed(req, base_url)) {
    return Fail(ErrorCode::kPermissionDenied, "cross-site request refused");
  }
  std::string_view sent = req.Header(kCsrfHeader);
  if (sent.empty()) sent = form_csrf;
  if (sent.empty() || !ConstantTimeEquals(sent, who->csrf_token)) {
    return Fail(ErrorCode::kPermissionDenied,
                "missing or wrong CSRF token (send X-CSRF-Token from GET /api/me)");
  }
  return std::move(*who);
}

Result<NewSession> StartSession(storage::Store& store, int64_t user_id, int64_t now,
                                std::chrono::seconds ttl) {
  NewSession s;
  s.cookie_value = RandomToken();
  s.record.id_hash = HashToken(s.cookie_value);
  s.record.user_id = user_id;
  s.record.csrf_token = RandomToken();
  s.record.created_at = now;
  s.record.expires_at = now + ttl.count();
  RETURN_IF_ERROR(store.CreateSession(s.record));
  return s;
}

std::string SessionCookie(std::string_view value, std::chrono::seconds max_age,
                          std::string_view base_url) {
  std::string c(kSessionCookie);
  c += '=';
  c += value;
  c += "; Path=/; Max-Age=";
  c += std::to_string(max_age.count());
  c += "; HttpOnly; SameSite=Lax";
  if (StartsWith(AsciiLower(base_url), "https://")) c += "; Secure";
  return c;
}

std::string ClearedSessionCookie(std::string_view base_url) {
  return SessionCookie("", std::chrono::seconds(0), base_url);
}

Result<RateVerdict> CheckRate(storage::Store& store, std::string_view key, const RateRule& rule,
                              int64_t now) {
  RateVerdict v;
  if (rule.limit <= 0) return v;
  int64_t window = std::max<int64_t>(rule.window.count(), 1);
  int64_t start = now - now % window;
  ASSIGN_OR_RETURN(int64_t count, store.HitRateLimit(key, start));
  if (count > rule.limit) {
    v.allowed = false;
    v.retry_after = std::max<int64_t>(start + window - now, 1);
  }
  return v;
}

Status ValidateDisplayName(std::string_view name) {
  if (!IsValidUtf8(name)) return Fail(ErrorCode::kInvalidArgument, "name: not valid UTF-8");
  if (TrimView(name).empty()) return Fail(ErrorCode::kInvalidArgument, "name: must not be empty");
  size_t chars = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument, "name: control characters are not allowed");
    }
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars > 40) return Fail(ErrorCode::kInvalidArgument, "name: at most 40 characters");
  return Ok();
}

Status EnforceRate(storage::Store& store, std::string_view key, const RateRule& rule, int64_t now,
                   std::string_view what) {
  ASSIGN_OR_RETURN(RateVerdict v, CheckRate(store, key, rule, now));
  if (v.allowed) return Ok();
  Error e{ErrorCode::kResourceExhausted, "too many " + std::string(what) + "; try again in " +
                                             std::to_string(v.retry_after) + " s"};
  e.retry_after = v.retry_after;
  return tl::unexpected(std::move(e));
}

}  // namespace paperpulse::http::auth
