// Errors as values. Every operation that can fail returns Result<T>; no
// exception crosses a layer boundary (adapters over SOCI, Xapian, Beast catch
// and convert). Modelled on absl::StatusOr, built on tl::expected.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace paperpulse {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is malformed (bad id, bad date, bad query)
  kNotFound,         // the thing asked for does not exist
  kAlreadyExists,
  kIo,           // file system or network failure
  kParse,        // input data could not be parsed
  kUnavailable,  // a remote service is down or asked us to wait; retrying may help
  kInternal,     // a bug or an unexpected state of a dependency
};

// Short, stable, lower-case name of `code` ("invalid_argument", ...).
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // "<code name>: <message>".
  std::string ToString() const;
};

template <typename T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

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
