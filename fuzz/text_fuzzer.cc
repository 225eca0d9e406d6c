// Text normalisation and escaping shared by readers and pages: TeX to
// Unicode, author and category splitting (ingest/normalize.h), the web
// layer's cleaning, excerpts and escaping (http/text.h, base/strings.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/text.h"
#include "paperpulse/ingest/normalize.h"
#include "paperpulse/ingest/oai_dc_jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool utf8 = IsValidUtf8(text);
  PP_FUZZ_CHECK(utf8 == (FirstInvalidUtf8(text) == std::string_view::npos));

  std::string tex = ingest::TexToUnicode(text);
  if (utf8) PP_FUZZ_CHECK(IsValidUtf8(tex));
  for (const auto& name : ingest::SplitArxivAuthors(text)) {
    PP_FUZZ_CHECK(!name.empty());
    if (utf8) PP_FUZZ_CHECK(IsValidUtf8(name));
  }
  for (const auto& c : ingest::SplitCategories(text)) PP_FUZZ_CHECK(!c.empty());
  (void)ingest::CategoryFromOaiDcSubject(text);
  (void)ingest::OaiDcCreatorName(text);

  // CleanText makes any bytes safe for HTML, XML and JSON output.
  std::string clean = http::CleanText(text);
  PP_FUZZ_CHECK(IsValidUtf8(clean));
  std::string excerpt = http::Excerpt(clean, size % 300);
  PP_FUZZ_CHECK(IsValidUtf8(excerpt));
  (void)http::DisplayDate(text);
  std::string escaped = HtmlEscape(text);
  PP_FUZZ_CHECK(escaped.find_first_of("<>\"'") == std::string::npos);
  std::string encoded = http::UrlEncode(text);
  PP_FUZZ_CHECK(encoded.find_first_of(" <>\"'&?#/") == std::string::npos);
  if (utf8) {
    std::string json = JsonQuote(text);
    PP_FUZZ_CHECK(json.size() >= 2 && json.front() == '"' && json.back() == '"');
    (void)CodePoints(text);
    (void)HasControlChars(text);
  }
  std::string collapsed = CollapseWhitespace(text);
  PP_FUZZ_CHECK(collapsed.find("  ") == std::string::npos);
  return 0;
}
