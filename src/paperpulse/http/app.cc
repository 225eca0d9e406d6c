#include "paperpulse/http/app.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
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
#include "paperpulse/http/openapi.h"
#include "paperpulse/http/pages/pages.h"
#include "paperpulse/http/response_cache.h"
#include "paperpulse/http/router.h"
#include "paperpulse/http/status.h"
#include "paperpulse/http/store_pool.h"
#include "paperpulse/http/templates.h"

namespace paperpulse::http {
namespace {

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
        clock_(options_.clock ? *options_.clock : DefaultClock()),
        stores_(options_.store),
        cache_(clock_, options_.cache_ttl, options_.cache_bytes),
        context_{options_,       stores_, templates_,
                 options_.index, clock_,  [this] { ContentChanged(); }},
        started_(Now()) {}

  ~AppImpl() override {
    {
      std::lock_guard lock(watch_mu_);
      watch_stop_ = true;
    }
    watch_cv_.notify_one();
    if (watcher_.joinable()) watcher_.join();
  }

  Status Init() {
    {
      // Opening one Store now reports a bad --data-dir / --db at start-up
      // rather than on the first request.
      ASSIGN_OR_RETURN(auto lease, stores_.Acquire());
    }
    PrepareStaticAssets();
    AddRoutes();
    metrics_.AddGauge("paperpulse_index_lag", "Store changes not yet in the search index.",
                      [this] { return static_cast<double>(IndexLag().value_or(0)); });
    auto build = [this](auto field) {
      return [this, field] {
        if (!options_.index_build) return 0.0;
        return static_cast<double>(field(options_.index_build()));
      };
    };
    metrics_.AddGauge(
        "paperpulse_index_build_phase",
        "Search index build: 0 none, 1 lookup pass, 2 full index, 3 merging.",
        build([](const search::IndexBuildStatus& s) { return static_cast<int>(s.phase); }));
    metrics_.AddGauge("paperpulse_index_build_done", "Papers through the current build phase.",
                      build([](const search::IndexBuildStatus& s) { return s.done; }));
    metrics_.AddGauge("paperpulse_index_build_total", "Papers the running index build covers.",
                      build([](const search::IndexBuildStatus& s) { return s.total; }));
    auto outbox = [this](int64_t OutboxStats::*field) {
      return [this, field] {
        Result<OutboxStats> stats = CachedOutboxStats();
        return stats ? static_cast<double>((*stats).*field) : 0.0;
      };
    };
    metrics_.AddGauge("paperpulse_outbox_size", "Digest mails in the outbox waiting for delivery.",
                      outbox(&OutboxStats::pending));
    metrics_.AddGauge("paperpulse_outbox_sent", "Digest mails the relay accepted.",
                      outbox(&OutboxStats::sent));
    metrics_.AddGauge("paperpulse_outbox_failed",
                      "Digest mails given up on (refused address, permanent error, tries used up).",
                      outbox(&OutboxStats::failed));
    metrics_.AddGauge("paperpulse_outbox_deferrals",
                      "Delivery tries of digest mails that failed transiently and were put back.",
                      outbox(&OutboxStats::deferrals));
    if (options_.content_poll.count() > 0) {
      // The first reading before any page is cached: a write between a
      // render and a later first reading would go unnoticed.
      std::optional<int64_t> version = ReadContentVersion();
      watcher_ = std::thread([this, version] { WatchContentVersion(version); });
    }
    return Ok();
  }

  std::optional<Response> TryFast(const Request& request) override {
    auto start = clock_.SteadyNow();
    PathParams params;
    RouteMatch match = router_.Match(request.method, request.path, params);
    std::optional<Response> response;
    if (match.route == nullptr) {
      response = Unrouted(request, match);
    } else if (match.route->nonblocking) {
      response = match.route->handler(request, params);
    } else if (UsesSharedCache(request, *match.route)) {
      if (auto hit = cache_.Lookup(CacheKey(request, *match.route)); hit.entity) {
        if (hit.refresh) Refresh(request, *match.route, params);
        response = Deliver(*hit.entity, request);
      }
    }
    if (!response) return std::nullopt;
    return Finish(request, match.route, std::move(*response), start);
  }

  Response Handle(const Request& request) override {
    auto start = clock_.SteadyNow();
    PathParams params;
    RouteMatch match = router_.Match(request.method, request.path, params);
    Response response;
    if (match.route == nullptr) {
      response = Unrouted(request, match);
    } else if (UsesSharedCache(request, *match.route)) {
      response = Cached(request, *match.route, params);
    } else if (match.route->cacheable && request.IsSafeMethod()) {
      // A signed-in reader's page: rendered for them alone, but still
      // compressed and validated like any other.
      response = Deliver(*MakeEntity(match.route->handler(request, params), Now()), request);
    } else {
      response = match.route->handler(request, params);
    }
    return Finish(request, match.route, std::move(response), start);
  }

  void ContentChanged() override { cache_.Invalidate(); }

