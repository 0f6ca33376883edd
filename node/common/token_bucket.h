// TokenBucket: a rate limit of `rate` events per second on average with bursts up to `burst`.
// The peer layer uses one per session on each side: the reader enforces the per-peer receive
// limit, the writer paces honest sends below it.
//
// Thread-safety: none; each bucket belongs to one thread. Time is passed in, so tests need no
// clock.
#pragma once

#include <algorithm>
#include <chrono>

namespace agritrace::node {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts full (`burst` tokens) at `now`.
  TokenBucket(double rate_per_second, double burst, Clock::time_point now)
      : rate_(rate_per_second), burst_(burst), tokens_(burst), last_(now) {}

  // Takes one token if there is one.
  bool TryTake(Clock::time_point now) {
    Refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  // How long from `now` until a token is available (zero when one is).
  Clock::duration WaitTime(Clock::time_point now) {
    Refill(now);
    if (tokens_ >= 1) return Clock::duration::zero();
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>((1 - tokens_) / rate_));
  }

 private:
  void Refill(Clock::time_point now) {
    if (now <= last_) return;  // steady clock; equal times in tests
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }

  const double rate_;
  const double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace agritrace::node
