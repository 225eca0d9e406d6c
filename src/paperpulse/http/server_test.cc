// The server over real sockets on loopback: what a Handler sees of a
// request, the trusted-proxy rule, limits, and that a handler blocked on a
// worker does not stop the I/O thread from serving other connections.
#include "paperpulse/http/server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <stdexcept>
#include <thread>

namespace paperpulse::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Answers /fast on the I/O thread; everything else on a worker: /echo
// describes the request, /block waits until the test releases it, /throw
// throws.
class TestHandler : public Handler {
 public:
  std::optional<Response> TryFast(const Request& r) override {
    if (r.path == "/fast") return MakeResponse(200, "text/plain", "fast");
    return std::nullopt;
  }

  Response Handle(const Request& r) override {
    if (r.path == "/block") {
      entered_.set_value();
      release_.get_future().wait();
      return MakeResponse(200, "text/plain", "unblocked");
    }
    if (r.path == "/throw") throw std::runtime_error("bug");
    std::string out = "method=" + r.method + "\n";
    for (const auto& [name, value] : r.headers) out += "header " + name + "=" + value + "\n";
    out += "cookie=" + std::string(r.Cookie("pp_session")) + "\n";
    out += "body=" + r.body + "\n";
    out += "remote=" + r.remote + "\n";
    out += "client_ip=" + r.client_ip + "\n";
    return MakeResponse(200, "text/plain", out);
  }

  std::promise<void> entered_;
  std::promise<void> release_;
};

// A server running on its own thread for the test's duration.
class Running {
 public:
  explicit Running(ServerOptions options) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.handle_signals = false;
    auto server = Server::Create(options);
    EXPECT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
    thread_ = std::thread([this] { EXPECT_TRUE(server_->Run(handler_)); });
  }
  ~Running() {
    server_->Shutdown();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }
  TestHandler& handler() { return handler_; }

 private:
  TestHandler handler_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// A connected client socket. Reads time out after 30 s so that a server
