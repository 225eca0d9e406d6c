// One suite for every Store backend (SQLite always, PostgreSQL when
// PAPERPULSE_TEST_PG is set).
#include "paperpulse/storage/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdio>
#include <latch>
#include <random>
#include <set>
#include <thread>

#include "paperpulse/ranking/trending.h"
#include "paperpulse/storage/soci/migrations.h"
#include "paperpulse/storage/soci/soci_store.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Paper MakePaper(const std::string& id, int version) {
  Paper p;
  p.id = id;
  p.title = "Title of " + id + " v" + std::to_string(version);
  p.abstract = "We study $x<y$ & <b>things</b>.";
  p.authors = {"Ada Lovelace", "Ł. Kowalski", "C. Balázs"};
  p.categories = {"cs.CL", "cs.AI"};
  p.latest_version = version;
  for (int v = 1; v <= version; ++v) {
    p.versions.push_back(
        {v, "2024-05-0" + std::to_string(v) + "T10:00:00Z", std::to_string(v) + "kb"});
  }
  p.submitted = "2024-05-01T10:00:00Z";
  p.updated = p.versions.back().date;
  return p;
}

class StoreTest : public testing::BackendTest {};

TEST_P(StoreTest, FreshDatabaseIsMigratedAndEmpty) {
  EXPECT_EQ(store_->Backend(), GetParam());
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version) << version.error().ToString();
  EXPECT_GE(*version, 1);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->papers, 0);
  EXPECT_EQ(stats->change_seq, 0);
  EXPECT_EQ(stats->popularity_seq, 0);
  EXPECT_EQ(stats->votes, 0);
  EXPECT_EQ(store_->Sequences()->change_seq, 0);
  EXPECT_EQ(store_->Sequences()->popularity_seq, 0);
  EXPECT_EQ(*store_->ContentVersion(), 0);
  // Opening again applies nothing twice.
  auto again = db_->Open();
  EXPECT_EQ(*again->SchemaVersion(), *version);
}

TEST_P(StoreTest, InsertThenReadBackEveryField) {
  Paper p = MakePaper("2405.04517", 2);
  p.comments = "10 pages";
  p.journal_ref = "Phys.Rev.D76:013009,2007";
  p.doi = "10.1103/PhysRevD.76.013009";
  p.license = "http://creativecommons.org/licenses/by/4.0/";
  auto r = store_->UpsertPaper(p);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(*r, WriteOutcome::kInserted);
  auto got = store_->GetPaper("2405.04517");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, p);
  auto none = store_->GetPaper("2405.99999");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(StoreTest, UpsertIsIdempotentAndNewerVersionsWin) {
  Paper v1 = MakePaper("0704.0001", 1);
  ASSERT_EQ(*store_->UpsertPaper(v1), WriteOutcome::kInserted);
  EXPECT_EQ(*store_->UpsertPaper(v1), WriteOutcome::kUnchanged);
  EXPECT_EQ(store_->Stats()->change_seq, 1);

  Paper v2 = MakePaper("0704.0001", 2);
  ASSERT_EQ(*store_->UpsertPaper(v2), WriteOutcome::kUpdated);
  EXPECT_EQ((*store_->GetPaper("0704.0001"))->title, v2.title);
  EXPECT_EQ(store_->Stats()->versions, 2);
  EXPECT_EQ(store_->Stats()->change_seq, 2);

  // An older record never overwrites, and re-importing it changes nothing.
  EXPECT_EQ(*store_->UpsertPaper(v1), WriteOutcome::kUnchanged);
  EXPECT_EQ((*store_->GetPaper("0704.0001"))->title, v2.title);
  EXPECT_EQ(store_->Stats()->change_seq, 2);
}

TEST_P(StoreTest, PartialRecordsFillEmptyFieldsOnly) {
  Paper sparse;
  sparse.id = "2401.00001";
  sparse.title = "Sparse";
  ASSERT_EQ(*store_->UpsertPaper(sparse), WriteOutcome::kInserted);
  Paper more = sparse;
  more.title = "Different title, same (unknown) version";
  more.abstract = "Now with an abstract.";
  ASSERT_EQ(*store_->UpsertPaper(more), WriteOutcome::kUpdated);
  auto got = **store_->GetPaper("2401.00001");
  EXPECT_EQ(got.title, "Sparse");
  EXPECT_EQ(got.abstract, "Now with an abstract.");
}

TEST_P(StoreTest, ChangeSequenceFollowsWrites) {
  ASSERT_TRUE(store_->Begin());
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.0000" + std::to_string(i), 1)));
  }
  ASSERT_TRUE(store_->Commit());
  auto changed = store_->PapersChangedSince(0, 100);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->size(), 5u);
  EXPECT_EQ((*changed)[0].change_seq, 1);
  EXPECT_EQ((*changed)[4].change_seq, 5);
  EXPECT_EQ((*changed)[4].paper.id, "2401.00005");
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.00002", 2)));
  auto later = store_->PapersChangedSince(5, 100);
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].paper.id, "2401.00002");
  EXPECT_EQ((*later)[0].change_seq, 6);
  EXPECT_EQ(store_->PapersChangedSince(0, 2)->size(), 2u);
}

TEST_P(StoreTest, RollbackLeavesNothing) {
  ASSERT_TRUE(store_->Begin());
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.00001", 1)));
  ASSERT_TRUE(store_->SetMeta("k", "v"));
  ASSERT_TRUE(store_->Rollback());
  EXPECT_EQ(store_->Stats()->papers, 0);
  EXPECT_EQ(store_->Stats()->change_seq, 0);
  EXPECT_FALSE(*store_->GetMeta("k"));
}

TEST_P(StoreTest, DailyEntriesMergeByMaxCounters) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  DailyEntry e;
  e.date = "2024-05-08";
  e.paper_id = "2405.04517";
  e.submitted_by = "akhaliq";
  e.submitted_at = "2024-05-08T01:02:03Z";
  e.upvotes = 10;
  e.num_comments = 2;
  e.github_repo = "https://github.com/x/y";
  e.source = "hf";
  ASSERT_EQ(*store_->UpsertDailyEntry(e), WriteOutcome::kInserted);
  EXPECT_EQ(*store_->UpsertDailyEntry(e), WriteOutcome::kUnchanged);
  DailyEntry older = e;
  older.upvotes = 3;
  EXPECT_EQ(*store_->UpsertDailyEntry(older), WriteOutcome::kUnchanged);
  DailyEntry newer = e;
  newer.upvotes = 42;
  newer.github_stars = 1234;
  EXPECT_EQ(*store_->UpsertDailyEntry(newer), WriteOutcome::kUpdated);
  auto list = store_->DailyEntriesBetween("2024-05-01", "2024-05-31");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].upvotes, 42);
  EXPECT_EQ((*list)[0].github_stars, 1234);
  EXPECT_EQ((*list)[0].submitted_by, "akhaliq");
  EXPECT_TRUE(store_->DailyEntriesBetween("2024-06-01", "2024-06-30")->empty());
  EXPECT_EQ(store_->Stats()->daily_entries, 1);
}

TEST_P(StoreTest, AdjacentDailyDatesSkipDaysWithoutEntries) {
  using Direction = Store::Direction;
  EXPECT_FALSE(*store_->AdjacentDailyDate("9999-12-31", Direction::kBefore));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  for (const char* date : {"2024-05-03", "2024-05-06", "2024-05-07"}) {
    DailyEntry e;
    e.date = date;
    e.paper_id = "2405.04517";
    ASSERT_TRUE(store_->UpsertDailyEntry(e));
  }
  EXPECT_EQ(*store_->AdjacentDailyDate("9999-12-31", Direction::kBefore), "2024-05-07");
  EXPECT_EQ(*store_->AdjacentDailyDate("2024-05-06", Direction::kBefore), "2024-05-03");
  EXPECT_EQ(*store_->AdjacentDailyDate("2024-05-04", Direction::kBefore), "2024-05-03");
  EXPECT_EQ(*store_->AdjacentDailyDate("2024-05-03", Direction::kAfter), "2024-05-06");
  EXPECT_FALSE(*store_->AdjacentDailyDate("2024-05-03", Direction::kBefore));
  EXPECT_FALSE(*store_->AdjacentDailyDate("2024-05-07", Direction::kAfter));
}

TEST_P(StoreTest, DailyEntriesForPaperNewestFirst) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00001", 1)));
  for (const char* date : {"2024-05-03", "2024-05-07"}) {
    DailyEntry e;
    e.date = date;
    e.paper_id = "2405.04517";
    e.upvotes = 5;
    e.github_stars = 7;
    ASSERT_TRUE(store_->UpsertDailyEntry(e));
  }
  DailyEntry other;
  other.date = "2024-05-05";
  other.paper_id = "2405.00001";
  ASSERT_TRUE(store_->UpsertDailyEntry(other));
  auto list = store_->DailyEntriesForPaper("2405.04517");
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].date, "2024-05-07");
  EXPECT_EQ((*list)[1].date, "2024-05-03");
  EXPECT_EQ((*list)[0].github_stars, 7);
  EXPECT_TRUE(store_->DailyEntriesForPaper("2405.99999")->empty());
}

TEST_P(StoreTest, DailyEntryForUnknownPaperFails) {
  DailyEntry e;
  e.date = "2024-05-08";
  e.paper_id = "2405.00000";
  EXPECT_FALSE(store_->UpsertDailyEntry(e));
}

TEST_P(StoreTest, MetaRoundTripsAndSurvivesReopen) {
  ASSERT_TRUE(store_->SetMeta("harvest.checkpoint", "{\"token\":\"a\"}"));
  ASSERT_TRUE(store_->SetMeta("harvest.checkpoint", "{\"token\":\"b\"}"));
  auto again = db_->Open();
  auto v = again->GetMeta("harvest.checkpoint");
  ASSERT_TRUE(v && *v);
  EXPECT_EQ(**v, "{\"token\":\"b\"}");
}

TEST_P(StoreTest, SecondConnectionSeesCommittedWrites) {
  auto other = db_->Open();
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  auto got = other->GetPaper("2405.04517");
  ASSERT_TRUE(got && *got);
  EXPECT_THAT((*got)->authors, ElementsAre("Ada Lovelace", "Ł. Kowalski", "C. Balázs"));
}

// A reader that has read a paper must not stay on that snapshot: later
// commits of other connections (an import while serve runs) become visible.
TEST_P(StoreTest, ReaderIsNotPinnedToAnOldSnapshot) {
  auto reader = db_->Open();
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  auto first = reader->GetPaper("2405.04517");
  ASSERT_TRUE(first && *first);
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04518", 1)));
  EXPECT_EQ(reader->Stats()->papers, 2);
  auto changed = reader->PapersChangedSince(0, 10);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->size(), 2u);
}

