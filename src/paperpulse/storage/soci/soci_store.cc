#include "paperpulse/storage/soci/soci_store.h"

#include "paperpulse/storage/soci/accounts.h"
#include "paperpulse/storage/soci/daily.h"
#include "paperpulse/storage/soci/meta.h"
#include "paperpulse/storage/soci/migrations.h"
#include "paperpulse/storage/soci/moderation.h"
#include "paperpulse/storage/soci/papers.h"
#include "paperpulse/storage/soci/popularity.h"
#include "paperpulse/storage/soci/votes.h"

namespace paperpulse::storage {
namespace {

class SociStore final : public Store {
 public:
  explicit SociStore(std::unique_ptr<SociDb> db)
      : db_(std::move(db)),
        papers_(*db_),
        popularity_(*db_),
        daily_(*db_, papers_, popularity_),
        votes_(*db_, papers_, popularity_),
        accounts_(*db_),
        moderation_(*db_),
        meta_(*db_) {}

  std::string_view Backend() const override { return db_->dialect().name; }
  Result<int> SchemaVersion() override { return meta_.SchemaVersion(); }

  Status Begin() override { return db_->Begin(); }
  Status Commit() override { return db_->Commit(); }
  Status Rollback() override { return db_->Rollback(); }
  Status RunInTransaction(const std::function<Status()>& fn) override {
    return db_->RunInTransaction(fn);
  }

  Result<WriteOutcome> UpsertPaper(const Paper& paper) override { return papers_.Upsert(paper); }
  Result<WriteOutcome> UpsertUnkeyedPaper(const Paper& paper, std::string_view source) override {
    return papers_.UpsertUnkeyed(paper, source);
  }
  Result<std::optional<Paper>> GetPaper(std::string_view id) override { return papers_.Get(id); }
  Result<std::vector<ChangedPaper>> PapersChangedSince(int64_t after, int limit) override {
    return papers_.ChangedSince(after, limit);
  }

  Result<WriteOutcome> UpsertDailyEntry(const DailyEntry& entry) override {
    return daily_.Upsert(entry);
  }
  Result<std::vector<DailyEntry>> DailyEntriesBetween(std::string_view from,
                                                      std::string_view to) override {
    return daily_.Between(from, to);
  }
  Result<std::optional<std::string>> AdjacentDailyDate(std::string_view date,
                                                       Direction direction) override {
    return daily_.Adjacent(date, direction);
  }
  Result<std::vector<DailyEntry>> DailyEntriesForPaper(std::string_view paper_id) override {
    return daily_.ForPaper(paper_id);
  }
  Result<SubmitResult> SubmitPaper(std::string_view date, std::string_view paper_id,
                                   const Account& by, std::string_view now,
                                   int max_per_day) override {
    return daily_.Submit(date, paper_id, by, now, max_per_day);
  }
  Status SetDailyEntryHidden(std::string_view date, std::string_view paper_id,
                             bool hidden) override {
    return daily_.SetHidden(date, paper_id, hidden);
  }

  Result<StoreStats> Stats() override { return meta_.Stats(); }
  Result<int64_t> ContentVersion() override { return meta_.ContentVersion(); }
  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    return meta_.Get(key);
  }
  Status SetMeta(std::string_view key, std::string_view value) override {
    return meta_.Set(key, value);
  }

  Result<Account> FindOrCreateAccount(std::string_view email, std::string_view now) override {
    return accounts_.FindOrCreate(email, now);
  }
  Result<std::optional<Account>> GetAccount(int64_t id) override { return accounts_.Get(id); }
  Result<std::optional<Account>> GetAccountByEmail(std::string_view email) override {
    return accounts_.GetByEmail(email);
  }
  Result<std::optional<Account>> GetAccountByName(std::string_view name) override {
    return accounts_.GetByName(name);
  }
  Status SetAccountName(int64_t id, std::string_view name) override {
    return accounts_.SetName(id, name);
  }
  Status SetAccountAdmin(int64_t id, bool admin) override { return accounts_.SetAdmin(id, admin); }
  Status SetAccountBanned(int64_t id, bool banned) override {
    return accounts_.SetBanned(id, banned);
  }
  Status CreateLoginToken(std::string_view token_hash, std::string_view email, int64_t now,
                          int64_t expires_at) override {
    return accounts_.CreateLoginToken(token_hash, email, now, expires_at);
  }
  Result<std::string> ConsumeLoginToken(std::string_view token_hash, int64_t now) override {
    return accounts_.ConsumeLoginToken(token_hash, now);
  }
  Status CreateSession(const SessionRecord& session) override {
    return accounts_.CreateSession(session);
  }
  Result<std::optional<SessionRecord>> GetSession(std::string_view id_hash, int64_t now) override {
    return accounts_.GetSession(id_hash, now);
  }
  Status DeleteSession(std::string_view id_hash) override {
    return accounts_.DeleteSession(id_hash);
  }
  Status CreateApiToken(std::string_view token_hash, int64_t user_id, std::string_view label,
                        std::string_view now) override {
    return accounts_.CreateApiToken(token_hash, user_id, label, now);
  }
  Result<std::optional<int64_t>> ApiTokenUser(std::string_view token_hash) override {
    return accounts_.ApiTokenUser(token_hash);
  }

