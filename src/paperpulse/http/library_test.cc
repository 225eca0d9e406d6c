// Personal libraries: validating tags and notes, searching within a
// library, the JSON of an item and the BibTeX export (pure); then the API,
// the forms, the page and the exports through the App over every Store
// backend: save / update / remove, one's own entries only, imports matched
// by arXiv id and DOI, and markup shown inert.
#include "paperpulse/http/library.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/secrets.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/body.h"
#include "paperpulse/http/request_test_util.h"
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

std::string TagsError(const std::vector<std::string>& tags) {
  auto t = NormalizeLibraryTags(tags);
  if (t) return "(accepted)";
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  return t.error().message;
}

TEST(LibraryTagsTest, TrimsFoldsSpaceAndDropsDuplicates) {
  auto t = NormalizeLibraryTags({"  to-read ", "state   space", "To-Read", "Ünïcode", "to-read"});
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_THAT(*t, ElementsAre("to-read", "state space", "Ünïcode"));
  EXPECT_THAT(*NormalizeLibraryTags({}), IsEmpty());
}

TEST(LibraryTagsTest, EnforcesLengthCountAndCharacters) {
  EXPECT_EQ(TagsError({std::string(40, 'x')}), "(accepted)");
  EXPECT_THAT(TagsError({std::string(41, 'x')}), StartsWith("tags: "));
  // 40 characters of two bytes each are 40 characters.
  std::string wide;
  for (int i = 0; i < 40; ++i) wide += "é";
  EXPECT_EQ(TagsError({wide}), "(accepted)");
  EXPECT_THAT(TagsError({wide + "é"}), HasSubstr("longer than 40 characters"));
  EXPECT_THAT(TagsError({"  "}), HasSubstr("cannot be empty"));
  EXPECT_THAT(TagsError({""}), HasSubstr("cannot be empty"));
  EXPECT_THAT(TagsError({"a,b"}), HasSubstr("comma"));
  EXPECT_THAT(TagsError({"a\nb"}), HasSubstr("control characters"));
  EXPECT_THAT(TagsError({"a\tb"}), HasSubstr("control characters"));
  EXPECT_THAT(TagsError({"a\x7f"}), HasSubstr("control characters"));
  EXPECT_THAT(TagsError({"a\xc2\x85"}), HasSubstr("control characters"));  // U+0085
  EXPECT_THAT(TagsError({"\xff"}), HasSubstr("control characters"));
  std::vector<std::string> twenty, twenty_one;
  for (int i = 0; i < 20; ++i) {
    // Built by appending: GCC 12 misreports "t" + std::to_string() as an
    // overlapping memcpy (-Wrestrict, GCC bug 105329).
    std::string tag = "t";
    tag += std::to_string(i);
    twenty.push_back(tag);
  }
  twenty_one = twenty;
  twenty_one.push_back("one more");
  EXPECT_EQ(TagsError(twenty), "(accepted)");
  EXPECT_THAT(TagsError(twenty_one), HasSubstr("at most 20 tags"));
  // Duplicates do not count.
  twenty.push_back("T0");
  EXPECT_EQ(TagsError(twenty), "(accepted)");
}

TEST(LibraryTagsTest, FormTextSplitsAtCommas) {
  auto t = ParseTagText(" to-read, diffusion,, ,Diffusion , <b>x</b>,");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_THAT(*t, ElementsAre("to-read", "diffusion", "<b>x</b>"));
  EXPECT_THAT(*ParseTagText(""), IsEmpty());
  EXPECT_EQ(TagText(*t), "to-read, diffusion, <b>x</b>");
  EXPECT_FALSE(ParseTagText(std::string(41, 'y')));
}

TEST(LibraryNoteTest, NormalizesLineEndsAndEnforcesLimits) {
  EXPECT_EQ(*NormalizeLibraryNote("  line one\r\nline\ttwo\rthree\n\n"),
            "line one\nline\ttwo\nthree");
  EXPECT_EQ(*NormalizeLibraryNote(""), "");
  EXPECT_TRUE(NormalizeLibraryNote(std::string(5000, 'n')));
  std::string wide;
  for (int i = 0; i < 5000; ++i) wide += "ß";
  EXPECT_TRUE(NormalizeLibraryNote(wide));
  auto long_note = NormalizeLibraryNote(std::string(5001, 'n'));
  ASSERT_FALSE(long_note);
  EXPECT_EQ(long_note.error().message, "note: at most 5000 characters");
  EXPECT_THAT(NormalizeLibraryNote("bell\a").error().message, StartsWith("note: control"));
  EXPECT_THAT(NormalizeLibraryNote("bad \xc0\xaf utf-8").error().message, StartsWith("note: "));
}

