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

}  // namespace
}  // namespace paperpulse::http
