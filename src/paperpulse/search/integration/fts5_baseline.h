// The competitor of the search quality test and of bench/search_vs_fts5: the
// same papers in an SQLite FTS5 table (porter stemmer over unicode61 with
// diacritics removed, BM25 with the title weighted as our index weights it),
// queried the way a plain FTS5 setup is: the words of the user's text, each
// quoted, joined by AND (or OR). Test and benchmark code only: it is not part
// of the search library.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/paper.h"

struct sqlite3;
struct sqlite3_stmt;

namespace paperpulse::search::testing {

class Fts5Baseline {
 public:
  // Creates an empty FTS5 database at `path` (replacing a file there).
  // Errors: kIo with SQLite's message.
  static Result<std::unique_ptr<Fts5Baseline>> Create(const std::string& path);
  ~Fts5Baseline();
  Fts5Baseline(const Fts5Baseline&) = delete;
  Fts5Baseline& operator=(const Fts5Baseline&) = delete;

  // Adds papers, in one transaction per call. Errors: kIo.
  Status Add(const std::vector<Paper>& papers);
  // Merges the FTS5 segments (its fastest state for queries). Errors: kIo.
  Status Optimize();

  // Ids of the best `limit` rows for the FTS5 MATCH expression `match`,
  // best first (bm25). A malformed expression gives an empty list, as an
  // application would show "no results". Errors: kIo for other failures.
  Result<std::vector<std::string>> Search(const std::string& match, int limit);

  // Bytes of the database file.
  int64_t SizeBytes() const;

 private:
  Fts5Baseline(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql);

  sqlite3* db_;
  std::string path_;
  sqlite3_stmt* search_ = nullptr;
};

// The words of `text` as FTS5's unicode61 tokenizer splits them (runs of
// ASCII letters/digits and non-ASCII characters), each double-quoted, joined
// by " AND " (or " OR " when `any`). Empty when there are no words.
std::string Fts5Words(std::string_view text, bool any);

// `text`'s words as one quoted FTS5 phrase.
std::string Fts5Phrase(std::string_view text);

}  // namespace paperpulse::search::testing
