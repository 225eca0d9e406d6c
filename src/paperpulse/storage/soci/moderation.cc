#include "paperpulse/storage/soci/moderation.h"

#include <string>

namespace paperpulse::storage {

Result<int64_t> ModerationTable::HitRateLimit(std::string_view key, int64_t window_start) {
  std::string k(key);
  return db_.InTransaction<int64_t>([&]() -> Result<int64_t> {
    try {
      int64_t window = window_start, count = 0;
      // One statement that increments and reads, so that concurrent hits
      // from every process on the database each see their own count.
      db_.sql() << "INSERT INTO rate_limits (key, window_start, count) VALUES (:k, :w, 1) "
                   "ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 "
                   "RETURNING count",
          soci::use(k), soci::use(window), soci::into(count);
      db_.sql() << "DELETE FROM rate_limits WHERE key = :k AND window_start < :w", soci::use(k),
          soci::use(window);
      return count;
    } catch (...) {
      return tl::unexpected(db_.DbError("counting rate limit " + k));
    }
  });
}

Status ModerationTable::AppendAudit(const AuditEntry& entry) {
  return db_.RunInTransaction([&]() -> Status {
    try {
      int64_t actor = entry.actor_user_id;
      db_.sql() << "INSERT INTO audit_log (actor_user_id, action, target, detail, created_at) "
                   "VALUES (:a, :ac, :t, :d, :c)",
          soci::use(actor), soci::use(entry.action), soci::use(entry.target),
          soci::use(entry.detail), soci::use(entry.created_at);
    } catch (...) {
      return tl::unexpected(db_.DbError("writing the audit log"));
    }
    return Ok();
  });
}

Result<std::vector<AuditEntry>> ModerationTable::RecentAudit(int limit) {
  std::vector<AuditEntry> out;
  try {
    int n = limit;
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << "SELECT id, actor_user_id, action, target, detail, created_at FROM "
                              "audit_log ORDER BY id DESC LIMIT :n",
         soci::use(n));
    for (const soci::row& r : rows) {
      AuditEntry e;
      e.id = SociDb::GetInt(r, 0);
      e.actor_user_id = SociDb::GetInt(r, 1);
      e.action = r.get<std::string>(2);
      e.target = r.get<std::string>(3);
      e.detail = r.get<std::string>(4);
      e.created_at = r.get<std::string>(5);
      out.push_back(std::move(e));
    }
  } catch (...) {
    return tl::unexpected(db_.DbError("reading the audit log"));
  }
  return out;
}

}  // namespace paperpulse::storage
