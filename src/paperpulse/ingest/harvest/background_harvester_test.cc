#include "paperpulse/ingest/harvest/background_harvester.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "paperpulse/base/time.h"
#include "paperpulse/ingest/harvest/scripted_fetcher.h"
#include "paperpulse/storage/store_test_util.h"

namespace paperpulse::ingest::harvest {
namespace {

using namespace std::chrono_literals;
using testing::ArxivPages;
using ::testing::HasSubstr;
using testing::ScriptedFetcher;

Clock::WallTime At(const char* timestamp) {
  return Clock::WallTime{} + std::chrono::seconds(*TimestampToUnix(timestamp));
}

TEST(NextDailyRun, SameDayWhenStillAheadElseTomorrow) {
  EXPECT_EQ(NextDailyRun(At("2026-01-05T01:00:00Z"), 120min), At("2026-01-05T02:00:00Z"));
  EXPECT_EQ(NextDailyRun(At("2026-01-05T02:00:00Z"), 120min), At("2026-01-06T02:00:00Z"));
  EXPECT_EQ(NextDailyRun(At("2026-01-05T23:59:00Z"), 0min), At("2026-01-06T00:00:00Z"));
}

// Polls `done` for up to 10 s.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

// A real HTTP/1.1 server on a free loopback port, for the tests of the
// default (libcurl) fetcher: one connection at a time, each request answered
// with `respond(target)` and "Connection: close"; when `respond` gives
// nullopt the request is held unanswered until the client hangs up or the
// server stops.
class LoopbackServer {
 public:
  using Respond = std::function<std::optional<HttpResponse>(const std::string& target)>;

  explicit LoopbackServer(Respond respond) : respond_(std::move(respond)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~LoopbackServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/oai"; }
  bool ok() const { return port_ != 0; }
  // Requests read so far: their targets and User-Agent headers.
  std::vector<std::string> targets() const {
    std::lock_guard lock(mu_);
    return targets_;
  }
  std::vector<std::string> user_agents() const {
    std::lock_guard lock(mu_);
    return user_agents_;
  }

 private:
  // Waits up to 50 ms for `fd` to be readable.
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 50) > 0;
  }

  void Serve() {
    while (!stop_) {
      if (!Readable(fd_)) continue;
      int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      Handle(conn);
      ::close(conn);
    }
  }

  void Handle(int conn) {
    std::string head;
    char buf[4096];
    while (!stop_ && head.find("\r\n\r\n") == std::string::npos) {
      if (!Readable(conn)) continue;
      ssize_t n = ::recv(conn, buf, sizeof buf, 0);
      if (n <= 0) return;
      head.append(buf, static_cast<size_t>(n));
    }
    if (stop_) return;
    // "GET /oai?verb=... HTTP/1.1\r\n...User-Agent: ...\r\n"
    size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
    std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string agent;
    if (size_t at = head.find("\r\nUser-Agent: "); at != std::string::npos) {
      at += 14;
      agent = head.substr(at, head.find("\r\n", at) - at);
    }
    {
      std::lock_guard lock(mu_);
      targets_.push_back(target);
      user_agents_.push_back(agent);
    }
    std::optional<HttpResponse> r = respond_(target);
    if (!r) {
      // Hold the request: until the client gives up or the server stops.
      while (!stop_) {
        if (Readable(conn) && ::recv(conn, buf, sizeof buf, 0) <= 0) return;
      }
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(r->status) +
                      " X\r\nContent-Type: " + r->content_type +
                      "\r\nContent-Length: " + std::to_string(r->body.size()) + "\r\n";
    if (!r->retry_after.empty()) out += "Retry-After: " + r->retry_after + "\r\n";
    out += "Connection: close\r\n\r\n" + r->body;
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::send(conn, out.data() + done, out.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

  Respond respond_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::string> targets_;
  std::vector<std::string> user_agents_;
  std::thread thread_;
};

class BackgroundHarvesterTest : public ::testing::Test {
 protected:
  BackgroundHarvestOptions Options() {
    BackgroundHarvestOptions o;
    o.store = db_.options();
    o.harvest.endpoint = "http://127.0.0.1:9/oai";
    o.retry.initial_backoff = 1ms;
    o.retry.max_backoff = 2ms;
    o.retry.max_tries = 2;
    return o;
  }
  storage::testing::TempDatabase db_{"sqlite"};
  RateLimiter limiter_{DefaultClock(), 0s};
  ArxivPages pages_;
};

TEST_F(BackgroundHarvesterTest, CatchesUpAtStartThenWaitsForTheDailyRun) {
  ASSERT_TRUE(pages_.ok());
  BackgroundHarvester bg(Options(), limiter_, [this](const std::atomic<bool>*) {
    return Result<std::unique_ptr<Fetcher>>(std::make_unique<ScriptedFetcher>(
        [this](const std::string& url, int) { return pages_.Serve(url); }));
  });
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return !bg.status().last_success.empty(); }));
  BackgroundHarvestStatus s = bg.status();
  EXPECT_EQ(s.last_records, ArxivPages::kRecords);
  EXPECT_EQ(s.failures, 0);
  EXPECT_FALSE(s.running);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_FALSE(s.next_run.empty());
  auto start = std::chrono::steady_clock::now();
  bg.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  auto cp = LoadCheckpoint(*db_.Open());
  ASSERT_TRUE(cp && *cp);
  EXPECT_TRUE((*cp)->complete);
}

TEST_F(BackgroundHarvesterTest, OfflineIsOneFailedAttemptAndStopIsPrompt) {
  BackgroundHarvester bg(Options(), limiter_, [](const std::atomic<bool>*) {
    return Result<std::unique_ptr<Fetcher>>(
        std::make_unique<ScriptedFetcher>([](const std::string&, int) -> Result<HttpResponse> {
          return Fail(ErrorCode::kUnavailable, "Could not resolve host: oaipmh.arxiv.org");
        }));
  });
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return bg.status().failures == 1; }));
  BackgroundHarvestStatus s = bg.status();
  EXPECT_THAT(s.last_error, HasSubstr("Could not resolve host"));
  EXPECT_TRUE(s.last_success.empty());
  auto start = std::chrono::steady_clock::now();
  bg.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(bg.status().attempts, 1);  // the next attempt waits an hour
}

