// The Store: single source of truth of paperpulse. Every write is a
// transaction; the search index, trending scores and caches are derived from
// it. Two implementations share this interface and one test suite:
// storage/sqlite (default, embedded, WAL) and storage/postgres.
//
// A Store object is not thread-safe: use one per thread (they may share the
// same database; SQLite serialises writers, PostgreSQL uses row locks).
//
// Errors every method may return besides its own: kAborted when a
// transaction lost a conflict (a write outside any transaction retries that
// itself; see RunInTransaction), kUnavailable when the database connection
// was lost (the next call reconnects), kIo for a full or failing disk,
// kInternal for anything unexpected. A taken unique key is kAlreadyExists.
// storage/soci/db.h maps the databases' errors to these codes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/community.h"
#include "paperpulse/model/library.h"
#include "paperpulse/model/paper.h"
#include "paperpulse/model/subscription.h"

namespace paperpulse::storage {

struct StoreOptions {
  // Directory for the SQLite file (created if missing). Ignored for PostgreSQL.
  std::string data_dir = "./var";
  // Empty: SQLite at <data_dir>/paperpulse.db. "postgresql://..." (or
  // "postgres://...", or a libpq "dbname=... host=..." string): PostgreSQL.
  std::string url;
};

enum class WriteOutcome { kInserted, kUpdated, kUnchanged };

struct StoreStats {
  int64_t papers = 0;
  int64_t versions = 0;
  int64_t daily_entries = 0;
  int64_t users = 0;
  int64_t change_seq = 0;
  int64_t unkeyed = 0;  // records held without an arXiv id (see UpsertUnkeyedPaper)
  int64_t votes = 0;
  int64_t popularity_seq = 0;
};

// The committed counters of StoreStats alone (Store::Sequences).
struct StoreSequences {
  int64_t change_seq = 0;
  int64_t popularity_seq = 0;
};

// What Store::EnqueueDigest writes in one transaction.
struct NewDigest {
  OutboxMail mail;  // id, state, attempts, sent_at ignored; next_attempt_at = when due
  // The papers the mail lists: recorded as received by mail.to_email, so no
  // later digest of that address lists them again.
  std::vector<std::string> paper_ids;
  // Hash of the unsubscribe secret in this mail's List-Unsubscribe URL.
  std::string unsubscribe_hash;
};

// The answer of Store::SubmitPaper.
struct SubmitResult {
  DailyEntry entry;      // as stored (upvotes include local votes)
  bool created = false;  // false: the paper was already on that day's list
};

// A paper as the index sees it: the record plus the sequence number of its
// last change.
struct ChangedPaper {
  int64_t change_seq = 0;
  Paper paper;
};

class Store {
 public:
  // Opens (creating if needed) the database named by `options` and applies
  // pending migrations, each in its own transaction. Errors: kIo / kInternal
  // with the database's message; kInvalidArgument for an unknown URL scheme.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Backend() const = 0;
  // Number of the newest migration applied.
  virtual Result<int> SchemaVersion() = 0;

  // Explicit transactions group many writes (import batches). Without one,
  // every write commits on its own. Nested Begin() is an error.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Runs `fn` in a transaction: commits when it succeeds, rolls back when it
  // fails. A transaction that loses a conflict (kAborted: serialization
  // failure, deadlock, SQLite busy) is rolled back and `fn` run again, with
  // growing randomised back-off, up to a few times; so `fn` must have no
  // effects outside the Store. Inside an open transaction `fn` simply runs
  // (no retry: the outer one owns the outcome). Errors: those of `fn`, or
  // kAborted when every attempt lost.
  virtual Status RunInTransaction(const std::function<Status()>& fn) = 0;

  // Merges `paper` into the stored record of `paper.id` by MergePaper's
  // rules. A write that changes anything gives the paper a new change
  // sequence number (strictly greater than every earlier one, in commit order).
  // Precondition: paper.id is a valid base id.
  virtual Result<WriteOutcome> UpsertPaper(const Paper& paper) = 0;

  // Holds a record that names no arXiv id (some abstract datasets carry only
  // title and abstract) so that nothing read is lost; keyed by its
  // normalised title (TitleKey) within `source`. Idempotent.
  virtual Result<WriteOutcome> UpsertUnkeyedPaper(const Paper& paper, std::string_view source) = 0;

