#include "paperpulse/http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/url/parse.hpp>
#include <csignal>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "paperpulse/base/strings.h"
#include "paperpulse/http/access_log.h"
#include "paperpulse/http/client_ip.h"
#include "paperpulse/http/http_date.h"

namespace paperpulse::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// One io_context per thread (each run by exactly one thread), so a
// connection's handlers never run concurrently and need no strand; the
// concrete executor type avoids any_io_executor's type-erasure cost on every
// operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;

std::string_view CacheControl(CachePolicy p) {
  switch (p) {
    case CachePolicy::kNoStore:
      return "no-store";
    case CachePolicy::kRevalidate:
      return "public, max-age=0, must-revalidate";
    case CachePolicy::kPrivate:
      return "private, no-store";
    case CachePolicy::kImmutable:
      return "public, max-age=31536000, immutable";
  }
  return "no-store";
}

// Where ScanHeader got to in the bytes of a request's header section.
struct HeaderScan {
  enum State { kIncomplete, kObsFold, kDone } state;
  size_t resume;  // kIncomplete: where the next scan of the same bytes starts
};

// Scans the header section at the start of `data` from `from` (the start of
// a line, 0 at first) for obs-fold: a field line continued on the next line
// by leading white space. Beast accepts it and unfolds the value; RFC 9112
// §5.2 lets a server reject it instead, which we do, so that no proxy in
// front that folds differently can disagree with us on the framing
// (request smuggling). kDone once the blank line ending the section has
// come, or at a bare LF (which Beast refuses).
HeaderScan ScanHeader(std::string_view data, size_t from) {
  size_t pos = from;
  while (true) {
    if (pos >= data.size()) return {HeaderScan::kIncomplete, pos};
    if (pos > 0 && (data[pos] == ' ' || data[pos] == '\t')) return {HeaderScan::kObsFold, pos};
    size_t lf = data.find('\n', pos);
    if (lf == std::string_view::npos) return {HeaderScan::kIncomplete, pos};
    if (lf == pos || data[lf - 1] != '\r') return {HeaderScan::kDone, lf};
    if (lf == pos + 1 && pos > 0) return {HeaderScan::kDone, lf};
    pos = lf + 1;
  }
}

// A Transfer-Encoding whose final coding is not chunked: Beast then reads
// no body and takes the bytes after the header as the next request, while a
// proxy in front may have read them as this one's body. RFC 9112 §6.1: "the
// server MUST respond with the 400 (Bad Request) status code and then close
// the connection".
bool UnframedTransferEncoding(const bhttp::request_parser<bhttp::string_body>& parser) {
  return parser.get().count(bhttp::field::transfer_encoding) > 0 && !parser.chunked();
}

// Fills `out` from a parsed Beast request, taking its body, from a
// connection with peer address `remote`. False when the target is not an
// origin-form URL ("/path?query"), which the caller answers with 400.
bool ConvertRequest(bhttp::request<bhttp::string_body>& in, const std::string& remote,
                    const TrustedProxies& proxies, Request& out) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  auto url = boost::urls::parse_origin_form(in.target());
  if (!url) return false;
  out.path = url->path();
  for (auto param : url->params()) {
    out.query.emplace(param.key, param.has_value ? param.value : std::string());
  }
  std::string forwarded_for;
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (name == "x-forwarded-for") {
      if (!forwarded_for.empty()) forwarded_for += ',';
      forwarded_for += field.value();
    }
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.if_none_match = std::string(in[bhttp::field::if_none_match]);
  out.if_modified_since = std::string(in[bhttp::field::if_modified_since]);
  out.accept_encoding = std::string(in[bhttp::field::accept_encoding]);
  out.body = std::move(in.body());
  out.remote = remote;
  out.client_ip = proxies.empty() ? remote : proxies.ClientIp(remote, forwarded_for);
  return true;
}

