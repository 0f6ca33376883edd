// LedgerGuard: admission control for every call of a gRPC service (the Ledger client API),
// in front of the service's own handlers.
//
// Each call is admitted or refused with RESOURCE_EXHAUSTED, before its request is decoded:
//   - request larger than kMaxLedgerRequestBytes,
//   - the client address over its token bucket (grpc.client_calls_per_second / burst),
//   - too many calls in progress from that address or overall (client_limits.h).
// The refusal's message names the limit and, for the rate limit, when to retry.
//
// GuardService() wraps a generated synchronous service (e.g. LedgerService) method by method,
// so methods added to the .proto later are covered without touching this file.
//
// Thread-safety: LedgerGuard is called from gRPC's threads; all state is under its mutex.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "node/common/rate_limiter.h"

namespace agritrace::node {

class LedgerGuard {
 public:
  struct Options {
    double calls_per_second = 0;  // <= 0: no rate limit
    double burst_calls = 0;
    bool limit_loopback = false;  // rate-limit 127.0.0.0/8 and ::1 too
    size_t max_request_bytes = 0;
    size_t max_in_flight = 0;
    size_t max_in_flight_per_client = 0;
  };

  explicit LedgerGuard(const Options& options);

  // Admits a call from `client` (ClientAddressOf form) carrying `request_bytes`; on OK the
  // caller must call Release(client) when the call ends.
  grpc::Status Admit(const std::string& client, size_t request_bytes);
  void Release(const std::string& client);

  size_t in_flight() const;

 private:
  const Options options_;
  RateLimiter limiter_;
  mutable std::mutex mu_;
  size_t in_flight_ = 0;                                 // GUARDED_BY(mu_)
  std::unordered_map<std::string, size_t> per_client_;   // GUARDED_BY(mu_); entries > 0 only
};

// A service whose methods run `inner`'s handlers behind `guard`. Register it instead of
// `inner`; both `inner` and `guard` must outlive it. Server reflection still lists the
// inner service (method names are unchanged).
std::unique_ptr<grpc::Service> GuardService(grpc::Service* inner, LedgerGuard* guard);

}  // namespace agritrace::node