  // Records `entry` (idempotent, see MergeDailyEntry). The paper must exist.
  virtual Result<WriteOutcome> UpsertDailyEntry(const DailyEntry& entry) = 0;

  // The paper with base id `id`, or nullopt.
  virtual Result<std::optional<Paper>> GetPaper(std::string_view id) = 0;

  // Up to `limit` papers with change_seq > `after`, ascending by change_seq.
  virtual Result<std::vector<ChangedPaper>> PapersChangedSince(int64_t after, int limit) = 0;

  // Daily entries with from <= date <= to ("YYYY-MM-DD"), by date, then
  // upvotes descending, then submission time. In every DailyEntry read from
  // the Store, `upvotes` is the imported count plus the paper's local votes
  // (`local_votes`), so every page shows the same exact number.
  virtual Result<std::vector<DailyEntry>> DailyEntriesBetween(std::string_view from,
                                                              std::string_view to) = 0;

  // The nearest date strictly before (kBefore) or after (kAfter) `date`
  // ("YYYY-MM-DD") that has daily entries, or nullopt when there is none.
  // AdjacentDailyDate("9999-12-31", kBefore) is the latest day with entries.
  enum class Direction { kBefore, kAfter };
  virtual Result<std::optional<std::string>> AdjacentDailyDate(std::string_view date,
                                                               Direction direction) = 0;

  // Every daily entry of paper `paper_id` (base id), newest date first.
  virtual Result<std::vector<DailyEntry>> DailyEntriesForPaper(std::string_view paper_id) = 0;

  // Non-hidden daily entries whose submitter (DailyEntry::submitted_by)
  // equals `submitter` and whose organisation (DailyEntry::organization)
  // equals `organization`, exactly (case-sensitive, as HF's names are); an
  // empty field matches anything, but at least one of the two must be given
  // (each has an index). `from`/`to` ("YYYY-MM-DD", inclusive; empty =
  // unbounded) bound the date.
  struct DailyEntryFilter {
    std::string submitter;
    std::string organization;
    std::string from, to;
  };
  // The matching entries, newest date first, then as DailyEntriesBetween
  // orders a day; `offset` skipped, at most `limit`. Errors:
  // kInvalidArgument when neither submitter nor organization is given.
  virtual Result<std::vector<DailyEntry>> DailyEntriesWhere(const DailyEntryFilter& filter,
                                                            int limit, int offset) = 0;

  // Up to `limit` papers in the order arXiv assigned their ids, newest
  // first (ArxivIdOrderKey, base/arxiv_id.h), starting after the paper with
  // base id `after_id` ("" = from the newest; it need not be stored). The
  // order depends only on ids, so paging with the last id as the cursor
  // returns every paper stored before the first page exactly once, however
  // many papers arrive or change meanwhile. Errors: kInvalidArgument when
  // `after_id` is not an arXiv id.
  virtual Result<std::vector<Paper>> PapersNewestFirst(std::string_view after_id, int limit) = 0;

  // Row counts scan their tables (COUNT(*)): for reports, not for polling.
  virtual Result<StoreStats> Stats() = 0;

  // change_seq and popularity_seq of Stats, read in one statement of two
  // primary key probes: what the indexer polls.
  virtual Result<StoreSequences> Sequences() = 0;

  // A number that changes with every committed write that can change what
  // a page shows (papers, daily lists, votes, comments, reading lists,
  // hiding): response caches compare it to drop stale entries, also across
  // processes and nodes. A few indexed reads; never decreases.
  virtual Result<int64_t> ContentVersion() = 0;

  // ---- Accounts (model/community.h). E-mail addresses compare lower-cased.

  // The account of `email`, created (with `now` as created_at) when there is
  // none. Concurrent first sign-ins of one address give one account.
  virtual Result<Account> FindOrCreateAccount(std::string_view email, std::string_view now) = 0;
  virtual Result<std::optional<Account>> GetAccount(int64_t id) = 0;
  virtual Result<std::optional<Account>> GetAccountByEmail(std::string_view email) = 0;
  // Names compare case-insensitively (ASCII).
  virtual Result<std::optional<Account>> GetAccountByName(std::string_view name) = 0;
  // Errors: kAlreadyExists when another account has the name; kNotFound.
  virtual Status SetAccountName(int64_t id, std::string_view name) = 0;
  virtual Status SetAccountAdmin(int64_t id, bool admin) = 0;
  // Banning also ends every session of the account.
  virtual Status SetAccountBanned(int64_t id, bool banned) = 0;

