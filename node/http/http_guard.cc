#include "node/http/http_guard.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "node/common/client_limits.h"
#include "node/common/rate_limiter.h"
#include "node/http/http_compress.h"
#include "node/http/response_cache.h"
#include "node/http/worker_pool.h"

namespace agritrace::node {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using Request = http::request<http::string_body>;

// Bytes an idle connection keeps for its next request; a larger buffer is given back.
constexpr size_t kIdleBufferBytes = 1024;

std::string AddressOf(const tcp::socket& socket) {
  boost::system::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return "";
  net::ip::address address = remote.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return ClientAddressOf(address.to_string());
}

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

std::string ReasonPhrase(int status) {
  return std::string(http::obsolete_reason(static_cast<http::status>(status)));
}

// A whole response for a request we answer without a handler.
HttpResponse PlainResponse(int status, std::string text) {
  HttpResponse res;
  res.status = status;
  res.SetBody(std::move(text), "text/plain");
  return res;
}

// The Beast form of `response` for a request of HTTP `version`; the body is moved in unless
// `with_body` is false (HEAD, or only the head is wanted), the Content-Length is the body's.
http::response<http::string_body> ToBeast(HttpResponse& response, unsigned version,
                                          bool keep_alive, bool with_body) {
  http::response<http::string_body> res;
  res.version(version);
  res.result(static_cast<unsigned>(response.status));
  res.reason(ReasonPhrase(response.status));
  for (auto& [name, value] : response.headers) res.insert(name, value);
  const bool no_body = response.status == 204 || response.status == 304;
  if (!no_body) res.set(http::field::content_type, response.content_type);
  res.keep_alive(keep_alive);
  if (!no_body) res.content_length(response.body.size());
  if (with_body && !no_body) res.body() = std::move(response.body);
  return res;
}

// `response` (HTTP/1.1) as the bytes Beast writes for it, both heads; its body is moved out.
std::shared_ptr<const CachedResponse> MakeCached(HttpResponse& response, uint64_t epoch) {
  auto entry = std::make_shared<CachedResponse>();
  entry->epoch = epoch;
  entry->status = response.status;
  for (const bool keep_alive : {true, false}) {
    std::ostringstream head;
    head << ToBeast(response, 11, keep_alive, false).base();
    (keep_alive ? entry->head_keep_alive : entry->head_close) = head.str();
  }
  entry->body = std::move(response.body);
  return entry;
}

// The cache key of a request (response_cache.h): target and the three headers a cacheable
// response may vary by (each header's first value, as HttpRequest::Header reads it). Neither a
// target nor a header value can hold '\n'. Written into `key`, whose capacity is reused.
void CacheKeyOf(const Request& req, std::string& key) {
  key.assign(View(req.target()));
  for (const http::field field :
       {http::field::accept, http::field::accept_language, http::field::accept_encoding}) {
    key += '\n';
    if (auto it = req.find(field); it != req.end()) key.append(View(it->value()));
  }
}

}  // namespace

struct GuardedHttpServer::Impl {
  Impl(const Options& o, Handler h, Logger l)
      : options(o),
        handler(std::move(h)),
        logger(std::move(l)),
        limiter(o.requests_per_second, o.burst_requests, kMaxHttpRateLimitedClients),
        cache(o.cache_epoch ? std::make_unique<ResponseCache>() : nullptr),
        iocs(MakeLoops(std::max<size_t>(1, o.io_threads))),
        acceptor(std::make_unique<tcp::acceptor>(*iocs[0])),
        accept_retry(std::make_unique<net::steady_timer>(*iocs[0])) {}

  // One single-threaded event loop per thread: a connection lives on one loop (round robin), so
  // its reads, writes and timers never wake another thread, as nginx's workers own theirs.
  static std::vector<std::unique_ptr<net::io_context>> MakeLoops(size_t count) {
    std::vector<std::unique_ptr<net::io_context>> loops;
    for (size_t i = 0; i < count; ++i) loops.push_back(std::make_unique<net::io_context>(1));
    return loops;
  }

  bool Limited(const std::string& address) const {
    return options.limit_loopback || !IsLoopbackAddress(address);
  }

