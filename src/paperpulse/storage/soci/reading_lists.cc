#include "paperpulse/storage/soci/reading_lists.h"

#include <utility>

namespace paperpulse::storage {
namespace {

const std::string kColumns =
    "l.id, l.owner_id, u.name, l.slug, l.title, l.description, l.visibility, l.secret_hash, "
    "l.created_at, l.updated_at, "
    "(SELECT COUNT(*) FROM reading_list_items i WHERE i.list_id = l.id) "
    "FROM reading_lists l JOIN users u ON u.id = l.owner_id ";

Result<ReadingList> FromRow(const soci::row& r) {
  ReadingList l;
  l.id = SociDb::GetInt(r, 0);
  l.owner_id = SociDb::GetInt(r, 1);
  l.owner_name = r.get<std::string>(2);
  l.slug = r.get<std::string>(3);
  l.title = r.get<std::string>(4);
  l.description = r.get<std::string>(5);
  std::optional<ListVisibility> visibility = ParseListVisibility(r.get<std::string>(6));
  if (!visibility) {
    return Fail(ErrorCode::kInternal, "corrupt visibility of reading list " + std::to_string(l.id));
  }
  l.visibility = *visibility;
  l.secret_hash = r.get<std::string>(7);
  l.created_at = r.get<std::string>(8);
  l.updated_at = r.get<std::string>(9);
  l.size = SociDb::GetInt(r, 10);
  return l;
}

// A taken slug is the caller's to report: say which.
Error SlugTaken(Error error, const std::string& slug) {
  if (error.code == ErrorCode::kAlreadyExists) {
    error.message = "a reading list with the slug \"" + slug + "\" exists already";
  }
  return error;
}

}  // namespace

template <typename... Values>
Result<std::vector<ReadingList>> ReadingListTable::Select(const std::string& rest,
                                                          const std::string& what,
                                                          Values... values) {
  std::vector<ReadingList> out;
  try {
    soci::details::prepare_temp_type query = (db_.sql().prepare << "SELECT " + kColumns + rest);
    ((void)(query, soci::use(values)), ...);
    soci::rowset<soci::row> rows(query);
    for (const soci::row& r : rows) {
      ASSIGN_OR_RETURN(ReadingList l, FromRow(r));
      out.push_back(std::move(l));
    }
  } catch (...) {
    return tl::unexpected(db_.DbError("reading " + what));
  }
  return out;
}

Result<bool> ReadingListTable::Lock(int64_t id) {
  try {
    int64_t key = id, found = 0;
    db_.sql() << "SELECT id FROM reading_lists WHERE id = :id" + db_.dialect().select_for_update,
        soci::use(key), soci::into(found);
    return db_.sql().got_data();
  } catch (...) {
    return tl::unexpected(db_.DbError("locking reading list " + std::to_string(id)));
  }
}

Status ReadingListTable::Touch(int64_t id, std::string_view now) {
  try {
    int64_t key = id;
    std::string at(now);
    db_.sql() << "UPDATE reading_lists SET updated_at = :t WHERE id = :id", soci::use(at),
        soci::use(key);
  } catch (...) {
    return tl::unexpected(db_.DbError("updating reading list " + std::to_string(id)));
  }
  return Ok();
}

Status ReadingListTable::BumpSeq() {
  try {
    db_.sql() << "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = "
                 "'list_seq'";
  } catch (...) {
    return tl::unexpected(db_.DbError("bumping list_seq"));
  }
  return Ok();
}

Result<int64_t> ReadingListTable::Create(const ReadingList& list, std::string_view now) {
  return db_.InTransaction<int64_t>([&]() -> Result<int64_t> {
    int64_t id = 0;
    try {
      int64_t owner = list.owner_id;
      std::string visibility(ListVisibilityName(list.visibility)), at(now);
      db_.sql() << "INSERT INTO reading_lists (owner_id, slug, title, description, visibility, "
                   "secret_hash, created_at, updated_at) VALUES (:o, :s, :t, :d, :v, :h, :c, :u) "
                   "RETURNING id",
          soci::use(owner), soci::use(list.slug), soci::use(list.title),
          soci::use(list.description), soci::use(visibility), soci::use(list.secret_hash),
          soci::use(at), soci::use(at), soci::into(id);
    } catch (...) {
      // A missing owner is a foreign key failure: kNotFound.
      return tl::unexpected(SlugTaken(db_.DbError("creating reading list " + list.slug +
                                                  " of account " + std::to_string(list.owner_id)),
                                      list.slug));
    }
    RETURN_IF_ERROR(BumpSeq());
    return id;
  });
}

Result<std::optional<ReadingList>> ReadingListTable::Get(int64_t owner_id, std::string_view slug) {
  ASSIGN_OR_RETURN(std::vector<ReadingList> found,
                   Select("WHERE l.owner_id = :o AND l.slug = :s",
                          "reading list " + std::string(slug), owner_id, std::string(slug)));
  if (found.empty()) return std::optional<ReadingList>();
  return std::optional<ReadingList>(std::move(found.front()));
}

Result<std::optional<ReadingList>> ReadingListTable::GetById(int64_t id) {
  ASSIGN_OR_RETURN(std::vector<ReadingList> found,
                   Select("WHERE l.id = :id", "reading list " + std::to_string(id), id));
  if (found.empty()) return std::optional<ReadingList>();
  return std::optional<ReadingList>(std::move(found.front()));
}

Result<std::vector<ReadingList>> ReadingListTable::OfOwner(int64_t owner_id) {
  return Select("WHERE l.owner_id = :o ORDER BY l.updated_at DESC, l.id DESC",
                "the reading lists of account " + std::to_string(owner_id), owner_id);
}

Status ReadingListTable::Update(const ReadingList& list, std::string_view now) {
  return db_.RunInTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(bool exists, Lock(list.id));
    if (!exists) return Fail(ErrorCode::kNotFound, "no reading list " + std::to_string(list.id));
    try {
      int64_t id = list.id;
      std::string visibility(ListVisibilityName(list.visibility)), at(now);
      db_.sql() << "UPDATE reading_lists SET slug = :s, title = :t, description = :d, visibility "
                   "= :v, secret_hash = :h, updated_at = :u WHERE id = :id",
          soci::use(list.slug), soci::use(list.title), soci::use(list.description),
          soci::use(visibility), soci::use(list.secret_hash), soci::use(at), soci::use(id);
    } catch (...) {
      return tl::unexpected(
          SlugTaken(db_.DbError("changing reading list " + std::to_string(list.id)), list.slug));
    }
    return BumpSeq();
  });
}

