// Discussion on paper pages (model/library.h Comment): comments and one
// level of replies, as functions shared by the JSON API
// (api/comments_api.cc), the HTML forms that work without JavaScript
// (pages/comments.cc), the paper page and the comments feed. Each action
// checks who may do it, validates the text, checks its rate limits (a
// refusal is kResourceExhausted with Error::retry_after set), writes
// through the Store (which keeps every paper's comment count in the same
// transaction) and, on success, tells the App that content changed so the
// next request sees it (read-your-writes).
//
// Who sees what: everybody sees visible comments; a deleted or hidden
// top-level comment that still has visible replies stays as a placeholder
// without author or text, so the replies keep their place. Admins also see
// hidden comments (to unhide them). Only the author may edit or delete a
// comment; for everybody else it answers kNotFound, as if it did not exist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "paperpulse/base/result.h"
#include "paperpulse/http/auth/auth.h"
#include "paperpulse/http/context.h"
#include "paperpulse/model/library.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {

// The longest comment, in code points (Unicode characters).
inline constexpr size_t kMaxCommentChars = 10000;

// `text` as a comment is stored: line ends as "\n", without leading and
// trailing white space. Errors: kInvalidArgument naming the field ("text:
// ...") when it is empty, longer than kMaxCommentChars, not UTF-8, or holds
// control characters other than tab and line ends.
Result<std::string> CleanCommentText(std::string_view text);

// The comment id in a URL path ("12"). Errors: kNotFound for anything that
// cannot be one (ids are positive decimals), as for an unknown comment.
Result<int64_t> ParseCommentId(std::string_view s);

// One entry of a thread as shown.
struct ThreadItem {
  Comment comment;
  // A deleted or hidden comment kept as "deleted" for its visible replies:
  // show nothing of it but that.
  bool placeholder = false;
};

// `comments` (Store::CommentsOfPaper: every comment of one paper, in thread
// order) as readers see them, in the same order: visible comments, and
// placeholders for deleted or hidden top-level comments with visible
// replies. With `show_hidden` (admins), hidden comments that are not
// deleted appear as they are (Comment::hidden says so).
std::vector<ThreadItem> Thread(const std::vector<Comment>& comments, bool show_hidden);

// The thread of the paper `raw_paper_id` names (any arXiv id form) for
// `viewer` (nullptr: anonymous; an admin also sees hidden comments).
// Errors: kNotFound (malformed id or no such paper), Store errors.
Result<std::vector<ThreadItem>> PaperThread(storage::Store& store, std::string_view raw_paper_id,
                                            const auth::Principal* viewer);

// `who` comments on the paper `raw_paper_id` names: a top-level comment
// (`parent_id` 0) or a reply to a visible top-level comment of the same
// paper. Returns the comment as stored. Errors: kNotFound (no such paper),
// kInvalidArgument ("text: ...", "parentId: ..." for an unknown comment, one
// of another paper, or a reply), kFailedPrecondition (the parent was
// deleted or hidden; the account has no display name yet, which comments
// are shown under), kResourceExhausted, Store errors.
Result<Comment> AddComment(const Context& ctx, storage::Store& store, const auth::Principal& who,
                           std::string_view raw_paper_id, std::string_view text, int64_t parent_id);

// Replaces the text of `who`'s comment `comment_id` on the paper
// `raw_paper_id` names. Returns the comment as stored. Errors: kNotFound
// (no such paper, or no such visible comment of `who` on it),
// kInvalidArgument ("text: ..."), kResourceExhausted, Store errors.
Result<Comment> EditComment(const Context& ctx, storage::Store& store, const auth::Principal& who,
                            std::string_view raw_paper_id, int64_t comment_id,
                            std::string_view text);

// Deletes `who`'s comment `comment_id` on the paper `raw_paper_id` names:
// its text is cleared and it no longer counts. Errors: kNotFound (no such
// paper, or no such visible comment of `who` on it: deleting twice answers
// kNotFound the second time), Store errors.
Status DeleteComment(const Context& ctx, storage::Store& store, const auth::Principal& who,
                     std::string_view raw_paper_id, int64_t comment_id);

// Hides (or shows again) comment `comment_id` on the paper `raw_paper_id`
// names, for admin `who`, with an entry in the audit log in the same
// transaction. Idempotent. Returns the comment as stored. Errors:
// kPermissionDenied (`who` is no admin), kNotFound (no such paper or
// comment on it), Store errors.
Result<Comment> HideComment(const Context& ctx, storage::Store& store, const auth::Principal& who,
                            std::string_view raw_paper_id, int64_t comment_id, bool hidden);

// The name a comment is shown under: its author's display name, or "a
// reader" for an account that never chose one.
std::string CommentAuthor(const Comment& c);

// "/papers/2401.00001#comment-12": the comment's place on its paper page.
std::string CommentPath(const Comment& c);

}  // namespace paperpulse::http