TEST_F(BackgroundHarvesterTest, StopInterruptsALongRetryAfterWait) {
  BackgroundHarvestOptions o = Options();
  o.retry.max_tries = 5;
  BackgroundHarvester bg(o, limiter_, [](const std::atomic<bool>*) {
    return Result<std::unique_ptr<Fetcher>>(
        std::make_unique<ScriptedFetcher>([](const std::string&, int) -> Result<HttpResponse> {
          return HttpResponse{503, "busy", "600", "text/html"};
        }));
  });
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return bg.status().running; }));
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  bg.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(BackgroundHarvesterTest, NoCatchUpWhenTodaysRunIsDone) {
  ASSERT_TRUE(pages_.ok());
  auto factory = [this](const std::atomic<bool>*) {
    return Result<std::unique_ptr<Fetcher>>(std::make_unique<ScriptedFetcher>(
        [this](const std::string& url, int) { return pages_.Serve(url); }));
  };
  {
    BackgroundHarvester first(Options(), limiter_, factory);
    ASSERT_TRUE(first.RunOnce());
  }
  BackgroundHarvester bg(Options(), limiter_, factory);
  ASSERT_TRUE(bg.Start());
  std::this_thread::sleep_for(200ms);
  bg.Stop();
  EXPECT_EQ(bg.status().attempts, 0);
}

// The default fetcher (libcurl) over real HTTP: the harvest that the
// scripted tests above simulate, with the requests as a server sees them.
TEST_F(BackgroundHarvesterTest, DefaultFetcherHarvestsFromARealHttpServer) {
  ASSERT_TRUE(pages_.ok());
  LoopbackServer server([this](const std::string& target) -> std::optional<HttpResponse> {
    auto r = pages_.Serve(target);
    return r ? std::optional<HttpResponse>(*r) : std::nullopt;
  });
  ASSERT_TRUE(server.ok());
  BackgroundHarvestOptions o = Options();
  o.harvest.endpoint = server.url();
  o.curl.user_agent = "pp-background-test/1 (mailto:test@example.org)";
  BackgroundHarvester bg(o, limiter_);
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return !bg.status().last_success.empty(); }))
      << bg.status().last_error;
  bg.Stop();
  EXPECT_EQ(bg.status().last_records, ArxivPages::kRecords);
  std::vector<std::string> targets = server.targets();
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_THAT(targets[0], HasSubstr("/oai?verb=ListRecords&metadataPrefix=arXivRaw"));
  EXPECT_THAT(targets[1], HasSubstr(std::string("resumptionToken=") + ArxivPages::kTokenEncoded));
  for (const std::string& agent : server.user_agents()) EXPECT_EQ(agent, o.curl.user_agent);
}

// A 503 with Retry-After from a real server: the attempt fails after its
// tries and the failure is recorded, the server having seen every try.
TEST_F(BackgroundHarvesterTest, DefaultFetcherRecordsA503AfterItsTries) {
  LoopbackServer server([](const std::string&) -> std::optional<HttpResponse> {
    return HttpResponse{503, "busy", "0", "text/html"};
  });
  ASSERT_TRUE(server.ok());
  BackgroundHarvestOptions o = Options();
  o.harvest.endpoint = server.url();
  BackgroundHarvester bg(o, limiter_);
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return bg.status().failures == 1; }));
  bg.Stop();
  EXPECT_THAT(bg.status().last_error, HasSubstr("503"));
  EXPECT_EQ(server.targets().size(), static_cast<size_t>(o.retry.max_tries));
}

// Stop() while libcurl waits for an answer that never comes: the transfer
// is aborted (CurlOptions::abort), not left to its 20 s stall timeout.
TEST_F(BackgroundHarvesterTest, StopCutsAnUnansweredRequestShort) {
  LoopbackServer server([](const std::string&) { return std::optional<HttpResponse>(); });
  ASSERT_TRUE(server.ok());
  BackgroundHarvestOptions o = Options();
  o.harvest.endpoint = server.url();
  o.curl.stall_timeout = 20s;
  BackgroundHarvester bg(o, limiter_);
  ASSERT_TRUE(bg.Start());
  ASSERT_TRUE(Eventually([&] { return !server.targets().empty(); }));
  auto start = std::chrono::steady_clock::now();
  bg.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(server.targets().size(), 1u);
  EXPECT_EQ(bg.status().attempts, 1);
}

TEST_F(BackgroundHarvesterTest, StartFailsOnABadStore) {
  BackgroundHarvestOptions o = Options();
  o.store.url = "mysql://nowhere";
  BackgroundHarvester bg(o, limiter_);
  EXPECT_FALSE(bg.Start());
  bg.Stop();
}

}  // namespace
}  // namespace paperpulse::ingest::harvest
