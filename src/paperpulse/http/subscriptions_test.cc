// Digest subscriptions and search alerts: the validation of requests (pure),
// then the API and pages through the App over every Store backend: double
// opt-in (a GET of the link confirms nothing), the same answer for known and
// unknown addresses, rate limits, one's own subscriptions only, one-click
// unsubscribe without cookies or tokens, and markup shown inert.
#include "paperpulse/http/subscriptions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/secrets.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/request_test_util.h"
#include "paperpulse/http/text.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::http {
namespace {

using http::testing::Body;
using http::testing::Header;
using http::testing::RequestWithBody;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

Fields Json(std::string_view json) {
  auto f = ParseJsonBody(json);
  EXPECT_TRUE(f) << f.error().ToString();
  return f ? *f : Fields();
}

Fields Form(std::vector<std::pair<std::string, std::string>> items) {
  Fields f;
  for (auto& [k, v] : items) f.Add(k, v);
  return f;
}

// The message of the error ParseNewSubscription gives for `body`.
std::string ErrorOf(const Fields& body) {
  auto s = ParseNewSubscription(body);
  if (s) return "(accepted)";
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  return s.error().message;
}

TEST(CanonicalCategoryTest, SpellsCategoriesAsArxivDoes) {
  EXPECT_EQ(CanonicalCategory("cs.LG"), "cs.LG");
  EXPECT_EQ(CanonicalCategory("cs.lg"), "cs.LG");
  EXPECT_EQ(CanonicalCategory("CS"), "cs");
  EXPECT_EQ(CanonicalCategory("hep-th"), "hep-th");
  EXPECT_EQ(CanonicalCategory("Astro-Ph.ga"), "astro-ph.GA");
  EXPECT_EQ(CanonicalCategory("math.AP"), "math.AP");
  EXPECT_EQ(CanonicalCategory("cond-mat.Stat-Mech"), "cond-mat.stat-mech");
  EXPECT_EQ(CanonicalCategory("physics.comp-ph"), "physics.comp-ph");
  EXPECT_EQ(CanonicalCategory("q-bio.nc"), "q-bio.NC");
}

TEST(CanonicalCategoryTest, RejectsWhatIsNotShapedLikeOne) {
  for (std::string_view bad : {"", ".", "cs.", ".LG", "cs.LG.x", "1cs", "cs_LG", "cs LG",
                               "<script>", "cs.-x", "cs.LG;", "abcdefghijklmnopq"}) {
    EXPECT_EQ(CanonicalCategory(bad), std::nullopt) << bad;
  }
}

TEST(ParseNewSubscriptionTest, ReadsJson) {
  auto s = ParseNewSubscription(Json(R"({"email": "  Ada@Example.ORG ", "frequency": "weekly",
      "categories": ["cs.lg", "cs.LG", "hep-th"], "keywords": ["Diffusion", "diffusion",
      "state  space models"], "minUpvotes": 5, "query": "author:Gu cat:cs.LG"})"));
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->email, "ada@example.org");
  EXPECT_EQ(s->frequency, DigestFrequency::kWeekly);
  EXPECT_THAT(s->categories, ElementsAre("cs.LG", "hep-th"));
  EXPECT_THAT(s->keywords, ElementsAre("Diffusion", "state space models"));
  EXPECT_EQ(s->min_upvotes, 5);
  EXPECT_EQ(s->query, "author:Gu cat:cs.LG");
}

TEST(ParseNewSubscriptionTest, DefaultsToTheDailyDigestOfEverything) {
  auto s = ParseNewSubscription(Json(R"({"email": "a@b.org"})"));
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->frequency, DigestFrequency::kDaily);
  EXPECT_THAT(s->categories, IsEmpty());
  EXPECT_THAT(s->keywords, IsEmpty());
  EXPECT_EQ(s->min_upvotes, 0);
  EXPECT_EQ(s->query, "");
  EXPECT_EQ(ParseNewSubscription(Json("{}"))->email, "");
}

