// Who is asking, and may they write? Sessions (an HttpOnly cookie holding a
// random id whose hash the Store keeps), API tokens (Authorization: Bearer,
// for scripts), CSRF tokens for cookie sessions, and fixed-window rate
// limits whose counters live in the Store, so that every node of a site
// shares them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/http/community_options.h"
#include "paperpulse/http/message.h"
#include "paperpulse/model/community.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http::auth {

inline constexpr std::string_view kSessionCookie = http::kSessionCookie;
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";
inline constexpr std::string_view kCsrfField = "csrf_token";

// A signed-in account and how it signed in.
struct Principal {
  Account account;
  bool via_token = false;    // Authorization: Bearer (no CSRF needed)
  std::string session_hash;  // cookie sessions: the stored hash of the cookie
  std::string csrf_token;    // cookie sessions: what forms must send back
};

// Who sends `req` at `now` (Unix seconds). nullopt for anonymous requests,
// including an unknown or expired session cookie (the page then shows
// "Sign in"). Errors: kUnauthenticated for a malformed or unknown Bearer
// token or a banned account's token (a script must learn its token is
// wrong); Store errors.
Result<std::optional<Principal>> Authenticate(storage::Store& store, const Request& req,
                                              int64_t now);

// The principal of a state-changing request. `form_csrf` is the csrf_token
// form field when the body was a form ("" otherwise). Errors:
// kUnauthenticated when not signed in; kPermissionDenied for a cookie
// session without the matching CSRF token (X-CSRF-Token header or form
// field), for a cross-site Origin, and for a banned account; Store errors.
Result<Principal> RequireWriter(storage::Store& store, const Request& req, int64_t now,
                                std::string_view form_csrf, std::string_view base_url);

// False when the request carries an Origin header that is not `base_url`'s
// origin: browsers send Origin on cross-site POSTs, so this stops login
// CSRF (a forged sign-in into the attacker's account) where no session
// token exists yet.
bool OriginAllowed(const Request& req, std::string_view base_url);

// A new session for `user_id`: stored (hashed) and returned with the cookie
// value to set. Errors: Store errors.
struct NewSession {
  std::string cookie_value;
  SessionRecord record;
};
Result<NewSession> StartSession(storage::Store& store, int64_t user_id, int64_t now,
                                std::chrono::seconds ttl);

// Set-Cookie header values: the session cookie (HttpOnly, SameSite=Lax,
// Path=/, and Secure when `base_url`, the site's public URL, is https) and
// its deletion.
std::string SessionCookie(std::string_view value, std::chrono::seconds max_age,
                          std::string_view base_url);
std::string ClearedSessionCookie(std::string_view base_url);

// Counts one event against `rule` for `key` ("vote:user:12") at `now`.
struct RateVerdict {
  bool allowed = true;
  int64_t retry_after = 0;  // seconds until the window ends, when refused
};
Result<RateVerdict> CheckRate(storage::Store& store, std::string_view key, const RateRule& rule,
                              int64_t now);

// CheckRate as a Status: kResourceExhausted "too many <what>; try again in
// N s" with Error::retry_after set (answered 429 with Retry-After) when
// refused.
Status EnforceRate(storage::Store& store, std::string_view key, const RateRule& rule, int64_t now,
                   std::string_view what);

// A display name: 1 to 40 characters of valid UTF-8 without control
// characters, not only white space. Shown escaped everywhere; anything else
// (markup, quotes, SQL) is stored as typed.
Status ValidateDisplayName(std::string_view name);

}  // namespace paperpulse::http::auth
