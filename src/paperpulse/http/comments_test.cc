// The pure parts of the discussion: what text a comment may hold, which ids
// a path may name, and what readers and admins see of a thread.
#include "paperpulse/http/comments.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace paperpulse::http {
namespace {

std::string ErrorOf(std::string_view text) {
  auto r = CleanCommentText(text);
  if (r) return "(accepted)";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  return r.error().message;
}

TEST(CleanCommentText, TrimsAndNormalisesLineEnds) {
  EXPECT_EQ(CleanCommentText("  hello\r\nworld\rend \n\t"), "hello\nworld\nend");
  EXPECT_EQ(CleanCommentText("a\tb"), "a\tb");
  // Markup, quotes and SQL are text like any other: stored as written.
  EXPECT_EQ(CleanCommentText("<script>alert('x')</script>; DROP TABLE comments"),
            "<script>alert('x')</script>; DROP TABLE comments");
  EXPECT_EQ(CleanCommentText("Ünïcödé ∑ 🙂"), "Ünïcödé ∑ 🙂");
}

TEST(CleanCommentText, RefusesEmptyLongBrokenAndControlText) {
  EXPECT_EQ(ErrorOf(""), "text: required");
  EXPECT_EQ(ErrorOf(" \r\n\t "), "text: required");
  EXPECT_EQ(ErrorOf("bad \xFF byte"), "text: not valid UTF-8");
  EXPECT_EQ(ErrorOf("a\x01z"), "text: control characters are not allowed");
  EXPECT_EQ(ErrorOf(std::string("nul\0byte", 8)), "text: control characters are not allowed");
  EXPECT_EQ(ErrorOf("del\x7f"), "text: control characters are not allowed");
  // The limit counts characters, not bytes.
  std::string most;
  for (size_t i = 0; i < kMaxCommentChars; ++i) most += "é";
  EXPECT_EQ(ErrorOf(most), "(accepted)");
  EXPECT_EQ(ErrorOf(most + "x"), "text: at most 10000 characters (this one has 10001)");
  // Trimmed before counting.
  EXPECT_EQ(ErrorOf("  " + most + "\n\n"), "(accepted)");
}

TEST(ParseCommentId, TakesPositiveDecimalsOnly) {
  EXPECT_EQ(ParseCommentId("12"), 12);
  for (const char* bad : {"", "0", "-3", "12a", " 12", "1e3", "99999999999999999999"}) {
    auto r = ParseCommentId(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << bad;
  }
}

Comment Make(int64_t id, int64_t parent, bool deleted = false, bool hidden = false) {
  Comment c;
  c.id = id;
  c.paper_id = "2401.00001";
  c.user_id = 7;
  c.author_name = "ada";
  c.parent_id = parent;
  if (!deleted) c.text = "some text";
  c.deleted = deleted;
  c.hidden = hidden;
  return c;
}

// "id" for a shown comment, "(id)" for a placeholder, "id!" for a hidden
// one shown to an admin.
std::string Shape(const std::vector<ThreadItem>& items) {
  std::string out;
  for (const ThreadItem& item : items) {
    if (!out.empty()) out += " ";
    if (item.placeholder) {
      EXPECT_TRUE(item.comment.text.empty());
      EXPECT_TRUE(item.comment.author_name.empty());
      // Appended piece by piece: GCC 12 misreports "(" + std::to_string()
      // as an overlapping memcpy (-Wrestrict, GCC bug 105329).
      out += '(';
      out += std::to_string(item.comment.id);
      out += ')';
    } else {
      out += std::to_string(item.comment.id);
      if (item.comment.hidden) out += '!';
    }
  }
  return out;
}

TEST(Thread, ShowsVisibleCommentsAndPlaceholdersForRepliedOnes) {
  std::vector<Comment> comments = {
      Make(1, 0),                           // visible, with a visible reply
      Make(2, 1),                           //
      Make(3, 0, /*deleted=*/true),         // deleted, with a visible reply: placeholder
      Make(4, 3),                           //
      Make(5, 0, /*deleted=*/true),         // deleted, whose only reply is deleted: gone
      Make(6, 5, /*deleted=*/true),         //
      Make(7, 0, false, /*hidden=*/true),   // hidden, with a reply: placeholder
      Make(8, 7),                           //
      Make(9, 0, false, /*hidden=*/true),   // hidden, alone: gone
      Make(10, 1, false, /*hidden=*/true),  // hidden reply: gone
  };
  EXPECT_EQ(Shape(Thread(comments, /*show_hidden=*/false)), "1 2 (3) 4 (7) 8");
  // Admins see hidden comments (to unhide them), deleted ones still not.
  EXPECT_EQ(Shape(Thread(comments, /*show_hidden=*/true)), "1 2 (3) 4 7! 8 9! 10!");
  EXPECT_EQ(Shape(Thread({}, false)), "");
}

}  // namespace
}  // namespace paperpulse::http