TEST(ParseNewSubscriptionTest, SplitsFormValues) {
  auto s = ParseNewSubscription(Form({{"email", "a@b.org"},
                                      {"frequency", "Daily"},
                                      {"categories", "cs.LG, cs.CV\thep-th,,"},
                                      {"keywords", "diffusion, state   space models , "},
                                      {"minUpvotes", ""}}));
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_THAT(s->categories, ElementsAre("cs.LG", "cs.CV", "hep-th"));
  EXPECT_THAT(s->keywords, ElementsAre("diffusion", "state space models"));
  EXPECT_EQ(s->min_upvotes, 0);
}

TEST(ParseNewSubscriptionTest, ErrorsNameTheField) {
  EXPECT_THAT(ErrorOf(Json(R"({"email": "not an address"})")), StartsWith("email: "));
  EXPECT_THAT(ErrorOf(Json(R"({"email": 42})")), HasSubstr("email"));
  EXPECT_THAT(ErrorOf(Json(R"({"frequency": "monthly"})")), StartsWith("frequency: "));
  EXPECT_THAT(ErrorOf(Json(R"({"categories": ["cs.LG", "bad!"]})")),
              StartsWith("categories: \"bad!\" is not"));
  EXPECT_THAT(ErrorOf(Json(R"({"categories": "cs.LG"})")), HasSubstr("categories"));
  EXPECT_THAT(ErrorOf(Json(R"({"keywords": ["a\u0001b"]})")), StartsWith("keywords: "));
  EXPECT_THAT(ErrorOf(Json(R"({"keywords": ["a\u0085b"]})")), StartsWith("keywords: "));
  EXPECT_THAT(ErrorOf(Json(R"({"minUpvotes": -1})")), StartsWith("minUpvotes: "));
  EXPECT_THAT(ErrorOf(Json(R"({"minUpvotes": 100001})")), StartsWith("minUpvotes: "));
  EXPECT_THAT(ErrorOf(Json(R"({"minUpvotes": 1.5})")), StartsWith("minUpvotes: "));
  EXPECT_THAT(ErrorOf(Form({{"minUpvotes", "ten"}})), StartsWith("minUpvotes: "));
  EXPECT_THAT(ErrorOf(Json(R"({"query": "title:\"unbalanced"})")), StartsWith("query: "));
  EXPECT_THAT(ErrorOf(Json(R"({"query": "a\nb"})")), StartsWith("query: "));
  EXPECT_EQ(ErrorOf(Json(R"({"minUpvotes": 100000})")), "(accepted)");
}

TEST(ParseNewSubscriptionTest, EnforcesTheLimits) {
  std::string cats, words;
  for (int i = 0; i < 21; ++i) {
    cats += (i ? ", cs.A" : "cs.A") + std::string(1, static_cast<char>('a' + i));
    words += (i ? ",w" : "w") + std::to_string(i);
  }
  EXPECT_THAT(ErrorOf(Form({{"categories", cats}})), StartsWith("categories: at most 20"));
  EXPECT_THAT(ErrorOf(Form({{"keywords", words}})), StartsWith("keywords: at most 20"));
  // 60 characters are fine, also when each takes two bytes; 61 are not.
  std::string accents;
  for (int i = 0; i < 60; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(ErrorOf(Form({{"keywords", accents}})), "(accepted)");
  EXPECT_THAT(ErrorOf(Form({{"keywords", accents + "e"}})), StartsWith("keywords: "));
  EXPECT_EQ(ErrorOf(Form({{"query", std::string(500, 'x')}})), "(accepted)");
  EXPECT_THAT(ErrorOf(Form({{"query", std::string(501, 'x')}})), StartsWith("query: at most"));
}

TEST(ApplySubscriptionFieldsTest, LeavesAbsentFieldsAlone) {
  Subscription s;
  s.frequency = DigestFrequency::kWeekly;
  s.categories = {"cs.LG"};
  s.keywords = {"diffusion"};
  s.min_upvotes = 7;
  ASSERT_TRUE(ApplySubscriptionFields(Json(R"({"keywords": []})"), s));
  EXPECT_EQ(s.frequency, DigestFrequency::kWeekly);
  EXPECT_THAT(s.categories, ElementsAre("cs.LG"));
  EXPECT_THAT(s.keywords, IsEmpty());
  EXPECT_EQ(s.min_upvotes, 7);
  ASSERT_TRUE(ApplySubscriptionFields(Form({{"frequency", "daily"}, {"minUpvotes", ""}}), s));
  EXPECT_EQ(s.frequency, DigestFrequency::kDaily);
  EXPECT_EQ(s.min_upvotes, 0);
}

TEST(SubscriptionTextTest, SaysWhatIsMailed) {
  Subscription s;
  EXPECT_EQ(SubscriptionTitle(s), "the daily digest");
  EXPECT_THAT(SubscriptionFilterLines(s), ElementsAre("Categories: all", "Keywords: any"));
  s.categories = {"cs.LG", "cs.CV"};
  s.min_upvotes = 1;
  EXPECT_THAT(SubscriptionFilterLines(s),
              ElementsAre("Categories: cs.LG, cs.CV", "Keywords: any", "At least 1 upvote"));
  Subscription alert;
  alert.frequency = DigestFrequency::kWeekly;
  alert.query = "cat:cs.LG";
  EXPECT_EQ(SubscriptionTitle(alert), "the weekly alert for \u201ccat:cs.LG\u201d");
  EXPECT_THAT(SubscriptionFilterLines(alert), IsEmpty());
}

// ---- Through the App, on every backend.

class SubscriptionAppTest : public storage::testing::BackendTest {
 protected:
  App& MakeApp(bool mail = true) {
    AppOptions o = http::testing::TestAppOptions(db_->options(), &clock_);
    o.community.subscribe_per_email = {3, std::chrono::hours(1)};
    if (mail) {
      o.community.send_mail = [this](const OutgoingMail& m) -> Status {
        mails_.push_back(m);
        return Ok();
      };
    }
    auto app = App::Create(std::move(o));
    EXPECT_TRUE(app) << app.error().ToString();
    app_ = std::move(*app);
    return *app_;
  }

  // The token of the newest confirmation mail's link.
  std::string LastConfirmToken() {
    EXPECT_FALSE(mails_.empty());
    if (mails_.empty()) return "";
    std::smatch m;
    std::string text = mails_.back().text;
    EXPECT_TRUE(std::regex_search(text, m, std::regex("/subscriptions/confirm/([A-Za-z0-9_-]+)")))
        << text;
    return m.size() > 1 ? m[1].str() : "";
  }

  Account MakeAccount(std::string_view email) {
    auto a = store_->FindOrCreateAccount(email, "2026-01-05T12:00:00Z");
    EXPECT_TRUE(a) << a.error().ToString();
    return *a;
  }

  // An API token for `email`'s account, as `paperpulse token create` makes.
  std::string ApiToken(std::string_view email) {
    std::string token = RandomToken();
    EXPECT_TRUE(store_->CreateApiToken(HashToken(token), MakeAccount(email).id, "test",
                                       "2026-01-05T12:00:00Z"));
    return token;
  }

  // A browser session of `email`: the Cookie header and the CSRF token.
  std::pair<std::string, std::string> Session(std::string_view email) {
    auto s =
        auth::StartSession(*store_, MakeAccount(email).id, NowSeconds(), std::chrono::hours(1));
    EXPECT_TRUE(s) << s.error().ToString();
    return {"pp_session=" + s->cookie_value, s->record.csrf_token};
  }

  int64_t NowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }

  std::vector<Subscription> Of(std::string_view email) {
    auto subs = store_->SubscriptionsOfEmail(email);
    EXPECT_TRUE(subs) << subs.error().ToString();
    return subs ? *subs : std::vector<Subscription>();
  }

  FakeClock clock_;
  std::vector<OutgoingMail> mails_;
  std::unique_ptr<App> app_;
};

TEST_P(SubscriptionAppTest, DoubleOptInConfirmsOnlyByPost) {
  App& app = MakeApp();
  Response r = app.Handle(RequestWithBody("POST", "/api/subscriptions",
                                          R"({"email": "Ada@Example.org", "frequency": "weekly",
                                  "categories": ["cs.LG"], "minUpvotes": 3})"));
  ASSERT_EQ(r.status, 202) << Body(r);
  EXPECT_THAT(Body(r), HasSubstr("\"status\":\"pending\""));
  ASSERT_EQ(mails_.size(), 1u);
  EXPECT_EQ(mails_[0].to, "ada@example.org");
  EXPECT_THAT(mails_[0].text, HasSubstr("the weekly digest"));
  EXPECT_THAT(mails_[0].text, HasSubstr("Categories: cs.LG"));
  EXPECT_THAT(mails_[0].text, HasSubstr("did not ask"));
  EXPECT_THAT(mails_[0].text, HasSubstr("7 days"));
  EXPECT_THAT(mails_[0].html, HasSubstr("http://pp.test/subscriptions/confirm/"));
  std::string token = LastConfirmToken();
  EXPECT_THAT(Of("ada@example.org"), IsEmpty());

  // Opening the link (a mail scanner's prefetch) shows a button, twice.
  for (int i = 0; i < 2; ++i) {
    Response page = app.Handle(RequestWithBody("GET", "/subscriptions/confirm/" + token));
    ASSERT_EQ(page.status, 200) << Body(page);
    EXPECT_THAT(Body(page), HasSubstr("method=\"post\""));
    EXPECT_THAT(Body(page), HasSubstr("action=\"/subscriptions/confirm/" + token + "\""));
    EXPECT_EQ(page.cache, CachePolicy::kNoStore);
  }
  EXPECT_THAT(Of("ada@example.org"), IsEmpty());

  Response done = app.Handle(RequestWithBody("POST", "/subscriptions/confirm/" + token));
  ASSERT_EQ(done.status, 200) << Body(done);
  EXPECT_THAT(Body(done), HasSubstr("now gets the weekly digest"));
  auto subs = Of("ada@example.org");
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].status, SubscriptionStatus::kActive);
  EXPECT_EQ(subs[0].min_upvotes, 3);
  EXPECT_EQ(subs[0].user_id, 0);
  // The API's confirm answers the same subscription again.
  Response again = app.Handle(
      RequestWithBody("POST", "/api/subscriptions/confirm", "{\"token\": \"" + token + "\"}"));
  ASSERT_EQ(again.status, 200) << Body(again);
  EXPECT_THAT(Body(again), HasSubstr("\"id\":" + std::to_string(subs[0].id) + ","));
  EXPECT_THAT(Body(again), HasSubstr("\"status\":\"active\""));
  EXPECT_THAT(Body(again), HasSubstr("\"minUpvotes\":3"));
  EXPECT_THAT(Body(again), HasSubstr("\"query\":null"));

  // Unknown and malformed links.
  EXPECT_EQ(
      app.Handle(RequestWithBody("POST", "/subscriptions/confirm/" + std::string(43, 'A'))).status,
      404);
  EXPECT_EQ(app.Handle(RequestWithBody("GET", "/subscriptions/confirm/nope")).status, 404);
  EXPECT_EQ(
      app.Handle(RequestWithBody("POST", "/api/subscriptions/confirm", R"({"token": "x"})")).status,
      404);
}