Paper MakePaper(std::string id, std::string title, std::vector<std::string> authors) {
  Paper p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.authors = std::move(authors);
  p.abstract = "We study $x^2$ & <things>.";
  p.categories = {"cs.LG"};
  p.submitted = "2024-05-07T12:00:00Z";
  p.updated = p.submitted;
  p.versions.push_back({1, p.submitted, "10kb"});
  p.latest_version = 1;
  return p;
}

TEST(LibraryQueryTest, AllWordsAnywhereCaseInsensitive) {
  LibraryEntry e;
  e.tags = {"Reading-Group"};
  e.note = "Discuss on Friday";
  Paper p = MakePaper("2405.04517", "xLSTM: Extended Long Short-Term Memory", {"Maximilian Beck"});
  auto words = [](std::string_view q) { return *LibraryQueryWords(q); };
  EXPECT_TRUE(MatchesLibraryQuery(e, p, words("")));
  EXPECT_TRUE(MatchesLibraryQuery(e, p, words("xlstm BECK")));
  EXPECT_TRUE(MatchesLibraryQuery(e, p, words("  memory   friday ")));
  EXPECT_TRUE(MatchesLibraryQuery(e, p, words("reading-group 2405.04517")));
  EXPECT_TRUE(MatchesLibraryQuery(e, p, words("things")));  // the abstract
  EXPECT_FALSE(MatchesLibraryQuery(e, p, words("xlstm transformer")));
  EXPECT_THAT(words("A  b"), ElementsAre("a", "b"));
  EXPECT_FALSE(LibraryQueryWords(std::string(201, 'q')));
}

LibraryItem Item(Paper p, std::vector<std::string> tags, std::string note) {
  LibraryItem item;
  item.paper = std::move(p);
  item.entry.paper_id = item.paper.id;
  item.entry.tags = std::move(tags);
  item.entry.note = std::move(note);
  item.entry.saved_at = "2026-06-30T08:00:00Z";
  item.entry.updated_at = "2026-07-01T09:30:00Z";
  return item;
}

TEST(LibraryItemJsonTest, IsThePaperObjectWithTheEntryFields) {
  LibraryItem item = Item(MakePaper("2405.04517", "xLSTM \"quoted\"", {"A B"}),
                          {"to-read", "<i>x</i>"}, "line 1\nline \"2\"");
  item.listing.unlisted_upvotes = 7;
  std::string json = LibraryItemJson(item);
  auto fields = ParseJsonBody(json);
  ASSERT_TRUE(fields) << fields.error().ToString() << "\n" << json;
  EXPECT_EQ(*fields->Get("id"), "2405.04517");
  EXPECT_EQ(*fields->Get("title"), "xLSTM \"quoted\"");
  EXPECT_EQ(*fields->GetInt("upvotes"), 7);
  EXPECT_TRUE(fields->Has("authors"));
  EXPECT_TRUE(fields->Has("publishedAt"));
  EXPECT_TRUE(fields->Has("summary"));
  EXPECT_THAT(*fields->GetList("tags"), ElementsAre("to-read", "<i>x</i>"));
  EXPECT_EQ(*fields->Get("note"), "line 1\nline \"2\"");
  EXPECT_EQ(*fields->Get("savedAt"), "2026-06-30T08:00:00Z");
  EXPECT_EQ(*fields->Get("updatedAt"), "2026-07-01T09:30:00Z");

  // A listed paper shows its listing's upvotes, as /api/papers/{id} does.
  DailyEntry listing;
  listing.date = "2026-06-30";
  listing.paper_id = item.paper.id;
  listing.upvotes = 42;
  item.listing.best = listing;
  auto listed = ParseJsonBody(LibraryItemJson(item));
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed->GetInt("upvotes"), 42);
  EXPECT_TRUE(listed->Has("submittedOnDailyAt"));

  item.entry.tags.clear();
  auto untagged = ParseJsonBody(LibraryItemJson(item));
  ASSERT_TRUE(untagged);
  EXPECT_THAT(*untagged->GetList("tags"), IsEmpty());
}

