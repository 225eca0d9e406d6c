// A digest run against a real Store (SQLite, and PostgreSQL when
// PAPERPULSE_TEST_PG is set) and a RecordingTransport.
#include "paperpulse/digest/run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "paperpulse/base/secrets.h"
#include "paperpulse/mail/recording_transport.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::digest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DigestRunTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!storage::testing::BackendAvailable(GetParam())) GTEST_SKIP() << "no " << GetParam();
    db_ = std::make_unique<storage::testing::TempDatabase>(GetParam());
    store_ = db_->Open();
    // Friday 2026-11-27: five papers, two topics; Monday 2026-11-30: two more.
    AddListed("2611.00001", "Large language model agents", "cs.CL", "2026-11-27", 50);
    AddListed("2611.00002", "Galaxy cluster lensing", "astro-ph.CO", "2026-11-27", 40);
    AddListed("2611.00003", "Scaling laws for LLM pretraining", "cs.LG", "2026-11-27", 30);
    AddListed("2611.00004", "Dark matter halos", "astro-ph.GA", "2026-11-27", 20);
    AddListed("2611.00005", "Tokenizers for LLM <b>safety</b>", "cs.CL", "2026-11-27", 2);
    AddListed("2611.00006", "LLM reasoning benchmarks", "cs.CL", "2026-11-30", 9);
    AddListed("2611.00007", "Supernova rates", "astro-ph.HE", "2026-11-30", 8);
    options_.site = {"https://papers.example.org", {"digest@example.org", "paperpulse"}};
    options_.date = "2026-11-27";
  }

  void AddListed(std::string id, std::string title, std::string cat, std::string date,
                 int64_t upvotes) {
    Paper p;
    p.id = id;
    p.title = title;
    p.abstract = "Abstract of " + title + ".";
    p.authors = {"Ada Lovelace"};
    p.categories = {cat};
    p.submitted = date + "T10:00:00Z";
    ASSERT_TRUE(store_->UpsertPaper(p));
    DailyEntry e;
    e.date = date;
    e.paper_id = id;
    e.upvotes = upvotes;
    e.source = "hf";
    ASSERT_TRUE(store_->UpsertDailyEntry(e));
  }

  int64_t Subscribe(std::string email, std::vector<std::string> cats = {},
                    std::vector<std::string> keywords = {}, int64_t min_upvotes = 0,
                    DigestFrequency f = DigestFrequency::kDaily) {
    Subscription s;
    s.email = std::move(email);
    s.frequency = f;
    s.categories = std::move(cats);
    s.keywords = std::move(keywords);
    s.min_upvotes = min_upvotes;
    s.status = SubscriptionStatus::kActive;
    auto id = store_->AddSubscription(s, "", 0, "2026-11-01T00:00:00Z");
    EXPECT_TRUE(id) << id.error().ToString();
    return id.value_or(0);
  }

  RunSummary Render() {
    auto r = RenderPeriod(*store_, nullptr, options_, clock_);
    EXPECT_TRUE(r) << r.error().ToString();
    return r.value_or(RunSummary{});
  }

  DeliverySummary Deliver(mail::Transport& t, DeliveryOptions o = {}) {
    auto r = DeliverDue(*store_, t, o, clock_);
    EXPECT_TRUE(r) << r.error().ToString();
    return r.value_or(DeliverySummary{});
  }

  // The mails the transport got, by recipient.
  static std::map<std::string, std::string> ByRecipient(const mail::RecordingTransport& t) {
    std::map<std::string, std::string> out;
    for (const auto& m : t.raw()) out[m.to.at(0)] += m.mime;
    return out;
  }

  std::unique_ptr<storage::testing::TempDatabase> db_;
  std::unique_ptr<storage::Store> store_;
  FakeClock clock_;
  RunOptions options_;
};