TEST_P(SubscriptionAppTest, ConfirmationLinksExpire) {
  App& app = MakeApp();
  ASSERT_EQ(
      app.Handle(RequestWithBody("POST", "/api/subscriptions", R"({"email": "late@example.org"})"))
          .status,
      202);
  std::string token = LastConfirmToken();
  clock_.Advance(std::chrono::hours(7 * 24 + 1));
  Response r = app.Handle(RequestWithBody("POST", "/subscriptions/confirm/" + token));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Body(r), HasSubstr("expired"));
  EXPECT_THAT(Of("late@example.org"), IsEmpty());
}

TEST_P(SubscriptionAppTest, SameAnswerWhetherOrNotSubscribed) {
  App& app = MakeApp();
  std::string body = R"({"email": "known@example.org"})";
  Response first = app.Handle(RequestWithBody("POST", "/api/subscriptions", body));
  ASSERT_EQ(
      app.Handle(RequestWithBody("POST", "/subscriptions/confirm/" + LastConfirmToken())).status,
      200);
  Response known = app.Handle(RequestWithBody("POST", "/api/subscriptions", body));
  Response unknown =
      app.Handle(RequestWithBody("POST", "/api/subscriptions", R"({"email": "new@example.org"})"));
  EXPECT_EQ(known.status, 202);
  EXPECT_EQ(Body(known), Body(first));
  EXPECT_EQ(Body(known), Body(unknown));
  // The form's "check your inbox" page too (it names the address typed).
  auto page = [&](std::string email) {
    std::string b = Body(app.Handle(RequestWithBody("POST", "/subscribe", "email=" + email,
                                                    "application/x-www-form-urlencoded")));
    size_t at = b.find(email);
    return at == std::string::npos ? b : b.replace(at, email.size(), "X");
  };
  std::string known_page = page("known@example.org");
  EXPECT_THAT(known_page, HasSubstr("Check your inbox"));
  EXPECT_EQ(known_page, page("other@example.org"));
}

