#include "paperpulse/ingest/normalize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace paperpulse::ingest {
namespace {

using ::testing::ElementsAre;

TEST(Normalize, SplitsArxivAuthorStrings) {
  EXPECT_THAT(SplitArxivAuthors("C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan"),
              ElementsAre("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"));
  EXPECT_THAT(SplitArxivAuthors("A. One and B. Two"), ElementsAre("A. One", "B. Two"));
  EXPECT_THAT(SplitArxivAuthors("A. One, B. Two, and\n  C. Three"),
              ElementsAre("A. One", "B. Two", "C. Three"));
  EXPECT_THAT(SplitArxivAuthors("A. One (CERN, Geneva), B. Two (MIT)"),
              ElementsAre("A. One", "B. Two"));
  EXPECT_THAT(SplitArxivAuthors(""), ElementsAre());
}

TEST(Normalize, ConvertsTexAccents) {
  EXPECT_EQ(TexToUnicode("Bal\\'azs"), "Balázs");
  EXPECT_EQ(TexToUnicode("Bal{\\'a}zs"), "Balázs");
  EXPECT_EQ(TexToUnicode("Schr\\\"{o}dinger"), "Schrödinger");
  EXPECT_EQ(TexToUnicode("Ra\\'{\\i}z"), "Raíz");
  EXPECT_EQ(TexToUnicode("Stra\\ss e"), "Straße");
  EXPECT_EQ(TexToUnicode("\\v{S}koda"), "Škoda");
  EXPECT_EQ(TexToUnicode("Erd\\H{o}s"), "Erdős");
  EXPECT_EQ(TexToUnicode("\\L{}ukasz"), "Łukasz");
  // Math and unknown macros stay for KaTeX.
  EXPECT_EQ(TexToUnicode("$\\alpha$-decay \\emph{x}"), "$\\alpha$-decay \\emph{x}");
  EXPECT_EQ(TexToUnicode("plain"), "plain");
}

TEST(Normalize, SplitsCategories) {
  EXPECT_THAT(SplitCategories("hep-ph math.CO"), ElementsAre("hep-ph", "math.CO"));
  EXPECT_THAT(SplitCategories("cs.CL, cs.AI"), ElementsAre("cs.CL", "cs.AI"));
  EXPECT_THAT(SplitCategories(" "), ElementsAre());
}

}  // namespace
}  // namespace paperpulse::ingest
