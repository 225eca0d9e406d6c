#include "paperpulse/storage/soci/popularity.h"

#include <string>

#include "paperpulse/ranking/trending.h"

namespace paperpulse::storage {
namespace {

struct PopularityVars {
  std::string paper_id;
  int64_t imported_upvotes = 0;
  int64_t local_votes = 0;
  int64_t local_comments = 0;
  int64_t github_stars = 0;
  soci::indicator github_stars_ind = soci::i_null;
  std::string first_listed;
  double trending = 0;
  int64_t popularity_seq = 0;
};

constexpr const char* kColumns =
    "paper_id, imported_upvotes, local_votes, local_comments, github_stars, first_listed, "
    "trending, popularity_seq";

PaperPopularity FromRow(const soci::row& r) {
  PaperPopularity p;
  p.paper_id = r.get<std::string>(0);
  p.imported_upvotes = SociDb::GetInt(r, 1);
  p.local_votes = SociDb::GetInt(r, 2);
  p.local_comments = SociDb::GetInt(r, 3);
  if (r.get_indicator(4) == soci::i_ok) p.github_stars = SociDb::GetInt(r, 4);
  p.first_listed = r.get<std::string>(5);
  p.trending = r.get<double>(6);
  p.popularity_seq = SociDb::GetInt(r, 7);
  return p;
}

// The date trending counts a paper's age from: its first daily list, or its
// submission when it was never listed ("" when neither is known).
Result<std::string> TrendingDate(SociDb& db, const PaperPopularity& p) {
  if (!p.first_listed.empty()) return p.first_listed;
  try {
    std::string id = p.paper_id, submitted;
    db.sql() << "SELECT submitted FROM papers WHERE id = :id", soci::use(id), soci::into(submitted);
    return submitted;
  } catch (...) {
    return tl::unexpected(db.DbError("reading the submission date of " + p.paper_id));
  }
}

// Scores `p` and gives it the next popularity_seq.
Status Score(SociDb& db, PaperPopularity& p) {
  ASSIGN_OR_RETURN(std::string date, TrendingDate(db, p));
  p.trending = ranking::TrendingScore({p.upvotes(), p.github_stars, date});
  ASSIGN_OR_RETURN(p.popularity_seq, db.NextSeq(Counter::kPopularity));
  return Ok();
}

// Scores `p`, gives it the next popularity_seq and writes it.
Status Save(SociDb& db, PaperPopularity& p) {
  RETURN_IF_ERROR(Score(db, p));
  try {
    auto& st = db.Prepared<PopularityVars>(
        StatementKey::kUpsertPopularity, [](soci::session& sql, PopularityVars& v) {
          return (sql.prepare << "INSERT INTO paper_popularity (" + std::string(kColumns) +
                                     ") VALUES (:p, :iu, :lv, :lc, :gs, :fl, :t, :seq) ON "
                                     "CONFLICT (paper_id) DO UPDATE SET imported_upvotes = "
                                     "excluded.imported_upvotes, local_votes = "
                                     "excluded.local_votes, local_comments = "
                                     "excluded.local_comments, github_stars = "
                                     "excluded.github_stars, "
                                     "first_listed = excluded.first_listed, trending = "
                                     "excluded.trending, popularity_seq = excluded.popularity_seq",
                  soci::use(v.paper_id), soci::use(v.imported_upvotes), soci::use(v.local_votes),
                  soci::use(v.local_comments), soci::use(v.github_stars, v.github_stars_ind),
                  soci::use(v.first_listed), soci::use(v.trending), soci::use(v.popularity_seq));
        });
    PopularityVars& v = st.vars;
    v.paper_id = p.paper_id;
    v.imported_upvotes = p.imported_upvotes;
    v.local_votes = p.local_votes;
    v.local_comments = p.local_comments;
    v.github_stars = p.github_stars.value_or(0);
    v.github_stars_ind = p.github_stars ? soci::i_ok : soci::i_null;
    v.first_listed = p.first_listed;
    v.trending = p.trending;
    v.popularity_seq = p.popularity_seq;
    st.statement.execute(true);
  } catch (...) {
    return tl::unexpected(db.DbError("writing popularity of " + p.paper_id));
  }
  return Ok();
}

}  // namespace

Result<std::optional<PaperPopularity>> PopularityTable::Get(std::string_view paper_id) {
  try {
    auto& st = db_.Prepared<PopularityVars>(
        StatementKey::kSelectPopularity, [](soci::session& sql, PopularityVars& v) {
          return (sql.prepare << "SELECT imported_upvotes, local_votes, local_comments, "
                                 "github_stars, first_listed, trending, popularity_seq FROM "
                                 "paper_popularity WHERE paper_id = :p",
                  soci::use(v.paper_id), soci::into(v.imported_upvotes), soci::into(v.local_votes),
                  soci::into(v.local_comments), soci::into(v.github_stars, v.github_stars_ind),
                  soci::into(v.first_listed), soci::into(v.trending), soci::into(v.popularity_seq));
        });
    PopularityVars& v = st.vars;
    v.paper_id = paper_id;
    if (!SociDb::ExecuteOne(st.statement)) return std::optional<PaperPopularity>();
    PaperPopularity p;
    p.paper_id = paper_id;
    p.imported_upvotes = v.imported_upvotes;
    p.local_votes = v.local_votes;
    p.local_comments = v.local_comments;
    if (v.github_stars_ind == soci::i_ok) p.github_stars = v.github_stars;
    p.first_listed = v.first_listed;
    p.trending = v.trending;
    p.popularity_seq = v.popularity_seq;
    return std::optional<PaperPopularity>(std::move(p));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading popularity of " + std::string(paper_id)));
  }
}

Status PopularityTable::Update(std::string_view paper_id,
                               const std::function<void(PaperPopularity&)>& change, bool bump) {
  ASSIGN_OR_RETURN(std::optional<PaperPopularity> stored, Get(paper_id));
  PaperPopularity p;
  if (stored) {
    p = *stored;
  } else {
    p.paper_id = paper_id;
  }
  change(p);
  bool changed = !stored || p.imported_upvotes != stored->imported_upvotes ||
                 p.local_votes != stored->local_votes ||
                 p.local_comments != stored->local_comments ||
                 p.github_stars != stored->github_stars || p.first_listed != stored->first_listed;
  if (!changed && !bump) return Ok();
  return Save(db_, p);
}

Result<int64_t> PopularityTable::RescoreAll() {
  return db_.InTransaction<int64_t>([&]() -> Result<int64_t> {
    RETURN_IF_ERROR(db_.LockCounter(Counter::kPopularity));
    // Read every row first: rescoring moves a row to a new popularity_seq,
    // which paging by that sequence would meet again.
    std::vector<PaperPopularity> rows;
    constexpr int kPage = 10000;
    for (int64_t after = 0;;) {
      ASSIGN_OR_RETURN(auto page, ChangedSince(after, kPage));
      if (page.empty()) break;
      after = page.back().popularity_seq;
      for (auto& p : page) rows.push_back(std::move(p));
    }
    int64_t changed = 0;
    for (PaperPopularity& p : rows) {
      ASSIGN_OR_RETURN(std::string date, TrendingDate(db_, p));
      double score = ranking::TrendingScore({p.upvotes(), p.github_stars, date});
      if (score == p.trending) continue;
      RETURN_IF_ERROR(Save(db_, p));
      ++changed;
    }
    return changed;
  });
}

Result<std::vector<PaperPopularity>> PopularityTable::ChangedSince(int64_t after, int limit) {
  std::vector<PaperPopularity> out;
  try {
    int64_t from = after;
    int n = limit;
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << "SELECT " + std::string(kColumns) +
                                  " FROM paper_popularity WHERE popularity_seq > :a ORDER BY "
                                  "popularity_seq LIMIT :n",
         soci::use(from), soci::use(n));
    for (const soci::row& r : rows) out.push_back(FromRow(r));
  } catch (...) {
    return tl::unexpected(db_.DbError("listing popularity changes"));
  }
  return out;
}

