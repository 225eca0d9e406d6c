// multipart/form-data as browsers and curl send it, and what is refused.
#include "paperpulse/http/multipart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace paperpulse::http {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kType =
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";

// What Chromium sends for the library import form with a file chosen.
std::string BrowserBody(std::string_view file_data) {
  std::string b;
  b += "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n";
  b += "Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\n";
  b += "tok123\r\n";
  b += "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n";
  b += "Content-Disposition: form-data; name=\"file\"; filename=\"My Library.bib\"\r\n";
  b += "Content-Type: application/x-bibtex\r\n\r\n";
  b += file_data;
  b += "\r\n------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n";
  b += "Content-Disposition: form-data; name=\"text\"\r\n\r\n";
  b += "\r\n------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
  return b;
}

std::string ErrorOf(std::string_view type, std::string_view body, MultipartLimits limits = {}) {
  auto parts = ParseMultipart(type, body, limits);
  if (parts) return "(accepted)";
  EXPECT_EQ(parts.error().code, ErrorCode::kInvalidArgument) << parts.error().message;
  return parts.error().message;
}

TEST(MultipartBoundaryTest, ReadsTokenAndQuotedBoundaries) {
  EXPECT_EQ(MultipartBoundary(kType), "----WebKitFormBoundary7MA4YWxkTrZu0gW");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=abc"), "abc");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=\"a b:c=d\"; x=y"), "a b:c=d");
  EXPECT_EQ(MultipartBoundary("multipart/form-data;boundary=\"x\\\"y\"").error().code,
            ErrorCode::kInvalidArgument);  // '"' is not a bchar
}

TEST(MultipartBoundaryTest, RefusesOtherTypesAndBadBoundaries) {
  EXPECT_EQ(MultipartBoundary("application/x-www-form-urlencoded").error().code,
            ErrorCode::kUnsupported);
  EXPECT_EQ(MultipartBoundary("multipart/mixed; boundary=abc").error().code,
            ErrorCode::kUnsupported);
  EXPECT_EQ(MultipartBoundary("").error().code, ErrorCode::kUnsupported);
  for (std::string_view bad :
       {"multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary",
        "multipart/form-data; boundary=\"unterminated", "multipart/form-data; boundary=\"ends \"",
        "multipart/form-data; boundary=a<b"}) {
    auto b = MultipartBoundary(bad);
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')));
  EXPECT_TRUE(MultipartBoundary("multipart/form-data; boundary=" + std::string(70, 'a')));
}

TEST(ParseMultipartTest, ReadsWhatABrowserSends) {
  auto parts = ParseMultipart(kType, BrowserBody("@misc{k,\n  eprint = {2401.00001},\n}\n"));
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "csrf_token");
  EXPECT_EQ((*parts)[0].data, "tok123");
  EXPECT_FALSE((*parts)[0].filename);
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "My Library.bib");
  EXPECT_EQ((*parts)[1].content_type, "application/x-bibtex");
  EXPECT_EQ((*parts)[1].data, "@misc{k,\n  eprint = {2401.00001},\n}\n");
  EXPECT_EQ((*parts)[2].name, "text");
  EXPECT_EQ((*parts)[2].data, "");
  ASSERT_NE(FindPart(*parts, "file"), nullptr);
  EXPECT_EQ(FindPart(*parts, "file")->filename, "My Library.bib");
  EXPECT_EQ(FindPart(*parts, "missing"), nullptr);
}

TEST(ParseMultipartTest, KeepsBinaryDataExactly) {
  static constexpr char kBytes[] =
      "\0\x01\xff\r\n--\r\n------WebKitFormBoundary7MA4YWxkTrZu0g\r\nend";
  std::string data(kBytes, sizeof(kBytes) - 1);
  data += std::string("\r\n-", 3);  // CRLF and a dash just before the real delimiter
  auto parts = ParseMultipart(kType, BrowserBody(data));
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[1].data, data);
  EXPECT_EQ((*parts)[1].data.size(), data.size());
}

TEST(ParseMultipartTest, IgnoresPreambleEpilogueAndPadding) {
  std::string body =
      "This is a preamble.\r\n--xyz  \t\r\n"
      "content-disposition: FORM-DATA; NAME=note; filename*=UTF-8''x\r\n"
      "X-Other: ignored\r\n\r\n"
      "hello\r\n--xyz--\r\nepilogue --xyz\r\n";
  auto parts = ParseMultipart("multipart/form-data; boundary=xyz", body);
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "note");
  EXPECT_EQ((*parts)[0].data, "hello");
  EXPECT_FALSE((*parts)[0].filename);
}

TEST(ParseMultipartTest, UnquotesEscapedParameterValues) {
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"a \\\"quoted\\\" name; with semicolon.ris\"\r\n\r\nTY  - JOUR\r\n--b--";
  auto parts = ParseMultipart("multipart/form-data; boundary=b", body);
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].filename, "a \"quoted\" name; with semicolon.ris");
  EXPECT_EQ((*parts)[0].data, "TY  - JOUR");
}

