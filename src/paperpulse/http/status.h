// The one mapping from ErrorCode (base/result.h) to HTTP status, and the
// JSON error answer. Every handler turns a failed Result into a response
// through here, so the same failure gets the same status on every route;
// pages and feeds keep their own formats (HTML, plain text) but take the
// status and the client-visible message from these functions.
#pragma once

#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/http/message.h"

namespace paperpulse::http {

// The status that answers an error with `code`:
//
//   kInvalidArgument, kParse        400  the request is wrong; the message says how
//   kFailedPrecondition             400  the state does not allow it (a used or
//                                        expired sign-in link, a paper too old);
//                                        not 410, which would say the URL itself
//                                        is gone for good
//   kUnauthenticated                401
//   kPermissionDenied               403
//   kNotFound                       404
//   kAlreadyExists                  409
//   kUnsupported                    415
//   kResourceExhausted              429
//   kInternal                       500  a bug
//   kUnavailable, kAborted, kIo     503  the database, index or a remote service
//                                        is down or lost a conflict; retry
int HttpStatus(ErrorCode code);

// What a client may be told about `e`: its message for a 4xx (it names the
// client's mistake); for a 5xx, whose message may carry database or file
// details, a generic sentence, after logging `e` at error level tagged with
// `where` ("api", "pages", ...).
std::string ClientMessage(const Error& e, std::string_view where);

// Sets Retry-After on `r` when `e` says when to retry (Error::retry_after).
void AddRetryAfter(Response& r, const Error& e);

// {"error": "<message>"} with `status`, the shape of every JSON error, with
// Cache-Control: no-store.
Response JsonError(int status, std::string_view message);

// The JSON answer to `e`: JsonError(HttpStatus(e.code), ClientMessage(e,
// "http")), with Retry-After when known.
Response JsonErrorResponse(const Error& e);

}  // namespace paperpulse::http
