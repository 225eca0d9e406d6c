// The query language on its own (query.h): the tree each kind of query
// becomes, the errors users see, and hostile input that must come back as
// a result or an error, never as an exception or a crash.
#include "paperpulse/search/query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

namespace paperpulse::search {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The field of a leaf as Dump shows it ("any" for free text).
std::string ShownField(Field f) { return f == Field::kAny ? "any" : std::string(FieldName(f)); }

// The tree as an S-expression: leaves "field:word", "field:\"a b\"",
// "field:pre*", "cat:cs.cl", "id:1706.03762", "year:2020..2023".
std::string Dump(const QueryNode& n) {
  if (n.kind == QueryNode::Kind::kLeaf) {
    std::string out = ShownField(n.field) + ":";
    if (n.field == Field::kCategory || n.field == Field::kId) return out + n.value;
    if (n.field == Field::kYear) {
      return out + std::to_string(n.year_from) + ".." + std::to_string(n.year_to);
    }
    std::string words;
    for (const QueryWord& w : n.words) words += (words.empty() ? "" : " ") + w.text;
    if (n.phrase) return out + "\"" + words + "\"";
    return out + words + (n.prefix ? "*" : "");
  }
  const char* kind = n.kind == QueryNode::Kind::kAnd      ? "AND"
                     : n.kind == QueryNode::Kind::kOr     ? "OR"
                     : n.kind == QueryNode::Kind::kRanked ? "RANKED"
                                                          : "ANDNOT";
  std::string out = std::string("(") + kind;
  for (const auto& c : n.children) out += " " + Dump(*c);
  return out + ")";
}

// The tree of `q`, or "ERROR: <message>".
std::string Parse(std::string_view q) {
  auto r = ParseQuery(q);
  if (!r) {
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << q;
    return "ERROR: " + r.error().message;
  }
  EXPECT_NE(r->root, nullptr) << q;
  return r->root ? Dump(*r->root) : "NULL";
}

TEST(ParseQuery, FreeTextWordsAreRankedTogether) {
  EXPECT_EQ(Parse("attention"), "any:attention");
  EXPECT_EQ(Parse("  Attention   Is All  "), "(RANKED any:attention any:is any:all)");
  // A hyphenated word splits into its words, ranked with the rest;
  // operators are upper case only.
  EXPECT_EQ(Parse("self-attention or not"),
            "(RANKED (RANKED any:self any:attention) any:or any:not)");
  auto r = ParseQuery("Attention Is All You Need");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->plain_text);
  r = ParseQuery("title:attention");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->plain_text);
}

TEST(ParseQuery, Operators) {
  EXPECT_EQ(Parse("bert OR gpt"), "(OR any:bert any:gpt)");
  EXPECT_EQ(Parse("bert AND gpt"), "(AND any:bert any:gpt)");
  EXPECT_EQ(Parse("a1 b2 OR c3"), "(OR (RANKED any:a1 any:b2) any:c3)");
  EXPECT_EQ(Parse("(bert OR gpt) AND survey"), "(AND (OR any:bert any:gpt) any:survey)");
  EXPECT_EQ(Parse("transformer +vision"), "(AND any:vision any:transformer)");
}

TEST(ParseQuery, NegationExcludes) {
  EXPECT_EQ(Parse("transformer -vision"), "(ANDNOT any:transformer any:vision)");
  EXPECT_EQ(Parse("transformer NOT vision"), "(ANDNOT any:transformer any:vision)");
  EXPECT_EQ(Parse("transformer NOT NOT vision"), "(RANKED any:transformer any:vision)");
  EXPECT_EQ(Parse("bert AND NOT gpt"), "(ANDNOT any:bert any:gpt)");
  // A dash before a space is punctuation, not an operator.
  EXPECT_EQ(Parse("a - b"), "(RANKED any:a any:b)");
  EXPECT_THAT(Parse("-vision"), HasSubstr("cannot only exclude"));
  EXPECT_THAT(Parse("NOT"), HasSubstr("needs something to exclude"));
}