class ServerImpl;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, ServerImpl& server);
  ~Session();

  void Start();
  // Called on shutdown: an idle connection is closed now, a busy one after
  // its current response.
  void StopWhenIdle();

 private:
  void ReadNext();
  void ReadRequest();
  // Reads until buffer_ holds the request's header section, refusing
  // obs-fold (ScanHeader), then has Beast parse it.
  void ReadHeaderBytes();
  void OnRead(beast::error_code ec);
  // Runs the handler's slow path on a worker, then sends on this session's
  // executor (a connection's handlers never run concurrently).
  void HandleOnWorker(Request request, bool head, bool keep_alive);
  void Send(Response response, bool head, bool keep_alive);
  // After ReadRequest has the header: the body (if any), within the limit
  // of the request's path.
  void ReadBody();
  void SendError(int status, std::string_view message);
  void Close();

  Stream stream_;
  ServerImpl& server_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string head_;  // status line and headers of the response being written
  Body body_;         // its body, kept alive until written
  bool http10_ = false;
  bool idle_ = false;
  size_t header_scanned_ = 0;  // ScanHeader's resume position in buffer_
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, TrustedProxies proxies)
      : options_(options),
        proxies_(std::move(proxies)),
        ios_(MakeContexts(options.threads)),
        control_(ios_[0]->get_executor()),
        acceptor_(control_),
        signals_(control_),
        grace_timer_(control_),
        retry_timer_(control_),
        workers_(WorkerCount(options.worker_threads)) {
    // Contexts without connections would return from run() at once.
    for (auto& io : ios_) guards_.emplace_back(io->get_executor());
  }

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

  Status Run(Handler& handler) override {
    handler_ = &handler;
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
    auto run = [this, &failed](asio::io_context& io) {
      try {
        io.run();
      } catch (const std::exception& e) {
        // A handler threw past its own guard: stop everything rather than
        // serve on with a broken thread.
        spdlog::error("http: I/O thread failed: {}", e.what());
        failed = true;
        StopAll();
      }
    };
    for (size_t i = 1; i < ios_.size(); ++i) threads.emplace_back(run, std::ref(*ios_[i]));
    run(*ios_[0]);
    for (auto& t : threads) t.join();
    // After a cut-short shutdown workers may still run handlers: wait for
    // those (their responses go nowhere), drop the queued ones.
    workers_.stop();
    workers_.join();
    if (failed) return Fail(ErrorCode::kInternal, "an I/O thread failed (see log)");
    return Ok();
  }

  void Shutdown() override {
    asio::dispatch(control_, [this] { BeginShutdown(); });
  }

  const ServerOptions& options() const { return options_; }
  Clock& clock() const { return options_.clock ? *options_.clock : DefaultClock(); }
  const TrustedProxies& proxies() const { return proxies_; }
  asio::thread_pool& workers() { return workers_; }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  // The handler's fast path (on an I/O thread) and slow path (on a worker).
  // An exception here is a bug, answered 500 (never a crash).
  std::optional<Response> TryFast(const Request& req) {
    try {
      return handler_->TryFast(req);
    } catch (const std::exception& e) {
      return Threw(req, e);
    }
  }
  Response Handle(const Request& req) {
    try {
      return handler_->Handle(req);
    } catch (const std::exception& e) {
      return Threw(req, e);
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
      asio::post(control_, [this] {
        grace_timer_.cancel();
        guards_.clear();  // every context now runs out of work and returns
      });
    }
  }

 private:
  static Response Threw(const Request& req, const std::exception& e) {
    spdlog::error("http: handler threw on {}: {}", req.target, e.what());
    Response r = MakeResponse(500, "text/plain; charset=utf-8", "internal error\n");
    r.cache = CachePolicy::kNoStore;
    return r;
  }

  static size_t WorkerCount(int configured) {
    if (configured > 0) return static_cast<size_t>(configured);
    // Workers mostly wait on the database: more of them than cores.
    return std::max(4u, 2 * std::max(1u, std::thread::hardware_concurrency()));
  }

  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> ios;
    for (int i = 0; i < std::max(n, 1); ++i) ios.push_back(std::make_unique<asio::io_context>(1));
    return ios;
  }

  void StopAll() {
    for (auto& io : ios_) io->stop();
  }

  // On the control context. Connections are spread over the contexts
  // round-robin, as nginx's workers share the listening socket.
  void Accept() {
    asio::io_context& target = *ios_[next_context_++ % ios_.size()];
    pending_.emplace(target.get_executor());
    acceptor_.async_accept(*pending_, [this](beast::error_code ec) {
      Socket socket = std::move(*pending_);
      pending_.reset();
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        // Out of file descriptors and the like: keep accepting, but not in a
        // tight loop, and log a run of failures once, not ten times a second.
        if (accept_failures_++ == 0) {
          spdlog::warn("http: accept failed: {} (retrying every 100 ms)", ec.message());
        }
        retry_timer_.expires_after(std::chrono::milliseconds(100));
        retry_timer_.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec && acceptor_.is_open()) Accept();
        });
        return;
      }
      if (accept_failures_ > 0) {
        spdlog::info("http: accepting again after {} failed tries", accept_failures_);
        accept_failures_ = 0;
      }
      if (ConnectionCount() >= static_cast<size_t>(options_.max_connections)) {
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
    retry_timer_.cancel();
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mu_);
      for (auto& [raw, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    if (live.empty()) {
      guards_.clear();
      return;
    }
    for (auto& s : live) s->StopWhenIdle();
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec) return;  // every connection finished in time
      spdlog::warn("http: shutdown grace period over, dropping remaining connections");
      StopAll();
    });
  }

  ServerOptions options_;
  TrustedProxies proxies_;
  Handler* handler_ = nullptr;  // set by Run()
  // Declared before the contexts: destroying a context destroys the
  // sessions its pending handlers own, and they unregister here.
  std::atomic<bool> stopping_ = false;
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::vector<std::unique_ptr<asio::io_context>> ios_;  // one per thread
  std::vector<asio::executor_work_guard<Executor>> guards_;
  // Accepting, signals and shutdown run on the first context.
  Executor control_;
  std::optional<Socket> pending_;  // the socket being accepted into
  size_t next_context_ = 0;
  int64_t accept_failures_ = 0;  // failed accepts in a row (control context)
  asio::basic_socket_acceptor<tcp, Executor> acceptor_;
  asio::basic_signal_set<Executor> signals_;
  asio::basic_waitable_timer<std::chrono::steady_clock,
                             asio::wait_traits<std::chrono::steady_clock>, Executor>
      grace_timer_;
  decltype(grace_timer_) retry_timer_;
  uint16_t port_ = 0;
  // Last: destroyed (joined) first, while the contexts its jobs post to
  // and the sessions they own still exist.
  asio::thread_pool workers_;
};

