// Reading lists: slugs, who may see a list and the secret-link check (pure),
// then the API, pages, feed and BibTeX through the App on every Store
// backend: the same 404 for missing and hidden lists on every route, edits
// for the owner alone, secret links replaced, order and notes, markup shown
// inert, and anonymous (cached) pages seeing a write at once.
#include "paperpulse/http/reading_lists.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/secrets.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/request_test_util.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::http {
namespace {

using http::testing::Body;
using http::testing::Header;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ListSlugTest, ValidSlugs) {
  EXPECT_TRUE(IsValidListSlug("this-week"));
  EXPECT_TRUE(IsValidListSlug("a"));
  EXPECT_TRUE(IsValidListSlug("2026-w27"));
  EXPECT_TRUE(IsValidListSlug(std::string(kMaxListSlugChars, 'x')));
  for (std::string_view bad :
       {"", "This-Week", "this week", "this_week", "ü", "a/b", "a.b", "<script>", "x\n"}) {
    EXPECT_FALSE(IsValidListSlug(bad)) << bad;
  }
  EXPECT_FALSE(IsValidListSlug(std::string(kMaxListSlugChars + 1, 'x')));
}

TEST(ListSlugTest, DerivedFromTitles) {
  EXPECT_EQ(SlugFromTitle("Reading group: this week"), "reading-group-this-week");
  EXPECT_EQ(SlugFromTitle("  --Diffusion   models!! "), "diffusion-models");
  EXPECT_EQ(SlugFromTitle("Ada's list"), "adas-list");
  EXPECT_EQ(SlugFromTitle("Ada\u2019s list"), "adas-list");
  EXPECT_EQ(SlugFromTitle("Über Straße, Łódź & Ærø"), "uber-strasse-lodz-aero");
  EXPECT_EQ(SlugFromTitle("Œuvres complètes"), "oeuvres-completes");
  EXPECT_EQ(SlugFromTitle("LLMs 2026 W27"), "llms-2026-w27");
  EXPECT_EQ(SlugFromTitle("<script>alert(1)</script>"), "script-alert-1-script");
  // Nothing usable: another script, only symbols, nothing at all.
  EXPECT_EQ(SlugFromTitle("読書会"), "list");
  EXPECT_EQ(SlugFromTitle("!!! ???"), "list");
  EXPECT_EQ(SlugFromTitle(""), "list");
  // Mixed: the Latin part stays.
  EXPECT_EQ(SlugFromTitle("読書会 week 3"), "week-3");
  for (std::string_view title :
       {"Reading group: this week", "a", "読書会", "Über", "x y z", "1-2-3"}) {
    EXPECT_TRUE(IsValidListSlug(SlugFromTitle(title))) << title;
  }
}

TEST(ListSlugTest, LongTitlesAreCutAtAWord) {
  std::string title;
  for (int i = 0; i < 30; ++i) title += "word ";
  std::string slug = SlugFromTitle(title);
  EXPECT_TRUE(IsValidListSlug(slug)) << slug;
  EXPECT_LE(slug.size(), kMaxListSlugChars);
  EXPECT_EQ(slug.substr(0, 10), "word-word-");
  EXPECT_EQ(slug.substr(slug.size() - 5), "-word");  // whole words only
  std::string one_word(100, 'q');
  EXPECT_EQ(SlugFromTitle(one_word), std::string(kMaxListSlugChars, 'q'));
}

TEST(ListOwnerNameTest, NeedsAUsableDisplayName) {
  Account a;
  EXPECT_THAT(ListOwnerNameProblem(a), HasSubstr("choose a display name in Settings first"));
  a.name = "Ada Lovelace";
  EXPECT_EQ(ListOwnerNameProblem(a), "");
  for (std::string_view bad : {"a/b", ".", ".."}) {
    a.name = std::string(bad);
    EXPECT_THAT(ListOwnerNameProblem(a), HasSubstr("Settings")) << bad;
  }
  a.name = "...";
  EXPECT_EQ(ListOwnerNameProblem(a), "");
}

