// digest_outbox and digest_received: rendered digests waiting for (or done
// with) delivery, and which papers every address has been sent. A digest run
// reads and writes here once per subscriber, and delivery once per mail, so
// those statements are prepared once per connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/subscription.h"
#include "paperpulse/storage/soci/db.h"
#include "paperpulse/storage/soci/subscriptions.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::storage {

class OutboxTable {
 public:
  OutboxTable(SociDb& db, SubscriptionTable& subscriptions)
      : db_(db), subscriptions_(subscriptions) {}

  // See the Store methods EnqueueDigest, HasDigest, ReceivedPapers,
  // ClaimDueMail, MarkMailSent, MarkMailDeferred, MarkMailFailed,
  // GetOutboxMail and GetOutboxStats.
  Result<bool> Enqueue(const NewDigest& digest);
  Result<bool> Has(int64_t subscription_id, std::string_view period);
  Result<std::vector<std::string>> ReceivedPapers(std::string_view email,
                                                  const std::vector<std::string>& paper_ids);
  // Candidates are picked, then each is taken by an UPDATE that checks again
  // that it is still due; on PostgreSQL the pick also locks them and skips
  // rows other senders hold (SKIP LOCKED), so senders on several nodes take
  // different mails instead of queueing behind each other.
  Result<std::vector<OutboxMail>> ClaimDue(int64_t now, int64_t stale_before, int limit);
  Status MarkSent(int64_t id, std::string_view now_text);
  Status MarkDeferred(int64_t id, int64_t next_attempt_at, std::string_view error);
  Status MarkFailed(int64_t id, std::string_view error, bool bounce);
  Result<std::optional<OutboxMail>> Get(int64_t subscription_id, std::string_view period);
  Result<OutboxStats> Stats();

 private:
  // The ids `sql` (a SELECT of ids binding :a and :n = `limit`) picks.
  Result<std::vector<int64_t>> PickIds(const std::string& sql, int64_t bound, int limit);

  SociDb& db_;
  SubscriptionTable& subscriptions_;
};

}  // namespace paperpulse::storage