  // Counts a new connection from `address`: 0 when admitted, else the status to refuse with.
  int Admit(const std::string& address) {
    std::lock_guard lock(mu);
    if (open >= options.max_connections) return 503;
    size_t& from = per_address[address];
    if (Limited(address) && from >= options.connections_per_address) {
      if (from == 0) per_address.erase(address);
      return 429;
    }
    ++from;
    ++open;
    return 0;
  }

  void Release(const std::string& address) {
    std::lock_guard lock(mu);
    if (auto it = per_address.find(address); it != per_address.end() && --it->second == 0) {
      per_address.erase(it);
    }
    --open;
  }

  void Accept();
  void OnAccept(const boost::system::error_code& ec, tcp::socket socket);
  void Refuse(tcp::socket socket, int status, const std::string& text);

  const Options options;
  const Handler handler;
  const Logger logger;
  RateLimiter limiter;
  std::optional<WorkerPool> workers;
  std::unique_ptr<ResponseCache> cache;  // null when options.cache_epoch is

  mutable std::mutex mu;
  std::unordered_map<std::string, size_t> per_address;  // GUARDED_BY(mu); address -> open
  size_t open = 0;                                      // GUARDED_BY(mu)

  // Destroyed in Stop(), in this order, so connections still waiting in the event loop are
  // freed while the counters above exist.
  std::vector<std::unique_ptr<net::io_context>> iocs;  // the acceptor's is iocs[0]
  std::atomic<size_t> next_loop{0};
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> accept_retry;
  std::vector<std::thread> io_threads;
  std::atomic<bool> stopping{false};
  int port = 0;
};

namespace {

// One admitted connection: its socket, one deadline timer and the request being read. Every
// handler runs on the connection's strand; a worker hands its response back through it.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Impl = GuardedHttpServer::Impl;

  Connection(Impl& server, tcp::socket socket, std::string address)
      : server_(server),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        shortest_timeout_(std::max(std::chrono::milliseconds(1),
                                   std::min({server.options.idle_timeout,
                                             server.options.read_timeout,
                                             server.options.write_timeout,
                                             std::chrono::milliseconds(kHttpLingerTimeout)}))),
        address_(std::move(address)),
        buffer_(kMaxHttpHeaderBytes + server.options.max_request_bytes) {}

  ~Connection() { server_.Release(address_); }