  Result<int64_t> HitRateLimit(std::string_view key, int64_t window_start) override {
    return moderation_.HitRateLimit(key, window_start);
  }
  Status AppendAudit(const AuditEntry& entry) override { return moderation_.AppendAudit(entry); }
  Result<std::vector<AuditEntry>> RecentAudit(int limit) override {
    return moderation_.RecentAudit(limit);
  }

  Result<bool> AddVote(int64_t user_id, std::string_view paper_id, std::string_view now) override {
    return votes_.Add(user_id, paper_id, now);
  }
  Result<bool> RemoveVote(int64_t user_id, std::string_view paper_id) override {
    return votes_.Remove(user_id, paper_id);
  }
  Result<std::vector<std::string>> VotedPapers(int64_t user_id,
                                               const std::vector<std::string>& paper_ids) override {
    return votes_.VotedPapers(user_id, paper_ids);
  }

  Result<std::optional<PaperPopularity>> GetPopularity(std::string_view paper_id) override {
    return popularity_.Get(paper_id);
  }
  Result<std::vector<PaperPopularity>> PopularityChangedSince(int64_t after, int limit) override {
    return popularity_.ChangedSince(after, limit);
  }
  Result<int64_t> RescoreTrending() override { return popularity_.RescoreAll(); }

  // ---- Issue 10 (being written): subscriptions and outbox.
  Result<std::vector<std::string>> VotesOfAccount(int64_t, int) override { return NotYet(); }
  Result<std::vector<Paper>> PapersSubmittedBetween(std::string_view, std::string_view,
                                                    int) override {
    return NotYet();
  }
  Result<int64_t> AddSubscription(const Subscription&, std::string_view, int64_t,
                                  std::string_view) override {
    return NotYet();
  }
  Result<Subscription> ConfirmSubscription(std::string_view, int64_t, std::string_view) override {
    return NotYet();
  }
  Result<std::optional<Subscription>> GetSubscription(int64_t) override { return NotYet(); }
  Result<std::vector<Subscription>> SubscriptionsOfEmail(std::string_view) override {
    return NotYet();
  }
  Status UpdateSubscription(const Subscription&) override { return NotYet(); }
  Status SetSubscriptionStatus(int64_t, SubscriptionStatus) override { return NotYet(); }
  Result<std::optional<Subscription>> SubscriptionOfUnsubscribeToken(std::string_view) override {
    return NotYet();
  }
  Result<bool> Unsubscribe(std::string_view) override { return NotYet(); }
  Result<std::vector<Subscription>> ActiveSubscriptions(DigestFrequency, int64_t, int) override {
    return NotYet();
  }
  Result<bool> EnqueueDigest(const NewDigest&) override { return NotYet(); }
  Result<bool> HasDigest(int64_t, std::string_view) override { return NotYet(); }
  Result<std::vector<std::string>> ReceivedPapers(std::string_view,
                                                  const std::vector<std::string>&) override {
    return NotYet();
  }
  Result<std::vector<OutboxMail>> ClaimDueMail(int64_t, int64_t, int) override { return NotYet(); }
  Status MarkMailSent(int64_t, std::string_view) override { return NotYet(); }
  Status MarkMailDeferred(int64_t, int64_t, std::string_view) override { return NotYet(); }
  Status MarkMailFailed(int64_t, std::string_view, bool) override { return NotYet(); }
  Result<std::optional<OutboxMail>> GetOutboxMail(int64_t, std::string_view) override {
    return NotYet();
  }
  Result<OutboxStats> GetOutboxStats() override { return NotYet(); }
  static tl::unexpected<Error> NotYet() { return Fail(ErrorCode::kUnsupported, "not yet"); }

 private:
  std::unique_ptr<SociDb> db_;
  PaperTable papers_;
  PopularityTable popularity_;
  DailyTable daily_;
  VoteTable votes_;
  AccountTable accounts_;
  ModerationTable moderation_;
  MetaTable meta_;
};

}  // namespace

Result<std::unique_ptr<Store>> MakeSociStore(std::unique_ptr<SociDb> db) {
  RETURN_IF_ERROR(ApplyMigrations(*db));
  return std::unique_ptr<Store>(std::make_unique<SociStore>(std::move(db)));
}

}  // namespace paperpulse::storage