TEST_P(SubscriptionAppTest, BadRequestsLimitsAndNoMail) {
  App& app = MakeApp();
  Response bad = app.Handle(RequestWithBody(
      "POST", "/api/subscriptions", R"({"email": "a@example.org", "frequency": "hourly"})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(Body(bad), HasSubstr("frequency"));
  EXPECT_EQ(app.Handle(RequestWithBody("POST", "/api/subscriptions", "{}")).status, 400);
  // Three mails an hour per address (set above), then 429 with Retry-After.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(app.Handle(RequestWithBody("POST", "/api/subscriptions",
                                         R"({"email": "flood@example.org"})"))
                  .status,
              202);
  }
  Response limited = app.Handle(
      RequestWithBody("POST", "/api/subscriptions", R"({"email": "flood@example.org"})"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_GT(std::stoi(std::string(Header(limited, "Retry-After"))), 0);
  EXPECT_EQ(mails_.size(), 3u);

  App& quiet = MakeApp(/*mail=*/false);
  Response off =
      quiet.Handle(RequestWithBody("POST", "/api/subscriptions", R"({"email": "a@example.org"})"));
  EXPECT_EQ(off.status, 503);
  EXPECT_THAT(Body(off), HasSubstr("not configured"));
}

TEST_P(SubscriptionAppTest, AccountsManageTheirOwnSubscriptions) {
  App& app = MakeApp();
  std::string ada = "Bearer " + ApiToken("ada@example.org");
  std::string bob = "Bearer " + ApiToken("bob@example.org");
  auto as = [&](const std::string& who, std::string method, std::string path,
                std::string body = "") {
    return app.Handle(RequestWithBody(std::move(method), std::move(path), std::move(body),
                                      "application/json", {{"authorization", who}}));
  };
  Response made =
      as(ada, "POST", "/api/subscriptions", R"({"frequency": "daily", "keywords": ["diffusion"]})");
  ASSERT_EQ(made.status, 201) << Body(made);
  EXPECT_THAT(Body(made), HasSubstr("\"email\":\"ada@example.org\""));
  EXPECT_THAT(Body(made), HasSubstr("\"status\":\"active\""));
  EXPECT_THAT(Body(made), HasSubstr("\"keywords\":[\"diffusion\"]"));
  EXPECT_THAT(Body(made), Not(HasSubstr("\"confirmedAt\":null")));
  EXPECT_TRUE(mails_.empty());
  Response alert =
      as(ada, "POST", "/api/subscriptions",
         R"({"email": "ada@example.org", "query": "author:Gu", "frequency": "weekly"})");
  ASSERT_EQ(alert.status, 201) << Body(alert);
  auto subs = Of("ada@example.org");
  ASSERT_EQ(subs.size(), 2u);
  std::string digest_path = "/api/subscriptions/" + std::to_string(subs[0].id);
  std::string alert_path = "/api/subscriptions/" + std::to_string(subs[1].id);

  Response list = as(ada, "GET", "/api/subscriptions");
  ASSERT_EQ(list.status, 200) << Body(list);
  EXPECT_THAT(Body(list), HasSubstr("\"query\":\"author:Gu\""));
  EXPECT_EQ(as(bob, "GET", "/api/subscriptions").status, 200);
  EXPECT_EQ(Body(as(bob, "GET", "/api/subscriptions")), "[]");
  EXPECT_EQ(app.Handle(RequestWithBody("GET", "/api/subscriptions")).status, 401);

  Response patched = as(ada, "PATCH", digest_path, R"({"frequency": "weekly", "minUpvotes": 9})");
  ASSERT_EQ(patched.status, 200) << Body(patched);
  EXPECT_THAT(Body(patched), HasSubstr("\"frequency\":\"weekly\""));
  EXPECT_THAT(Body(patched), HasSubstr("\"keywords\":[\"diffusion\"]"));
  EXPECT_EQ(store_->GetSubscription(subs[0].id).value()->min_upvotes, 9);
  EXPECT_EQ(as(ada, "PATCH", alert_path, R"({"query": "x"})").status, 400);
  EXPECT_EQ(as(ada, "PATCH", digest_path, R"({"categories": ["??"]})").status, 400);
  // Someone else's subscription is as unknown as a missing one.
  EXPECT_EQ(as(bob, "PATCH", digest_path, R"({"minUpvotes": 1})").status, 404);
  EXPECT_EQ(as(bob, "DELETE", digest_path).status, 404);
  EXPECT_EQ(as(ada, "PATCH", "/api/subscriptions/999999", "{}").status, 404);
  EXPECT_EQ(as(ada, "DELETE", "/api/subscriptions/x1").status, 404);

  Response ended = as(ada, "DELETE", alert_path);
  ASSERT_EQ(ended.status, 200) << Body(ended);
  EXPECT_THAT(Body(ended), HasSubstr("\"status\":\"unsubscribed\""));
  EXPECT_EQ(as(ada, "DELETE", alert_path).status, 200);
  EXPECT_EQ(as(ada, "PATCH", alert_path, R"({"frequency": "daily"})").status, 404);
  EXPECT_EQ(Of("ada@example.org").size(), 1u);
  // Another address, signed in or not, goes through its own mailbox.
  Response other = as(ada, "POST", "/api/subscriptions", R"({"email": "friend@example.org"})");
  EXPECT_EQ(other.status, 202);
  EXPECT_EQ(mails_.size(), 1u);
  EXPECT_THAT(Of("friend@example.org"), IsEmpty());
}

TEST_P(SubscriptionAppTest, CookieSessionsNeedTheCsrfToken) {
  App& app = MakeApp();
  auto [cookie, csrf] = Session("cat@example.org");
  Response refused = app.Handle(RequestWithBody("POST", "/api/subscriptions", "{}",
                                                "application/json", {{"cookie", cookie}}));
  EXPECT_EQ(refused.status, 403);
  Response made = app.Handle(RequestWithBody("POST", "/api/subscriptions", "{}", "application/json",
                                             {{"cookie", cookie}, {"x-csrf-token", csrf}}));
  EXPECT_EQ(made.status, 201) << Body(made);

  // The search page's alert form carries no token: the page asks once more,
  // with the token, and stores nothing yet.
  std::string form = "query=cat%3Acs.CV&frequency=weekly";
  Response ask = app.Handle(RequestWithBody(
      "POST", "/subscribe", form, "application/x-www-form-urlencoded", {{"cookie", cookie}}));
  ASSERT_EQ(ask.status, 200) << Body(ask);
  EXPECT_THAT(Body(ask), HasSubstr("value=\"" + csrf + "\""));
  EXPECT_THAT(Body(ask), HasSubstr("<code>cat:cs.CV</code>"));
  EXPECT_EQ(ask.cache, CachePolicy::kNoStore);
  EXPECT_EQ(Of("cat@example.org").size(), 1u);
  Response saved =
      app.Handle(RequestWithBody("POST", "/subscribe", form + "&csrf_token=" + csrf,
                                 "application/x-www-form-urlencoded", {{"cookie", cookie}}));
  EXPECT_EQ(saved.status, 303) << Body(saved);
  EXPECT_EQ(Header(saved, "Location"), "/settings?saved=1#subscriptions");
  EXPECT_EQ(Of("cat@example.org").size(), 2u);
  EXPECT_TRUE(mails_.empty());
  // Another site's form is refused.
  Response forged = app.Handle(RequestWithBody(
      "POST", "/subscribe", form + "&csrf_token=" + csrf, "application/x-www-form-urlencoded",
      {{"cookie", cookie}, {"origin", "https://evil.example"}}));
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(Of("cat@example.org").size(), 2u);
}

TEST_P(SubscriptionAppTest, SettingsListAndChangeSubscriptionsShownInert) {
  App& app = MakeApp();
  auto [cookie, csrf] = Session("eve@example.org");
  Response made = app.Handle(RequestWithBody(
      "POST", "/api/subscriptions", R"({"query": "title:x \"<script>alert(1)</script>\""})",
      "application/json", {{"cookie", cookie}, {"x-csrf-token", csrf}}));
  ASSERT_EQ(made.status, 201) << Body(made);
  Response page = app.Handle(RequestWithBody("GET", "/settings", "", "", {{"cookie", cookie}}));
  ASSERT_EQ(page.status, 200) << Body(page);
  EXPECT_EQ(page.cache, CachePolicy::kPrivate);
  EXPECT_THAT(Body(page), Not(HasSubstr("<script>alert")));
  EXPECT_THAT(Body(page), HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(Body(page), HasSubstr("Get trending papers in your inbox"));  // no digest yet
  int64_t id = Of("eve@example.org").at(0).id;
  std::string path = "/settings/subscriptions/" + std::to_string(id);
  EXPECT_THAT(Body(page), HasSubstr("action=\"" + path + "\""));

  // A named copy: lambdas capture structured bindings only from clang 16 on.
  auto post = [&app, cookie = cookie](std::string p, std::string form) {
    return app.Handle(RequestWithBody("POST", std::move(p), form,
                                      "application/x-www-form-urlencoded", {{"cookie", cookie}}));
  };
  EXPECT_EQ(post(path, "frequency=weekly").status, 403);  // no CSRF token
  Response changed = post(path, "frequency=weekly&csrf_token=" + csrf);
  EXPECT_EQ(changed.status, 303);
  EXPECT_EQ(store_->GetSubscription(id).value()->frequency, DigestFrequency::kWeekly);
  Response wrong = post(path, "frequency=sometimes&csrf_token=" + csrf);
  EXPECT_EQ(wrong.status, 303);
  EXPECT_THAT(std::string(Header(wrong, "Location")), StartsWith("/settings?error=frequency"));
  Response digest =
      post("/subscribe", "frequency=daily&categories=cs.LG&minUpvotes=2&csrf_token=" + csrf);
  EXPECT_EQ(digest.status, 303) << Body(digest);
  Response listed = app.Handle(RequestWithBody("GET", "/settings", "", "", {{"cookie", cookie}}));
  EXPECT_THAT(Body(listed), HasSubstr("The daily digest"));
  EXPECT_THAT(Body(listed), HasSubstr("value=\"cs.LG\""));
  EXPECT_EQ(post(path + "/delete", "csrf_token=" + csrf).status, 303);
  EXPECT_EQ(store_->GetSubscription(id).value()->status, SubscriptionStatus::kUnsubscribed);
  // Another account's subscription cannot be touched.
  auto [mallory, mallory_csrf] = Session("mallory@example.org");
  Response theirs =
      app.Handle(RequestWithBody("POST", path + "/delete", "csrf_token=" + mallory_csrf,
                                 "application/x-www-form-urlencoded", {{"cookie", mallory}}));
  EXPECT_EQ(theirs.status, 404);
}

