#include "paperpulse/http/multipart.h"

#include <utility>

#include "paperpulse/base/strings.h"

namespace paperpulse::http {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kMaxBoundary = 70;  // RFC 2046 §5.1.1

Error Invalid(std::string what) {
  return Error{ErrorCode::kInvalidArgument, "multipart body: " + std::move(what)};
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// RFC 2046 bcharsnospace, plus the space allowed inside a boundary.
bool IsBoundaryChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// A header value "type; name=token; name=\"quoted \\\" string\"": the
// leading value (lower case) and the parameters (names lower case, values
// unquoted), in order.
struct HeaderValue {
  std::string value;
  std::vector<std::pair<std::string, std::string>> params;

  const std::string* Param(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

Result<HeaderValue> ParseHeaderValue(std::string_view s, std::string_view header) {
  HeaderValue out;
  size_t i = s.find(';');
  out.value = AsciiLower(TrimView(s.substr(0, i)));
  while (i != std::string_view::npos && i < s.size()) {
    ++i;  // past ';'
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i == s.size()) break;  // a trailing ';'
    size_t eq = s.find('=', i);
    size_t semi = s.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(header) + ": a parameter without a value");
    }
    std::string name = AsciiLower(TrimView(s.substr(i, eq - i)));
    i = eq + 1;
    while (i < s.size() && IsSpace(s[i])) ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      // RFC 9110 quoted-string: a backslash quotes the next character.
      bool closed = false;
      for (++i; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          value.push_back(s[++i]);
        } else if (s[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value.push_back(s[i]);
        }
      }
      if (!closed) {
        return Fail(ErrorCode::kInvalidArgument,
                    std::string(header) + ": an unterminated quoted string");
      }
      while (i < s.size() && IsSpace(s[i])) ++i;
      if (i < s.size() && s[i] != ';') {
        return Fail(ErrorCode::kInvalidArgument,
                    std::string(header) + ": text after a quoted parameter value");
      }
    } else {
      size_t end = s.find(';', i);
      value = std::string(TrimView(s.substr(i, end == std::string_view::npos ? end : end - i)));
      i = end;
    }
    if (name.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(header) + ": a parameter without a name");
    }
    out.params.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

// Reads the header block of part number `n` (1-based) into `part`.
Status ParsePartHeaders(std::string_view block, size_t n, MultipartPart& part) {
  std::string where = "part " + std::to_string(n);
  bool has_disposition = false;
  size_t start = 0;
  while (start < block.size()) {
    size_t end = block.find(kCrlf, start);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(start, end - start);
    start = end + kCrlf.size();
    if (!line.empty() && IsSpace(line.front())) {
      return tl::unexpected(Invalid(where + ": folded header lines are not allowed"));
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return tl::unexpected(Invalid(where + ": a header line without a name"));
    }
    std::string name = AsciiLower(TrimView(line.substr(0, colon)));
    std::string_view value = TrimView(line.substr(colon + 1));
    if (name == "content-disposition") {
      auto parsed = ParseHeaderValue(value, "Content-Disposition");
      if (!parsed) return tl::unexpected(Invalid(where + ": " + parsed.error().message));
      if (parsed->value != "form-data") {
        return tl::unexpected(Invalid(where + ": Content-Disposition must be form-data"));
      }
      const std::string* field = parsed->Param("name");
      if (field == nullptr || field->empty()) {
        return tl::unexpected(Invalid(where + ": Content-Disposition names no field"));
      }
      part.name = *field;
      if (const std::string* file = parsed->Param("filename")) part.filename = *file;
      has_disposition = true;
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    } else if (name == "content-transfer-encoding") {
      std::string encoding = AsciiLower(value);
      if (encoding != "7bit" && encoding != "8bit" && encoding != "binary") {
        return tl::unexpected(
            Invalid(where + ": Content-Transfer-Encoding " + encoding + " is not supported"));
      }
    }
  }
  if (!has_disposition) {
    return tl::unexpected(
        Invalid(where + ": no Content-Disposition: form-data header naming the field"));
  }
  return Ok();
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  auto parsed = ParseHeaderValue(content_type, "Content-Type");
  if (!parsed) return tl::unexpected(parsed.error());
  if (parsed->value != "multipart/form-data") {
    return Fail(ErrorCode::kUnsupported, "expected multipart/form-data, not " +
                                             (parsed->value.empty() ? "nothing" : parsed->value));
  }
  const std::string* boundary = parsed->Param("boundary");
  if (boundary == nullptr || boundary->empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "Content-Type: multipart/form-data without a boundary");
  }
  bool valid = boundary->size() <= kMaxBoundary && boundary->back() != ' ';
  for (char c : *boundary) valid = valid && IsBoundaryChar(c);
  if (!valid) {
    return Fail(ErrorCode::kInvalidArgument,
                "Content-Type: the multipart boundary must be 1 to 70 letters, digits or "
                "'()+_,-./:=? characters");
  }
  return *boundary;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type,
                                                  std::string_view body,
                                                  const MultipartLimits& limits) {
  ASSIGN_OR_RETURN(std::string boundary, MultipartBoundary(content_type));
  const std::string delimiter = "--" + boundary;
  // Every delimiter after the first follows the CRLF that ends a part's
  // data: searching for CRLF + delimiter keeps bytes of the data that merely
  // start like a boundary inside the data.
  const std::string separator = std::string(kCrlf) + delimiter;

  size_t pos = 0;
  if (!StartsWith(body, delimiter)) {
    size_t found = body.find(separator);
    if (found == std::string_view::npos) {
      return tl::unexpected(Invalid("no part starts with the boundary of the Content-Type"));
    }
    pos = found + kCrlf.size();  // a preamble, ignored
  }
  std::vector<MultipartPart> parts;
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") break;  // the closing delimiter; the rest is epilogue
    while (pos < body.size() && IsSpace(body[pos])) ++pos;  // transport padding
    if (pos == body.size()) {
      return tl::unexpected(Invalid("the closing boundary is missing (was the upload cut off?)"));
    }
    if (body.substr(pos, 2) != kCrlf) {
      return tl::unexpected(Invalid("a boundary line must end in CRLF"));
    }
    pos += kCrlf.size();
    if (parts.size() == limits.max_parts) {
      return tl::unexpected(Invalid("more than " + std::to_string(limits.max_parts) + " parts"));
    }
    MultipartPart part;
    size_t n = parts.size() + 1;
    // The header block ends at an empty line; a part may have no headers
    // at all (then it is refused below, for want of a name).
    std::string_view headers;
    if (body.substr(pos, 2) == kCrlf) {
      pos += kCrlf.size();
    } else {
      size_t end = body.find("\r\n\r\n", pos);
      if (end == std::string_view::npos || end - pos > limits.max_header_bytes) {
        return tl::unexpected(end == std::string_view::npos
                                  ? Invalid("part " + std::to_string(n) +
                                            ": its headers do not end (was the upload cut off?)")
                                  : Invalid("part " + std::to_string(n) + ": headers longer than " +
                                            std::to_string(limits.max_header_bytes) + " bytes"));
      }
      headers = body.substr(pos, end - pos);
      pos = end + 4;
    }
    RETURN_IF_ERROR(ParsePartHeaders(headers, n, part));
    size_t end = body.find(separator, pos);
    if (end == std::string_view::npos) {
      return tl::unexpected(Invalid("the closing boundary is missing (was the upload cut off?)"));
    }
    if (!part.filename && end - pos > limits.max_field_bytes) {
      return tl::unexpected(Invalid("field " + part.name + " is longer than " +
                                    std::to_string(limits.max_field_bytes) + " bytes"));
    }
    part.data = std::string(body.substr(pos, end - pos));
    parts.push_back(std::move(part));
    pos = end + kCrlf.size();
  }
  return parts;
}

const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name) {
  for (const MultipartPart& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace paperpulse::http
