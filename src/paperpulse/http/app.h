// The web application: routes every request of `paperpulse serve` to pages,
// the JSON API, feeds, static assets, /healthz and /metrics, and applies
// what is common to all of them (response cache, ETag / 304, gzip, metrics,
// access log). The Server (server.h) calls App::Handle on its threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "paperpulse/base/result.h"
#include "paperpulse/http/message.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::search {
class Index;
}

namespace paperpulse::http {

class Metrics;

struct AppOptions {
  storage::StoreOptions store;
  // Absolute URL the site is reached at ("https://papers.example.org"); used
  // in feeds and canonical links. Empty: http://<listen address>.
  std::string base_url;
  std::string version;
  // How long rendered pages and API answers are reused (response_cache.h).
  std::chrono::milliseconds cache_ttl{5000};
  size_t cache_bytes = 256u << 20;
  // Full-text search; nullptr disables /search, the search API, related
  // papers and author pages (they answer 503). Borrowed; must outlive the App.
  search::Index* index = nullptr;
  // Search-index lag in change sequence numbers (for /healthz and /metrics);
  // empty when there is no indexer. Must be thread-safe.
  std::function<int64_t()> index_lag;
  // Mails waiting in the outbox (for /metrics); empty: reported as 0 until
  // digests exist. Must be thread-safe.
  std::function<int64_t()> outbox_size;
  // Write one access-log line per request.
  bool access_log = true;
};

class App {
 public:
  // Checks that the Store opens and prepares the static assets. Errors:
  // those of Store::Open.
  static Result<std::unique_ptr<App>> Create(AppOptions options);

  virtual ~App() = default;

  // Answers `request`. Thread-safe; never throws.
  virtual Response Handle(const Request& request) = 0;

  // For components that add their own gauges (outbox size, ...).
  virtual Metrics& metrics() = 0;
};

}  // namespace paperpulse::http