TEST(ParseQuery, Phrases) {
  EXPECT_EQ(Parse("\"attention is all\""), "any:\"attention is all\"");
  EXPECT_EQ(Parse("\xE2\x80\x9Csmart quotes\xE2\x80\x9D"), "any:\"smart quotes\"");
  EXPECT_EQ(Parse("bert \"language model\""), "(AND any:\"language model\" any:bert)");
  EXPECT_EQ(Parse("title:\"deep learning\""), "title:\"deep learning\"");
  EXPECT_THAT(Parse("\"unclosed phrase"), HasSubstr("unbalanced quote: the quote at character 1"));
  EXPECT_THAT(Parse("a \"\" b"), HasSubstr("empty quotes at character 3"));
}

TEST(ParseQuery, Fields) {
  EXPECT_EQ(Parse("author:hinton"), "author:hinton");
  EXPECT_EQ(Parse("au:Hinton ti:capsules"), "(AND author:hinton title:capsules)");
  EXPECT_EQ(Parse("abs:(graph OR network)"), "(OR abs:graph abs:network)");
  EXPECT_EQ(Parse("title: attention"), "title:attention");  // value after a space
  EXPECT_EQ(Parse("cat:cs.CL"), "cat:cs.cl");
  EXPECT_EQ(Parse("cat:hep-th"), "cat:hep-th");
  EXPECT_EQ(Parse("cat:cs.*"), "cat:cs");
  EXPECT_EQ(Parse("id:1706.03762v5"), "id:1706.03762");
  EXPECT_EQ(Parse("arxiv:hep-th/9901001"), "id:hep-th/9901001");
  EXPECT_EQ(Parse("year:2024"), "year:2024..2024");
  EXPECT_EQ(Parse("year:2020..2023"), "year:2020..2023");
  EXPECT_EQ(Parse("year:2020-2023"), "year:2020..2023");
  // A whole arXiv id among the words is that paper.
  EXPECT_EQ(Parse("1706.03762 attention"), "(RANKED id:1706.03762 any:attention)");
}

TEST(ParseQuery, FieldErrorsSayWhatIsWrong) {
  EXPECT_THAT(Parse("venue:neurips"), HasSubstr("unknown field 'venue:'"));
  EXPECT_THAT(Parse("title:"), HasSubstr("field 'title:' needs a value"));
  EXPECT_THAT(Parse("title:("), HasSubstr("unbalanced parenthesis"));
  EXPECT_THAT(Parse("cat:cs..cl"), HasSubstr("is not an arXiv category"));
  EXPECT_THAT(Parse("year:20x4"), HasSubstr("is not a year or range"));
  EXPECT_THAT(Parse("year:2023..2020"), HasSubstr("is not a year or range"));
  EXPECT_THAT(Parse("id:notanid"), Not(HasSubstr("id:notanid")));
  EXPECT_THAT(Parse("title:(author:x)"), HasSubstr("inside another field's parentheses"));
  EXPECT_THAT(Parse("title:!!!"), HasSubstr("needs a word, not only punctuation"));
}

TEST(ParseQuery, PastedTextIsNotFieldSyntax) {
  EXPECT_EQ(Parse("BERT: Pre-training"), "(RANKED any:bert (RANKED any:pre any:training))");
  EXPECT_EQ(Parse("Mamba:Linear"), "(RANKED any:mamba any:linear)");
  EXPECT_EQ(Parse("theorem: a reply"), "(RANKED any:theorem any:a any:reply)");
  EXPECT_EQ(Parse("10:30"), "(RANKED any:10 any:30)");
}

TEST(ParseQuery, Prefixes) {
  EXPECT_EQ(Parse("transf*"), "any:transf*");
  EXPECT_EQ(Parse("title:transf*"), "title:transf*");
  EXPECT_EQ(Parse("C*-algebras"), "(RANKED any:c any:algebras)");  // one letter: a word
  EXPECT_THAT(Parse("title:a*"), HasSubstr("too short"));
  // A '*' after a phrase is punctuation: no phrase prefixes.
  EXPECT_EQ(Parse("title:\"a b\"*"), "title:\"a b\"");
}

TEST(ParseQuery, UnbalancedParentheses) {
  EXPECT_THAT(Parse("(bert OR gpt"), HasSubstr("'(' at character 1 is never closed"));
  EXPECT_THAT(Parse("bert) gpt"), HasSubstr("')' at character 5 has no matching '('"));
  EXPECT_THAT(Parse("()"), HasSubstr("ERROR"));
  EXPECT_THAT(Parse(std::string(40, '(') + "x" + std::string(40, ')')), HasSubstr("too deeply"));
  EXPECT_EQ(Parse(std::string(5, '(') + "x" + std::string(5, ')')), "any:x");
}

