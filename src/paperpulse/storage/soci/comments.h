// comments: discussion on paper pages, one level of replies. Every write
// takes the kPopularity counter lock first (so comment writes, like votes,
// run one after the other and cannot deadlock with them), then sets the
// paper's local_comments to its number of visible comments and gives its
// popularity a new popularity_seq, in the same transaction: the count is
// exact, and the content version changes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/model/library.h"
#include "paperpulse/storage/soci/db.h"
#include "paperpulse/storage/soci/papers.h"
#include "paperpulse/storage/soci/popularity.h"

namespace paperpulse::storage {

class CommentTable {
 public:
  CommentTable(SociDb& db, PaperTable& papers, PopularityTable& popularity)
      : db_(db), papers_(papers), popularity_(popularity) {}

  // See Store::AddComment, GetComment, CommentsOfPaper, EditComment,
  // DeleteComment and SetCommentHidden.
  Result<Comment> Add(const Comment& c, std::string_view now);
  Result<std::optional<Comment>> Get(int64_t id);
  Result<std::vector<Comment>> OfPaper(std::string_view paper_id);
  Status Edit(int64_t id, std::string_view text, std::string_view now);
  Status Delete(int64_t id, std::string_view now);
  Status SetHidden(int64_t id, bool hidden);

 private:
  // Comments matching `rest` (over `comments c`, binding `value`).
  template <typename Value>
  Result<std::vector<Comment>> Select(const std::string& rest, const std::string& what,
                                      Value value);
  // Runs `change` (which returns whether it wrote anything) on comment `id`
  // in a transaction holding the kPopularity lock; when it wrote, recounts
  // the paper's visible comments. Errors: kNotFound for an unknown id, and
  // those of `change`.
  Status Change(int64_t id, const std::string& what,
                const std::function<Result<bool>(const Comment&)>& change);
  // Sets local_comments of `paper_id` to its visible comments, with a new
  // popularity_seq. Precondition: the kPopularity lock is held.
  Status Recount(const std::string& paper_id);

  SociDb& db_;
  PaperTable& papers_;
  PopularityTable& popularity_;
};

}  // namespace paperpulse::storage
