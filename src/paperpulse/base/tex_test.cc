#include "paperpulse/base/tex.h"

#include <gtest/gtest.h>

namespace paperpulse {
namespace {

std::string Accented(char accent, char letter) {
  std::string out;
  AppendTexAccented(out, accent, letter);
  return out;
}

TEST(Tex, AccentsArePrecomposedWhereUnicodeHasTheLetter) {
  EXPECT_EQ(Accented('\'', 'a'), "\u00E1");
  EXPECT_EQ(Accented('"', 'o'), "\u00F6");
  EXPECT_EQ(Accented('v', 's'), "\u0161");
  EXPECT_EQ(Accented('H', 'o'), "\u0151");
  EXPECT_EQ(Accented('c', 'c'), "\u00E7");
  EXPECT_EQ(Accented('^', 'J'), "\u0134");
  // No precomposed form: the letter, then the combining mark.
  EXPECT_EQ(Accented('v', 'q'), "q\u030C");
  EXPECT_EQ(Accented('d', 'a'), "a\u0323");
  EXPECT_EQ(TexAccentMark('b'), 0x331u);
  EXPECT_EQ(TexAccentMark('x'), 0u);
  EXPECT_EQ(TexAccentMark('\\'), 0u);
}

TEST(Tex, LetterWords) {
  EXPECT_EQ(TexLetterWord("ss"), "\u00DF");
  EXPECT_EQ(TexLetterWord("L"), "\u0141");
  EXPECT_EQ(TexLetterWord("AE"), "\u00C6");
  EXPECT_FALSE(TexLetterWord("sss"));
  EXPECT_FALSE(TexLetterWord("alpha"));
  EXPECT_FALSE(TexLetterWord(""));
}

}  // namespace
}  // namespace paperpulse