TEST_P(DigestRunTest, OneMailPerSubscriberFilteredAndNeverTwice) {
  Subscribe("all@example.org");
  Subscribe("llm@example.org", {"cs"}, {"llm"}, 5);
  Subscribe("astro@example.org", {"astro-ph"});
  Subscribe("nothing@example.org", {"q-bio"});
  RunSummary r = Render();
  EXPECT_EQ(r.period, "daily/2026-11-27");
  EXPECT_EQ(r.subscribers, 4);
  EXPECT_EQ(r.rendered, 3);
  EXPECT_EQ(r.nothing_new, 1);

  // A second run for the same day renders nothing.
  RunSummary again = Render();
  EXPECT_EQ(again.rendered, 0);
  EXPECT_EQ(again.already, 3);

  mail::RecordingTransport t;
  DeliverySummary d = Deliver(t);
  EXPECT_EQ(d.sent, 3);
  EXPECT_EQ(Deliver(t).sent, 0);  // nothing left
  auto mails = ByRecipient(t);
  ASSERT_EQ(mails.size(), 3u);
  const std::string& llm = mails["llm@example.org"];
  EXPECT_THAT(llm, HasSubstr("Scaling laws for LLM pretraining"));
  EXPECT_THAT(llm, Not(HasSubstr("Large language model agents")));  // no "LLM" in it
  EXPECT_THAT(llm, Not(HasSubstr("Galaxy")));
  EXPECT_THAT(llm, Not(HasSubstr("Tokenizers")));  // 2 upvotes < 5
  EXPECT_THAT(mails["astro@example.org"], HasSubstr("Galaxy cluster lensing"));
  EXPECT_THAT(mails["astro@example.org"], Not(HasSubstr("language model")));
  EXPECT_THAT(mails["all@example.org"],
              HasSubstr("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));

  auto stats = store_->GetOutboxStats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->sent, 3);
  EXPECT_EQ(stats->pending, 0);

  // The weekly digest of the same week leaves out what the daily one sent.
  options_.frequency = DigestFrequency::kWeekly;
  options_.date = "2026-11-30";
  // (An address has one digest: this replaces the daily one.)
  int64_t w = Subscribe("all@example.org", {}, {}, 0, DigestFrequency::kWeekly);
  ASSERT_GT(w, 0);
  RunSummary wr = Render();
  EXPECT_EQ(wr.rendered, 1);
  mail::RecordingTransport t2;
  Deliver(t2);
  ASSERT_EQ(t2.raw().size(), 1u);
  const std::string mime = t2.raw()[0].mime;  // raw() returns a copy
  EXPECT_THAT(mime, HasSubstr("LLM reasoning benchmarks"));
  EXPECT_THAT(mime, Not(HasSubstr("Large language model agents")));
}

TEST_P(DigestRunTest, NoDailyDigestOnADayWithoutAList) {
  Subscribe("all@example.org");
  options_.date = "2026-11-28";  // a Saturday
  RunSummary r = Render();
  EXPECT_TRUE(r.no_list);
  EXPECT_EQ(r.rendered, 0);
}

TEST_P(DigestRunTest, DryRunWritesNothing) {
  Subscribe("all@example.org");
  int seen = 0;
  options_.dry_run = true;
  options_.on_rendered = [&](const Subscription&, const mail::Message& m) {
    ++seen;
    EXPECT_THAT(m.text, HasSubstr("Large language model agents"));
  };
  EXPECT_EQ(Render().rendered, 1);
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(store_->GetOutboxStats()->pending, 0);
  options_.dry_run = false;
  EXPECT_EQ(Render().rendered, 1);
}

TEST_P(DigestRunTest, UnsubscribeTokenOfTheMailEndsTheSubscription) {
  int64_t id = Subscribe("all@example.org");
  std::string token;
  options_.on_rendered = [&](const Subscription&, const mail::Message& m) {
    for (const auto& h : m.headers) {
      if (h.name == "List-Unsubscribe") token = h.value.substr(h.value.rfind('/') + 1);
    }
  };
  Render();
  ASSERT_FALSE(token.empty());
  token.pop_back();  // '>'
  auto sub = store_->SubscriptionOfUnsubscribeToken(HashToken(token));
  ASSERT_TRUE(sub && *sub);
  EXPECT_EQ((*sub)->id, id);
  EXPECT_TRUE(*store_->Unsubscribe(HashToken(token)));
  options_.date = "2026-11-30";
  EXPECT_EQ(Render().subscribers, 0);
}

TEST_P(DigestRunTest, TransientFailuresBackOffThenDeliverOnce) {
  Subscribe("all@example.org");
  Render();
  mail::RecordingTransport t;
  t.FailNext(2, Error{ErrorCode::kUnavailable, "451 try later"});
  DeliveryOptions o;
  o.first_backoff = std::chrono::seconds(10);
  DeliverySummary d = Deliver(t, o);
  EXPECT_EQ(d.deferred, 1);
  EXPECT_EQ(d.sent, 0);
  EXPECT_EQ(Deliver(t, o).sent, 0);  // not due yet
  clock_.Advance(std::chrono::seconds(11));
  EXPECT_EQ(Deliver(t, o).deferred, 1);  // second failure: now 20 s
  clock_.Advance(std::chrono::seconds(11));
  EXPECT_EQ(Deliver(t, o).sent, 0);
  clock_.Advance(std::chrono::seconds(10));
  EXPECT_EQ(Deliver(t, o).sent, 1);
  EXPECT_EQ(t.raw().size(), 1u);
  EXPECT_EQ(t.attempts(), 3);
  EXPECT_EQ(store_->GetOutboxStats()->deferrals, 2);
}

TEST_P(DigestRunTest, RetryForWaitsForDeferredMails) {
  Subscribe("all@example.org");
  Render();
  mail::RecordingTransport t;
  t.FailNext(1, Error{ErrorCode::kUnavailable, "451 try later"});
  DeliveryOptions o;
  o.first_backoff = std::chrono::seconds(3);
  o.retry_for = std::chrono::seconds(60);
  DeliverySummary d = Deliver(t, o);  // the FakeClock's sleeps pass time
  EXPECT_EQ(d.deferred, 1);
  EXPECT_EQ(d.sent, 1);
}

TEST_P(DigestRunTest, RefusedAddressBouncesAndIsNotMailedAgain) {
  int64_t id = Subscribe("gone@example.org");
  Render();
  mail::RecordingTransport t;
  t.FailNext(1, Error{ErrorCode::kInvalidArgument, "550 no such user"});
  DeliverySummary d = Deliver(t);
  EXPECT_EQ(d.failed, 1);
  EXPECT_EQ(d.bounced, 1);
  auto s = store_->GetSubscription(id);
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->status, SubscriptionStatus::kBouncing);
  options_.date = "2026-11-30";
  EXPECT_EQ(Render().subscribers, 0);
  EXPECT_EQ(store_->GetOutboxStats()->failed, 1);
}

