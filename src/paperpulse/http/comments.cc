#include "paperpulse/http/comments.h"

#include <charconv>
#include <set>

#include "paperpulse/base/arxiv_id.h"
#include "paperpulse/base/strings.h"
#include "paperpulse/base/time.h"
#include "paperpulse/http/community.h"

namespace paperpulse::http {
namespace {

Result<std::string> PaperIdOf(std::string_view raw) {
  auto id = ParseArxivId(raw);
  if (!id) return Fail(ErrorCode::kNotFound, "no paper with id " + std::string(raw.substr(0, 64)));
  return id->base;
}

Error NoSuchComment(int64_t id) {
  return Error{ErrorCode::kNotFound, "no comment " + std::to_string(id) + " on this paper"};
}

// Comment `id` of paper `paper_id`, or kNotFound.
Result<Comment> CommentOfPaper(storage::Store& store, const std::string& paper_id, int64_t id) {
  ASSIGN_OR_RETURN(std::optional<Comment> c, store.GetComment(id));
  if (!c || c->paper_id != paper_id) return tl::unexpected(NoSuchComment(id));
  return *c;
}

// Comment `id` of paper `paper_id` when `who` wrote it and it is visible:
// what its author may change. Others' comments are as absent as missing ones.
Result<Comment> OwnComment(storage::Store& store, const auth::Principal& who,
                           const std::string& paper_id, int64_t id) {
  ASSIGN_OR_RETURN(Comment c, CommentOfPaper(store, paper_id, id));
  if (c.user_id != who.account.id || !c.visible()) return tl::unexpected(NoSuchComment(id));
  return c;
}

Status EnforceCommentRate(const Context& ctx, storage::Store& store, const auth::Principal& who,
                          int64_t now, bool adding) {
  const CommunityOptions& opt = ctx.options.community;
  std::string user = std::to_string(who.account.id);
  RETURN_IF_ERROR(
      auth::EnforceRate(store, "comment:user:" + user, opt.comments_per_account, now, "comments"));
  if (!adding) return Ok();
  return auth::EnforceRate(store, "comment-day:user:" + user, opt.comments_per_account_daily, now,
                           "comments today");
}

void ContentChanged(const Context& ctx) {
  if (ctx.content_changed) ctx.content_changed();
}

}  // namespace

Result<std::string> CleanCommentText(std::string_view text) {
  if (!IsValidUtf8(text)) return Fail(ErrorCode::kInvalidArgument, "text: not valid UTF-8");
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      // Browsers send a textarea's line ends as CRLF.
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument, "text: control characters are not allowed");
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  std::string_view trimmed = TrimView(out);
  if (trimmed.empty()) return Fail(ErrorCode::kInvalidArgument, "text: required");
  size_t chars = CodePoints(trimmed);
  if (chars > kMaxCommentChars) {
    return Fail(ErrorCode::kInvalidArgument, "text: at most " + std::to_string(kMaxCommentChars) +
                                                 " characters (this one has " +
                                                 std::to_string(chars) + ")");
  }
  return std::string(trimmed);
}

Result<int64_t> ParseCommentId(std::string_view s) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size() || id <= 0) {
    return Fail(ErrorCode::kNotFound, "no comment " + std::string(s.substr(0, 32)));
  }
  return id;
}

std::vector<ThreadItem> Thread(const std::vector<Comment>& comments, bool show_hidden) {
  auto shown = [&](const Comment& c) { return c.visible() || (show_hidden && !c.deleted); };
  std::set<int64_t> with_replies;
  for (const Comment& c : comments) {
    if (c.parent_id != 0 && shown(c)) with_replies.insert(c.parent_id);
  }
  std::vector<ThreadItem> out;
  for (const Comment& c : comments) {
    if (shown(c)) {
      out.push_back({c, false});
    } else if (c.parent_id == 0 && with_replies.count(c.id)) {
      ThreadItem item;
      item.comment.id = c.id;
      item.comment.paper_id = c.paper_id;
      item.comment.deleted = true;
      item.placeholder = true;
      out.push_back(std::move(item));
    }
  }
  return out;
}

Result<std::vector<ThreadItem>> PaperThread(storage::Store& store, std::string_view raw_paper_id,
                                            const auth::Principal* viewer) {
  ASSIGN_OR_RETURN(std::string paper_id, PaperIdOf(raw_paper_id));
  ASSIGN_OR_RETURN(std::optional<Paper> paper, store.GetPaper(paper_id));
  if (!paper) return Fail(ErrorCode::kNotFound, "no paper with id " + paper_id);
  ASSIGN_OR_RETURN(std::vector<Comment> comments, store.CommentsOfPaper(paper_id));
  return Thread(comments, viewer != nullptr && viewer->account.is_admin);
}

