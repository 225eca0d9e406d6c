#include "paperpulse/base/strings.h"

#include <gtest/gtest.h>

namespace paperpulse {
namespace {

TEST(StringsTest, CodePointsCountCharactersNotBytes) {
  EXPECT_EQ(CodePoints(""), 0u);
  EXPECT_EQ(CodePoints("abc"), 3u);
  EXPECT_EQ(CodePoints("caf\xC3\xA9"), 4u);         // é: two bytes
  EXPECT_EQ(CodePoints("\xE2\x80\xA6"), 1u);        // …: three bytes
  EXPECT_EQ(CodePoints("\xF0\x9F\x93\x84 x"), 3u);  // 📄: four bytes
}

TEST(StringsTest, ControlCharactersAreFound) {
  EXPECT_FALSE(HasControlChars(""));
  EXPECT_FALSE(HasControlChars("plain text, caf\xC3\xA9 \xE2\x80\xA6"));
  EXPECT_TRUE(HasControlChars("a\nb"));
  EXPECT_TRUE(HasControlChars("a\tb"));
  EXPECT_TRUE(HasControlChars(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlChars("a\x7f"));
  // C1 controls: U+0085 NEXT LINE and U+009F, but not U+00A0 NO-BREAK SPACE.
  EXPECT_TRUE(
      HasControlChars("a\xC2\x85"
                      "b"));
  EXPECT_TRUE(HasControlChars("\xC2\x9F"));
  EXPECT_FALSE(HasControlChars("\xC2\xA0"));
}

TEST(StringsTest, AllowedControlCharactersPass) {
  EXPECT_FALSE(HasControlChars("line\nnext\tcell\r\n", "\t\r\n"));
  EXPECT_TRUE(HasControlChars("line\nbell\a", "\t\r\n"));
  EXPECT_TRUE(HasControlChars("a\x7f", "\t\r\n"));
  EXPECT_TRUE(HasControlChars("a\xC2\x85", "\t\r\n"));
}

}  // namespace
}  // namespace paperpulse
