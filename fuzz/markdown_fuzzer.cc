// Comment Markdown (http/markdown.h): whatever a commenter writes renders to
// valid UTF-8 HTML whose tags carry no script, no event handler, no embedded
// resource and no link outside http:, https:, mailto: and relative URLs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/http/markdown.h"

namespace {

bool SafeLink(std::string_view url) {
  size_t colon = url.find(':');
  size_t end = url.find_first_of("/?#");
  if (colon == std::string_view::npos || (end != std::string_view::npos && end < colon)) {
    return true;  // relative
  }
  std::string scheme = paperpulse::AsciiLower(url.substr(0, colon));
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// Checks every tag of `html`: text is escaped, so each '<' opens a tag.
void CheckTags(std::string_view html) {
  static constexpr std::string_view kAllowed[] = {
      "p",  "br", "em", "strong", "code", "pre", "a",   "ul", "ol", "li", "blockquote",
      "h4", "h5", "h6", "hr",     "span", "del", "div", "h1", "h2", "h3", "!--"};
  for (size_t lt = html.find('<'); lt != std::string_view::npos; lt = html.find('<', lt + 1)) {
    size_t gt = html.find('>', lt);
    PP_FUZZ_CHECK(gt != std::string_view::npos);
    std::string tag = paperpulse::AsciiLower(html.substr(lt + 1, gt - lt - 1));
    if (!tag.empty() && tag[0] == '/') tag.erase(0, 1);
    std::string name = tag.substr(0, tag.find_first_of(" /"));
    bool allowed = false;
    for (auto a : kAllowed) allowed = allowed || name == a;
    if (!allowed) {
      std::fprintf(stderr, "unexpected tag <%s>\n", tag.c_str());
      PP_FUZZ_CHECK(allowed);
    }
    // Attribute names only (quoted values taken out): no event handler,
    // no embedded resource, no inline style.
    std::string names;
    bool quoted = false;
    for (char c : tag) {
      if (c == '"') quoted = !quoted;
      if (!quoted && c != '"') names.push_back(c);
    }
    PP_FUZZ_CHECK(!quoted);
    PP_FUZZ_CHECK(names.find(" on") == std::string::npos);
    PP_FUZZ_CHECK(names.find("src=") == std::string::npos);
    PP_FUZZ_CHECK(names.find("style=") == std::string::npos);
    if (size_t href = tag.find("href=\""); href != std::string::npos) {
      size_t begin = href + 6;
      size_t end = tag.find('"', begin);
      PP_FUZZ_CHECK(end != std::string::npos);
      std::string_view url =
          std::string_view(html).substr(lt + 1 + (tag[0] == '/') + begin, end - begin);
      if (!SafeLink(url)) {
        std::fprintf(stderr, "unsafe link \"%.*s\" in <%s>\n", static_cast<int>(url.size()),
                     url.data(), tag.c_str());
        PP_FUZZ_CHECK(SafeLink(url));
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace paperpulse;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string html = http::RenderCommentMarkdown(text);
  PP_FUZZ_CHECK(IsValidUtf8(html));
  CheckTags(html);
  return 0;
}
