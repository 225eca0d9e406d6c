#include "paperpulse/http/status.h"

#include <spdlog/spdlog.h>

#include "paperpulse/http/json_writer.h"

namespace paperpulse::http {

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kParse:
    case ErrorCode::kFailedPrecondition:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
      return 409;
    case ErrorCode::kUnsupported:
      return 415;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kUnavailable:
    case ErrorCode::kAborted:
    case ErrorCode::kIo:
      return 503;
  }
  return 500;
}

std::string ClientMessage(const Error& e, std::string_view where) {
  int status = HttpStatus(e.code);
  if (status < 500) return e.message;
  spdlog::error("{}: {}", where, e.ToString());
  return status == 503 ? "temporarily unavailable" : "internal error";
}

void AddRetryAfter(Response& r, const Error& e) {
  if (e.retry_after > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
}

Response JsonError(int status, std::string_view message) {
  JsonWriter w;
  w.BeginObject();
  w.Key("error");
  w.String(message);
  w.EndObject();
  Response r = MakeResponse(status, "application/json", w.Take());
  r.cache = CachePolicy::kNoStore;
  return r;
}

Response JsonErrorResponse(const Error& e) {
  Response r = JsonError(HttpStatus(e.code), ClientMessage(e, "http"));
  AddRetryAfter(r, e);
  return r;
}

}  // namespace paperpulse::http