TEST(ParseQuery, LoneOperators) {
  EXPECT_THAT(Parse("OR"), HasSubstr("ERROR"));
  EXPECT_THAT(Parse("bert OR"), HasSubstr("OR at character 6 needs something on its right"));
  EXPECT_THAT(Parse("OR bert"), HasSubstr("needs something on its left"));
  EXPECT_THAT(Parse("bert AND"), HasSubstr("AND at character 6 needs something on its right"));
  EXPECT_THAT(Parse("AND"), HasSubstr("ERROR"));
  EXPECT_THAT(Parse("bert OR OR gpt"), HasSubstr("ERROR"));
  EXPECT_THAT(Parse(""), HasSubstr("the query is empty"));
  EXPECT_THAT(Parse("   \t\n "), HasSubstr("the query is empty"));
  EXPECT_THAT(Parse("!!! ???"), HasSubstr("the query is empty"));
}

TEST(ParseQuery, ClauseCap) {
  // 128 short words pass (every HF-length query does); 129 do not.
  std::string q;
  for (int i = 0; i < 128; ++i) {
    q += 'w';
    q += std::to_string(i);
    q += ' ';
  }
  auto r = ParseQuery(q);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->root->children.size(), 128u);
  EXPECT_THAT(Parse(q + "w128"), HasSubstr("too many parts (at most 128"));
  // The cap counts field clauses and ids too.
  std::string cats;
  for (int i = 0; i < 129; ++i) cats += "cat:cs.LG ";
  EXPECT_THAT(Parse(cats), HasSubstr("too many clauses"));
  std::string words = "\"";
  for (int i = 0; i < 200; ++i) words += "w ";
  EXPECT_EQ(Parse(words + "\"").substr(0, 6), "any:\"w");  // one phrase is one clause
}

// Hostile and malformed input: a result or kInvalidArgument, never an
// exception. Long input (the caller caps length, but the parser must not
// depend on it), NUL bytes, invalid UTF-8, and random bytes from the
// query alphabet.
TEST(ParseQuery, MalformedInputNeverThrows) {
  std::vector<std::string> inputs = {
      std::string(100000, 'a'),
      std::string(100000, '('),
      std::string(100000, ')'),
      std::string(100000, '"'),
      std::string(50000, '-') + "x",
      std::string("a\0b\0title:\0", 11),
      "\xFF\xFE\xFD",
      "\xC3",
      "title:\xE2\x80",
      "\xE2\x80\x9C",
      "\xE2\x80\x9Cunclosed",
      "cat:\xF0\x9F\x98\x80",
      "id:2401.0000000000000000000001",
      "year:99999..999999999999999999999",
      "year:..",
      "::::",
      "a:b:c:d",
      "title:(abs:(x))",
      "+",
      "+(",
      "-(",
      "NOT NOT NOT",
      "\"a\" AND \"b\" OR \"c\" NOT \"d\"",
  };
  for (int n = 0; n < 300; ++n) inputs.push_back(std::string(n, '*') + std::string(n % 7, ':'));
  std::mt19937 rng(13);
  static constexpr char kAlphabet[] = "ab ()\"-+*:.\\/ORANDNOT\t\x00\xE2\x80\x9C\xFF";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);  // with the NUL
  for (int n = 0; n < 5000; ++n) {
    std::string q;
    size_t len = rng() % 40;
    for (size_t i = 0; i < len; ++i) q.push_back(alphabet[rng() % alphabet.size()]);
    inputs.push_back(q);
  }
  for (const std::string& q : inputs) {
    Result<ParsedQuery> r = Result<ParsedQuery>(tl::unexpected(Error{ErrorCode::kInternal, ""}));
    ASSERT_NO_THROW(r = ParseQuery(q)) << ::testing::PrintToString(q);
    if (r) {
      EXPECT_NE(r->root, nullptr) << ::testing::PrintToString(q);
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << ::testing::PrintToString(q);
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace paperpulse::search