TEST_P(StoreTest, TextIsStoredVerbatim) {
  Paper p = MakePaper("2405.04517", 1);
  p.title = "Quotes ' \" and \\ backslash; DROP TABLE papers; -- \xF0\x9F\x98\x80";
  p.authors = {"O'Brien, \"Q\"", "[weird]", "{\"json\": 1}"};
  ASSERT_TRUE(store_->UpsertPaper(p));
  EXPECT_EQ(**store_->GetPaper(p.id), p);
}

TEST_P(StoreTest, RecordsWithoutIdsAreHeldIdempotently) {
  Paper p;
  p.title = "Attention Is All You Need";
  p.abstract = "";
  ASSERT_EQ(*store_->UpsertUnkeyedPaper(p, "a.csv"), WriteOutcome::kInserted);
  Paper variant = p;
  variant.title = "attention is all you need!";
  variant.abstract = "The dominant sequence transduction models...";
  EXPECT_EQ(*store_->UpsertUnkeyedPaper(variant, "a.csv"), WriteOutcome::kUpdated);
  EXPECT_EQ(*store_->UpsertUnkeyedPaper(variant, "a.csv"), WriteOutcome::kUnchanged);
  EXPECT_EQ(*store_->UpsertUnkeyedPaper(p, "b.csv"), WriteOutcome::kInserted);
  EXPECT_EQ(store_->Stats()->unkeyed, 2);
  EXPECT_EQ(store_->Stats()->papers, 0);
}

TEST(TitleKey, FoldsCasePunctuationAndSpace) {
  EXPECT_EQ(TitleKey("  Attention Is All You Need! "), "attention is all you need");
  EXPECT_EQ(TitleKey("BERT: Pre-training of Deep\nBidirectional"),
            "bert pre training of deep bidirectional");
  EXPECT_EQ(TitleKey("Schrödinger's cat"), "schrödinger s cat");
}

// ---- Transactions.

TEST_P(StoreTest, RunInTransactionCommitsOrRollsBack) {
  int attempts = 0;
  Status ok = store_->RunInTransaction([&]() -> Status {
    ++attempts;
    RETURN_IF_ERROR(store_->UpsertPaper(MakePaper("2401.00001", 1)));
    return store_->SetMeta("k", "v");
  });
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(store_->Stats()->papers, 1);

  attempts = 0;
  Status failed = store_->RunInTransaction([&]() -> Status {
    ++attempts;
    RETURN_IF_ERROR(store_->UpsertPaper(MakePaper("2401.00002", 1)));
    return Fail(ErrorCode::kInvalidArgument, "no");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(attempts, 1);  // only lost conflicts are retried
  EXPECT_EQ(store_->Stats()->papers, 1);
  EXPECT_FALSE(*store_->GetPaper("2401.00002"));
}

TEST_P(StoreTest, RunInTransactionRetriesAbortedAttemptsFromScratch) {
  int attempts = 0;
  Status s = store_->RunInTransaction([&]() -> Status {
    ++attempts;
    RETURN_IF_ERROR(store_->UpsertPaper(MakePaper("2401.0000" + std::to_string(attempts), 1)));
    if (attempts < 3) return Fail(ErrorCode::kAborted, "lost a conflict");
    return Ok();
  });
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(attempts, 3);
  // The writes of the failed attempts were rolled back.
  EXPECT_FALSE(*store_->GetPaper("2401.00001"));
  EXPECT_FALSE(*store_->GetPaper("2401.00002"));
  EXPECT_TRUE(*store_->GetPaper("2401.00003"));
  EXPECT_EQ(store_->Stats()->change_seq, 1);
}

TEST_P(StoreTest, RunInTransactionGivesUpAfterMaxAttempts) {
  int attempts = 0;
  Status s = store_->RunInTransaction([&]() -> Status {
    ++attempts;
    return Fail(ErrorCode::kAborted, "always loses");
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kAborted);
  EXPECT_EQ(attempts, 5);
}

TEST_P(StoreTest, RunInTransactionInsideATransactionDoesNotRetry) {
  ASSERT_TRUE(store_->Begin());
  int attempts = 0;
  Status s = store_->RunInTransaction([&]() -> Status {
    ++attempts;
    return Fail(ErrorCode::kAborted, "the outer transaction decides");
  });
  EXPECT_FALSE(s);
  EXPECT_EQ(attempts, 1);
  EXPECT_FALSE(store_->Begin());  // still inside the outer one
  EXPECT_TRUE(store_->Rollback());
}

// Two connections that lock two rows in opposite order deadlock for real on
// PostgreSQL; the server aborts one (40P01), RunInTransaction runs it again,
// and both succeed.
TEST_P(StoreTest, RunInTransactionRetriesARealDeadlock) {
  if (GetParam() != "postgresql") {
    GTEST_SKIP() << "SQLite has one writer at a time: its transactions cannot deadlock";
  }
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.00001", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.00002", 1)));
  std::latch both_locked(2);
  auto run = [&](const std::string& first, const std::string& second, int* attempts) {
    auto store = db_->Open();
    return store->RunInTransaction([&]() -> Status {
      ++*attempts;
      // An unchanged upsert still locks the paper's row until commit.
      RETURN_IF_ERROR(store->UpsertPaper(MakePaper(first, 1)));
      if (*attempts == 1) both_locked.arrive_and_wait();
      RETURN_IF_ERROR(store->UpsertPaper(MakePaper(second, 1)));
      return Ok();
    });
  };
  int attempts_a = 0, attempts_b = 0;
  Status a = Ok(), b = Ok();
  std::thread ta([&] { a = run("2401.00001", "2401.00002", &attempts_a); });
  std::thread tb([&] { b = run("2401.00002", "2401.00001", &attempts_b); });
  ta.join();
  tb.join();
  EXPECT_TRUE(a) << a.error().ToString();
  EXPECT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(attempts_a + attempts_b, 3) << "exactly one transaction lost and was retried";
}

TEST_P(StoreTest, TwoConnectionsWritingAtOnceBothSucceed) {
  std::latch start(2);
  auto run = [&](int base) {
    auto store = db_->Open();
    start.arrive_and_wait();
    return store->RunInTransaction([&]() -> Status {
      for (int i = 0; i < 20; ++i) {
        RETURN_IF_ERROR(store->UpsertPaper(MakePaper("2401." + std::to_string(base + i), 1)));
        RETURN_IF_ERROR(store->HitRateLimit("shared", 0));
      }
      return Ok();
    });
  };
  Status a = Ok(), b = Ok();
  std::thread ta([&] { a = run(10000); });
  std::thread tb([&] { b = run(20000); });
  ta.join();
  tb.join();
  EXPECT_TRUE(a) << a.error().ToString();
  EXPECT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(store_->Stats()->papers, 40);
  EXPECT_EQ(store_->Stats()->change_seq, 40);
  EXPECT_EQ(*store_->HitRateLimit("shared", 0), 41);
}

// On PostgreSQL a connection can be lost (server restart, proxy timeout):
// the call that finds it so fails kUnavailable, and the Store reconnects.
TEST_P(StoreTest, LostConnectionIsUnavailableOnceThenRecovers) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "SQLite has no connection to lose";
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2401.00001", 1)));
  ASSERT_TRUE(store_->GetPaper("2401.00001"));  // prepares the statements
  PGconn* admin = PQconnectdb(db_->options().url.c_str());
  ASSERT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  PGresult* r = PQexec(admin,
                       "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND pid <> pg_backend_pid()");
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(admin);
  PQclear(r);
  PQfinish(admin);
  auto lost = store_->GetPaper("2401.00001");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, ErrorCode::kUnavailable) << lost.error().ToString();
  auto again = store_->GetPaper("2401.00001");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(*again);
  EXPECT_TRUE(store_->UpsertPaper(MakePaper("2401.00002", 1)));
}

// ---- Accounts.

TEST_P(StoreTest, AccountsAreFoundByLowerCasedEmail) {
  auto a = store_->FindOrCreateAccount("Alice@Example.ORG", "2026-01-05T10:00:00Z");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_GT(a->id, 0);
  EXPECT_EQ(a->email, "alice@example.org");
  EXPECT_EQ(a->name, "");
  EXPECT_FALSE(a->is_admin);
  EXPECT_FALSE(a->banned);
  EXPECT_EQ(a->created_at, "2026-01-05T10:00:00Z");
  auto again = store_->FindOrCreateAccount("alice@example.org", "2026-02-01T00:00:00Z");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, a->id);
  EXPECT_EQ(again->created_at, "2026-01-05T10:00:00Z");
  EXPECT_EQ((*store_->GetAccountByEmail("ALICE@example.org"))->id, a->id);
  EXPECT_EQ((*store_->GetAccount(a->id))->email, "alice@example.org");
  EXPECT_FALSE(*store_->GetAccount(a->id + 100));
  EXPECT_FALSE(*store_->GetAccountByEmail("bob@example.org"));
  EXPECT_EQ(store_->Stats()->users, 1);
  auto empty = store_->FindOrCreateAccount("", "2026-01-05T10:00:00Z");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreTest, ConcurrentFirstSignInsGiveOneAccount) {
  constexpr int kThreads = 8;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kThreads; ++i) stores.push_back(db_->Open());
  std::vector<Result<Account>> results(kThreads, Fail(ErrorCode::kInternal, "not run"));
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = stores[i]->FindOrCreateAccount("same@example.org", "2026-01-05T10:00:00Z");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->id, results[0]->id);
  }
  EXPECT_EQ(store_->Stats()->users, 1);
}

