#include "paperpulse/ingest/pyrepr.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>

#include "paperpulse/base/test_paths.h"

// Every allocation of this test binary goes through here, so that a test can
// count the bytes the parser allocates: quadratic copying (rebuilding a
// string per piece, growing it by a constant) shows as allocated bytes that
// grow with the square of the input, without timing anything.
namespace {
std::atomic<bool> counting{false};
std::atomic<size_t> allocated_bytes{0};
std::atomic<size_t> allocations{0};
}  // namespace

// GCC sees malloc behind operator new once both are inlined here and takes
// the free() below for a mismatch; it is the matching release.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(size_t n) {
  if (counting.load(std::memory_order_relaxed)) {
    allocated_bytes += n;
    ++allocations;
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// The nothrow form too (simdjson uses it): under ASan it would otherwise be
// the sanitizer's, released by the free() below (alloc-dealloc-mismatch).
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return ::operator new(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace paperpulse::ingest {
namespace {

PyValue MustParse(std::string_view text) {
  auto v = ParsePyLiteral(text);
  EXPECT_TRUE(v.has_value()) << text << ": " << (v ? "" : v.error().ToString());
  return v ? *v : PyValue{};
}

std::string ParseError(std::string_view text, const PyParseOptions& options = {}) {
  auto v = ParsePyLiteral(text, options);
  EXPECT_FALSE(v.has_value()) << text;
  if (v) return "";
  EXPECT_EQ(v.error().code, ErrorCode::kParse);
  return v.error().message;
}

TEST(PyReprTest, Scalars) {
  EXPECT_TRUE(MustParse("None").IsNone());
  EXPECT_EQ(MustParse("True").AsBool(), true);
  EXPECT_EQ(MustParse(" False ").AsBool(), false);
  EXPECT_EQ(MustParse("42").AsInt(), 42);
  EXPECT_EQ(MustParse("-7").AsInt(), -7);
  EXPECT_EQ(MustParse("0").AsInt(), 0);
  EXPECT_EQ(MustParse("-9223372036854775808").AsInt(), INT64_MIN);
  EXPECT_EQ(MustParse("9223372036854775807").AsInt(), INT64_MAX);
  EXPECT_EQ(MustParse("1.5").AsFloat(), 1.5);
  EXPECT_EQ(MustParse("-2.5e3").AsFloat(), -2500.0);
  EXPECT_EQ(MustParse("7.0").kind, PyValue::Kind::kFloat);
  EXPECT_EQ(MustParse("7").AsFloat(), 7.0);
  EXPECT_TRUE(std::isinf(*MustParse("-inf").AsFloat()));
  EXPECT_TRUE(std::isnan(*MustParse("nan").AsFloat()));
  // Python's bool is an int; a string is neither.
  EXPECT_EQ(MustParse("True").AsInt(), 1);
  EXPECT_FALSE(MustParse("'1'").AsInt().has_value());
  EXPECT_FALSE(MustParse("1").AsString().has_value());
}

TEST(PyReprTest, StringsAndEscapes) {
  EXPECT_EQ(MustParse("'abc'").AsString(), "abc");
  EXPECT_EQ(MustParse("\"it's\"").AsString(), "it's");
  EXPECT_EQ(MustParse(R"('it\'s')").AsString(), "it's");
  EXPECT_EQ(MustParse(R"('a\\b')").AsString(), "a\\b");
  EXPECT_EQ(MustParse(R"('say \"hi\"')").AsString(), "say \"hi\"");
  EXPECT_EQ(MustParse(R"('l1\nl2\tx\r')").AsString(), "l1\nl2\tx\r");
  EXPECT_EQ(MustParse(R"('\x41\xe9')").AsString(), "A\xC3\xA9");                 // A é
  EXPECT_EQ(MustParse(R"('\u00e1\u4e2d')").AsString(), "\xC3\xA1\xE4\xB8\xAD");  // á 中
  EXPECT_EQ(MustParse(R"('\U0001F600')").AsString(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(MustParse(R"('\ud83d\ude00')").AsString(), "\xF0\x9F\x98\x80");  // surrogate pair
  EXPECT_EQ(MustParse(R"('\101\0')").AsString(), std::string("A\0", 2));
  // Unknown escapes stay as written (TeX in titles: '\alpha' arrives as '\\alpha'
  // but a careless writer may leave '\d').
  EXPECT_EQ(MustParse(R"('\d\$')").AsString(), "\\d\\$");
  // Raw UTF-8 passes through unchanged.
  EXPECT_EQ(MustParse("'C. Bal\xC3\xA1zs'").AsString(), "C. Bal\xC3\xA1zs");
  EXPECT_EQ(MustParse("u'py2'").AsString(), "py2");
  EXPECT_EQ(MustParse(R"(r'\alpha\'')").AsString(), "\\alpha\\'");
  EXPECT_EQ(MustParse("'''a'b\nc'''").AsString(), "a'b\nc");
  EXPECT_EQ(MustParse("''").AsString(), "");
}

TEST(PyReprTest, Containers) {
  PyValue v = MustParse("[1, 'two', [3.0], (), (4,), (5), (6, 7,), {}]");
  ASSERT_EQ(v.kind, PyValue::Kind::kList);
  ASSERT_EQ(v.items.size(), 8u);
  EXPECT_EQ(v.items[1].AsString(), "two");
  EXPECT_EQ(v.items[2].items[0].AsFloat(), 3.0);
  EXPECT_EQ(v.items[3].kind, PyValue::Kind::kTuple);
  EXPECT_TRUE(v.items[3].items.empty());
  EXPECT_EQ(v.items[4].kind, PyValue::Kind::kTuple);
  EXPECT_EQ(v.items[4].items.size(), 1u);
  EXPECT_EQ(v.items[5].kind, PyValue::Kind::kInt);  // (5) is just 5
  EXPECT_EQ(v.items[6].items.size(), 2u);
  EXPECT_TRUE(v.items[7].IsDict());
  EXPECT_TRUE(v.items[6].IsSequence());

  PyValue d = MustParse("{'a': 1, 'b': None, 'a': 2, 3: 'int key'}");
  ASSERT_TRUE(d.IsDict());
  EXPECT_EQ(d.entries.size(), 4u);
  EXPECT_EQ(d.Get("a")->AsInt(), 2);  // last duplicate wins
  EXPECT_TRUE(d.Get("b")->IsNone());
  EXPECT_EQ(d.Get("c"), nullptr);
  EXPECT_EQ(d.GetString("b"), "");
  EXPECT_EQ(d.entries[3].key.AsInt(), 3);
  EXPECT_EQ(MustParse("[1]").Get("a"), nullptr);
}

TEST(PyReprTest, StringList) {
  auto list = ParsePyStringList("['cs.CV', \"cs.LG\", 'eess.IV']");
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(*list, (std::vector<std::string>{"cs.CV", "cs.LG", "eess.IV"}));
  EXPECT_TRUE(ParsePyStringList("[]")->empty());
  EXPECT_EQ(ParsePyStringList("('a',)")->size(), 1u);
  EXPECT_EQ(ParsePyStringList("['a', 1]").error().message,
            "python literal: element 2 of the list is not a string");
  EXPECT_EQ(ParsePyStringList("'a'").error().message, "python literal: expected a list of strings");
  EXPECT_FALSE(ParsePyStringList("['a'").has_value());
}

TEST(PyReprTest, KaggleVersionsAndAuthors) {
  PyValue versions = MustParse(
      "[{'version': 'v1', 'created': 'Mon, 2 Apr 2007 19:18:42 GMT'}, "
      "{'version': 'v2', 'created': 'Tue, 24 Jul 2007 20:10:27 GMT'}]");
  ASSERT_EQ(versions.items.size(), 2u);
  EXPECT_EQ(versions.items[1].GetString("created"), "Tue, 24 Jul 2007 20:10:27 GMT");
  PyValue authors =
      MustParse("[['Balázs', 'C.', ''], ['Berger', 'E. L.', ''], ['Yuan', 'C. -P.', '']]");
  ASSERT_EQ(authors.items.size(), 3u);
  EXPECT_EQ(authors.items[0].items[0].AsString(), "Balázs");
}

TEST(PyReprTest, HfDailyPaperDict) {
  PyValue v = MustParse(
      "{'paper': {'id': '2412.01234', 'authors': [{'_id': 'x', 'name': 'A', 'hidden': False}], "
      "'upvotes': 3, 'isPro': False, 'summary': 'We \\'show\\' \"x\"\\nnext'}, "
      "'numComments': 0, 'publishedAt': '2024-12-11T00:00:00.000Z', 'githubStars': None}");
  const PyValue* paper = v.Get("paper");
  ASSERT_NE(paper, nullptr);
  EXPECT_EQ(paper->GetString("id"), "2412.01234");
  EXPECT_EQ(paper->Get("authors")->items[0].GetString("name"), "A");
  EXPECT_EQ(paper->Get("upvotes")->AsInt(), 3);
  EXPECT_EQ(paper->Get("isPro")->AsBool(), false);
  EXPECT_EQ(paper->GetString("summary"), "We 'show' \"x\"\nnext");
  EXPECT_EQ(v.Get("numComments")->AsInt(), 0);
  EXPECT_TRUE(v.Get("githubStars")->IsNone());
}

// Every array item of the real HF daily files that is a Python-repr string
// (a scraper quirk, 291 items in 22 files) must parse into a paper dict.
TEST(PyReprTest, RealHfReprItemsParse) {
  std::string dir = testing::SharedDataDir() + "/hf-daily-papers-json/daily";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "missing shared data " << dir;
  simdjson::dom::parser json;
  int repr_items = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    simdjson::dom::element doc;
    ASSERT_EQ(json.load(file.path().string()).get(doc), simdjson::SUCCESS) << file.path();
    simdjson::dom::array arr;
    if (doc.get_array().get(arr) != simdjson::SUCCESS) continue;
    for (simdjson::dom::element item : arr) {
      std::string_view text;
      if (item.get_string().get(text) != simdjson::SUCCESS) continue;
      ++repr_items;
      auto v = ParsePyLiteral(text);
      ASSERT_TRUE(v.has_value()) << file.path() << ": " << v.error().ToString();
      const PyValue* paper = v->Get("paper");
      ASSERT_NE(paper, nullptr) << file.path();
      EXPECT_FALSE(paper->GetString("id").empty()) << file.path();
      EXPECT_FALSE(paper->GetString("title").empty()) << file.path();
    }
  }
  EXPECT_EQ(repr_items, 291);
}

TEST(PyReprTest, RealHfReprItemFields) {
  simdjson::dom::parser json;
  simdjson::dom::element doc;
  ASSERT_EQ(
      json.load(testing::SharedDataDir() + "/hf-daily-papers-json/daily/2024-12-11.json").get(doc),
      simdjson::SUCCESS);
  std::string_view text;
  ASSERT_EQ(doc.at(0).get_string().get(text), simdjson::SUCCESS);
  PyValue v = MustParse(text);
  const PyValue* paper = v.Get("paper");
  ASSERT_NE(paper, nullptr);
  EXPECT_EQ(paper->GetString("id"), "2412.07730");
  const PyValue* authors = paper->Get("authors");
  ASSERT_NE(authors, nullptr);
  ASSERT_TRUE(authors->IsSequence());
  EXPECT_EQ(authors->items[0].GetString("name"), "Zongyu Lin");
  EXPECT_EQ(authors->items[0].Get("hidden")->AsBool(), false);
  EXPECT_EQ(authors->items[3].Get("user")->GetString("user"), "Jiasenlu");
}

TEST(PyReprTest, MalformedInputNamesOffset) {
  EXPECT_EQ(ParseError("[1, 2"), "python literal: expected ',' or ']' in list at offset 5");
  EXPECT_EQ(ParseError("{'a' 1}"), "python literal: expected ':' in dict at offset 5");
  EXPECT_EQ(ParseError("'abc"), "python literal: unterminated string at offset 0");
  EXPECT_EQ(ParseError("[1] x"), "python literal: unexpected text after the value at offset 4");
  EXPECT_EQ(ParseError("true"), "python literal: unknown name at offset 0");
  EXPECT_EQ(ParseError("[1, @]"), "python literal: unexpected character at offset 4");
  EXPECT_EQ(ParseError(""), "python literal: unexpected end of input at offset 0");
  EXPECT_EQ(ParseError("'a\\x4'"), "python literal: truncated \\x escape at offset 2");
  EXPECT_EQ(ParseError("'\\ud800'"), "python literal: lone surrogate escape at offset 1");
  EXPECT_EQ(ParseError("'\\U00110000'"), "python literal: escape beyond U+10FFFF at offset 1");
  EXPECT_EQ(ParseError("99999999999999999999"), "python literal: integer out of range at offset 0");
  EXPECT_EQ(ParseError("007"), "python literal: malformed number (leading zero) at offset 0");
  EXPECT_EQ(ParseError("1.2.3"), "python literal: malformed number at offset 0");
  EXPECT_EQ(ParseError("12abc"), "python literal: malformed number at offset 0");
  EXPECT_EQ(ParseError("'a\nb'"), "python literal: newline in string at offset 2");
  EXPECT_EQ(ParseError("['ok', '\xC3\x28']"), "python literal: invalid UTF-8 at offset 8");
  EXPECT_EQ(ParseError("{1, 2}"), "python literal: expected ':' in dict at offset 2");
  EXPECT_EQ(ParseError("b'bytes'"), "python literal: unknown name at offset 0");
}

TEST(PyReprTest, DepthLimitStopsDeepNesting) {
  // 100k open brackets would overflow the stack of a naive recursive parser.
  std::string deep(100000, '[');
  std::string msg = ParseError(deep);
  EXPECT_EQ(msg, "python literal: nesting too deep at offset 64");

  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(ParsePyLiteral(ok).has_value());
  std::string too_deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_FALSE(ParsePyLiteral(too_deep).has_value());
  EXPECT_TRUE(ParsePyLiteral(too_deep, PyParseOptions{.max_depth = 65}).has_value());
  EXPECT_FALSE(ParsePyLiteral("{'a': {'b': [1]}}", PyParseOptions{.max_depth = 2}).has_value());
}

struct Work {
  size_t bytes = 0;        // allocated while parsing
  size_t allocations = 0;  // calls to operator new while parsing
  size_t parsed_size = 0;  // of the resulting string
};

Work ParseCounting(const std::string& text) {
  allocated_bytes = 0;
  allocations = 0;
  counting = true;
  Work w;
  {
    auto v = ParsePyLiteral(text);
    counting = false;
    EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().ToString());
    if (v && v->AsString()) w.parsed_size = v->AsString()->size();
  }
  w.bytes = allocated_bytes;
  w.allocations = allocations;
  return w;
}

// A string literal of about `n` bytes mixing plain runs with escapes (each
// escape appends on its own): "'abcdefg\n\u00e9\\...'".
std::string MixedLiteral(size_t n) {
  std::string s = "'";
  while (s.size() < n) s += "abcdefg\\n\\u00e9\\\\";
  return s + "'";
}

TEST(PyReprTest, LargeStringIsLinear) {
  // One 10 MiB run and mixed text at 1 and 4 MiB: the string grows
  // geometrically (a few allocations, their sum bounded by a small multiple
  // of the result), however the pieces come. Quadratic copying would
  // allocate about n^2 / piece bytes: gigabytes here.
  std::string big = "'" + std::string(10 << 20, 'x') + "\\n'";
  Work plain = ParseCounting(big);
  EXPECT_EQ(plain.parsed_size, (10u << 20) + 1);
  EXPECT_LE(plain.bytes, 6 * plain.parsed_size);
  EXPECT_LE(plain.allocations, 64u);

  Work small = ParseCounting(MixedLiteral(1 << 20));
  Work large = ParseCounting(MixedLiteral(4 << 20));
  ASSERT_GT(small.parsed_size, 0u);
  EXPECT_GT(large.parsed_size, 3 * small.parsed_size);
  EXPECT_LE(small.bytes, 6 * small.parsed_size);
  EXPECT_LE(large.bytes, 6 * large.parsed_size);
  // Four times the input: two more doublings, not four times the calls.
  EXPECT_LE(large.allocations, small.allocations + 8);
}

}  // namespace
}  // namespace paperpulse::ingest
