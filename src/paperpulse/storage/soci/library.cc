#include "paperpulse/storage/soci/library.h"

#include <algorithm>
#include <map>
#include <unordered_set>
#include <utility>

namespace paperpulse::storage {
namespace {

constexpr const char* kEntryColumns = "e.paper_id, e.note, e.saved_at, e.updated_at";

LibraryEntry FromRow(int64_t user_id, const soci::row& r) {
  LibraryEntry e;
  e.user_id = user_id;
  e.paper_id = r.get<std::string>(0);
  e.note = r.get<std::string>(1);
  e.saved_at = r.get<std::string>(2);
  e.updated_at = r.get<std::string>(3);
  return e;
}

// `tags` without repetitions, first occurrences kept in order.
std::vector<std::string> Distinct(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const std::string& tag : tags) {
    if (seen.insert(tag).second) out.push_back(tag);
  }
  return out;
}

}  // namespace

Result<Store::SavedEntry> LibraryTable::Save(const LibraryEntry& entry, std::string_view now) {
  const std::vector<std::string> tags = Distinct(entry.tags);
  int64_t user = entry.user_id;
  std::string paper = entry.paper_id, note = entry.note, at(now);
  return db_.InTransaction<Store::SavedEntry>([&]() -> Result<Store::SavedEntry> {
    ASSIGN_OR_RETURN(bool exists, papers_.Exists(paper));
    if (!exists) return Fail(ErrorCode::kNotFound, "no paper " + paper);
    bool created = false;
    try {
      soci::statement insert =
          (db_.sql().prepare << "INSERT INTO library_entries (user_id, paper_id, note, saved_at, "
                                "updated_at) VALUES (:u, :p, :n, :s, :t) ON CONFLICT DO NOTHING",
           soci::use(user), soci::use(paper), soci::use(note), soci::use(at), soci::use(at));
      insert.execute(true);
      created = insert.get_affected_rows() > 0;
      if (!created) {
        db_.sql() << "UPDATE library_entries SET note = :n, updated_at = :t WHERE user_id = :u "
                     "AND paper_id = :p",
            soci::use(note), soci::use(at), soci::use(user), soci::use(paper);
        db_.sql() << "DELETE FROM library_tags WHERE user_id = :u AND paper_id = :p",
            soci::use(user), soci::use(paper);
      }
      for (size_t i = 0; i < tags.size(); ++i) {
        int position = static_cast<int>(i);
        db_.sql() << "INSERT INTO library_tags (user_id, paper_id, tag, position) VALUES (:u, :p, "
                     ":t, :i)",
            soci::use(user), soci::use(paper), soci::use(tags[i]), soci::use(position);
      }
    } catch (...) {
      return tl::unexpected(
          db_.DbError("saving " + paper + " to the library of account " + std::to_string(user)));
    }
    ASSIGN_OR_RETURN(std::optional<LibraryEntry> stored, Get(user, paper));
    if (!stored) return Fail(ErrorCode::kInternal, "library entry " + paper + " vanished");
    return Store::SavedEntry{std::move(*stored), created};
  });
}

Result<bool> LibraryTable::Remove(int64_t user_id, std::string_view paper_id) {
  int64_t user = user_id;
  std::string paper(paper_id);
  return db_.InTransaction<bool>([&]() -> Result<bool> {
    try {
      db_.sql() << "DELETE FROM library_tags WHERE user_id = :u AND paper_id = :p", soci::use(user),
          soci::use(paper);
      soci::statement st =
          (db_.sql().prepare << "DELETE FROM library_entries WHERE user_id = :u AND paper_id = :p",
           soci::use(user), soci::use(paper));
      st.execute(true);
      return st.get_affected_rows() > 0;
    } catch (...) {
      return tl::unexpected(db_.DbError("removing " + paper + " from the library of account " +
                                        std::to_string(user)));
    }
  });
}

Result<std::optional<LibraryEntry>> LibraryTable::Get(int64_t user_id, std::string_view paper_id) {
  std::vector<LibraryEntry> found;
  try {
    int64_t user = user_id;
    std::string paper(paper_id);
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << "SELECT " + std::string(kEntryColumns) +
                                  " FROM library_entries e WHERE e.user_id = :u AND e.paper_id = "
                                  ":p",
         soci::use(user), soci::use(paper));
    for (const soci::row& r : rows) found.push_back(FromRow(user_id, r));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading library entry " + std::string(paper_id)));
  }
  if (found.empty()) return std::optional<LibraryEntry>();
  RETURN_IF_ERROR(LoadTags(user_id, found));
  return std::optional<LibraryEntry>(std::move(found.front()));
}

