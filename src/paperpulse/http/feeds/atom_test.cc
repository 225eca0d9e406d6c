#include "paperpulse/http/feeds/atom.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

TEST(XmlEscape, EscapesMarkupAndDropsWhatXmlForbids) {
  EXPECT_EQ(XmlEscape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(XmlEscape("\"><img src=x onerror='a'>"),
            "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;");
  EXPECT_EQ(XmlEscape("a & b"), "a &amp; b");
  // C0 controls, U+FFFE / U+FFFF are not XML characters; bad UTF-8 -> U+FFFD.
  EXPECT_EQ(XmlEscape("a\x01"
                      "b\x0c"
                      "c\xEF\xBF\xBE"
                      "d\xEF\xBF\xBF"
                      "e"),
            "abcde");
  EXPECT_EQ(XmlEscape("x\xFFy"), "x\xEF\xBF\xBDy");
  EXPECT_EQ(XmlEscape("tab\tnew\nline"), "tab\tnew\nline");
  EXPECT_EQ(XmlEscape("$\\alpha < \\beta$"), "$\\alpha &lt; \\beta$");
}

TEST(Rfc3339, NormalisesStoredDatesAndTimestamps) {
  EXPECT_EQ(Rfc3339("2026-06-30"), "2026-06-30T00:00:00Z");
  EXPECT_EQ(Rfc3339("2026-06-30T08:01:02Z"), "2026-06-30T08:01:02Z");
  EXPECT_EQ(Rfc3339("2026-06-30T08:01:02.000+02:00"), "2026-06-30T06:01:02Z");
  EXPECT_EQ(Rfc3339("", "fallback"), "fallback");
  EXPECT_EQ(Rfc3339("yesterday"), "1970-01-01T00:00:00Z");
}

TEST(RenderAtom, WritesAValidFeedWithEscapedContent) {
  AtomFeed feed;
  feed.id = "http://x/feeds/daily.atom";
  feed.title = "daily & more";
  feed.self_link = "http://x/feeds/search.atom?q=a&limit=2";
  AtomEntry e;
  e.id = "https://arxiv.org/abs/2401.00001";
  e.title = "<script>alert(1)</script>";
  e.link = "http://x/papers/2401.00001";
  e.updated = "2026-06-30T00:00:00Z";
  e.authors = {"Ada \"><img src=x onerror=alert(1)>"};
  e.categories = {"cs.CL"};
  e.summary = "x < y && \"z\"";
  feed.entries.push_back(e);
  e.id = "https://arxiv.org/abs/2401.00002";
  e.updated = "2026-07-01T00:00:00Z";
  feed.entries.push_back(e);
  std::string xml = RenderAtom(feed);
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
                      "xmlns=\"http://www.w3.org/2005/Atom\" "
                      "xmlns:thr=\"http://purl.org/syndication/thread/1.0\">",
                      0),
            0u);
  EXPECT_NE(xml.find("<title type=\"text\">daily &amp; more</title>"), std::string::npos);
  EXPECT_NE(xml.find("href=\"http://x/feeds/search.atom?q=a&amp;limit=2\""), std::string::npos);
  EXPECT_NE(xml.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(xml.find("<script"), std::string::npos);
  EXPECT_EQ(xml.find("<img"), std::string::npos);
  EXPECT_NE(xml.find("<summary type=\"text\">x &lt; y &amp;&amp; &quot;z&quot;</summary>"),
            std::string::npos);
  // The feed's updated is its newest entry's.
  EXPECT_NE(xml.find("  <updated>2026-07-01T00:00:00Z</updated>\n  <link rel=\"self\""),
            std::string::npos);
  EXPECT_NE(xml.find("<category term=\"cs.CL\"/>"), std::string::npos);
  EXPECT_EQ(xml.substr(xml.size() - 8), "</feed>\n");
}

TEST(RenderAtom, WritesHtmlContentAndThreading) {
  AtomFeed feed;
  feed.id = "http://x/papers/2401.00001/comments.atom";
  feed.title = "comments";
  AtomEntry e;
  e.id = "http://x/papers/2401.00001#comment-2";
  e.title = "Reply by ada";
  e.updated = "2026-06-30T00:00:00Z";
  e.content_html =
      "<p>a &lt;b&gt; <a rel=\"nofollow ugc noopener\" href=\"https://a.org/\">x</a></p>";
  e.in_reply_to_id = "http://x/papers/2401.00001#comment-1";
  e.in_reply_to_link = "http://x/papers/2401.00001#comment-1";
  e.replies_link = "http://x/papers/2401.00001/comments.atom?a=1&b=2";
  e.replies_count = 3;
  feed.entries.push_back(e);
  std::string xml = RenderAtom(feed);
  // The HTML is text of <content>: escaped once, so a reader unescapes it
  // back to the same HTML (and markup in the comment stays escaped twice).
  EXPECT_NE(xml.find("<content type=\"html\">&lt;p&gt;a &amp;lt;b&amp;gt; &lt;a "
                     "rel=&quot;nofollow ugc noopener&quot; "
                     "href=&quot;https://a.org/&quot;&gt;x&lt;/a&gt;&lt;/p&gt;</content>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<link rel=\"replies\" type=\"application/atom+xml\" "
                     "href=\"http://x/papers/2401.00001/comments.atom?a=1&amp;b=2\" "
                     "thr:count=\"3\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<thr:in-reply-to ref=\"http://x/papers/2401.00001#comment-1\" "
                     "href=\"http://x/papers/2401.00001#comment-1\" type=\"text/html\"/>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("<a "), std::string::npos);
}

TEST(RenderAtom, EmptyFeedStillHasRequiredElements) {
  AtomFeed feed;
  feed.id = "http://x/f";
  feed.title = "an empty feed";
  std::string xml = RenderAtom(feed);
  EXPECT_NE(xml.find("<id>http://x/f</id>"), std::string::npos);
  EXPECT_NE(xml.find("<updated>1970-01-01T00:00:00Z</updated>"), std::string::npos);
  EXPECT_NE(xml.find("<author><name>paperpulse</name></author>"), std::string::npos);
  EXPECT_EQ(xml.find("<entry>"), std::string::npos);
}

}  // namespace
}  // namespace paperpulse::http
