// `paperpulse serve`: the web site, JSON API and feeds (src/paperpulse/http)
// on one port, until SIGTERM / SIGINT.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
#include <string_view>
#include <thread>

#include "paperpulse/base/clock.h"
#include "paperpulse/cli/cli.h"
#include "paperpulse/cli/community_flags.h"
#include "paperpulse/digest/scheduler.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/library.h"
#include "paperpulse/http/server.h"
#include "paperpulse/ingest/harvest/background_harvester.h"
#include "paperpulse/search/index.h"
#include "paperpulse/search/indexer.h"

namespace paperpulse::cli {
namespace {

struct ServeArgs {
  CommonOptions common;
  std::string listen = "127.0.0.1:8080";
  std::string base_url;
  bool no_harvest = false;
  std::string harvest_endpoint = std::string(ingest::harvest::kArxivOaiEndpoint);
  std::string harvest_set;
  std::string harvest_at = "02:00";
  std::string contact;
  int threads = 0;
  int workers = 0;
  std::vector<std::string> trusted_proxies;
  uint64_t max_body = 64 * 1024;
  uint64_t max_upload = 8 << 20;
  int cache_ttl_ms = 5000;
  // The response cache's budget of bodies; with the rest of serve (~100-150
  // MiB) it keeps a node under 300 MB (issue 14's budget for all of arXiv).
  int cache_mb = 64;
  bool no_access_log = false;
  CommunityFlags community;
  std::string digest_at;  // "" = no digests from serve
  std::string digest_weekday = "fri";
};

// Splits "HOST:PORT" ("[::1]:8080" for IPv6). False when malformed.
bool SplitListen(const std::string& listen, std::string& host, uint16_t& port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string_view p = std::string_view(listen).substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// Minutes after midnight of "HH:MM" (00:00 to 23:59, two digits each), or
// nullopt. Stricter than sscanf("%2d:%2d"), which takes " 7:5" and "-0:+5".
std::optional<int> ParseHhMm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  int hh = (s[0] - '0') * 10 + (s[1] - '0');
  int mm = (s[3] - '0') * 10 + (s[4] - '0');
  if (hh > 23 || mm > 59) return std::nullopt;
  return hh * 60 + mm;
}

// Starts the daily background harvest (ingest/harvest/background_harvester.h);
// nullptr after printing why it cannot run.
std::unique_ptr<ingest::harvest::BackgroundHarvester> StartHarvester(
    const ServeArgs& args, ingest::harvest::RateLimiter& limiter) {
  namespace harvest = ingest::harvest;
  std::optional<int> run_at = ParseHhMm(args.harvest_at);
  if (!run_at) {
    std::fprintf(stderr, "paperpulse serve: --harvest-at wants HH:MM (UTC), got %s\n",
                 args.harvest_at.c_str());
    return nullptr;
  }
  harvest::BackgroundHarvestOptions bg;
  bg.store = args.common.ToStoreOptions();
  bg.harvest.endpoint = args.harvest_endpoint;
  bg.harvest.set = args.harvest_set;
  bg.curl.user_agent = harvest::UserAgent("paperpulse/" PAPERPULSE_VERSION, args.contact);
  bg.run_at = std::chrono::minutes(*run_at);
  bg.time_speed = TestTimeSpeed();
  auto harvester = std::make_unique<harvest::BackgroundHarvester>(std::move(bg), limiter);
  if (Status s = harvester->Start(); !s) {
    std::fprintf(stderr, "paperpulse serve: background harvester: %s\n", s.error().message.c_str());
    return nullptr;
  }
  if (args.contact.empty()) {
    spdlog::warn(
        "no --contact (or PAPERPULSE_CONTACT): arXiv asks harvesters for a contact "
        "address in the User-Agent");
  }
  spdlog::info("background harvest of {} (set {}) daily at {} UTC", args.harvest_endpoint,
               args.harvest_set.empty() ? "all" : args.harvest_set, args.harvest_at);
  return harvester;
}

int RunServe(const ServeArgs& args) {
  // Rendered bodies come and go with the response cache: above 1 MiB they
  // get their own mapping, returned to the system when freed, rather than
  // fragmenting the heap of every I/O thread. glibc's default threshold
  // adapts upwards to the largest block freed, after which a cache that
  // filled and emptied keeps its peak for good (bench/scale.py: 650-800 MiB
  // RSS for a 256 MiB cache; ~285 MiB with a fixed threshold). Not lower:
  // at 128 KiB a 230 KiB list page (100 cards) took 31 ms instead of 14,
  // its strings mapped, faulted in and unmapped (a TLB shootdown each) on
  // every render; 1,500 pages through a 64 MiB cache left RSS at 172 MiB
  // with 1 MiB, 159 MiB with 128 KiB, 202 MiB with 4 MiB.
  // NOLINTNEXTLINE(concurrency-mt-unsafe): first thing of serve, before any thread starts.
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
  // Before any thread exists: setting TZ races with threads reading it.
  if (Status s = SetProcessTimeZone(args.community.timezone); !s) {
    std::fprintf(stderr, "paperpulse serve: %s\n", s.error().message.c_str());
    return 2;
  }
  http::ServerOptions server_options;
  if (!SplitListen(args.listen, server_options.address, server_options.port)) {
    std::fprintf(stderr, "paperpulse serve: --listen wants HOST:PORT, got %s\n",
                 args.listen.c_str());
    return 2;
  }
  // I/O threads never wait on the database (handlers that may run on the
  // server's worker pool), so one per core keeps the CPUs busy.
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  server_options.threads = args.threads > 0 ? args.threads : static_cast<int>(cores);
  server_options.worker_threads = args.workers;
  server_options.trusted_proxies = args.trusted_proxies;
  server_options.body_limit = args.max_body;
  server_options.upload_limit = args.max_upload;
  server_options.upload_paths = http::LibraryUploadPaths();

  http::AppOptions app_options;
  app_options.store = args.common.ToStoreOptions();
  app_options.version = PAPERPULSE_VERSION;
  app_options.cache_ttl = std::chrono::milliseconds(args.cache_ttl_ms);
  app_options.cache_bytes = static_cast<size_t>(args.cache_mb) << 20;
  app_options.access_log = !args.no_access_log;
  app_options.clock = &DefaultClock();

  // The search index follows the Store in the background, so imports,
  // harvests and submissions become searchable within a poll interval; a
  // missing, crashed or foreign index is rebuilt first (search answers 503
  // until then, never from a half-built index).
  std::error_code dir_ec;
  std::filesystem::create_directories(args.common.data_dir, dir_ec);
  search::IndexerOptions indexer_options;
  indexer_options.store = args.common.ToStoreOptions();
  auto indexer = search::Indexer::Create(indexer_options);
  if (!indexer) {
    std::fprintf(stderr, "paperpulse serve: search indexer: %s\n", indexer.error().message.c_str());
    return 2;
  }
  auto index = search::OpenIndex(args.common.data_dir);
  if (!index) {
    std::fprintf(stderr, "paperpulse serve: search index: %s\n", index.error().message.c_str());
    return 2;
  }
  app_options.index = index->get();
  app_options.index_lag = [indexer = indexer->get()] { return indexer->lag(); };
  app_options.index_build = [indexer = indexer->get()] { return indexer->build_status(); };

  // Bind first: the base URL may need the port the OS chose.
  auto server = http::Server::Create(server_options);
  if (!server) {
    std::fprintf(stderr, "paperpulse serve: %s\n", server.error().message.c_str());
    return 2;
  }
  std::string host = server_options.address.find(':') != std::string::npos
                         ? "[" + server_options.address + "]"
                         : server_options.address;
  std::string url = "http://" + host;
  url += ":";
  url += std::to_string((*server)->port());
  app_options.base_url = args.base_url.empty() ? url : args.base_url;
  while (!app_options.base_url.empty() && app_options.base_url.back() == '/') {
    app_options.base_url.pop_back();
  }

  // The process's one arXiv rate limiter: every arXiv client (harvester,
  // submissions' lookups) shares it.
  InterruptibleClock limiter_clock(TestTimeSpeed());
  ingest::harvest::RateLimiter limiter(limiter_clock, ingest::harvest::kArxivMinInterval);
  CommunityFlags community_flags = args.community;
  community_flags.contact = args.contact;
  auto community = StartCommunityServices(community_flags, limiter);
  if (!community) {
    std::fprintf(stderr, "paperpulse serve: %s\n", community.error().message.c_str());
    return 2;
  }
  app_options.community = (*community)->options();

  const std::string base_url = app_options.base_url;
  auto app = http::App::Create(std::move(app_options));
  if (!app) {
    std::fprintf(stderr, "paperpulse serve: %s\n", app.error().message.c_str());
    return 2;
  }
  std::unique_ptr<digest::Scheduler> digests;
  if (!args.digest_at.empty()) {
    std::optional<int> at = ParseHhMm(args.digest_at);
    int weekday = digest::ParseWeekday(args.digest_weekday);
    if (!at) {
      std::fprintf(stderr, "paperpulse serve: --digest-at: HH:MM, not \"%s\"\n",
                   args.digest_at.c_str());
      return 2;
    }
    if (weekday < 0) {
      std::fprintf(stderr, "paperpulse serve: --digest-weekday: mon..sun, not \"%s\"\n",
                   args.digest_weekday.c_str());
      return 2;
    }
    const MailSetup& mail = (*community)->mail();
    digest::SchedulerOptions so;
    so.store = args.common.ToStoreOptions();
    so.index = index->get();
    so.transport = mail.transport.get();
    so.run.site = {base_url, mail.from, "paperpulse"};
    so.run.dkim = mail.dkim.get();
    so.at_minutes = *at;
    so.weekly_weekday = weekday;
    auto scheduler = digest::Scheduler::Start(std::move(so));
    if (!scheduler) {
      std::fprintf(stderr, "paperpulse serve: --digest-at: %s\n",
                   scheduler.error().message.c_str());
      return 2;
    }
    digests = std::move(*scheduler);
    spdlog::info("digests at {} ({}), weekly ones on {}", args.digest_at, args.community.timezone,
                 args.digest_weekday);
  }
  std::unique_ptr<ingest::harvest::BackgroundHarvester> harvester;
  if (args.no_harvest) {
    spdlog::info("harvesting disabled (--no-harvest)");
  } else {
    harvester = StartHarvester(args, limiter);
    if (!harvester) return 2;
  }
  (*indexer)->Start();
  spdlog::info("listening on {} ({} threads)", url, server_options.threads);
  auto status = (*server)->Run(**app);
  if (!status) {
    std::fprintf(stderr, "paperpulse serve: %s\n", status.error().message.c_str());
    return 1;
  }
  if (harvester) harvester->Stop();
  if (digests) digests->Stop();
  (*indexer)->Stop();
  (*community)->Shutdown();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void RegisterServe(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand("serve", "Serve the web site, JSON API and feeds");
  auto args = std::make_shared<ServeArgs>();
  AddCommonOptions(*cmd, args->common);
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--base-url", args->base_url,
                  "Public URL of the site, for feeds and links (default: http://LISTEN)");
  cmd->add_flag("--no-harvest", args->no_harvest, "Do not harvest arXiv in the background");
  cmd->add_option("--harvest-endpoint", args->harvest_endpoint, "OAI-PMH base URL to harvest")
      ->envname("PAPERPULSE_OAI_ENDPOINT")
      ->capture_default_str();
  cmd->add_option("--harvest-set", args->harvest_set,
                  "OAI-PMH set to harvest: cs, math, physics:hep-th, ... (default: all)")
      ->envname("PAPERPULSE_HARVEST_SET");
  cmd->add_option("--harvest-at", args->harvest_at,
                  "Daily harvest time HH:MM UTC, after arXiv's announcement (missed runs are "
                  "caught up at start)")
      ->envname("PAPERPULSE_HARVEST_AT")
      ->capture_default_str();
  cmd->add_option("--contact", args->contact,
                  "Contact e-mail sent in the User-Agent, as arXiv asks of harvesters")
      ->envname("PAPERPULSE_CONTACT");
  cmd->add_option("--threads", args->threads, "I/O threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--workers", args->workers,
                  "Threads that run requests needing the database (default: max(4, 2 x cores))")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--trusted-proxy", args->trusted_proxies,
                  "CIDR of a reverse proxy whose X-Forwarded-For names the client (repeatable), "
                  "e.g. 127.0.0.1/32 or 10.0.0.0/8")
      ->allow_extra_args(false);
  cmd->add_option("--max-body", args->max_body,
                  "Largest request body in bytes; larger ones are answered 413")
      ->check(CLI::Range(uint64_t{1}, uint64_t{64} << 20))
      ->capture_default_str();
  cmd->add_option("--max-upload", args->max_upload,
                  "Largest body of a file upload (library import) in bytes")
      ->check(CLI::Range(uint64_t{1}, uint64_t{256} << 20))
      ->capture_default_str();
  cmd->add_option("--cache-ttl-ms", args->cache_ttl_ms,
                  "Reuse rendered pages for this long; 0 renders every request")
      ->check(CLI::Range(0, 3600 * 1000))
      ->capture_default_str();
  cmd->add_option("--cache-mb", args->cache_mb,
                  "Memory for rendered pages (MiB of bodies, identity and gzip)")
      ->check(CLI::Range(1, 64 * 1024))
      ->capture_default_str();
  cmd->add_flag("--no-access-log", args->no_access_log, "Do not log every request");
  AddCommunityFlags(*cmd, args->community);
  cmd->add_option("--digest-at", args->digest_at,
                  "Render and send e-mail digests daily at HH:MM in --timezone (needs --smtp)")
      ->envname("PAPERPULSE_DIGEST_AT");
  cmd->add_option("--digest-weekday", args->digest_weekday,
                  "Day of the weekly digests: mon, tue, ..., sun")
      ->envname("PAPERPULSE_DIGEST_WEEKDAY")
      ->capture_default_str();
  cmd->callback([=] { *run = [=] { return RunServe(*args); }; });
}

}  // namespace paperpulse::cli