  // Sign-in links: only the hash of the secret is stored. Consuming marks
  // the link used in the same statement that checks it, so of two
  // concurrent uses exactly one succeeds. Errors of Consume: kNotFound for
  // an unknown hash; kFailedPrecondition "already used" / "expired".
  virtual Status CreateLoginToken(std::string_view token_hash, std::string_view email, int64_t now,
                                  int64_t expires_at) = 0;
  virtual Result<std::string> ConsumeLoginToken(std::string_view token_hash, int64_t now) = 0;

  // Sessions, keyed by the hash of the cookie value. GetSession gives
  // nullopt for unknown and expired sessions, and for banned accounts.
  virtual Status CreateSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> GetSession(std::string_view id_hash,
                                                          int64_t now) = 0;
  virtual Status DeleteSession(std::string_view id_hash) = 0;

  // API tokens for scripts (Authorization: Bearer), stored hashed.
  virtual Status CreateApiToken(std::string_view token_hash, int64_t user_id,
                                std::string_view label, std::string_view now) = 0;
  // The account id of a token, or nullopt (unknown token, banned account).
  virtual Result<std::optional<int64_t>> ApiTokenUser(std::string_view token_hash) = 0;

  // Fixed-window rate limiting shared by every process on the database:
  // adds one to counter `key` of the window that starts at `window_start`
  // (Unix seconds) and returns its new value. Windows that started before
  // `window_start` are garbage.
  virtual Result<int64_t> HitRateLimit(std::string_view key, int64_t window_start) = 0;

  // The admin audit log: append-only. Recent first.
  virtual Status AppendAudit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> RecentAudit(int limit) = 0;

  // ---- Votes. One per account and paper; the paper's popularity (and its
  // popularity_seq and the content version) change in the same transaction.
  // AddVote: true when the vote is new, false when it was already there
  // (idempotent under retries and concurrent requests). RemoveVote: true when
  // a vote was removed. Errors: kNotFound when the paper is not in the Store.
  virtual Result<bool> AddVote(int64_t user_id, std::string_view paper_id,
                               std::string_view now) = 0;
  virtual Result<bool> RemoveVote(int64_t user_id, std::string_view paper_id) = 0;
  // Which of `paper_ids` the account has voted for.
  virtual Result<std::vector<std::string>> VotedPapers(
      int64_t user_id, const std::vector<std::string>& paper_ids) = 0;

  // ---- Popularity (model/community.h), kept current by UpsertDailyEntry,
  // AddVote, RemoveVote and SubmitPaper.
  virtual Result<std::optional<PaperPopularity>> GetPopularity(std::string_view paper_id) = 0;
  // Up to `limit` rows with popularity_seq > `after`, ascending.
  virtual Result<std::vector<PaperPopularity>> PopularityChangedSince(int64_t after, int limit) = 0;
  // Recomputes every stored trending score with the current formula (after
  // ranking/trending_constants.h changed); rows whose score moves get a new
  // popularity_seq, so search indexes follow. Returns how many moved. One
  // transaction.
  virtual Result<int64_t> RescoreTrending() = 0;

  // ---- Submissions.
  // Puts `paper_id` on the list of `date` ("YYYY-MM-DD"), submitted by
  // `by` at `now`. Already on that day's list: the existing entry
  // (created = false). Errors: kNotFound (no such paper); kAlreadyExists
  // when the paper is on another day's list (the message names the day);
  // kResourceExhausted when `max_per_day` > 0 and `by` already submitted
  // that many papers on `date`.
  virtual Result<SubmitResult> SubmitPaper(std::string_view date, std::string_view paper_id,
                                           const Account& by, std::string_view now,
                                           int max_per_day) = 0;
  // Hidden entries are left out of DailyEntriesBetween / DailyEntriesForPaper
  // and AdjacentDailyDate. Errors: kNotFound when there is no such entry.
  virtual Status SetDailyEntryHidden(std::string_view date, std::string_view paper_id,
                                     bool hidden) = 0;

