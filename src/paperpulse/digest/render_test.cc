#include "paperpulse/digest/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace paperpulse::digest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

DigestContent Sample() {
  DigestContent c;
  c.subscription.email = "reader@example.org";
  c.subscription.categories = {"cs.LG"};
  c.subscription.keywords = {"<b>bold</b>"};
  c.period = *PeriodEnding(DigestFrequency::kDaily, "2026-11-27");
  c.top.push_back({"2411.00001",
                   "Attention <script>alert(1)</script> & more",
                   {"Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"},
                   "We show that $O(n^2)$ <attention> & friends \xE2\x80\x94 suffice.",
                   42,
                   "42 upvotes"});
  c.recommended.push_back({"2411.00002",
                           "A recommended paper",
                           {},
                           "",
                           0,
                           "because you upvoted \xE2\x80\x9CX\xE2\x80\x9D"});
  c.unsubscribe_token = "tok123";
  return c;
}

SiteInfo Site() { return {"https://papers.example.org", {"digest@example.org", "paperpulse"}}; }

std::string HeaderValue(const mail::Message& m, std::string_view name) {
  for (const mail::Header& h : m.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

TEST(RenderTest, BulkMailHeaders) {
  mail::Message m = RenderDigest(Sample(), Site());
  EXPECT_EQ(HeaderValue(m, "List-Unsubscribe"), "<https://papers.example.org/unsubscribe/tok123>");
  EXPECT_EQ(HeaderValue(m, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_EQ(HeaderValue(m, "List-Id"), "paperpulse daily <daily.digest.example.org>");
  ASSERT_EQ(m.to.size(), 1u);
  EXPECT_EQ(m.to[0].email, "reader@example.org");
  EXPECT_THAT(m.subject, HasSubstr("Fri 27 Nov 2026"));
  EXPECT_THAT(m.subject, HasSubstr("and 1 more"));
  // Composes as valid MIME (no header injection, valid UTF-8).
  EXPECT_TRUE(mail::ComposeMime(m, Clock::WallTime{}));
}

TEST(RenderTest, HtmlEscapesStoreTextAndBothPartsLinkUnsubscribe) {
  mail::Message m = RenderDigest(Sample(), Site());
  EXPECT_THAT(m.html, Not(HasSubstr("<script>")));
  EXPECT_THAT(m.html, HasSubstr("Attention &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
  EXPECT_THAT(m.html, HasSubstr("&lt;attention&gt;"));
  EXPECT_THAT(m.html, Not(HasSubstr("<b>bold")));
  EXPECT_THAT(m.html, HasSubstr("$O(n^2)$"));  // TeX left for the reader
  EXPECT_THAT(m.html, HasSubstr("href=\"https://papers.example.org/unsubscribe/tok123\""));
  EXPECT_THAT(m.text, HasSubstr("Unsubscribe: https://papers.example.org/unsubscribe/tok123"));
  EXPECT_THAT(m.text, HasSubstr("Ada Lovelace, Alan Turing, Grace Hopper et al."));
  EXPECT_THAT(m.text, HasSubstr("Recommended for you"));
  EXPECT_THAT(m.text, HasSubstr("because you upvoted"));
  EXPECT_THAT(m.text, HasSubstr("https://papers.example.org/papers/2411.00001"));
}

TEST(RenderTest, AlertsHaveTheirOwnListAndSubject) {
  DigestContent c = Sample();
  c.subscription.query = "author:Gu cat:cs.LG";
  c.recommended.clear();
  mail::Message m = RenderDigest(c, Site());
  EXPECT_EQ(HeaderValue(m, "List-Id"), "paperpulse daily <alerts.example.org>");
  EXPECT_THAT(m.subject, HasSubstr("author:Gu cat:cs.LG"));
}

TEST(RenderTest, ExcerptCutsAtSpacesAndNeverSplitsUtf8) {
  EXPECT_EQ(Excerpt("short", 10), "short");
  EXPECT_EQ(Excerpt("one two three four", 10), "one two\xE2\x80\xA6");
  std::string greek = "\xCE\xB1\xCE\xB2\xCE\xB3\xCE\xB4\xCE\xB5";  // 10 bytes, no spaces
  std::string cut = Excerpt(greek, 5);
  EXPECT_EQ(cut, "\xCE\xB1\xCE\xB2\xE2\x80\xA6");
}

}  // namespace
}  // namespace paperpulse::digest