TEST(ListPathTest, OwnerNamesAreEncoded) {
  ReadingList l;
  l.owner_name = "Ada Lovelace?#&";
  l.slug = "this-week";
  EXPECT_EQ(ListOwnerPath(l.owner_name), "/lists/Ada%20Lovelace%3F%23%26");
  EXPECT_EQ(ListPath(l), "/lists/Ada%20Lovelace%3F%23%26/this-week");
}

ReadingList ListOf(int64_t owner, ListVisibility v, std::string secret_hash = "") {
  ReadingList l;
  l.id = 7;
  l.owner_id = owner;
  // Moved in, not assigned from the literals: GCC 12 misreports that as an
  // overlapping memcpy (-Wrestrict, GCC bug 105329).
  l.owner_name = std::string("ada");
  l.slug = std::string("s");
  l.visibility = v;
  l.secret_hash = std::move(secret_hash);
  return l;
}

TEST(ListAccessTest, OwnerSeesEverything) {
  std::string secret = RandomToken();
  for (ListVisibility v :
       {ListVisibility::kPublic, ListVisibility::kUnlisted, ListVisibility::kPrivate}) {
    ReadingList l = ListOf(5, v, HashToken(secret));
    EXPECT_EQ(DecideListAccess(l, 5, ""), ListAccess::kOwner);
    EXPECT_EQ(DecideListAccess(l, 5, "wrong"), ListAccess::kOwner);
  }
}

TEST(ListAccessTest, PublicForEverybody) {
  ReadingList l = ListOf(5, ListVisibility::kPublic);
  EXPECT_EQ(DecideListAccess(l, 0, ""), ListAccess::kReader);
  EXPECT_EQ(DecideListAccess(l, 6, ""), ListAccess::kReader);
  EXPECT_EQ(DecideListAccess(l, 6, RandomToken()), ListAccess::kReader);
}

TEST(ListAccessTest, UnlistedOnlyWithTheSecret) {
  std::string secret = RandomToken();
  ReadingList l = ListOf(5, ListVisibility::kUnlisted, HashToken(secret));
  EXPECT_EQ(DecideListAccess(l, 0, secret), ListAccess::kReader);
  EXPECT_EQ(DecideListAccess(l, 6, secret), ListAccess::kReader);
  EXPECT_EQ(DecideListAccess(l, 0, ""), ListAccess::kNone);
  EXPECT_EQ(DecideListAccess(l, 6, ""), ListAccess::kNone);
  EXPECT_EQ(DecideListAccess(l, 0, RandomToken()), ListAccess::kNone);
  // The hash itself is not the key, nor is a prefix of the secret.
  EXPECT_EQ(DecideListAccess(l, 0, l.secret_hash), ListAccess::kNone);
  EXPECT_EQ(DecideListAccess(l, 0, secret.substr(0, 42)), ListAccess::kNone);
  // Anonymous is id 0, which owns nothing.
  EXPECT_EQ(DecideListAccess(ListOf(0, ListVisibility::kPrivate), 0, ""), ListAccess::kNone);
}

TEST(ListAccessTest, PrivateForTheOwnerOnly) {
  std::string secret = RandomToken();
  // A private list that once was unlisted: its old secret opens nothing.
  ReadingList l = ListOf(5, ListVisibility::kPrivate, HashToken(secret));
  EXPECT_EQ(DecideListAccess(l, 0, ""), ListAccess::kNone);
  EXPECT_EQ(DecideListAccess(l, 6, ""), ListAccess::kNone);
  EXPECT_EQ(DecideListAccess(l, 0, secret), ListAccess::kNone);
}

TEST(ListSecretTest, ComparesHashes) {
  std::string secret = RandomToken();
  EXPECT_TRUE(ListSecretMatches(ListOf(5, ListVisibility::kUnlisted, HashToken(secret)), secret));
  EXPECT_FALSE(
      ListSecretMatches(ListOf(5, ListVisibility::kUnlisted, HashToken(secret)), RandomToken()));
  // A list without a secret matches no key, not even the hash of "".
  EXPECT_FALSE(ListSecretMatches(ListOf(5, ListVisibility::kUnlisted), ""));
  EXPECT_FALSE(ListSecretMatches(ListOf(5, ListVisibility::kUnlisted, HashToken("")), ""));
  EXPECT_FALSE(ListSecretMatches(ListOf(5, ListVisibility::kUnlisted), secret));
}

