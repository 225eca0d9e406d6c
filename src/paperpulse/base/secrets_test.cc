#include "paperpulse/base/secrets.h"

#include <gtest/gtest.h>

#include <set>

namespace paperpulse {
namespace {

TEST(SecretsTest, TokensAreWellFormedAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string t = RandomToken();
    EXPECT_TRUE(IsWellFormedToken(t)) << t;
    EXPECT_TRUE(seen.insert(t).second) << "repeated token " << t;
  }
}

TEST(SecretsTest, HashIsSha256Hex) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(HashToken("a"), HashToken("b"));
}

TEST(SecretsTest, MalformedTokensAreRejected) {
  EXPECT_FALSE(IsWellFormedToken(""));
  EXPECT_FALSE(IsWellFormedToken(std::string(42, 'a')));
  EXPECT_FALSE(IsWellFormedToken(std::string(44, 'a')));
  EXPECT_FALSE(IsWellFormedToken(std::string(42, 'a') + "="));
  EXPECT_FALSE(IsWellFormedToken(std::string(42, 'a') + "'"));
  EXPECT_TRUE(IsWellFormedToken(std::string(43, 'a')));
}

}  // namespace
}  // namespace paperpulse
