// `paperpulse serve`: the web site, JSON API and feeds (src/paperpulse/http)
// on one port, until SIGTERM / SIGINT.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "paperpulse/cli/cli.h"
#include "paperpulse/http/app.h"
#include "paperpulse/http/server.h"

namespace paperpulse::cli {
namespace {

struct ServeArgs {
  CommonOptions common;
  std::string listen = "127.0.0.1:8080";
  std::string base_url;
  bool no_harvest = false;
  int threads = 0;
  int cache_ttl_ms = 5000;
  bool no_access_log = false;
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

int RunServe(const ServeArgs& args) {
  http::ServerOptions server_options;
  if (!SplitListen(args.listen, server_options.address, server_options.port)) {
    std::fprintf(stderr, "paperpulse serve: --listen wants HOST:PORT, got %s\n",
                 args.listen.c_str());
    return 2;
  }
  // Handlers block on the Store; a few threads more than cores keep the
  // CPUs busy while some wait on disk.
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  server_options.threads = args.threads > 0 ? args.threads : static_cast<int>(cores);

  http::AppOptions app_options;
  app_options.store = args.common.ToStoreOptions();
  app_options.version = PAPERPULSE_VERSION;
  app_options.cache_ttl = std::chrono::milliseconds(args.cache_ttl_ms);
  app_options.access_log = !args.no_access_log;

  // Bind first: the base URL may need the port the OS chose.
  http::App* app_ptr = nullptr;
  auto server = http::Server::Create(server_options, [&app_ptr](const http::Request& req) {
    return app_ptr->Handle(req);
  });
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

  auto app = http::App::Create(std::move(app_options));
  if (!app) {
    std::fprintf(stderr, "paperpulse serve: %s\n", app.error().message.c_str());
    return 2;
  }
  app_ptr = app->get();
  if (args.no_harvest) spdlog::info("harvesting disabled (--no-harvest)");
  spdlog::info("listening on {} ({} threads)", url, server_options.threads);
  auto status = (*server)->Run();
  if (!status) {
    std::fprintf(stderr, "paperpulse serve: %s\n", status.error().message.c_str());
    return 1;
  }
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
  cmd->add_option("--threads", args->threads, "Server threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--cache-ttl-ms", args->cache_ttl_ms,
                  "Reuse rendered pages for this long; 0 renders every request")
      ->check(CLI::Range(0, 3600 * 1000))
      ->capture_default_str();
  cmd->add_flag("--no-access-log", args->no_access_log, "Do not log every request");
  cmd->callback([=] { *run = [=] { return RunServe(*args); }; });
}

}  // namespace paperpulse::cli
