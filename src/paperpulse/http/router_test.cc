#include "paperpulse/http/router.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

// A route whose handler answers its own name, so a test sees which one ran.
Route Named(std::string name, std::string pattern, std::vector<std::string> methods = {"GET"}) {
  Route r;
  r.name = name;
  r.pattern = std::move(pattern);
  r.methods = std::move(methods);
  r.handler = [name](const Request&, const PathParams&) {
    return MakeResponse(200, "text/plain", name);
  };
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(Named("trending", "/papers/trending"));
    router_.Add(Named("upvote", "/api/papers/{id...}/upvote", {"POST", "DELETE"}));
    router_.Add(Named("paper_api", "/api/papers/{id...}"));
    router_.Add(Named("submit", "/api/daily_papers", {"POST"}));
    router_.Add(Named("daily_api", "/api/daily_papers"));
    router_.Add(Named("feed", "/feeds/authors/{name...}.atom"));
    router_.Add(Named("paper", "/papers/{id...}"));
  }

  // The name of the route `method path` reaches, or "405 <Allow>", or "404".
  std::string Reach(std::string_view method, std::string_view path) {
    RouteMatch m = router_.Match(method, path, params_);
    if (m.route) return m.route->name;
    return m.allow.empty() ? "404" : "405 " + m.allow;
  }

  Router router_;
  PathParams params_;
};

TEST_F(RouterTest, GetRoutesAlsoAnswerHead) {
  EXPECT_EQ(Reach("GET", "/papers/trending"), "trending");
  EXPECT_EQ(Reach("HEAD", "/papers/trending"), "trending");
  EXPECT_EQ(Reach("HEAD", "/api/daily_papers"), "daily_api");
}

TEST_F(RouterTest, RoutesSharingAPatternAreChosenByMethod) {
  EXPECT_EQ(Reach("POST", "/api/daily_papers"), "submit");
  EXPECT_EQ(Reach("GET", "/api/daily_papers"), "daily_api");
  EXPECT_EQ(Reach("POST", "/api/papers/hep-th/9901001/upvote"), "upvote");
  EXPECT_EQ(params_.Get("id"), "hep-th/9901001");
  EXPECT_EQ(Reach("DELETE", "/api/papers/2405.04517/upvote"), "upvote");
  EXPECT_EQ(params_.Get("id"), "2405.04517");
  // GET of the same path falls through to the paper API, whose rest
  // parameter takes ".../upvote" as part of the id.
  EXPECT_EQ(Reach("GET", "/api/papers/2405.04517/upvote"), "paper_api");
  EXPECT_EQ(params_.Get("id"), "2405.04517/upvote");
}

TEST_F(RouterTest, KnownPathWithAnotherMethodIs405WithAllow) {
  EXPECT_EQ(Reach("POST", "/papers/trending"), "405 GET, HEAD");
  EXPECT_EQ(Reach("PUT", "/api/daily_papers"), "405 GET, HEAD, POST");
  EXPECT_EQ(Reach("PATCH", "/api/papers/2405.04517/upvote"), "405 GET, HEAD, POST, DELETE");
  EXPECT_EQ(Reach("DELETE", "/feeds/authors/Ada Lovelace.atom"), "405 GET, HEAD");
  EXPECT_EQ(params_.size(), 0u);
}

TEST_F(RouterTest, UnknownPathIs404WhateverTheMethod) {
  EXPECT_EQ(Reach("GET", "/nothing"), "404");
  EXPECT_EQ(Reach("POST", "/nothing"), "404");
  EXPECT_EQ(Reach("GET", "relative"), "404");
  EXPECT_EQ(Reach("GET", ""), "404");
}

TEST_F(RouterTest, MethodsAreCaseSensitive) {
  // RFC 9110: "get" is not GET.
  EXPECT_EQ(Reach("get", "/papers/trending"), "405 GET, HEAD");
}

TEST(Router, AllowListsEachMethodOnceInTheUsualOrder) {
  Router router;
  router.Add(Named("a", "/x", {"DELETE", "PROPFIND"}));
  router.Add(Named("b", "/x", {"POST", "GET"}));
  router.Add(Named("c", "/{any}", {"PROPFIND", "GET"}));
  PathParams params;
  RouteMatch m = router.Match("PUT", "/x", params);
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "GET, HEAD, POST, DELETE, PROPFIND");
}

TEST(Router, PathParametersAndSuffixes) {
  Router router;
  router.Add(Named("bib", "/papers/{id...}/bibtex"));
  router.Add(Named("feed", "/feeds/{name}.atom"));
  PathParams params;
  RouteMatch m = router.Match("GET", "/papers/math.GT/0309136/bibtex", params);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->name, "bib");
  EXPECT_EQ(params.Get("id"), "math.GT/0309136");
  m = router.Match("GET", "/feeds/daily.atom", params);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(params.Get("name"), "daily");
  EXPECT_EQ(router.Match("GET", "/feeds/.atom", params).route, nullptr);
}

}  // namespace
}  // namespace paperpulse::http