TEST_P(StoreTest, NamesAreUniqueIgnoringCase) {
  auto alice = *store_->FindOrCreateAccount("alice@example.org", "t");
  auto bob = *store_->FindOrCreateAccount("bob@example.org", "t");
  ASSERT_TRUE(store_->SetAccountName(alice.id, "Alice"));
  EXPECT_EQ((*store_->GetAccount(alice.id))->name, "Alice");
  EXPECT_EQ((*store_->GetAccountByName("aLiCe"))->id, alice.id);
  EXPECT_FALSE(*store_->GetAccountByName(""));
  auto taken = store_->SetAccountName(bob.id, "ALICE");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists) << taken.error().ToString();
  // Her own name in another case, and names left empty by many, are fine.
  EXPECT_TRUE(store_->SetAccountName(alice.id, "alice"));
  EXPECT_TRUE(store_->SetAccountName(bob.id, ""));
  auto missing = store_->SetAccountName(alice.id + bob.id + 100, "zed");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, AdminFlagAndBanning) {
  auto alice = *store_->FindOrCreateAccount("alice@example.org", "t");
  ASSERT_TRUE(store_->SetAccountAdmin(alice.id, true));
  EXPECT_TRUE((*store_->GetAccount(alice.id))->is_admin);
  ASSERT_TRUE(store_->CreateSession({"session-hash", alice.id, "csrf", 1000, 5000}));
  ASSERT_TRUE(store_->CreateApiToken("token-hash", alice.id, "script", "t"));
  EXPECT_EQ(**store_->ApiTokenUser("token-hash"), alice.id);

  ASSERT_TRUE(store_->SetAccountBanned(alice.id, true));
  EXPECT_TRUE((*store_->GetAccount(alice.id))->banned);
  EXPECT_FALSE(*store_->GetSession("session-hash", 2000));
  EXPECT_FALSE(*store_->ApiTokenUser("token-hash"));
  // Unbanning lets tokens work again; the ended sessions stay ended.
  ASSERT_TRUE(store_->SetAccountBanned(alice.id, false));
  EXPECT_EQ(**store_->ApiTokenUser("token-hash"), alice.id);
  EXPECT_FALSE(*store_->GetSession("session-hash", 2000));

  auto missing = store_->SetAccountAdmin(alice.id + 100, true);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, LoginTokensAreSingleUseAndExpire) {
  ASSERT_TRUE(store_->CreateLoginToken("h1", "Alice@Example.org", 1000, 1900));
  auto email = store_->ConsumeLoginToken("h1", 1500);
  ASSERT_TRUE(email) << email.error().ToString();
  EXPECT_EQ(*email, "alice@example.org");

  auto twice = store_->ConsumeLoginToken("h1", 1501);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(twice.error().message, HasSubstr("already used"));

  ASSERT_TRUE(store_->CreateLoginToken("h2", "bob@example.org", 1000, 1900));
  auto late = store_->ConsumeLoginToken("h2", 1900);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(late.error().message, HasSubstr("expired"));

  auto unknown = store_->ConsumeLoginToken("nope", 1500);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  auto duplicate = store_->CreateLoginToken("h2", "carol@example.org", 1000, 1900);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists) << duplicate.error().ToString();
}

TEST_P(StoreTest, ConcurrentUsesOfOneLinkSucceedOnce) {
  ASSERT_TRUE(store_->CreateLoginToken("h", "alice@example.org", 1000, 1900));
  constexpr int kThreads = 8;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kThreads; ++i) stores.push_back(db_->Open());
  std::atomic<int> signed_in{0}, refused{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = stores[i]->ConsumeLoginToken("h", 1500);
      if (r) {
        ++signed_in;
      } else if (r.error().code == ErrorCode::kFailedPrecondition) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(signed_in, 1);
  EXPECT_EQ(refused, kThreads - 1);
}

TEST_P(StoreTest, SessionsExpireAndEnd) {
  auto alice = *store_->FindOrCreateAccount("alice@example.org", "t");
  SessionRecord s{"id-hash", alice.id, "csrf-token", 1000, 2000};
  ASSERT_TRUE(store_->CreateSession(s));
  auto got = store_->GetSession("id-hash", 1500);
  ASSERT_TRUE(got && *got) << (got ? "" : got.error().ToString());
  EXPECT_EQ((*got)->user_id, alice.id);
  EXPECT_EQ((*got)->csrf_token, "csrf-token");
  EXPECT_EQ((*got)->created_at, 1000);
  EXPECT_EQ((*got)->expires_at, 2000);
  EXPECT_FALSE(*store_->GetSession("id-hash", 2000));
  EXPECT_FALSE(*store_->GetSession("other", 1500));
  auto duplicate = store_->CreateSession(s);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  ASSERT_TRUE(store_->DeleteSession("id-hash"));
  EXPECT_FALSE(*store_->GetSession("id-hash", 1500));
  // A session of an account that does not exist: a foreign key violation.
  auto orphan = store_->CreateSession({"orphan", alice.id + 100, "c", 1000, 2000});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound) << orphan.error().ToString();
}

TEST_P(StoreTest, RateLimitCountsPerWindow) {
  EXPECT_EQ(*store_->HitRateLimit("login:1.2.3.4", 600), 1);
  EXPECT_EQ(*store_->HitRateLimit("login:1.2.3.4", 600), 2);
  EXPECT_EQ(*store_->HitRateLimit("login:5.6.7.8", 600), 1);
  EXPECT_EQ(*store_->HitRateLimit("login:1.2.3.4", 1200), 1);
  // The older window was dropped: counting in it starts over.
  EXPECT_EQ(*store_->HitRateLimit("login:1.2.3.4", 600), 1);
}

TEST_P(StoreTest, AuditLogIsNewestFirst) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(store_->AppendAudit({0, 7, "ban_user", "user:" + std::to_string(i), "spam", "t"}));
  }
  auto recent = store_->RecentAudit(2);
  ASSERT_TRUE(recent) << recent.error().ToString();
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].target, "user:3");
  EXPECT_EQ((*recent)[1].target, "user:2");
  EXPECT_EQ((*recent)[0].actor_user_id, 7);
  EXPECT_EQ((*recent)[0].action, "ban_user");
  EXPECT_EQ((*recent)[0].detail, "spam");
  EXPECT_GT((*recent)[0].id, (*recent)[1].id);
}

// ---- Votes and popularity.

DailyEntry Entry(const std::string& date, const std::string& id, int64_t upvotes) {
  DailyEntry e;
  e.date = date;
  e.paper_id = id;
  e.upvotes = upvotes;
  e.submitted_at = date + "T08:00:00Z";
  e.source = "hf";
  return e;
}

TEST_P(StoreTest, VotesAreOnePerAccountAndCountEverywhere) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.04517", 10)));
  auto alice = *store_->FindOrCreateAccount("alice@example.org", "t");
  auto bob = *store_->FindOrCreateAccount("bob@example.org", "t");
  int64_t version = *store_->ContentVersion();

  auto added = store_->AddVote(alice.id, "2405.04517", "2024-05-08T09:00:00Z");
  ASSERT_TRUE(added) << added.error().ToString();
  EXPECT_TRUE(*added);
  EXPECT_FALSE(*store_->AddVote(alice.id, "2405.04517", "2024-05-08T09:00:01Z"));
  EXPECT_TRUE(*store_->AddVote(bob.id, "2405.04517", "2024-05-08T09:00:02Z"));
  EXPECT_GT(*store_->ContentVersion(), version);

  auto list = *store_->DailyEntriesBetween("2024-05-08", "2024-05-08");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].upvotes, 12);
  EXPECT_EQ(list[0].local_votes, 2);
  EXPECT_EQ((*store_->DailyEntriesForPaper("2405.04517"))[0].upvotes, 12);
  auto pop = **store_->GetPopularity("2405.04517");
  EXPECT_EQ(pop.imported_upvotes, 10);
  EXPECT_EQ(pop.local_votes, 2);
  EXPECT_DOUBLE_EQ(pop.trending, ranking::TrendingScore({12, std::nullopt, "2024-05-08"}));
  EXPECT_EQ(store_->Stats()->votes, 2);
  EXPECT_THAT(*store_->VotedPapers(alice.id, {"2405.00000", "2405.04517"}),
              ElementsAre("2405.04517"));

  version = *store_->ContentVersion();
  EXPECT_TRUE(*store_->RemoveVote(alice.id, "2405.04517"));
  EXPECT_FALSE(*store_->RemoveVote(alice.id, "2405.04517"));
  EXPECT_GT(*store_->ContentVersion(), version);
  EXPECT_EQ((**store_->GetPopularity("2405.04517")).local_votes, 1);
  EXPECT_TRUE(store_->VotedPapers(alice.id, {"2405.04517"})->empty());

  // Re-importing the entry (HF still says 10) neither changes it nor the votes.
  EXPECT_EQ(*store_->UpsertDailyEntry(Entry("2024-05-08", "2405.04517", 10)),
            WriteOutcome::kUnchanged);
  EXPECT_EQ((*store_->DailyEntriesBetween("2024-05-08", "2024-05-08"))[0].upvotes, 11);
}

TEST_P(StoreTest, VotesNeedAnExistingPaperAndAccount) {
  auto alice = *store_->FindOrCreateAccount("alice@example.org", "t");
  auto no_paper = store_->AddVote(alice.id, "2405.99999", "t");
  ASSERT_FALSE(no_paper);
  EXPECT_EQ(no_paper.error().code, ErrorCode::kNotFound);
  auto no_paper_remove = store_->RemoveVote(alice.id, "2405.99999");
  ASSERT_FALSE(no_paper_remove);
  EXPECT_EQ(no_paper_remove.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  auto no_account = store_->AddVote(alice.id + 100, "2405.04517", "t");
  ASSERT_FALSE(no_account);
  EXPECT_EQ(no_account.error().code, ErrorCode::kNotFound) << no_account.error().ToString();
  EXPECT_FALSE(*store_->GetPopularity("2405.04517"));
}

TEST_P(StoreTest, DailyListsOrderByImportedPlusLocalVotes) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00001", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00002", 1)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.00001", 5)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.00002", 4)));
  EXPECT_EQ((*store_->DailyEntriesBetween("2024-05-08", "2024-05-08"))[0].paper_id, "2405.00001");
  for (const char* email : {"a@x.org", "b@x.org"}) {
    auto account = *store_->FindOrCreateAccount(email, "t");
    ASSERT_TRUE(store_->AddVote(account.id, "2405.00002", "t"));
  }
  auto list = *store_->DailyEntriesBetween("2024-05-08", "2024-05-08");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].paper_id, "2405.00002");
  EXPECT_EQ(list[0].upvotes, 6);
  EXPECT_EQ(list[1].upvotes, 5);
}

