#include "paperpulse/storage/soci/votes.h"

namespace paperpulse::storage {
namespace {

struct VoteColumns {
  int64_t user_id = 0;
  std::string paper_id, created_at;
};

CachedStatement<VoteColumns>& InsertVote(SociDb& db) {
  return db.Prepared<VoteColumns>(StatementKey::kInsertVote, [](soci::session& sql,
                                                                VoteColumns& v) {
    return (sql.prepare << "INSERT INTO votes (user_id, paper_id, created_at) VALUES (:u, :p, :c) "
                           "ON CONFLICT DO NOTHING",
            soci::use(v.user_id), soci::use(v.paper_id), soci::use(v.created_at));
  });
}

CachedStatement<VoteColumns>& DeleteVote(SociDb& db) {
  return db.Prepared<VoteColumns>(
      StatementKey::kDeleteVote, [](soci::session& sql, VoteColumns& v) {
        return (sql.prepare << "DELETE FROM votes WHERE user_id = :u AND paper_id = :p",
                soci::use(v.user_id), soci::use(v.paper_id));
      });
}

}  // namespace

Result<bool> VoteTable::Add(int64_t user_id, std::string_view paper_id, std::string_view now) {
  return Change(user_id, paper_id, now, +1);
}

Result<bool> VoteTable::Remove(int64_t user_id, std::string_view paper_id) {
  return Change(user_id, paper_id, "", -1);
}

Result<bool> VoteTable::Change(int64_t user_id, std::string_view paper_id, std::string_view now,
                               int delta) {
  return db_.InTransaction<bool>([&]() -> Result<bool> {
    ASSIGN_OR_RETURN(bool exists, papers_.Exists(paper_id));
    if (!exists) return Fail(ErrorCode::kNotFound, "no paper " + std::string(paper_id));
    RETURN_IF_ERROR(db_.LockCounter(Counter::kPopularity));
    long long affected = 0;
    try {
      auto& st = delta > 0 ? InsertVote(db_) : DeleteVote(db_);
      st.vars.user_id = user_id;
      st.vars.paper_id = paper_id;
      st.vars.created_at = now;
      st.statement.execute(true);
      affected = st.statement.get_affected_rows();
    } catch (...) {
      return tl::unexpected(db_.DbError((delta > 0 ? "voting for " : "removing the vote for ") +
                                        std::string(paper_id)));
    }
    if (affected == 0) return false;
    RETURN_IF_ERROR(
        popularity_.Update(paper_id, [delta](PaperPopularity& p) { p.local_votes += delta; }));
    return true;
  });
}

Result<std::vector<std::string>> VoteTable::VotedPapers(int64_t user_id,
                                                        const std::vector<std::string>& paper_ids) {
  return db_.PaperIdsOfUser("votes", user_id, paper_ids,
                            "reading the votes of account " + std::to_string(user_id));
}

Result<std::vector<std::string>> VoteTable::OfAccount(int64_t user_id, int limit) {
  if (limit <= 0) return std::vector<std::string>();
  try {
    int64_t user = user_id;
    int n = limit;
    // Read from the index votes_user_time alone (migration 4); paper_id
    // orders votes cast in the same second.
    soci::rowset<std::string> rows =
        (db_.sql().prepare << "SELECT paper_id FROM votes WHERE user_id = :u ORDER BY created_at "
                              "DESC, paper_id DESC LIMIT :n",
         soci::use(user), soci::use(n));
    return std::vector<std::string>(rows.begin(), rows.end());
  } catch (...) {
    return tl::unexpected(db_.DbError("listing the votes of account " + std::to_string(user_id)));
  }
}

}  // namespace paperpulse::storage