TEST(LibraryBibtexTest, StableKeysForSharedOnesAndTagsAsKeywords) {
  Paper a = MakePaper("2401.00002", "Attention again", {"Ada Lovelace"});
  Paper b = MakePaper("2401.00001", "Attention once more", {"Ada Lovelace"});
  Paper c = MakePaper("2401.00003", "Attention, thrice", {"Ada Lovelace"});
  Paper d = MakePaper("2402.00001", "Something else", {"Alan Turing"});
  std::string bib = LibraryBibtex(
      {Item(a, {"to-read", "{braces}\\x"}, ""), Item(b, {}, ""), Item(c, {}, ""), Item(d, {}, "")});
  // The lowest id keeps the key; the others get a, b in id order, whatever
  // the order of the library.
  EXPECT_THAT(bib, HasSubstr("@misc{lovelace2024attention,\n  title = {Attention once more}"));
  EXPECT_THAT(bib, HasSubstr("@misc{lovelace2024attentiona,\n  title = {Attention again}"));
  EXPECT_THAT(bib, HasSubstr("@misc{lovelace2024attentionb,\n  title = {Attention, thrice}"));
  EXPECT_THAT(bib, HasSubstr("@misc{turing2024something,"));
  EXPECT_THAT(bib, HasSubstr("  keywords = {to-read, bracesx},\n}\n"));
  EXPECT_EQ(std::count(bib.begin(), bib.end(), '@'), 4);
  EXPECT_THAT(bib, HasSubstr("eprint = {2401.00002}"));
  EXPECT_EQ(LibraryBibtex({}), "");
}

// ---- Through the App, on every backend.

class LibraryAppTest : public storage::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    Paper listed = MakePaper("2405.04517", "xLSTM: Extended Long Short-Term Memory",
                             {"Maximilian Beck", "Sepp Hochreiter"});
    listed.doi = "10.5555/Example.DOI";
    ASSERT_TRUE(store_->UpsertPaper(listed));
    ASSERT_TRUE(store_->UpsertPaper(
        MakePaper("hep-th/9901001", "Strings <script>alert(1)</script>", {"Old Timer"})));
    ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.00001", "Diffusion models", {"C D"})));
    DailyEntry e;
    e.date = "2026-06-30";
    e.paper_id = "2405.04517";
    e.upvotes = 12;
    e.source = "hf";
    ASSERT_TRUE(store_->UpsertDailyEntry(e));
    AppOptions o = http::testing::TestAppOptions(db_->options(), &clock_);
    auto app = App::Create(std::move(o));
    ASSERT_TRUE(app) << app.error().ToString();
    app_ = std::move(*app);
  }

  std::string Token(std::string_view email) {
    auto a = store_->FindOrCreateAccount(email, "2026-01-05T12:00:00Z");
    EXPECT_TRUE(a) << a.error().ToString();
    std::string token = RandomToken();
    EXPECT_TRUE(store_->CreateApiToken(HashToken(token), a->id, "test", "2026-01-05T12:00:00Z"));
    return "Bearer " + token;
  }

  // A browser session: the Cookie header and the CSRF token.
  std::pair<std::string, std::string> Session(std::string_view email) {
    auto a = store_->FindOrCreateAccount(email, "2026-01-05T12:00:00Z");
    EXPECT_TRUE(a) << a.error().ToString();
    int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    auto s = auth::StartSession(*store_, a->id, now, std::chrono::hours(1));
    EXPECT_TRUE(s) << s.error().ToString();
    return {"pp_session=" + s->cookie_value, s->record.csrf_token};
  }

  Response As(const std::string& auth, std::string method, std::string target,
              std::string body = "", std::string content_type = "application/json") {
    return app_->Handle(RequestWithBody(std::move(method), std::move(target), std::move(body),
                                        std::move(content_type), {{"authorization", auth}}));
  }

  FakeClock clock_;
  std::unique_ptr<App> app_;
};

