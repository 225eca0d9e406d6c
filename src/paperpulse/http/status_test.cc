#include "paperpulse/http/status.h"

#include <gtest/gtest.h>

#include <utility>

namespace paperpulse::http {
namespace {

TEST(HttpStatus, OneStatusPerCode) {
  const std::pair<ErrorCode, int> kExpected[] = {
      {ErrorCode::kInvalidArgument, 400},
      {ErrorCode::kParse, 400},
      {ErrorCode::kFailedPrecondition, 400},
      {ErrorCode::kUnauthenticated, 401},
      {ErrorCode::kPermissionDenied, 403},
      {ErrorCode::kNotFound, 404},
      {ErrorCode::kAlreadyExists, 409},
      {ErrorCode::kUnsupported, 415},
      {ErrorCode::kResourceExhausted, 429},
      {ErrorCode::kInternal, 500},
      {ErrorCode::kUnavailable, 503},
      {ErrorCode::kAborted, 503},
      {ErrorCode::kIo, 503},
  };
  for (auto [code, status] : kExpected) EXPECT_EQ(HttpStatus(code), status) << ErrorCodeName(code);
}

TEST(JsonErrorResponse, ClientErrorsCarryTheirMessage) {
  Response r = JsonErrorResponse(
      Error{ErrorCode::kAlreadyExists, "2405.04517 is already on the list of 2024-05-08"});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body.view(), R"({"error":"2405.04517 is already on the list of 2024-05-08"})");
  EXPECT_EQ(r.cache, CachePolicy::kNoStore);
  EXPECT_TRUE(r.headers.empty());
}

TEST(JsonErrorResponse, ServerErrorsHideTheirDetails) {
  Response r = JsonErrorResponse(
      Error{ErrorCode::kUnavailable, "sqlite: database is locked at /srv/var/paperpulse.db"});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.view(), R"({"error":"temporarily unavailable"})");
  r = JsonErrorResponse(Error{ErrorCode::kInternal, "bad row in table votes"});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.view(), R"({"error":"internal error"})");
}

TEST(JsonErrorResponse, RetryAfterWhenKnown) {
  Error e{ErrorCode::kResourceExhausted, "too many votes; wait a minute"};
  e.retry_after = 42;
  Response r = JsonErrorResponse(e);
  EXPECT_EQ(r.status, 429);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Retry-After", "42"}));
}

TEST(JsonError, EscapesTheMessage) {
  Response r = JsonError(400, "bad \"q\" <script>");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.view(), R"({"error":"bad \"q\" \u003cscript\u003e"})");
}

}  // namespace
}  // namespace paperpulse::http
