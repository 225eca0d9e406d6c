#include "paperpulse/http/json_writer.h"

#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

TEST(JsonWriter, WritesNestedValuesWithCommas) {
  JsonWriter w;
  w.BeginArray();
  w.BeginObject();
  w.Key("a");
  w.Int(1);
  w.Key("b");
  w.BeginArray();
  w.String("x");
  w.Bool(true);
  w.Null();
  w.EndArray();
  w.EndObject();
  w.Double(0.5);
  w.EndArray();
  EXPECT_EQ(w.Take(), R"([{"a":1,"b":["x",true,null]},0.5])");
}

TEST(JsonWriter, EscapesMarkupControlsAndBadUtf8) {
  JsonWriter w;
  w.String("<script>alert(\"1\")</script> & \"><img onerror=x>\n\x01\xFF");
  EXPECT_EQ(w.Take(),
            "\"\\u003cscript\\u003ealert(\\\"1\\\")\\u003c/script\\u003e \\u0026 "
            "\\\"\\u003e\\u003cimg onerror=x\\u003e\\n\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace paperpulse::http