TEST_P(LibraryAppTest, SaveUpdateListAndRemoveOverTheApi) {
  std::string ada = Token("ada@example.org");
  Response r = As(ada, "POST", "/api/library",
                  R"({"id": "arXiv:2405.04517v2", "tags": ["to-read", " To-Read ", "lstm"],
                      "note": "for Friday"})");
  ASSERT_EQ(r.status, 201) << Body(r);
  EXPECT_EQ(Header(r, "Location"), "/api/library/2405.04517");
  EXPECT_EQ(r.cache, CachePolicy::kNoStore);
  auto item = ParseJsonBody(Body(r));
  ASSERT_TRUE(item);
  EXPECT_EQ(*item->Get("id"), "2405.04517");
  EXPECT_EQ(*item->GetInt("upvotes"), 12);
  EXPECT_THAT(*item->GetList("tags"), ElementsAre("to-read", "lstm"));
  EXPECT_EQ(*item->Get("note"), "for Friday");

  // Saving again changes only what is given.
  clock_.Advance(std::chrono::seconds(60));
  r = As(ada, "POST", "/api/library", R"({"id": "https://arxiv.org/abs/2405.04517"})");
  ASSERT_EQ(r.status, 200) << Body(r);
  item = ParseJsonBody(Body(r));
  EXPECT_THAT(*item->GetList("tags"), ElementsAre("to-read", "lstm"));
  EXPECT_EQ(*item->Get("note"), "for Friday");
  r = As(ada, "PATCH", "/api/library/2405.04517", R"({"tags": []})");
  ASSERT_EQ(r.status, 200) << Body(r);
  item = ParseJsonBody(Body(r));
  EXPECT_THAT(*item->GetList("tags"), IsEmpty());
  EXPECT_EQ(*item->Get("note"), "for Friday");
  EXPECT_NE(*item->Get("updatedAt"), *item->Get("savedAt"));

  ASSERT_EQ(As(ada, "POST", "/api/library", R"({"id": "hep-th/9901001", "tags": ["old"]})").status,
            201);
  r = As(ada, "GET", "/api/library");
  ASSERT_EQ(r.status, 200) << Body(r);
  EXPECT_THAT(Body(r), StartsWith("[{\"id\":"));
  EXPECT_LT(Body(r).find("hep-th/9901001"), Body(r).find("2405.04517"));  // newest first
  r = As(ada, "GET", "/api/library?tag=old");
  EXPECT_THAT(Body(r), HasSubstr("hep-th/9901001"));
  EXPECT_THAT(Body(r), Not(HasSubstr("2405.04517")));
  r = As(ada, "GET", "/api/library?q=FRIDAY");
  EXPECT_THAT(Body(r), HasSubstr("2405.04517"));
  EXPECT_THAT(Body(r), Not(HasSubstr("hep-th/9901001")));
  r = As(ada, "GET", "/api/library/tags");
  EXPECT_EQ(Body(r), R"([{"tag":"old","count":1}])");
  EXPECT_EQ(As(ada, "GET", "/api/library/hep-th/9901001").status, 200);

  r = As(ada, "DELETE", "/api/library/hep-th/9901001v1");
  ASSERT_EQ(r.status, 200) << Body(r);
  EXPECT_THAT(Body(r), HasSubstr("\"status\":\"removed\""));
  EXPECT_EQ(As(ada, "DELETE", "/api/library/hep-th/9901001").status, 404);
  EXPECT_EQ(As(ada, "GET", "/api/library/hep-th/9901001").status, 404);
  EXPECT_EQ(As(ada, "PATCH", "/api/library/hep-th/9901001", "{}").status, 404);
}