Session::Session(Socket socket, ServerImpl& server) : stream_(std::move(socket)), server_(server) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string();
  // A response is written in one go; Nagle's algorithm would hold back its
  // last partial segment until the client ACKs the previous ones, and the
  // client's delayed ACK turns that into a 40 ms stall on keep-alive
  // connections (nginx sets tcp_nodelay for the same reason).
  stream_.socket().set_option(tcp::no_delay(true), ec);
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
  // Until the path is known the larger of the two limits holds (Beast
  // checks a Content-Length against it as the header ends); ReadBody
  // lowers it for everything but uploads.
  const ServerOptions& o = server_.options();
  parser_->body_limit(o.upload_paths.empty() ? o.body_limit
                                             : std::max(o.body_limit, o.upload_limit));
  if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is waiting
  // Waiting for the first byte is "idle" (closed at once on shutdown) and has
  // its own, longer timeout than reading a request that has started.
  idle_ = true;
  stream_.expires_after(server_.options().idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->idle_ = false;
                            if (ec) return self->Close();
                            self->buffer_.commit(n);
                            self->ReadRequest();
                          });
}

void Session::ReadRequest() {
  stream_.expires_after(server_.options().request_timeout);
  header_scanned_ = 0;
  ReadHeaderBytes();
}

void Session::ReadHeaderBytes() {
  auto data = buffer_.data();
  std::string_view bytes(static_cast<const char*>(data.data()), data.size());
  HeaderScan scan = ScanHeader(bytes, header_scanned_);
  if (scan.state == HeaderScan::kObsFold) {
    return SendError(400, "bad request: obsolete line folding\n");
  }
  if (scan.state == HeaderScan::kIncomplete && bytes.size() <= server_.options().header_limit) {
    header_scanned_ = scan.resume;
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->OnRead(ec);
                              self->buffer_.commit(n);
                              self->ReadHeaderBytes();
                            });
    return;
  }
  // The header section is all there (or over the limit, or Beast will
  // refuse it): its path decides how large a body may be.
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (ec) return self->OnRead(ec);
                             self->ReadBody();
                           });
}