Status ReadingListTable::Delete(int64_t id) {
  return db_.RunInTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(bool exists, Lock(id));
    if (!exists) return Fail(ErrorCode::kNotFound, "no reading list " + std::to_string(id));
    try {
      int64_t key = id;
      db_.sql() << "DELETE FROM reading_list_items WHERE list_id = :id", soci::use(key);
      db_.sql() << "DELETE FROM reading_lists WHERE id = :id", soci::use(key);
    } catch (...) {
      return tl::unexpected(db_.DbError("deleting reading list " + std::to_string(id)));
    }
    return BumpSeq();
  });
}

Result<std::vector<ReadingListItem>> ReadingListTable::Items(int64_t list_id) {
  std::vector<ReadingListItem> out;
  try {
    int64_t key = list_id;
    soci::rowset<soci::row> rows =
        (db_.sql().prepare << "SELECT paper_id, position, note, added_at FROM reading_list_items "
                              "WHERE list_id = :l ORDER BY position, paper_id",
         soci::use(key));
    for (const soci::row& r : rows) {
      ReadingListItem item;
      item.paper_id = r.get<std::string>(0);
      item.position = SociDb::GetInt(r, 1);
      item.note = r.get<std::string>(2);
      item.added_at = r.get<std::string>(3);
      out.push_back(std::move(item));
    }
  } catch (...) {
    return tl::unexpected(
        db_.DbError("reading the papers of reading list " + std::to_string(list_id)));
  }
  return out;
}