TEST_P(LibraryAppTest, BadRequestsNameTheField) {
  std::string ada = Token("ada@example.org");
  auto error = [&](std::string body) {
    Response r = As(ada, "POST", "/api/library", std::move(body));
    EXPECT_EQ(r.status, 400) << Body(r);
    return Body(r);
  };
  EXPECT_THAT(error(R"({"tags": []})"), HasSubstr("id: required"));
  EXPECT_THAT(error(R"({"id": "not an id"})"), HasSubstr("id: "));
  EXPECT_THAT(error(R"({"id": "2405.04517", "tags": "a, b"})"), HasSubstr("tags"));
  EXPECT_THAT(error(R"({"id": "2405.04517", "tags": [""]})"), HasSubstr("tags: "));
  EXPECT_THAT(error(R"({"id": "2405.04517", "note": 5})"), HasSubstr("note"));
  EXPECT_THAT(error(R"({"id": "2405.04517", "note": ")" + std::string(5001, 'n') + "\"}"),
              HasSubstr("note: at most 5000"));
  Response r = As(ada, "POST", "/api/library", R"({"id": "2401.99999"})");
  EXPECT_EQ(r.status, 404) << Body(r);
  EXPECT_EQ(As(ada, "GET", "/api/library?q=" + std::string(201, 'q')).status, 400);
}

TEST_P(LibraryAppTest, EachAccountSeesOnlyItsOwnLibrary) {
  std::string ada = Token("ada@example.org");
  std::string bob = Token("bob@example.org");
  ASSERT_EQ(As(ada, "POST", "/api/library", R"({"id": "2401.00001", "note": "secret"})").status,
            201);
  EXPECT_EQ(Body(As(bob, "GET", "/api/library")), "[]");
  EXPECT_EQ(As(bob, "GET", "/api/library/2401.00001").status, 404);
  EXPECT_EQ(As(bob, "DELETE", "/api/library/2401.00001").status, 404);
  EXPECT_EQ(As(bob, "PATCH", "/api/library/2401.00001", R"({"note": "x"})").status, 404);
  EXPECT_THAT(Body(As(bob, "GET", "/library.bib")), Not(HasSubstr("2401.00001")));
  EXPECT_EQ(Body(As(ada, "GET", "/api/library/2401.00001")).find("secret") != std::string::npos,
            true);
  // Anonymous readers.
  EXPECT_EQ(app_->Handle(RequestWithBody("GET", "/api/library")).status, 401);
  EXPECT_EQ(app_->Handle(RequestWithBody("POST", "/api/library", R"({"id": "2401.00001"})")).status,
            401);
  EXPECT_EQ(app_->Handle(RequestWithBody("GET", "/library.bib")).status, 401);
  Response page =
      app_->Handle(RequestWithBody("GET", "/library?tag=x", "", "", {{"accept", "text/html"}}));
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(Header(page, "Location"), "/login?next=%2Flibrary%3Ftag%3Dx");
}

TEST_P(LibraryAppTest, CookieSessionsNeedTheCsrfToken) {
  auto [cookie, csrf] = Session("ada@example.org");
  Response r = app_->Handle(RequestWithBody("POST", "/api/library", R"({"id": "2401.00001"})",
                                            "application/json", {{"cookie", cookie}}));
  EXPECT_EQ(r.status, 403) << Body(r);
  r = app_->Handle(RequestWithBody("POST", "/api/library", R"({"id": "2401.00001"})",
                                   "application/json",
                                   {{"cookie", cookie}, {"x-csrf-token", csrf}}));
  EXPECT_EQ(r.status, 201) << Body(r);
  // The no-JavaScript form: a remove, then a save with tags and a note.
  r = app_->Handle(RequestWithBody("POST", "/papers/2401.00001/save",
                                   "action=remove&next=%2Fsearch%3Fq%3Dx&csrf_token=" + csrf,
                                   "application/x-www-form-urlencoded", {{"cookie", cookie}}));
  EXPECT_EQ(r.status, 303) << Body(r);
  EXPECT_EQ(Header(r, "Location"), "/search?q=x");
  EXPECT_EQ(
      Body(app_->Handle(RequestWithBody("GET", "/api/library", "", "", {{"cookie", cookie}}))),
      "[]");
  r = app_->Handle(
      RequestWithBody("POST", "/papers/2401.00001/save",
                      "action=save&tags=a%2C+b%2C&note=n%0D%0A2&next=%2Flibrary&csrf_token=" + csrf,
                      "application/x-www-form-urlencoded", {{"cookie", cookie}}));
  EXPECT_EQ(r.status, 303) << Body(r);
  auto entry = store_->Library(store_->GetAccountByEmail("ada@example.org").value()->id, "");
  ASSERT_TRUE(entry);
  ASSERT_EQ(entry->size(), 1u);
  EXPECT_THAT((*entry)[0].tags, ElementsAre("a", "b"));
  EXPECT_EQ((*entry)[0].note, "n\n2");
  // Without the token the form does nothing; anonymous readers go to sign in.
  r = app_->Handle(RequestWithBody("POST", "/papers/2401.00001/save", "action=remove",
                                   "application/x-www-form-urlencoded", {{"cookie", cookie}}));
  EXPECT_EQ(r.status, 403);
  r = app_->Handle(RequestWithBody("POST", "/papers/2401.00001/save",
                                   "action=save&next=%2Fpapers%2F2401.00001",
                                   "application/x-www-form-urlencoded"));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(Header(r, "Location"), "/login?next=%2Fpapers%2F2401.00001");
}