Result<std::vector<LibraryEntry>> LibraryTable::Entries(int64_t user_id, std::string_view tag) {
  std::vector<LibraryEntry> out;
  try {
    int64_t user = user_id;
    std::string t(tag);
    std::string sql = "SELECT " + std::string(kEntryColumns) + " FROM library_entries e ";
    if (!t.empty()) {
      sql +=
          "JOIN library_tags t ON t.user_id = e.user_id AND t.paper_id = e.paper_id AND t.tag = "
          ":t ";
    }
    sql += "WHERE e.user_id = :u ORDER BY e.saved_at DESC, e.paper_id";
    soci::details::prepare_temp_type query = (db_.sql().prepare << sql);
    if (!t.empty()) query, soci::use(t);
    query, soci::use(user);
    soci::rowset<soci::row> rows(query);
    for (const soci::row& r : rows) out.push_back(FromRow(user_id, r));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading the library of account " + std::to_string(user_id)));
  }
  RETURN_IF_ERROR(LoadTags(user_id, out));
  return out;
}

Status LibraryTable::LoadTags(int64_t user_id, std::vector<LibraryEntry>& entries) {
  if (entries.empty()) return Ok();
  std::map<std::string, std::vector<std::string>> tags;
  try {
    int64_t user = user_id;
    // One entry (Get): its own tags; more: every tag of the account at
    // once, rather than a statement per entry.
    std::string sql = "SELECT paper_id, tag FROM library_tags WHERE user_id = :u";
    if (entries.size() == 1) sql += " AND paper_id = :p";
    sql += " ORDER BY paper_id, position";
    soci::details::prepare_temp_type query = (db_.sql().prepare << sql, soci::use(user));
    if (entries.size() == 1) query, soci::use(entries.front().paper_id);
    soci::rowset<soci::row> rows(query);
    for (const soci::row& r : rows) {
      tags[r.get<std::string>(0)].push_back(r.get<std::string>(1));
    }
  } catch (...) {
    return tl::unexpected(
        db_.DbError("reading the library tags of account " + std::to_string(user_id)));
  }
  for (LibraryEntry& e : entries) {
    auto it = tags.find(e.paper_id);
    if (it != tags.end()) e.tags = std::move(it->second);
  }
  return Ok();
}

Result<std::vector<Store::TagCount>> LibraryTable::Tags(int64_t user_id) {
  std::vector<Store::TagCount> out;
  try {
    int64_t user = user_id;
    // Read from the index library_tags_tag (migration 5) alone.
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << "SELECT tag, COUNT(*) FROM library_tags WHERE user_id = :u GROUP "
                              "BY tag",
         soci::use(user));
    for (const soci::row& r : rows) out.push_back({r.get<std::string>(0), SociDb::GetInt(r, 1)});
  } catch (...) {
    return tl::unexpected(
        db_.DbError("counting the library tags of account " + std::to_string(user_id)));
  }
  // Byte order, the same on both databases whatever PostgreSQL's collation.
  std::sort(out.begin(), out.end(),
            [](const Store::TagCount& a, const Store::TagCount& b) { return a.tag < b.tag; });
  return out;
}

Result<std::vector<std::string>> LibraryTable::Saved(int64_t user_id,
                                                     const std::vector<std::string>& paper_ids) {
  return db_.PaperIdsOfUser("library_entries", user_id, paper_ids,
                            "reading the library of account " + std::to_string(user_id));
}

Result<std::optional<std::string>> LibraryTable::PaperIdOfDoi(std::string_view doi) {
  if (doi.empty()) return std::optional<std::string>();
  try {
    std::string d(doi);
    // Spelled like the index papers_doi_lower (migration 5), so that it is
    // used: the same expression, and the partial index's condition.
    soci::rowset<std::string> rows =
        (db_.sql().prepare << "SELECT id FROM papers WHERE lower(doi) = lower(:d) AND doi <> '' "
                              "ORDER BY id LIMIT 1",
         soci::use(d));
    for (const std::string& id : rows) return std::optional<std::string>(id);
  } catch (...) {
    return tl::unexpected(db_.DbError("looking up DOI " + std::string(doi)));
  }
  return std::optional<std::string>();
}

}  // namespace paperpulse::storage