  void Start() {
    boost::system::error_code ec;
    // A response goes out as headers then body; with Nagle on, the body would wait for the
    // client's delayed ACK (40 ms on Linux) on every keep-alive request.
    socket_.set_option(tcp::no_delay(true), ec);
    // From here on everything of this connection runs on its strand.
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

 private:
  // Idle until the next request's first byte (or bytes already buffered: a pipelined request).
  void WaitForRequest() {
    if (buffer_.size() > 0) return ReadRequest();
    if (buffer_.capacity() > kIdleBufferBytes) buffer_.shrink_to_fit();
    SetDeadline(server_.options.idle_timeout);
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                         if (ec || self->timed_out_) return self->Close();
                         self->ReadRequest();
                       });
  }

  // The request must now arrive whole within read_timeout, however it trickles.
  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(kMaxHttpHeaderBytes));
    parser_->body_limit(server_.options.max_request_bytes);
    SetDeadline(server_.options.read_timeout);
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(const boost::system::error_code& ec) {
    if (timed_out_ || ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return Fail(413, "the request body is larger than " +
                           std::to_string(server_.options.max_request_bytes) +
                           " bytes (http.max_request_bytes)\n");
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return Fail(400, "the request line and headers are larger than " +
                           std::to_string(kMaxHttpHeaderBytes) + " bytes\n");
    }
    if (ec) return Fail(400, "malformed request: " + ec.message() + "\n");
    if (!LinesWithinLimit(parser_->get())) {
      return Fail(400, "a request line or header line is longer than " +
                           std::to_string(kMaxHttpHeaderLineBytes) + " bytes\n");
    }
    deadline_ = Clock::time_point::max();  // a worker may take its time; the write has one
    Dispatch(parser_->release());
  }

  // Each line of the request's head within kMaxHttpHeaderLineBytes ("name: value\r\n").
  static bool LinesWithinLimit(const Request& req) {
    constexpr size_t kLineOverhead = 4;  // ": " or the request line's spaces, and "\r\n"
    if (req.method_string().size() + req.target().size() + 9 + kLineOverhead >
        kMaxHttpHeaderLineBytes) {
      return false;
    }
    return std::all_of(req.begin(), req.end(), [](const auto& field) {
      return field.name_string().size() + field.value().size() + kLineOverhead <=
             kMaxHttpHeaderLineBytes;
    });
  }

  void Dispatch(Request req) {
    keep_alive_ = req.keep_alive() && ++served_ < kHttpKeepAliveMaxRequests;
    head_ = req.method() == http::verb::head;
    version_ = req.version();
    if (auto refusal = RateLimited()) return Answer(View(req.target()), *std::move(refusal));
    // A response kept whole is written from here, with no worker (response_cache.h).
    ResponseCache* cache = server_.cache.get();
    const bool cacheable =
        cache && version_ == 11 && (head_ || req.method() == http::verb::get);
    if (cacheable) {
      CacheKeyOf(req, cache_key_);
      if (auto hit = cache->Find(cache_key_, server_.options.cache_epoch())) {
        return AnswerCached(View(req.target()), std::move(hit));
      }
    }
    HttpRequest request{std::string(req.method_string()), std::string(req.target()), {},
                        address_};
    for (const auto& field : req) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    auto job = [self = shared_from_this(), request,
                key = cacheable ? cache_key_ : std::string()]() mutable {
      Impl& server = self->server_;
      // Read before the handler runs: a block committed meanwhile makes the entry stale.
      const uint64_t epoch = key.empty() ? 0 : server.options.cache_epoch();
      HttpResponse response = server.handler(request);
      CompressForClient(request.Header("Accept-Encoding"), response);
      std::shared_ptr<const CachedResponse> cached;
      if (!key.empty() && MayCache(response)) {
        cached = MakeCached(response, epoch);  // this answer is sent from the same bytes
        server.cache->Put(std::move(key), cached);
      }
      net::post(self->socket_.get_executor(),
                [self, target = std::move(request.target), response = std::move(response),
                 cached = std::move(cached)]() mutable {
                  if (cached) return self->AnswerCached(target, std::move(cached));
                  self->Answer(target, std::move(response));
                });
    };
    if (!server_.workers->TrySubmit(std::move(job))) {
      Answer(View(req.target()), PlainResponse(503, "the server is busy; retry shortly\n"));
    }
  }

  std::optional<HttpResponse> RateLimited() {
    if (!server_.limiter.enabled() || !server_.Limited(address_)) return std::nullopt;
    const auto decision = server_.limiter.Allow(address_);
    if (decision.allowed) return std::nullopt;
    const auto seconds = std::max<int64_t>(1, (decision.retry_after.count() + 999) / 1000);
    HttpResponse res = PlainResponse(
        429, "rate limit: more than " +
                 std::to_string(static_cast<int64_t>(server_.limiter.rate_per_second())) +
                 " requests per second from " + address_ +
                 " (http.client_requests_per_second); retry after " + std::to_string(seconds) +
                 " s\n");
    res.SetHeader("Retry-After", std::to_string(seconds));
    return res;
  }

  // Writes the answer to the request just read; then the next request, or closing.
  void Answer(std::string_view target, HttpResponse response) {
    if (server_.logger) server_.logger(target, response.status);
    if (response.status == 503) response.SetHeader("Retry-After", "1");
    Write(std::move(response), keep_alive_ ? AfterWrite::kNext : AfterWrite::kClose);
  }

  // The same from a response kept whole: its bytes as they are (HTTP/1.1 only).
  void AnswerCached(std::string_view target, std::shared_ptr<const CachedResponse> entry) {
    if (server_.logger) server_.logger(target, entry->status);
    const AfterWrite after = keep_alive_ ? AfterWrite::kNext : AfterWrite::kClose;
    const std::string& head = keep_alive_ ? entry->head_keep_alive : entry->head_close;
    const std::array<net::const_buffer, 2> buffers = {
        net::buffer(head), head_ ? net::const_buffer() : net::buffer(entry->body)};
    SetDeadline(server_.options.write_timeout);
    net::async_write(socket_, buffers,
                     [self = shared_from_this(), entry = std::move(entry), after](
                         const boost::system::error_code& ec, size_t) {
                       self->AfterWritten(ec, after);
                     });
  }

  // An answer to a request that could not be read whole: the connection closes after it.
  void Fail(int status, std::string text) {
    keep_alive_ = false;
    head_ = false;
    Write(PlainResponse(status, std::move(text)), AfterWrite::kLinger);
  }

  enum class AfterWrite { kNext, kClose, kLinger };

  void Write(HttpResponse response, AfterWrite after) {
    auto res = std::make_shared<http::response<http::string_body>>(
        ToBeast(response, version_, after == AfterWrite::kNext, !head_));
    SetDeadline(server_.options.write_timeout);
    // A response to HEAD carries the Content-Length of the GET but no body; Beast writes the
    // body it holds (none) and keeps our header as set.
    http::async_write(socket_, *res,
                      [self = shared_from_this(), res, after](const boost::system::error_code& ec,
                                                              size_t) {
                        self->AfterWritten(ec, after);
                      });
  }

  void AfterWritten(const boost::system::error_code& ec, AfterWrite after) {
    if (ec || timed_out_) return Close();
    switch (after) {
      case AfterWrite::kNext:
        return WaitForRequest();
      case AfterWrite::kClose:
        return Close();
      case AfterWrite::kLinger:
        return Linger();
    }
  }

  // Stops sending and drops what the client still sends, until it closes, kMaxHttpLingerBytes
  // or kHttpLingerTimeout, so that closing does not reset the connection before the client
  // has read our answer.
  void Linger() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    SetDeadline(kHttpLingerTimeout);
    buffer_.clear();
    buffer_.shrink_to_fit();
    DrainSome();
  }

  void DrainSome() {
    socket_.async_read_some(
        net::buffer(drain_, sizeof drain_),
        [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
          self->lingered_ += n;
          if (ec || self->timed_out_ || self->lingered_ >= kMaxHttpLingerBytes) {
            return self->Close();
          }
          self->DrainSome();
        });
  }

  // Deadlines without re-arming the timer at every step (each re-arm cancels a wait, whose
  // completion then runs too): `deadline_` is the current step's, and the one wait pending ends
  // at min(deadline_, then + the shortest timeout), never later than any deadline a later step
  // sets; when it ends before the deadline, it waits again.
  void SetDeadline(std::chrono::milliseconds timeout) {
    deadline_ = Clock::now() + timeout;
    if (!timer_pending_) WaitForDeadline();
  }

  void WaitForDeadline() {
    timer_pending_ = true;
    timer_.expires_at(std::min(deadline_, Clock::now() + shortest_timeout_));
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      self->timer_pending_ = false;
      if (ec == net::error::operation_aborted || self->closed_) return;
      if (Clock::now() < self->deadline_) return self->WaitForDeadline();
      self->timed_out_ = true;
      boost::system::error_code ignored;
      self->socket_.cancel(ignored);
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  Impl& server_;
  tcp::socket socket_;
  net::steady_timer timer_;
  const std::chrono::milliseconds shortest_timeout_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timer_pending_ = false;
  const std::string address_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string cache_key_;  // the last request's, its capacity reused
  size_t served_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool timed_out_ = false;
  bool closed_ = false;
  size_t lingered_ = 0;
  char drain_[4096];
};

