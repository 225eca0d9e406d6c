// Request bodies, parsed in one place: JSON objects (application/json) and
// HTML forms (application/x-www-form-urlencoded) become the same Fields, so
// an endpoint that takes both (the JSON API and the form that works without
// JavaScript) reads its input once. The server's body limit
// (ServerOptions::body_limit) already bounds the size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/http/message.h"

namespace paperpulse::http {

// The top-level fields of a body. A getter's error names the field
// ("field email: expected a string") and is kInvalidArgument (answered 400).
// JSON null counts as absent. Form values are text, so GetInt and GetBool
// parse them; JSON values must have the type asked for (a JSON "3" is not
// an integer). Cheap to copy around; not meant to be built by handlers
// except in tests (Add).
class Fields {
 public:
  // True when `key` is present (and, in JSON, not null).
  bool Has(std::string_view key) const;

  // The string value of `key`; "" when absent. A repeated form key gives
  // its first value. Errors: the value is not a JSON string.
  Result<std::string> Get(std::string_view key) const;

  // The integer value of `key`; `fallback` when absent. Errors: not a JSON
  // integer (in int64 range), or a form value that is not a decimal integer.
  Result<int64_t> GetInt(std::string_view key, int64_t fallback = 0) const;

  // The boolean value of `key`; `fallback` when absent or an empty form
  // value. Form values: true, 1, on (a checked checkbox), yes / false, 0,
  // off, no. Errors: anything else, or not a JSON boolean.
  Result<bool> GetBool(std::string_view key, bool fallback = false) const;

  // The values of `key`: a JSON array of strings, or every value of a
  // repeated form key in order; empty when absent. Errors: a JSON value that
  // is not an array of strings.
  Result<std::vector<std::string>> GetList(std::string_view key) const;

  // Adds a form-style (text) value; a repeated key adds to its list.
  void Add(std::string key, std::string value);

  size_t size() const { return items_.size(); }

 private:
  friend Result<Fields> ParseJsonBody(std::string_view body);

  enum class Kind { kText, kString, kInt, kNumber, kBool, kNull, kStringList, kOther };
  struct Value {
    Kind kind = Kind::kText;
    std::vector<std::string> strings;  // kText (one per occurrence), kString, kStringList
    int64_t integer = 0;               // kInt
    bool boolean = false;              // kBool
  };
  const Value* Find(std::string_view key) const;

  std::vector<std::pair<std::string, Value>> items_;
};

// kInvalidArgument "`field`: `what`": a field whose value is refused (too
// long, malformed), as the endpoints' own checks word it.
Error InvalidField(std::string_view field, std::string_view what);

// The fields of `request`'s body, by its Content-Type: application/json
// (an object) or application/x-www-form-urlencoded ('+' is a space), with
// an optional charset parameter that must name UTF-8. An empty body gives
// no fields whatever the type (a POST with nothing to say). Errors:
// kUnsupported (answered 415) for another media type or charset, or a
// non-empty body without a Content-Type; kInvalidArgument (400) for
// malformed JSON or form encoding, JSON that is not an object, and text
// that is not UTF-8.
Result<Fields> ParseBody(const Request& request);

// The JSON part of ParseBody, for bodies known to be JSON.
Result<Fields> ParseJsonBody(std::string_view body);

// The form part of ParseBody (also the syntax of a query string).
Result<Fields> ParseFormBody(std::string_view body);

}  // namespace paperpulse::http