TEST_P(StoreTest, PopularityFollowsImportsIncrementally) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00001", 1)));
  EXPECT_FALSE(*store_->GetPopularity("2405.04517"));
  DailyEntry e = Entry("2024-05-08", "2405.04517", 10);
  ASSERT_TRUE(store_->UpsertDailyEntry(e));
  auto first = **store_->GetPopularity("2405.04517");
  EXPECT_EQ(first.imported_upvotes, 10);
  EXPECT_EQ(first.first_listed, "2024-05-08");
  EXPECT_FALSE(first.github_stars);
  EXPECT_EQ(first.popularity_seq, 1);

  e.upvotes = 42;
  e.github_stars = 1200;
  ASSERT_TRUE(store_->UpsertDailyEntry(e));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-06", "2405.04517", 3)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-07", "2405.00001", 1)));
  auto now = **store_->GetPopularity("2405.04517");
  EXPECT_EQ(now.imported_upvotes, 42);
  EXPECT_EQ(now.github_stars, 1200);
  EXPECT_EQ(now.first_listed, "2024-05-06");
  EXPECT_EQ(now.popularity_seq, 3);
  EXPECT_DOUBLE_EQ(now.trending, ranking::TrendingScore({42, 1200, "2024-05-06"}));

  // An unchanged import changes no popularity.
  EXPECT_EQ(*store_->UpsertDailyEntry(e), WriteOutcome::kUnchanged);
  EXPECT_EQ(store_->Stats()->popularity_seq, 4);
  // Sequences reads the same counters without counting rows.
  auto seqs = store_->Sequences();
  ASSERT_TRUE(seqs) << seqs.error().ToString();
  EXPECT_EQ(seqs->change_seq, 2);
  EXPECT_EQ(seqs->popularity_seq, 4);

  auto changes = *store_->PopularityChangedSince(0, 10);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].paper_id, "2405.04517");
  EXPECT_EQ(changes[0].popularity_seq, 3);
  EXPECT_EQ(changes[1].paper_id, "2405.00001");
  EXPECT_EQ(changes[1].popularity_seq, 4);
  EXPECT_EQ(store_->PopularityChangedSince(3, 10)->size(), 1u);
  EXPECT_EQ(store_->PopularityChangedSince(0, 1)->size(), 1u);
}

TEST_P(StoreTest, ContentVersionGrowsWithEveryContentWrite) {
  int64_t v0 = *store_->ContentVersion();
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  int64_t v1 = *store_->ContentVersion();
  EXPECT_GT(v1, v0);
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));  // unchanged
  EXPECT_EQ(*store_->ContentVersion(), v1);
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.04517", 1)));
  int64_t v2 = *store_->ContentVersion();
  EXPECT_GT(v2, v1);
  ASSERT_TRUE(store_->SetDailyEntryHidden("2024-05-08", "2405.04517", true));
  int64_t v3 = *store_->ContentVersion();
  EXPECT_GT(v3, v2);
  // Another connection reads the same committed version.
  EXPECT_EQ(*db_->Open()->ContentVersion(), v3);
}

TEST_P(StoreTest, HiddenEntriesAreLeftOutOfEveryList) {
  using Direction = Store::Direction;
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00001", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00002", 1)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-07", "2405.00001", 1)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.00002", 1)));
  ASSERT_TRUE(store_->SetDailyEntryHidden("2024-05-08", "2405.00002", true));
  EXPECT_TRUE(store_->DailyEntriesBetween("2024-05-08", "2024-05-08")->empty());
  EXPECT_TRUE(store_->DailyEntriesForPaper("2405.00002")->empty());
  EXPECT_EQ(*store_->AdjacentDailyDate("9999-12-31", Direction::kBefore), "2024-05-07");
  EXPECT_FALSE(*store_->AdjacentDailyDate("2024-05-07", Direction::kAfter));
  EXPECT_EQ(store_->DailyEntriesBetween("2024-05-01", "2024-05-31")->size(), 1u);

  ASSERT_TRUE(store_->SetDailyEntryHidden("2024-05-08", "2405.00002", false));
  auto back = *store_->DailyEntriesBetween("2024-05-08", "2024-05-08");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_FALSE(back[0].hidden);
  auto missing = store_->SetDailyEntryHidden("2024-05-09", "2405.00002", true);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, SubmissionRules) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00001", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00002", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00003", 1)));
  auto alice = *store_->FindOrCreateAccount("alice@example.org", "t");
  auto bob = *store_->FindOrCreateAccount("bob@example.org", "t");
  ASSERT_TRUE(store_->SetAccountName(bob.id, "bob_the_reader"));
  bob = **store_->GetAccount(bob.id);

  auto first = store_->SubmitPaper("2026-01-05", "2405.00001", alice, "2026-01-05T09:00:00Z", 2);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->entry.date, "2026-01-05");
  EXPECT_EQ(first->entry.paper_id, "2405.00001");
  EXPECT_EQ(first->entry.submitted_by, "alice");  // no name yet: the address's local part
  EXPECT_EQ(first->entry.submitted_by_user, alice.id);
  EXPECT_EQ(first->entry.submitted_at, "2026-01-05T09:00:00Z");
  EXPECT_EQ(first->entry.source, "local");
  EXPECT_EQ(first->entry.upvotes, 0);
  EXPECT_EQ((**store_->GetPopularity("2405.00001")).first_listed, "2026-01-05");

  // The same paper on the same day, by anyone: the existing entry.
  auto same_day = store_->SubmitPaper("2026-01-05", "2405.00001", bob, "2026-01-05T10:00:00Z", 2);
  ASSERT_TRUE(same_day) << same_day.error().ToString();
  EXPECT_FALSE(same_day->created);
  EXPECT_EQ(same_day->entry.submitted_by, "alice");

  // Already on an earlier day's list: refused, naming the day.
  auto other_day = store_->SubmitPaper("2026-01-06", "2405.00001", bob, "2026-01-06T10:00:00Z", 2);
  ASSERT_FALSE(other_day);
  EXPECT_EQ(other_day.error().code, ErrorCode::kAlreadyExists);
  EXPECT_THAT(other_day.error().message, HasSubstr("2026-01-05"));

  auto unknown = store_->SubmitPaper("2026-01-05", "2405.99999", bob, "t", 2);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  // Per-day limit: two per account and day.
  auto by_bob = store_->SubmitPaper("2026-01-05", "2405.00002", bob, "2026-01-05T11:00:00Z", 1);
  ASSERT_TRUE(by_bob) << by_bob.error().ToString();
  EXPECT_EQ(by_bob->entry.submitted_by, "bob_the_reader");
  auto over = store_->SubmitPaper("2026-01-05", "2405.00003", bob, "2026-01-05T12:00:00Z", 1);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kResourceExhausted);
  EXPECT_TRUE(store_->SubmitPaper("2026-01-05", "2405.00003", bob, "2026-01-05T12:00:00Z", 0));
  EXPECT_EQ(store_->DailyEntriesBetween("2026-01-05", "2026-01-05")->size(), 3u);
}

// A database from before popularity was kept (schema 2) gets each paper's
// popularity computed from its daily entries when it is opened.
TEST_P(StoreTest, OpeningAnOldDatabaseBackfillsPopularity) {
  testing::TempDatabase old(GetParam());
  {
    auto db = ConnectSociDb(old.options());
    ASSERT_TRUE(db) << db.error().ToString();
    ASSERT_TRUE(ApplyMigrations(**db, 2));
    soci::session& sql = (*db)->sql();
    for (const char* id : {"2405.00001", "2405.00002", "2405.00003"}) {
      sql << "INSERT INTO papers (id, title, change_seq) VALUES ('" + std::string(id) +
                 "', 'T', 0)";
    }
    sql << "INSERT INTO daily_entries (date, paper_id, upvotes, github_stars) VALUES "
           "('2024-05-08', '2405.00001', 7, NULL), ('2024-05-09', '2405.00001', 9, 300), "
           "('2024-05-09', '2405.00002', 2, NULL)";
  }
  auto store = old.Open();
  EXPECT_EQ(*store->SchemaVersion(), *store_->SchemaVersion());
  auto p1 = store->GetPopularity("2405.00001");
  ASSERT_TRUE(p1 && *p1) << (p1 ? "missing" : p1.error().ToString());
  EXPECT_EQ((*p1)->imported_upvotes, 9);
  EXPECT_EQ((*p1)->github_stars, 300);
  EXPECT_EQ((*p1)->first_listed, "2024-05-08");
  EXPECT_EQ((*p1)->local_votes, 0);
  EXPECT_DOUBLE_EQ((*p1)->trending, ranking::TrendingScore({9, 300, "2024-05-08"}));
  auto p2 = **store->GetPopularity("2405.00002");
  EXPECT_EQ(p2.imported_upvotes, 2);
  EXPECT_FALSE(p2.github_stars);
  EXPECT_FALSE(*store->GetPopularity("2405.00003"));
  EXPECT_EQ(store->Stats()->popularity_seq, 2);
  EXPECT_EQ((*p1)->popularity_seq + p2.popularity_seq, 3);  // 1 and 2
  // The old entries read as before, now with the new fields.
  auto list = *store->DailyEntriesBetween("2024-05-09", "2024-05-09");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].paper_id, "2405.00001");
  EXPECT_EQ(list[0].upvotes, 9);
  EXPECT_FALSE(list[0].hidden);
  EXPECT_EQ(list[0].submitted_by_user, 0);
  // Further votes build on the backfilled row.
  auto alice = *store->FindOrCreateAccount("alice@example.org", "t");
  ASSERT_TRUE(store->AddVote(alice.id, "2405.00002", "t"));
  EXPECT_EQ((**store->GetPopularity("2405.00002")).upvotes(), 3);
}

TEST_P(StoreTest, RescoreTrendingRepairsStaleScores) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00001", 1)));
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.00002", 1)));
  DailyEntry e;
  e.date = "2024-05-09";
  e.paper_id = "2405.00001";
  e.upvotes = 12;
  ASSERT_TRUE(store_->UpsertDailyEntry(e));
  auto alice = *store_->FindOrCreateAccount("alice@example.org", "t");
  ASSERT_TRUE(store_->AddVote(alice.id, "2405.00002", "t"));
  // Scores kept current by every write: nothing to do.
  auto none = store_->RescoreTrending();
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_EQ(*none, 0);
  // Scores from an older formula (as after a constant changed).
  {
    auto db = ConnectSociDb(db_->options());
    ASSERT_TRUE(db) << db.error().ToString();
    (*db)->sql() << "UPDATE paper_popularity SET trending = -1";
  }
  int64_t seq_before = store_->Stats()->popularity_seq;
  auto moved = store_->RescoreTrending();
  ASSERT_TRUE(moved) << moved.error().ToString();
  EXPECT_EQ(*moved, 2);
  auto p1 = **store_->GetPopularity("2405.00001");
  EXPECT_DOUBLE_EQ(p1.trending, ranking::TrendingScore({12, std::nullopt, "2024-05-09"}));
  EXPECT_GT(p1.popularity_seq, seq_before);
  auto p2 = **store_->GetPopularity("2405.00002");
  EXPECT_DOUBLE_EQ(p2.trending, ranking::TrendingScore({1, std::nullopt, "2024-05-01T10:00:00Z"}));
  EXPECT_EQ(store_->PopularityChangedSince(seq_before, 10)->size(), 2u);
  EXPECT_EQ(*store_->RescoreTrending(), 0);
}

