// GuardedHttpServer: the gateway's HTTP/1.1 server, event-driven (Boost.Beast on Boost.Asio),
// hardened against hostile and slow clients. A connection costs a socket, a timer and a small
// buffer, never a thread: `io_threads` event loops (one thread each; a connection stays on the
// one it was accepted onto, round robin) wait on every connection at once, and
// only a request that has arrived whole goes to one of `handler_threads` workers (handlers read
// the store, which may take milliseconds; the event loop never waits for them). So a thousand
// clients that trickle their headers hold a thousand cheap sockets, and a shopper on another
// connection is answered at once (issue 16, scenario 10).
//
// Limits (every one named; the defaults are in node/common/client_limits.h and NodeConfig):
//   - at most `max_connections` connections at once (beyond: 503 and closed at once), and at
//     most `connections_per_address` from one address (beyond: 429 and closed at once);
//   - an idle connection (before a request's first byte) is closed after `idle_timeout`;
//   - a request must arrive whole within `read_timeout` of its first byte, however the client
//     trickles, and its response be written within `write_timeout`;
//   - a request's line and headers are capped at kMaxHttpHeaderBytes (beyond: 400), its body at
//     `max_request_bytes` (beyond: 413); either closes the connection;
//   - requests waiting for a worker are bounded (kMaxHttpQueuedRequests; beyond: 503);
//   - requests per address go through a token bucket: over it, 429 with Retry-After;
//   - a keep-alive connection serves at most kHttpKeepAliveMaxRequests requests.
// Responses a handler marks `cacheable` are kept whole (response_cache.h) while `cache_epoch`
// stays the same; the same request is then answered from the event-loop thread with those
// bytes (after the same rate limit), without a worker. Every other request goes to a worker.
// Loopback addresses are exempt from the per-address limits unless `limit_loopback` (a local
// reverse proxy carries every shopper's requests). Per connection the memory is bounded by the
// header and body limits; an idle connection gives its buffer back.
//
// Thread-safety: Start/Stop from one thread; the handler is called from the worker threads, any
// number at once; active_connections() from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "chain/base/status.h"
#include "node/http/http_exchange.h"

namespace agritrace::node {

class GuardedHttpServer {
 public:
  struct Options {
    size_t io_threads = 2;
    size_t handler_threads = 8;
    size_t max_connections = 4096;
    size_t connections_per_address = 8;
    std::chrono::milliseconds idle_timeout{2000};
    std::chrono::milliseconds read_timeout{5000};
    std::chrono::milliseconds write_timeout{10000};
    size_t max_request_bytes = 64 * 1024;  // body; headers get kMaxHttpHeaderBytes more
    double requests_per_second = 0;        // <= 0: no rate limit
    double burst_requests = 0;
    bool limit_loopback = false;
    // What cached responses are valid for (the gateway: the chain's height), read on the
    // event-loop thread for each GET or HEAD; null: nothing is cached.
    std::function<uint64_t()> cache_epoch;
  };
  // Answers one request (called on a worker thread).
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  // Told of every response sent to a request (its raw target; for metrics), on any thread.
  using Logger = std::function<void(std::string_view target, int status)>;

  GuardedHttpServer(const Options& options, Handler handler, Logger logger = nullptr);
  ~GuardedHttpServer();  // Stop()s

  // Binds HOST:PORT (port 0: any free port) and listens; UNAVAILABLE when it cannot.
  chain::Status Bind(const std::string& host, int port);
  // The port bound (after Bind).
  int port() const;
  // Starts the event-loop and worker threads; returns at once.
  void Start();
  // Stops accepting, lets the requests being handled finish, closes every connection and
  // joins the threads. Idempotent.
  void Stop();

  // Connections open now (for tests and metrics).
  size_t active_connections() const;
  // Responses kept whole now (for tests).
  size_t cached_responses() const;

  struct Impl;  // the event loop, workers and counters (http_guard.cc)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace agritrace::node