// ---- Through the App, on every backend.

class ReadingListAppTest : public storage::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    for (std::string_view id : {"2401.00001", "2401.00002", "hep-th/9901001"}) {
      Paper p;
      p.id = std::string(id);
      p.title = "Paper " + p.id + " <b>bold</b>";
      p.authors = {"Ada Lovelace", "Alan Turing"};
      p.abstract = "About $x^2$ & <i>more</i>.";
      p.submitted = "2024-01-02";
      p.categories = {"cs.LG"};
      ASSERT_TRUE(store_->UpsertPaper(p));
    }
    AppOptions o = http::testing::TestAppOptions(db_->options(), &clock_);
    // A long-lived cache: anonymous pages must still see every write.
    o.cache_ttl = std::chrono::minutes(10);
    auto app = App::Create(std::move(o));
    ASSERT_TRUE(app) << app.error().ToString();
    app_ = std::move(*app);
    ada_ = Session("ada@example.org", "Ada");
    bob_ = Session("bob@example.org", "Bob");
  }

  struct Browser {
    std::string cookie;
    std::string csrf;
  };

  Browser Session(std::string_view email, std::string_view name) {
    auto a = store_->FindOrCreateAccount(email, "2026-01-05T12:00:00Z");
    EXPECT_TRUE(a) << a.error().ToString();
    if (!name.empty()) {
      EXPECT_TRUE(store_->SetAccountName(a->id, name));
    }
    auto s = auth::StartSession(*store_, a->id, Now(), std::chrono::hours(1));
    EXPECT_TRUE(s) << s.error().ToString();
    return {"pp_session=" + s->cookie_value, s->record.csrf_token};
  }

  int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }

  // `method` `target` from `who` (nullptr: anonymous) with a JSON or form body.
  Response Call(const Browser* who, std::string method, std::string target, std::string body = "",
                std::string content_type = "application/json") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!body.empty()) headers.emplace_back("content-type", std::move(content_type));
    if (who) {
      headers.emplace_back("cookie", who->cookie);
      headers.emplace_back("x-csrf-token", who->csrf);
    }
    Request r = http::testing::MakeRequest(std::move(method), std::move(target), std::move(headers),
                                           "192.0.2.1");
    r.body = std::move(body);
    return app_->Handle(r);
  }

  Response Form(const Browser& who, std::string target, std::string fields) {
    return Call(&who, "POST", std::move(target), fields + "&csrf_token=" + who.csrf,
                "application/x-www-form-urlencoded");
  }

  // The key of the secretUrl in a JSON answer.
  static std::string SecretOf(const Response& r) {
    std::smatch m;
    std::string body = Body(r);
    if (!std::regex_search(body, m, std::regex("\\?key=([A-Za-z0-9_-]{43})\""))) return "";
    return m[1].str();
  }

  // Every reader route of list /lists/Ada/`slug` with `query`, and their statuses for `who`.
  std::vector<int> Statuses(const Browser* who, std::string_view slug, std::string query = "") {
    std::string path = "/lists/Ada/" + std::string(slug);
    std::vector<int> out;
    for (const std::string& target :
         {path + query, "/api" + path + query, path + "/feed.atom" + query,
          path + "/bibtex" + query, path + ".bib" + query}) {
      out.push_back(Call(who, "GET", target).status);
    }
    return out;
  }

  FakeClock clock_;
  std::unique_ptr<App> app_;
  Browser ada_;
  Browser bob_;
};

const std::vector<int> kAllOk = {200, 200, 200, 200, 200};
const std::vector<int> kAllMissing = {404, 404, 404, 404, 404};