// that wrongly blocks fails the test instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{30, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~Client() { close(fd_); }

  void Send(std::string_view data) {
    EXPECT_EQ(send(fd_, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
  }

  // Everything until the server closes the connection.
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    while (true) {
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

std::string Exchange(uint16_t port, std::string_view request) {
  Client c(port);
  c.Send(request);
  return c.ReadAll();
}

std::string BodyOf(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

TEST(Server, HandlersSeeMethodHeadersCookiesAndBody) {
  Running server({});
  std::string out = Exchange(server.port(),
                             "POST /echo?x=1 HTTP/1.1\r\nHost: h\r\nX-Custom: Mixed Case\r\n"
                             "Cookie: a=b; pp_session=s3cret\r\nContent-Type: text/plain\r\n"
                             "Content-Length: 11\r\nConnection: close\r\n\r\nhello world");
  ASSERT_THAT(out, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(BodyOf(out),
            "method=POST\n"
            "header host=h\n"
            "header x-custom=Mixed Case\n"
            "header cookie=a=b; pp_session=s3cret\n"
            "header content-type=text/plain\n"
            "header content-length=11\n"
            "header connection=close\n"
            "cookie=s3cret\n"
            "body=hello world\n"
            "remote=127.0.0.1\n"
            "client_ip=127.0.0.1\n");
}

TEST(Server, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  const std::string request =
      "GET /echo HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.9\r\n"
      "Connection: close\r\n\r\n";
  {
    Running untrusted({});
    EXPECT_THAT(BodyOf(Exchange(untrusted.port(), request)), HasSubstr("client_ip=127.0.0.1\n"));
  }
  ServerOptions options;
  options.trusted_proxies = {"10.0.0.0/8", "127.0.0.1/32"};
  Running trusted(options);
  std::string body = BodyOf(Exchange(trusted.port(), request));
  EXPECT_THAT(body, HasSubstr("client_ip=203.0.113.9\n"));
  EXPECT_THAT(body, HasSubstr("remote=127.0.0.1\n"));
}

TEST(Server, BadTrustedProxyRangeIsRefusedAtStartUp) {
  ServerOptions options;
  options.port = 0;
  options.trusted_proxies = {"10.0.0.0/99"};
  auto server = Server::Create(options);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(server.error().message, HasSubstr("10.0.0.0/99"));
}

TEST(Server, BodyOverTheLimitIs413) {
  ServerOptions options;
  options.body_limit = 100;
  Running server(options);
  std::string body(101, 'x');
  std::string out = Exchange(
      server.port(), "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n" + body);
  EXPECT_THAT(out, StartsWith("HTTP/1.1 413"));
  out = Exchange(server.port(),
                 "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n"
                 "Connection: close\r\n\r\n" +
                     std::string(100, 'y'));
  EXPECT_THAT(out, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(out, HasSubstr("body=" + std::string(100, 'y') + "\n"));
}

TEST(Server, UploadPathsTakeLargerBodies) {
  ServerOptions options;
  options.body_limit = 100;
  options.upload_limit = 300;
  options.upload_paths = {"/echo"};
  Running server(options);
  auto post = [&](std::string_view target, size_t n) {
    return Exchange(server.port(),
                    "POST " + std::string(target) + " HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                        std::to_string(n) + "\r\nConnection: close\r\n\r\n" + std::string(n, 'z'));
  };
  std::string out = post("/echo?tag=x", 250);
  EXPECT_THAT(out, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(out, HasSubstr("body=" + std::string(250, 'z') + "\n"));
  EXPECT_THAT(post("/echo", 301), StartsWith("HTTP/1.1 413"));
  // Other paths keep the ordinary limit, also after an upload on the same
  // server (the limit is per request).
  EXPECT_THAT(post("/echo/more", 250), StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(post("/other", 101), StartsWith("HTTP/1.1 413"));
}

TEST(Server, HeadGetsNoBodyAndAThrowingHandlerIs500) {
  Running server({});
  std::string out =
      Exchange(server.port(), "HEAD /fast HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(out, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(out, HasSubstr("Content-Length: 4\r\n"));
  EXPECT_EQ(BodyOf(out), "");
  out = Exchange(server.port(), "GET /throw HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(out, StartsWith("HTTP/1.1 500"));
  EXPECT_THAT(out, HasSubstr("Cache-Control: no-store\r\n"));
}

TEST(Server, ABlockedHandlerDoesNotBlockOtherConnections) {
  ServerOptions options;
  options.threads = 1;  // one I/O thread serves every connection
  options.worker_threads = 2;
  Running server(options);
  Client blocked(server.port());
  blocked.Send("GET /block HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  server.handler().entered_.get_future().wait();
  // While a worker is stuck in /block, the I/O thread answers fast requests
  // and the other worker slow ones, on other connections and on a
  // keep-alive one.
  EXPECT_EQ(BodyOf(Exchange(server.port(), "GET /fast HTTP/1.1\r\nConnection: close\r\n\r\n")),
            "fast");
  EXPECT_THAT(BodyOf(Exchange(server.port(), "GET /echo HTTP/1.1\r\nConnection: close\r\n\r\n")),
              HasSubstr("method=GET\n"));
  Client pipelined(server.port());
  pipelined.Send(
      "GET /echo HTTP/1.1\r\nHost: h\r\n\r\nGET /fast HTTP/1.1\r\nConnection: close\r\n\r\n");
  std::string both = pipelined.ReadAll();
  // Pipelined answers stay in order although one ran on a worker.
  size_t echo = both.find("method=GET");
  size_t fast = both.rfind("fast");
  ASSERT_NE(echo, std::string::npos);
  ASSERT_NE(fast, std::string::npos);
  EXPECT_LT(echo, fast);
  server.handler().release_.set_value();
  EXPECT_EQ(BodyOf(blocked.ReadAll()), "unblocked");
}

// Framing that Beast accepts but a proxy in front may read differently
// (request smuggling): a Transfer-Encoding not ending in chunked (RFC 9112
// §6.1) and obs-fold (§5.2). Each is refused with 400 and the connection
// closed; the request hidden after the header is never served.
TEST(Server, RefusesFramingAProxyMightReadDifferently) {
  Running server(ServerOptions{});
  const std::string hidden = "GET /fast HTTP/1.1\r\nHost: h\r\n\r\n";
  for (std::string header :
       {"Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: identity\r\n",
        "Transfer-Encoding: chunked, identity\r\n", "Transfer-Encoding: \r\n",
        "Transfer-Encoding: gzip\r\nContent-Length: 0\r\n", "X-Folded: a\r\n b\r\n",
        "Transfer-Encoding:\r\n chunked\r\n", "Content-Length:\r\n\t0\r\n"}) {
    std::string request = "POST /echo HTTP/1.1\r\nHost: h\r\n" + header + "\r\n";
    if (header.find("chunked\r\n") != std::string::npos) request += "0\r\n\r\n";
    Client c(server.port());
    c.Send(request + hidden);
    std::string out = c.ReadAll();
    EXPECT_THAT(out, StartsWith("HTTP/1.1 400 ")) << header;
    EXPECT_THAT(out, HasSubstr("Connection: close\r\n")) << header;
    EXPECT_THAT(out, Not(HasSubstr("fast"))) << header;
    ParsedRequest parsed = ParseRequestBytes(request + hidden, ServerOptions{}, {}, "127.0.0.1");
    EXPECT_EQ(parsed.error_status, 400) << header;
  }
  // Still served: chunked last, and white space inside a value.
  Client c(server.port());
  c.Send(
      "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\nX-A: a  b\r\n"
      "Connection: close\r\n\r\n0\r\n\r\n");
  EXPECT_THAT(c.ReadAll(), StartsWith("HTTP/1.1 200 "));
}

// True while the server still accepts connections.
bool Accepting(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

TEST(Server, ShutdownWaitsForAHandlerOnAWorker) {
  auto running = std::make_unique<Running>(ServerOptions{});
  uint16_t port = running->port();
  TestHandler& handler = running->handler();
  Client blocked(port);
  blocked.Send("GET /block HTTP/1.1\r\nHost: h\r\n\r\n");
  handler.entered_.get_future().wait();
  std::thread stopper([&] { running.reset(); });  // Shutdown() and join
  while (Accepting(port)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // Shutting down: the in-flight request is still answered, and told that
  // the connection ends.
  handler.release_.set_value();
  std::string out = blocked.ReadAll();
  stopper.join();
  EXPECT_THAT(out, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(out, HasSubstr("Connection: close\r\n"));
  EXPECT_EQ(BodyOf(out), "unblocked");
}

}  // namespace
}  // namespace paperpulse::http
