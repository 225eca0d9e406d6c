// Errors as values. Every operation that can fail returns Result<T>; no
// exception crosses a layer boundary (adapters over SOCI, Xapian, Beast catch
// and convert). Modelled on absl::StatusOr, built on tl::expected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace paperpulse {

// The codes follow absl::StatusCode where they overlap. http/status.h maps
// each to exactly one HTTP status; keep the two in step.
enum class ErrorCode {
  kInvalidArgument,     // the caller's input is malformed (bad id, bad date, bad query)
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // a unique key is taken (duplicate vote, name, submission)
  kIo,                  // file system or network failure
  kParse,               // input data could not be parsed
  kUnavailable,         // a remote service or the database is down; retrying may help
  kInternal,            // a bug or an unexpected state of a dependency
  kAborted,             // a transaction lost a conflict (serialization failure, deadlock)
  kUnauthenticated,     // no valid session or token
  kPermissionDenied,    // signed in, but not allowed (CSRF, banned, not the owner)
  kResourceExhausted,   // a rate limit or quota was hit; retry later
  kFailedPrecondition,  // the state does not allow it (expired or used link, ...)
  kUnsupported,         // a request in a form we do not take (content type, ...)
};

// Short, stable, lower-case name of `code` ("invalid_argument", ...).
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // For kResourceExhausted and kUnavailable: seconds after which a retry
  // may succeed (HTTP Retry-After); 0 = not known.
  int64_t retry_after = 0;

  // "<code name>: <message>".
  std::string ToString() const;
};

// A value or an Error. A class rather than an alias so that it can be
// [[nodiscard]]: an ignored Result is an ignored failure. Converts from and to
// tl::expected (what map/and_then return).
template <typename T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using Base = tl::expected<T, Error>;
  using Base::Base;
  Result(const Base& b) : Base(b) {}        // NOLINT(google-explicit-constructor)
  Result(Base&& b) : Base(std::move(b)) {}  // NOLINT(google-explicit-constructor)
};
using Status = Result<void>;

// The text of errno value `err`, safe on any thread (std::strerror may
// return one buffer shared by every thread: POSIX; glibc documents it
// MT-Unsafe).
std::string ErrnoText(int err);

// Builds the unexpected side of a Result: `return Fail(ErrorCode::kIo, "...")`.
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

inline Status Ok() { return {}; }

}  // namespace paperpulse

#define PP_CONCAT_INNER_(a, b) a##b
#define PP_CONCAT_(a, b) PP_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Result) from the enclosing function.
#define RETURN_IF_ERROR(expr)                                              \
  do {                                                                     \
    auto pp_status_ = (expr);                                              \
    if (!pp_status_) return tl::unexpected(std::move(pp_status_).error()); \
  } while (0)

#define PP_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)          \
  auto tmp = (expr);                                       \
  if (!tmp) return tl::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)

// `ASSIGN_OR_RETURN(auto x, F());` declares x from F()'s value or returns its error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  PP_ASSIGN_OR_RETURN_IMPL_(PP_CONCAT_(pp_result_, __LINE__), lhs, expr)
