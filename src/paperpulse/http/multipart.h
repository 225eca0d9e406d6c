// multipart/form-data bodies (RFC 7578 over the syntax of RFC 2046 §5.1):
// what a browser sends for a form with a file input, so that a file can be
// uploaded without JavaScript (the library import form). Deliberately
// small and strict: CRLF line ends, the parameters browsers send, a bounded
// number of parts and header bytes; anything else is a clear
// kInvalidArgument (answered 400) rather than a guess. The server's body
// limit (ServerOptions::body_limit) already bounds the total size.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"

namespace paperpulse::http {

struct MultipartLimits {
  size_t max_parts = 16;
  // Of one part's header block (its Content-Disposition and Content-Type).
  size_t max_header_bytes = 4096;
  // Of one text field (a part without a filename); files are bounded only
  // by the body limit.
  size_t max_field_bytes = 64 * 1024;
};

// One part: a form field, or a file when `filename` is set (a file input
// with no file chosen sends an empty filename and no data).
struct MultipartPart {
  std::string name;                     // the field name, as sent
  std::optional<std::string> filename;  // as sent (browsers send the base name)
  std::string content_type;             // as sent; "" when absent
  std::string data;                     // the bytes, binary-safe
};

// The boundary of a Content-Type value "multipart/form-data; boundary=…"
// (the parameter token or quoted string; names and type in any case).
// Errors: kUnsupported for another media type; kInvalidArgument when the
// boundary is missing or not 1 to 70 characters of RFC 2046's bchars (not
// ending in a space).
Result<std::string> MultipartBoundary(std::string_view content_type);

// The parts of `body`, in order, for the `content_type` it came with (see
// MultipartBoundary). A preamble before the first boundary and an epilogue
// after the closing one are ignored. Every part needs a
// "Content-Disposition: form-data; name=…" header; Content-Type is kept;
// Content-Transfer-Encoding may only say 7bit, 8bit or binary; other
// headers are ignored. Errors: those of MultipartBoundary; kInvalidArgument
// ("multipart body: …") for a boundary line not ending in CRLF, a missing
// closing boundary (a cut-off upload), a malformed or over-long header
// block, a part without a name, and more parts or a longer text field than
// `limits` allow.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type,
                                                  std::string_view body,
                                                  const MultipartLimits& limits = {});

// The first part named `name`, or nullptr.
const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name);

}  // namespace paperpulse::http
