#include "paperpulse/http/pages/bibtex.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

Paper Attention() {
  Paper p;
  p.id = "1706.03762";
  p.title = "Attention Is All You Need";
  p.authors = {"Ashish Vaswani", "Noam Shazeer", "Niki Parmar"};
  p.categories = {"cs.CL", "cs.LG"};
  p.submitted = "2017-06-12T17:57:34Z";
  return p;
}

TEST(BibtexTest, KeyFromSurnameYearAndFirstWord) {
  EXPECT_EQ(BibtexKey(Attention()), "vaswani2017attention");
  Paper p = Attention();
  p.title = "The $\\alpha$-Effect in Dynamos";
  p.authors = {"Martin Luther King Jr."};
  EXPECT_EQ(BibtexKey(p), "king2017alphaeffect");
}

TEST(BibtexTest, KeyWithoutAuthorsOrDateUsesId) {
  Paper p;
  p.id = "hep-th/9901001";
  p.title = "On Strings";
  EXPECT_EQ(BibtexKey(p), "arxiv1999strings");
}

TEST(BibtexTest, KeyIsAsciiOnly) {
  Paper p = Attention();
  p.authors = {"Jürgen Schmidhuber"};
  p.title = "Über alles";
  EXPECT_EQ(BibtexKey(p), "schmidhuber2017ber");
}

TEST(BibtexTest, MiscEntryLikeArxiv) {
  EXPECT_EQ(Bibtex(Attention()),
            "@misc{vaswani2017attention,\n"
            "  title = {Attention Is All You Need},\n"
            "  author = {Ashish Vaswani and Noam Shazeer and Niki Parmar},\n"
            "  year = {2017},\n"
            "  eprint = {1706.03762},\n"
            "  archivePrefix = {arXiv},\n"
            "  primaryClass = {cs.CL},\n"
            "  url = {https://arxiv.org/abs/1706.03762},\n"
            "}\n");
}

TEST(BibtexTest, UnbalancedBracesAreDropped) {
  Paper p = Attention();
  p.title = "A } broken {title";
  EXPECT_NE(Bibtex(p).find("title = {A broken title}"), std::string::npos);
  p.title = "Keeps {TeX} and \\{ escapes";
  EXPECT_NE(Bibtex(p).find("title = {Keeps {TeX} and \\{ escapes}"), std::string::npos);
}

TEST(BibtexTest, NewlinesCollapsed) {
  Paper p = Attention();
  p.title = "Two\n  lines";
  EXPECT_NE(Bibtex(p).find("title = {Two lines}"), std::string::npos);
}

}  // namespace
}  // namespace paperpulse::http
