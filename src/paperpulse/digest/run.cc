#include "paperpulse/digest/run.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "paperpulse/base/secrets.h"
#include "paperpulse/base/time.h"
#include "paperpulse/digest/select.h"
#include "paperpulse/ranking/recommend.h"
#include "paperpulse/ranking/trending.h"

namespace paperpulse::digest {
namespace {

// Recommendations come from the papers submitted from this many days before
// the period to one day after it (arXiv announces a day's submissions the
// next weekday), capped: enough for a week of arXiv's busiest categories.
constexpr int kPoolDaysBefore = 3;
constexpr int kMaxPool = 5000;
// The votes a user's model learns from: the newest ones.
constexpr int kMaxPositives = 200;
// Candidates checked against "already received" per subscriber.
constexpr size_t kMaxChecked = 300;

int64_t UnixNow(Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

std::string ShiftDate(const std::string& date, int days) {
  Result<CivilDate> d = ParseIsoDate(date);
  return d ? FormatDate(CivilFromDays(DaysFromCivil(*d) + days)) : date;
}

DigestItem ItemOf(const Paper& p, int64_t upvotes, std::string reason) {
  return DigestItem{p.id, p.title, p.authors, ExcerptOf(p.abstract), upvotes, std::move(reason)};
}

std::string Quoted(std::string_view title) {
  return "\xE2\x80\x9C" + Excerpt(title, 80) + "\xE2\x80\x9D";
}

// One subscriber's mail as rendered.
struct Built {
  std::string token;  // the unsubscribe secret
  mail::Message message;
  Result<std::string> mime = std::string();  // composed and signed
};

// Runs fn(0) .. fn(n - 1) on `threads` threads (0: one per core).
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn) {
  size_t t = threads > 0 ? static_cast<size_t>(threads)
                         : std::max(1u, std::thread::hardware_concurrency());
  t = std::min(t, n);
  if (t <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (size_t k = 1; k < t; ++k) pool.emplace_back(work);
  work();
  for (std::thread& th : pool) th.join();
}

// The state of one run: what every subscriber's selection shares.
class Renderer {
 public:
  Renderer(storage::Store& store, search::Index* index, const RunOptions& options, Period period,
           std::vector<Candidate> candidates)
      : store_(store),
        index_(index),
        options_(options),
        period_(std::move(period)),
        candidates_(std::move(candidates)),
        matcher_(candidates_) {}

  // The digest of `s`, or nullopt when nothing new passes its filters.
  // Counts into `summary`.
  Result<std::optional<DigestContent>> Select(const Subscription& s, RunSummary& summary) {
    DigestContent c;
    c.subscription = s;
    c.period = period_;
    if (!s.query.empty()) {
      ASSIGN_OR_RETURN(bool ran, AlertItems(s, c.top));
      if (!ran) {
        ++summary.alerts_skipped;
        return std::optional<DigestContent>();
      }
    } else {
      RETURN_IF_ERROR(TopItems(s, c.top));
      RETURN_IF_ERROR(Recommended(s, c.top, c.recommended));
      if (!c.recommended.empty()) ++summary.recommended;
    }
    if (c.top.empty() && c.recommended.empty()) return std::optional<DigestContent>();
    return std::optional<DigestContent>(std::move(c));
  }

 private:
  Result<std::unordered_set<std::string>> Received(const std::string& email,
                                                   const std::vector<std::string>& ids) {
    if (ids.empty()) return std::unordered_set<std::string>();
    ASSIGN_OR_RETURN(std::vector<std::string> got, store_.ReceivedPapers(email, ids));
    return std::unordered_set<std::string>(got.begin(), got.end());
  }

  Status TopItems(const Subscription& s, std::vector<DigestItem>& out) {
    std::vector<const Candidate*> matching = matcher_.Matching(s, kMaxChecked);
    std::vector<std::string> ids;
    for (const Candidate* c : matching) ids.push_back(c->paper.id);
    ASSIGN_OR_RETURN(auto received, Received(s.email, ids));
    size_t limit =
        static_cast<size_t>(period_.frequency == DigestFrequency::kDaily ? options_.daily_papers
                                                                         : options_.weekly_papers);
    for (const Candidate* c : matching) {
      if (out.size() >= limit) break;
      if (received.count(c->paper.id)) continue;
      out.push_back(DigestItem{c->paper.id, c->paper.title, c->paper.authors, c->excerpt,
                               c->entry.upvotes, c->reason});
    }
    return Ok();
  }

  // False when the alert cannot run (no index yet).
  Result<bool> AlertItems(const Subscription& s, std::vector<DigestItem>& out) {
    if (index_ == nullptr) return false;
    search::SearchOptions so;
    so.limit = std::min(search::kMaxLimit, options_.alert_papers * 2);
    so.sort = search::SortOrder::kDate;
    so.from = ShiftDate(period_.first, -kPoolDaysBefore);
    so.to = period_.last;
    Result<search::SearchResults> r = index_->Search(s.query, so);
    if (!r) {
      if (r.error().code == ErrorCode::kUnavailable) return false;
      // A query the parser takes no more (the language changed): the
      // subscriber gets nothing rather than the whole run failing.
      spdlog::warn("digest: alert {} ({}): {}", s.id, s.query, r.error().message);
      return true;
    }
    std::vector<std::string> ids;
    for (const search::SearchHit& h : r->hits) ids.push_back(h.id);
    ASSIGN_OR_RETURN(auto received, Received(s.email, ids));
    for (const search::SearchHit& h : r->hits) {
      if (static_cast<int>(out.size()) >= options_.alert_papers) break;
      if (received.count(h.id)) continue;
      ASSIGN_OR_RETURN(std::optional<Paper> p, store_.GetPaper(h.id));
      if (!p) continue;
      out.push_back(ItemOf(*p, h.upvotes, "submitted " + h.published_at.substr(0, 10)));
    }
    return true;
  }

  Result<int64_t> AccountOf(const Subscription& s) {
    if (s.user_id != 0) return s.user_id;
    ASSIGN_OR_RETURN(std::optional<Account> a, store_.GetAccountByEmail(s.email));
    return a ? a->id : 0;
  }

  Status BuildPool() {
    if (recommender_) return Ok();
    ASSIGN_OR_RETURN(std::vector<Paper> papers,
                     store_.PapersSubmittedBetween(ShiftDate(period_.first, -kPoolDaysBefore),
                                                   ShiftDate(period_.last, 1), kMaxPool));
    for (const Candidate& c : candidates_) papers.push_back(c.paper);
    std::vector<ranking::RecDocument> docs;
    for (Paper& p : papers) {
      if (pool_.count(p.id)) continue;
      docs.push_back({p.id, p.title + "\n" + p.abstract});
      pool_.emplace(p.id, std::move(p));
    }
    recommender_ = std::make_unique<ranking::Recommender>(std::move(docs));
    return Ok();
  }

  // What the account showed interest in, most recent first: the papers it
  // saved to its library and the ones it upvoted (a saved paper counts
  // once, as saved: the stronger sign), at most kMaxPositives.
  struct Positive {
    std::string id;
    const char* reason;  // "saved", "upvoted"
  };
  Result<std::vector<Positive>> PositivesOf(int64_t user) {
    std::vector<Positive> out;
    std::unordered_set<std::string> seen;
    ASSIGN_OR_RETURN(std::vector<LibraryEntry> saved, store_.Library(user, ""));
    for (const LibraryEntry& e : saved) {
      if (out.size() >= static_cast<size_t>(kMaxPositives)) break;
      if (seen.insert(e.paper_id).second) out.push_back({e.paper_id, "saved"});
    }
    ASSIGN_OR_RETURN(std::vector<std::string> voted, store_.VotesOfAccount(user, kMaxPositives));
    for (const std::string& id : voted) {
      if (out.size() >= static_cast<size_t>(kMaxPositives)) break;
      if (seen.insert(id).second) out.push_back({id, "upvoted"});
    }
    return out;
  }

  Status Recommended(const Subscription& s, const std::vector<DigestItem>& top,
                     std::vector<DigestItem>& out) {
    if (options_.recommendations <= 0) return Ok();
    ASSIGN_OR_RETURN(int64_t user, AccountOf(s));
    if (user == 0) return Ok();
    ASSIGN_OR_RETURN(std::vector<Positive> liked, PositivesOf(user));
    if (liked.empty()) return Ok();
    RETURN_IF_ERROR(BuildPool());
    std::vector<ranking::RecDocument> positives;
    std::unordered_map<std::string, std::string> reasons;
    for (const Positive& like : liked) {
      ASSIGN_OR_RETURN(std::optional<Paper> p, store_.GetPaper(like.id));
      if (!p) continue;
      reasons[p->id] = std::string("because you ") + like.reason + " " + Quoted(p->title);
      positives.push_back({p->id, p->title + "\n" + p->abstract});
    }
    std::vector<std::string> exclude;
    for (const DigestItem& it : top) exclude.push_back(it.id);
    // Ask for more than needed: some may have been mailed before.
    ASSIGN_OR_RETURN(std::vector<ranking::Recommendation> recs,
                     recommender_->Recommend(positives, options_.recommendations * 3, exclude));
    std::vector<std::string> ids;
    for (const auto& r : recs) ids.push_back(r.id);
    ASSIGN_OR_RETURN(auto received, Received(s.email, ids));
    for (const ranking::Recommendation& r : recs) {
      if (static_cast<int>(out.size()) >= options_.recommendations) break;
      if (received.count(r.id)) continue;
      const Paper& p = pool_.at(r.id);
      out.push_back(ItemOf(p, 0, reasons[r.because_id]));
    }
    return Ok();
  }

  storage::Store& store_;
  search::Index* index_;
  const RunOptions& options_;
  const Period period_;
  const std::vector<Candidate> candidates_;
  Matcher matcher_;
  std::unique_ptr<ranking::Recommender> recommender_;  // built for the first reader with interests
  std::unordered_map<std::string, Paper> pool_;
};

}  // namespace

Result<RunSummary> RenderPeriod(storage::Store& store, search::Index* index,
                                const RunOptions& options, Clock& clock) {
  ASSIGN_OR_RETURN(Period period, PeriodEnding(options.frequency, options.date));
  RunSummary summary;
  summary.period = period.key;
  ASSIGN_OR_RETURN(std::vector<Candidate> candidates, LoadCandidates(store, period));
  if (candidates.empty() && options.frequency == DigestFrequency::kDaily) {
    // Like HF's daily mail: none on days without a list (weekends).
    summary.no_list = true;
    return summary;
  }
  Renderer renderer(store, index, options, period, std::move(candidates));

  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<Subscription> subs,
                     store.ActiveSubscriptions(options.frequency, after, options.batch));
    if (subs.empty()) break;
    after = subs.back().id;
    // Choosing needs the Store (one connection): in order, on this thread.
    std::vector<std::pair<const Subscription*, DigestContent>> chosen;
    for (const Subscription& s : subs) {
      ++summary.subscribers;
      ASSIGN_OR_RETURN(bool has, store.HasDigest(s.id, period.key));
      if (has) {
        ++summary.already;
        continue;
      }
      ASSIGN_OR_RETURN(std::optional<DigestContent> content, renderer.Select(s, summary));
      if (!content) {
        ++summary.nothing_new;
        continue;
      }
      chosen.emplace_back(&s, std::move(*content));
    }
    // Rendering, composing and signing are pure and most of the work: on
    // every core.
    const Clock::WallTime now = clock.Now();
    const int64_t now_unix = UnixNow(clock);
    std::vector<Built> built(chosen.size());
    ParallelFor(chosen.size(), options.threads, [&](size_t i) {
      Built& b = built[i];
      b.token = RandomToken();
      chosen[i].second.unsubscribe_token = b.token;
      b.message = RenderDigest(chosen[i].second, options.site);
      b.message.message_id = mail::NewMessageId(options.site.from.email);
      b.message.date = now;
      if (options.dry_run) return;
      b.mime = mail::ComposeMime(b.message, now);
      if (b.mime && options.dkim != nullptr) b.mime = options.dkim->Sign(*b.mime, now);
    });
    std::vector<storage::NewDigest> rows;
    for (size_t i = 0; i < chosen.size(); ++i) {
      const Subscription& s = *chosen[i].first;
      const DigestContent& content = chosen[i].second;
      Built& b = built[i];
      if (options.on_rendered) options.on_rendered(s, b.message);
      if (options.dry_run) {
        ++summary.rendered;
        continue;
      }
      if (!b.mime) {
        spdlog::warn("digest: subscription {}: {}", s.id, b.mime.error().message);
        ++summary.nothing_new;
        continue;
      }
      storage::NewDigest row;
      row.mail.subscription_id = s.id;
      row.mail.period = period.key;
      row.mail.from_email = options.site.from.email;
      row.mail.to_email = s.email;
      row.mail.message_id = b.message.message_id;
      row.mail.mime = std::move(*b.mime);
      row.mail.next_attempt_at = now_unix;
      row.mail.created_at = FormatUnixTimestamp(now_unix);
      for (const DigestItem& it : content.top) row.paper_ids.push_back(it.id);
      for (const DigestItem& it : content.recommended) row.paper_ids.push_back(it.id);
      row.unsubscribe_hash = HashToken(b.token);
      rows.push_back(std::move(row));
    }
    if (!rows.empty()) {
      int64_t inserted = 0;
      RETURN_IF_ERROR(store.RunInTransaction([&]() -> Status {
        inserted = 0;
        for (const storage::NewDigest& row : rows) {
          ASSIGN_OR_RETURN(bool fresh, store.EnqueueDigest(row));
          inserted += fresh ? 1 : 0;
        }
        return Ok();
      }));
      summary.rendered += inserted;
      // Another process rendered these meanwhile (a second node, a manual run).
      summary.already += static_cast<int64_t>(rows.size()) - inserted;
    }
    if (options.progress) options.progress(summary.subscribers);
    if (options.should_stop && options.should_stop()) break;
  }
  return summary;
}