TEST_P(DigestRunTest, StaleClaimsAreSentAgain) {
  Subscribe("all@example.org");
  Render();
  // A sender claims the mail and dies before reporting.
  int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  auto claimed = store_->ClaimDueMail(now, 0, 10);
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  mail::RecordingTransport t;
  DeliveryOptions o;
  o.stale_after = std::chrono::minutes(15);
  EXPECT_EQ(Deliver(t, o).sent, 0);  // claimed recently (by FakeClock time): not stale
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_EQ(Deliver(t, o).sent, 1);
}

TEST_P(DigestRunTest, VotersGetRecommendationsWithAReason) {
  Subscribe("voter@example.org", {"astro-ph"});
  auto account = store_->FindOrCreateAccount("voter@example.org", "2026-11-01T00:00:00Z");
  ASSERT_TRUE(account);
  // Older papers the user voted for, about language models.
  AddListed("2610.00001", "Language model agents that plan", "cs.CL", "2026-10-01", 1);
  AddListed("2610.00002", "Language model agents with tools", "cs.CL", "2026-10-02", 1);
  ASSERT_TRUE(store_->AddVote(account->id, "2610.00001", "2026-10-05T00:00:00Z"));
  ASSERT_TRUE(store_->AddVote(account->id, "2610.00002", "2026-10-05T00:00:00Z"));
  RunSummary r = Render();
  EXPECT_EQ(r.recommended, 1);
  mail::RecordingTransport t;
  Deliver(t);
  ASSERT_EQ(t.raw().size(), 1u);
  const std::string mime = t.raw()[0].mime;
  EXPECT_THAT(mime, HasSubstr("Recommended for you"));
  EXPECT_THAT(mime, HasSubstr("because you upvoted"));
}

TEST_P(DigestRunTest, SavedPapersGetRecommendationsWithAReason) {
  Subscribe("reader@example.org", {"astro-ph"});
  auto account = store_->FindOrCreateAccount("reader@example.org", "2026-11-01T00:00:00Z");
  ASSERT_TRUE(account);
  // No votes at all on the site: the library alone is enough.
  AddListed("2610.00001", "Language model agents that plan", "cs.CL", "2026-10-01", 1);
  AddListed("2610.00002", "Language model agents with tools", "cs.CL", "2026-10-02", 1);
  for (const char* id : {"2610.00001", "2610.00002"}) {
    LibraryEntry e;
    e.user_id = account->id;
    e.paper_id = id;
    e.tags = {"agents"};
    ASSERT_TRUE(store_->SaveToLibrary(e, "2026-10-05T00:00:00Z"));
  }
  RunSummary r = Render();
  EXPECT_EQ(r.recommended, 1);
  mail::RecordingTransport t;
  Deliver(t);
  ASSERT_EQ(t.raw().size(), 1u);
  const std::string mime = t.raw()[0].mime;
  EXPECT_THAT(mime, HasSubstr("Recommended for you"));
  EXPECT_THAT(mime, HasSubstr("because you saved"));
  EXPECT_THAT(mime, Not(HasSubstr("because you upvoted")));
}

INSTANTIATE_TEST_SUITE_P(Backends, DigestRunTest,
                         ::testing::ValuesIn(storage::testing::AllBackends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace paperpulse::digest