TEST_P(ReadingListAppTest, CreatingNeedsADisplayName) {
  Browser anon_name = Session("noname@example.org", "");
  Response r = Call(&anon_name, "POST", "/api/lists", R"({"title": "Mine"})");
  EXPECT_EQ(r.status, 409) << Body(r);
  EXPECT_THAT(Body(r), HasSubstr("choose a display name in Settings first"));
  Response page = Form(anon_name, "/lists", "title=Mine");
  EXPECT_EQ(page.status, 409);
  EXPECT_THAT(Body(page), HasSubstr("href=\"/settings?next=%2Flists\""));
  EXPECT_EQ(Call(nullptr, "POST", "/api/lists", R"({"title": "x"})").status, 401);
  Response login = Call(nullptr, "GET", "/lists");
  EXPECT_EQ(login.status, 303);
  EXPECT_EQ(Header(login, "Location"), "/login?next=%2Flists");
}

TEST_P(ReadingListAppTest, VisibilityHoldsOnEveryRoute) {
  Response pub = Call(&ada_, "POST", "/api/lists",
                      R"({"title": "Reading group: this week", "visibility": "public"})");
  ASSERT_EQ(pub.status, 201) << Body(pub);
  EXPECT_EQ(Header(pub, "Location"), "/api/lists/Ada/reading-group-this-week");
  EXPECT_THAT(Body(pub), Not(HasSubstr("secretUrl")));
  Response priv = Call(&ada_, "POST", "/api/lists", R"({"title": "Mine", "slug": "mine"})");
  ASSERT_EQ(priv.status, 201) << Body(priv);
  EXPECT_THAT(Body(priv), HasSubstr("\"visibility\":\"private\""));
  Response unl =
      Call(&ada_, "POST", "/api/lists", R"({"title": "Group", "visibility": "unlisted"})");
  ASSERT_EQ(unl.status, 201) << Body(unl);
  std::string key = SecretOf(unl);
  ASSERT_FALSE(key.empty()) << Body(unl);

  EXPECT_EQ(Statuses(nullptr, "reading-group-this-week"), kAllOk);
  EXPECT_EQ(Statuses(&bob_, "reading-group-this-week"), kAllOk);
  EXPECT_EQ(Statuses(nullptr, "mine"), kAllMissing);
  EXPECT_EQ(Statuses(&bob_, "mine"), kAllMissing);
  EXPECT_EQ(Statuses(&ada_, "mine"), kAllOk);
  EXPECT_EQ(Statuses(nullptr, "group"), kAllMissing);
  EXPECT_EQ(Statuses(nullptr, "group", "?key=" + RandomToken()), kAllMissing);
  EXPECT_EQ(Statuses(nullptr, "group", "?key=" + key), kAllOk);
  EXPECT_EQ(Statuses(&bob_, "group", "?key=" + key), kAllOk);
  // Missing lists and owners answer the same.
  EXPECT_EQ(Statuses(nullptr, "nope"), kAllMissing);
  EXPECT_EQ(Call(nullptr, "GET", "/lists/Nobody/x").status, 404);
  std::string hidden = Body(Call(nullptr, "GET", "/api/lists/Ada/mine"));
  std::string missing = Body(Call(nullptr, "GET", "/api/lists/Ada/nope"));
  EXPECT_EQ(std::regex_replace(hidden, std::regex("mine"), "nope"), missing);

  // A new secret: the old link stops working, the new one works.
  Response renewed = Call(&ada_, "PATCH", "/api/lists/Ada/group", R"({"newSecret": true})");
  ASSERT_EQ(renewed.status, 200) << Body(renewed);
  std::string key2 = SecretOf(renewed);
  ASSERT_FALSE(key2.empty());
  EXPECT_NE(key, key2);
  EXPECT_EQ(Statuses(nullptr, "group", "?key=" + key), kAllMissing);
  EXPECT_EQ(Statuses(nullptr, "group", "?key=" + key2), kAllOk);
  // Leaving "unlisted" ends the link; coming back makes a new one.
  ASSERT_EQ(Call(&ada_, "PATCH", "/api/lists/Ada/group", R"({"visibility": "private"})").status,
            200);
  EXPECT_EQ(Statuses(nullptr, "group", "?key=" + key2), kAllMissing);
  Response back = Call(&ada_, "PATCH", "/api/lists/Ada/group", R"({"visibility": "unlisted"})");
  std::string key3 = SecretOf(back);
  ASSERT_FALSE(key3.empty()) << Body(back);
  EXPECT_EQ(Statuses(nullptr, "group", "?key=" + key2), kAllMissing);
  EXPECT_EQ(Statuses(nullptr, "group", "?key=" + key3), kAllOk);
  EXPECT_EQ(Call(&ada_, "PATCH", "/api/lists/Ada/mine", R"({"newSecret": true})").status, 400);
  // Moving an unlisted list gives it a new link at its new address.
  Response moved = Call(&ada_, "PATCH", "/api/lists/Ada/group", R"({"slug": "group-2"})");
  std::string key4 = SecretOf(moved);
  ASSERT_FALSE(key4.empty()) << Body(moved);
  EXPECT_THAT(Body(moved), HasSubstr("/lists/Ada/group-2?key=" + key4));
  EXPECT_EQ(Header(moved, "Content-Location"), "/api/lists/Ada/group-2");
  EXPECT_EQ(Statuses(nullptr, "group-2", "?key=" + key3), kAllMissing);
  EXPECT_EQ(Statuses(nullptr, "group-2", "?key=" + key4), kAllOk);
  EXPECT_EQ(Statuses(nullptr, "group", "?key=" + key4), kAllMissing);

  // The owner page lists public lists only; GET /api/lists all of one's own.
  std::string owner_page = Body(Call(nullptr, "GET", "/lists/Ada"));
  EXPECT_THAT(owner_page, HasSubstr("Reading group: this week"));
  EXPECT_THAT(owner_page, Not(HasSubstr("Mine")));
  EXPECT_THAT(owner_page, Not(HasSubstr("Group<")));
  std::string own = Body(Call(&ada_, "GET", "/api/lists"));
  EXPECT_THAT(own, HasSubstr("\"slug\":\"mine\""));
  EXPECT_THAT(own, HasSubstr("\"slug\":\"group-2\""));
  EXPECT_EQ(Body(Call(&bob_, "GET", "/api/lists")), "[]");
}

