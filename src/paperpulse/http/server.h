// The HTTP/1.1 server: Boost.Beast on an Asio thread pool. Beast stays inside
// server.cc; handlers see only message.h. Keep-alive, request size limits and
// timeouts are enforced here so no handler can be reached by a request that
// is too big or too slow.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "paperpulse/base/result.h"
#include "paperpulse/http/message.h"

namespace paperpulse::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port (see Server::port())
  int threads = 2;       // I/O threads; handlers run on them
  // Requests over these limits are answered 431 / 413 and the connection closed.
  uint32_t header_limit = 16 * 1024;
  uint64_t body_limit = 64 * 1024;
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
};

// Called on an I/O thread for every request that passed the limits. Must not
// throw; the response is sent as is (the handler decides on encoding, ETag).
using Handler = std::function<Response(const Request&)>;

class Server {
 public:
  // Binds the listening socket (so port() is known before Run()). Errors:
  // kInvalidArgument for a bad address, kIo when the port cannot be bound.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options, Handler handler);

  virtual ~Server() = default;

  // The bound port (the chosen one when options.port was 0).
  virtual uint16_t port() const = 0;

  // Serves on options.threads threads until Shutdown() or a signal; then
  // stops accepting, closes idle connections, lets in-flight requests finish
  // (up to shutdown_grace) and returns. Errors: kInternal when Asio fails.
  virtual Status Run() = 0;

  // Starts the graceful shutdown described at Run(). Thread-safe; idempotent.
  virtual void Shutdown() = 0;
};

}  // namespace paperpulse::http
