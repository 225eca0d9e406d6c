#include "paperpulse/http/body.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

Request Post(std::string content_type, std::string body) {
  Request r;
  r.method = "POST";
  if (!content_type.empty()) r.headers.emplace_back("content-type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Fields ParseOk(std::string content_type, std::string body) {
  auto fields = ParseBody(Post(std::move(content_type), std::move(body)));
  EXPECT_TRUE(fields) << fields.error().ToString();
  return fields ? *fields : Fields();
}

Error ParseError(std::string content_type, std::string body) {
  auto fields = ParseBody(Post(std::move(content_type), std::move(body)));
  EXPECT_FALSE(fields);
  return fields ? Error{} : fields.error();
}

TEST(InvalidField, NamesTheFieldFirst) {
  Error e = InvalidField("note", "at most 2000 characters");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message, "note: at most 2000 characters");
}

TEST(ParseBody, JsonObject) {
  Fields f = ParseOk("application/json",
                     R"({"email": "ada@example.org", "limit": 20, "remember": true,
                         "ids": ["2405.04517", "hep-th/9901001"], "note": null,
                         "name": "Zo\u00eb \"Z\""})");
  EXPECT_EQ(*f.Get("email"), "ada@example.org");
  EXPECT_EQ(*f.Get("name"), "Zoë \"Z\"");
  EXPECT_EQ(*f.GetInt("limit"), 20);
  EXPECT_TRUE(*f.GetBool("remember"));
  EXPECT_EQ(*f.GetList("ids"), (std::vector<std::string>{"2405.04517", "hep-th/9901001"}));
  EXPECT_TRUE(f.Has("email"));
  // null is absent.
  EXPECT_FALSE(f.Has("note"));
  EXPECT_EQ(*f.Get("note"), "");
  // Absent fields give "" / the fallback / an empty list.
  EXPECT_FALSE(f.Has("missing"));
  EXPECT_EQ(*f.Get("missing"), "");
  EXPECT_EQ(*f.GetInt("missing", 7), 7);
  EXPECT_FALSE(*f.GetBool("missing"));
  EXPECT_TRUE(f.GetList("missing")->empty());
}

TEST(ParseBody, JsonCharsetParameterAndCaseAreAccepted) {
  for (const char* type : {"application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\"",
                           "application/json ; charset=utf8"}) {
    Fields f = ParseOk(type, R"({"id": "2405.04517"})");
    EXPECT_EQ(*f.Get("id"), "2405.04517") << type;
  }
}

TEST(ParseBody, JsonWrongTypesNameTheField) {
  Fields f = ParseOk("application/json",
                     R"({"email": 3, "limit": "20", "big": 1e3, "huge": 18446744073709551615,
                         "flag": "yes", "ids": ["a", 2], "obj": {"a": 1}, "one": "x"})");
  EXPECT_EQ(f.Get("email").error().message, "field email: expected a string");
  EXPECT_EQ(f.Get("email").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(f.GetInt("limit").error().message, "field limit: expected an integer");
  EXPECT_FALSE(f.GetInt("big"));
  EXPECT_FALSE(f.GetInt("huge"));
  EXPECT_EQ(f.GetBool("flag").error().message, "field flag: expected true or false");
  EXPECT_EQ(f.GetList("ids").error().message, "field ids: expected a list of strings");
  EXPECT_FALSE(f.Get("obj"));
  EXPECT_FALSE(f.GetList("one"));
  EXPECT_FALSE(f.Get("ids"));
}

TEST(ParseBody, JsonRepeatedKeyKeepsTheFirst) {
  Fields f = ParseOk("application/json", R"({"id": "first", "id": "second"})");
  EXPECT_EQ(*f.Get("id"), "first");
  EXPECT_EQ(f.size(), 1u);
}

