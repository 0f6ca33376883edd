// ResponseCache: whole HTTP responses kept as the bytes that go on the wire (status line and
// headers, body), so that the gateway's hot answers (a lot's product page and proof bundle, which
// a shopper's scan asks for again and again) are written straight from the event-loop thread:
// no worker hand-off, no rendering, no serialising, no copy (issue 18, target (c)).
//
// Correctness rests on three rules:
//   - a handler marks a response `cacheable` only when the same request gets the same bytes
//     for as long as the cache's epoch does not change (the gateway: the chain's height);
//   - the key is everything such a request may vary by: its target, and its Accept,
//     Accept-Language and Accept-Encoding headers (the method need not be: HEAD is the GET
//     without its body); a response whose Vary names another header is not kept (MayCache);
//   - an entry is served only while the epoch is the one read before its response was made, so
//     a block committed meanwhile makes it stale at once.
// Bounded: kMaxCachedResponses entries and kMaxCachedResponseBytes; beyond either, every entry
// is dropped (crude, cheap, rarely hit: a shop scans a few lots). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "node/http/http_exchange.h"

namespace agritrace::node {

// Entries (keys) the cache holds at most, and bytes (heads, bodies and keys).
inline constexpr size_t kMaxCachedResponses = 1024;
inline constexpr size_t kMaxCachedResponseBytes = 64 * 1024 * 1024;
// A response larger than this is never kept (it would crowd out every other).
inline constexpr size_t kMaxCachedResponseBodyBytes = 4 * 1024 * 1024;

struct CachedResponse {
  uint64_t epoch = 0;  // the cache epoch read before the response was made
  int status = 200;
  std::string head_keep_alive;  // HTTP/1.1 status line and headers, up to the blank line
  std::string head_close;       // the same with "Connection: close"
  std::string body;

  size_t bytes() const { return head_keep_alive.size() + head_close.size() + body.size(); }
};

// Whether `response` may be kept: marked cacheable, status 200, a body within
// kMaxCachedResponseBodyBytes, and a Vary header (if any) naming only Accept, Accept-Language
// and Accept-Encoding.
bool MayCache(const HttpResponse& response);

class ResponseCache {
 public:
  explicit ResponseCache(size_t max_entries = kMaxCachedResponses,
                         size_t max_bytes = kMaxCachedResponseBytes)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  // The entry under `key` if it was made at `epoch`, else null.
  std::shared_ptr<const CachedResponse> Find(const std::string& key, uint64_t epoch) const;

  // Keeps `entry` under `key`. An entry of an older epoch than the newest seen is not kept; one
  // of a newer epoch drops all others (none of them can be served again). Beyond either bound
  // every other entry is dropped first.
  void Put(std::string key, std::shared_ptr<const CachedResponse> entry);

  size_t size() const;
  size_t bytes() const;

 private:
  const size_t max_entries_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedResponse>> entries_;  // GUARDED_BY(mu_)
  size_t bytes_ = 0;    // GUARDED_BY(mu_)
  uint64_t epoch_ = 0;  // GUARDED_BY(mu_); the newest epoch kept
};

}  // namespace agritrace::node