TEST_P(LibraryAppTest, PageShowsEntriesInertWithTagsAndForms) {
  auto [cookie, csrf] = Session("ada@example.org");
  std::string ada = Token("ada@example.org");
  ASSERT_EQ(As(ada, "POST", "/api/library",
               R"({"id": "hep-th/9901001", "tags": ["<b>bold</b>"],
                   "note": "<img src=x onerror=alert(1)>"})")
                .status,
            201);
  ASSERT_EQ(As(ada, "POST", "/api/library", R"({"id": "2401.00001", "tags": ["plain"]})").status,
            201);
  Response r = app_->Handle(RequestWithBody("GET", "/library", "", "", {{"cookie", cookie}}));
  ASSERT_EQ(r.status, 200) << Body(r);
  EXPECT_EQ(r.cache, CachePolicy::kPrivate);
  std::string html = Body(r);
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<img src=x")));
  EXPECT_THAT(html, Not(HasSubstr("<b>bold")));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;bold&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("2 papers"));
  EXPECT_THAT(html, HasSubstr("action=\"/library/import\""));
  EXPECT_THAT(html, HasSubstr("enctype=\"multipart/form-data\""));
  EXPECT_THAT(html, HasSubstr("href=\"/library.bib\""));
  EXPECT_THAT(html, HasSubstr("value=\"" + csrf + "\""));
  EXPECT_THAT(html, HasSubstr("aria-pressed=\"true\""));
  r = app_->Handle(RequestWithBody("GET", "/library?tag=plain", "", "", {{"cookie", cookie}}));
  EXPECT_THAT(Body(r), HasSubstr("1 of 2 papers tagged"));
  EXPECT_THAT(Body(r), HasSubstr("href=\"/library.bib?tag=plain\""));
  EXPECT_THAT(Body(r), Not(HasSubstr("id=\"paper-hep-th/9901001\"")));
  r = app_->Handle(RequestWithBody("GET", "/library?q=strings", "", "", {{"cookie", cookie}}));
  EXPECT_THAT(Body(r), HasSubstr("id=\"paper-hep-th/9901001\""));
  EXPECT_THAT(Body(r), Not(HasSubstr("id=\"paper-2401.00001\"")));

  // Cards elsewhere show the saved state, and their forms come back to the
  // card.
  r = app_->Handle(RequestWithBody("GET", "/papers/date/2026-06-30", "", "", {{"cookie", cookie}}));
  ASSERT_EQ(r.status, 200) << Body(r);
  EXPECT_THAT(Body(r), HasSubstr("action=\"/papers/2405.04517/save\""));
  EXPECT_THAT(Body(r), HasSubstr("value=\"/papers/date/2026-06-30#paper-2405.04517\""));
  EXPECT_THAT(Body(r), HasSubstr("<input type=\"hidden\" name=\"action\" value=\"save\">"));
  ASSERT_EQ(As(ada, "POST", "/api/library", R"({"id": "2405.04517"})").status, 201);
  r = app_->Handle(RequestWithBody("GET", "/papers/date/2026-06-30", "", "", {{"cookie", cookie}}));
  EXPECT_THAT(Body(r), HasSubstr("<input type=\"hidden\" name=\"action\" value=\"remove\">"));
  EXPECT_THAT(Body(r), HasSubstr("class=\"save-button\" aria-pressed=\"true\""));
}

