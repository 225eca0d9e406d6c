#include "paperpulse/http/text.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

TEST(IsHttpUrl, AcceptsWebUrlsOnly) {
  for (const char* ok :
       {"https://github.com/cp-cp/LiveEdit", "http://example.org",
        "https://kululumi.github.io/PRFL/#", "https://swanaigc.github.io/#/swanvoice",
        "https://example.org/p?a=1&b=2#top", "HTTPS://EXAMPLE.ORG/"}) {
    EXPECT_TRUE(IsHttpUrl(ok)) << ok;
  }
  for (const char* bad :
       {"", "javascript:alert(1)", "ftp://example.org/", "https://", "//example.org/x",
        "https://github.com/\nFightingFighting/NeuroAda.git", " https://example.org",
        "https://example.org/\"><script>alert(4)</script>", "data:text/html,<b>x</b>"}) {
    EXPECT_FALSE(IsHttpUrl(bad)) << bad;
  }
}

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
