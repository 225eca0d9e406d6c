// The HTTP/1.1 server: Boost.Beast on Asio I/O threads, handlers that may
// block on a separate worker pool. Beast stays inside server.cc; handlers
// see only message.h. Keep-alive, request size limits and timeouts are
// enforced here so no handler can be reached by a request that is too big
// or too slow.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "paperpulse/base/clock.h"
#include "paperpulse/base/result.h"
#include "paperpulse/http/client_ip.h"
#include "paperpulse/http/message.h"

namespace paperpulse::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port (see Server::port())
  // I/O threads: they read requests, write responses and run
  // Handler::TryFast. Each serves many connections, so nothing that blocks
  // runs on them.
  int threads = 2;
  // Threads that run Handler::Handle, which may block on the Store; 0 =
  // max(4, 2 x cores). Bounds the requests handled at once (and so the
  // Store connections in use); more wait in a queue.
  int worker_threads = 0;
  // CIDR ranges ("10.0.0.0/8", "::1/128") of reverse proxies whose
  // X-Forwarded-For names the client (Request::client_ip, client_ip.h).
  // Empty: the peer is the client.
  std::vector<std::string> trusted_proxies;
  // Requests over these limits are answered 431 / 413 and the connection closed.
  uint32_t header_limit = 16 * 1024;
  uint64_t body_limit = 64 * 1024;
  // File uploads (a citation manager's library export runs to megabytes):
  // requests whose path is one of `upload_paths` may send up to
  // `upload_limit` bytes instead. The path is known once the header is in,
  // before any of the body is read.
  uint64_t upload_limit = 8 << 20;
  std::vector<std::string> upload_paths;
  // From the first byte of a request to its last; slow senders are cut off.
  std::chrono::milliseconds request_timeout{10'000};
  // How long an idle keep-alive connection is kept open.
  std::chrono::milliseconds idle_timeout{30'000};
  // Writing one response; bounds clients that stop reading.
  std::chrono::milliseconds write_timeout{30'000};
  // On shutdown, in-flight requests get this long to finish.
  std::chrono::milliseconds shutdown_grace{10'000};
  // Connections beyond this are closed at once (file descriptors are finite).
  int max_connections = 10'000;
  // Stop gracefully on SIGTERM / SIGINT.
  bool handle_signals = true;
  // The wall clock of Date headers and of the log lines of rejected
  // requests (timeouts use the I/O library's own steady timers). Borrowed;
  // must outlive the server. nullptr: DefaultClock().
  Clock* clock = nullptr;
};

// What the server runs for every request that passed the limits. The
// response is sent as is (the handler decides on encoding, ETag, caching);
// for HEAD the server drops the body. Both methods are called from several
// threads at once and must not throw (an exception is logged and answered
// 500).
class Handler {
 public:
  virtual ~Handler() = default;

  // Called first, on the connection's I/O thread, which serves many other
  // connections: must not block (no Store, no index, no network). Returns
  // the response when it is at hand (a static asset, a cached page, an
  // error needing no lookup); nullopt passes the request to Handle().
  virtual std::optional<Response> TryFast(const Request& request) = 0;

  // Called on a worker thread for the requests TryFast declined; may block.
  virtual Response Handle(const Request& request) = 0;
};

class Server {
 public:
  // Binds the listening socket (so port() is known before Run()). Errors:
  // kInvalidArgument for a bad address, thread count or trusted proxy
  // range, kIo when the port cannot be bound.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options);

  virtual ~Server() = default;

  // The bound port (the chosen one when options.port was 0).
  virtual uint16_t port() const = 0;

  // Serves requests to `handler` on options.threads I/O threads and
  // options.worker_threads workers until Shutdown() or a signal; then stops
  // accepting, closes idle connections, lets in-flight requests finish (up
  // to shutdown_grace) and returns. Call once. `handler` is borrowed for the
  // call. Errors: kInternal when Asio fails.
  virtual Status Run(Handler& handler) = 0;

  // Starts the graceful shutdown described at Run(). Thread-safe; idempotent.
  virtual void Shutdown() = 0;
};

// What a connection makes of `raw` when it holds one request (or more,
// pipelined): the steps of the server's reading (header limit, then the
// body limit of the path, then the conversion of the target) on bytes held
// in memory. For fuzzing and tests of request parsing without a socket.
struct ParsedRequest {
  // 0 when `request` is the request a Handler would get; else the status
  // the server answers with before any handler runs (400 malformed or
  // incomplete, 413 body too large, 431 header too large).
  int error_status = 0;
  Request request;
  size_t consumed = 0;  // bytes of `raw` the request took
};
ParsedRequest ParseRequestBytes(std::string_view raw, const ServerOptions& options,
                                const TrustedProxies& proxies, const std::string& remote);

}  // namespace paperpulse::http
