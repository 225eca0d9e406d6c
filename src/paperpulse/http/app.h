// The web application: routes every request of `paperpulse serve` to pages,
// the JSON API, feeds, static assets, /healthz and /metrics, and applies
// what is common to all of them (405 with Allow, the response cache and its
// invalidation, ETag / 304, gzip, Cache-Control, metrics, access log). The
// Server (server.h) calls it as its Handler: TryFast on I/O threads for
// what never blocks, Handle on workers for the rest.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/http/community_options.h"
#include "paperpulse/http/message.h"
#include "paperpulse/http/server.h"
#include "paperpulse/search/index.h"
#include "paperpulse/storage/store.h"

namespace paperpulse::http {

class Metrics;

struct AppOptions {
  storage::StoreOptions store;
  // Absolute URL the site is reached at ("https://papers.example.org"); used
  // in feeds and canonical links. Empty: http://<listen address>.
  std::string base_url;
  std::string version;
  // How long rendered pages and API answers are reused (response_cache.h).
  // Writes invalidate them sooner: at once for writes through this App,
  // within content_poll for writes by other processes and nodes.
  std::chrono::milliseconds cache_ttl{5000};
  size_t cache_bytes = 256u << 20;
  // How often the Store's ContentVersion() is read to notice writes made
  // elsewhere (CLI import, harvest, another node); 0 = never (tests that
  // write only through the App).
  std::chrono::milliseconds content_poll{500};
  // The clock handlers read (Context::clock). Borrowed; must outlive the
  // App. nullptr: DefaultClock().
  Clock* clock = nullptr;
  // Full-text search; nullptr disables /search, the search API, related
  // papers and author pages (they answer 503). Borrowed; must outlive the App.
  search::Index* index = nullptr;
  // Search-index lag in change sequence numbers (for /healthz and /metrics);
  // empty when there is no indexer. Must be thread-safe.
  std::function<int64_t()> index_lag;
  // Where the search index's build is (/healthz, /metrics and the search
  // page show its progress and ETA); empty when there is no indexer. Must
  // be thread-safe.
  std::function<search::IndexBuildStatus()> index_build;
  // Accounts, votes, submissions (community_options.h).
  CommunityOptions community;
  // Write one access-log line per request.
  bool access_log = true;
};

class App : public Handler {
 public:
  // Checks that the Store opens, reads its content version, prepares the
  // static assets and starts following the version (content_poll).
  // Errors: those of Store::Open.
  static Result<std::unique_ptr<App>> Create(AppOptions options);

  // Stops following the content version; waits for background refreshes.
  ~App() override = default;

  // The answer when it needs no Store: static assets, cached pages and API
  // answers (anonymous GET/HEAD), 404 and 405. nullopt otherwise. Never
  // blocks; thread-safe.
  std::optional<Response> TryFast(const Request& request) override = 0;

  // Answers any request (also those TryFast would have answered). May block
  // on the Store. Thread-safe. An exception from a route handler (a bug)
  // propagates; the Server answers it 500.
  Response Handle(const Request& request) override = 0;

  // Makes every cached response a miss from now on, so the next request
  // sees a write that just committed (what Context::content_changed calls).
  // Thread-safe.
  virtual void ContentChanged() = 0;

  // For components that add their own gauges (outbox size, ...).
  virtual Metrics& metrics() = 0;

  // The patterns of every route, in match order (Router::Patterns).
  virtual std::vector<std::string> RoutePatterns() const = 0;
};

}  // namespace paperpulse::http