TEST_P(ReadingListAppTest, OnlyTheOwnerEdits) {
  ASSERT_EQ(Call(&ada_, "POST", "/api/lists", R"({"title": "T", "visibility": "public"})").status,
            201);
  ASSERT_EQ(Call(&ada_, "POST", "/api/lists/Ada/t/papers", R"({"id": "2401.00001"})").status, 201);
  for (const Browser* who : {&bob_}) {
    EXPECT_EQ(Call(who, "PATCH", "/api/lists/Ada/t", R"({"title": "x"})").status, 404);
    EXPECT_EQ(Call(who, "DELETE", "/api/lists/Ada/t").status, 404);
    EXPECT_EQ(Call(who, "POST", "/api/lists/Ada/t/papers", R"({"id": "2401.00002"})").status, 404);
    EXPECT_EQ(Call(who, "PATCH", "/api/lists/Ada/t/papers/2401.00001", R"({"note": "x"})").status,
              404);
    EXPECT_EQ(Call(who, "DELETE", "/api/lists/Ada/t/papers/2401.00001").status, 404);
    EXPECT_EQ(Form(*who, "/lists/Ada/t/delete", "").status, 404);
    EXPECT_EQ(Form(*who, "/lists/Ada/t/papers/2401.00001/remove", "").status, 404);
  }
  EXPECT_EQ(Call(nullptr, "DELETE", "/api/lists/Ada/t").status, 401);
  // Without the CSRF token a cookie session cannot write.
  Request r = http::testing::MakeRequest("DELETE", "/api/lists/Ada/t", {{"cookie", ada_.cookie}});
  EXPECT_EQ(app_->Handle(r).status, 403);
  std::string json = Body(Call(nullptr, "GET", "/api/lists/Ada/t"));
  EXPECT_THAT(json, HasSubstr("\"title\":\"T\""));
  EXPECT_THAT(json, HasSubstr("\"id\":\"2401.00001\""));
}

