#include "paperpulse/http/server.h"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "paperpulse/http/http_date.h"

namespace paperpulse::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// A Beast body over our Body: the serializer sends the shared or static
// bytes in place, so a cached page is never copied per request.
struct SharedBody {
  using value_type = Body;
  static std::uint64_t size(const value_type& b) { return b.size(); }

  class writer {
   public:
    using const_buffers_type = asio::const_buffer;
    template <bool kIsRequest, class Fields>
    writer(const bhttp::header<kIsRequest, Fields>&, const value_type& body) : body_(body) {}
    void init(beast::error_code& ec) { ec = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      return {{asio::const_buffer(body_.view().data(), body_.size()), false}};
    }

   private:
    const value_type& body_;
  };
};

std::string_view CacheControl(CachePolicy p) {
  switch (p) {
    case CachePolicy::kNoStore: return "no-store";
    case CachePolicy::kShort: return "public, max-age=60";
    case CachePolicy::kImmutable: return "public, max-age=31536000, immutable";
  }
  return "no-store";
}

// Fills `out` from a parsed Beast request. False when the target is not an
// origin-form URL ("/path?query"), which the caller answers with 400.
bool ConvertRequest(const bhttp::request<bhttp::string_body>& in, Request& out) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  auto url = boost::urls::parse_origin_form(in.target());
  if (!url) return false;
  out.path = url->path();
  for (auto param : url->params()) {
    out.query.emplace(param.key, param.has_value ? param.value : std::string());
  }
  out.if_none_match = std::string(in[bhttp::field::if_none_match]);
  out.if_modified_since = std::string(in[bhttp::field::if_modified_since]);
  out.accept_encoding = std::string(in[bhttp::field::accept_encoding]);
  return true;
}

class ServerImpl;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerImpl& server);
  ~Session();

  void Start();
  // Called on shutdown: an idle connection is closed now, a busy one after
  // its current response.
  void StopWhenIdle();

 private:
  void ReadNext();
  void ReadRequest();
  void OnRead(beast::error_code ec);
  void Send(Response response, bool head, bool keep_alive);
  void SendError(int status, std::string_view message);
  void Close();

  beast::tcp_stream stream_;
  ServerImpl& server_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<SharedBody> response_;
  bool idle_ = false;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, Handler handler)
      : options_(options),
        handler_(std::move(handler)),
        io_(options.threads),
        control_(asio::make_strand(io_)),
        acceptor_(control_),
        signals_(control_),
        grace_timer_(control_) {}

  Status Bind() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.address, ec);
    if (ec) return Fail(ErrorCode::kInvalidArgument, "bad listen address " + options_.address);
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Fail(ErrorCode::kIo, "cannot listen on " + options_.address + ":" +
                                      std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return Ok();
  }

  uint16_t port() const override { return port_; }

  Status Run() override {
    if (options_.handle_signals) {
      beast::error_code ec;
      signals_.add(SIGTERM, ec);
      signals_.add(SIGINT, ec);
      signals_.async_wait([this](beast::error_code wait_ec, int signal) {
        if (wait_ec) return;
        spdlog::info("received signal {}, shutting down", signal);
        BeginShutdown();
      });
    }
    asio::dispatch(control_, [this] { Accept(); });
    std::vector<std::thread> threads;
    std::atomic<bool> failed = false;
    auto run = [this, &failed] {
      try {
        io_.run();
      } catch (const std::exception& e) {
        // A handler threw past its own guard: stop everything rather than
        // serve on with a broken thread.
        spdlog::error("http: I/O thread failed: {}", e.what());
        failed = true;
        io_.stop();
      }
    };
    for (int i = 1; i < options_.threads; ++i) threads.emplace_back(run);
    run();
    for (auto& t : threads) t.join();
    if (failed) return Fail(ErrorCode::kInternal, "an I/O thread failed (see log)");
    return Ok();
  }

  void Shutdown() override {
    asio::dispatch(control_, [this] { BeginShutdown(); });
  }

  const ServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  // Runs the handler; an exception here is a bug, answered 500 (never a crash).
  Response Handle(const Request& req) {
    try {
      return handler_(req);
    } catch (const std::exception& e) {
      spdlog::error("http: handler threw on {}: {}", req.target, e.what());
      return MakeResponse(500, "text/plain; charset=utf-8", "internal error\n");
    }
  }

  void Register(Session* s, const std::shared_ptr<Session>& sp) {
    std::lock_guard lock(sessions_mu_);
    sessions_.emplace(s, sp);
  }

  void Unregister(Session* s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.erase(s);
    if (sessions_.empty() && stopping()) {
      asio::post(control_, [this] { grace_timer_.cancel(); });
    }
  }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        // Out of file descriptors and the like: keep accepting, but not in a
        // tight loop.
        spdlog::warn("http: accept failed: {}", ec.message());
      } else if (ConnectionCount() >= static_cast<size_t>(options_.max_connections)) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        auto session = std::make_shared<Session>(std::move(socket), *this);
        Register(session.get(), session);
        session->Start();
      }
      Accept();
    });
  }

  size_t ConnectionCount() {
    std::lock_guard lock(sessions_mu_);
    return sessions_.size();
  }

  // On the control strand.
  void BeginShutdown() {
    if (stopping_.exchange(true)) return;
    beast::error_code ec;
    acceptor_.close(ec);
    signals_.cancel(ec);
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mu_);
      for (auto& [raw, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    if (live.empty()) return;
    for (auto& s : live) s->StopWhenIdle();
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec) return;  // every connection finished in time
      spdlog::warn("http: shutdown grace period over, dropping remaining connections");
      io_.stop();
    });
  }

  ServerOptions options_;
  Handler handler_;
  asio::io_context io_;
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer grace_timer_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

