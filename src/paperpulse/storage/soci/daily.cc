#include "paperpulse/storage/soci/daily.h"

#include <algorithm>
#include <utility>

#include "paperpulse/base/strings.h"

namespace paperpulse::storage {
namespace {

// The source columns of an entry, as imports write and merge them.
struct EntryColumns {
  std::string date, paper_id, submitted_by, submitted_at, github_repo, project_page, source;
  // ai_keywords: one keyword per line (keywords are single-line text).
  std::string published_at, organization, organization_fullname, ai_summary, ai_keywords;
  int64_t upvotes = 0, num_comments = 0, github_stars = 0;
  soci::indicator github_stars_ind = soci::i_null;
};

// What readers get: the imported counts plus the paper's local votes and
// visible local comments, and the read-side fields. Used with ReadEntry.
constexpr const char* kReadSelect =
    "SELECT d.date, d.paper_id, d.submitted_by, d.submitted_at, "
    "d.upvotes + COALESCE(p.local_votes, 0), d.num_comments + COALESCE(p.local_comments, 0), "
    "d.github_repo, d.github_stars, d.project_page, d.source, COALESCE(p.local_votes, 0), "
    "d.submitted_by_user, d.hidden, COALESCE(p.local_comments, 0), d.published_at, "
    "d.organization, d.organization_fullname, d.ai_summary, d.ai_keywords "
    "FROM daily_entries d LEFT JOIN paper_popularity p ON p.paper_id = d.paper_id ";
constexpr const char* kReadOrder =
    "d.upvotes + COALESCE(p.local_votes, 0) DESC, d.submitted_at, d.paper_id";

std::string JoinKeywords(const std::vector<std::string>& keywords) {
  std::string out;
  for (const std::string& k : keywords) {
    if (!out.empty()) out.push_back('\n');
    for (char c : k) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  }
  return out;
}

std::vector<std::string> SplitKeywords(const std::string& s) {
  std::vector<std::string> out;
  for (std::string_view k : Split(s, '\n'))
    if (!k.empty()) out.emplace_back(k);
  return out;
}

DailyEntry ReadEntry(const soci::row& r) {
  DailyEntry e;
  e.date = r.get<std::string>(0);
  e.paper_id = r.get<std::string>(1);
  e.submitted_by = r.get<std::string>(2);
  e.submitted_at = r.get<std::string>(3);
  e.upvotes = SociDb::GetInt(r, 4);
  e.num_comments = SociDb::GetInt(r, 5);
  e.github_repo = r.get<std::string>(6);
  if (r.get_indicator(7) == soci::i_ok) e.github_stars = SociDb::GetInt(r, 7);
  e.project_page = r.get<std::string>(8);
  e.source = r.get<std::string>(9);
  e.local_votes = SociDb::GetInt(r, 10);
  if (r.get_indicator(11) == soci::i_ok) e.submitted_by_user = SociDb::GetInt(r, 11);
  e.hidden = SociDb::GetInt(r, 12) != 0;
  e.local_comments = SociDb::GetInt(r, 13);
  e.published_at = r.get<std::string>(14);
  e.organization = r.get<std::string>(15);
  e.organization_fullname = r.get<std::string>(16);
  e.ai_summary = r.get<std::string>(17);
  e.ai_keywords = SplitKeywords(r.get<std::string>(18));
  return e;
}

CachedStatement<EntryColumns>& SelectForUpdate(SociDb& db) {
  std::string lock = db.dialect().select_for_update;
  return db.Prepared<EntryColumns>(
      StatementKey::kSelectDailyEntryForUpdate, [&lock](soci::session& sql, EntryColumns& c) {
        return (sql.prepare << "SELECT submitted_by, submitted_at, upvotes, num_comments, "
                               "github_repo, github_stars, project_page, source, published_at, "
                               "organization, organization_fullname, ai_summary, ai_keywords "
                               "FROM daily_entries WHERE date = :d AND paper_id = :p" +
                                   lock,
                soci::use(c.date), soci::use(c.paper_id), soci::into(c.submitted_by),
                soci::into(c.submitted_at), soci::into(c.upvotes), soci::into(c.num_comments),
                soci::into(c.github_repo), soci::into(c.github_stars, c.github_stars_ind),
                soci::into(c.project_page), soci::into(c.source), soci::into(c.published_at),
                soci::into(c.organization), soci::into(c.organization_fullname),
                soci::into(c.ai_summary), soci::into(c.ai_keywords));
      });
}

CachedStatement<EntryColumns>& InsertEntry(SociDb& db) {
  return db.Prepared<EntryColumns>(
      StatementKey::kInsertDailyEntry, [](soci::session& sql, EntryColumns& c) {
        return (sql.prepare << "INSERT INTO daily_entries (date, paper_id, submitted_by, "
                               "submitted_at, upvotes, num_comments, github_repo, github_stars, "
                               "project_page, source, published_at, organization, "
                               "organization_fullname, ai_summary, ai_keywords) VALUES (:d, :p, "
                               ":sb, :sa, :u, :c, :gr, :gs, :pp, :src, :pa, :o, :of, :as, :ak)",
                soci::use(c.date), soci::use(c.paper_id), soci::use(c.submitted_by),
                soci::use(c.submitted_at), soci::use(c.upvotes), soci::use(c.num_comments),
                soci::use(c.github_repo), soci::use(c.github_stars, c.github_stars_ind),
                soci::use(c.project_page), soci::use(c.source), soci::use(c.published_at),
                soci::use(c.organization), soci::use(c.organization_fullname),
                soci::use(c.ai_summary), soci::use(c.ai_keywords));
      });
}

CachedStatement<EntryColumns>& UpdateEntry(SociDb& db) {
  return db.Prepared<EntryColumns>(
      StatementKey::kUpdateDailyEntry, [](soci::session& sql, EntryColumns& c) {
        return (sql.prepare << "UPDATE daily_entries SET submitted_by = :sb, submitted_at = :sa, "
                               "upvotes = :u, num_comments = :c, github_repo = :gr, github_stars "
                               "= :gs, project_page = :pp, source = :src, published_at = :pa, "
                               "organization = :o, organization_fullname = :of, ai_summary = "
                               ":as, ai_keywords = :ak WHERE date = :d AND paper_id = :p",
                soci::use(c.submitted_by), soci::use(c.submitted_at), soci::use(c.upvotes),
                soci::use(c.num_comments), soci::use(c.github_repo),
                soci::use(c.github_stars, c.github_stars_ind), soci::use(c.project_page),
                soci::use(c.source), soci::use(c.published_at), soci::use(c.organization),
                soci::use(c.organization_fullname), soci::use(c.ai_summary),
                soci::use(c.ai_keywords), soci::use(c.date), soci::use(c.paper_id));
      });
}

void ToColumns(const DailyEntry& e, EntryColumns& c) {
  c.date = e.date;
  c.paper_id = e.paper_id;
  c.submitted_by = e.submitted_by;
  c.submitted_at = e.submitted_at;
  c.upvotes = e.upvotes;
  c.num_comments = e.num_comments;
  c.github_repo = e.github_repo;
  c.github_stars = e.github_stars.value_or(0);
  c.github_stars_ind = e.github_stars ? soci::i_ok : soci::i_null;
  c.project_page = e.project_page;
  c.source = e.source;
  c.published_at = e.published_at;
  c.organization = e.organization;
  c.organization_fullname = e.organization_fullname;
  c.ai_summary = e.ai_summary;
  c.ai_keywords = JoinKeywords(e.ai_keywords);
}

// What an entry contributes to its paper's popularity (see popularity.h).
void CountEntry(const DailyEntry& e, PaperPopularity& p) {
  p.imported_upvotes = std::max(p.imported_upvotes, e.upvotes);
  if (e.github_stars && (!p.github_stars || *e.github_stars > *p.github_stars)) {
    p.github_stars = e.github_stars;
  }
  if (p.first_listed.empty() || e.date < p.first_listed) p.first_listed = e.date;
}

Status RequirePaper(PaperTable& papers, std::string_view paper_id) {
  ASSIGN_OR_RETURN(bool exists, papers.Exists(paper_id));
  if (!exists) return Fail(ErrorCode::kNotFound, "no paper " + std::string(paper_id));
  return Ok();
}

}  // namespace

Result<WriteOutcome> DailyTable::Upsert(const DailyEntry& entry) {
  return db_.InTransaction<WriteOutcome>([&]() -> Result<WriteOutcome> {
    RETURN_IF_ERROR(RequirePaper(papers_, entry.paper_id));
    RETURN_IF_ERROR(db_.LockCounter(Counter::kPopularity));
    // Only the source fields: the read-side ones (local counts, hidden) stay
    // at their defaults on both sides of the comparison. An entry read from
    // the Store has its local counts in its totals: they are taken out, so
    // writing it back never counts a local vote or comment as imported.
    DailyEntry incoming = entry;
    incoming.upvotes = std::max<int64_t>(0, entry.upvotes - entry.local_votes);
    incoming.num_comments = std::max<int64_t>(0, entry.num_comments - entry.local_comments);
    incoming.local_votes = 0;
    incoming.local_comments = 0;
    incoming.submitted_by_user = 0;
    incoming.hidden = false;
    DailyEntry merged = incoming;
    WriteOutcome outcome = WriteOutcome::kInserted;
    try {
      auto& select = SelectForUpdate(db_);
      EntryColumns& c = select.vars;
      c.date = entry.date;
      c.paper_id = entry.paper_id;
      if (SociDb::ExecuteOne(select.statement)) {
        DailyEntry stored;
        stored.date = entry.date;
        stored.paper_id = entry.paper_id;
        stored.submitted_by = c.submitted_by;
        stored.submitted_at = c.submitted_at;
        stored.upvotes = c.upvotes;
        stored.num_comments = c.num_comments;
        stored.github_repo = c.github_repo;
        if (c.github_stars_ind == soci::i_ok) stored.github_stars = c.github_stars;
        stored.project_page = c.project_page;
        stored.source = c.source;
        stored.published_at = c.published_at;
        stored.organization = c.organization;
        stored.organization_fullname = c.organization_fullname;
        stored.ai_summary = c.ai_summary;
        stored.ai_keywords = SplitKeywords(c.ai_keywords);
        merged = MergeDailyEntry(stored, incoming);
        if (merged == stored) return WriteOutcome::kUnchanged;
        outcome = WriteOutcome::kUpdated;
      }
      auto& write = outcome == WriteOutcome::kUpdated ? UpdateEntry(db_) : InsertEntry(db_);
      ToColumns(merged, write.vars);
      write.statement.execute(true);
    } catch (...) {
      return tl::unexpected(
          db_.DbError("writing daily entry " + entry.date + " " + entry.paper_id));
    }
    RETURN_IF_ERROR(
        popularity_.Update(entry.paper_id, [&](PaperPopularity& p) { CountEntry(merged, p); }));
    return outcome;
  });
}

Result<std::vector<DailyEntry>> DailyTable::Between(std::string_view from, std::string_view to) {
  std::vector<DailyEntry> out;
  try {
    std::string f(from), t(to);
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << std::string(kReadSelect) +
                                  "WHERE d.date >= :f AND d.date <= :t AND d.hidden = 0 "
                                  "ORDER BY d.date, " +
                                  kReadOrder,
         soci::use(f), soci::use(t));
    for (const soci::row& r : rows) out.push_back(ReadEntry(r));
  } catch (...) {
    return tl::unexpected(db_.DbError("listing daily entries"));
  }
  return out;
}

