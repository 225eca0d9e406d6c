#include "paperpulse/http/text.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

TEST(HtmlEscape, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(HtmlEscape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
}

TEST(WithQuery, KeepsNonEmptyParametersInOrder) {
  EXPECT_EQ(WithQuery("/search", {}), "/search");
  EXPECT_EQ(WithQuery("/search", {{"q", ""}, {"sort", ""}}), "/search");
  EXPECT_EQ(WithQuery("/search", {{"q", "a b&c"}, {"sort", ""}, {"cat", "cs.LG"}}),
            "/search?q=a%20b%26c&cat=cs.LG");
  EXPECT_EQ(WithQuery("/library", {{"tag", "to-read"}, {"q", "x"}}), "/library?tag=to-read&q=x");
}

}  // namespace
}  // namespace paperpulse::http