// ---- Concurrent writers, each on its own connection.

// Retries a write that lost a conflict, as a client of the API would.
template <typename Fn>
auto WithRetries(Fn&& fn) {
  auto r = fn();
  for (int i = 0; i < 20 && !r && r.error().code == ErrorCode::kAborted; ++i) r = fn();
  return r;
}

TEST_P(StoreTest, FiftyConcurrentVotersAreCountedExactly) {
  constexpr int kVoters = 50;
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  ASSERT_TRUE(store_->UpsertDailyEntry(Entry("2024-05-08", "2405.04517", 7)));
  std::vector<int64_t> users;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kVoters; ++i) {
    users.push_back(
        store_->FindOrCreateAccount("voter" + std::to_string(i) + "@example.org", "t")->id);
    stores.push_back(db_->Open());
  }
  std::vector<Result<bool>> results(kVoters, Fail(ErrorCode::kInternal, "not run"));
  std::latch start(kVoters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kVoters; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = WithRetries([&] { return stores[i]->AddVote(users[i], "2405.04517", "t"); });
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_TRUE(*r);
  }
  auto pop = **store_->GetPopularity("2405.04517");
  EXPECT_EQ(pop.local_votes, kVoters);
  EXPECT_EQ((*store_->DailyEntriesForPaper("2405.04517"))[0].upvotes, 7 + kVoters);
  EXPECT_EQ(store_->Stats()->votes, kVoters);
  // Every vote took its own popularity_seq: 1 for the import, then 50.
  EXPECT_EQ(store_->Stats()->popularity_seq, 1 + kVoters);
}

TEST_P(StoreTest, ConcurrentOneAccountVotesAreOneVote) {
  ASSERT_TRUE(store_->UpsertPaper(MakePaper("2405.04517", 1)));
  int64_t alice = store_->FindOrCreateAccount("alice@example.org", "t")->id;
  constexpr int kThreads = 10;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kThreads; ++i) stores.push_back(db_->Open());
  std::atomic<int> added{0}, already{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      for (int j = 0; j < 5; ++j) {
        auto r = WithRetries([&] { return stores[i]->AddVote(alice, "2405.04517", "t"); });
        if (r && *r) ++added;
        if (r && !*r) ++already;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(added, 1);
  EXPECT_EQ(already, kThreads * 5 - 1);
  EXPECT_EQ((**store_->GetPopularity("2405.04517")).local_votes, 1);
}

// 1,000 random vote/unvote operations of 20 accounts on 5 papers from 4
// connections at once: the stored counts equal the sum of what the calls
// answered (+1 for each vote added, -1 for each removed).
TEST_P(StoreTest, RandomConcurrentVotesMatchAModel) {
  constexpr int kUsers = 20, kPapers = 5, kThreads = 4, kOpsPerThread = 250;
  std::vector<std::string> papers;
  for (int p = 0; p < kPapers; ++p) {
    papers.push_back("2405.0000" + std::to_string(p + 1));
    ASSERT_TRUE(store_->UpsertPaper(MakePaper(papers.back(), 1)));
  }
  std::vector<int64_t> users;
  for (int u = 0; u < kUsers; ++u) {
    std::string email = "user" + std::to_string(u) + "@example.org";
    users.push_back(store_->FindOrCreateAccount(email, "t")->id);
  }
  // delta[t][u][p]: the effect thread t's answers claim on (user u, paper p).
  std::vector<std::vector<std::vector<int>>> delta(
      kThreads, std::vector<std::vector<int>>(kUsers, std::vector<int>(kPapers, 0)));
  std::atomic<int> failures{0};
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < kThreads; ++t) stores.push_back(db_->Open());
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      start.arrive_and_wait();
      for (int i = 0; i < kOpsPerThread; ++i) {
        int u = static_cast<int>(rng() % kUsers), p = static_cast<int>(rng() % kPapers);
        bool add = rng() % 2 == 0;
        auto r = WithRetries([&] {
          return add ? stores[t]->AddVote(users[u], papers[p], "t")
                     : stores[t]->RemoveVote(users[u], papers[p]);
        });
        if (!r) {
          ++failures;
        } else if (*r) {
          delta[t][u][p] += add ? 1 : -1;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures, 0);
  int64_t total = 0;
  for (int p = 0; p < kPapers; ++p) {
    int64_t expected = 0;
    for (int u = 0; u < kUsers; ++u) {
      int pair = 0;
      for (int t = 0; t < kThreads; ++t) pair += delta[t][u][p];
      // Per account and paper, added and removed alternate: 0 or 1 remain.
      ASSERT_TRUE(pair == 0 || pair == 1) << "user " << u << " paper " << p << ": " << pair;
      bool voted = !store_->VotedPapers(users[u], {papers[p]})->empty();
      EXPECT_EQ(voted, pair == 1) << "user " << u << " paper " << p;
      expected += pair;
    }
    auto pop = *store_->GetPopularity(papers[p]);
    EXPECT_EQ(pop ? pop->local_votes : 0, expected) << papers[p];
    total += expected;
  }
  EXPECT_EQ(store_->Stats()->votes, total);
}

// ---- Digest subscriptions and the outbox.

Subscription Sub(const std::string& email, const std::string& query = "",
                 DigestFrequency frequency = DigestFrequency::kDaily) {
  Subscription s;
  s.email = email;
  s.query = query;
  s.frequency = frequency;
  return s;
}

// Adds `s` pending with confirmation hash `hash` (valid until 1000) and
// confirms it at 500.
int64_t AddConfirmed(Store& store, Subscription s, const std::string& hash) {
  auto id = store.AddSubscription(s, hash, 1000, "2026-11-01T00:00:00Z");
  EXPECT_TRUE(id) << id.error().ToString();
  auto confirmed = store.ConfirmSubscription(hash, 500, "2026-11-01T00:05:00Z");
  EXPECT_TRUE(confirmed) << confirmed.error().ToString();
  return id ? *id : 0;
}

SubscriptionStatus StatusOf(Store& store, int64_t id) {
  auto s = store.GetSubscription(id);
  EXPECT_TRUE(s && *s);
  return s && *s ? (*s)->status : SubscriptionStatus::kPending;
}

NewDigest Digest(int64_t subscription_id, const std::string& period, const std::string& to,
                 std::vector<std::string> papers, const std::string& unsubscribe_hash,
                 int64_t due = 100) {
  NewDigest d;
  d.mail.subscription_id = subscription_id;
  d.mail.period = period;
  d.mail.from_email = "digest@paperpulse.example";
  d.mail.to_email = to;
  d.mail.message_id = period + "." + std::to_string(subscription_id) + "@paperpulse.example";
  d.mail.mime = "Subject: papers of " + period + "\r\n\r\nbody\r\n";
  d.mail.next_attempt_at = due;
  d.mail.created_at = "2026-11-27T06:00:00Z";
  d.paper_ids = std::move(papers);
  d.unsubscribe_hash = unsubscribe_hash;
  return d;
}

std::vector<int64_t> Ids(const std::vector<OutboxMail>& mails) {
  std::vector<int64_t> out;
  for (const OutboxMail& m : mails) out.push_back(m.id);
  return out;
}

std::vector<int64_t> Ids(const std::vector<Subscription>& subs) {
  std::vector<int64_t> out;
  for (const Subscription& s : subs) out.push_back(s.id);
  return out;
}

TEST_P(StoreTest, SubscriptionsNeedTheirLinkConfirmedInTime) {
  Subscription s = Sub("Alice@Example.ORG");
  auto id = store_->AddSubscription(s, "h1", 1000, "2026-11-01T00:00:00Z");
  ASSERT_TRUE(id) << id.error().ToString();
  auto pending = **store_->GetSubscription(*id);
  EXPECT_EQ(pending.email, "alice@example.org");
  EXPECT_EQ(pending.status, SubscriptionStatus::kPending);
  EXPECT_EQ(pending.created_at, "2026-11-01T00:00:00Z");
  EXPECT_EQ(pending.confirmed_at, "");
  // Not mailed, not listed, until confirmed.
  EXPECT_TRUE(store_->SubscriptionsOfEmail("alice@example.org")->empty());
  EXPECT_TRUE(store_->ActiveSubscriptions(DigestFrequency::kDaily, 0, 10)->empty());

  auto confirmed = store_->ConfirmSubscription("h1", 999, "2026-11-01T00:16:39Z");
  ASSERT_TRUE(confirmed) << confirmed.error().ToString();
  EXPECT_EQ(confirmed->id, *id);
  EXPECT_EQ(confirmed->status, SubscriptionStatus::kActive);
  EXPECT_EQ(confirmed->confirmed_at, "2026-11-01T00:16:39Z");
  // Opening the link again (even after it expired) answers the same.
  auto again = store_->ConfirmSubscription("h1", 5000, "later");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->id, *id);
  EXPECT_EQ(again->confirmed_at, "2026-11-01T00:16:39Z");
  EXPECT_EQ(Ids(*store_->SubscriptionsOfEmail("ALICE@example.org")), std::vector<int64_t>{*id});
  EXPECT_EQ(Ids(*store_->ActiveSubscriptions(DigestFrequency::kDaily, 0, 10)),
            std::vector<int64_t>{*id});

  auto late_id = store_->AddSubscription(Sub("bob@example.org"), "h2", 1000, "t");
  ASSERT_TRUE(late_id);
  auto late = store_->ConfirmSubscription("h2", 1000, "t");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(late.error().message, HasSubstr("expired"));
  EXPECT_EQ(StatusOf(*store_, *late_id), SubscriptionStatus::kPending);

  ASSERT_TRUE(store_->SetSubscriptionStatus(*id, SubscriptionStatus::kUnsubscribed));
  auto ended = store_->ConfirmSubscription("h1", 600, "t");
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(ended.error().message, HasSubstr("unsubscribed"));
  EXPECT_EQ(StatusOf(*store_, *id), SubscriptionStatus::kUnsubscribed);

  auto unknown = store_->ConfirmSubscription("nope", 500, "t");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, NewSubscriptionsAreCheckedAndHashesUnique) {
  auto no_hash = store_->AddSubscription(Sub("a@example.org"), "", 1000, "t");
  ASSERT_FALSE(no_hash);
  EXPECT_EQ(no_hash.error().code, ErrorCode::kInvalidArgument);
  Subscription ended = Sub("a@example.org");
  ended.status = SubscriptionStatus::kUnsubscribed;
  auto bad_status = store_->AddSubscription(ended, "h", 1000, "t");
  ASSERT_FALSE(bad_status);
  EXPECT_EQ(bad_status.error().code, ErrorCode::kInvalidArgument);
  auto no_email = store_->AddSubscription(Sub(""), "h", 1000, "t");
  ASSERT_FALSE(no_email);
  EXPECT_EQ(no_email.error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(store_->AddSubscription(Sub("a@example.org"), "h", 1000, "t"));
  auto taken = store_->AddSubscription(Sub("b@example.org"), "h", 1000, "t");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists) << taken.error().ToString();
  auto unknown_user = Sub("c@example.org");
  unknown_user.user_id = 4242;
  auto no_account = store_->AddSubscription(unknown_user, "h3", 1000, "t");
  ASSERT_FALSE(no_account);
  EXPECT_EQ(no_account.error().code, ErrorCode::kNotFound) << no_account.error().ToString();
}