TEST(ParseBody, MalformedOrNonObjectJsonIs400) {
  for (const char* bad : {"{", "{\"a\": }", "not json", "{\"a\": 1} trailing", "\"\xff\""}) {
    Error e = ParseError("application/json", bad);
    EXPECT_EQ(e.code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_TRUE(e.message.starts_with("body: malformed JSON")) << e.message;
  }
  for (const char* not_object : {"[1, 2]", "\"a string\"", "42", "null"}) {
    Error e = ParseError("application/json", not_object);
    EXPECT_EQ(e.code, ErrorCode::kInvalidArgument) << not_object;
    EXPECT_EQ(e.message, "body: expected a JSON object");
  }
}

TEST(ParseBody, Form) {
  Fields f = ParseOk("application/x-www-form-urlencoded",
                     "email=ada%40example.org&name=Ada+Lovelace&tag=a&tag=b%26c&empty=&flag"
                     "&remember=on&page=3&csrf_token=abc%2Bdef");
  EXPECT_EQ(*f.Get("email"), "ada@example.org");
  EXPECT_EQ(*f.Get("name"), "Ada Lovelace");   // '+' is a space
  EXPECT_EQ(*f.Get("csrf_token"), "abc+def");  // an encoded '+' is a '+'
  EXPECT_EQ(*f.Get("tag"), "a");               // the first of a repeated key
  EXPECT_EQ(*f.GetList("tag"), (std::vector<std::string>{"a", "b&c"}));
  EXPECT_EQ(*f.GetList("email"), (std::vector<std::string>{"ada@example.org"}));
  EXPECT_TRUE(f.Has("empty"));
  EXPECT_TRUE(f.Has("flag"));
  EXPECT_EQ(*f.Get("flag"), "");
  EXPECT_TRUE(*f.GetBool("remember"));
  EXPECT_TRUE(*f.GetBool("empty", true));  // an empty value is the fallback
  EXPECT_EQ(*f.GetInt("page"), 3);
  EXPECT_EQ(f.GetInt("name").error().message, "field name: expected an integer");
  EXPECT_EQ(f.GetBool("name").error().message, "field name: expected true or false");
}

TEST(ParseBody, FormCharsetAndUtf8) {
  Fields f = ParseOk("application/x-www-form-urlencoded; charset=UTF-8", "name=Zo%C3%AB");
  EXPECT_EQ(*f.Get("name"), "Zoë");
  Error e = ParseError("application/x-www-form-urlencoded", "name=%FF");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message, "body: form data is not valid UTF-8");
}

TEST(ParseBody, MalformedFormIs400) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "%g1=x"}) {
    Error e = ParseError("application/x-www-form-urlencoded", bad);
    EXPECT_EQ(e.code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(e.message, "body: malformed form encoding") << bad;
  }
}

TEST(ParseBody, OtherTypesAndCharsetsAre415) {
  for (const char* type :
       {"text/plain", "multipart/form-data; boundary=x", "application/xml", "application/jsonx"}) {
    Error e = ParseError(type, "a=1");
    EXPECT_EQ(e.code, ErrorCode::kUnsupported) << type;
    EXPECT_NE(e.message.find("not supported"), std::string::npos) << e.message;
  }
  Error e = ParseError("application/json; charset=iso-8859-1", "{}");
  EXPECT_EQ(e.code, ErrorCode::kUnsupported);
  EXPECT_EQ(e.message, "body: charset iso-8859-1 is not supported; send UTF-8");
  // A body with no type at all.
  EXPECT_EQ(ParseError("", "{\"a\": 1}").code, ErrorCode::kUnsupported);
}

TEST(ParseBody, EmptyBodyHasNoFieldsWhateverTheType) {
  EXPECT_EQ(ParseOk("", "").size(), 0u);
  EXPECT_EQ(ParseOk("application/json", "").size(), 0u);
  EXPECT_EQ(ParseOk("text/plain", "").size(), 0u);
}

TEST(Fields, AddBuildsFormStyleValues) {
  Fields f;
  f.Add("id", "1");
  f.Add("id", "2");
  EXPECT_EQ(*f.GetInt("id"), 1);
  EXPECT_EQ(f.GetList("id")->size(), 2u);
}

}  // namespace
}  // namespace paperpulse::http
