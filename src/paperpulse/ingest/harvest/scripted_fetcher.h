// Test doubles for the harvester: a Fetcher that answers from a script, and
// the real arXiv recordings arranged as the chained pages a server would send.
#pragma once

#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "paperpulse/base/test_paths.h"
#include "paperpulse/ingest/harvest/fetcher.h"

namespace paperpulse::ingest::harvest::testing {

// Answers every Get() with `handler(url, n)` (n = 0-based call number) and
// keeps the URLs asked for. The log is shared, so a test can read it after
// handing the fetcher to a PoliteClient.
class ScriptedFetcher final : public Fetcher {
 public:
  using Handler = std::function<Result<HttpResponse>(const std::string& url, int call)>;
  struct Log {
    std::mutex mu;
    std::vector<std::string> urls;
  };

  explicit ScriptedFetcher(Handler handler, std::shared_ptr<Log> log = std::make_shared<Log>())
      : handler_(std::move(handler)), log_(std::move(log)) {}

  Result<HttpResponse> Get(const std::string& url) override {
    int call;
    {
      std::lock_guard lock(log_->mu);
      call = static_cast<int>(log_->urls.size());
      log_->urls.push_back(url);
    }
    return handler_(url, call);
  }

  const std::shared_ptr<Log>& log() const { return log_; }

 private:
  Handler handler_;
  std::shared_ptr<Log> log_;
};

inline HttpResponse Ok200(std::string body) {
  return HttpResponse{200, std::move(body), "", "text/xml"};
}

// The contents of `path`, "" when it cannot be read (tests check).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The two real 1000-record arXivRaw ListRecords pages, chained the way the
// fixture server (tests/fixtures/arxiv_fixture_server.py) chains them: the
// first (set cs, 2019-10-01..09) ends with token 3996692|1001, which here
// leads to the second (a 2014 page with single-quoted attributes), whose
// own token is emptied so that the list ends there.
struct ArxivPages {
  static constexpr const char* kToken = "3996692|1001";
  static constexpr const char* kTokenEncoded = "3996692%7C1001";
  static constexpr int kRecords = 2000;

  ArxivPages() {
    std::string dir = paperpulse::testing::SharedDataDir() + "/arxiv-oai-pmh-xml/";
    first = ReadFile(dir + "albertoMontero__ListRecords_arXivRaw_set-cs_2019-10-01_2019-10-09.xml");
    second = ReadFile(dir + "arxivsync__ListRecords_arXivRaw_token-496549-46001_2014.xml");
    const std::string token = ">496549|47001</resumptionToken>";
    if (size_t at = second.find(token); at != std::string::npos) {
      second.replace(at, token.size(), "></resumptionToken>");
    }
    retry_after_html =
        ReadFile(dir +
                 "paperhive-nock/xml/"
                 "oaipmh-listrecords---should-list-identifiers-from-arxiv__0_status503.html");
  }

  // An OAI-PMH error response as arXiv words it.
  static std::string OaiError(const std::string& code, const std::string& message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\">\n"
           "<responseDate>2026-01-05T12:00:00Z</responseDate>\n"
           "<request verb=\"ListRecords\">http://export.arxiv.org/oai2</request>\n"
           "<error code=\"" +
           code + "\">" + message + "</error>\n</OAI-PMH>\n";
  }

  // First page for a ListRecords request, second for the token, and
  // badResumptionToken for any other token.
  Result<HttpResponse> Serve(const std::string& url) const {
    if (url.find("resumptionToken=") == std::string::npos) return Ok200(first);
    if (url.find(std::string("resumptionToken=") + kTokenEncoded) != std::string::npos) {
      return Ok200(second);
    }
    return Ok200(OaiError("badResumptionToken",
                          "The value of the resumptionToken argument is invalid or expired."));
  }

  bool ok() const { return !first.empty() && !second.empty() && !retry_after_html.empty(); }

  std::string first;
  std::string second;
  std::string retry_after_html;
};

}  // namespace paperpulse::ingest::harvest::testing
