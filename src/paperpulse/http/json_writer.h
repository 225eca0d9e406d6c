// A small streaming JSON writer for API responses: commas and escaping are
// handled here so handlers only say what to write. Strings are cleaned of
// invalid UTF-8 and control characters first (CleanText), so the output is
// always valid JSON whatever a source put into the Store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace paperpulse::http {

class JsonWriter {
 public:
  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // Precondition: inside an object, before its value.
  void Key(std::string_view key);
  void String(std::string_view s);
  void Int(int64_t v);
  void Double(double v);
  void Bool(bool v);
  void Null();

  // The document written so far (complete when every Begin has its End).
  std::string Take() { return std::move(out_); }

 private:
  void Open(char c);
  void Close(char c);
  void BeforeValue();

  std::string out_;
  std::vector<bool> has_items_;  // per open container
  bool after_key_ = false;
};

}  // namespace paperpulse::http