Status ReadingListTable::PutItem(int64_t list_id, std::string_view paper_id, int64_t position,
                                 std::string_view note, std::string_view now, int64_t max_items) {
  int64_t list = list_id;
  std::string paper(paper_id), text(note), at(now);
  return db_.RunInTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(bool exists, Lock(list));
    if (!exists) return Fail(ErrorCode::kNotFound, "no reading list " + std::to_string(list));
    ASSIGN_OR_RETURN(bool paper_exists, papers_.Exists(paper));
    if (!paper_exists) return Fail(ErrorCode::kNotFound, "no paper " + paper);
    try {
      // Positions are read after the lock: under it they are those of the
      // last committed write to the list.
      int64_t size = 0, old = 0;
      db_.sql() << "SELECT COUNT(*) FROM reading_list_items WHERE list_id = :l", soci::use(list),
          soci::into(size);
      db_.sql() << "SELECT position FROM reading_list_items WHERE list_id = :l AND paper_id = :p",
          soci::use(list), soci::use(paper), soci::into(old);
      if (db_.sql().got_data()) {
        int64_t target = position < 0 || position >= size ? size - 1 : position;
        if (target < old) {
          db_.sql() << "UPDATE reading_list_items SET position = position + 1 WHERE list_id = :l "
                       "AND position >= :t AND position < :o",
              soci::use(list), soci::use(target), soci::use(old);
        } else if (target > old) {
          db_.sql() << "UPDATE reading_list_items SET position = position - 1 WHERE list_id = :l "
                       "AND position > :o AND position <= :t",
              soci::use(list), soci::use(old), soci::use(target);
        }
        db_.sql() << "UPDATE reading_list_items SET position = :t, note = :n WHERE list_id = :l "
                     "AND paper_id = :p",
            soci::use(target), soci::use(text), soci::use(list), soci::use(paper);
      } else {
        if (max_items > 0 && size >= max_items) {
          return Fail(ErrorCode::kResourceExhausted,
                      "a reading list holds at most " + std::to_string(max_items) + " papers");
        }
        int64_t target = position < 0 || position > size ? size : position;
        db_.sql() << "UPDATE reading_list_items SET position = position + 1 WHERE list_id = :l "
                     "AND position >= :t",
            soci::use(list), soci::use(target);
        db_.sql() << "INSERT INTO reading_list_items (list_id, paper_id, position, note, "
                     "added_at) VALUES (:l, :p, :t, :n, :a)",
            soci::use(list), soci::use(paper), soci::use(target), soci::use(text), soci::use(at);
      }
    } catch (...) {
      return tl::unexpected(
          db_.DbError("putting " + paper + " on reading list " + std::to_string(list)));
    }
    RETURN_IF_ERROR(Touch(list, at));
    return BumpSeq();
  });
}

Result<bool> ReadingListTable::RemoveItem(int64_t list_id, std::string_view paper_id) {
  int64_t list = list_id;
  std::string paper(paper_id);
  return db_.InTransaction<bool>([&]() -> Result<bool> {
    ASSIGN_OR_RETURN(bool exists, Lock(list));
    if (!exists) return false;
    try {
      int64_t old = 0;
      db_.sql() << "SELECT position FROM reading_list_items WHERE list_id = :l AND paper_id = :p",
          soci::use(list), soci::use(paper), soci::into(old);
      if (!db_.sql().got_data()) return false;
      db_.sql() << "DELETE FROM reading_list_items WHERE list_id = :l AND paper_id = :p",
          soci::use(list), soci::use(paper);
      db_.sql() << "UPDATE reading_list_items SET position = position - 1 WHERE list_id = :l AND "
                   "position > :o",
          soci::use(list), soci::use(old);
    } catch (...) {
      return tl::unexpected(
          db_.DbError("removing " + paper + " from reading list " + std::to_string(list)));
    }
    RETURN_IF_ERROR(BumpSeq());
    return true;
  });
}

}  // namespace paperpulse::storage
