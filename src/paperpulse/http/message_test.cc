#include "paperpulse/http/message.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

Request WithHeaders(std::vector<std::pair<std::string, std::string>> headers) {
  Request r;
  r.method = "GET";
  r.headers = std::move(headers);
  return r;
}

TEST(Request, HeaderIsTheFirstOfItsName) {
  Request r = WithHeaders({{"accept", "text/html"}, {"x-a", "1"}, {"x-a", "2"}});
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("accept"), "text/html");
  EXPECT_EQ(r.Header("missing"), "");
}

TEST(Request, CookieParsesRfc6265Pairs) {
  Request r = WithHeaders({{"cookie", "theme=dark; pp_session=abc123;  lang=\"en\" "}});
  EXPECT_EQ(r.Cookie("pp_session"), "abc123");
  EXPECT_EQ(r.Cookie("theme"), "dark");
  EXPECT_EQ(r.Cookie("lang"), "en");  // quotes are not part of the value
  EXPECT_EQ(r.Cookie("missing"), "");
  // A name is matched whole, not as a prefix or suffix of another.
  EXPECT_EQ(r.Cookie("session"), "");
  EXPECT_EQ(r.Cookie("pp_sess"), "");
}

TEST(Request, CookieFirstOfDuplicatesAcrossHeadersWins) {
  Request r = WithHeaders({{"cookie", "a=1; pp_session=first"}, {"cookie", "pp_session=second"}});
  EXPECT_EQ(r.Cookie("pp_session"), "first");
  Request r2 = WithHeaders({{"cookie", "a=1"}, {"cookie", "pp_session=second"}});
  EXPECT_EQ(r2.Cookie("pp_session"), "second");
}

TEST(Request, CookieToleratesJunk) {
  Request r = WithHeaders({{"cookie", ";;novalue; =x; pp_session=; b=2=3"}});
  EXPECT_EQ(r.Cookie("pp_session"), "");
  EXPECT_EQ(r.Cookie("b"), "2=3");
  EXPECT_EQ(r.Cookie("novalue"), "");
}

TEST(Request, PersonalWhenASessionCookieOrAuthorizationIsSent) {
  EXPECT_FALSE(WithHeaders({}).IsPersonal());
  EXPECT_FALSE(WithHeaders({{"cookie", "theme=dark"}}).IsPersonal());
  EXPECT_TRUE(WithHeaders({{"cookie", "theme=dark; pp_session=x"}}).IsPersonal());
  EXPECT_TRUE(WithHeaders({{"authorization", "Bearer t"}}).IsPersonal());
}

TEST(Request, SafeMethods) {
  Request r;
  for (const char* m : {"GET", "HEAD"}) {
    r.method = m;
    EXPECT_TRUE(r.IsSafeMethod()) << m;
  }
  for (const char* m : {"POST", "DELETE", "PUT", "get"}) {
    r.method = m;
    EXPECT_FALSE(r.IsSafeMethod()) << m;
  }
}

}  // namespace
}  // namespace paperpulse::http
