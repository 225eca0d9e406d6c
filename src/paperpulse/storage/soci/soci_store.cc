#include "paperpulse/storage/soci/soci_store.h"

#include <simdjson.h>
#include <soci/soci.h>

#include <algorithm>

#include "paperpulse/base/strings.h"

namespace paperpulse::storage {
namespace {

std::string JoinCategories(const std::vector<std::string>& cats) {
  std::string out;
  for (const auto& c : cats) {
    if (!out.empty()) out.push_back(' ');
    out += c;
  }
  return out;
}

std::vector<std::string> SplitCategories(const std::string& s) {
  std::vector<std::string> out;
  for (auto part : Split(s, ' '))
    if (!part.empty()) out.emplace_back(part);
  return out;
}

std::string EncodeStringArray(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    out += JsonQuote(v[i]);
  }
  out.push_back(']');
  return out;
}

// Converts a SOCI/database exception into an Error; `what` says what we did.
Error DbError(const std::exception& e, const std::string& what) {
  return Error{ErrorCode::kInternal, what + ": " + e.what()};
}

class SociStore final : public Store {
 public:
  SociStore(std::unique_ptr<soci::session> sql, Dialect dialect)
      : sql_(std::move(sql)), dialect_(std::move(dialect)) {}

  ~SociStore() override {
    if (in_tx_) {
      try {
        *sql_ << "ROLLBACK";
      } catch (const std::exception&) {
        // Nothing more to do: the connection is going away anyway.
      }
    }
  }

