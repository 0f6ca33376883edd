// GuardedHttpServer: cpp-httplib's server with the connection handling hardened against
// hostile clients. cpp-httplib gives each connection one worker thread for its whole life and
// bounds only each single read, so a client sending a byte every few seconds (slowloris), or
// many idle keep-alive connections, could hold every worker. This server replaces the
// per-connection loop (Server::process_and_close_socket, a virtual hook of the library):
//   - at most `connections_per_address` connections from one address are served at once;
//     more are answered 429 and closed at once;
//   - a request must arrive whole within `read_timeout` of its first byte and its response be
//     written within `write_timeout`, however the client trickles; headers are capped at
//     kMaxHttpHeaderBytes (beyond: 400 and the connection closes);
//   - an idle keep-alive connection gives its worker back after kHttpKeepAliveTimeout;
//   - connections waiting for a worker are bounded (kMaxHttpQueuedConnections; beyond: 503);
//   - requests per address go through a token bucket: over it, 429 with Retry-After.
// Loopback addresses are exempt from the per-address limits unless `limit_loopback` (a local
// reverse proxy carries every shopper's requests).
//
// Thread-safety: httplib calls the hooks from its listener and worker threads; shared state
// is under mu_.
#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "node/common/rate_limiter.h"

namespace agritrace::node {

class GuardedHttpServer : public httplib::Server {
 public:
  struct Options {
    size_t threads = 8;
    size_t connections_per_address = 8;
    std::chrono::milliseconds read_timeout{5000};
    std::chrono::milliseconds write_timeout{10000};
    size_t max_request_bytes = 64 * 1024;  // body; headers get kMaxHttpHeaderBytes more
    double requests_per_second = 0;        // <= 0: no rate limit
    double burst_requests = 0;
    bool limit_loopback = false;
  };

  explicit GuardedHttpServer(const Options& options);

  // Call after bind_to_port: cpp-httplib listens with a backlog of 5, so a burst of
  // connections (an attack, or just a busy moment) would make the kernel drop new clients'
  // SYNs, delaying them by a second or more before the server ever sees them.
  void WidenListenBacklog();

  // Connections being served now (for tests and metrics).
  size_t active_connections() const;

 private:
  bool process_and_close_socket(socket_t sock) override;
  // The keep-alive loop of one admitted connection.
  void Serve(socket_t sock);
  bool AdmitConnection(const std::string& address);
  void ReleaseConnection(const std::string& address);
  bool Limited(const std::string& address) const;

  const Options options_;
  RateLimiter limiter_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, size_t> connections_;  // GUARDED_BY(mu_); address -> open
  size_t active_ = 0;                                    // GUARDED_BY(mu_)
};

}  // namespace agritrace::node
