#include "paperpulse/ingest/pyrepr.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "paperpulse/base/strings.h"

namespace paperpulse::ingest {

const PyValue* PyValue::Get(std::string_view key) const {
  if (kind != Kind::kDict) return nullptr;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key.kind == Kind::kStr && it->key.str_value == key) return &it->value;
  }
  return nullptr;
}

std::optional<std::string_view> PyValue::AsString() const {
  if (kind != Kind::kStr) return std::nullopt;
  return std::string_view(str_value);
}

std::string_view PyValue::GetString(std::string_view key) const {
  const PyValue* v = Get(key);
  if (v == nullptr || v->kind != Kind::kStr) return {};
  return v->str_value;
}

std::optional<int64_t> PyValue::AsInt() const {
  if (kind == Kind::kInt) return int_value;
  if (kind == Kind::kBool) return bool_value ? 1 : 0;
  return std::nullopt;
}

std::optional<double> PyValue::AsFloat() const {
  if (kind == Kind::kFloat) return float_value;
  if (kind == Kind::kInt) return static_cast<double>(int_value);
  return std::nullopt;
}

std::optional<bool> PyValue::AsBool() const {
  if (kind != Kind::kBool) return std::nullopt;
  return bool_value;
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class Parser {
 public:
  Parser(std::string_view text, const PyParseOptions& options) : s_(text), options_(options) {}

  Result<PyValue> ParseAll() {
    if (size_t bad = FirstInvalidUtf8(s_); bad != std::string_view::npos) {
      return Error("invalid UTF-8", bad);
    }
    ASSIGN_OR_RETURN(PyValue v, ParseValue(0));
    SkipSpace();
    if (pos_ != s_.size()) return Error("unexpected text after the value", pos_);
    return v;
  }

 private:
  tl::unexpected<paperpulse::Error> Error(std::string_view what, size_t at) const {
    std::string msg = "python literal: ";
    msg.append(what);
    msg.append(" at offset ");
    msg.append(std::to_string(at));
    return Fail(ErrorCode::kParse, std::move(msg));
  }

  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '\\' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') {
        pos_ += 2;  // explicit line joining
      } else {
        break;
      }
    }
  }

  bool Peek(char c) {
    SkipSpace();
    return pos_ < s_.size() && s_[pos_] == c;
  }

  Result<PyValue> ParseValue(int depth) {
    SkipSpace();
    if (pos_ >= s_.size()) return Error("unexpected end of input", pos_);
    char c = s_[pos_];
    switch (c) {
      case '{':
      case '[':
      case '(':
        if (depth >= options_.max_depth) return Error("nesting too deep", pos_);
        if (c == '{') return ParseDict(depth + 1);
        if (c == '[') return ParseList(depth + 1);
        return ParseTuple(depth + 1);
      case '\'':
      case '"':
        return ParseString(false);
      default:
        break;
    }
    if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return ParseNumber();
    if (IsIdentChar(c)) return ParseWord();
    return Error("unexpected character", pos_);
  }

  Result<PyValue> ParseDict(int depth) {
    PyValue v;
    v.kind = PyValue::Kind::kDict;
    ++pos_;  // '{'
    while (true) {
      if (Peek('}')) {
        ++pos_;
        return v;
      }
      PyValue::Entry e;
      ASSIGN_OR_RETURN(e.key, ParseValue(depth));
      if (!Peek(':')) return Error("expected ':' in dict", pos_);
      ++pos_;
      ASSIGN_OR_RETURN(e.value, ParseValue(depth));
      v.entries.push_back(std::move(e));
      if (Peek(',')) {
        ++pos_;
      } else if (!Peek('}')) {
        return Error("expected ',' or '}' in dict", pos_);
      }
    }
  }

  Result<PyValue> ParseList(int depth) {
    PyValue v;
    v.kind = PyValue::Kind::kList;
    ++pos_;  // '['
    while (true) {
      if (Peek(']')) {
        ++pos_;
        return v;
      }
      ASSIGN_OR_RETURN(PyValue item, ParseValue(depth));
      v.items.push_back(std::move(item));
      if (Peek(',')) {
        ++pos_;
      } else if (!Peek(']')) {
        return Error("expected ',' or ']' in list", pos_);
      }
    }
  }

  Result<PyValue> ParseTuple(int depth) {
    PyValue v;
    v.kind = PyValue::Kind::kTuple;
    ++pos_;  // '('
    bool saw_comma = false;
    while (true) {
      if (Peek(')')) {
        ++pos_;
        break;
      }
      ASSIGN_OR_RETURN(PyValue item, ParseValue(depth));
      v.items.push_back(std::move(item));
      if (Peek(',')) {
        ++pos_;
        saw_comma = true;
      } else if (!Peek(')')) {
        return Error("expected ',' or ')' in tuple", pos_);
      }
    }
    // "(x)" is x in parentheses, not a one-element tuple.
    if (v.items.size() == 1 && !saw_comma) return std::move(v.items.front());
    return v;
  }

  Result<PyValue> ParseWord() {
    size_t start = pos_;
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    std::string_view word = s_.substr(start, pos_ - start);
    PyValue v;
    if (word == "None") return v;
    if (word == "True" || word == "False") {
      v.kind = PyValue::Kind::kBool;
      v.bool_value = word == "True";
      return v;
    }
    if (word == "inf" || word == "nan") {
      v.kind = PyValue::Kind::kFloat;
      v.float_value = word == "inf" ? std::numeric_limits<double>::infinity()
                                    : std::numeric_limits<double>::quiet_NaN();
      return v;
    }
    // A string prefix: u'..' (Python 2 repr of unicode), r'..' (raw).
    if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
      if (word == "u" || word == "U") return ParseString(false);
      if (word == "r" || word == "R") return ParseString(true);
    }
    return Error("unknown name", start);
  }

  Result<PyValue> ParseNumber() {
    size_t start = pos_;
    bool negative = false;
    if (s_[pos_] == '-' || s_[pos_] == '+') {
      negative = s_[pos_] == '-';
      ++pos_;
      SkipSpace();  // literal_eval accepts "- 1"
      if (pos_ < s_.size() && IsIdentChar(s_[pos_]) && !(s_[pos_] >= '0' && s_[pos_] <= '9')) {
        ASSIGN_OR_RETURN(PyValue w, ParseWord());
        if (w.kind != PyValue::Kind::kFloat) return Error("expected a number", start);
        if (negative) w.float_value = -w.float_value;
        return w;
      }
    }
    size_t digits_start = pos_;
    bool is_float = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c >= '0' && c <= '9') {
        ++pos_;
      } else if (c == '.') {
        is_float = true;
        ++pos_;
      } else if ((c == 'e' || c == 'E') && pos_ > digits_start) {
        is_float = true;
        ++pos_;
        if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      } else {
        break;
      }
    }
    std::string_view body = s_.substr(digits_start, pos_ - digits_start);
    if (body.empty() || body == ".") return Error("malformed number", start);
    if (pos_ < s_.size() && IsIdentChar(s_[pos_])) return Error("malformed number", start);
    PyValue v;
    if (is_float) {
      double d = 0;
      auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), d);
      // from_chars reports out-of-range for 1e999; Python gives inf there.
      if (ec == std::errc::result_out_of_range) {
        d = std::numeric_limits<double>::infinity();
      } else if (ec != std::errc() || end != body.data() + body.size()) {
        return Error("malformed number", start);
      }
      v.kind = PyValue::Kind::kFloat;
      v.float_value = negative ? -d : d;
      return v;
    }
    if (body.size() > 1 && body[0] == '0' &&
        body.find_first_not_of('0') != std::string_view::npos) {
      return Error("malformed number (leading zero)", start);
    }
    // Parse as unsigned so that INT64_MIN round-trips.
    uint64_t u = 0;
    auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), u);
    constexpr uint64_t kMaxPositive = std::numeric_limits<int64_t>::max();
    if (ec != std::errc() || end != body.data() + body.size() ||
        u > kMaxPositive + (negative ? 1 : 0)) {
      return Error("integer out of range", start);
    }
    v.kind = PyValue::Kind::kInt;
    v.int_value = negative ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
    return v;
  }

  // Reads `n` hex digits at pos_ into `cp`.
  bool ReadHex(int n, uint32_t& cp) {
    if (pos_ + static_cast<size_t>(n) > s_.size()) return false;
    cp = 0;
    for (int k = 0; k < n; ++k) {
      int d = HexDigit(s_[pos_ + static_cast<size_t>(k)]);
      if (d < 0) return false;
      cp = cp * 16 + static_cast<uint32_t>(d);
    }
    pos_ += static_cast<size_t>(n);
    return true;
  }

  // A \u or \U escape; a surrogate pair written as two \u escapes (which
  // JSON-minded writers produce) is combined into one code point.
  Result<uint32_t> ReadUnicodeEscape(char kind, size_t esc_start) {
    uint32_t cp = 0;
    if (!ReadHex(kind == 'u' ? 4 : 8, cp)) return Error("truncated \\u escape", esc_start);
    if (cp > 0x10FFFF) return Error("escape beyond U+10FFFF", esc_start);
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone surrogate escape", esc_start);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low = 0;
      size_t save = pos_;
      if (pos_ + 2 <= s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
        pos_ += 2;
        if (ReadHex(4, low) && low >= 0xDC00 && low <= 0xDFFF) {
          return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
      }
      pos_ = save;
      return Error("lone surrogate escape", esc_start);
    }
    return cp;
  }

  Result<PyValue> ParseString(bool raw) {
    size_t start = pos_;
    char q = s_[pos_];
    bool triple = s_.substr(pos_, 3) == std::string(3, q);
    pos_ += triple ? 3 : 1;
    PyValue v;
    v.kind = PyValue::Kind::kStr;
    std::string& out = v.str_value;
    while (true) {
      if (pos_ >= s_.size()) return Error("unterminated string", start);
      char c = s_[pos_];
      if (c == q) {
        if (!triple) {
          ++pos_;
          return v;
        }
        if (s_.substr(pos_, 3) == std::string(3, q)) {
          pos_ += 3;
          return v;
        }
        out.push_back(c);
        ++pos_;
        continue;
      }
      if (c == '\n' && !triple) return Error("newline in string", pos_);
      if (c != '\\') {
        // Copy the run of plain bytes at once: input is valid UTF-8.
        size_t end = pos_ + 1;
        while (end < s_.size() && s_[end] != q && s_[end] != '\\' && s_[end] != '\n') ++end;
        out.append(s_.substr(pos_, end - pos_));
        pos_ = end;
        continue;
      }
      size_t esc_start = pos_;
      if (pos_ + 1 >= s_.size()) return Error("unterminated string", start);
      char e = s_[pos_ + 1];
      if (raw) {
        // In a raw string a backslash only protects the next character.
        out.push_back('\\');
        out.push_back(e);
        pos_ += 2;
        continue;
      }
      pos_ += 2;
      switch (e) {
        case '\n':
          break;  // line continuation
        case '\\':
        case '\'':
        case '"':
          out.push_back(e);
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'a':
          out.push_back('\a');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'v':
          out.push_back('\v');
          break;
        case 'x': {
          uint32_t cp = 0;
          if (!ReadHex(2, cp)) return Error("truncated \\x escape", esc_start);
          AppendUtf8(out, cp);  // \xHH in a str is U+00HH, not a raw byte
          break;
        }
        case 'u':
        case 'U': {
          ASSIGN_OR_RETURN(uint32_t cp, ReadUnicodeEscape(e, esc_start));
          AppendUtf8(out, cp);
          break;
        }
        case 'N':
          return Error("\\N{...} escapes are not supported", esc_start);
        default:
          if (e >= '0' && e <= '7') {
            uint32_t cp = static_cast<uint32_t>(e - '0');
            for (int k = 0; k < 2 && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7'; ++k) {
              cp = cp * 8 + static_cast<uint32_t>(s_[pos_++] - '0');
            }
            AppendUtf8(out, cp);
          } else {
            // Python keeps unknown escapes verbatim. `e` may be the first
            // byte of a multi-byte character; the rest follows as plain text.
            out.push_back('\\');
            out.push_back(e);
          }
          break;
      }
    }
  }

  std::string_view s_;
  const PyParseOptions& options_;
  size_t pos_ = 0;
};

}  // namespace

Result<PyValue> ParsePyLiteral(std::string_view text, const PyParseOptions& options) {
  return Parser(text, options).ParseAll();
}

Result<std::vector<std::string>> ParsePyStringList(std::string_view text) {
  ASSIGN_OR_RETURN(PyValue v, ParsePyLiteral(text));
  if (!v.IsSequence()) return Fail(ErrorCode::kParse, "python literal: expected a list of strings");
  std::vector<std::string> out;
  out.reserve(v.items.size());
  for (PyValue& item : v.items) {
    if (!item.IsStr()) {
      std::string msg = "python literal: element ";
      msg.append(std::to_string(out.size() + 1));
      msg.append(" of the list is not a string");
      return Fail(ErrorCode::kParse, std::move(msg));
    }
    out.push_back(std::move(item.str_value));
  }
  return out;
}

}  // namespace paperpulse::ingest
