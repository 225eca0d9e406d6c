#include "paperpulse/http/app.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/access_log.h"
#include "paperpulse/http/api/api.h"
#include "paperpulse/http/assets.h"
#include "paperpulse/http/context.h"
#include "paperpulse/http/entity.h"
#include "paperpulse/http/feeds/feeds.h"
#include "paperpulse/http/metrics.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/response_cache.h"
#include "paperpulse/http/router.h"
#include "paperpulse/http/store_pool.h"
#include "paperpulse/http/templates.h"

namespace paperpulse::http {
namespace {

using SteadyClock = std::chrono::steady_clock;

// One background thread running jobs in order; for cache refreshes, which
// are few (one per hot URL per ttl) and must not block request threads.
class Refresher {
 public:
  Refresher() : thread_([this] { Run(); }) {}
  ~Refresher() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  // Queues `job`; drops it when kMaxQueued jobs wait (the entry then stays
  // stale until it is re-claimed or too old, and is rendered inline).
  void Post(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      if (jobs_.size() >= kMaxQueued) return;
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  static constexpr size_t kMaxQueued = 1024;

  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

std::string_view MediaType(std::string_view path) {
  if (EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(path, ".js")) return "application/javascript; charset=utf-8";
  if (EndsWith(path, ".woff2")) return "font/woff2";
  if (EndsWith(path, ".svg")) return "image/svg+xml";
  if (EndsWith(path, ".png")) return "image/png";
  if (EndsWith(path, ".ico")) return "image/x-icon";
  return "application/octet-stream";
}

class AppImpl final : public App {
 public:
  explicit AppImpl(AppOptions options)
      : options_(std::move(options)),
        stores_(options_.store),
        cache_(options_.cache_ttl, options_.cache_bytes),
        context_{options_, stores_, templates_, options_.index},
        started_(static_cast<int64_t>(std::time(nullptr))) {}

  Status Init() {
    // Opening one Store now reports a bad --data-dir / --db at start-up
    // rather than on the first request.
    ASSIGN_OR_RETURN(auto lease, stores_.Acquire());
    PrepareStaticAssets();
    AddRoutes();
    metrics_.AddGauge("paperpulse_index_lag", "Store changes not yet in the search index.",
                      [this] { return static_cast<double>(IndexLag().value_or(0)); });
    metrics_.AddGauge(
        "paperpulse_outbox_size", "Mails in the outbox waiting for delivery.", [this] {
          return options_.outbox_size ? static_cast<double>(options_.outbox_size()) : 0.0;
        });
    return Ok();
  }

  Response Handle(const Request& request) override {
    auto start = SteadyClock::now();
    PathParams params;
    const Route* route = router_.Match(request.path, params);
    std::string_view route_name = route ? std::string_view(route->name) : "unmatched";
    Response response;
    if (request.method != "GET" && request.method != "HEAD") {
      response = MakeResponse(405, "text/plain; charset=utf-8", "method not allowed\n");
      response.cache = CachePolicy::kNoStore;
      response.headers.emplace_back("Allow", "GET, HEAD");
    } else if (route == nullptr) {
      response = Deliver(*MakeEntity(NotFound(request), Now()), request);
    } else if (!route->cacheable) {
      response = route->handler(request, params);
    } else if (auto hit = cache_.Lookup(request.target); hit.entity) {
      if (hit.refresh) Refresh(request, *route, params);
      response = Deliver(*hit.entity, request);
    } else {
      auto entity = Prepare(request.target, route->handler(request, params));
      cache_.Put(request.target, entity);
      response = Deliver(*entity, request);
    }
    // Errors are not for keeping: the paper may be imported, the index built,
    // the database back a moment later.
    if (response.status >= 400) response.cache = CachePolicy::kNoStore;
    // Public, read-only data: browser apps written against Hugging Face's
    // API may read ours from any origin (simple GETs need no preflight).
    if (StartsWith(request.path, "/api/") || StartsWith(request.path, "/feeds/")) {
      response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    }
    if (response.content_type.starts_with("text/html")) AddHtmlSecurityHeaders(response);
    double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    metrics_.Record(route_name, response.status, seconds);
    if (options_.access_log) {
      // logfmt: one line per request, machine-parsable, greppable.
      WriteAccessLine({request.remote, request.method, request.target, route_name, response.status,
                       response.body.size(), response.gzipped, seconds * 1000});
    }
    return response;
  }

  Metrics& metrics() override { return metrics_; }

 private:
  static int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

  // A re-rendered page whose bytes did not change keeps its Last-Modified,
  // so If-Modified-Since revalidation keeps working across cache refreshes.
  std::shared_ptr<const Entity> Prepare(const std::string& key, Response response) {
    auto entity = MakeEntity(std::move(response), Now());
    if (auto old = cache_.GetStale(key); old && old->response.etag == entity->response.etag) {
      auto copy = std::make_shared<Entity>(*entity);
      copy->response.last_modified = old->response.last_modified;
      return copy;
    }
    return entity;
  }

  // Re-renders an expired cache entry on the refresher thread; the request
  // that noticed is answered from the stale entry meanwhile, so I/O threads
  // (each serving many connections) do not stall on a hot page's render.
  void Refresh(const Request& request, const Route& route, const PathParams& params) {
    refresher_.Post([this, request, &route, params] {
      Response fresh;
      try {
        fresh = route.handler(request, params);
      } catch (const std::exception& e) {
        spdlog::error("http: handler threw on {}: {}", request.target, e.what());
        return;
      }
      // Keep serving the last good answer through a passing failure; the
      // entry is re-claimed after ResponseCache::kClaimTimeout.
      if (fresh.status >= 500) return;
      cache_.Put(request.target, Prepare(request.target, std::move(fresh)));
    });
  }

  static void AddHtmlSecurityHeaders(Response& r) {
    // Everything the pages load comes from this server; KaTeX styles its
    // output through the CSSOM, which style-src does not restrict.
    r.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
        "data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "same-origin");
  }

  void PrepareStaticAssets() {
    for (const Asset& a : EmbeddedAssets()) {
      std::string_view path = a.path;
      if (StartsWith(path, "templates/")) continue;
      Response r;
      r.content_type = std::string(MediaType(path));
      r.body = Body::Static(a.data);
      // Our own files are linked with ?v=<hash> and may be cached for good;
      // KaTeX fonts are referenced by its stylesheet without one.
      r.cache = CachePolicy::kImmutable;
      r.last_modified = started_;
      static_[StaticPath(path)] = MakeEntity(std::move(r), started_);
    }
  }

  Response ServeStatic(const Request& request) {
    auto it = static_.find(request.path);
    if (it == static_.end()) return Deliver(*MakeEntity(NotFound(request), Now()), request);
    return Deliver(*it->second, request);
  }

  std::optional<int64_t> IndexLag() const {
    if (!options_.index_lag) return std::nullopt;
    return options_.index_lag();
  }

  Response Healthz() {
    auto stats = CachedStats();
    std::string body;
    if (!stats) {
      body = "{\"status\": \"error\", \"version\": " + JsonQuote(options_.version);
      body += ", \"error\": ";
      body += JsonQuote(stats.error().message);
      body += "}\n";
      Response r = MakeResponse(503, "application/json", std::move(body));
      r.cache = CachePolicy::kNoStore;
      return r;
    }
    auto lag = IndexLag();
    body = "{\"status\": \"ok\", \"version\": " + JsonQuote(options_.version);
    body += ", \"papers\": ";
    body += std::to_string(stats->papers);
    body += ", \"daily_entries\": ";
    body += std::to_string(stats->daily_entries);
    body += ", \"change_seq\": ";
    body += std::to_string(stats->change_seq);
    body += ", \"index_lag\": ";
    body += lag ? std::to_string(*lag) : std::string("null");
    body += ", \"uptime_seconds\": ";
    body += std::to_string(Now() - started_);
    body += "}\n";
    Response r = MakeResponse(200, "application/json", std::move(body));
    r.cache = CachePolicy::kNoStore;
    return r;
  }

  // Stats count rows, which gets slow on a big Store; a health checker
  // polling every second must not turn into a full scan per poll.
  Result<storage::StoreStats> CachedStats() {
    std::lock_guard lock(stats_mu_);
    auto now = SteadyClock::now();
    if (stats_ && now - stats_time_ < std::chrono::seconds(2)) return *stats_;
    ASSIGN_OR_RETURN(auto store, stores_.Acquire());
    ASSIGN_OR_RETURN(auto stats, store->Stats());
    stats_ = stats;
    stats_time_ = now;
    return stats;
  }

  Response MetricsPage() {
    Response r = MakeResponse(200, "text/plain; version=0.0.4; charset=utf-8", metrics_.Render());
    r.cache = CachePolicy::kNoStore;
    return r;
  }

  Response NotFound(const Request& request);

  void AddRoutes();

  AppOptions options_;
  StorePool stores_;
  Templates templates_;
  ResponseCache cache_;
  Context context_;
  Router router_;
  Metrics metrics_;
  int64_t started_;
  std::map<std::string, std::shared_ptr<const Entity>, std::less<>> static_;
  std::mutex stats_mu_;
  std::optional<storage::StoreStats> stats_;
  SteadyClock::time_point stats_time_;
  // Declared last: destroyed (joined) first, while everything its jobs
  // use is still alive.
  Refresher refresher_;
};

Response AppImpl::NotFound(const Request& request) {
  if (StartsWith(request.path, "/api/")) return JsonError(404, "no such API endpoint");
  return ErrorPage(context_, 404, "There is no page at this address.");
}

void AppImpl::AddRoutes() {
  router_.Add({"healthz", "/healthz",
               [this](const Request&, const PathParams&) { return Healthz(); },
               /*cacheable=*/false});
  router_.Add({"metrics", "/metrics",
               [this](const Request&, const PathParams&) { return MetricsPage(); },
               /*cacheable=*/false});
  router_.Add({"static", "/static/{path...}",
               [this](const Request& req, const PathParams&) { return ServeStatic(req); },
               /*cacheable=*/false});
  router_.Add({"favicon", "/favicon.ico",
               [this](const Request& req, const PathParams&) {
                 Request copy = req;
                 copy.path = StaticPath("static/favicon.svg");
                 return ServeStatic(copy);
               },
               /*cacheable=*/false});
  AddApiRoutes(router_, context_);
  AddFeedRoutes(router_, context_);
  AddPageRoutes(router_, context_);
}

}  // namespace

Result<std::unique_ptr<App>> App::Create(AppOptions options) {
  auto app = std::make_unique<AppImpl>(std::move(options));
  RETURN_IF_ERROR(app->Init());
  return std::unique_ptr<App>(std::move(app));
}

}  // namespace paperpulse::http
