#include "paperpulse/base/arxiv_id.h"

#include <gtest/gtest.h>

namespace paperpulse {
namespace {

struct Case {
  const char* input;
  const char* base;
  int version;
};

class ArxivIdValid : public ::testing::TestWithParam<Case> {};

TEST_P(ArxivIdValid, Parses) {
  const Case& c = GetParam();
  auto id = ParseArxivId(c.input);
  ASSERT_TRUE(id) << c.input << ": " << id.error().message;
  EXPECT_EQ(id->base, c.base) << c.input;
  EXPECT_EQ(id->version, c.version) << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    AllForms, ArxivIdValid,
    ::testing::Values(
        Case{"2405.04517", "2405.04517", 0}, Case{"2405.04517v2", "2405.04517", 2},
        Case{"  2405.04517v12 \n", "2405.04517", 12}, Case{"0704.0001", "0704.0001", 0},
        Case{"0704.0001v1", "0704.0001", 1}, Case{"1412.9999", "1412.9999", 0},
        Case{"1501.00001", "1501.00001", 0}, Case{"arXiv:2405.04517v2", "2405.04517", 2},
        Case{"arxiv:2405.04517", "2405.04517", 0}, Case{"ARXIV:0704.0001", "0704.0001", 0},
        Case{"oai:arXiv.org:0704.0001", "0704.0001", 0},
        Case{"https://arxiv.org/abs/2405.04517", "2405.04517", 0},
        Case{"https://arxiv.org/abs/2405.04517v3", "2405.04517", 3},
        Case{"http://arxiv.org/pdf/2405.04517v1", "2405.04517", 1},
        Case{"https://arxiv.org/pdf/2405.04517v1.pdf", "2405.04517", 1},
        Case{"https://www.arxiv.org/abs/hep-th/9901001", "hep-th/9901001", 0},
        Case{"http://export.arxiv.org/abs/math.GT/0309136v2", "math/0309136", 2},
        Case{"hep-th/9901001", "hep-th/9901001", 0}, Case{"hep-th/9901001v1", "hep-th/9901001", 1},
        Case{"math.GT/0309136v2", "math/0309136", 2}, Case{"math.GT/0309136", "math/0309136", 0},
        Case{"arXiv:math.GT/0309136v2", "math/0309136", 2},
        // 'v' inside the archive name must not be taken for a version.
        Case{"solv-int/9901001", "solv-int/9901001", 0},
        Case{"solv-int/9901001v3", "solv-int/9901001", 3},
        Case{"cond-mat/0703001", "cond-mat/0703001", 0}, Case{"q-bio/0601001", "q-bio/0601001", 0},
        Case{"astro-ph/9108001", "astro-ph/9108001", 0}));

class ArxivIdInvalid : public ::testing::TestWithParam<const char*> {};

TEST_P(ArxivIdInvalid, RejectsNamingTheInput) {
  auto id = ParseArxivId(GetParam());
  ASSERT_FALSE(id) << GetParam() << " parsed as " << id->ToString();
  EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(id.error().message.find(std::string(GetParam()).substr(0, 20)), std::string::npos)
      << id.error().message;
}

INSTANTIATE_TEST_SUITE_P(Bad, ArxivIdInvalid,
                         ::testing::Values("", "abc", "2405.0451", "2405.045170", "2413.04517",
                                           "0703.0001", "1501.0001", "1412.00001", "704.0001",
                                           "2405.04517v0", "2405.04517v", "hep-th/990100",
                                           "hep-th/0801001", "HEP-TH/9901001", "hep-th/99010a1",
                                           "arXiv:", "https://arxiv.org/abs/", "2405-04517",
                                           "v2405.04517", "2405.04517v2v3"));

TEST(ArxivId, ToStringRoundTrips) {
  auto id = ParseArxivId("math.GT/0309136v2");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->ToString(), "math/0309136v2");
  EXPECT_TRUE(id->IsOldStyle());
  EXPECT_EQ(id->Year(), 2003);
  EXPECT_EQ(id->Month(), 9);
  auto n = ParseArxivId("2405.04517");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->ToString(), "2405.04517");
  EXPECT_EQ(n->Year(), 2024);
  EXPECT_FALSE(n->IsOldStyle());
}

TEST(ArxivId, RepairsFloatMangledIds) {
  auto a = ParseMangledArxivId("704.0001");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->base, "0704.0001");
  auto b = ParseMangledArxivId("704.2");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->base, "0704.2000");
  auto c = ParseMangledArxivId("1501.1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->base, "1501.10000");
  auto d = ParseMangledArxivId("2509.1521");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->base, "2509.15210");
  EXPECT_FALSE(ParseMangledArxivId("99.1"));
}

}  // namespace
}  // namespace paperpulse