  // Every paper the account has voted for, newest vote first (ties by paper
  // id), at most `limit`.
  virtual Result<std::vector<std::string>> VotesOfAccount(int64_t user_id, int limit) = 0;

  // Papers whose v1 was submitted in [from, to) (normalised timestamps or
  // "YYYY-MM-DD" dates), by submission time, then id, at most `limit`.
  virtual Result<std::vector<Paper>> PapersSubmittedBetween(std::string_view from,
                                                            std::string_view to, int limit) = 0;

  // ---- Digest subscriptions (model/subscription.h). Addresses compare
  // lower-cased. Only hashes of the confirmation and unsubscribe secrets
  // are stored.

  // Adds `s` (id, confirmed_at ignored) and returns its id. A kPending
  // subscription waits for ConfirmSubscription(confirm_hash) until
  // `confirm_expires_at` (Unix seconds); a kActive one (an account's own
  // verified address) is confirmed at once (the hash and expiry are
  // ignored), replacing the address's subscription of the same kind as
  // ConfirmSubscription does. Errors: kInvalidArgument for another status,
  // an empty address or a pending one without a hash; kAlreadyExists for a
  // confirm_hash in use; kNotFound when s.user_id names no account.
  virtual Result<int64_t> AddSubscription(const Subscription& s, std::string_view confirm_hash,
                                          int64_t confirm_expires_at, std::string_view now) = 0;
  // Activates the pending subscription of `confirm_hash` and unsubscribes
  // the address's other active (or bouncing) subscription of the same kind
  // (the digest, or the alert with the same query), in one transaction; of
  // confirmations racing for one address, the last to commit stays active.
  // Opening the link again answers the same subscription. Errors: kNotFound
  // (unknown hash); kFailedPrecondition "expired" (now >= confirm_expires_at,
  // never confirmed) or "unsubscribed" (ended before or after confirming).
  virtual Result<Subscription> ConfirmSubscription(std::string_view confirm_hash, int64_t now,
                                                   std::string_view now_text) = 0;
  virtual Result<std::optional<Subscription>> GetSubscription(int64_t id) = 0;
  // The address's active and bouncing subscriptions, digest first, then
  // alerts by id.
  virtual Result<std::vector<Subscription>> SubscriptionsOfEmail(std::string_view email) = 0;
  // Changes the frequency and filters (not email, status or query) of
  // subscription `s.id`. Errors: kNotFound.
  virtual Status UpdateSubscription(const Subscription& s) = 0;
  // Sets the status of subscription `id` (kUnsubscribed from settings,
  // kBouncing after a 5xx). Errors: kNotFound; kAlreadyExists when made
  // kActive while the address has another active one of the same kind.
  virtual Status SetSubscriptionStatus(int64_t id, SubscriptionStatus status) = 0;
  // The subscription a digest's unsubscribe secret belongs to, or nullopt.
  virtual Result<std::optional<Subscription>> SubscriptionOfUnsubscribeToken(
      std::string_view unsubscribe_hash) = 0;
  // Ends the subscription of `unsubscribe_hash` at once (RFC 8058): true
  // when it was active (or bouncing), false when it had ended already.
  // Errors: kNotFound for an unknown hash.
  virtual Result<bool> Unsubscribe(std::string_view unsubscribe_hash) = 0;
  // Active subscriptions of `frequency` with id > `after_id`, ascending by
  // id, at most `limit`: the digest run pages through them.
  virtual Result<std::vector<Subscription>> ActiveSubscriptions(DigestFrequency frequency,
                                                                int64_t after_id, int limit) = 0;

  // ---- The digest outbox.