TEST_P(StoreTest, ConfirmingReplacesTheDigestAndTheSameAlertOnly) {
  int64_t digest = AddConfirmed(*store_, Sub("alice@example.org"), "d1");
  int64_t alert_gu = AddConfirmed(*store_, Sub("alice@example.org", "author:Gu"), "a1");
  int64_t alert_cat = AddConfirmed(*store_, Sub("alice@example.org", "cat:cs.LG"), "a2");
  int64_t bobs = AddConfirmed(*store_, Sub("bob@example.org"), "b1");
  // An alert with a query does not replace the digest, nor other alerts.
  EXPECT_EQ(Ids(*store_->SubscriptionsOfEmail("alice@example.org")),
            (std::vector<int64_t>{digest, alert_gu, alert_cat}));

  // A new digest (weekly now) replaces the daily one once confirmed.
  auto weekly = store_->AddSubscription(Sub("Alice@example.org", "", DigestFrequency::kWeekly),
                                        "d2", 1000, "t");
  ASSERT_TRUE(weekly);
  EXPECT_EQ(StatusOf(*store_, digest), SubscriptionStatus::kActive);
  ASSERT_TRUE(store_->ConfirmSubscription("d2", 500, "t"));
  EXPECT_EQ(StatusOf(*store_, digest), SubscriptionStatus::kUnsubscribed);
  EXPECT_EQ(StatusOf(*store_, *weekly), SubscriptionStatus::kActive);
  // The same query again replaces that alert only.
  int64_t alert_gu2 = AddConfirmed(*store_, Sub("alice@example.org", "author:Gu"), "a3");
  EXPECT_EQ(StatusOf(*store_, alert_gu), SubscriptionStatus::kUnsubscribed);
  EXPECT_EQ(StatusOf(*store_, alert_cat), SubscriptionStatus::kActive);
  EXPECT_EQ(StatusOf(*store_, bobs), SubscriptionStatus::kActive);
  // Digest first, then alerts by id.
  EXPECT_EQ(Ids(*store_->SubscriptionsOfEmail("alice@example.org")),
            (std::vector<int64_t>{*weekly, alert_cat, alert_gu2}));
  EXPECT_TRUE(store_->ActiveSubscriptions(DigestFrequency::kDaily, 0, 10)->size() == 3);
  EXPECT_EQ(Ids(*store_->ActiveSubscriptions(DigestFrequency::kWeekly, 0, 10)),
            std::vector<int64_t>{*weekly});
}

TEST_P(StoreTest, ActiveSubscriptionsStartAtOnceAndKeepTheirFilters) {
  Account alice = *store_->FindOrCreateAccount("alice@example.org", "t");
  int64_t old = AddConfirmed(*store_, Sub("alice@example.org"), "d1");
  Subscription s = Sub("ALICE@example.org", "", DigestFrequency::kWeekly);
  s.user_id = alice.id;
  s.status = SubscriptionStatus::kActive;
  s.categories = {"cs.LG", "math"};
  s.keywords = {"graph neural networks", "a, b", "say \"hi\"\nnow", "Łódź"};
  s.min_upvotes = 5;
  // No confirmation link: the account's address is verified.
  auto id = store_->AddSubscription(s, "", 0, "2026-11-02T00:00:00Z");
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_EQ(StatusOf(*store_, old), SubscriptionStatus::kUnsubscribed);
  auto got = **store_->GetSubscription(*id);
  EXPECT_EQ(got.email, "alice@example.org");
  EXPECT_EQ(got.user_id, alice.id);
  EXPECT_EQ(got.frequency, DigestFrequency::kWeekly);
  EXPECT_EQ(got.categories, s.categories);
  EXPECT_EQ(got.keywords, s.keywords);
  EXPECT_EQ(got.min_upvotes, 5);
  EXPECT_EQ(got.query, "");
  EXPECT_EQ(got.status, SubscriptionStatus::kActive);
  EXPECT_EQ(got.confirmed_at, "2026-11-02T00:00:00Z");
  EXPECT_EQ((**store_->GetSubscription(old)).user_id, 0);
  // A bouncing digest is replaced too: the new one is the address's digest.
  ASSERT_TRUE(store_->SetSubscriptionStatus(*id, SubscriptionStatus::kBouncing));
  auto again = store_->AddSubscription(s, "", 0, "t");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(StatusOf(*store_, *id), SubscriptionStatus::kUnsubscribed);
  EXPECT_EQ(Ids(*store_->SubscriptionsOfEmail("alice@example.org")), std::vector<int64_t>{*again});
  EXPECT_FALSE(*store_->GetSubscription(*again + 100));
}

TEST_P(StoreTest, SubscriptionsChangeFiltersAndStatus) {
  int64_t id = AddConfirmed(*store_, Sub("alice@example.org", "author:Gu"), "h");
  Subscription change = Sub("mallory@example.org", "other query", DigestFrequency::kWeekly);
  change.id = id;
  change.status = SubscriptionStatus::kUnsubscribed;
  change.categories = {"hep-th"};
  change.keywords = {"dark matter"};
  change.min_upvotes = 3;
  ASSERT_TRUE(store_->UpdateSubscription(change));
  auto got = **store_->GetSubscription(id);
  EXPECT_EQ(got.frequency, DigestFrequency::kWeekly);
  EXPECT_EQ(got.categories, change.categories);
  EXPECT_EQ(got.keywords, change.keywords);
  EXPECT_EQ(got.min_upvotes, 3);
  // Not the address, the query or the status.
  EXPECT_EQ(got.email, "alice@example.org");
  EXPECT_EQ(got.query, "author:Gu");
  EXPECT_EQ(got.status, SubscriptionStatus::kActive);

  change.id = id + 1;
  auto missing = store_->UpdateSubscription(change);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto missing_status = store_->SetSubscriptionStatus(id + 1, SubscriptionStatus::kBouncing);
  ASSERT_FALSE(missing_status);
  EXPECT_EQ(missing_status.error().code, ErrorCode::kNotFound);

  // Bouncing: still listed in the settings, no longer mailed.
  ASSERT_TRUE(store_->SetSubscriptionStatus(id, SubscriptionStatus::kBouncing));
  EXPECT_EQ(store_->SubscriptionsOfEmail("alice@example.org")->size(), 1u);
  EXPECT_TRUE(store_->ActiveSubscriptions(DigestFrequency::kWeekly, 0, 10)->empty());
  ASSERT_TRUE(store_->SetSubscriptionStatus(id, SubscriptionStatus::kUnsubscribed));
  EXPECT_TRUE(store_->SubscriptionsOfEmail("alice@example.org")->empty());
}

