// The Fetcher over libcurl: one easy handle, so consecutive requests reuse
// one connection (arXiv asks robots for a single connection).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "paperpulse/base/result.h"
#include "paperpulse/ingest/harvest/fetcher.h"

namespace paperpulse::ingest::harvest {

struct CurlOptions {
  // Sent with every request; see UserAgent().
  std::string user_agent = "paperpulse";
  std::chrono::seconds connect_timeout{30};
  // A transfer slower than 1 byte/s for this long is abandoned (a whole
  // OAI-PMH page can legitimately take minutes, so there is no total limit).
  std::chrono::seconds stall_timeout{120};
  // Larger bodies are refused: an OAI-PMH page is a few MB.
  int64_t max_body_bytes = 256LL << 20;
  // When set and true, a running transfer is aborted (kUnavailable) within a
  // second: how serve's shutdown interrupts a background harvest.
  const std::atomic<bool>* abort = nullptr;
};

// "paperpulse/0.1.0 (+https://github.com/paperpulse/paperpulse; mailto:me@x.org)":
// `product` then, in parentheses, where to learn about the robot and whom to
// write to, as arXiv asks of harvesters. No mailto when `contact` is empty.
std::string UserAgent(std::string_view product, std::string_view contact);

class CurlFetcher final : public Fetcher {
 public:
  // Errors: kInternal when libcurl cannot be initialised.
  static Result<std::unique_ptr<CurlFetcher>> Create(CurlOptions options);
  ~CurlFetcher() override;

  // http:// and https:// URLs only; follows up to 5 redirects; accepts
  // gzip. Thread-safe (requests are serialised).
  Result<HttpResponse> Get(const std::string& url) override;

 private:
  CurlFetcher(CurlOptions options, void* handle);

  CurlOptions options_;
  std::mutex mu_;
  void* handle_;  // CURL*, kept opaque so libcurl's header stays in the .cc
};

}  // namespace paperpulse::ingest::harvest
