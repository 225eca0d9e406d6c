#include "paperpulse/http/json_writer.h"

#include <cmath>
#include <cstdio>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/text.h"

namespace paperpulse::http {

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
  AppendJsonEscaped(out_, CleanText(key));
  out_ += "\":";
  after_key_ = true;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  out_.push_back('"');
  AppendJsonEscaped(out_, CleanText(s));
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
