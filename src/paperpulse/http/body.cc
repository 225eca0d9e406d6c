#include "paperpulse/http/body.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "paperpulse/base/strings.h"

namespace paperpulse::http {
namespace {

Error FieldError(std::string_view key, std::string_view expected) {
  std::string message = "field ";
  message += key;
  message += ": expected ";
  message += expected;
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one application/x-www-form-urlencoded name or value; false on a
// broken percent escape.
bool FormDecode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexDigit(in[i + 1]), lo = HexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

// The media type of a Content-Type value, lower case, and whether its
// charset parameter (if any) is one we read.
struct MediaType {
  std::string type;
  std::string charset;  // lower case, unquoted; "" when absent
};

MediaType ParseContentType(std::string_view value) {
  MediaType m;
  std::vector<std::string_view> parts = Split(value, ';');
  m.type = AsciiLower(TrimView(parts.empty() ? value : parts[0]));
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view param = TrimView(parts[i]);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    if (AsciiLower(TrimView(param.substr(0, eq))) != "charset") continue;
    std::string_view v = TrimView(param.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    m.charset = AsciiLower(v);
  }
  return m;
}

bool IsUtf8Charset(std::string_view charset) {
  // US-ASCII is a subset; both are validated as UTF-8 anyway.
  return charset.empty() || charset == "utf-8" || charset == "utf8" || charset == "us-ascii";
}

}  // namespace

Error InvalidField(std::string_view field, std::string_view what) {
  return Error{ErrorCode::kInvalidArgument, std::string(field) + ": " + std::string(what)};
}

const Fields::Value* Fields::Find(std::string_view key) const {
  for (const auto& [k, v] : items_) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool Fields::Has(std::string_view key) const {
  const Value* v = Find(key);
  return v != nullptr && v->kind != Kind::kNull;
}

Result<std::string> Fields::Get(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr || v->kind == Kind::kNull) return std::string();
  if (v->kind != Kind::kText && v->kind != Kind::kString) {
    return tl::unexpected(FieldError(key, "a string"));
  }
  return v->strings.front();
}

Result<int64_t> Fields::GetInt(std::string_view key, int64_t fallback) const {
  const Value* v = Find(key);
  if (v == nullptr || v->kind == Kind::kNull) return fallback;
  if (v->kind == Kind::kInt) return v->integer;
  if (v->kind == Kind::kText) {
    std::string_view s = TrimView(v->strings.front());
    if (s.empty()) return fallback;
    int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size()) return out;
  }
  return tl::unexpected(FieldError(key, "an integer"));
}

Result<bool> Fields::GetBool(std::string_view key, bool fallback) const {
  const Value* v = Find(key);
  if (v == nullptr || v->kind == Kind::kNull) return fallback;
  if (v->kind == Kind::kBool) return v->boolean;
  if (v->kind == Kind::kText) {
    std::string s = AsciiLower(TrimView(v->strings.front()));
    if (s.empty()) return fallback;
    if (s == "true" || s == "1" || s == "on" || s == "yes") return true;
    if (s == "false" || s == "0" || s == "off" || s == "no") return false;
  }
  return tl::unexpected(FieldError(key, "true or false"));
}

Result<std::vector<std::string>> Fields::GetList(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr || v->kind == Kind::kNull) return std::vector<std::string>();
  if (v->kind != Kind::kText && v->kind != Kind::kStringList) {
    return tl::unexpected(FieldError(key, "a list of strings"));
  }
  return v->strings;
}

void Fields::Add(std::string key, std::string value) {
  for (auto& [k, v] : items_) {
    if (k == key && v.kind == Kind::kText) {
      v.strings.push_back(std::move(value));
      return;
    }
  }
  Value v;
  v.strings.push_back(std::move(value));
  items_.emplace_back(std::move(key), std::move(v));
}

Result<Fields> ParseJsonBody(std::string_view body) {
  using simdjson::dom::element_type;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.parse(body.data(), body.size()).get(doc)) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string("body: malformed JSON (") + simdjson::error_message(error) + ")");
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object)) {
    return Fail(ErrorCode::kInvalidArgument, "body: expected a JSON object");
  }
  Fields fields;
  for (auto field : object) {
    // A repeated key keeps its first value, as a repeated query parameter does.
    if (fields.Find(field.key) != nullptr) continue;
    Fields::Value v;
    simdjson::dom::element e = field.value;
    switch (e.type()) {
      case element_type::STRING:
        v.kind = Fields::Kind::kString;
        v.strings.emplace_back(e.get_string().value_unsafe());
        break;
      case element_type::INT64:
        v.kind = Fields::Kind::kInt;
        v.integer = e.get_int64().value_unsafe();
        break;
      case element_type::UINT64:  // beyond int64
      case element_type::DOUBLE:
        v.kind = Fields::Kind::kNumber;
        break;
      case element_type::BOOL:
        v.kind = Fields::Kind::kBool;
        v.boolean = e.get_bool().value_unsafe();
        break;
      case element_type::NULL_VALUE:
        v.kind = Fields::Kind::kNull;
        break;
      case element_type::ARRAY: {
        v.kind = Fields::Kind::kStringList;
        simdjson::dom::array array = e.get_array().value_unsafe();
        for (simdjson::dom::element item : array) {
          std::string_view s;
          if (item.get_string().get(s)) {
            v.kind = Fields::Kind::kOther;
            v.strings.clear();
            break;
          }
          v.strings.emplace_back(s);
        }
        break;
      }
      case element_type::OBJECT:
        v.kind = Fields::Kind::kOther;
        break;
    }
    fields.items_.emplace_back(std::string(field.key), std::move(v));
  }
  return fields;
}

Result<Fields> ParseFormBody(std::string_view body) {
  Fields fields;
  std::string key, value;
  for (std::string_view pair : Split(body, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view raw_key = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (!FormDecode(raw_key, key) || !FormDecode(raw_value, value)) {
      return Fail(ErrorCode::kInvalidArgument, "body: malformed form encoding");
    }
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      return Fail(ErrorCode::kInvalidArgument, "body: form data is not valid UTF-8");
    }
    if (key.empty()) continue;
    fields.Add(key, value);
  }
  return fields;
}

Result<Fields> ParseBody(const Request& request) {
  if (request.body.empty()) return Fields();
  std::string_view content_type = request.Header("content-type");
  if (content_type.empty()) {
    return Fail(ErrorCode::kUnsupported,
                "body: no Content-Type; send application/json or "
                "application/x-www-form-urlencoded");
  }
  MediaType media = ParseContentType(content_type);
  if (!IsUtf8Charset(media.charset)) {
    return Fail(ErrorCode::kUnsupported,
                "body: charset " + media.charset.substr(0, 100) + " is not supported; send UTF-8");
  }
  if (media.type == "application/json") return ParseJsonBody(request.body);
  if (media.type == "application/x-www-form-urlencoded") return ParseFormBody(request.body);
  return Fail(ErrorCode::kUnsupported, "body: content type " + media.type.substr(0, 100) +
                                           " is not supported; send application/json or "
                                           "application/x-www-form-urlencoded");
}

}  // namespace paperpulse::http