TEST_P(StoreTest, ActiveSubscriptionsArePagedByFrequency) {
  std::vector<int64_t> daily, weekly;
  for (int i = 0; i < 5; ++i) {
    std::string n = std::to_string(i);
    daily.push_back(AddConfirmed(*store_, Sub("d" + n + "@example.org"), "d" + n));
    if (i < 3) {
      weekly.push_back(AddConfirmed(
          *store_, Sub("w" + n + "@example.org", "", DigestFrequency::kWeekly), "w" + n));
    }
  }
  ASSERT_TRUE(store_->AddSubscription(Sub("pending@example.org"), "p", 1000, "t"));
  int64_t ended = AddConfirmed(*store_, Sub("ended@example.org"), "e");
  ASSERT_TRUE(store_->SetSubscriptionStatus(ended, SubscriptionStatus::kUnsubscribed));

  std::vector<int64_t> seen;
  std::vector<size_t> pages;
  for (int64_t after = 0;;) {
    auto page = store_->ActiveSubscriptions(DigestFrequency::kDaily, after, 2);
    ASSERT_TRUE(page) << page.error().ToString();
    if (page->empty()) break;
    pages.push_back(page->size());
    for (const Subscription& s : *page) {
      EXPECT_EQ(s.frequency, DigestFrequency::kDaily);
      seen.push_back(s.id);
    }
    after = page->back().id;
  }
  EXPECT_EQ(seen, daily);
  EXPECT_EQ(pages, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(Ids(*store_->ActiveSubscriptions(DigestFrequency::kWeekly, 0, 10)), weekly);
  EXPECT_EQ(Ids(*store_->ActiveSubscriptions(DigestFrequency::kWeekly, weekly[1], 10)),
            std::vector<int64_t>{weekly[2]});
  EXPECT_TRUE(store_->ActiveSubscriptions(DigestFrequency::kDaily, 0, 0)->empty());
}

TEST_P(StoreTest, UnsubscribeLinksEndTheirSubscriptionOnce) {
  int64_t id = AddConfirmed(*store_, Sub("alice@example.org"), "h");
  ASSERT_TRUE(store_->EnqueueDigest(Digest(id, "daily/2026-11-27", "alice@example.org", {}, "u1")));
  auto of = store_->SubscriptionOfUnsubscribeToken("u1");
  ASSERT_TRUE(of && *of) << (of ? "none" : of.error().ToString());
  EXPECT_EQ((*of)->id, id);
  EXPECT_FALSE(*store_->SubscriptionOfUnsubscribeToken("u2"));

  auto first = store_->Unsubscribe("u1");
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_TRUE(*first);
  EXPECT_EQ(StatusOf(*store_, id), SubscriptionStatus::kUnsubscribed);
  auto second = store_->Unsubscribe("u1");
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  auto unknown = store_->Unsubscribe("u2");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  // A bouncing subscription can be ended too.
  int64_t bob = AddConfirmed(*store_, Sub("bob@example.org"), "hb");
  ASSERT_TRUE(store_->EnqueueDigest(Digest(bob, "daily/2026-11-27", "bob@example.org", {}, "ub")));
  ASSERT_TRUE(store_->SetSubscriptionStatus(bob, SubscriptionStatus::kBouncing));
  EXPECT_TRUE(*store_->Unsubscribe("ub"));
  EXPECT_EQ(StatusOf(*store_, bob), SubscriptionStatus::kUnsubscribed);
}

TEST_P(StoreTest, OneDigestPerSubscriptionAndPeriod) {
  int64_t id = AddConfirmed(*store_, Sub("alice@example.org"), "h");
  const std::string period = "daily/2026-11-27";
  EXPECT_FALSE(*store_->HasDigest(id, period));
  EXPECT_FALSE(*store_->GetOutboxMail(id, period));
  NewDigest first = Digest(id, period, "Alice@Example.org", {"2411.00001", "2411.00002"}, "u1");
  auto inserted = store_->EnqueueDigest(first);
  ASSERT_TRUE(inserted) << inserted.error().ToString();
  EXPECT_TRUE(*inserted);
  EXPECT_TRUE(*store_->HasDigest(id, period));
  EXPECT_FALSE(*store_->HasDigest(id, "daily/2026-11-28"));

  auto mail = store_->GetOutboxMail(id, period);
  ASSERT_TRUE(mail && *mail) << (mail ? "none" : mail.error().ToString());
  EXPECT_GT((*mail)->id, 0);
  EXPECT_EQ((*mail)->subscription_id, id);
  EXPECT_EQ((*mail)->period, period);
  EXPECT_EQ((*mail)->from_email, first.mail.from_email);
  EXPECT_EQ((*mail)->to_email, "Alice@Example.org");
  EXPECT_EQ((*mail)->message_id, first.mail.message_id);
  EXPECT_EQ((*mail)->mime, first.mail.mime);
  EXPECT_EQ((*mail)->state, OutboxState::kPending);
  EXPECT_EQ((*mail)->attempts, 0);
  EXPECT_EQ((*mail)->next_attempt_at, 100);
  EXPECT_EQ((*mail)->created_at, first.mail.created_at);
  EXPECT_EQ((*mail)->sent_at, "");

  // A second render of the period (a re-run, another node) writes nothing.
  NewDigest second = Digest(id, period, "alice@example.org", {"2411.00003"}, "u2");
  second.mail.mime = "other";
  auto again = store_->EnqueueDigest(second);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_FALSE(*again);
  EXPECT_EQ((*store_->GetOutboxMail(id, period))->mime, first.mail.mime);
  EXPECT_THAT(*store_->ReceivedPapers("alice@example.org",
                                      {"2411.00003", "2411.00002", "2411.00001", "2411.00004"}),
              ElementsAre("2411.00002", "2411.00001"));
  EXPECT_FALSE(*store_->SubscriptionOfUnsubscribeToken("u2"));
  EXPECT_EQ(store_->GetOutboxStats()->pending, 1);

  auto no_link = store_->EnqueueDigest(Digest(id, "daily/2026-11-28", "a@example.org", {}, ""));
  ASSERT_FALSE(no_link);
  EXPECT_EQ(no_link.error().code, ErrorCode::kInvalidArgument);
  auto no_subscription = store_->EnqueueDigest(Digest(id + 1, period, "x@example.org", {}, "u3"));
  ASSERT_FALSE(no_subscription);
  EXPECT_EQ(no_subscription.error().code, ErrorCode::kNotFound)
      << no_subscription.error().ToString();
}

TEST_P(StoreTest, ReceivedPapersAreCountedPerAddressInAnyNumber) {
  int64_t alice = AddConfirmed(*store_, Sub("alice@example.org"), "ha");
  int64_t alert = AddConfirmed(*store_, Sub("alice@example.org", "author:Gu"), "hq");
  int64_t bob = AddConfirmed(*store_, Sub("bob@example.org"), "hb");
  std::vector<std::string> all, mailed;
  for (int i = 0; i < 300; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "2411.%05d", i);
    all.push_back(id);
    if (i % 7 == 0) mailed.push_back(id);
  }
  // Half by the digest, half by an alert: both count for the address, and
  // a paper in both (the overlap) is recorded once.
  std::vector<std::string> by_digest(mailed.begin(), mailed.begin() + 25);
  std::vector<std::string> by_alert(mailed.begin() + 20, mailed.end());
  ASSERT_TRUE(*store_->EnqueueDigest(
      Digest(alice, "daily/2026-11-27", "alice@example.org", by_digest, "u1")));
  ASSERT_TRUE(*store_->EnqueueDigest(
      Digest(alert, "daily/2026-11-27", "ALICE@example.org", by_alert, "u2")));
  ASSERT_TRUE(
      *store_->EnqueueDigest(Digest(bob, "daily/2026-11-27", "bob@example.org", {all[1]}, "u3")));
  auto received = store_->ReceivedPapers("Alice@Example.org", all);
  ASSERT_TRUE(received) << received.error().ToString();
  EXPECT_EQ(*received, mailed);  // in the order asked
  EXPECT_THAT(*store_->ReceivedPapers("bob@example.org", all), ElementsAre(all[1]));
  EXPECT_TRUE(store_->ReceivedPapers("carol@example.org", all)->empty());
  EXPECT_TRUE(store_->ReceivedPapers("alice@example.org", {})->empty());
}

TEST_P(StoreTest, ClaimingTakesDueAndStaleMailOnce) {
  int64_t a = AddConfirmed(*store_, Sub("a@example.org"), "ha");
  int64_t b = AddConfirmed(*store_, Sub("b@example.org"), "hb");
  int64_t c = AddConfirmed(*store_, Sub("c@example.org"), "hc");
  const std::string period = "daily/2026-11-27";
  ASSERT_TRUE(store_->EnqueueDigest(Digest(a, period, "a@example.org", {}, "ua", 100)));
  ASSERT_TRUE(store_->EnqueueDigest(Digest(b, period, "b@example.org", {}, "ub", 200)));
  ASSERT_TRUE(store_->EnqueueDigest(Digest(c, period, "c@example.org", {}, "uc", 300)));
  int64_t ma = (*store_->GetOutboxMail(a, period))->id;
  int64_t mb = (*store_->GetOutboxMail(b, period))->id;
  int64_t mc = (*store_->GetOutboxMail(c, period))->id;

  EXPECT_TRUE(store_->ClaimDueMail(99, 0, 10)->empty());
  auto first = store_->ClaimDueMail(150, 0, 10);
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_EQ(Ids(*first), std::vector<int64_t>{ma});
  EXPECT_EQ((*first)[0].state, OutboxState::kSending);
  EXPECT_EQ((*first)[0].attempts, 1);
  EXPECT_EQ((*first)[0].to_email, "a@example.org");
  EXPECT_FALSE((*first)[0].mime.empty());
  EXPECT_EQ((*store_->GetOutboxMail(a, period))->state, OutboxState::kSending);
  // Claimed at 150: not taken again while that claim is fresh.
  EXPECT_TRUE(store_->ClaimDueMail(160, 150, 10)->empty());
  // Stale (claimed before 151): taken again first, then the due ones.
  auto second = store_->ClaimDueMail(250, 151, 10);
  ASSERT_TRUE(second) << second.error().ToString();
  ASSERT_EQ(Ids(*second), (std::vector<int64_t>{ma, mb}));
  EXPECT_EQ((*second)[0].attempts, 2);
  EXPECT_EQ((*second)[1].attempts, 1);
  // At most `limit`, the longest due first.
  ASSERT_TRUE(store_->MarkMailDeferred(mb, 260, "421 try later"));
  auto one = store_->ClaimDueMail(1000, 0, 1);
  ASSERT_TRUE(one);
  EXPECT_EQ(Ids(*one), std::vector<int64_t>{mb});
  EXPECT_EQ(Ids(*store_->ClaimDueMail(1000, 0, 5)), std::vector<int64_t>{mc});
  EXPECT_TRUE(store_->ClaimDueMail(1000, 0, 0)->empty());
}

