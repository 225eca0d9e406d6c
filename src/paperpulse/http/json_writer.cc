#include "paperpulse/http/json_writer.h"

#include <cmath>
#include <cstdio>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {
namespace {

// JSON escaping plus <, > and & as \u escapes: the value parses the same,
// and a response that ends up inside an HTML <script> or is sniffed as HTML
// by an old browser cannot open a tag.
void AppendEscaped(std::string& out, std::string_view s) {
  std::string clean = CleanText(s);
  size_t start = 0;
  for (size_t i = 0; i < clean.size(); ++i) {
    const char* esc = nullptr;
    switch (clean[i]) {
      case '<':
        esc = "\\u003c";
        break;
      case '>':
        esc = "\\u003e";
        break;
      case '&':
        esc = "\\u0026";
        break;
      default:
        continue;
    }
    AppendJsonEscaped(out, std::string_view(clean).substr(start, i - start));
    out += esc;
    start = i + 1;
  }
  AppendJsonEscaped(out, std::string_view(clean).substr(start));
}

}  // namespace

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_items_.empty()) {
    if (has_items_.back()) out_.push_back(',');
    has_items_.back() = true;
  }
}

void JsonWriter::Open(char c) {
  BeforeValue();
  out_.push_back(c);
  has_items_.push_back(false);
}

void JsonWriter::Close(char c) {
  out_.push_back(c);
  has_items_.pop_back();
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  out_.push_back('"');
  AppendEscaped(out_, key);
  out_ += "\":";
  after_key_ = true;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  out_.push_back('"');
  AppendEscaped(out_, s);
  out_.push_back('"');
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  out_ += std::to_string(v);
}

void JsonWriter::Double(double v) {
  BeforeValue();
  if (!std::isfinite(v)) {
    out_ += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  out_ += buf;
}

void JsonWriter::Bool(bool v) {
  BeforeValue();
  out_ += v ? "true" : "false";
}

void JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
}

}  // namespace paperpulse::http