Result<std::optional<std::string>> DailyTable::Adjacent(std::string_view date,
                                                        Store::Direction direction) {
  try {
    std::string d(date), found;
    soci::indicator ind = soci::i_null;
    // MIN/MAX over the (date, paper_id) primary key: an index seek (past
    // the rare hidden entries).
    if (direction == Store::Direction::kBefore) {
      db_.sql() << "SELECT MAX(date) FROM daily_entries WHERE date < :d AND hidden = 0",
          soci::use(d), soci::into(found, ind);
    } else {
      db_.sql() << "SELECT MIN(date) FROM daily_entries WHERE date > :d AND hidden = 0",
          soci::use(d), soci::into(found, ind);
    }
    if (ind != soci::i_ok) return std::optional<std::string>();
    return std::optional<std::string>(std::move(found));
  } catch (...) {
    return tl::unexpected(db_.DbError("finding adjacent daily date"));
  }
}

Result<std::vector<DailyEntry>> DailyTable::ForPaper(std::string_view paper_id) {
  std::vector<DailyEntry> out;
  try {
    std::string id(paper_id);
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << std::string(kReadSelect) +
                                  "WHERE d.paper_id = :p AND d.hidden = 0 ORDER BY d.date DESC",
         soci::use(id));
    for (const soci::row& r : rows) out.push_back(ReadEntry(r));
  } catch (...) {
    return tl::unexpected(db_.DbError("listing daily entries of " + std::string(paper_id)));
  }
  return out;
}