TEST_P(StoreTest, DeliveryOutcomesAreRecorded) {
  int64_t alice = AddConfirmed(*store_, Sub("alice@example.org"), "ha");
  int64_t alert = AddConfirmed(*store_, Sub("alice@example.org", "author:Gu"), "hq");
  int64_t bob = AddConfirmed(*store_, Sub("bob@example.org"), "hb");
  int64_t carol = AddConfirmed(*store_, Sub("carol@example.org"), "hc");
  const std::string period = "daily/2026-11-27";
  ASSERT_TRUE(store_->EnqueueDigest(Digest(alice, period, "Alice@example.org", {}, "u1")));
  ASSERT_TRUE(store_->EnqueueDigest(Digest(bob, period, "bob@example.org", {}, "u2")));
  ASSERT_TRUE(store_->EnqueueDigest(Digest(carol, period, "carol@example.org", {}, "u3")));
  ASSERT_EQ(store_->ClaimDueMail(100, 0, 10)->size(), 3u);
  int64_t m_alice = (*store_->GetOutboxMail(alice, period))->id;
  int64_t m_bob = (*store_->GetOutboxMail(bob, period))->id;
  int64_t m_carol = (*store_->GetOutboxMail(carol, period))->id;

  // Sent: the body is dropped.
  ASSERT_TRUE(store_->MarkMailSent(m_bob, "2026-11-27T06:01:00Z"));
  auto sent = **store_->GetOutboxMail(bob, period);
  EXPECT_EQ(sent.state, OutboxState::kSent);
  EXPECT_EQ(sent.sent_at, "2026-11-27T06:01:00Z");
  EXPECT_EQ(sent.mime, "");

  // Deferred twice, then sent: due again only from the given time.
  ASSERT_TRUE(store_->MarkMailDeferred(m_carol, 400, "421 busy"));
  auto deferred = **store_->GetOutboxMail(carol, period);
  EXPECT_EQ(deferred.state, OutboxState::kPending);
  EXPECT_EQ(deferred.next_attempt_at, 400);
  EXPECT_EQ(deferred.last_error, "421 busy");
  EXPECT_TRUE(store_->ClaimDueMail(399, 0, 10)->empty());
  ASSERT_EQ(Ids(*store_->ClaimDueMail(400, 0, 10)), std::vector<int64_t>{m_carol});
  ASSERT_TRUE(store_->MarkMailDeferred(m_carol, 500, "421 busy"));
  auto stats = store_->GetOutboxStats();
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(stats->pending, 2);  // alice's (sending) and carol's
  EXPECT_EQ(stats->sent, 1);
  EXPECT_EQ(stats->failed, 0);
  EXPECT_EQ(stats->deferrals, 2);
  ASSERT_EQ(Ids(*store_->ClaimDueMail(500, 0, 10)), std::vector<int64_t>{m_carol});
  EXPECT_EQ((*store_->GetOutboxMail(carol, period))->attempts, 3);
  ASSERT_TRUE(store_->MarkMailSent(m_carol, "t"));

  // Refused for good: every active subscription of the address bounces;
  // other addresses and ended subscriptions stay as they were.
  int64_t ended = AddConfirmed(*store_, Sub("alice@example.org", "cat:cs.AI"), "he");
  ASSERT_TRUE(store_->SetSubscriptionStatus(ended, SubscriptionStatus::kUnsubscribed));
  ASSERT_TRUE(store_->MarkMailFailed(m_alice, "550 no such user", /*bounce=*/true));
  auto failed = **store_->GetOutboxMail(alice, period);
  EXPECT_EQ(failed.state, OutboxState::kFailed);
  EXPECT_EQ(failed.last_error, "550 no such user");
  EXPECT_EQ(StatusOf(*store_, alice), SubscriptionStatus::kBouncing);
  EXPECT_EQ(StatusOf(*store_, alert), SubscriptionStatus::kBouncing);
  EXPECT_EQ(StatusOf(*store_, ended), SubscriptionStatus::kUnsubscribed);
  EXPECT_EQ(StatusOf(*store_, bob), SubscriptionStatus::kActive);
  EXPECT_TRUE(store_->ActiveSubscriptions(DigestFrequency::kDaily, 0, 10)->size() == 2);

  stats = store_->GetOutboxStats();
  EXPECT_EQ(stats->pending, 0);
  EXPECT_EQ(stats->sent, 2);
  EXPECT_EQ(stats->failed, 1);
  EXPECT_EQ(stats->deferrals, 2);

  // Failing without a bounce leaves the subscriptions alone.
  ASSERT_TRUE(store_->EnqueueDigest(Digest(bob, "daily/2026-11-28", "bob@example.org", {}, "u4")));
  int64_t m_bob2 = (*store_->GetOutboxMail(bob, "daily/2026-11-28"))->id;
  ASSERT_TRUE(store_->MarkMailFailed(m_bob2, "too many tries", /*bounce=*/false));
  EXPECT_EQ(StatusOf(*store_, bob), SubscriptionStatus::kActive);
  EXPECT_EQ(store_->GetOutboxStats()->failed, 2);

  for (auto status : {store_->MarkMailSent(9999, "t"), store_->MarkMailDeferred(9999, 1, "e"),
                      store_->MarkMailFailed(9999, "e", true)}) {
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  }
}

TEST_P(StoreTest, VotesOfAccountAreNewestFirst) {
  for (const char* id : {"2405.00001", "2405.00002", "2405.00003", "2405.00004"}) {
    ASSERT_TRUE(store_->UpsertPaper(MakePaper(id, 1)));
  }
  int64_t alice = store_->FindOrCreateAccount("alice@example.org", "t")->id;
  int64_t bob = store_->FindOrCreateAccount("bob@example.org", "t")->id;
  ASSERT_TRUE(store_->AddVote(alice, "2405.00002", "2026-11-01T10:00:00Z"));
  ASSERT_TRUE(store_->AddVote(alice, "2405.00001", "2026-11-03T10:00:00Z"));
  ASSERT_TRUE(store_->AddVote(alice, "2405.00003", "2026-11-02T10:00:00Z"));
  ASSERT_TRUE(store_->AddVote(bob, "2405.00004", "2026-11-04T10:00:00Z"));
  auto votes = store_->VotesOfAccount(alice, 10);
  ASSERT_TRUE(votes) << votes.error().ToString();
  EXPECT_THAT(*votes, ElementsAre("2405.00001", "2405.00003", "2405.00002"));
  EXPECT_THAT(*store_->VotesOfAccount(alice, 2), ElementsAre("2405.00001", "2405.00003"));
  ASSERT_TRUE(store_->RemoveVote(alice, "2405.00003"));
  EXPECT_THAT(*store_->VotesOfAccount(alice, 10), ElementsAre("2405.00001", "2405.00002"));
  EXPECT_TRUE(store_->VotesOfAccount(alice + bob + 1, 10)->empty());
}

TEST_P(StoreTest, PapersSubmittedBetweenIsAHalfOpenRange) {
  std::vector<Paper> papers;
  for (int i = 1; i <= 5; ++i) {
    Paper p = MakePaper("2411.0000" + std::to_string(i), 1);
    p.submitted = "2024-11-0" + std::to_string(i) + "T12:00:00Z";
    papers.push_back(p);
  }
  // Two submitted in the same second (ordered by id). v1's date is what
  // the Store keeps as the submission time.
  papers[3].submitted = papers[2].submitted;
  for (Paper& p : papers) p.versions[0].date = p.submitted;
  for (auto it = papers.rbegin(); it != papers.rend(); ++it) ASSERT_TRUE(store_->UpsertPaper(*it));
  auto got = store_->PapersSubmittedBetween("2024-11-02", "2024-11-05", 10);
  ASSERT_TRUE(got) << got.error().ToString();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0], **store_->GetPaper("2411.00002"));  // full records
  EXPECT_EQ((*got)[1].id, "2411.00003");
  EXPECT_EQ((*got)[2].id, "2411.00004");
  EXPECT_EQ(store_->PapersSubmittedBetween("2024-11-02", "2024-11-03T12:00:00Z", 10)->size(), 1u);
  EXPECT_EQ(store_->PapersSubmittedBetween("2024-11-01T12:00:00Z", "2024-12-01", 2)->size(), 2u);
  EXPECT_TRUE(store_->PapersSubmittedBetween("2024-12-01", "2025-01-01", 10)->empty());
}

// Senders on several connections (processes, nodes) claiming at once: every
// mail is taken exactly once.
TEST_P(StoreTest, ConcurrentClaimsNeverShareAMail) {
  constexpr int kMails = 120, kSenders = 4;
  ASSERT_TRUE(store_->Begin());
  for (int i = 0; i < kMails; ++i) {
    std::string n = std::to_string(i);
    Subscription s = Sub("reader" + n + "@example.org");
    s.status = SubscriptionStatus::kActive;
    int64_t id = *store_->AddSubscription(s, "", 0, "t");
    ASSERT_TRUE(*store_->EnqueueDigest(
        Digest(id, "daily/2026-11-27", "reader" + n + "@example.org", {"2411.00001"}, "u" + n)));
  }
  ASSERT_TRUE(store_->Commit());
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kSenders; ++i) stores.push_back(db_->Open());
  std::vector<std::vector<int64_t>> claimed(kSenders);
  std::atomic<int> failures{0};
  std::latch start(kSenders);
  std::vector<std::thread> threads;
  for (int t = 0; t < kSenders; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (;;) {
        auto batch = WithRetries([&] { return stores[t]->ClaimDueMail(1000, 0, 7); });
        if (!batch) {
          ++failures;
          return;
        }
        if (batch->empty()) return;
        for (const OutboxMail& m : *batch) {
          claimed[t].push_back(m.id);
          if (!stores[t]->MarkMailSent(m.id, "t")) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures, 0);
  std::vector<int64_t> all;
  for (const auto& ids : claimed) all.insert(all.end(), ids.begin(), ids.end());
  std::set<int64_t> distinct(all.begin(), all.end());
  EXPECT_EQ(distinct.size(), all.size()) << "mails claimed more than once";
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kMails));
  auto stats = *store_->GetOutboxStats();
  EXPECT_EQ(stats.sent, kMails);
  EXPECT_EQ(stats.pending, 0);
}

// Two links of one address confirmed at once from two connections: one
// digest stays active, whichever committed last (on PostgreSQL the loser
// of the race on the unique index is run again).
TEST_P(StoreTest, ConcurrentConfirmationsLeaveOneActiveDigest) {
  auto other = db_->Open();
  constexpr int kRounds = 15;
  for (int round = 0; round < kRounds; ++round) {
    std::string r = std::to_string(round);
    auto a = store_->AddSubscription(Sub("alice@example.org"), "a" + r, 1000, "t");
    auto b = store_->AddSubscription(Sub("alice@example.org"), "b" + r, 1000, "t");
    ASSERT_TRUE(a && b);
    Result<Subscription> ra = Fail(ErrorCode::kInternal, "not run");
    Result<Subscription> rb = ra;
    std::latch start(2);
    std::thread ta([&] {
      start.arrive_and_wait();
      ra = store_->ConfirmSubscription("a" + r, 500, "t");
    });
    std::thread tb([&] {
      start.arrive_and_wait();
      rb = other->ConfirmSubscription("b" + r, 500, "t");
    });
    ta.join();
    tb.join();
    ASSERT_TRUE(ra) << ra.error().ToString();
    ASSERT_TRUE(rb) << rb.error().ToString();
    auto live = *store_->SubscriptionsOfEmail("alice@example.org");
    ASSERT_EQ(live.size(), 1u) << "round " << round;
    EXPECT_TRUE(live[0].id == *a || live[0].id == *b);
    EXPECT_EQ(live[0].status, SubscriptionStatus::kActive);
  }
  EXPECT_EQ(store_->ActiveSubscriptions(DigestFrequency::kDaily, 0, 100)->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing::AllBackends()),
                         [](const auto& info) { return info.param; });

TEST(MergePaper, OrderOfSourcesDoesNotMatterForVersionsAndDates) {
  Paper a;
  a.id = "x";
  a.versions = {{2, "2020-02-01T00:00:00Z", ""}};
  a.latest_version = 2;
  Paper b;
  b.id = "x";
  b.versions = {{1, "2020-01-01T00:00:00Z", "3kb"}};
  b.latest_version = 1;
  Paper empty;
  empty.id = "x";
  Paper ab = MergePaper(MergePaper(empty, a), b);
  Paper ba = MergePaper(MergePaper(empty, b), a);
  EXPECT_EQ(ab.versions, ba.versions);
  EXPECT_EQ(ab.submitted, "2020-01-01T00:00:00Z");
  EXPECT_EQ(ab.updated, "2020-02-01T00:00:00Z");
  EXPECT_EQ(ab.latest_version, 2);
  EXPECT_EQ(MergePaper(ab, b), ab);
}

}  // namespace
}  // namespace paperpulse::storage
