// RateLimiter: a token bucket per client address, in a bounded table. (The peer layer's
// single-owner bucket is node/token_bucket.h; this one is shared by all client threads.)
//
// Each client (an IP address; ports are ignored so many connections from one host share one
// budget) owns a bucket holding up to `burst` tokens that refills at `rate_per_second`. A call
// costs tokens; when the bucket cannot pay, the call is refused and told when to retry. The
// table holds at most `max_clients` buckets: when full, the least recently seen client is
// forgotten (it starts again with a full bucket, which costs an attacker nothing it did not
// already have, while memory stays bounded).
//
// Thread-safe: every method takes the internal mutex. Time is passed in, so tests drive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace agritrace::node {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed = true;
    std::chrono::milliseconds retry_after{0};  // when refused: wait at least this long
  };

  // rate_per_second <= 0 turns limiting off (every call is allowed).
  RateLimiter(double rate_per_second, double burst, size_t max_clients);

  Decision Allow(const std::string& client, double cost = 1.0, Clock::time_point now = Clock::now());

  bool enabled() const { return rate_ > 0; }
  double rate_per_second() const { return rate_; }
  double burst() const { return burst_; }
  size_t tracked_clients() const;

 private:
  // One client's bucket: up to burst_ tokens, refilled at rate_ per second.
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  struct Entry {
    Bucket bucket;
    std::list<std::string>::iterator lru;  // position in lru_
  };

  // Takes `cost` tokens if the bucket (refilled up to `now`) has them; else sets
  // `retry_after` to how long until it will.
  bool TryTake(Bucket& bucket, double cost, Clock::time_point now,
               std::chrono::milliseconds* retry_after) const;

  const double rate_;
  const double burst_;
  const size_t max_clients_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> clients_;  // GUARDED_BY(mu_)
  std::list<std::string> lru_;                      // GUARDED_BY(mu_); front = most recent
};

// The client part of a peer address, for use as a rate-limit key: gRPC's "ipv4:1.2.3.4:5678",
// "ipv6:%5B::1%5D:5678" or "ipv6:[::1]:5678", or a bare "1.2.3.4" / "::1". An IPv4-mapped IPv6
// address ("::ffff:1.2.3.4") becomes the IPv4 address, so a dual-stack listener counts one host
// once. Anything unparsable is returned whole (still a usable key).
std::string ClientAddressOf(const std::string& peer);

// True for 127.0.0.0/8 and ::1 (after ClientAddressOf).
bool IsLoopbackAddress(const std::string& address);

}  // namespace agritrace::node
