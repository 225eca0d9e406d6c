#include "paperpulse/storage/soci/soci_store.h"

#include "paperpulse/storage/soci/accounts.h"
#include "paperpulse/storage/soci/comments.h"
#include "paperpulse/storage/soci/daily.h"
#include "paperpulse/storage/soci/library.h"
#include "paperpulse/storage/soci/meta.h"
#include "paperpulse/storage/soci/migrations.h"
#include "paperpulse/storage/soci/moderation.h"
#include "paperpulse/storage/soci/outbox.h"
#include "paperpulse/storage/soci/papers.h"
#include "paperpulse/storage/soci/popularity.h"
#include "paperpulse/storage/soci/reading_lists.h"
#include "paperpulse/storage/soci/subscriptions.h"
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
        meta_(*db_),
        subscriptions_(*db_),
        outbox_(*db_, subscriptions_),
        library_(*db_, papers_),
        lists_(*db_, papers_),
        comments_(*db_, papers_, popularity_) {}

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

  Result<std::vector<DailyEntry>> DailyEntriesWhere(const DailyEntryFilter& filter, int limit,
                                                    int offset) override {
    return daily_.Where(filter, limit, offset);
  }
  Result<std::vector<Paper>> PapersNewestFirst(std::string_view after_id, int limit) override {
    return papers_.NewestFirst(after_id, limit);
  }

  Result<StoreStats> Stats() override { return meta_.Stats(); }
  Result<StoreSequences> Sequences() override { return meta_.Sequences(); }
  Result<int64_t> ContentVersion() override { return meta_.ContentVersion(); }
  Result<SavedEntry> SaveToLibrary(const LibraryEntry& entry, std::string_view now) override {
    return library_.Save(entry, now);
  }
  Result<bool> RemoveFromLibrary(int64_t user_id, std::string_view paper_id) override {
    return library_.Remove(user_id, paper_id);
  }
  Result<std::optional<LibraryEntry>> GetLibraryEntry(int64_t user_id,
                                                      std::string_view paper_id) override {
    return library_.Get(user_id, paper_id);
  }
  Result<std::vector<LibraryEntry>> Library(int64_t user_id, std::string_view tag) override {
    return library_.Entries(user_id, tag);
  }
  Result<std::vector<TagCount>> LibraryTags(int64_t user_id) override {
    return library_.Tags(user_id);
  }
  Result<std::vector<std::string>> SavedPapers(int64_t user_id,
                                               const std::vector<std::string>& paper_ids) override {
    return library_.Saved(user_id, paper_ids);
  }
  Result<std::optional<std::string>> PaperIdOfDoi(std::string_view doi) override {
    return library_.PaperIdOfDoi(doi);
  }

  Result<int64_t> CreateReadingList(const ReadingList& list, std::string_view now) override {
    return lists_.Create(list, now);
  }
  Result<std::optional<ReadingList>> GetReadingList(int64_t owner_id,
                                                    std::string_view slug) override {
    return lists_.Get(owner_id, slug);
  }
  Result<std::optional<ReadingList>> GetReadingListById(int64_t id) override {
    return lists_.GetById(id);
  }
  Result<std::vector<ReadingList>> ReadingListsOf(int64_t owner_id) override {
    return lists_.OfOwner(owner_id);
  }
  Status UpdateReadingList(const ReadingList& list, std::string_view now) override {
    return lists_.Update(list, now);
  }
  Status DeleteReadingList(int64_t id) override { return lists_.Delete(id); }
  Result<std::vector<ReadingListItem>> ReadingListItems(int64_t list_id) override {
    return lists_.Items(list_id);
  }
  Status PutReadingListItem(int64_t list_id, std::string_view paper_id, int64_t position,
                            std::string_view note, std::string_view now,
                            int64_t max_items) override {
    return lists_.PutItem(list_id, paper_id, position, note, now, max_items);
  }
  Result<bool> RemoveReadingListItem(int64_t list_id, std::string_view paper_id) override {
    return lists_.RemoveItem(list_id, paper_id);
  }

  Result<Comment> AddComment(const Comment& c, std::string_view now) override {
    return comments_.Add(c, now);
  }
  Result<std::optional<Comment>> GetComment(int64_t id) override { return comments_.Get(id); }
  Result<std::vector<Comment>> CommentsOfPaper(std::string_view paper_id) override {
    return comments_.OfPaper(paper_id);
  }
  Status EditComment(int64_t id, std::string_view text, std::string_view now) override {
    return comments_.Edit(id, text, now);
  }
  Status DeleteComment(int64_t id, std::string_view now) override {
    return comments_.Delete(id, now);
  }
  Status SetCommentHidden(int64_t id, bool hidden) override {
    return comments_.SetHidden(id, hidden);
  }

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

  Result<std::vector<std::string>> VotesOfAccount(int64_t user_id, int limit) override {
    return votes_.OfAccount(user_id, limit);
  }
  Result<std::vector<Paper>> PapersSubmittedBetween(std::string_view from, std::string_view to,
                                                    int limit) override {
    return papers_.SubmittedBetween(from, to, limit);
  }

  Result<int64_t> AddSubscription(const Subscription& s, std::string_view confirm_hash,
                                  int64_t confirm_expires_at, std::string_view now) override {
    return subscriptions_.Add(s, confirm_hash, confirm_expires_at, now);
  }
  Result<Subscription> ConfirmSubscription(std::string_view confirm_hash, int64_t now,
                                           std::string_view now_text) override {
    return subscriptions_.Confirm(confirm_hash, now, now_text);
  }
  Result<std::optional<Subscription>> GetSubscription(int64_t id) override {
    return subscriptions_.Get(id);
  }
  Result<std::vector<Subscription>> SubscriptionsOfEmail(std::string_view email) override {
    return subscriptions_.OfEmail(email);
  }
  Status UpdateSubscription(const Subscription& s) override { return subscriptions_.Update(s); }
  Status SetSubscriptionStatus(int64_t id, SubscriptionStatus status) override {
    return subscriptions_.SetStatus(id, status);
  }
  Result<std::optional<Subscription>> SubscriptionOfUnsubscribeToken(
      std::string_view unsubscribe_hash) override {
    return subscriptions_.OfUnsubscribeToken(unsubscribe_hash);
  }
  Result<bool> Unsubscribe(std::string_view unsubscribe_hash) override {
    return subscriptions_.Unsubscribe(unsubscribe_hash);
  }
  Result<std::vector<Subscription>> ActiveSubscriptions(DigestFrequency frequency, int64_t after_id,
                                                        int limit) override {
    return subscriptions_.Active(frequency, after_id, limit);
  }

  Result<bool> EnqueueDigest(const NewDigest& digest) override { return outbox_.Enqueue(digest); }
  Result<bool> HasDigest(int64_t subscription_id, std::string_view period) override {
    return outbox_.Has(subscription_id, period);
  }
  Result<std::vector<std::string>> ReceivedPapers(
      std::string_view email, const std::vector<std::string>& paper_ids) override {
    return outbox_.ReceivedPapers(email, paper_ids);
  }
  Result<std::vector<OutboxMail>> ClaimDueMail(int64_t now, int64_t stale_before,
                                               int limit) override {
    return outbox_.ClaimDue(now, stale_before, limit);
  }
  Status MarkMailSent(int64_t id, std::string_view now_text) override {
    return outbox_.MarkSent(id, now_text);
  }
  Status MarkMailDeferred(int64_t id, int64_t next_attempt_at, std::string_view error) override {
    return outbox_.MarkDeferred(id, next_attempt_at, error);
  }
  Status MarkMailFailed(int64_t id, std::string_view error, bool bounce) override {
    return outbox_.MarkFailed(id, error, bounce);
  }
  Result<std::optional<OutboxMail>> GetOutboxMail(int64_t subscription_id,
                                                  std::string_view period) override {
    return outbox_.Get(subscription_id, period);
  }
  Result<OutboxStats> GetOutboxStats() override { return outbox_.Stats(); }

 private:
  std::unique_ptr<SociDb> db_;
  PaperTable papers_;
  PopularityTable popularity_;
  DailyTable daily_;
  VoteTable votes_;
  AccountTable accounts_;
  ModerationTable moderation_;
  MetaTable meta_;
  SubscriptionTable subscriptions_;
  OutboxTable outbox_;
  LibraryTable library_;
  ReadingListTable lists_;
  CommentTable comments_;
};

}  // namespace

Result<std::unique_ptr<Store>> MakeSociStore(std::unique_ptr<SociDb> db) {
  RETURN_IF_ERROR(ApplyMigrations(*db));
  return std::unique_ptr<Store>(std::make_unique<SociStore>(std::move(db)));
}

}  // namespace paperpulse::storage
