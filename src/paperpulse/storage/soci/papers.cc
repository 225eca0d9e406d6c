#include "paperpulse/storage/soci/papers.h"

#include <utility>

#include "paperpulse/base/arxiv_id.h"
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

// The stored columns of a paper. authors: a JSON array of names in order;
// categories: space separated, primary first (arXiv's own convention).
struct PaperColumns {
  std::string id, title, abstract, authors, categories, primary, comments, journal_ref, doi,
      license, submitted, updated, order_key;
  int latest = 0;
  int64_t seq = 0;
};

struct VersionColumns {
  std::string paper_id;
  int version = 0;
  std::string created, size;
};

struct IdOnly {
  std::string id;
  int found = 0;
};

CachedStatement<PaperColumns>& InsertPaper(SociDb& db) {
  return db.Prepared<PaperColumns>(StatementKey::kInsertPaper, [](soci::session& sql,
                                                                  PaperColumns& r) {
    return (sql.prepare << "INSERT INTO papers (id, title, abstract, authors, categories, "
                           "primary_category, comments, journal_ref, doi, license, submitted, "
                           "updated, latest_version, change_seq, id_order) VALUES (:id, :t, :a, "
                           ":au, :c, :pc, :cm, :j, :doi, :l, :s, :u, :lv, :seq, :o)",
            soci::use(r.id), soci::use(r.title), soci::use(r.abstract), soci::use(r.authors),
            soci::use(r.categories), soci::use(r.primary), soci::use(r.comments),
            soci::use(r.journal_ref), soci::use(r.doi), soci::use(r.license),
            soci::use(r.submitted), soci::use(r.updated), soci::use(r.latest), soci::use(r.seq),
            soci::use(r.order_key));
  });
}

CachedStatement<PaperColumns>& UpdatePaper(SociDb& db) {
  return db.Prepared<PaperColumns>(
      StatementKey::kUpdatePaper, [](soci::session& sql, PaperColumns& r) {
        return (sql.prepare << "UPDATE papers SET title = :t, abstract = :a, authors = :au, "
                               "categories = :c, primary_category = :pc, comments = :cm, "
                               "journal_ref = :j, doi = :doi, license = :l, submitted = :s, "
                               "updated = :u, latest_version = :lv, change_seq = :seq WHERE id = "
                               ":id",
                soci::use(r.title), soci::use(r.abstract), soci::use(r.authors),
                soci::use(r.categories), soci::use(r.primary), soci::use(r.comments),
                soci::use(r.journal_ref), soci::use(r.doi), soci::use(r.license),
                soci::use(r.submitted), soci::use(r.updated), soci::use(r.latest), soci::use(r.seq),
                soci::use(r.id));
      });
}

}  // namespace

std::string EncodeStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    out += JsonQuote(values[i]);
  }
  out.push_back(']');
  return out;
}

Result<std::vector<std::string>> DecodeStringArray(simdjson::dom::parser& parser,
                                                   const std::string& json,
                                                   std::string_view column) {
  std::vector<std::string> out;
  simdjson::padded_string padded(json);
  simdjson::dom::array arr;
  if (parser.parse(padded).get_array().get(arr)) {
    return Fail(ErrorCode::kInternal,
                "corrupt " + std::string(column) + " column: " + json.substr(0, 80));
  }
  for (auto el : arr) {
    std::string_view s;
    if (el.get_string().get(s)) {
      return Fail(ErrorCode::kInternal, "corrupt " + std::string(column) + " column");
    }
    out.emplace_back(s);
  }
  return out;
}

Result<bool> PaperTable::Exists(std::string_view id) {
  try {
    auto& st = db_.Prepared<IdOnly>(StatementKey::kPaperExists, [](soci::session& sql, IdOnly& v) {
      return (sql.prepare << "SELECT 1 FROM papers WHERE id = :id", soci::use(v.id),
              soci::into(v.found));
    });
    st.vars.id = id;
    return SociDb::ExecuteOne(st.statement);
  } catch (...) {
    return tl::unexpected(db_.DbError("looking up paper " + std::string(id)));
  }
}

Result<WriteOutcome> PaperTable::Upsert(const Paper& paper) {
  return db_.InTransaction<WriteOutcome>([&]() -> Result<WriteOutcome> {
    ASSIGN_OR_RETURN(std::optional<Paper> stored, Read(paper.id, /*lock=*/true));
    Paper base;
    base.id = paper.id;
    Paper merged = MergePaper(stored ? *stored : base, paper);
    if (stored && merged == *stored) return WriteOutcome::kUnchanged;
    ASSIGN_OR_RETURN(int64_t seq, db_.NextSeq(Counter::kChange));
    RETURN_IF_ERROR(Write(merged, stored.has_value(), seq));
    return stored ? WriteOutcome::kUpdated : WriteOutcome::kInserted;
  });
}