TEST_P(LibraryAppTest, ImportsMatchByArxivIdAndDoiAndReportTheRest) {
  std::string ada = Token("ada@example.org");
  ASSERT_EQ(As(ada, "POST", "/api/library", R"({"id": "2401.00001", "tags": ["mine"]})").status,
            201);
  std::string bib =
      "@misc{zotero_style,\n"
      "  title = {Diffusion models},\n"
      "  doi = {10.48550/arXiv.2401.00001},\n"
      "  note = {arXiv:2401.00001 [cs.LG]},\n"
      "}\n"
      "\n"
      "@article{by_doi,\n"
      "  title = {{xLSTM}},\n"
      "  doi = {10.5555/EXAMPLE.doi},\n"
      "}\n"
      "\n"
      "@misc{unknown,\n"
      "  title = {Not here},\n"
      "  eprint = {2401.99999},\n"
      "  archivePrefix = {arXiv},\n"
      "}\n"
      "\n"
      "@book{no_ids,\n"
      "  title = {A book},\n"
      "}\n";
  Response r = As(ada, "POST", "/api/library/import?tag=imported", bib, "application/x-bibtex");
  ASSERT_EQ(r.status, 200) << Body(r);
  auto report = ParseJsonBody(Body(r));
  ASSERT_TRUE(report) << Body(r);
  EXPECT_EQ(*report->Get("format"), "bibtex");
  EXPECT_THAT(*report->GetList("imported"), ElementsAre("2405.04517"));
  EXPECT_THAT(*report->GetList("alreadySaved"), ElementsAre("2401.00001"));
  EXPECT_THAT(Body(r), HasSubstr(R"({"line":12,"key":"unknown","title":"Not here")"));
  EXPECT_THAT(Body(r), HasSubstr("arXiv:2401.99999 is not on this site"));
  EXPECT_THAT(Body(r), HasSubstr(R"("line":18,"key":"no_ids")"));
  // The tag went onto every matched entry; the old tags stayed.
  r = As(ada, "GET", "/api/library/tags");
  EXPECT_EQ(Body(r), R"([{"tag":"imported","count":2},{"tag":"mine","count":1}])");

  // Not a citation file; a type that is not one; bad tags; no token.
  r = As(ada, "POST", "/api/library/import", "just some words", "text/plain");
  EXPECT_EQ(r.status, 400) << Body(r);
  EXPECT_THAT(Body(r), HasSubstr("file: "));
  EXPECT_EQ(As(ada, "POST", "/api/library/import", "{}", "application/json").status, 415);
  EXPECT_EQ(As(ada, "POST", "/api/library/import", bib, "text/plain; charset=koi8-r").status, 415);
  r = As(ada, "POST", "/api/library/import?tag=a,b", bib, "application/x-bibtex");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Body(r), HasSubstr("tag: "));
  EXPECT_EQ(
      app_->Handle(RequestWithBody("POST", "/api/library/import", bib, "application/x-bibtex"))
          .status,
      401);
}

TEST_P(LibraryAppTest, ImportsAreRateLimitedPerAccount) {
  std::string ada = Token("ada@example.org");
  std::string bib = "@misc{k, eprint = {2401.00001}, archivePrefix = {arXiv}}\n";
  for (int i = 0; i < kLibraryImportsPerAccount.limit; ++i) {
    Response r = As(ada, "POST", "/api/library/import", bib, "text/plain");
    ASSERT_EQ(r.status, 200) << i << " " << Body(r);
  }
  Response r = As(ada, "POST", "/api/library/import", bib, "text/plain");
  EXPECT_EQ(r.status, 429) << Body(r);
  EXPECT_FALSE(Header(r, "Retry-After").empty());
  // Another account is not held back; saves are counted apart.
  EXPECT_EQ(As(Token("bob@example.org"), "POST", "/api/library/import", bib, "text/plain").status,
            200);
  EXPECT_EQ(As(ada, "POST", "/api/library", R"({"id": "2405.04517"})").status, 201);
}