Status BackfillPopularity(SociDb& db) {
  std::vector<PaperPopularity> rows;
  try {
    // Every paper with entries or votes; daily_entries' columns are the raw
    // imported counts (no local votes are folded into them).
    soci::rowset<soci::row> rs =
        db.sql().prepare
        << "SELECT ids.paper_id, d.up, d.stars, d.first, COALESCE(v.n, 0) FROM "
           "(SELECT paper_id FROM daily_entries UNION SELECT paper_id FROM votes) ids "
           "LEFT JOIN (SELECT paper_id, MAX(upvotes) AS up, MAX(github_stars) AS stars, "
           "MIN(date) AS first FROM daily_entries GROUP BY paper_id) d "
           "ON d.paper_id = ids.paper_id "
           "LEFT JOIN (SELECT paper_id, COUNT(*) AS n FROM votes GROUP BY paper_id) v "
           "ON v.paper_id = ids.paper_id ORDER BY ids.paper_id";
    for (const soci::row& r : rs) {
      PaperPopularity p;
      p.paper_id = r.get<std::string>(0);
      if (r.get_indicator(1) == soci::i_ok) p.imported_upvotes = SociDb::GetInt(r, 1);
      if (r.get_indicator(2) == soci::i_ok) p.github_stars = SociDb::GetInt(r, 2);
      if (r.get_indicator(3) == soci::i_ok) p.first_listed = r.get<std::string>(3);
      p.local_votes = SociDb::GetInt(r, 4);
      rows.push_back(std::move(p));
    }
  } catch (...) {
    return tl::unexpected(db.DbError("reading daily entries for popularity"));
  }
  // Written with migration 3's columns, not by Save: later migrations add
  // columns this step runs before.
  for (PaperPopularity& p : rows) {
    RETURN_IF_ERROR(Score(db, p));
    try {
      int64_t stars = p.github_stars.value_or(0);
      soci::indicator stars_ind = p.github_stars ? soci::i_ok : soci::i_null;
      db.sql() << "INSERT INTO paper_popularity (paper_id, imported_upvotes, local_votes, "
                  "github_stars, first_listed, trending, popularity_seq) VALUES (:p, :iu, :lv, "
                  ":gs, :fl, :t, :seq)",
          soci::use(p.paper_id), soci::use(p.imported_upvotes), soci::use(p.local_votes),
          soci::use(stars, stars_ind), soci::use(p.first_listed), soci::use(p.trending),
          soci::use(p.popularity_seq);
    } catch (...) {
      return tl::unexpected(db.DbError("backfilling popularity of " + p.paper_id));
    }
  }
  return Ok();
}

}  // namespace paperpulse::storage