Result<std::optional<DailyEntry>> DailyTable::ReadOne(const std::string& date,
                                                      const std::string& paper_id) {
  try {
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << std::string(kReadSelect) + "WHERE d.date = :d AND d.paper_id = :p",
         soci::use(date), soci::use(paper_id));
    for (const soci::row& r : rows) return std::optional<DailyEntry>(ReadEntry(r));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading daily entry " + date + " " + paper_id));
  }
  return std::optional<DailyEntry>();
}

Result<SubmitResult> DailyTable::Submit(std::string_view date, std::string_view paper_id,
                                        const Account& by, std::string_view now, int max_per_day) {
  std::string d(date), id(paper_id);
  return db_.InTransaction<SubmitResult>([&]() -> Result<SubmitResult> {
    RETURN_IF_ERROR(RequirePaper(papers_, id));
    // Taken before the checks: concurrent submissions of one paper then run
    // one after the other, and the second sees the first's entry.
    RETURN_IF_ERROR(db_.LockCounter(Counter::kPopularity));
    std::vector<std::string> dates;
    try {
      soci::rowset<std::string> rows =
          (db_.sql().prepare << "SELECT date FROM daily_entries WHERE paper_id = :p ORDER BY date",
           soci::use(id));
      dates.assign(rows.begin(), rows.end());
    } catch (...) {
      return tl::unexpected(db_.DbError("reading the daily lists of " + id));
    }
    if (std::find(dates.begin(), dates.end(), d) != dates.end()) {
      ASSIGN_OR_RETURN(std::optional<DailyEntry> existing, ReadOne(d, id));
      if (!existing) return Fail(ErrorCode::kInternal, "daily entry " + d + " " + id + " vanished");
      return SubmitResult{std::move(*existing), false};
    }
    if (!dates.empty()) {
      return Fail(ErrorCode::kAlreadyExists,
                  "paper " + id + " is already on the list of " + dates.front());
    }
    if (max_per_day > 0) {
      int64_t submitted = 0;
      try {
        int64_t user = by.id;
        db_.sql()
            << "SELECT COUNT(*) FROM daily_entries WHERE date = :d AND submitted_by_user = :u",
            soci::use(d), soci::use(user), soci::into(submitted);
      } catch (...) {
        return tl::unexpected(
            db_.DbError("counting the submissions of account " + std::to_string(by.id)));
      }
      if (submitted >= max_per_day) {
        return Fail(ErrorCode::kResourceExhausted,
                    "at most " + std::to_string(max_per_day) + " submissions per day");
      }
    }
    DailyEntry entry;
    entry.date = d;
    entry.paper_id = id;
    entry.submitted_by = by.name.empty() ? by.email.substr(0, by.email.find('@')) : by.name;
    entry.submitted_at = now;
    entry.source = "local";
    try {
      std::string submitted_by = entry.submitted_by, submitted_at = entry.submitted_at;
      std::string source = entry.source;
      int64_t user = by.id;
      db_.sql() << "INSERT INTO daily_entries (date, paper_id, submitted_by, submitted_by_user, "
                   "submitted_at, source) VALUES (:d, :p, :sb, :u, :sa, :src)",
          soci::use(d), soci::use(id), soci::use(submitted_by), soci::use(user),
          soci::use(submitted_at), soci::use(source);
    } catch (...) {
      return tl::unexpected(db_.DbError("submitting " + id + " to " + d));
    }
    RETURN_IF_ERROR(popularity_.Update(id, [&](PaperPopularity& p) { CountEntry(entry, p); }));
    ASSIGN_OR_RETURN(std::optional<DailyEntry> stored, ReadOne(d, id));
    if (!stored) return Fail(ErrorCode::kInternal, "daily entry " + d + " " + id + " vanished");
    return SubmitResult{std::move(*stored), true};
  });
}