Result<WriteOutcome> PaperTable::UpsertUnkeyed(const Paper& paper, std::string_view source) {
  return db_.InTransaction<WriteOutcome>([&]() -> Result<WriteOutcome> {
    soci::session& sql = db_.sql();
    try {
      std::string src(source), key = TitleKey(paper.title);
      std::string abstract, authors, categories;
      sql << "SELECT abstract, authors, categories FROM unkeyed_papers WHERE source = :s AND "
             "title_key = :k" +
                 db_.dialect().select_for_update,
          soci::use(src), soci::use(key), soci::into(abstract), soci::into(authors),
          soci::into(categories);
      bool exists = sql.got_data();
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
        sql << "UPDATE unkeyed_papers SET abstract = :a, authors = :au, categories = :c WHERE "
               "source = :s AND title_key = :k",
            soci::use(abstract), soci::use(authors), soci::use(categories), soci::use(src),
            soci::use(key);
        return WriteOutcome::kUpdated;
      }
      sql << "INSERT INTO unkeyed_papers (source, title_key, title, abstract, authors, "
             "categories) VALUES (:s, :k, :t, :a, :au, :c)",
          soci::use(src), soci::use(key), soci::use(paper.title), soci::use(paper.abstract),
          soci::use(new_authors), soci::use(new_categories);
      return WriteOutcome::kInserted;
    } catch (...) {
      return tl::unexpected(db_.DbError("writing record without id"));
    }
  });
}

Result<std::vector<ChangedPaper>> PaperTable::ChangedSince(int64_t after, int limit) {
  std::vector<std::pair<std::string, int64_t>> changed;
  try {
    int64_t from = after;
    int n = limit;
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << "SELECT id, change_seq FROM papers WHERE change_seq > :a ORDER BY "
                              "change_seq LIMIT :n",
         soci::use(from), soci::use(n));
    for (const soci::row& r : rows) {
      changed.emplace_back(r.get<std::string>(0), SociDb::GetInt(r, 1));
    }
  } catch (...) {
    return tl::unexpected(db_.DbError("listing changed papers"));
  }
  std::vector<ChangedPaper> out;
  out.reserve(changed.size());
  for (auto& [id, seq] : changed) {
    ASSIGN_OR_RETURN(std::optional<Paper> p, Read(id, false));
    if (p) out.push_back({seq, std::move(*p)});
  }
  return out;
}

Result<std::vector<Paper>> PaperTable::SubmittedBetween(std::string_view from, std::string_view to,
                                                        int limit) {
  std::vector<std::string> ids;
  if (limit <= 0) return std::vector<Paper>();
  try {
    std::string lo(from), hi(to);
    int n = limit;
    // A range of the papers_submitted index; id orders papers submitted in
    // the same second, so pages of the answer are stable.
    soci::rowset<std::string> rows =
        (db_.sql().prepare << "SELECT id FROM papers WHERE submitted >= :f AND submitted < :t "
                              "ORDER BY submitted, id LIMIT :n",
         soci::use(lo), soci::use(hi), soci::use(n));
    ids.assign(rows.begin(), rows.end());
  } catch (...) {
    return tl::unexpected(db_.DbError("listing papers submitted from " + std::string(from) +
                                      " to " + std::string(to)));
  }
  return ReadAll(ids);
}

Result<std::vector<Paper>> PaperTable::ReadAll(const std::vector<std::string>& ids) {
  std::vector<Paper> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<Paper> p, Read(id, false));
    if (p) out.push_back(std::move(*p));
  }
  return out;
}