// A connection refused at once: the answer, a short drain, then closed.
struct Refusal : std::enable_shared_from_this<Refusal> {
  Refusal(tcp::socket s, std::string text)
      : socket(std::move(s)), timer(socket.get_executor()), response(std::move(text)) {}

  void Start() {
    net::dispatch(socket.get_executor(), [self = shared_from_this()] { self->Write(); });
  }

  void Write() {
    net::async_write(socket, net::buffer(response),
                     [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                       if (ec) return self->Close();
                       boost::system::error_code ignored;
                       self->socket.shutdown(tcp::socket::shutdown_send, ignored);
                       self->timer.expires_after(kHttpRefuseDrainWait);
                       self->timer.async_wait([self](const boost::system::error_code&) {
                         self->Close();
                       });
                       self->socket.async_read_some(
                           net::buffer(self->sink, sizeof self->sink),
                           [self](const boost::system::error_code&, size_t) { self->Close(); });
                     });
  }

  void Close() {
    boost::system::error_code ignored;
    timer.cancel(ignored);
    socket.close(ignored);
  }

  tcp::socket socket;
  net::steady_timer timer;
  std::string response;
  char sink[4096];
};

}  // namespace

void GuardedHttpServer::Impl::Accept() {
  acceptor->async_accept(net::make_strand(*iocs[next_loop++ % iocs.size()]),
                         [this](const boost::system::error_code& ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void GuardedHttpServer::Impl::OnAccept(const boost::system::error_code& ec, tcp::socket socket) {
  if (stopping || !acceptor->is_open()) return;
  if (ec) {
    // Out of file descriptors (or another transient failure): wait a moment, not a spin.
    spdlog::warn("HTTP gateway: accept failed: {}; retrying in {} ms", ec.message(),
                 kHttpAcceptRetryDelay.count());
    accept_retry->expires_after(kHttpAcceptRetryDelay);
    accept_retry->async_wait([this](const boost::system::error_code& wait_ec) {
      if (!wait_ec) Accept();
    });
    return;
  }
  Accept();
  const std::string address = AddressOf(socket);
  switch (Admit(address)) {
    case 0:
      return std::make_shared<Connection>(*this, std::move(socket), address)->Start();
    case 429:
      return Refuse(std::move(socket), 429,
                    "too many connections from " + address +
                        " (http.max_connections_per_address)\n");
    default:
      return Refuse(std::move(socket), 503,
                    "the server is busy: " + std::to_string(options.max_connections) +
                        " connections open (http.max_connections); retry shortly\n");
  }
}

void GuardedHttpServer::Impl::Refuse(tcp::socket socket, int status, const std::string& text) {
  const std::string response = "HTTP/1.1 " + std::to_string(status) + " " +
                               ReasonPhrase(status) +
                               "\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
                               "Content-Length: " +
                               std::to_string(text.size()) + "\r\nConnection: close\r\n\r\n" + text;
  std::make_shared<Refusal>(std::move(socket), response)->Start();
}

GuardedHttpServer::GuardedHttpServer(const Options& options, Handler handler, Logger logger)
    : impl_(std::make_unique<Impl>(options, std::move(handler), std::move(logger))) {}

GuardedHttpServer::~GuardedHttpServer() { Stop(); }

chain::Status GuardedHttpServer::Bind(const std::string& host, int port) {
  boost::system::error_code ec;
  tcp::resolver resolver(*impl_->iocs[0]);
  const auto endpoints = resolver.resolve(host, std::to_string(port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service,
                                          ec);
  if (ec || endpoints.empty()) {
    return chain::Reject(chain::Reason::kUnavailable,
                         "cannot resolve HTTP address " + host + ": " + ec.message());
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor& acceptor = *impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec && endpoint.address().is_v6()) acceptor.set_option(net::ip::v6_only(false), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(kHttpListenBacklog, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return chain::Reject(chain::Reason::kUnavailable, "cannot listen for HTTP on " + host + ":" +
                                                          std::to_string(port) + ": " +
                                                          ec.message());
  }
  impl_->port = acceptor.local_endpoint(ec).port();
  return chain::Status::Ok();
}

int GuardedHttpServer::port() const { return impl_->port; }

void GuardedHttpServer::Start() {
  Impl& impl = *impl_;
  impl.workers.emplace(std::max<size_t>(1, impl.options.handler_threads), kMaxHttpQueuedRequests);
  impl.Accept();
  for (auto& loop : impl.iocs) {
    impl.keep_running.emplace_back(loop->get_executor());  // idle loops wait for connections
    impl.io_threads.emplace_back([&impl, io = loop.get()] { io->run(); });
  }
}

void GuardedHttpServer::Stop() {
  Impl& impl = *impl_;
  if (impl.stopping.exchange(true) || impl.iocs.empty()) return;
  net::post(*impl.iocs[0], [&impl] {
    boost::system::error_code ignored;
    impl.acceptor->close(ignored);
    impl.accept_retry->cancel(ignored);
  });
  if (impl.workers) impl.workers->Stop();  // the requests being handled finish
  for (auto& loop : impl.iocs) loop->stop();
  for (auto& thread : impl.io_threads) thread.join();
  impl.io_threads.clear();
  impl.keep_running.clear();
  // Connections still in the event loop are freed with it (their counters still exist).
  impl.accept_retry.reset();
  impl.acceptor.reset();
  impl.iocs.clear();
  impl.workers.reset();
}

size_t GuardedHttpServer::active_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->open;
}

size_t GuardedHttpServer::cached_responses() const {
  return impl_->cache ? impl_->cache->size() : 0;
}

}  // namespace agritrace::node