TEST(ParseMultipartTest, AnEmptyFileInputIsAFileWithoutData) {
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n";
  auto parts = ParseMultipart("multipart/form-data; boundary=b", body);
  ASSERT_TRUE(parts) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[0].data, "");
}

TEST(ParseMultipartTest, NeedsCrlfLineEnds) {
  std::string lf = BrowserBody("x");
  std::string only_lf;
  for (size_t i = 0; i < lf.size(); ++i) {
    if (!(lf[i] == '\r' && i + 1 < lf.size() && lf[i + 1] == '\n')) only_lf.push_back(lf[i]);
  }
  EXPECT_THAT(ErrorOf(kType, only_lf), HasSubstr("CRLF"));
}

TEST(ParseMultipartTest, ACutOffUploadIsRefused) {
  std::string full = BrowserBody("some data");
  // Without the closing delimiter, mid-data, mid-headers, right after a boundary.
  EXPECT_THAT(ErrorOf(kType, full.substr(0, full.size() - 4)), HasSubstr("closing boundary"));
  EXPECT_THAT(ErrorOf(kType, full.substr(0, full.find("some") + 4)),
              HasSubstr("closing boundary is missing"));
  EXPECT_THAT(ErrorOf(kType, full.substr(0, full.find("filename"))), HasSubstr("do not end"));
  EXPECT_THAT(ErrorOf("multipart/form-data; boundary=b", "--b"), HasSubstr("closing boundary"));
  EXPECT_THAT(ErrorOf("multipart/form-data; boundary=b", ""), HasSubstr("no part starts"));
  EXPECT_THAT(ErrorOf("multipart/form-data; boundary=other", full), HasSubstr("no part starts"));
}

TEST(ParseMultipartTest, RefusesPartsWithoutAFormDataName) {
  std::string_view type = "multipart/form-data; boundary=b";
  EXPECT_THAT(ErrorOf(type, "--b\r\n\r\nx\r\n--b--"), HasSubstr("part 1: no Content-Disposition"));
  EXPECT_THAT(ErrorOf(type, "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"),
              HasSubstr("no Content-Disposition"));
  EXPECT_THAT(ErrorOf(type, "--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--"),
              HasSubstr("must be form-data"));
  EXPECT_THAT(ErrorOf(type, "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"),
              HasSubstr("names no field"));
  EXPECT_THAT(ErrorOf(type, "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--"),
              HasSubstr("unterminated"));
  EXPECT_THAT(ErrorOf(type,
                      "--b\r\nContent-Disposition: form-data; name=a\r\nX-A: b\r\n c\r\n\r\n"
                      "x\r\n--b--"),
              HasSubstr("folded"));
  EXPECT_THAT(ErrorOf(type,
                      "--b\r\nContent-Disposition: form-data; name=a\r\nnonsense\r\n\r\n"
                      "x\r\n--b--"),
              HasSubstr("without a name"));
  EXPECT_THAT(ErrorOf(type,
                      "--b\r\nContent-Disposition: form-data; name=a\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\neA==\r\n--b--"),
              HasSubstr("base64"));
  EXPECT_EQ(ErrorOf(type,
                    "--b\r\nContent-Disposition: form-data; name=a\r\n"
                    "Content-Transfer-Encoding: binary\r\n\r\nx\r\n--b--"),
            "(accepted)");
}

TEST(ParseMultipartTest, EnforcesLimits) {
  std::string_view type = "multipart/form-data; boundary=b";
  auto many = [](int n) {
    std::string body;
    for (int i = 0; i < n; ++i) {
      body +=
          "--b\r\nContent-Disposition: form-data; name=\"f" + std::to_string(i) + "\"\r\n\r\nv\r\n";
    }
    return body + "--b--\r\n";
  };
  MultipartLimits limits;
  limits.max_parts = 3;
  EXPECT_EQ(ErrorOf(type, many(3), limits), "(accepted)");
  EXPECT_THAT(ErrorOf(type, many(4), limits), HasSubstr("more than 3 parts"));

  limits = MultipartLimits();
  limits.max_header_bytes = 60;
  std::string long_name = "--b\r\nContent-Disposition: form-data; name=\"" + std::string(40, 'n') +
                          "\"\r\n\r\nv\r\n--b--";
  EXPECT_THAT(ErrorOf(type, long_name, limits), HasSubstr("headers longer than 60 bytes"));

  limits = MultipartLimits();
  limits.max_field_bytes = 10;
  std::string field = "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" +
                      std::string(11, 'x') + "\r\n--b--";
  EXPECT_THAT(ErrorOf(type, field, limits), HasSubstr("field text is longer than 10 bytes"));
  // Files are bounded by the body limit only.
  std::string file = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n" +
                     std::string(1000, 'x') + "\r\n--b--";
  EXPECT_EQ(ErrorOf(type, file, limits), "(accepted)");
}

}  // namespace
}  // namespace paperpulse::http
