// `paperpulse serve`: the HTTP server. This first version answers /healthz
// only; pages, API and feeds arrive with the web issue.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <csignal>

#include "paperpulse/cli/cli.h"

namespace paperpulse::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

void HandleConnection(asio::ip::tcp::socket socket, storage::Store& store) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  while (true) {
    http::request<http::string_body> req;
    http::read(socket, buffer, req, ec);
    if (ec) return;
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "application/json");
    if (req.target() == "/healthz") {
      auto stats = store.Stats();
      res.result(stats ? http::status::ok : http::status::service_unavailable);
      res.body() = stats ? "{\"status\": \"ok\", \"version\": \"" PAPERPULSE_VERSION
                           "\", \"papers\": " + std::to_string(stats->papers) + "}\n"
                         : "{\"status\": \"error\"}\n";
    } else {
      res.result(http::status::not_found);
      res.body() = "{\"error\": \"not found\"}\n";
    }
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !req.keep_alive()) return;
  }
}

}  // namespace

void RegisterServe(CLI::App& app, Command* run) {
  auto* cmd = app.add_subcommand("serve", "Serve the web site and API");
  auto opts = std::make_shared<CommonOptions>();
  auto listen = std::make_shared<std::string>("127.0.0.1:8080");
  AddCommonOptions(*cmd, *opts);
  cmd->add_option("--listen", *listen, "HOST:PORT to listen on")->capture_default_str();
  cmd->callback([=] {
    *run = [=]() -> int {
      auto store = OpenStore(*opts);
      if (!store) return 2;
      auto colon = listen->rfind(':');
      if (colon == std::string::npos) {
        std::fprintf(stderr, "paperpulse serve: --listen wants HOST:PORT, got %s\n", listen->c_str());
        return 2;
      }
      try {
        asio::io_context io;
        asio::ip::tcp::endpoint ep(asio::ip::make_address(listen->substr(0, colon)),
                                   static_cast<unsigned short>(std::stoi(listen->substr(colon + 1))));
        asio::ip::tcp::acceptor acceptor(io, ep);
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](auto, int) { acceptor.close(); });
        spdlog::info("serving on http://{}", *listen);
        std::function<void()> accept = [&] {
          acceptor.async_accept([&](beast::error_code ec, asio::ip::tcp::socket socket) {
            if (ec) return;
            HandleConnection(std::move(socket), **store);
            accept();
          });
        };
        accept();
        io.run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "paperpulse serve: %s\n", e.what());
        return 2;
      }
      return 0;
    };
  });
}

}  // namespace paperpulse::cli
