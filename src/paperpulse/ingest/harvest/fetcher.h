// One HTTP GET, nothing more: the harvester's window on the network.
// Politeness (rate limit, retries) lives above it in PoliteClient, so tests
// can replace the network with a script and keep the real retry logic.
#pragma once

#include <string>

#include "paperpulse/base/result.h"

namespace paperpulse::ingest::harvest {

struct HttpResponse {
  int status = 0;            // HTTP status code
  std::string body;          // decoded (gzip/deflate undone)
  std::string retry_after;   // raw Retry-After header value, "" when absent
  std::string content_type;  // "" when absent
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Fetches `url` once. Every HTTP status is a response: the caller decides
  // what a 404 or a 503 means. Errors only when no complete response
  // arrived: kUnavailable for failures worth retrying (refused, reset,
  // timed out, DNS), kInvalidArgument for a URL that can never work.
  virtual Result<HttpResponse> Get(const std::string& url) = 0;
};

}  // namespace paperpulse::ingest::harvest
