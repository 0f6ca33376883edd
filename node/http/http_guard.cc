#include "node/http/http_guard.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

#include "node/common/client_limits.h"

namespace agritrace::node {
namespace {

using Clock = std::chrono::steady_clock;

// Bytes fetched from the socket per recv: httplib reads headers a byte at a time.
constexpr size_t kReadBufferBytes = 4096;
// How long a refused connection's request is awaited (and discarded) before closing.
constexpr std::chrono::milliseconds kRefuseDrainWait{10};
// How often a wait re-checks whether the server is stopping.
constexpr std::chrono::milliseconds kStopPollInterval{100};

// Set while the listener thread hands a connection over with no room in the queue: the
// connection hook then refuses it instead of serving it.
thread_local bool t_refuse_connection = false;

// Waits until `sock` is ready for `events` or `deadline` passes.
bool WaitFor(int sock, short events, Clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{sock, events, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (ready > 0) return (fd.revents & (events | POLLHUP | POLLERR)) != 0;
    if (ready == 0 || errno != EINTR) return false;
  }
}

std::string AddressText(const sockaddr_storage& addr, int* port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    if (port) *port = ntohs(v4->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    if (port) *port = ntohs(v6->sin6_port);
  }
  return ClientAddressOf(text);
}

std::string PeerAddress(int sock, int* port = nullptr) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return AddressText(addr, port);
}

// Answers a connection we will not serve and closes it, without waiting on the client.
void Refuse(int sock, int status, const char* reason, const std::string& body) {
  const std::string response = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                               "\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
                               "Content-Length: " + std::to_string(body.size()) +
                               "\r\nConnection: close\r\n\r\n" + body;
  (void)::send(sock, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(sock, SHUT_WR);
  // Read what the client sent (waiting a moment for it), so closing does not reset the
  // connection before the answer is delivered.
  char sink[4096];
  if (WaitFor(sock, POLLIN, Clock::now() + kRefuseDrainWait)) {
    (void)::recv(sock, sink, sizeof sink, MSG_DONTWAIT);
  }
  ::close(sock);
}

// One connection's socket as httplib sees it, with per-request deadlines and a cap on the
// bytes of a request's line and headers (the body's limit is httplib's payload limit, 413).
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(int sock, const GuardedHttpServer::Options& options)
      : sock_(sock), options_(options) {}

  bool buffered() const { return begin_ < end_; }

  // A new request starts: its deadlines and byte budget start now.
  void BeginExchange() {
    read_deadline_ = Clock::now() + options_.read_timeout;
    write_deadline_.reset();
    header_bytes_ = 0;
    in_headers_ = true;
    last4_ = 0;
  }

  bool is_readable() const override { return buffered() || WaitFor(sock_, POLLIN, read_deadline_); }
  bool is_writable() const override {
    return WaitFor(sock_, POLLOUT, write_deadline_.value_or(Clock::now() + options_.write_timeout));
  }

  ssize_t read(char* ptr, size_t size) override {
    if (in_headers_) {
      if (header_bytes_ >= kMaxHttpHeaderBytes) return -1;  // httplib answers 400
      size = std::min(size, kMaxHttpHeaderBytes - header_bytes_);
    }
    if (!buffered()) {
      if (!WaitFor(sock_, POLLIN, read_deadline_)) return -1;
      ssize_t n;
      do n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    if (in_headers_) ScanHeaders(ptr, n);
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!write_deadline_) write_deadline_ = Clock::now() + options_.write_timeout;
    if (!WaitFor(sock_, POLLOUT, *write_deadline_)) return -1;
    ssize_t n;
    do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = PeerAddress(sock_, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      ip = AddressText(addr, &port);
    }
  }
  socket_t socket() const override { return sock_; }

 private:
  // Counts header bytes until the blank line that ends them ("\r\n\r\n").
  void ScanHeaders(const char* data, size_t n) {
    for (size_t i = 0; i < n && in_headers_; ++i) {
      ++header_bytes_;
      last4_ = (last4_ << 8) | static_cast<unsigned char>(data[i]);
      if (last4_ == 0x0d0a0d0a) in_headers_ = false;
    }
  }

  const int sock_;
  const GuardedHttpServer::Options& options_;
  Clock::time_point read_deadline_;
  std::optional<Clock::time_point> write_deadline_;
  size_t header_bytes_ = 0;
  bool in_headers_ = true;
  uint32_t last4_ = 0;
  char buffer_[kReadBufferBytes];
  size_t begin_ = 0, end_ = 0;
};

// httplib's worker pool with a bounded queue. A connection that finds the queue full is
// handed back to the server's hook at once, flagged to be refused (503) and closed.
class BoundedPool final : public httplib::TaskQueue {
 public:
  BoundedPool(size_t threads, size_t max_queued) : max_queued_(max_queued) {
    for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mu_);
      if (!stopping_ && jobs_.size() < max_queued_) {
        jobs_.push_back(std::move(fn));
        cv_.notify_one();
        return;
      }
    }
    t_refuse_connection = true;
    fn();
    t_refuse_connection = false;
  }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& worker : workers_) worker.join();
  }

 private:
  void Work() {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and every queued connection handled
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                   // GUARDED_BY(mu_)
  std::vector<std::thread> workers_;
};

}  // namespace

