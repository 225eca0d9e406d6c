#include "paperpulse/http/pages/bibtex.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

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

// `n` papers sharing Attention()'s key, ids 1706.10001 upwards.
std::vector<Paper> SharingOneKey(int n) {
  std::vector<Paper> papers;
  for (int i = 0; i < n; ++i) {
    Paper p = Attention();
    char id[16];
    std::snprintf(id, sizeof id, "1706.%05d", 10001 + i);
    p.id = id;
    papers.push_back(p);
  }
  return papers;
}

// The key of the entry whose eprint is `id` in `bib`.
std::string KeyOf(const std::string& bib, const std::string& id) {
  size_t at = bib.find("eprint = {" + id + "}");
  if (at == std::string::npos) return "";
  size_t start = bib.rfind("@misc{", at) + 6;
  return bib.substr(start, bib.find(',', start) - start);
}

TEST(BibtexFileTest, SharedKeysGetSuffixesByIdWhateverTheOrder) {
  std::vector<Paper> papers = SharingOneKey(28);
  std::vector<BibtexFileEntry> entries;
  for (const Paper& p : papers) entries.push_back({&p, {}});
  std::string bib = BibtexFile(entries);
  std::reverse(entries.begin(), entries.end());
  std::string reversed = BibtexFile(entries);
  for (const std::string& file : {bib, reversed}) {
    EXPECT_EQ(KeyOf(file, "1706.10001"), "vaswani2017attention");
    EXPECT_EQ(KeyOf(file, "1706.10002"), "vaswani2017attentiona");
    EXPECT_EQ(KeyOf(file, "1706.10027"), "vaswani2017attentionz");
    EXPECT_EQ(KeyOf(file, "1706.10028"), "vaswani2017attentionaa");
  }
  // In the order given.
  EXPECT_LT(bib.find("1706.10001"), bib.find("1706.10028"));
  EXPECT_GT(reversed.find("1706.10001"), reversed.find("1706.10028"));
  EXPECT_EQ(BibtexFile({}), "");
}

TEST(BibtexFileTest, KeywordsWithoutBracesOrBackslashes) {
  Paper p = Attention();
  std::string bib = BibtexFile({{&p, {"to-read", "{braces}\\x", " ", "a  b"}}});
  EXPECT_NE(bib.find("  keywords = {to-read, bracesx, a b},\n}\n"), std::string::npos) << bib;
  EXPECT_EQ(BibtexFile({{&p, {}}}).find("keywords"), std::string::npos);
}

}  // namespace
}  // namespace paperpulse::http
