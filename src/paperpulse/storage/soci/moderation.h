// rate_limits and audit_log: the counters that keep abuse out and the
// record of what admins did.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/community.h"
#include "paperpulse/storage/soci/db.h"

namespace paperpulse::storage {

class ModerationTable {
 public:
  explicit ModerationTable(SociDb& db) : db_(db) {}

  // See Store::HitRateLimit, AppendAudit, RecentAudit.
  Result<int64_t> HitRateLimit(std::string_view key, int64_t window_start);
  Status AppendAudit(const AuditEntry& entry);
  Result<std::vector<AuditEntry>> RecentAudit(int limit);

 private:
  SociDb& db_;
};

}  // namespace paperpulse::storage