TEST_P(ReadingListAppTest, OrderNotesAndExports) {
  ASSERT_EQ(Call(&ada_, "POST", "/api/lists",
                 R"({"title": "<script>alert(1)</script>", "slug": "w",
                     "description": "<img src=x onerror=alert(1)>", "visibility": "public"})")
                .status,
            201);
  // Any id form; notes with markup.
  Response a = Call(&ada_, "POST", "/api/lists/Ada/w/papers",
                    R"({"id": "arXiv:2401.00001v2", "note": "<b>read §2</b>"})");
  ASSERT_EQ(a.status, 201) << Body(a);
  EXPECT_THAT(Body(a), HasSubstr("\"position\":0"));
  EXPECT_THAT(Body(a), HasSubstr("\"paper\":{\"id\":\"2401.00001\""));
  ASSERT_EQ(Call(&ada_, "POST", "/api/lists/Ada/w/papers",
                 R"({"id": "https://arxiv.org/abs/hep-th/9901001"})")
                .status,
            201);
  ASSERT_EQ(Call(&ada_, "POST", "/api/lists/Ada/w/papers", R"({"id": "2401.00002", "position": 0})")
                .status,
            201);
  EXPECT_EQ(Call(&ada_, "POST", "/api/lists/Ada/w/papers", R"({"id": "2401.99999"})").status, 404);
  EXPECT_EQ(Call(&ada_, "POST", "/api/lists/Ada/w/papers", R"({"id": "nonsense"})").status, 400);
  // Adding again keeps the place and the note.
  Response again = Call(&ada_, "POST", "/api/lists/Ada/w/papers", R"({"id": "2401.00001"})");
  EXPECT_EQ(again.status, 200) << Body(again);
  EXPECT_THAT(Body(again), HasSubstr("\"position\":1"));
  EXPECT_THAT(Body(again), HasSubstr("read §2"));

  // Order now: 00002, 00001, hep-th/9901001. Move the old-style one first.
  Response moved = Call(&ada_, "PATCH", "/api/lists/Ada/w/papers/hep-th/9901001",
                        R"({"position": 0, "note": "classic"})");
  ASSERT_EQ(moved.status, 200) << Body(moved);
  // And the form: 00002 one down.
  Response down = Form(ada_, "/lists/Ada/w/papers/2401.00002/move", "direction=down");
  EXPECT_EQ(down.status, 303);
  std::string json = Body(Call(nullptr, "GET", "/api/lists/Ada/w"));
  size_t p0 = json.find("\"id\":\"hep-th/9901001\"");
  size_t p1 = json.find("\"id\":\"2401.00001\"");
  size_t p2 = json.find("\"id\":\"2401.00002\"");
  ASSERT_NE(p0, std::string::npos);
  EXPECT_LT(p0, p1);
  EXPECT_LT(p1, p2);
  EXPECT_THAT(json, HasSubstr("\"size\":3"));

  std::string bib = Body(Call(nullptr, "GET", "/lists/Ada/w/bibtex"));
  size_t b0 = bib.find("eprint = {hep-th/9901001}");
  size_t b1 = bib.find("eprint = {2401.00001}");
  size_t b2 = bib.find("eprint = {2401.00002}");
  ASSERT_NE(b0, std::string::npos) << bib;
  EXPECT_LT(b0, b1);
  EXPECT_LT(b1, b2);
  // Two papers of one author, year and title word: distinct keys.
  EXPECT_THAT(bib, HasSubstr("@misc{lovelace2024paper,"));
  EXPECT_THAT(bib, HasSubstr("@misc{lovelace2024paperb,"));
  Response dl = Call(nullptr, "GET", "/lists/Ada/w.bib");
  EXPECT_THAT(dl.content_type, HasSubstr("application/x-bibtex"));
  EXPECT_THAT(Header(dl, "Content-Disposition"), HasSubstr("w.bib"));

  Response feed = Call(nullptr, "GET", "/lists/Ada/w/feed.atom");
  EXPECT_THAT(feed.content_type, HasSubstr("application/atom+xml"));
  EXPECT_THAT(Body(feed), HasSubstr("Note: classic"));
  EXPECT_THAT(Body(feed), HasSubstr("&lt;script&gt;"));

  std::string page = Body(Call(nullptr, "GET", "/lists/Ada/w"));
  EXPECT_THAT(page, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(page, Not(HasSubstr("<img src=x")));
  EXPECT_THAT(page, Not(HasSubstr("<b>read")));
  EXPECT_THAT(page, HasSubstr("&lt;b&gt;read §2&lt;/b&gt;"));
  EXPECT_THAT(page, Not(HasSubstr("Save note")));  // no owner controls for others
  std::string mine = Body(Call(&ada_, "GET", "/lists/Ada/w"));
  EXPECT_THAT(mine, HasSubstr("Save note"));
  EXPECT_THAT(mine, HasSubstr("action=\"/lists/Ada/w/papers/hep-th/9901001/remove\""));

  // Removing closes the gap; the anonymous (cached) page sees it at once.
  ASSERT_EQ(Form(ada_, "/lists/Ada/w/papers/hep-th/9901001/remove", "").status, 303);
  std::string after = Body(Call(nullptr, "GET", "/lists/Ada/w"));
  EXPECT_THAT(after, Not(HasSubstr("hep-th/9901001")));
  EXPECT_THAT(after, HasSubstr("2 papers"));
  EXPECT_THAT(Body(Call(nullptr, "GET", "/api/lists/Ada/w")), HasSubstr("\"position\":1,"));
  EXPECT_EQ(Call(&ada_, "DELETE", "/api/lists/Ada/w/papers/hep-th/9901001").status, 404);

  // Deleting the list: gone everywhere.
  ASSERT_EQ(Form(ada_, "/lists/Ada/w/delete", "").status, 303);
  EXPECT_EQ(Statuses(nullptr, "w"), kAllMissing);
  EXPECT_EQ(Statuses(&ada_, "w"), kAllMissing);
}

TEST_P(ReadingListAppTest, SlugsAreUniquePerOwner) {
  EXPECT_EQ(Call(&ada_, "POST", "/api/lists", R"({"title": "Week"})").status, 201);
  Response second = Call(&ada_, "POST", "/api/lists", R"({"title": "Week"})");
  ASSERT_EQ(second.status, 201) << Body(second);
  EXPECT_THAT(Body(second), HasSubstr("\"slug\":\"week-2\""));
  EXPECT_EQ(Call(&ada_, "POST", "/api/lists", R"({"title": "x", "slug": "week"})").status, 409);
  EXPECT_EQ(Call(&ada_, "PATCH", "/api/lists/Ada/week-2", R"({"slug": "week"})").status, 409);
  EXPECT_EQ(Call(&ada_, "POST", "/api/lists", R"({"title": "x", "slug": "Bad Slug"})").status, 400);
  EXPECT_EQ(Call(&ada_, "POST", "/api/lists", R"({"title": "  "})").status, 400);
  EXPECT_EQ(Call(&ada_, "POST", "/api/lists", R"({"title": "x", "visibility": "secret"})").status,
            400);
  // Another owner may use the same slug.
  EXPECT_EQ(Call(&bob_, "POST", "/api/lists", R"({"title": "Week"})").status, 201);
  // A form create goes to the new list, with the paper it was asked to hold.
  Response made = Form(ada_, "/lists", "title=Group&visibility=unlisted&paper=2401.00002");
  ASSERT_EQ(made.status, 303) << Body(made);
  std::string location = Header(made, "Location");
  EXPECT_THAT(location, ::testing::StartsWith("/lists/Ada/group?key="));
  std::string page = Body(Call(&ada_, "GET", location.substr(0, location.find('#'))));
  EXPECT_THAT(page, HasSubstr("http://pp.test/lists/Ada/group?key="));
  EXPECT_THAT(page, HasSubstr("2401.00002"));
}

INSTANTIATE_TEST_SUITE_P(Backends, ReadingListAppTest,
                         ::testing::ValuesIn(storage::testing::AllBackends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace paperpulse::http