Result<Comment> AddComment(const Context& ctx, storage::Store& store, const auth::Principal& who,
                           std::string_view raw_paper_id, std::string_view text,
                           int64_t parent_id) {
  ASSIGN_OR_RETURN(std::string paper_id, PaperIdOf(raw_paper_id));
  ASSIGN_OR_RETURN(std::string clean, CleanCommentText(text));
  if (parent_id < 0) return Fail(ErrorCode::kInvalidArgument, "parentId: expected a comment id");
  if (who.account.name.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "choose a display name first (in your settings): comments are shown under it");
  }
  if (parent_id != 0) {
    // The Store checks the same in its transaction; asking first gives the
    // reader a message about the field they sent.
    ASSIGN_OR_RETURN(std::optional<Comment> parent, store.GetComment(parent_id));
    if (!parent || parent->paper_id != paper_id) {
      return Fail(ErrorCode::kInvalidArgument,
                  "parentId: no comment " + std::to_string(parent_id) + " on this paper");
    }
    if (parent->parent_id != 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  "parentId: replies go to top-level comments (one level of replies)");
    }
    if (!parent->visible()) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "parentId: that comment was deleted; it takes no replies");
    }
  }
  int64_t now = NowSeconds(ctx);
  RETURN_IF_ERROR(EnforceCommentRate(ctx, store, who, now, /*adding=*/true));
  Comment c;
  c.paper_id = paper_id;
  c.user_id = who.account.id;
  c.parent_id = parent_id;
  c.text = std::move(clean);
  ASSIGN_OR_RETURN(Comment stored, store.AddComment(c, FormatUnixTimestamp(now)));
  ContentChanged(ctx);
  return stored;
}

Result<Comment> EditComment(const Context& ctx, storage::Store& store, const auth::Principal& who,
                            std::string_view raw_paper_id, int64_t comment_id,
                            std::string_view text) {
  ASSIGN_OR_RETURN(std::string paper_id, PaperIdOf(raw_paper_id));
  ASSIGN_OR_RETURN(Comment own, OwnComment(store, who, paper_id, comment_id));
  ASSIGN_OR_RETURN(std::string clean, CleanCommentText(text));
  if (clean == own.text) return own;
  int64_t now = NowSeconds(ctx);
  RETURN_IF_ERROR(EnforceCommentRate(ctx, store, who, now, /*adding=*/false));
  RETURN_IF_ERROR(store.EditComment(comment_id, clean, FormatUnixTimestamp(now)));
  ContentChanged(ctx);
  return CommentOfPaper(store, paper_id, comment_id);
}

Status DeleteComment(const Context& ctx, storage::Store& store, const auth::Principal& who,
                     std::string_view raw_paper_id, int64_t comment_id) {
  ASSIGN_OR_RETURN(std::string paper_id, PaperIdOf(raw_paper_id));
  ASSIGN_OR_RETURN(Comment own, OwnComment(store, who, paper_id, comment_id));
  RETURN_IF_ERROR(store.DeleteComment(own.id, FormatUnixTimestamp(NowSeconds(ctx))));
  ContentChanged(ctx);
  return Ok();
}

Result<Comment> HideComment(const Context& ctx, storage::Store& store, const auth::Principal& who,
                            std::string_view raw_paper_id, int64_t comment_id, bool hidden) {
  if (!who.account.is_admin) return Fail(ErrorCode::kPermissionDenied, "admins only");
  ASSIGN_OR_RETURN(std::string paper_id, PaperIdOf(raw_paper_id));
  ASSIGN_OR_RETURN(Comment c, CommentOfPaper(store, paper_id, comment_id));
  RETURN_IF_ERROR(store.RunInTransaction([&]() -> Status {
    RETURN_IF_ERROR(store.SetCommentHidden(c.id, hidden));
    return AppendAdminAudit(ctx, store, who, hidden ? "hide_comment" : "unhide_comment",
                            "comment:" + std::to_string(c.id), paper_id);
  }));
  ContentChanged(ctx);
  c.hidden = hidden;
  return c;
}

std::string CommentAuthor(const Comment& c) {
  return c.author_name.empty() ? "a reader" : c.author_name;
}

std::string CommentPath(const Comment& c) {
  return "/papers/" + c.paper_id + "#comment-" + std::to_string(c.id);
}

}  // namespace paperpulse::http