void Session::ReadBody() {
  if (UnframedTransferEncoding(*parser_)) {
    return SendError(400, "bad request: Transfer-Encoding must end in chunked\n");
  }
  const ServerOptions& o = server_.options();
  std::string_view target = parser_->get().target();
  std::string_view path = target.substr(0, target.find('?'));
  bool upload =
      std::find(o.upload_paths.begin(), o.upload_paths.end(), path) != o.upload_paths.end();
  if (!upload) {
    // A chunked body is counted against the limit as it comes.
    if (auto length = parser_->content_length(); length && *length > o.body_limit) {
      return SendError(413, "request body too large\n");
    }
    parser_->body_limit(o.body_limit);
  }
  bhttp::async_read(
      stream_, buffer_, *parser_,
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
  auto& breq = parser_->get();
  http10_ = breq.version() < 11;
  bool head = breq.method() == bhttp::verb::head;
  bool keep_alive = breq.keep_alive();
  Request req;
  if (!ConvertRequest(breq, remote_, server_.proxies(), req)) {
    return SendError(400, "bad request target\n");
  }
  if (auto fast = server_.TryFast(req)) {
    return Send(std::move(*fast), head, keep_alive && !server_.stopping());
  }
  HandleOnWorker(std::move(req), head, keep_alive);
}

void Session::HandleOnWorker(Request request, bool head, bool keep_alive) {
  // The session is not idle meanwhile (shutdown waits for it), and no read
  // is pending, so its request timeout cannot fire: a slow handler is
  // bounded by the Store's own timeouts, not cut off mid-way.
  asio::post(server_.workers(),
             [self = shared_from_this(), request = std::move(request), head, keep_alive] {
               Response response = self->server_.Handle(request);
               asio::post(self->stream_.get_executor(), [self, response = std::move(response), head,
                                                         keep_alive]() mutable {
                 self->Send(std::move(response), head, keep_alive && !self->server_.stopping());
               });
             });
}

// Appends "Name: value\r\n". Header values come from our own code, but a
// CR or LF in one would split the response, so such a header is dropped.
void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  // A plain loop: find_first_of with a two-byte set costs a memchr per byte.
  auto has_break = [](std::string_view s) {
    for (char c : s) {
      if (c == '\r' || c == '\n') return true;
    }
    return false;
  };
  if (has_break(name) || has_break(value)) {
    spdlog::error("http: dropped header {} with a line break in its value", name);
    return;
  }
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

void Session::Send(Response res, bool head, bool keep_alive) {
  // The status line and headers are written by hand and sent with the body
  // in one gather write: cheaper than Beast's generic serializer, and every
  // field is under our control.
  head_.clear();
  head_ += "HTTP/1.1 ";
  head_ += std::to_string(res.status);
  head_ += ' ';
  head_ += bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
  head_ += "\r\n";
  AppendHeader(head_, "Server", "paperpulse");
  AppendHeader(head_, "Date", HttpDateNow(server_.clock()));
  AppendHeader(head_, "Content-Type", res.content_type);
  if (res.status != 304) AppendHeader(head_, "Cache-Control", CacheControl(res.cache));
  if (!res.etag.empty()) AppendHeader(head_, "ETag", res.etag);
  if (res.last_modified > 0) {
    // Most responses come from a few cached entities: format each time once.
    thread_local int64_t formatted_time = -1;
    thread_local std::string formatted;
    if (res.last_modified != formatted_time) {
      formatted_time = res.last_modified;
      formatted = FormatHttpDate(res.last_modified);
    }
    AppendHeader(head_, "Last-Modified", formatted);
  }
  if (res.gzipped) AppendHeader(head_, "Content-Encoding", "gzip");
  for (const auto& [name, value] : res.headers) AppendHeader(head_, name, value);
  if (!keep_alive) {
    AppendHeader(head_, "Connection", "close");
  } else if (http10_) {
    AppendHeader(head_, "Connection", "keep-alive");
  }
  bool no_body = res.status == 304 || res.status == 204 || (res.status >= 100 && res.status < 200);
  if (!no_body) AppendHeader(head_, "Content-Length", std::to_string(res.body.size()));
  head_ += "\r\n";
  body_ = (no_body || head) ? Body() : std::move(res.body);
  std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_),
                                               asio::buffer(body_.view().data(), body_.size())};
  stream_.expires_after(server_.options().write_timeout);
  asio::async_write(stream_, buffers,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                      self->body_ = Body();
                      if (ec || !keep_alive) return self->Close();
                      self->ReadNext();
                    });
}

