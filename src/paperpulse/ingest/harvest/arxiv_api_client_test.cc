#include "paperpulse/ingest/harvest/arxiv_api_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "paperpulse/ingest/harvest/scripted_fetcher.h"

namespace paperpulse::ingest::harvest {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Ok200;
using testing::ReadFile;
using testing::ScriptedFetcher;

constexpr const char* kApi = "http://127.0.0.1:9/api/query";

std::string Recording(const std::string& name) {
  return ReadFile(paperpulse::testing::SharedDataDir() + "/arxiv-api-atom/arxiv.py-fixtures/xml/" +
                  name);
}

// Answers like the API did when arxiv.py recorded it.
Result<HttpResponse> Api(const std::string& url, int) {
  auto has = [&](const char* s) { return url.find(s) != std::string::npos; };
  if (has("id_list=1605.08386")) return Ok200(Recording("id_1605.08386_s0_m100_199195aa31ad.xml"));
  if (has("id_list=0704.9999")) return Ok200(Recording("id_0000.0000_s0_m100_8b51d9633a68.xml"));
  if (has("id_list=abc")) {
    return HttpResponse{400, Recording("id_abc_s0_m100_b79c8dcf6bc3.xml"), "",
                        "application/atom+xml"};
  }
  if (has("search_query=testing&start=10&max_results=10")) {
    return Ok200(Recording("q_testing_s10_m10_34e56e15aaac.xml"));
  }
  if (has("search_query=testing&start=20&max_results=10")) {
    return Ok200(Recording("q_testing_s20_m10_348a237fecab.xml"));
  }
  if (has("truncated"))
    return Ok200(Recording("q_testing_s0_m10_bc5a6c384fe9.xml").substr(0, 5000));
  return HttpResponse{404, "not recorded", "", "text/plain"};
}

class ArxivApiClientTest : public ::testing::Test {
 protected:
  ArxivApiClientTest() {
    auto fetcher = std::make_unique<ScriptedFetcher>(&Api);
    log_ = fetcher->log();
    http_ = std::make_unique<PoliteClient>(std::move(fetcher), limiter_, clock_);
    api_ = std::make_unique<ArxivApiClient>(*http_, kApi);
  }
  FakeClock clock_;
  RateLimiter limiter_{clock_, 3s};
  std::shared_ptr<ScriptedFetcher::Log> log_;
  std::unique_ptr<PoliteClient> http_;
  std::unique_ptr<ArxivApiClient> api_;
};

TEST_F(ArxivApiClientTest, FetchesOnePaperById) {
  ASSERT_FALSE(Recording("id_1605.08386_s0_m100_199195aa31ad.xml").empty())
      << "shared data missing";
  auto paper = api_->FetchPaper("arXiv:1605.08386");
  ASSERT_TRUE(paper) << paper.error().ToString();
  ASSERT_TRUE(*paper);
  EXPECT_EQ((*paper)->id, "1605.08386");
  EXPECT_EQ((*paper)->title, "Heat-bath random walks with Markov bases");
  EXPECT_THAT((*paper)->authors, ElementsAre("Caprice Stanley", "Tobias Windisch"));
  EXPECT_EQ((*paper)->submitted, "2016-05-26T17:59:46Z");
  EXPECT_THAT(log_->urls,
              ElementsAre(std::string(kApi) + "?id_list=1605.08386&start=0&max_results=1"));
}

TEST_F(ArxivApiClientTest, UnknownPaperIsNotAnError) {
  auto paper = api_->FetchPaper("0704.9999");
  ASSERT_TRUE(paper) << paper.error().ToString();
  EXPECT_FALSE(*paper);
}

TEST_F(ArxivApiClientTest, BadIdIsRefusedWithoutARequest) {
  auto paper = api_->FetchPaper("abc");
  ASSERT_FALSE(paper);
  EXPECT_EQ(paper.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(log_->urls.empty());
}

TEST_F(ArxivApiClientTest, ErrorFeedWithHttp400BecomesTheApisMessage) {
  ApiQuery q;
  q.id_list = "abc";
  auto page = api_->Query(q);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(page.error().message, HasSubstr("incorrect id format for abc"));
  EXPECT_EQ(log_->urls.size(), 1u);  // a 400 is an answer, not retried
}

TEST_F(ArxivApiClientTest, SearchPagesThroughTheSharedLimiter) {
  auto p1 = api_->Search("testing", 10, 10);
  auto p2 = api_->Search("testing", 20, 10);
  ASSERT_TRUE(p1) << p1.error().ToString();
  ASSERT_TRUE(p2) << p2.error().ToString();
  EXPECT_EQ(p1->papers.size(), 10u);
  EXPECT_EQ(p2->papers.size(), 10u);
  EXPECT_EQ(p1->start_index, 10);
  EXPECT_GT(p1->total_results, 1000);
  EXPECT_NE(p1->papers[0].id, p2->papers[0].id);
  EXPECT_THAT(clock_.sleeps(), ElementsAre(Clock::Duration(3s)));
}

TEST_F(ArxivApiClientTest, TruncatedFeedIsAParseError) {
  auto page = api_->Search("truncated", 0, 10);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kParse);
  EXPECT_THAT(page.error().message, HasSubstr("malformed feed"));
}

TEST_F(ArxivApiClientTest, NotFoundStatusIsAnIoError) {
  auto page = api_->Search("nothing recorded", 0, 10);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kIo);
  EXPECT_THAT(page.error().message, HasSubstr("HTTP 404"));
}

}  // namespace
}  // namespace paperpulse::ingest::harvest