  // Inserts the mail (kPending, due at mail.next_attempt_at) unless
  // (subscription_id, period) has one already, and in the same transaction
  // records its papers as received by its address and its unsubscribe
  // secret. True when inserted; false (nothing written) when the period's
  // mail exists. Errors: kInvalidArgument without an unsubscribe_hash (every
  // digest carries a List-Unsubscribe link); kNotFound for an unknown
  // subscription; kAlreadyExists for an unsubscribe_hash in use.
  virtual Result<bool> EnqueueDigest(const NewDigest& digest) = 0;
  // Whether (subscription_id, period) has a mail: the run skips rendering.
  virtual Result<bool> HasDigest(int64_t subscription_id, std::string_view period) = 0;
  // Which of `paper_ids` an earlier digest already listed to `email`.
  virtual Result<std::vector<std::string>> ReceivedPapers(
      std::string_view email, const std::vector<std::string>& paper_ids) = 0;
  // Claims up to `limit` mails to send: first sending ones claimed before
  // `stale_before` (their sender died), oldest claim first; then pending
  // ones due at `now` (next_attempt_at <= now), longest due first (ties by
  // id). They are returned marked kSending with claimed_at = now and
  // attempts + 1. A mail is claimed by one caller only, also across
  // processes and nodes (concurrent callers get different mails).
  virtual Result<std::vector<OutboxMail>> ClaimDueMail(int64_t now, int64_t stale_before,
                                                       int limit) = 0;
  // The outcome of sending mail `id`; each errs kNotFound for an unknown id.
  // The relay accepted it: kSent, sent_at, the body dropped.
  virtual Status MarkMailSent(int64_t id, std::string_view now_text) = 0;
  // A transient failure: back to kPending, due at `next_attempt_at`, with
  // `error` as last_error; counts one deferral (OutboxStats).
  virtual Status MarkMailDeferred(int64_t id, int64_t next_attempt_at, std::string_view error) = 0;
  // Given up: kFailed. With `bounce`, every active subscription of the
  // mail's address becomes kBouncing in the same transaction.
  virtual Status MarkMailFailed(int64_t id, std::string_view error, bool bounce) = 0;
  virtual Result<std::optional<OutboxMail>> GetOutboxMail(int64_t subscription_id,
                                                          std::string_view period) = 0;
  // Mails by state (pending counts kSending too) and the number of
  // MarkMailDeferred calls over all mails. A claim taken over from a dead
  // sender is not a deferral. Reads two indexes, not the mails (a few ms
  // per 20,000 mails kept).
  virtual Result<OutboxStats> GetOutboxStats() = 0;

  // ---- Personal libraries (model/library.h). Every method acts on one
  // account's entries only.

  // Saves `entry.paper_id` to `entry.user_id`'s library, or replaces the
  // tags and note of the entry already there (saved_at stays that of the
  // first save; updated_at = `now`). Returns the entry as stored and whether
  // it was new. Errors: kNotFound when the paper is not in the Store.
  struct SavedEntry {
    LibraryEntry entry;
    bool created = false;
  };
  virtual Result<SavedEntry> SaveToLibrary(const LibraryEntry& entry, std::string_view now) = 0;
  // True when the entry was there (and is now gone).
  virtual Result<bool> RemoveFromLibrary(int64_t user_id, std::string_view paper_id) = 0;
  virtual Result<std::optional<LibraryEntry>> GetLibraryEntry(int64_t user_id,
                                                              std::string_view paper_id) = 0;
  // The account's entries, newest save first (ties by paper id); only those
  // tagged `tag` (exact match) when `tag` is not empty.
  virtual Result<std::vector<LibraryEntry>> Library(int64_t user_id, std::string_view tag) = 0;
  // The account's tags with the number of entries carrying each, by tag.
  struct TagCount {
    std::string tag;
    int64_t count = 0;
  };
  virtual Result<std::vector<TagCount>> LibraryTags(int64_t user_id) = 0;
  // Which of `paper_ids` are in the account's library (for save buttons).
  virtual Result<std::vector<std::string>> SavedPapers(
      int64_t user_id, const std::vector<std::string>& paper_ids) = 0;
  // The paper whose DOI is `doi` (compared case-insensitively, as DOIs
  // are), or nullopt; for imports from citation managers.
  virtual Result<std::optional<std::string>> PaperIdOfDoi(std::string_view doi) = 0;

  // ---- Reading lists (model/library.h). Every write changes the content
  // version (public list pages are cached like any page).