void Session::SendError(int status, std::string_view message) {
  // Rejected before any handler ran, so the App's access log never sees
  // these: log them here in the same format.
  std::string fields = "remote=" + remote_ + " route=rejected status=" + std::to_string(status);
  fields += " reason=";
  fields += JsonQuote(TrimView(message));
  WriteAccessEvent(server_.clock().Now(), fields);
  Send(MakeResponse(status, "text/plain; charset=utf-8", std::string(message)), false, false);
}

void Session::Close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  if (options.threads < 1) return Fail(ErrorCode::kInvalidArgument, "threads must be >= 1");
  if (options.worker_threads < 0) {
    return Fail(ErrorCode::kInvalidArgument, "worker threads must be >= 0");
  }
  ASSIGN_OR_RETURN(TrustedProxies proxies, TrustedProxies::Parse(options.trusted_proxies));
  auto server = std::make_unique<ServerImpl>(options, std::move(proxies));
  RETURN_IF_ERROR(server->Bind());
  return std::unique_ptr<Server>(std::move(server));
}

ParsedRequest ParseRequestBytes(std::string_view raw, const ServerOptions& options,
                                const TrustedProxies& proxies, const std::string& remote) {
  ParsedRequest out;
  bhttp::request_parser<bhttp::string_body> parser;
  // As Session::ReadNext: until the path is known the larger limit holds.
  parser.header_limit(options.header_limit);
  parser.body_limit(options.upload_paths.empty()
                        ? options.body_limit
                        : std::max(options.body_limit, options.upload_limit));
  parser.eager(false);
  asio::const_buffer rest(raw.data(), raw.size());
  // Feeds `rest` to the parser until `done`; the end of `raw` is the end of
  // the stream.
  auto feed = [&](auto done) {
    beast::error_code ec;
    while (!done()) {
      size_t n = rest.size() == 0 ? 0 : parser.put(rest, ec);
      rest += n;
      if (rest.size() == 0 || (ec == bhttp::error::need_more && n == 0)) {
        if (ec && ec != bhttp::error::need_more) break;
        ec = {};
        if (!done()) parser.put_eof(ec);
        break;
      }
      if (ec == bhttp::error::need_more) ec = {};
      if (ec) break;
    }
    return ec;
  };
  auto status_of = [](beast::error_code ec) {
    if (ec == bhttp::error::header_limit) return 431;
    if (ec == bhttp::error::body_limit) return 413;
    return 400;
  };
  if (ScanHeader(raw, 0).state == HeaderScan::kObsFold) {  // as Session::ReadHeaderBytes
    out.error_status = 400;
    return out;
  }
  if (auto ec = feed([&] { return parser.is_header_done(); })) {
    out.error_status = status_of(ec);
    return out;
  }
  if (UnframedTransferEncoding(parser)) {  // as Session::ReadBody
    out.error_status = 400;
    return out;
  }
  // As Session::ReadBody.
  std::string_view target = parser.get().target();
  std::string_view path = target.substr(0, target.find('?'));
  bool upload = std::find(options.upload_paths.begin(), options.upload_paths.end(), path) !=
                options.upload_paths.end();
  if (!upload) {
    if (auto length = parser.content_length(); length && *length > options.body_limit) {
      out.error_status = 413;
      return out;
    }
    parser.body_limit(options.body_limit);
  }
  if (auto ec = feed([&] { return parser.is_done(); })) {
    out.error_status = status_of(ec);
    return out;
  }
  out.consumed = raw.size() - rest.size();
  auto& breq = parser.get();
  if (!ConvertRequest(breq, remote, proxies, out.request)) out.error_status = 400;
  return out;
}

}  // namespace paperpulse::http