GuardedHttpServer::GuardedHttpServer(const Options& options)
    : options_(options),
      limiter_(options.requests_per_second, options.burst_requests, kMaxHttpRateLimitedClients) {
  const size_t threads = std::max<size_t>(1, options_.threads);
  new_task_queue = [threads] { return new BoundedPool(threads, kMaxHttpQueuedConnections); };
  set_payload_max_length(options_.max_request_bytes);
  set_keep_alive_max_count(kHttpKeepAliveMaxRequests);
  set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!limiter_.enabled() || !Limited(req.remote_addr)) return HandlerResponse::Unhandled;
    auto decision = limiter_.Allow(req.remote_addr);
    if (decision.allowed) return HandlerResponse::Unhandled;
    const auto seconds = std::max<int64_t>(1, (decision.retry_after.count() + 999) / 1000);
    res.status = 429;
    res.set_header("Retry-After", std::to_string(seconds));
    res.set_content("rate limit: more than " +
                        std::to_string(static_cast<int64_t>(limiter_.rate_per_second())) +
                        " requests per second from " + req.remote_addr +
                        " (http.client_requests_per_second); retry after " +
                        std::to_string(seconds) + " s\n",
                    "text/plain");
    return HandlerResponse::Handled;
  });
}

void GuardedHttpServer::WidenListenBacklog() {
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, kHttpListenBacklog);
}

size_t GuardedHttpServer::active_connections() const {
  std::lock_guard lock(mu_);
  return active_;
}

bool GuardedHttpServer::Limited(const std::string& address) const {
  return options_.limit_loopback || !IsLoopbackAddress(address);
}

bool GuardedHttpServer::AdmitConnection(const std::string& address) {
  std::lock_guard lock(mu_);
  size_t& open = connections_[address];
  if (Limited(address) && open >= options_.connections_per_address) return false;
  ++open;
  ++active_;
  return true;
}

void GuardedHttpServer::ReleaseConnection(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = connections_.find(address);
  if (it != connections_.end() && --it->second == 0) connections_.erase(it);
  --active_;
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  if (t_refuse_connection) {
    Refuse(sock, 503, "Service Unavailable", "the server is busy; retry shortly\n");
    return false;
  }
  const std::string address = PeerAddress(sock);
  if (!AdmitConnection(address)) {
    Refuse(sock, 429, "Too Many Requests",
           "too many connections from " + address + " (http.max_connections_per_address)\n");
    std::lock_guard lock(mu_);
    if (auto it = connections_.find(address); it != connections_.end() && it->second == 0) {
      connections_.erase(it);
    }
    return false;
  }
  // A response goes out as headers then body; with Nagle on, the body waits for the client's
  // delayed ACK (40 ms on Linux) on every keep-alive request.
  int one = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  Serve(sock);
  ReleaseConnection(address);
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

void GuardedHttpServer::Serve(socket_t sock) {
  GuardedStream stream(sock, options_);
  for (size_t left = kHttpKeepAliveMaxRequests; left > 0; --left) {
    // Wait for the next request, giving up on an idle client or a stopping server.
    const auto idle_deadline = Clock::now() + kHttpKeepAliveTimeout;
    bool ready = stream.buffered();
    while (!ready && svr_sock_ != INVALID_SOCKET && Clock::now() < idle_deadline) {
      ready = WaitFor(sock, POLLIN, std::min(idle_deadline, Clock::now() + kStopPollInterval));
    }
    if (!ready || svr_sock_ == INVALID_SOCKET) return;
    stream.BeginExchange();
    bool connection_closed = false;
    if (!process_request(stream, /*close_connection=*/left == 1, connection_closed, nullptr) ||
        connection_closed) {
      return;
    }
  }
}

}  // namespace agritrace::node