  Metrics& metrics() override { return metrics_; }
  std::vector<std::string> RoutePatterns() const override { return router_.Patterns(); }

 private:
  int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }

  // Anonymous reads of cacheable routes share one cache; everything else
  // (writes, signed-in readers) is rendered per request.
  static bool UsesSharedCache(const Request& request, const Route& route) {
    return route.cacheable && request.IsSafeMethod() && !request.IsPersonal();
  }

  // The key of `request`'s answer in the shared cache: its target, and the
  // variant it asks for when the route negotiates (Route::variant).
  static std::string CacheKey(const Request& request, const Route& route) {
    std::string variant = route.variant ? route.variant(request) : std::string();
    // A target never holds a line break.
    return variant.empty() ? request.target : request.target + '\n' + variant;
  }

  static bool Keepable(const Response& r) {
    return r.status < 500 && r.cache != CachePolicy::kNoStore;
  }

  // The cached answer for `request`, rendered and cached on a miss.
  Response Cached(const Request& request, const Route& route, const PathParams& params) {
    std::string key = CacheKey(request, route);
    if (auto hit = cache_.Lookup(key); hit.entity) {
      if (hit.refresh) Refresh(request, route, params);
      return Deliver(*hit.entity, request);
    }
    // Taken before the render reads the Store: if a write invalidates the
    // cache meanwhile, this possibly older answer is not kept.
    uint64_t generation = cache_.generation();
    auto entity = Prepare(key, route.handler(request, params));
    // A failing database or index must not stick for a whole ttl, nor must
    // an answer its handler marked no-store (partial search results while
    // the index builds).
    if (Keepable(entity->response)) cache_.Put(key, entity, generation);
    return Deliver(*entity, request);
  }

