#include "paperpulse/ingest/harvest/oai_harvester.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "paperpulse/ingest/harvest/scripted_fetcher.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::ingest::harvest {
namespace {

using namespace std::chrono_literals;
using testing::ArxivPages;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Ok200;
using testing::ScriptedFetcher;

constexpr const char* kEndpoint = "http://127.0.0.1:9/oai";

// Distinct ids of a page, to know how many papers must land.
std::set<std::string> Ids(const std::string& page) {
  std::set<std::string> ids;
  const std::string tag = "<identifier>oai:arXiv.org:";
  for (size_t at = page.find(tag); at != std::string::npos; at = page.find(tag, at + 1)) {
    size_t begin = at + tag.size();
    ids.insert(page.substr(begin, page.find('<', begin) - begin));
  }
  return ids;
}

class OaiHarvesterTest : public ::testing::Test {
 protected:
  struct Outcome {
    paperpulse::Status status;
    HarvestReport report;
    std::vector<std::string> urls;
  };

  void SetUp() override { ASSERT_TRUE(pages_.ok()) << "shared data missing"; }

  Outcome Run(ScriptedFetcher::Handler handler, HarvestOptions options = {}) {
    auto fetcher = std::make_unique<ScriptedFetcher>(std::move(handler));
    auto log = fetcher->log();
    RetryPolicy policy;
    policy.seed = 7;
    policy.max_tries = 3;
    PoliteClient client(std::move(fetcher), limiter_, clock_, policy);
    options.endpoint = kEndpoint;
    if (!options.on_reject) {
      options.on_reject = [this](const SourcePos& pos, const std::string& reason) {
        rejects_.push_back(pos.ToString() + ": " + reason);
      };
    }
    OaiHarvester harvester(*store_, client, options);
    Outcome out{harvester.Run(), harvester.report(), {}};
    out.urls = log->urls;
    return out;
  }

  ScriptedFetcher::Handler Server() {
    return [this](const std::string& url, int) { return pages_.Serve(url); };
  }

  int64_t Papers() { return store_->Stats()->papers; }
  size_t ExpectedPapers() {
    std::set<std::string> ids = Ids(pages_.first);
    ids.merge(Ids(pages_.second));
    return ids.size();
  }
  Checkpoint Stored() { return **LoadCheckpoint(*store_); }

  static std::string Truncated(const std::string& page) { return page.substr(0, page.size() / 2); }

