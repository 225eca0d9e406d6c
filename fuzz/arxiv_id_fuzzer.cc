// arXiv ids (base/arxiv_id.h): every accepted form parses to a canonical id
// that parses again to itself; the order key and the float-mangling repair
// never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/base/arxiv_id.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto id = ParseArxivId(text)) {
    PP_FUZZ_CHECK(!id->base.empty());
    PP_FUZZ_CHECK(id->version >= 0);
    auto again = ParseArxivId(id->ToString());
    PP_FUZZ_CHECK(again.has_value());
    PP_FUZZ_CHECK(*again == *id);
    auto base = ParseArxivId(id->base);
    PP_FUZZ_CHECK(base.has_value() && base->base == id->base && base->version == 0);
    (void)ArxivIdOrderKey(*id);
    (void)id->Year();
    (void)id->Month();
  } else {
    PP_FUZZ_CHECK(!id.error().message.empty());
  }
  if (auto id = ParseMangledArxivId(text)) {
    auto again = ParseArxivId(id->ToString());
    PP_FUZZ_CHECK(again.has_value() && *again == *id);
  }
  return 0;
}