Result<DeliverySummary> DeliverDue(storage::Store& store, mail::Transport& transport,
                                   const DeliveryOptions& options, Clock& clock) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  DeliverySummary summary;
  const Clock::SteadyTime deadline = clock.SteadyNow() + options.retry_for;
  const int64_t stale = duration_cast<seconds>(options.stale_after).count();
  for (;;) {
    int64_t now = UnixNow(clock);
    // Claims at least `stale` seconds old count as abandoned (the Store's
    // bound is strict and in whole seconds).
    ASSIGN_OR_RETURN(std::vector<OutboxMail> due,
                     store.ClaimDueMail(now, now - stale + 1, options.batch));
    if (due.empty()) {
      if (options.retry_for <= Clock::Duration::zero() || clock.SteadyNow() >= deadline) break;
      ASSIGN_OR_RETURN(OutboxStats st, store.GetOutboxStats());
      if (st.pending == 0) break;
      clock.SleepFor(std::chrono::seconds(1));
      continue;
    }
    for (const OutboxMail& m : due) {
      Status s = transport.SendMime(m.from_email, {m.to_email}, m.mime);
      if (s) {
        RETURN_IF_ERROR(store.MarkMailSent(m.id, FormatUnixTimestamp(UnixNow(clock))));
        ++summary.sent;
        continue;
      }
      const Error& e = s.error();
      if (e.code == ErrorCode::kUnavailable && m.attempts < options.max_attempts) {
        auto wait = options.first_backoff * (int64_t{1} << std::min(m.attempts - 1, 20));
        wait = std::min<Clock::Duration>(wait, options.max_backoff);
        // Due no sooner than `wait` from now: the outbox keeps whole seconds,
        // so round up (truncating made a 1 s back-off as short as 0 s when a
        // mail was deferred late in a second).
        wait = std::max<Clock::Duration>(wait, seconds(1));
        int64_t next = std::chrono::ceil<seconds>(clock.Now().time_since_epoch() + wait).count();
        spdlog::info("digest: mail {} to {} deferred (try {}): {}", m.id, m.to_email, m.attempts,
                     e.message);
        RETURN_IF_ERROR(store.MarkMailDeferred(m.id, next, e.message));
        ++summary.deferred;
        continue;
      }
      bool bounce = e.code == ErrorCode::kInvalidArgument;
      spdlog::warn("digest: mail {} to {} failed{}: {}", m.id, m.to_email,
                   bounce ? " (address refused: marked bouncing)" : "", e.message);
      RETURN_IF_ERROR(store.MarkMailFailed(m.id, e.message, bounce));
      ++summary.failed;
      if (bounce) ++summary.bounced;
    }
    if (options.progress) options.progress(summary.sent, summary.deferred, summary.failed);
  }
  return summary;
}

}  // namespace paperpulse::digest
