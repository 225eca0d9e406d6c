// The Python-literal parser (ingest/pyrepr.h) that reads the repr() columns
// of Kaggle CSVs and HF dumps, and the Kaggle column parsers built on it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/ingest/kaggle_csv.h"
#include "paperpulse/ingest/pyrepr.h"

namespace {

using paperpulse::ingest::PyValue;

void Walk(const PyValue& v, int depth) {
  PP_FUZZ_CHECK(depth <= 65);  // max_depth 64 and the top level
  if (v.IsStr()) PP_FUZZ_CHECK(paperpulse::IsValidUtf8(v.str_value));
  (void)v.AsString();
  (void)v.AsInt();
  (void)v.AsFloat();
  (void)v.AsBool();
  for (const auto& item : v.items) Walk(item, depth + 1);
  for (const auto& e : v.entries) {
    Walk(e.key, depth + 1);
    Walk(e.value, depth + 1);
  }
  if (v.IsDict()) {
    (void)v.Get("authors");
    (void)v.GetString("title");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse::ingest;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto v = ParsePyLiteral(text)) Walk(*v, 0);
  if (auto list = ParsePyStringList(text)) {
    for (const auto& s : *list) PP_FUZZ_CHECK(paperpulse::IsValidUtf8(s));
  }
  if (auto versions = ParseKaggleVersions(text)) {
    paperpulse::Paper paper;
    ApplyVersions(std::move(*versions), paper);
  }
  (void)ParseKaggleAuthorsParsed(text);
  return 0;
}