Session::Session(tcp::socket socket, ServerImpl& server)
    : stream_(std::move(socket)), server_(server) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string();
}

Session::~Session() { server_.Unregister(this); }

void Session::Start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadNext(); });
}

void Session::StopWhenIdle() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->idle_) self->Close();
  });
}

void Session::ReadNext() {
  if (server_.stopping()) return Close();
  parser_.emplace();
  parser_->header_limit(server_.options().header_limit);
  parser_->body_limit(server_.options().body_limit);
  if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is waiting
  // Waiting for the first byte is "idle" (closed at once on shutdown) and has
  // its own, longer timeout than reading a request that has started.
  idle_ = true;
  stream_.expires_after(server_.options().idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](
                                                      beast::error_code ec, size_t n) {
    self->idle_ = false;
    if (ec) return self->Close();
    self->buffer_.commit(n);
    self->ReadRequest();
  });
}

void Session::ReadRequest() {
  stream_.expires_after(server_.options().request_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
}

void Session::OnRead(beast::error_code ec) {
  if (ec == bhttp::error::header_limit) return SendError(431, "request header too large\n");
  if (ec == bhttp::error::body_limit) return SendError(413, "request body too large\n");
  if (ec == beast::error::timeout) return SendError(408, "request timeout\n");
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
    return Close();
  }
  if (ec) return SendError(400, "bad request\n");
  const auto& breq = parser_->get();
  Request req;
  req.remote = remote_;
  if (!ConvertRequest(breq, req)) return SendError(400, "bad request target\n");
  Response res = server_.Handle(req);
  Send(std::move(res), breq.method() == bhttp::verb::head,
       breq.keep_alive() && !server_.stopping());
}

void Session::Send(Response res, bool head, bool keep_alive) {
  response_ = {};
  response_.result(static_cast<unsigned>(res.status));
  response_.version(11);
  response_.set(bhttp::field::server, "paperpulse");
  response_.set(bhttp::field::date, HttpDateNow());
  response_.set(bhttp::field::content_type, res.content_type);
  if (res.status != 304) response_.set(bhttp::field::cache_control, CacheControl(res.cache));
  if (!res.etag.empty()) response_.set(bhttp::field::etag, res.etag);
  if (res.last_modified > 0) {
    response_.set(bhttp::field::last_modified, FormatHttpDate(res.last_modified));
  }
  if (res.gzipped) response_.set(bhttp::field::content_encoding, "gzip");
  for (auto& [name, value] : res.headers) response_.set(name, value);
  response_.keep_alive(keep_alive);
  if (res.status == 304 || res.status == 204) {
    response_.body() = Body();
  } else if (head) {
    response_.content_length(res.body.size());
    response_.body() = Body();
  } else {
    response_.body() = std::move(res.body);
    response_.content_length(response_.body().size());
  }
  stream_.expires_after(server_.options().write_timeout);
  bhttp::async_write(stream_, response_,
                     [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                       if (ec || !keep_alive) return self->Close();
                       self->ReadNext();
                     });
}

void Session::SendError(int status, std::string_view message) {
  Send(MakeResponse(status, "text/plain; charset=utf-8", std::string(message)), false, false);
}

void Session::Close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options, Handler handler) {
  if (options.threads < 1) return Fail(ErrorCode::kInvalidArgument, "threads must be >= 1");
  auto server = std::make_unique<ServerImpl>(options, std::move(handler));
  RETURN_IF_ERROR(server->Bind());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace paperpulse::http
