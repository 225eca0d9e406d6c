#include "paperpulse/storage/soci/comments.h"

#include <utility>

namespace paperpulse::storage {
namespace {

const std::string kColumns =
    "SELECT c.id, c.paper_id, c.user_id, u.name, c.parent_id, c.text, c.created_at, "
    "c.edited_at, c.deleted, c.hidden FROM comments c JOIN users u ON u.id = c.user_id ";

Comment FromRow(const soci::row& r) {
  Comment c;
  c.id = SociDb::GetInt(r, 0);
  c.paper_id = r.get<std::string>(1);
  c.user_id = SociDb::GetInt(r, 2);
  c.author_name = r.get<std::string>(3);
  c.parent_id = SociDb::GetInt(r, 4);
  c.text = r.get<std::string>(5);
  c.created_at = r.get<std::string>(6);
  c.edited_at = r.get<std::string>(7);
  c.deleted = SociDb::GetInt(r, 8) != 0;
  c.hidden = SociDb::GetInt(r, 9) != 0;
  return c;
}

}  // namespace

template <typename Value>
Result<std::vector<Comment>> CommentTable::Select(const std::string& rest, const std::string& what,
                                                  Value value) {
  std::vector<Comment> out;
  try {
    soci::rowset<soci::row> rows = (db_.sql().prepare << kColumns + rest, soci::use(value));
    for (const soci::row& r : rows) out.push_back(FromRow(r));
  } catch (...) {
    return tl::unexpected(db_.DbError("reading " + what));
  }
  return out;
}

Result<std::optional<Comment>> CommentTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(std::vector<Comment> found,
                   Select("WHERE c.id = :id", "comment " + std::to_string(id), id));
  if (found.empty()) return std::optional<Comment>();
  return std::optional<Comment>(std::move(found.front()));
}

Result<std::vector<Comment>> CommentTable::OfPaper(std::string_view paper_id) {
  // Thread order: by the id of the thread's top-level comment, which comes
  // first in it (parent_id 0 sorts before its replies'), then by id.
  return Select(
      "WHERE c.paper_id = :p ORDER BY CASE WHEN c.parent_id = 0 THEN c.id ELSE c.parent_id END, "
      "c.parent_id, c.id",
      "the comments of " + std::string(paper_id), std::string(paper_id));
}

Status CommentTable::Recount(const std::string& paper_id) {
  int64_t visible = 0;
  try {
    db_.sql() << "SELECT COUNT(*) FROM comments WHERE paper_id = :p AND deleted = 0 AND hidden = 0",
        soci::use(paper_id), soci::into(visible);
  } catch (...) {
    return tl::unexpected(db_.DbError("counting the comments of " + paper_id));
  }
  // Bumped even when the count stays (an edit): the content version must
  // change with every comment write.
  return popularity_.Update(
      paper_id, [visible](PaperPopularity& p) { p.local_comments = visible; }, /*bump=*/true);
}

Result<Comment> CommentTable::Add(const Comment& c, std::string_view now) {
  return db_.InTransaction<Comment>([&]() -> Result<Comment> {
    ASSIGN_OR_RETURN(bool exists, papers_.Exists(c.paper_id));
    if (!exists) return Fail(ErrorCode::kNotFound, "no paper " + c.paper_id);
    // Before the parent is read: a reply and the deletion of its parent
    // then run one after the other.
    RETURN_IF_ERROR(db_.LockCounter(Counter::kPopularity));
    if (c.parent_id != 0) {
      ASSIGN_OR_RETURN(std::optional<Comment> parent, Get(c.parent_id));
      if (!parent || parent->paper_id != c.paper_id || parent->parent_id != 0) {
        return Fail(ErrorCode::kInvalidArgument, "comment " + std::to_string(c.parent_id) +
                                                     " is not a top-level comment on " +
                                                     c.paper_id);
      }
      if (!parent->visible()) {
        return Fail(ErrorCode::kFailedPrecondition,
                    "comment " + std::to_string(c.parent_id) + " was deleted or hidden");
      }
    }
    int64_t id = 0;
    try {
      int64_t user = c.user_id, parent = c.parent_id;
      std::string at(now);
      db_.sql() << "INSERT INTO comments (paper_id, user_id, parent_id, text, created_at) VALUES "
                   "(:p, :u, :r, :t, :c) RETURNING id",
          soci::use(c.paper_id), soci::use(user), soci::use(parent), soci::use(c.text),
          soci::use(at), soci::into(id);
    } catch (...) {
      // A missing account is a foreign key failure: kNotFound.
      return tl::unexpected(db_.DbError("adding a comment on " + c.paper_id + " by account " +
                                        std::to_string(c.user_id)));
    }
    RETURN_IF_ERROR(Recount(c.paper_id));
    ASSIGN_OR_RETURN(std::optional<Comment> stored, Get(id));
    if (!stored) return Fail(ErrorCode::kInternal, "comment " + std::to_string(id) + " vanished");
    return std::move(*stored);
  });
}

Status CommentTable::Change(int64_t id, const std::string& what,
                            const std::function<Result<bool>(const Comment&)>& change) {
  return db_.RunInTransaction([&]() -> Status {
    // Taken before the comment is read: changes of one comment run one
    // after the other, each seeing the last one's outcome.
    RETURN_IF_ERROR(db_.LockCounter(Counter::kPopularity));
    ASSIGN_OR_RETURN(std::optional<Comment> c, Get(id));
    if (!c) return Fail(ErrorCode::kNotFound, "no comment " + std::to_string(id));
    bool wrote = false;
    try {
      ASSIGN_OR_RETURN(wrote, change(*c));
    } catch (...) {
      return tl::unexpected(db_.DbError(what + " comment " + std::to_string(id)));
    }
    if (!wrote) return Ok();
    return Recount(c->paper_id);
  });
}

Status CommentTable::Edit(int64_t id, std::string_view text, std::string_view now) {
  std::string t(text), at(now);
  int64_t key = id;
  return Change(id, "editing", [&](const Comment& c) -> Result<bool> {
    if (c.deleted) {
      return Fail(ErrorCode::kFailedPrecondition, "comment " + std::to_string(id) + " was deleted");
    }
    db_.sql() << "UPDATE comments SET text = :t, edited_at = :e WHERE id = :id", soci::use(t),
        soci::use(at), soci::use(key);
    return true;
  });
}

Status CommentTable::Delete(int64_t id, std::string_view now) {
  std::string at(now);
  int64_t key = id;
  return Change(id, "deleting", [&](const Comment& c) -> Result<bool> {
    if (c.deleted) return false;
    db_.sql() << "UPDATE comments SET text = '', deleted = 1, edited_at = :e WHERE id = :id",
        soci::use(at), soci::use(key);
    return true;
  });
}

Status CommentTable::SetHidden(int64_t id, bool hidden) {
  int flag = hidden ? 1 : 0;
  int64_t key = id;
  return Change(id, hidden ? "hiding" : "showing", [&](const Comment& c) -> Result<bool> {
    if (c.hidden == hidden) return false;
    db_.sql() << "UPDATE comments SET hidden = :h WHERE id = :id", soci::use(flag), soci::use(key);
    return true;
  });
}

}  // namespace paperpulse::storage
