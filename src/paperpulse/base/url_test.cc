#include "paperpulse/base/url.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "paperpulse/base/test_paths.h"

namespace paperpulse {
namespace {

TEST(IsHttpUrl, AcceptsRealWebLinks) {
  for (const char* ok : {
           "https://github.com/cp-cp/LiveEdit",
           "http://example.org",
           "https://kululumi.github.io/PRFL/#",
           "https://swanaigc.github.io/#/swanvoice",
           "https://swanaigc.github.io//#bench",
           "https://example.org/p?a=1&b=2#top",
           "HTTPS://EXAMPLE.ORG/",
           "https://www.youtube.com/@StudioPearlLee",  // '@' in the path is no userinfo
           "https://huggingface.co/spaces/a_b/c-d",
           "http://127.0.0.1:8080/oai?verb=Identify",
           "http://[::1]:8080/",
           "https://doi.org/10.1103/PhysRevD.76.013009",
           "https://en.wikipedia.org/wiki/Caf%C3%A9",
           "http://creativecommons.org/licenses/by/4.0/",
       }) {
    EXPECT_TRUE(IsHttpUrl(ok)) << ok;
  }
}

TEST(IsHttpUrl, RefusesAttackShapesAndNonWebLinks) {
  for (const char* bad : {
           "",
           "https://x/\"><script>alert(1)</script>",  // the ingest check let this through
           "https://example.org/\"><script>alert(4)</script>",
           "https://x/'onmouseover='alert(1)",
           "https://x/<svg/onload=alert(1)>",
           "javascript:alert(1)",
           "JavaScript://example.org/%0Aalert(1)",
           "data:text/html,<b>x</b>",
           "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
           "vbscript:msgbox(1)",
           "ftp://example.org/",
           "file:///etc/passwd",
           "https://",
           "https:///path-without-host",
           "http:example.org",
           "//example.org/x",
           "/relative/path",
           "example.org",
           " https://example.org",
           "https://example.org ",
           "https://exa mple.org/",
           "https://example.org/a b",
           "https://github.com/\nFightingFighting/NeuroAda.git",
           "https://example.org/\r\nSet-Cookie: a=b",
           "https://example.org/\tx",
           "https://example.org\\@evil.com/",
           "https:\\\\evil.com",
           "https://user:pass@example.org/",
           "https://example.org@evil.com/",
           "https://ex%61mple.org/",
           "https://a!b$c.org/",
           "https://example.org/{x}",
           "https://example.org/`x`",
           "https://example.org/a|b",
           "https://example.org/\x7f",
           "https://ex\xC3\xA4mple.org/",
       }) {
    EXPECT_FALSE(IsHttpUrl(bad)) << bad;
  }
  EXPECT_FALSE(IsHttpUrl(std::string_view("https://example.org/\0x", 22)));
}

TEST(IsHttpUrl, LengthIsCapped) {
  std::string url = "https://example.org/";
  url.resize(kMaxHttpUrlBytes, 'a');
  EXPECT_TRUE(IsHttpUrl(url));
  url.push_back('a');
  EXPECT_FALSE(IsHttpUrl(url));
}

// Every GitHub repository and project page of the real HF daily files in
// ../shared/data passes, except the few HF itself stores broken (a JSON
// escape such as "\n" inside the link): the check is strict, not useless.
TEST(IsHttpUrl, AcceptsTheLinksOfTheRealHfDailyFiles) {
  std::filesystem::path dir = testing::SharedDataDir() + "/hf-daily-papers-json/daily";
  std::error_code ec;
  ASSERT_TRUE(std::filesystem::is_directory(dir, ec)) << dir;
  int checked = 0, broken = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    for (std::string_view key : {"\"githubRepo\": \"", "\"projectPage\": \""}) {
      for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
        at += key.size();
        size_t end = text.find('"', at);
        ASSERT_NE(end, std::string::npos);
        std::string_view url(text.data() + at, end - at);
        while (!url.empty() && url.front() == ' ') url.remove_prefix(1);  // as the reader trims
        while (!url.empty() && url.back() == ' ') url.remove_suffix(1);
        if (url.empty()) continue;
        if (url.find('\\') != std::string_view::npos) {
          ++broken;
          EXPECT_FALSE(IsHttpUrl(url)) << url;
          continue;
        }
        ++checked;
        EXPECT_TRUE(IsHttpUrl(url)) << entry.path() << ": " << url;
      }
    }
  }
  EXPECT_GT(checked, 5000);
  EXPECT_LT(broken, 20);
}

}  // namespace
}  // namespace paperpulse