  Status Init() {
    try {
      *sql_ << "CREATE TABLE IF NOT EXISTS schema_migrations ("
               " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
      for (const Migration& m : AllMigrations(dialect_)) {
        *sql_ << dialect_.begin_write;
        try {
          if (!dialect_.migration_lock.empty()) *sql_ << dialect_.migration_lock;
          int count = 0;
          *sql_ << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v",
              soci::use(m.version), soci::into(count);
          if (count == 0) {
            for (const std::string& stmt : m.statements) *sql_ << stmt;
            std::string name = m.name;
            *sql_ << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, "
                     "CAST(CURRENT_TIMESTAMP AS TEXT))",
                soci::use(m.version), soci::use(name);
          }
          *sql_ << "COMMIT";
        } catch (...) {
          *sql_ << "ROLLBACK";
          throw;
        }
      }
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "applying migrations"));
    }
    return Ok();
  }

  std::string_view Backend() const override { return dialect_.name; }

  Result<int> SchemaVersion() override {
    try {
      int v = 0;
      soci::indicator ind;
      *sql_ << "SELECT MAX(version) FROM schema_migrations", soci::into(v, ind);
      return ind == soci::i_ok ? v : 0;
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "reading schema version"));
    }
  }

  Status Begin() override {
    if (in_tx_) return Fail(ErrorCode::kInternal, "Begin() inside a transaction");
    try {
      *sql_ << dialect_.begin_write;
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "begin"));
    }
    in_tx_ = true;
    seq_loaded_ = false;
    return Ok();
  }

  Status Commit() override {
    if (!in_tx_) return Fail(ErrorCode::kInternal, "Commit() without Begin()");
    try {
      if (seq_dirty_) {
        std::string value = std::to_string(next_seq_);
        *sql_ << "UPDATE meta SET value = :v WHERE key = 'change_seq'", soci::use(value);
      }
      *sql_ << "COMMIT";
    } catch (const std::exception& e) {
      in_tx_ = false;
      seq_loaded_ = seq_dirty_ = false;
      try {
        *sql_ << "ROLLBACK";
      } catch (const std::exception&) {
        // The commit failure is the error to report.
      }
      return tl::unexpected(DbError(e, "commit"));
    }
    in_tx_ = false;
    seq_loaded_ = seq_dirty_ = false;
    return Ok();
  }

  Status Rollback() override {
    if (!in_tx_) return Fail(ErrorCode::kInternal, "Rollback() without Begin()");
    in_tx_ = false;
    seq_loaded_ = seq_dirty_ = false;
    try {
      *sql_ << "ROLLBACK";
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "rollback"));
    }
    return Ok();
  }

  Result<WriteOutcome> UpsertPaper(const Paper& paper) override {
    return InTransaction<WriteOutcome>([&]() -> Result<WriteOutcome> {
      ASSIGN_OR_RETURN(std::optional<Paper> stored, ReadPaper(paper.id, /*lock=*/true));
      Paper base;
      base.id = paper.id;
      Paper merged = MergePaper(stored ? *stored : base, paper);
      if (stored && merged == *stored) return WriteOutcome::kUnchanged;
      ASSIGN_OR_RETURN(int64_t seq, NextSeq());
      RETURN_IF_ERROR(WritePaper(merged, stored.has_value(), seq));
      return stored ? WriteOutcome::kUpdated : WriteOutcome::kInserted;
    });
  }

  Result<WriteOutcome> UpsertDailyEntry(const DailyEntry& entry) override {
    return InTransaction<WriteOutcome>([&]() -> Result<WriteOutcome> {
      try {
        DailyEntry stored;
        std::string date = entry.date, pid = entry.paper_id;
        soci::indicator stars_ind = soci::i_null;
        long long stars = 0, upvotes = 0, comments = 0;
        *sql_ << "SELECT submitted_by, submitted_at, upvotes, num_comments, github_repo, "
                 "github_stars, project_page, source FROM daily_entries WHERE date = :d AND "
                 "paper_id = :p" +
                     dialect_.select_for_update,
            soci::use(date), soci::use(pid), soci::into(stored.submitted_by),
            soci::into(stored.submitted_at), soci::into(upvotes), soci::into(comments),
            soci::into(stored.github_repo), soci::into(stars, stars_ind),
            soci::into(stored.project_page), soci::into(stored.source);
        bool exists = sql_->got_data();
        DailyEntry merged = entry;
        if (exists) {
          stored.date = date;
          stored.paper_id = pid;
          stored.upvotes = upvotes;
          stored.num_comments = comments;
          if (stars_ind == soci::i_ok) stored.github_stars = stars;
          merged = MergeDailyEntry(stored, entry);
          if (merged == stored) return WriteOutcome::kUnchanged;
        }
        long long up = merged.upvotes, nc = merged.num_comments;
        long long st = merged.github_stars.value_or(0);
        soci::indicator st_ind = merged.github_stars ? soci::i_ok : soci::i_null;
        if (exists) {
          *sql_ << "UPDATE daily_entries SET submitted_by = :sb, submitted_at = :sa, upvotes = :u, "
                   "num_comments = :c, github_repo = :gr, github_stars = :gs, project_page = :pp, "
                   "source = :src WHERE date = :d AND paper_id = :p",
              soci::use(merged.submitted_by), soci::use(merged.submitted_at), soci::use(up),
              soci::use(nc), soci::use(merged.github_repo), soci::use(st, st_ind),
              soci::use(merged.project_page), soci::use(merged.source), soci::use(date),
              soci::use(pid);
          return WriteOutcome::kUpdated;
        }
        *sql_ << "INSERT INTO daily_entries (date, paper_id, submitted_by, submitted_at, upvotes, "
                 "num_comments, github_repo, github_stars, project_page, source) VALUES (:d, :p, "
                 ":sb, :sa, :u, :c, :gr, :gs, :pp, :src)",
            soci::use(date), soci::use(pid), soci::use(merged.submitted_by),
            soci::use(merged.submitted_at), soci::use(up), soci::use(nc),
            soci::use(merged.github_repo), soci::use(st, st_ind), soci::use(merged.project_page),
            soci::use(merged.source);
        return WriteOutcome::kInserted;
      } catch (const std::exception& e) {
        return tl::unexpected(
            DbError(e, "writing daily entry " + entry.date + " " + entry.paper_id));
      }
    });
  }

  Result<WriteOutcome> UpsertUnkeyedPaper(const Paper& paper, std::string_view source) override {
    return InTransaction<WriteOutcome>([&]() -> Result<WriteOutcome> {
      try {
        std::string src(source), key = TitleKey(paper.title);
        std::string abstract, authors, categories;
        *sql_ << "SELECT abstract, authors, categories FROM unkeyed_papers WHERE source = :s AND "
                 "title_key = :k" +
                     dialect_.select_for_update,
            soci::use(src), soci::use(key), soci::into(abstract), soci::into(authors),
            soci::into(categories);
        bool exists = sql_->got_data();
        std::string new_authors = EncodeStringArray(paper.authors);
        std::string new_categories = JoinCategories(paper.categories);
        if (exists) {
          // First record wins; later ones only fill what is empty.
          bool changed = false;
          auto fill = [&](std::string& field, const std::string& value, const char* empty) {
            if ((field.empty() || field == empty) && !value.empty() && value != empty) {
              field = value;
              changed = true;
            }
          };
          fill(abstract, paper.abstract, "");
          fill(authors, new_authors, "[]");
          fill(categories, new_categories, "");
          if (!changed) return WriteOutcome::kUnchanged;
          *sql_ << "UPDATE unkeyed_papers SET abstract = :a, authors = :au, categories = :c WHERE "
                   "source = :s AND title_key = :k",
              soci::use(abstract), soci::use(authors), soci::use(categories), soci::use(src),
              soci::use(key);
          return WriteOutcome::kUpdated;
        }
        *sql_ << "INSERT INTO unkeyed_papers (source, title_key, title, abstract, authors, "
                 "categories) VALUES (:s, :k, :t, :a, :au, :c)",
            soci::use(src), soci::use(key), soci::use(paper.title), soci::use(paper.abstract),
            soci::use(new_authors), soci::use(new_categories);
        return WriteOutcome::kInserted;
      } catch (const std::exception& e) {
        return tl::unexpected(DbError(e, "writing record without id"));
      }
    });
  }

  Result<std::optional<Paper>> GetPaper(std::string_view id) override {
    return ReadPaper(std::string(id), /*lock=*/false);
  }

  Result<std::vector<ChangedPaper>> PapersChangedSince(int64_t after, int limit) override {
    std::vector<ChangedPaper> out;
    try {
      long long from = after;
      std::vector<std::string> ids(std::max(limit, 1));
      std::vector<long long> seqs(std::max(limit, 1));
      *sql_
          << "SELECT id, change_seq FROM papers WHERE change_seq > :a ORDER BY change_seq LIMIT " +
                 std::to_string(limit),
          soci::use(from), soci::into(ids), soci::into(seqs);
      for (size_t i = 0; i < ids.size(); ++i) {
        ASSIGN_OR_RETURN(std::optional<Paper> p, ReadPaper(ids[i], false));
        if (p) out.push_back({seqs[i], std::move(*p)});
      }
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "listing changed papers"));
    }
    return out;
  }

  Result<std::vector<DailyEntry>> DailyEntriesBetween(std::string_view from,
                                                      std::string_view to) override {
    std::vector<DailyEntry> out;
    try {
      std::string f(from), t(to);
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " + std::string(kDailyColumns) +
                                " FROM daily_entries WHERE date >= :f AND date <= :t ORDER BY "
                                "date, upvotes DESC, submitted_at, paper_id",
           soci::use(f), soci::use(t));
      for (const soci::row& r : rows) out.push_back(ReadDailyEntry(r));
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "listing daily entries"));
    }
    return out;
  }

  Result<std::optional<std::string>> AdjacentDailyDate(std::string_view date,
                                                       Direction direction) override {
    try {
      std::string d(date), found;
      soci::indicator ind = soci::i_null;
      // MIN/MAX over the (date, paper_id) primary key: an index seek.
      if (direction == Direction::kBefore) {
        *sql_ << "SELECT MAX(date) FROM daily_entries WHERE date < :d", soci::use(d),
            soci::into(found, ind);
      } else {
        *sql_ << "SELECT MIN(date) FROM daily_entries WHERE date > :d", soci::use(d),
            soci::into(found, ind);
      }
      if (ind != soci::i_ok) return std::optional<std::string>();
      return std::optional<std::string>(std::move(found));
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "finding adjacent daily date"));
    }
  }

  Result<std::vector<DailyEntry>> DailyEntriesForPaper(std::string_view paper_id) override {
    std::vector<DailyEntry> out;
    try {
      std::string id(paper_id);
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " + std::string(kDailyColumns) +
                                " FROM daily_entries WHERE paper_id = :p ORDER BY date DESC",
           soci::use(id));
      for (const soci::row& r : rows) out.push_back(ReadDailyEntry(r));
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "listing daily entries of " + std::string(paper_id)));
    }
    return out;
  }

  Result<StoreStats> Stats() override {
    StoreStats s;
    try {
      long long n = 0;
      *sql_ << "SELECT COUNT(*) FROM papers", soci::into(n);
      s.papers = n;
      *sql_ << "SELECT COUNT(*) FROM paper_versions", soci::into(n);
      s.versions = n;
      *sql_ << "SELECT COUNT(*) FROM daily_entries", soci::into(n);
      s.daily_entries = n;
      *sql_ << "SELECT COUNT(*) FROM users", soci::into(n);
      s.users = n;
      *sql_ << "SELECT COUNT(*) FROM unkeyed_papers", soci::into(n);
      s.unkeyed = n;
      std::string seq;
      *sql_ << "SELECT value FROM meta WHERE key = 'change_seq'", soci::into(seq);
      s.change_seq = std::stoll(seq);
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "reading stats"));
    }
    return s;
  }

  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    try {
      std::string k(key), v;
      *sql_ << "SELECT value FROM meta WHERE key = :k", soci::use(k), soci::into(v);
      if (!sql_->got_data()) return std::optional<std::string>();
      return std::optional<std::string>(std::move(v));
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "reading meta"));
    }
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    return InTransaction<bool>([&]() -> Result<bool> {
             try {
               std::string k(key), v(value);
               *sql_ << "INSERT INTO meta (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE "
                        "SET value = excluded.value",
                   soci::use(k), soci::use(v);
             } catch (const std::exception& e) {
               return tl::unexpected(DbError(e, "writing meta"));
             }
             return true;
           })
        .map([](bool) {});
  }

 private:
  // The columns ReadDailyEntry expects, in its order.
  static constexpr std::string_view kDailyColumns =
      "date, paper_id, submitted_by, submitted_at, upvotes, num_comments, github_repo, "
      "github_stars, project_page, source";

  static DailyEntry ReadDailyEntry(const soci::row& r) {
    DailyEntry e;
    e.date = r.get<std::string>(0);
    e.paper_id = r.get<std::string>(1);
    e.submitted_by = r.get<std::string>(2);
    e.submitted_at = r.get<std::string>(3);
    e.upvotes = GetInt(r, 4);
    e.num_comments = GetInt(r, 5);
    e.github_repo = r.get<std::string>(6);
    if (r.get_indicator(7) == soci::i_ok) e.github_stars = GetInt(r, 7);
    e.project_page = r.get<std::string>(8);
    e.source = r.get<std::string>(9);
    return e;
  }

  static int64_t GetInt(const soci::row& r, size_t i) {
    switch (r.get_properties(i).get_data_type()) {
      case soci::dt_integer:
        return r.get<int>(i);
      case soci::dt_long_long:
        return r.get<long long>(i);
      case soci::dt_unsigned_long_long:
        return static_cast<int64_t>(r.get<unsigned long long>(i));
      case soci::dt_double:
        return static_cast<int64_t>(r.get<double>(i));
      default:
        return std::stoll(r.get<std::string>(i));
    }
  }

  // Runs `fn` inside the current transaction, or inside one of its own.
  template <typename T, typename Fn>
  Result<T> InTransaction(Fn&& fn) {
    if (in_tx_) return fn();
    RETURN_IF_ERROR(Begin());
    Result<T> r = fn();
    if (!r) {
      (void)Rollback();
      return r;
    }
    RETURN_IF_ERROR(Commit());
    return r;
  }

  // Change sequence numbers are handed out from a counter row read once per
  // transaction (and locked on PostgreSQL until commit), so numbers follow
  // commit order: a reader that has seen seq N never misses a later commit <= N.
  Result<int64_t> NextSeq() {
    try {
      if (!seq_loaded_) {
        std::string v;
        *sql_ << "SELECT value FROM meta WHERE key = 'change_seq'" + dialect_.select_for_update,
            soci::into(v);
        next_seq_ = std::stoll(v);
        seq_loaded_ = true;
      }
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "reading change_seq"));
    }
    seq_dirty_ = true;
    return ++next_seq_;
  }

  // The hot path of import and harvest (read a paper, insert or update it
  // and its versions) runs statements prepared once per session: on SQLite,
  // preparing costs more than executing. They bind the members of row_ by
  // reference, so callers fill row_ and execute.
  struct PaperRow {
    std::string id, title, abstract, authors, categories, primary, comments, journal_ref, doi,
        license, submitted, updated;
    int latest = 0;
    long long seq = 0;
    int version = 0;
    std::string version_date, version_size;
  };

  soci::statement& SelectPaperStatement(bool lock) {
    auto& st = lock ? select_paper_locked_ : select_paper_;
    if (!st) {
      PaperRow& r = row_;
      st = std::make_unique<soci::statement>(
          (sql_->prepare << "SELECT title, abstract, authors, categories, comments, journal_ref, "
                            "doi, license, submitted, updated, latest_version FROM papers WHERE "
                            "id = :id" +
                                (lock ? dialect_.select_for_update : std::string()),
           soci::use(r.id), soci::into(r.title), soci::into(r.abstract), soci::into(r.authors),
           soci::into(r.categories), soci::into(r.comments), soci::into(r.journal_ref),
           soci::into(r.doi), soci::into(r.license), soci::into(r.submitted), soci::into(r.updated),
           soci::into(r.latest)));
    }
    return *st;
  }

  soci::statement& Prepared(std::unique_ptr<soci::statement>& st, int which) {
    if (st) return *st;
    PaperRow& r = row_;
    switch (which) {
      case 0:
        st = std::make_unique<soci::statement>(
            (sql_->prepare << "SELECT version, created, size FROM paper_versions WHERE paper_id = "
                              ":id ORDER BY version",
             soci::use(r.id), soci::into(r.version), soci::into(r.version_date),
             soci::into(r.version_size)));
        break;
      case 1:
        st = std::make_unique<soci::statement>((
            sql_->prepare << "UPDATE papers SET title = :t, abstract = :a, authors = :au, "
                             "categories = :c, primary_category = :pc, comments = :cm, "
                             "journal_ref = :j, doi = :doi, license = :l, submitted = :s, "
                             "updated = :u, latest_version = :lv, change_seq = :seq WHERE id = :id",
            soci::use(r.title), soci::use(r.abstract), soci::use(r.authors),
            soci::use(r.categories), soci::use(r.primary), soci::use(r.comments),
            soci::use(r.journal_ref), soci::use(r.doi), soci::use(r.license),
            soci::use(r.submitted), soci::use(r.updated), soci::use(r.latest), soci::use(r.seq),
            soci::use(r.id)));
        break;
      case 2:
        st = std::make_unique<soci::statement>(
            (sql_->prepare << "INSERT INTO papers (id, title, abstract, authors, categories, "
                              "primary_category, comments, journal_ref, doi, license, submitted, "
                              "updated, latest_version, change_seq) VALUES (:id, :t, :a, :au, :c, "
                              ":pc, :cm, :j, :doi, :l, :s, :u, :lv, :seq)",
             soci::use(r.id), soci::use(r.title), soci::use(r.abstract), soci::use(r.authors),
             soci::use(r.categories), soci::use(r.primary), soci::use(r.comments),
             soci::use(r.journal_ref), soci::use(r.doi), soci::use(r.license),
             soci::use(r.submitted), soci::use(r.updated), soci::use(r.latest), soci::use(r.seq)));
        break;
      case 3:
        st = std::make_unique<soci::statement>(
            (sql_->prepare << "DELETE FROM paper_versions WHERE paper_id = :id", soci::use(r.id)));
        break;
      default:
        st = std::make_unique<soci::statement>(
            (sql_->prepare << "INSERT INTO paper_versions (paper_id, version, created, size) "
                              "VALUES (:id, :v, :c, :s)",
             soci::use(r.id), soci::use(r.version), soci::use(r.version_date),
             soci::use(r.version_size)));
    }
    return *st;
  }

  Result<std::optional<Paper>> ReadPaper(const std::string& id, bool lock) {
    try {
      row_.id = id;
      soci::statement& select = SelectPaperStatement(lock && in_tx_);
      if (!select.execute(true)) return std::optional<Paper>();
      // Step the statement to its end: on SQLite a statement left mid-result
      // keeps its read transaction (and so an old snapshot) open, and this
      // connection would never see other processes' commits.
      while (select.fetch()) {
      }
      Paper p;
      p.id = id;
      p.title = std::move(row_.title);
      p.abstract = std::move(row_.abstract);
      ASSIGN_OR_RETURN(p.authors, DecodeStringArray(row_.authors));
      p.categories = SplitCategories(row_.categories);
      p.comments = std::move(row_.comments);
      p.journal_ref = std::move(row_.journal_ref);
      p.doi = std::move(row_.doi);
      p.license = std::move(row_.license);
      p.submitted = std::move(row_.submitted);
      p.updated = std::move(row_.updated);
      p.latest_version = row_.latest;
      soci::statement& versions = Prepared(select_versions_, 0);
      versions.execute();
      while (versions.fetch())
        p.versions.push_back({row_.version, row_.version_date, row_.version_size});
      return std::optional<Paper>(std::move(p));
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "reading paper " + id));
    }
  }

  Status WritePaper(const Paper& p, bool exists, int64_t seq) {
    try {
      PaperRow& r = row_;
      r.id = p.id;
      r.title = p.title;
      r.abstract = p.abstract;
      r.authors = EncodeStringArray(p.authors);
      r.categories = JoinCategories(p.categories);
      r.primary = p.categories.empty() ? std::string() : p.categories.front();
      r.comments = p.comments;
      r.journal_ref = p.journal_ref;
      r.doi = p.doi;
      r.license = p.license;
      r.submitted = p.submitted;
      r.updated = p.updated;
      r.latest = p.latest_version;
      r.seq = seq;
      if (exists) {
        Prepared(update_paper_, 1).execute(true);
        Prepared(delete_versions_, 3).execute(true);
      } else {
        Prepared(insert_paper_, 2).execute(true);
      }
      soci::statement& insert_version = Prepared(insert_version_, 4);
      for (const PaperVersion& v : p.versions) {
        r.version = v.number;
        r.version_date = v.date;
        r.version_size = v.size;
        insert_version.execute(true);
      }
    } catch (const std::exception& e) {
      return tl::unexpected(DbError(e, "writing paper " + p.id));
    }
    return Ok();
  }

  Result<std::vector<std::string>> DecodeStringArray(const std::string& json) {
    std::vector<std::string> out;
    simdjson::padded_string padded(json);
    simdjson::dom::array arr;
    if (json_.parse(padded).get_array().get(arr)) {
      return Fail(ErrorCode::kInternal, "corrupt authors column: " + json.substr(0, 80));
    }
    for (auto el : arr) {
      std::string_view s;
      if (el.get_string().get(s)) return Fail(ErrorCode::kInternal, "corrupt authors column");
      out.emplace_back(s);
    }
    return out;
  }

  std::unique_ptr<soci::session> sql_;
  Dialect dialect_;
  // Declared after sql_: destroyed before the session they belong to.
  PaperRow row_;
  std::unique_ptr<soci::statement> select_paper_, select_paper_locked_, select_versions_,
      update_paper_, insert_paper_, delete_versions_, insert_version_;
  simdjson::dom::parser json_;
  bool in_tx_ = false;
  bool seq_loaded_ = false;
  bool seq_dirty_ = false;
  int64_t next_seq_ = 0;
};

}  // namespace

Result<std::unique_ptr<Store>> MakeSociStore(std::unique_ptr<soci::session> session,
                                             Dialect dialect) {
  auto store = std::make_unique<SociStore>(std::move(session), std::move(dialect));
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace paperpulse::storage
