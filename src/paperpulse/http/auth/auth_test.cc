// Sessions, API tokens, CSRF and rate limits against a real Store (SQLite,
// and PostgreSQL when PAPERPULSE_TEST_PG is set).
#include "paperpulse/http/auth/auth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "paperpulse/base/secrets.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::http::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kNow = 1'780'000'000;
constexpr std::string_view kSite = "http://papers.example.org";

class AuthTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!storage::testing::BackendAvailable(GetParam())) GTEST_SKIP() << "no " << GetParam();
    db_ = std::make_unique<storage::testing::TempDatabase>(GetParam());
    store_ = db_->Open();
    auto a = store_->FindOrCreateAccount("ada@example.org", "2026-01-01T00:00:00Z");
    ASSERT_TRUE(a) << a.error().ToString();
    ada_ = *a;
    auto s = StartSession(*store_, ada_.id, kNow, std::chrono::hours(1));
    ASSERT_TRUE(s) << s.error().ToString();
    session_ = *s;
  }

  Request WithCookie(std::string cookie) const {
    Request r;
    r.method = "POST";
    r.headers.emplace_back("cookie", "theme=dark; pp_session=" + cookie + "; x=1");
    return r;
  }

  std::unique_ptr<storage::testing::TempDatabase> db_;
  std::unique_ptr<storage::Store> store_;
  Account ada_;
  NewSession session_;
};

TEST_P(AuthTest, AnonymousWithoutCredentials) {
  Request r;
  auto who = Authenticate(*store_, r, kNow);
  ASSERT_TRUE(who);
  EXPECT_FALSE(*who);
  auto w = RequireWriter(*store_, r, kNow, "", kSite);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(AuthTest, SessionCookieIdentifiesTheAccountUntilItExpires) {
  EXPECT_EQ(session_.record.id_hash, HashToken(session_.cookie_value));
  auto who = Authenticate(*store_, WithCookie(session_.cookie_value), kNow + 10);
  ASSERT_TRUE(who && *who);
  EXPECT_EQ((*who)->account.id, ada_.id);
  EXPECT_FALSE((*who)->via_token);
  EXPECT_EQ((*who)->csrf_token, session_.record.csrf_token);
  // Expired, unknown and malformed cookies are anonymous, not errors.
  EXPECT_FALSE(*Authenticate(*store_, WithCookie(session_.cookie_value), kNow + 3601));
  EXPECT_FALSE(*Authenticate(*store_, WithCookie(RandomToken()), kNow));
  EXPECT_FALSE(*Authenticate(*store_, WithCookie("' OR 1=1 --"), kNow));
}

TEST_P(AuthTest, CookieWritesNeedTheCsrfToken) {
  Request r = WithCookie(session_.cookie_value);
  auto missing = RequireWriter(*store_, r, kNow, "", kSite);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kPermissionDenied);
  auto wrong = RequireWriter(*store_, r, kNow, RandomToken(), kSite);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
  // The form field or the header.
  EXPECT_TRUE(RequireWriter(*store_, r, kNow, session_.record.csrf_token, kSite));
  r.headers.emplace_back("x-csrf-token", session_.record.csrf_token);
  EXPECT_TRUE(RequireWriter(*store_, r, kNow, "", kSite));
  // A cross-site Origin is refused even with the token; our own is fine.
  r.headers.emplace_back("origin", "https://evil.example");
  auto cross = RequireWriter(*store_, r, kNow, "", kSite);
  ASSERT_FALSE(cross);
  EXPECT_EQ(cross.error().code, ErrorCode::kPermissionDenied);
  r.headers.back().second = "HTTP://Papers.Example.org";
  EXPECT_TRUE(RequireWriter(*store_, r, kNow, "", kSite));
}

TEST_P(AuthTest, BearerTokensNeedNoCsrfAndBadOnesAreRejected) {
  std::string token = RandomToken();
  ASSERT_TRUE(store_->CreateApiToken(HashToken(token), ada_.id, "test", "t"));
  Request r;
  r.method = "POST";
  r.headers.emplace_back("authorization", "bearer " + token);
  auto w = RequireWriter(*store_, r, kNow, "", kSite);
  ASSERT_TRUE(w) << w.error().ToString();
  EXPECT_TRUE(w->via_token);
  EXPECT_EQ(w->account.id, ada_.id);
  for (std::string bad :
       {"Bearer " + RandomToken(), std::string("Basic abc"), std::string("Bearer x")}) {
    Request b;
    b.headers.emplace_back("authorization", bad);
    auto who = Authenticate(*store_, b, kNow);
    ASSERT_FALSE(who) << bad;
    EXPECT_EQ(who.error().code, ErrorCode::kUnauthenticated);
  }
  // A banned account's token and session stop working.
  ASSERT_TRUE(store_->SetAccountBanned(ada_.id, true));
  EXPECT_FALSE(Authenticate(*store_, r, kNow));
  EXPECT_FALSE(*Authenticate(*store_, WithCookie(session_.cookie_value), kNow));
}

TEST_P(AuthTest, RateLimitCountsPerWindow) {
  RateRule rule{3, std::chrono::seconds(60)};
  int64_t start = kNow - kNow % 60;
  for (int i = 0; i < 3; ++i) {
    auto v = CheckRate(*store_, "vote:user:1", rule, start + i);
    ASSERT_TRUE(v) << v.error().ToString();
    EXPECT_TRUE(v->allowed) << i;
  }
  auto refused = *CheckRate(*store_, "vote:user:1", rule, start + 20);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 40);
  EXPECT_TRUE(CheckRate(*store_, "vote:user:2", rule, start + 20)->allowed);  // other key
  EXPECT_TRUE(CheckRate(*store_, "vote:user:1", rule, start + 60)->allowed);  // next window
  EXPECT_TRUE(CheckRate(*store_, "x", RateRule{0, std::chrono::seconds(1)}, kNow)->allowed);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthTest, ::testing::ValuesIn(storage::testing::AllBackends()),
                         [](const auto& info) { return info.param; });

TEST(SessionCookieTest, Attributes) {
  std::string c = SessionCookie("abc", std::chrono::seconds(60), "http://localhost:8080");
  EXPECT_EQ(c, "pp_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
  EXPECT_THAT(SessionCookie("abc", std::chrono::seconds(60), "https://papers.example.org"),
              HasSubstr("; Secure"));
  EXPECT_THAT(ClearedSessionCookie("http://x"), HasSubstr("pp_session=; Path=/; Max-Age=0"));
}

TEST(DisplayNameTest, Rules) {
  EXPECT_TRUE(ValidateDisplayName("Ada Lovelace"));
  EXPECT_TRUE(ValidateDisplayName("<script>alert(1)</script>"));  // shown escaped
  EXPECT_TRUE(ValidateDisplayName("Łukasz Kaiser"));
  EXPECT_FALSE(ValidateDisplayName(""));
  EXPECT_FALSE(ValidateDisplayName("   "));
  EXPECT_FALSE(ValidateDisplayName("a\nb"));
  EXPECT_FALSE(ValidateDisplayName(std::string(41, 'a')));
  EXPECT_TRUE(ValidateDisplayName(std::string(40, 'a')));
  EXPECT_FALSE(ValidateDisplayName("\xff\xfe"));
}

}  // namespace
}  // namespace paperpulse::http::auth