  // No route takes the request: 404, or 405 when the path exists for other
  // methods.
  Response Unrouted(const Request& request, const RouteMatch& match) {
    if (match.allow.empty()) return Deliver(*MakeEntity(NotFound(request), Now()), request);
    Response r;
    if (StartsWith(request.path, "/api/")) {
      r = JsonError(
          405, "method " + request.method.substr(0, 16) + " not allowed here; use " + match.allow);
    } else {
      r = MakeResponse(405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    r.headers.emplace_back("Allow", match.allow);
    return r;
  }

  // What every response gets on its way out: Cache-Control by who may keep
  // it, CORS and security headers, metrics and the access log.
  Response Finish(const Request& request, const Route* route, Response response,
                  Clock::SteadyTime start) {
    if (response.status >= 400 || !request.IsSafeMethod()) {
      // Errors are not for keeping (the paper may be imported, the index
      // built, the database back a moment later), nor are answers to writes.
      response.cache = CachePolicy::kNoStore;
    } else if (route != nullptr && route->cacheable && request.IsPersonal()) {
      response.cache = CachePolicy::kPrivate;
    }
    // Public, read-only data: browser apps written against Hugging Face's
    // API may read ours from any origin (simple GETs need no preflight).
    if (request.IsSafeMethod() &&
        (StartsWith(request.path, "/api/") || StartsWith(request.path, "/feeds/"))) {
      response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    }
    if (response.content_type.starts_with("text/html")) AddHtmlSecurityHeaders(response);
    std::string_view route_name = route ? std::string_view(route->name) : "unmatched";
    double seconds = std::chrono::duration<double>(clock_.SteadyNow() - start).count();
    metrics_.Record(route_name, response.status, seconds);
    if (options_.access_log) {
      // logfmt: one line per request, machine-parsable, greppable.
      std::string_view client = request.client_ip.empty() ? request.remote : request.client_ip;
      WriteAccessLine({client, request.method, request.target, route_name, response.status,
                       response.body.size(), response.gzipped, seconds * 1000, clock_.Now()});
    }
    return response;
  }

  // The Store's content version; nullopt (logged once per outage) when it
  // cannot be read.
  std::optional<int64_t> ReadContentVersion() {
    Result<int64_t> version = [this]() -> Result<int64_t> {
      ASSIGN_OR_RETURN(auto store, stores_.Acquire());
      return store->ContentVersion();
    }();
    if (!version) {
      if (!version_failing_) {
        spdlog::warn(
            "http: cannot read the content version ({}); other processes' writes reach the "
            "cache only as it expires until it answers",
            version.error().ToString());
      }
      version_failing_ = true;
      return std::nullopt;
    }
    if (version_failing_) spdlog::info("http: content version readable again");
    version_failing_ = false;
    return *version;
  }

  // On the watcher thread: invalidates the cache whenever the Store's
  // content version moved since the last reading, so writes by other
  // processes and nodes show within one poll. Any change counts, not only
  // growth: a restored backup moves it backwards.
  void WatchContentVersion(std::optional<int64_t> seen) {
    std::unique_lock lock(watch_mu_);
    while (!watch_cv_.wait_for(lock, options_.content_poll, [this] { return watch_stop_; })) {
      lock.unlock();
      std::optional<int64_t> version = ReadContentVersion();
      if (version && seen != version) {
        if (seen) cache_.Invalidate();
        seen = version;
      }
      lock.lock();
    }
  }

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
      uint64_t generation = cache_.generation();
      Response fresh;
      try {
        fresh = route.handler(request, params);
      } catch (const std::exception& e) {
        spdlog::error("http: handler threw on {}: {}", request.target, e.what());
        return;
      }
      // Keep serving the last good answer through a passing failure; the
      // entry is re-claimed after ResponseCache::kClaimTimeout.
      if (!Keepable(fresh)) return;
      std::string key = CacheKey(request, route);
      cache_.Put(key, Prepare(key, std::move(fresh)), generation);
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
    // Same-origin, not no-referrer: with no-referrer browsers send
    // "Origin: null" on form posts, which the Origin check refuses.
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

  // nullopt without an indexer, or before it has counted anything.
  std::optional<int64_t> IndexLag() const {
    if (!options_.index_lag) return std::nullopt;
    int64_t lag = options_.index_lag();
    if (lag < 0) return std::nullopt;
    return lag;
  }

  // ', "index": {...}' for /healthz: "ready" (a full index is live and kept
  // current), "building" with the phase, progress and ETA, or "waiting"
  // (the indexer has not started or retries after an error).
  std::string IndexHealth() const {
    if (!options_.index_build) return "";
    search::IndexBuildStatus b = options_.index_build();
    std::string out = ", \"index\": {\"state\": ";
    if (b.phase == search::IndexBuildStatus::Phase::kNone) {
      // Not building: current (lag counted), or not started / retrying.
      out += IndexLag() ? "\"ready\"}" : "\"waiting\"}";
      return out;
    }
    out += "\"building\", \"phase\": ";
    out += JsonQuote(search::PhaseName(b.phase));
    out += ", \"done\": " + std::to_string(b.done);
    out += ", \"total\": " + std::to_string(b.total);
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f", b.rate);
    out += ", \"rate_per_second\": ";
    out += rate;
    out += ", \"eta_seconds\": ";
    out += b.eta_seconds >= 0 ? std::to_string(b.eta_seconds) : std::string("null");
    out += "}";
    return out;
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
    body += IndexHealth();
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
    auto now = clock_.SteadyNow();
    if (stats_ && now - stats_time_ < std::chrono::seconds(2)) return *stats_;
    ASSIGN_OR_RETURN(auto store, stores_.Acquire());
    ASSIGN_OR_RETURN(auto stats, store->Stats());
    stats_ = stats;
    stats_time_ = now;
    return stats;
  }

  // Read once per scrape, not once per gauge.
  Result<OutboxStats> CachedOutboxStats() {
    std::lock_guard lock(stats_mu_);
    auto now = clock_.SteadyNow();
    if (outbox_stats_ && now - outbox_time_ < std::chrono::seconds(1)) return *outbox_stats_;
    ASSIGN_OR_RETURN(auto store, stores_.Acquire());
    ASSIGN_OR_RETURN(OutboxStats stats, store->GetOutboxStats());
    outbox_stats_ = stats;
    outbox_time_ = now;
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
  Clock& clock_;
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
  Clock::SteadyTime stats_time_;
  std::optional<OutboxStats> outbox_stats_;
  Clock::SteadyTime outbox_time_;
  // The content-version watcher; stopped and joined by ~AppImpl.
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool watch_stop_ = false;
  bool version_failing_ = false;  // only touched by Init, then the watcher
  std::thread watcher_;
  // Declared last: destroyed (joined) first, while everything its jobs
  // use is still alive.
  Refresher refresher_;
};

Response AppImpl::NotFound(const Request& request) {
  if (StartsWith(request.path, "/api/")) return JsonError(404, "no such API endpoint");
  return ErrorPage(context_, 404, "There is no page at this address.");
}

void AppImpl::AddRoutes() {
  router_.Add({.name = "healthz",
               .pattern = "/healthz",
               .handler = [this](const Request&, const PathParams&) { return Healthz(); },
               .cacheable = false});
  router_.Add({.name = "metrics",
               .pattern = "/metrics",
               .handler = [this](const Request&, const PathParams&) { return MetricsPage(); },
               .cacheable = false});
  // Embedded files, prepared at start-up: served on the I/O threads.
  router_.Add(
      {.name = "static",
       .pattern = "/static/{path...}",
       .handler = [this](const Request& req, const PathParams&) { return ServeStatic(req); },
       .cacheable = false,
       .nonblocking = true});
  router_.Add({.name = "favicon",
               .pattern = "/favicon.ico",
               .handler =
                   [this](const Request& req, const PathParams&) {
                     Request copy = req;
                     copy.path = StaticPath("static/favicon.svg");
                     return ServeStatic(copy);
                   },
               .cacheable = false,
               .nonblocking = true});
  AddOpenApiRoute(router_, started_);
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
