// The community side of the data model: accounts, sessions, votes,
// submissions, moderation. Plain structs; the Store persists them and the
// http/auth layer gives them meaning (hashing, expiry, CSRF).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace paperpulse {

// A site account. Created by its first e-mail sign-in; `name` is chosen
// later (empty until then) and is unique among accounts that have one.
struct Account {
  int64_t id = 0;
  std::string email;  // lower-cased, as typed otherwise
  std::string name;
  bool is_admin = false;
  bool banned = false;
  std::string created_at;  // normalised UTC timestamp
};

// A signed-in browser. Only a hash of the cookie value is stored; the CSRF
// token is per session and is not a secret at rest (it is useless without
// the cookie), so it is stored as is.
struct SessionRecord {
  std::string id_hash;
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;  // Unix seconds
  int64_t expires_at = 0;  // Unix seconds
};

// Counters and the trending score of one paper, maintained incrementally by
// every write that changes them (daily entries, votes). `popularity_seq`
// follows the same rule as a paper's change_seq: strictly increasing in
// commit order, so a follower (the search indexer, a node's cache) that has
// seen N never misses a later change <= N.
struct PaperPopularity {
  std::string paper_id;
  int64_t imported_upvotes = 0;  // the highest count a source (HF) reported
  int64_t local_votes = 0;       // votes cast on this site
  int64_t local_comments = 0;    // visible comments written on this site
  std::optional<int64_t> github_stars;
  std::string first_listed;  // "YYYY-MM-DD" of its first daily list, or ""
  double trending = 0;       // ranking::TrendingScore of the above
  int64_t popularity_seq = 0;

  int64_t upvotes() const { return imported_upvotes + local_votes; }
};

// An admin action, kept for good.
struct AuditEntry {
  int64_t id = 0;
  int64_t actor_user_id = 0;
  std::string action;  // "hide_submission", "ban_user", "grant_admin", ...
  std::string target;  // what it was done to ("2401.00001@2026-01-05", "user:12")
  std::string detail;
  std::string created_at;
};

}  // namespace paperpulse
