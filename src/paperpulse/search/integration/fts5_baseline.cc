#include "paperpulse/search/integration/fts5_baseline.h"

#include <sqlite3.h>

#include <filesystem>

namespace paperpulse::search::testing {
namespace {

tl::unexpected<Error> SqliteError(sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += sqlite3_errmsg(db);
  return Fail(ErrorCode::kIo, msg);
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || u >= 0x80;
    if (word) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

Result<std::unique_ptr<Fts5Baseline>> Fts5Baseline::Create(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    auto err = SqliteError(db, "opening " + path);
    sqlite3_close(db);
    return err;
  }
  std::unique_ptr<Fts5Baseline> out(new Fts5Baseline(db, path));
  // A build like ours: no journal, no fsync (our fresh builds skip fsync too
  // until they are published).
  RETURN_IF_ERROR(out->Exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"));
  RETURN_IF_ERROR(
      out->Exec("CREATE VIRTUAL TABLE docs USING fts5(id, title, abstract, authors, "
                "tokenize = 'porter unicode61 remove_diacritics 2')"));
  return out;
}

Fts5Baseline::~Fts5Baseline() {
  sqlite3_finalize(search_);
  sqlite3_close(db_);
}

Status Fts5Baseline::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Fail(ErrorCode::kIo, std::string(sql) + ": " + msg);
  }
  return Ok();
}

Status Fts5Baseline::Add(const std::vector<Paper>& papers) {
  RETURN_IF_ERROR(Exec("BEGIN"));
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db_, "INSERT INTO docs(id, title, abstract, authors) VALUES (?,?,?,?)", -1,
                         &insert, nullptr) != SQLITE_OK) {
    return SqliteError(db_, "preparing insert");
  }
  for (const Paper& p : papers) {
    std::string authors;
    for (const std::string& a : p.authors) {
      if (!authors.empty()) authors += ", ";
      authors += a;
    }
    sqlite3_bind_text(insert, 1, p.id.data(), static_cast<int>(p.id.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, p.title.data(), static_cast<int>(p.title.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, p.abstract.data(), static_cast<int>(p.abstract.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(insert, 4, authors.data(), static_cast<int>(authors.size()), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      auto err = SqliteError(db_, "inserting " + p.id);
      sqlite3_finalize(insert);
      return err;
    }
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  return Exec("COMMIT");
}

Status Fts5Baseline::Optimize() { return Exec("INSERT INTO docs(docs) VALUES('optimize')"); }

Result<std::vector<std::string>> Fts5Baseline::Search(const std::string& match, int limit) {
  std::vector<std::string> ids;
  if (match.empty()) return ids;
  if (!search_) {
    // Title weighted 4x, as kTitleBoost weights it in our index.
    if (sqlite3_prepare_v2(db_,
                           "SELECT id FROM docs WHERE docs MATCH ?1 "
                           "ORDER BY bm25(docs, 1.0, 4.0, 1.0, 1.0) LIMIT ?2",
                           -1, &search_, nullptr) != SQLITE_OK) {
      return SqliteError(db_, "preparing search");
    }
  }
  sqlite3_reset(search_);
  sqlite3_bind_text(search_, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int(search_, 2, limit);
  int rc;
  while ((rc = sqlite3_step(search_)) == SQLITE_ROW) {
    ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(search_, 0)));
  }
  if (rc != SQLITE_DONE) {
    // A syntax error in the expression: what a user would see as no results.
    if (rc == SQLITE_ERROR) return std::vector<std::string>();
    return SqliteError(db_, "searching");
  }
  return ids;
}

int64_t Fts5Baseline::SizeBytes() const {
  std::error_code ec;
  auto size = std::filesystem::file_size(path_, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

std::string Fts5Words(std::string_view text, bool any) {
  std::string out;
  for (const std::string& w : Words(text)) {
    if (!out.empty()) out += any ? " OR " : " AND ";
    out += '"';
    out += w;  // words hold no '"'
    out += '"';
  }
  return out;
}

std::string Fts5Phrase(std::string_view text) {
  std::string out;
  for (const std::string& w : Words(text)) {
    out += out.empty() ? "\"" : " ";
    out += w;
  }
  if (!out.empty()) out += '"';
  return out;
}

}  // namespace paperpulse::search::testing
