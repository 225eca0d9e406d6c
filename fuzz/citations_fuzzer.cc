// The BibTeX / RIS reader behind library imports (http/citations.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/http/citations.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = http::ParseCitationFile(text);
  if (!file) return 0;
  for (const auto& e : file->errors) PP_FUZZ_CHECK(IsValidUtf8(e));
  for (const auto& ref : file->refs) {
    PP_FUZZ_CHECK(ref.line >= 1);
    PP_FUZZ_CHECK(IsValidUtf8(ref.key) && IsValidUtf8(ref.title) && IsValidUtf8(ref.doi));
    if (!ref.arxiv_id.empty()) {
      auto id = ParseArxivId(ref.arxiv_id);
      PP_FUZZ_CHECK(id.has_value() && id->base == ref.arxiv_id);
    }
  }
  return 0;
}