Status DailyTable::SetHidden(std::string_view date, std::string_view paper_id, bool hidden) {
  std::string d(date), id(paper_id);
  return db_.RunInTransaction([&]() -> Status {
    RETURN_IF_ERROR(db_.LockCounter(Counter::kPopularity));
    try {
      int flag = hidden ? 1 : 0;
      soci::statement st =
          (db_.sql().prepare << "UPDATE daily_entries SET hidden = :h WHERE date = :d AND "
                                "paper_id = :p",
           soci::use(flag), soci::use(d), soci::use(id));
      st.execute(true);
      if (st.get_affected_rows() == 0) {
        return Fail(ErrorCode::kNotFound, "no daily entry " + d + " " + id);
      }
    } catch (...) {
      return tl::unexpected(db_.DbError("hiding daily entry " + d + " " + id));
    }
    // A new popularity_seq: the content version changes (cached pages that
    // show the entry are dropped) and followers of the sequence see it.
    return popularity_.Update(
        id, [](PaperPopularity&) {}, /*bump=*/true);
  });
}

Result<std::vector<DailyEntry>> DailyTable::Where(const Store::DailyEntryFilter& filter, int limit,
                                                  int offset) {
  if (filter.submitter.empty() && filter.organization.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "give a submitter or an organization");
  }
  std::vector<DailyEntry> out;
  if (limit <= 0) return out;
  try {
    // Both values are always bound (an empty one matches anything); the
    // planner takes the index of the one given (daily_entries_submitter or
    // daily_entries_organization).
    std::string sb = filter.submitter, org = filter.organization;
    std::string from = filter.from, to = filter.to.empty() ? "9999-12-31" : filter.to;
    int n = limit, skip = std::max(0, offset);
    std::string where = "WHERE d.hidden = 0 AND d.date >= :f AND d.date <= :t";
    where += sb.empty() ? " AND :sb = ''" : " AND d.submitted_by = :sb";
    where += org.empty() ? " AND :o = ''" : " AND d.organization = :o";
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << std::string(kReadSelect) + where + " ORDER BY d.date DESC, " +
                                  kReadOrder + " LIMIT :n OFFSET :k",
         soci::use(from), soci::use(to), soci::use(sb), soci::use(org), soci::use(n),
         soci::use(skip));
    for (const soci::row& r : rows) out.push_back(ReadEntry(r));
  } catch (...) {
    return tl::unexpected(db_.DbError("listing daily entries by submitter or organization"));
  }
  return out;
}

}  // namespace paperpulse::storage