Result<std::optional<Paper>> PaperTable::Read(const std::string& id, bool lock) {
  lock = lock && db_.in_transaction();
  try {
    auto prepare_select = [lock, this](soci::session& sql, PaperColumns& r) {
      return (sql.prepare << "SELECT title, abstract, authors, categories, comments, journal_ref, "
                             "doi, license, submitted, updated, latest_version FROM papers WHERE "
                             "id = :id" +
                                 (lock ? db_.dialect().select_for_update : std::string()),
              soci::use(r.id), soci::into(r.title), soci::into(r.abstract), soci::into(r.authors),
              soci::into(r.categories), soci::into(r.comments), soci::into(r.journal_ref),
              soci::into(r.doi), soci::into(r.license), soci::into(r.submitted),
              soci::into(r.updated), soci::into(r.latest));
    };
    auto& select = db_.Prepared<PaperColumns>(
        lock ? StatementKey::kSelectPaperForUpdate : StatementKey::kSelectPaper, prepare_select);
    PaperColumns& r = select.vars;
    r.id = id;
    if (!SociDb::ExecuteOne(select.statement)) return std::optional<Paper>();
    Paper p;
    p.id = id;
    p.title = std::move(r.title);
    p.abstract = std::move(r.abstract);
    ASSIGN_OR_RETURN(p.authors, DecodeStringArray(json_, r.authors, "authors"));
    p.categories = SplitCategories(r.categories);
    p.comments = std::move(r.comments);
    p.journal_ref = std::move(r.journal_ref);
    p.doi = std::move(r.doi);
    p.license = std::move(r.license);
    p.submitted = std::move(r.submitted);
    p.updated = std::move(r.updated);
    p.latest_version = r.latest;

    auto& versions = db_.Prepared<VersionColumns>(
        StatementKey::kSelectPaperVersions, [](soci::session& sql, VersionColumns& v) {
          return (sql.prepare << "SELECT version, created, size FROM paper_versions WHERE "
                                 "paper_id = :id ORDER BY version",
                  soci::use(v.paper_id), soci::into(v.version), soci::into(v.created),
                  soci::into(v.size));
        });
    VersionColumns& v = versions.vars;
    v.paper_id = id;
    versions.statement.execute();
    while (versions.statement.fetch()) p.versions.push_back({v.version, v.created, v.size});
    return std::optional<Paper>(std::move(p));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading paper " + id));
  }
}

Status PaperTable::Write(const Paper& p, bool exists, int64_t seq) {
  try {
    auto& write = exists ? UpdatePaper(db_) : InsertPaper(db_);
    PaperColumns& r = write.vars;
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
    r.order_key = PaperOrderKey(p.id);
    write.statement.execute(true);

    if (exists) {
      auto& remove = db_.Prepared<VersionColumns>(
          StatementKey::kDeletePaperVersions, [](soci::session& sql, VersionColumns& v) {
            return (sql.prepare << "DELETE FROM paper_versions WHERE paper_id = :id",
                    soci::use(v.paper_id));
          });
      remove.vars.paper_id = p.id;
      remove.statement.execute(true);
    }
    auto& insert = db_.Prepared<VersionColumns>(
        StatementKey::kInsertPaperVersion, [](soci::session& sql, VersionColumns& v) {
          return (sql.prepare << "INSERT INTO paper_versions (paper_id, version, created, size) "
                                 "VALUES (:id, :v, :c, :s)",
                  soci::use(v.paper_id), soci::use(v.version), soci::use(v.created),
                  soci::use(v.size));
        });
    VersionColumns& v = insert.vars;
    v.paper_id = p.id;
    for (const PaperVersion& version : p.versions) {
      v.version = version.number;
      v.created = version.date;
      v.size = version.size;
      insert.statement.execute(true);
    }
  } catch (...) {
    return tl::unexpected(db_.DbError("writing paper " + p.id));
  }
  return Ok();
}

Result<std::vector<Paper>> PaperTable::NewestFirst(std::string_view after_id, int limit) {
  std::string after;
  if (!after_id.empty()) {
    auto id = ParseArxivId(after_id);
    if (!id) return Fail(ErrorCode::kInvalidArgument, "invalid cursor: " + id.error().message);
    after = ArxivIdOrderKey(*id);
  }
  std::vector<std::string> ids;
  if (limit <= 0) return std::vector<Paper>();
  try {
    int n = limit;
    // A descending range of the papers_id_order index. The keys begin with
    // fixed-width digits, so a database's locale collation orders them as
    // bytes do.
    soci::rowset<std::string> rows =
        after.empty()
            ? (db_.sql().prepare << "SELECT id FROM papers ORDER BY id_order DESC LIMIT :n",
               soci::use(n))
            : (db_.sql().prepare << "SELECT id FROM papers WHERE id_order < :a ORDER BY "
                                    "id_order DESC LIMIT :n",
               soci::use(after), soci::use(n));
    ids.assign(rows.begin(), rows.end());
  } catch (...) {
    return tl::unexpected(db_.DbError("listing papers newest first"));
  }
  return ReadAll(ids);
}

std::string PaperOrderKey(std::string_view base_id) {
  auto id = ParseArxivId(base_id);
  // Stored ids are parsed base ids; anything else sorts below all of them.
  return id ? ArxivIdOrderKey(*id) : "000000.00000 " + std::string(base_id);
}

}  // namespace paperpulse::storage