TEST_P(LibraryAppTest, ThePageImportsAnUploadedFile) {
  auto [cookie, csrf] = Session("ada@example.org");
  std::string ris =
      "TY  - JOUR\r\nTI  - xLSTM\r\nDO  - 10.5555/example.doi\r\nER  - \r\n"
      "TY  - JOUR\r\nTI  - Elsewhere <b>only</b>\r\nDO  - 10.1000/nowhere\r\nER  - \r\n";
  std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + csrf +
                     "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                     "filename=\"export.ris\"\r\nContent-Type: application/x-research-info-"
                     "systems\r\n\r\n" +
                     ris +
                     "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n"
                     "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\n"
                     "from-ris\r\n--XyZ--\r\n";
  Response r = app_->Handle(RequestWithBody(
      "POST", "/library/import", body, "multipart/form-data; boundary=XyZ", {{"cookie", cookie}}));
  ASSERT_EQ(r.status, 200) << Body(r);
  EXPECT_EQ(r.cache, CachePolicy::kNoStore);
  std::string html = Body(r);
  EXPECT_THAT(html, HasSubstr("export.ris (RIS)"));
  EXPECT_THAT(html, HasSubstr("1 paper imported, 0 already in your library, 1 not found"));
  EXPECT_THAT(html, HasSubstr("Line 5"));
  EXPECT_THAT(html, HasSubstr("Elsewhere &lt;b&gt;only&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("no paper on this site has DOI 10.1000/nowhere"));
  EXPECT_THAT(html, HasSubstr("id=\"paper-2405.04517\""));
  // A cut-off upload, and a form without the token.
  r = app_->Handle(RequestWithBody("POST", "/library/import", body.substr(0, body.size() - 12),
                                   "multipart/form-data; boundary=XyZ", {{"cookie", cookie}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Body(r), HasSubstr("closing boundary"));
  r = app_->Handle(RequestWithBody("POST", "/library/import", "text=x",
                                   "application/x-www-form-urlencoded", {{"cookie", cookie}}));
  EXPECT_EQ(r.status, 403);
}

TEST_P(LibraryAppTest, ExportsAreNeverStored) {
  std::string ada = Token("ada@example.org");
  ASSERT_EQ(As(ada, "POST", "/api/library", R"({"id": "2405.04517", "tags": ["x"]})").status, 201);
  ASSERT_EQ(As(ada, "POST", "/api/library", R"({"id": "2401.00001"})").status, 201);
  Response bib = As(ada, "GET", "/library.bib");
  ASSERT_EQ(bib.status, 200) << Body(bib);
  EXPECT_EQ(bib.content_type, "application/x-bibtex; charset=utf-8");
  EXPECT_EQ(bib.cache, CachePolicy::kNoStore);
  EXPECT_EQ(Header(bib, "Content-Disposition"), "attachment; filename=\"paperpulse-library.bib\"");
  EXPECT_THAT(Body(bib), HasSubstr("eprint = {2405.04517}"));
  EXPECT_THAT(Body(bib), HasSubstr("eprint = {2401.00001}"));
  EXPECT_THAT(Body(bib), HasSubstr("keywords = {x}"));
  Response tagged = As(ada, "GET", "/library.bib?tag=x");
  EXPECT_THAT(Body(tagged), Not(HasSubstr("2401.00001")));
  Response csl = As(ada, "GET", "/library.json");
  ASSERT_EQ(csl.status, 200) << Body(csl);
  EXPECT_EQ(csl.content_type, "application/vnd.citationstyles.csl+json");
  EXPECT_EQ(csl.cache, CachePolicy::kNoStore);
  EXPECT_THAT(Body(csl), StartsWith("["));
  EXPECT_THAT(Body(csl), HasSubstr("2405.04517"));
  // A browser without a session is sent to sign in and back.
  Response anon = app_->Handle(RequestWithBody("GET", "/library.json?tag=x", "", "",
                                               {{"accept", "text/html,application/xhtml+xml"}}));
  EXPECT_EQ(anon.status, 303);
  EXPECT_EQ(Header(anon, "Location"), "/login?next=%2Flibrary.json%3Ftag%3Dx");
}

INSTANTIATE_TEST_SUITE_P(Backends, LibraryAppTest,
                         ::testing::ValuesIn(storage::testing::AllBackends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace paperpulse::http