  storage::testing::TempDatabase db_{"sqlite"};
  std::unique_ptr<storage::Store> store_ = db_.Open();
  FakeClock clock_;
  RateLimiter limiter_{clock_, 3s};
  ArxivPages pages_;
  std::vector<std::string> rejects_;
};

TEST_F(OaiHarvesterTest, AllRecordsOfBothPagesLandWithTheCheckpoint) {
  HarvestOptions options;
  options.set = "cs";
  options.from = "2019-10-01";
  options.until = "2019-10-09";
  Outcome out = Run(Server(), options);
  ASSERT_TRUE(out.status) << out.status.error().ToString();
  EXPECT_THAT(
      out.urls,
      ElementsAre(std::string(kEndpoint) +
                      "?verb=ListRecords&metadataPrefix=arXivRaw&set=cs&from=2019-10-01"
                      "&until=2019-10-09",
                  std::string(kEndpoint) + "?verb=ListRecords&resumptionToken=3996692%7C1001"));
  EXPECT_TRUE(out.report.complete);
  EXPECT_EQ(out.report.pages, 2);
  EXPECT_EQ(out.report.counts.read, ArxivPages::kRecords);
  EXPECT_EQ(out.report.counts.rejected, 0) << ::testing::PrintToString(rejects_);
  EXPECT_EQ(Papers(), static_cast<int64_t>(ExpectedPapers()));
  EXPECT_EQ(out.report.counts.inserted, static_cast<int64_t>(ExpectedPapers()));

  Checkpoint c = Stored();
  EXPECT_EQ(c.endpoint, kEndpoint);
  EXPECT_EQ(c.set, "cs");
  EXPECT_EQ(c.format, "arXivRaw");
  EXPECT_EQ(c.from, "2019-10-01");
  EXPECT_EQ(c.until, "2019-10-09");
  EXPECT_TRUE(c.complete);
  EXPECT_EQ(c.resumption_token, "");
  EXPECT_EQ(c.pages, 2);
  EXPECT_EQ(c.records, ArxivPages::kRecords);
  EXPECT_EQ(c.last_datestamp, "2019-10-09");
  EXPECT_EQ(c.harvested_through, "2019-10-09");
  EXPECT_EQ(c.complete_list_size, 907096);  // as the last page said
  EXPECT_FALSE(c.finished_at.empty());
  // One polite pause between the two requests, no more.
  EXPECT_THAT(clock_.sleeps(), ElementsAre(Clock::Duration(3s)));
}

TEST_F(OaiHarvesterTest, IncrementalRunContinuesFromTheLastDatestamp) {
  ASSERT_TRUE(Run(Server()).status);
  Outcome again = Run(Server());
  ASSERT_TRUE(again.status);
  EXPECT_FALSE(again.report.resumed);
  EXPECT_THAT(again.urls[0], HasSubstr("&from=2019-10-09"));
  EXPECT_THAT(again.urls[0], ::testing::Not(HasSubstr("until")));
  // Re-reading changes nothing.
  EXPECT_EQ(again.report.counts.unchanged, again.report.counts.read);
  EXPECT_EQ(Papers(), static_cast<int64_t>(ExpectedPapers()));
}

TEST_F(OaiHarvesterTest, FirstHarvestWithoutCheckpointTakesEverything) {
  Outcome out = Run(Server());
  ASSERT_TRUE(out.status);
  EXPECT_EQ(out.urls[0], std::string(kEndpoint) + "?verb=ListRecords&metadataPrefix=arXivRaw");
}

TEST_F(OaiHarvesterTest, Waits503RetryAfterOutWithoutRealSleeping) {
  Outcome out = Run([this](const std::string& url, int call) -> Result<HttpResponse> {
    if (call == 0) return HttpResponse{503, pages_.retry_after_html, "10", "text/html"};
    return pages_.Serve(url);
  });
  ASSERT_TRUE(out.status) << out.status.error().ToString();
  EXPECT_EQ(out.urls.size(), 3u);
  EXPECT_THAT(clock_.sleeps(), Contains(Clock::Duration(10s)));
  EXPECT_EQ(Papers(), static_cast<int64_t>(ExpectedPapers()));
}

TEST_F(OaiHarvesterTest, MalformedPageIsFetchedAgainAndCountedOnce) {
  Outcome out = Run([this](const std::string& url, int call) -> Result<HttpResponse> {
    if (call == 1) return Ok200(Truncated(pages_.second));
    return pages_.Serve(url);
  });
  ASSERT_TRUE(out.status) << out.status.error().ToString();
  EXPECT_EQ(out.urls.size(), 3u);
  EXPECT_EQ(out.urls[1], out.urls[2]);
  EXPECT_EQ(out.report.counts.read, ArxivPages::kRecords);
  EXPECT_EQ(out.report.counts.inserted, static_cast<int64_t>(ExpectedPapers()));
  EXPECT_EQ(Stored().records, ArxivPages::kRecords);
}

TEST_F(OaiHarvesterTest, MalformedPageGivesUpNamingPageAndReasonKeepingEarlierPages) {
  Outcome out = Run([this](const std::string& url, int) -> Result<HttpResponse> {
    if (url.find("resumptionToken") != std::string::npos) return Ok200(Truncated(pages_.second));
    return pages_.Serve(url);
  });
  ASSERT_FALSE(out.status);
  EXPECT_EQ(out.status.error().code, ErrorCode::kParse);
  const std::string& m = out.status.error().message;
  EXPECT_THAT(m, HasSubstr("page 2 ("));
  EXPECT_THAT(m, HasSubstr("resumptionToken=3996692%7C1001"));
  EXPECT_THAT(m, HasSubstr("malformed XML"));
  EXPECT_THAT(m, HasSubstr("gave up after 3 tries"));
  EXPECT_THAT(m, HasSubstr("kept the 1 page(s)"));
  // The reader's own report of the break names the page too.
  EXPECT_THAT(rejects_, Contains(HasSubstr("page 2")));
  // Page 1 is in, with the token that leads to page 2.
  EXPECT_EQ(Papers(), static_cast<int64_t>(Ids(pages_.first).size()));
  Checkpoint c = Stored();
  EXPECT_EQ(c.pages, 1);
  EXPECT_FALSE(c.complete);
  EXPECT_EQ(c.resumption_token, ArxivPages::kToken);

  // The next run resumes at page 2 and ends with the same Store as a clean run.
  Outcome resumed = Run(Server());
  ASSERT_TRUE(resumed.status) << resumed.status.error().ToString();
  EXPECT_TRUE(resumed.report.resumed);
  EXPECT_THAT(resumed.urls, ElementsAre(HasSubstr("resumptionToken=3996692%7C1001")));
  EXPECT_EQ(Papers(), static_cast<int64_t>(ExpectedPapers()));
  EXPECT_EQ(Stored().records, ArxivPages::kRecords);
  EXPECT_EQ(Stored().pages, 2);
}

TEST_F(OaiHarvesterTest, NetworkGiveUpKeepsWhatWasHarvested) {
  Outcome out = Run([this](const std::string& url, int) -> Result<HttpResponse> {
    if (url.find("resumptionToken") != std::string::npos) {
      return Fail(ErrorCode::kUnavailable, "Connection reset by peer");
    }
    return pages_.Serve(url);
  });
  ASSERT_FALSE(out.status);
  EXPECT_EQ(out.status.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(out.status.error().message, HasSubstr("page 2: "));
  EXPECT_THAT(out.status.error().message, HasSubstr("gave up after 3 tries"));
  EXPECT_THAT(out.status.error().message, HasSubstr("Connection reset by peer"));
  EXPECT_EQ(out.report.pages, 1);
  EXPECT_EQ(Papers(), static_cast<int64_t>(Ids(pages_.first).size()));
}

TEST_F(OaiHarvesterTest, ExpiredTokenRestartsTheWindowFromItsFrom) {
  HarvestOptions options;
  options.from = "2019-10-01";
  // Run 1 stops after page 1 (the network fails), leaving the token behind.
  ASSERT_FALSE(Run(
                   [this](const std::string& url, int) -> Result<HttpResponse> {
                     if (url.find("resumptionToken") != std::string::npos) {
                       return Fail(ErrorCode::kUnavailable, "timeout");
                     }
                     return pages_.Serve(url);
                   },
                   options)
                   .status);
  // Meanwhile the server forgot the token.
  bool expired = false;
  Outcome out = Run([&](const std::string& url, int) -> Result<HttpResponse> {
    if (!expired && url.find("resumptionToken") != std::string::npos) {
      expired = true;
      return Ok200(ArxivPages::OaiError("badResumptionToken", "expired"));
    }
    return pages_.Serve(url);
  });
  ASSERT_TRUE(out.status) << out.status.error().ToString();
  EXPECT_TRUE(out.report.resumed);
  EXPECT_EQ(out.report.restarts, 1);
  ASSERT_EQ(out.urls.size(), 3u);
  EXPECT_THAT(out.urls[1], HasSubstr("verb=ListRecords&metadataPrefix=arXivRaw&from=2019-10-01"));
  EXPECT_EQ(Papers(), static_cast<int64_t>(ExpectedPapers()));
  Checkpoint c = Stored();
  EXPECT_TRUE(c.complete);
  EXPECT_EQ(c.restarts, 1);
}

TEST_F(OaiHarvesterTest, TokenThatKeepsExpiringEndsTheRun) {
  Outcome out = Run([](const std::string&, int) -> Result<HttpResponse> {
    return Ok200(ArxivPages::OaiError("badResumptionToken", "expired"));
  });
  ASSERT_FALSE(out.status);
  EXPECT_THAT(out.status.error().message, HasSubstr("badResumptionToken"));
}

TEST_F(OaiHarvesterTest, NoRecordsMatchIsACompleteEmptyWindow) {
  Outcome out = Run([](const std::string&, int) -> Result<HttpResponse> {
    return Ok200(ArxivPages::OaiError("noRecordsMatch", "no records"));
  });
  ASSERT_TRUE(out.status) << out.status.error().ToString();
  EXPECT_TRUE(out.report.complete);
  EXPECT_EQ(Papers(), 0);
  EXPECT_TRUE(Stored().complete);
}

TEST_F(OaiHarvesterTest, OtherOaiErrorsFailWithTheirCode) {
  Outcome out = Run([](const std::string&, int) -> Result<HttpResponse> {
    return Ok200(ArxivPages::OaiError("cannotDisseminateFormat", "no such format"));
  });
  ASSERT_FALSE(out.status);
  EXPECT_EQ(out.status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(out.status.error().message, HasSubstr("cannotDisseminateFormat: no such format"));
}

TEST_F(OaiHarvesterTest, HtmlInsteadOfOaiPmhIsRetriedThenReported) {
  Outcome out = Run([this](const std::string&, int) -> Result<HttpResponse> {
    return Ok200(pages_.retry_after_html);
  });
  ASSERT_FALSE(out.status);
  EXPECT_EQ(out.status.error().code, ErrorCode::kParse);
  EXPECT_THAT(out.status.error().message, HasSubstr("page 1"));
  EXPECT_EQ(out.urls.size(), 3u);
}

TEST_F(OaiHarvesterTest, BadRecordsAreRejectedWithTheirPageOthersLand) {
  std::string first = pages_.first;
  const std::string id = "<id>1207.4664</id>";
  ASSERT_NE(first.find(id), std::string::npos);
  first.replace(first.find(id), id.size(), "<id>not-an-id</id>");
  first.replace(first.find("oai:arXiv.org:1207.4664"), 23, "oai:arXiv.org:garbage");
  Outcome out = Run([&](const std::string& url, int) -> Result<HttpResponse> {
    if (url.find("resumptionToken") == std::string::npos) return Ok200(first);
    return pages_.Serve(url);
  });
  ASSERT_TRUE(out.status);
  EXPECT_EQ(out.report.counts.rejected, 1);
  ASSERT_EQ(rejects_.size(), 1u);
  EXPECT_THAT(rejects_[0], HasSubstr("page 1"));
  EXPECT_THAT(rejects_[0], HasSubstr("(record 1)"));
  EXPECT_EQ(Papers(), static_cast<int64_t>(ExpectedPapers()) - 1);
}

TEST_F(OaiHarvesterTest, StopsBetweenPagesKeepingTheCommittedOnes) {
  std::atomic<bool> stop{false};
  HarvestOptions options;
  options.stop = &stop;
  std::vector<HarvestProgress> progress;
  options.on_progress = [&](const HarvestProgress& p) {
    progress.push_back(p);
    stop = true;
  };
  Outcome out = Run(Server(), options);
  ASSERT_FALSE(out.status);
  EXPECT_THAT(out.status.error().message, HasSubstr("stopped after page 1"));
  EXPECT_EQ(out.urls.size(), 1u);
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(progress[0].page, 1);
  EXPECT_EQ(progress[0].window_records, 1000);
  EXPECT_EQ(progress[0].complete_list_size, 2525);
  EXPECT_EQ(progress[0].list_position, 1000);
  EXPECT_EQ(Stored().resumption_token, ArxivPages::kToken);
}

TEST_F(OaiHarvesterTest, AnotherSetStartsItsOwnWindow) {
  HarvestOptions cs;
  cs.set = "cs";
  ASSERT_FALSE(Run(
                   [this](const std::string& url, int) -> Result<HttpResponse> {
                     if (url.find("resumptionToken") != std::string::npos) return Ok200("<x/>");
                     return pages_.Serve(url);
                   },
                   cs)
                   .status);
  HarvestOptions math;
  math.set = "math";
  Outcome out = Run(Server(), math);
  ASSERT_TRUE(out.status);
  EXPECT_FALSE(out.report.resumed);
  EXPECT_THAT(out.urls[0], HasSubstr("set=math"));
  EXPECT_THAT(out.urls[0], ::testing::Not(HasSubstr("from=")));
}

TEST_F(OaiHarvesterTest, RejectsBadOptionsBeforeAnyRequest) {
  for (auto change : std::vector<std::function<void(HarvestOptions&)>>{
           [](HarvestOptions& o) { o.format = "marc"; },
           [](HarvestOptions& o) { o.from = "2019-02-30"; },
           [](HarvestOptions& o) {
             o.from = "2019-10-09";
             o.until = "2019-10-01";
           }}) {
    HarvestOptions options;
    change(options);
    Outcome out = Run(Server(), options);
    ASSERT_FALSE(out.status);
    EXPECT_EQ(out.status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(out.urls.empty());
  }
}

TEST(OaiUrls, EncodeTokensAndParameters) {
  EXPECT_EQ(UrlEncode("496549|47001"), "496549%7C47001");
  EXPECT_EQ(UrlEncode("a b/c~d"), "a%20b%2Fc~d");
  EXPECT_EQ(ResumptionUrl("http://h/oai", "1|2"),
            "http://h/oai?verb=ListRecords&resumptionToken=1%7C2");
  EXPECT_EQ(
      ListRecordsUrl("http://h/oai", "arXiv", "physics:hep-th", "", "2020-01-01"),
      "http://h/oai?verb=ListRecords&metadataPrefix=arXiv&set=physics%3Ahep-th&until=2020-01-01");
}

}  // namespace
}  // namespace paperpulse::ingest::harvest
