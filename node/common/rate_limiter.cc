#include "node/common/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace agritrace::node {

bool RateLimiter::TryTake(Bucket& bucket, double cost, Clock::time_point now,
                          std::chrono::milliseconds* retry_after) const {
  if (now > bucket.last) {  // a clock that does not advance never mints tokens
    const double elapsed_s = std::chrono::duration<double>(now - bucket.last).count();
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed_s * rate_);
    bucket.last = now;
  }
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    return true;
  }
  const double wait_ms = std::ceil((cost - bucket.tokens) / rate_ * 1000.0);
  *retry_after = std::chrono::milliseconds(static_cast<int64_t>(std::max(1.0, wait_ms)));
  return false;
}

RateLimiter::RateLimiter(double rate_per_second, double burst, size_t max_clients)
    : rate_(rate_per_second),
      burst_(std::max(burst, 1.0)),
      max_clients_(std::max<size_t>(max_clients, 1)) {}

RateLimiter::Decision RateLimiter::Allow(const std::string& client, double cost,
                                         Clock::time_point now) {
  Decision decision;
  if (!enabled()) return decision;
  std::lock_guard lock(mu_);
  auto it = clients_.find(client);
  if (it == clients_.end()) {
    if (clients_.size() >= max_clients_) {  // forget the least recently seen client
      clients_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(client);
    it = clients_.emplace(client, Entry{Bucket{burst_, now}, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  // A single call dearer than the whole burst is charged the burst: it is allowed when the
  // bucket is full, so no request size is refused forever.
  decision.allowed = TryTake(it->second.bucket, std::min(cost, burst_), now, &decision.retry_after);
  return decision;
}

size_t RateLimiter::tracked_clients() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

namespace {

std::string PercentDecodeBrackets(std::string text) {
  for (const auto& [from, to] : {std::pair{"%5B", "["}, {"%5D", "]"}, {"%5b", "["}, {"%5d", "]"}}) {
    for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, 3, to);
  }
  return text;
}

}  // namespace

std::string ClientAddressOf(const std::string& peer) {
  std::string text = PercentDecodeBrackets(peer);
  bool had_scheme = false;
  for (const char* scheme : {"ipv4:", "ipv6:"}) {
    if (text.rfind(scheme, 0) == 0) {
      text = text.substr(5);
      had_scheme = true;
    }
  }
  if (!text.empty() && text.front() == '[') {  // [v6]:port or [v6]
    const size_t close = text.find(']');
    if (close != std::string::npos) text = text.substr(1, close - 1);
  } else if (had_scheme && std::count(text.begin(), text.end(), ':') == 1) {
    text = text.substr(0, text.find(':'));  // v4:port
  }
  if (text.rfind("::ffff:", 0) == 0 && text.find('.') != std::string::npos) text = text.substr(7);
  return text;
}

bool IsLoopbackAddress(const std::string& address) {
  return address == "::1" || address.rfind("127.", 0) == 0;
}

}  // namespace agritrace::node