TEST_P(SubscriptionAppTest, OneClickUnsubscribeNeedsOnlyTheLink) {
  App& app = MakeApp();
  std::string ada = "Bearer " + ApiToken("ada@example.org");
  ASSERT_EQ(app.Handle(RequestWithBody("POST", "/api/subscriptions", R"({"frequency": "weekly"})",
                                       "application/json", {{"authorization", ada}}))
                .status,
            201);
  int64_t id = Of("ada@example.org").at(0).id;
  // What a digest run records with the mail it renders.
  std::string secret = RandomToken();
  storage::NewDigest digest;
  digest.mail.subscription_id = id;
  digest.mail.period = "weekly/2026-W02";
  digest.mail.from_email = "noreply@pp.test";
  digest.mail.to_email = "ada@example.org";
  digest.mail.message_id = "m1@pp.test";
  digest.mail.mime = "Subject: x\r\n\r\nx\r\n";
  digest.mail.created_at = "2026-01-05T12:00:00Z";
  digest.unsubscribe_hash = HashToken(secret);
  ASSERT_TRUE(store_->EnqueueDigest(digest));
  std::string path = "/unsubscribe/" + secret;

  Response ask = app.Handle(RequestWithBody("GET", path));
  ASSERT_EQ(ask.status, 200) << Body(ask);
  EXPECT_THAT(Body(ask), HasSubstr("the weekly digest"));
  EXPECT_THAT(Body(ask), HasSubstr("ada@example.org"));
  EXPECT_THAT(Body(ask), HasSubstr("action=\"" + path + "\""));
  EXPECT_EQ(ask.cache, CachePolicy::kNoStore);
  EXPECT_EQ(Of("ada@example.org").size(), 1u);  // a GET changes nothing

  // A mail provider's POST (RFC 8058): multipart, no cookie, no CSRF token,
  // a foreign Origin even.
  std::string multipart =
      "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n"
      "--b--\r\n";
  Response done =
      app.Handle(RequestWithBody("POST", path, multipart, "multipart/form-data; boundary=b",
                                 {{"origin", "https://mail.example"}}));
  ASSERT_EQ(done.status, 200) << Body(done);
  EXPECT_EQ(Header(done, "Location"), "");
  EXPECT_THAT(done.content_type, HasSubstr("text/html"));
  EXPECT_EQ(done.cache, CachePolicy::kNoStore);
  EXPECT_THAT(Body(done), HasSubstr("no longer gets the weekly digest"));
  EXPECT_EQ(store_->GetSubscription(id).value()->status, SubscriptionStatus::kUnsubscribed);
  Response again = app.Handle(RequestWithBody("POST", path, "List-Unsubscribe=One-Click",
                                              "application/x-www-form-urlencoded"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(app.Handle(RequestWithBody("GET", path)).status, 200);

  EXPECT_EQ(app.Handle(RequestWithBody("POST", "/unsubscribe/" + RandomToken())).status, 404);
  EXPECT_EQ(app.Handle(RequestWithBody("POST", "/unsubscribe/short", "x", "text/plain")).status,
            404);
  EXPECT_EQ(app.Handle(RequestWithBody("GET", "/unsubscribe/" + RandomToken())).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, SubscriptionAppTest,
                         ::testing::ValuesIn(storage::testing::AllBackends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace paperpulse::http