  // Creates `list` (id, owner_name, size, created/updated ignored) and
  // returns its id. Errors: kAlreadyExists when the owner has a list with
  // that slug; kNotFound for an unknown owner.
  virtual Result<int64_t> CreateReadingList(const ReadingList& list, std::string_view now) = 0;
  virtual Result<std::optional<ReadingList>> GetReadingList(int64_t owner_id,
                                                            std::string_view slug) = 0;
  virtual Result<std::optional<ReadingList>> GetReadingListById(int64_t id) = 0;
  // The owner's lists, most recently updated first. updated_at is the time
  // of the list's last CreateReadingList, UpdateReadingList or
  // PutReadingListItem (a removal carries no time).
  virtual Result<std::vector<ReadingList>> ReadingListsOf(int64_t owner_id) = 0;
  // Replaces slug, title, description, visibility and secret_hash of list
  // `list.id`. Errors: kNotFound; kAlreadyExists (slug taken by another of
  // the owner's lists).
  virtual Status UpdateReadingList(const ReadingList& list, std::string_view now) = 0;
  // Deletes the list and its items. Errors: kNotFound.
  virtual Status DeleteReadingList(int64_t id) = 0;
  // The list's papers by position.
  virtual Result<std::vector<ReadingListItem>> ReadingListItems(int64_t list_id) = 0;
  // Puts `paper_id` at `position` of the list (0 = first; < 0 or past the
  // end = last), moving the others down; a paper already on the list moves
  // there and takes `note`. Positions stay dense (0..size-1), also under
  // concurrent writes to the list. Errors: kNotFound (no such list or
  // paper); kResourceExhausted when `max_items` > 0, the list holds that
  // many papers and this one is new.
  virtual Status PutReadingListItem(int64_t list_id, std::string_view paper_id, int64_t position,
                                    std::string_view note, std::string_view now,
                                    int64_t max_items) = 0;
  // True when the paper was on the list; positions close up. False for an
  // unknown list.
  virtual Result<bool> RemoveReadingListItem(int64_t list_id, std::string_view paper_id) = 0;

  // ---- Comments (model/library.h). Each write keeps the paper's
  // local_comments (PaperPopularity, and DailyEntry::num_comments) equal to
  // its number of visible comments, in the same transaction, and changes
  // the content version.

  // Adds `c` (paper_id, user_id, parent_id, text; the rest ignored) and
  // returns it as stored. Errors: kNotFound (no such paper or account);
  // kInvalidArgument when the parent is not a top-level comment of the same
  // paper (or no comment at all); kFailedPrecondition when the parent is
  // deleted or hidden.
  virtual Result<Comment> AddComment(const Comment& c, std::string_view now) = 0;
  virtual Result<std::optional<Comment>> GetComment(int64_t id) = 0;
  // Every comment of the paper, deleted and hidden ones included (the
  // caller decides what to show), in thread order: top-level comments
  // oldest first, each followed by its replies oldest first.
  virtual Result<std::vector<Comment>> CommentsOfPaper(std::string_view paper_id) = 0;
  // Replaces the text (edited_at = now). Errors: kNotFound;
  // kFailedPrecondition for a deleted comment.
  virtual Status EditComment(int64_t id, std::string_view text, std::string_view now) = 0;
  // Marks the comment deleted and clears its text (edited_at = now).
  // Idempotent: deleting again changes nothing. Errors: kNotFound.
  virtual Status DeleteComment(int64_t id, std::string_view now) = 0;
  // Hides or shows the comment (admins); hiding a hidden one changes
  // nothing. Errors: kNotFound.
  virtual Status SetCommentHidden(int64_t id, bool hidden) = 0;

  // Small key/value settings and checkpoints ("harvest.checkpoint", ...),
  // written inside the current transaction when there is one.
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status SetMeta(std::string_view key, std::string_view value) = 0;
};

// Merge rules shared by every backend (pure; exposed for tests).
//
// Sources differ in what they carry and in which version they describe, so a
// record is merged field by field: when `incoming` describes a newer version
// than `stored` (latest_version, 0 = unknown counts as oldest) its non-empty
// fields replace the stored ones; otherwise it only fills fields that are
// still empty. Versions are united by number. The result does not depend on
// how often a record is merged (idempotent).
Paper MergePaper(const Paper& stored, const Paper& incoming);

// A title reduced to lower-case ASCII letters/digits and single spaces
// (other UTF-8 kept), for matching the same title across sources.
std::string TitleKey(std::string_view title);

// Daily entries merge by keeping the largest counters (upvotes, comments and
// stars only grow; re-fetches of a day may be older or newer) and filling
// empty fields: idempotent and independent of import order.
DailyEntry MergeDailyEntry(const DailyEntry& stored, const DailyEntry& incoming);

}  // namespace paperpulse::storage
