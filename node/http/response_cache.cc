#include "node/http/response_cache.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace agritrace::node {
namespace {

// The request headers a cache key holds (http_guard.cc builds keys from the same three).
constexpr std::array<std::string_view, 3> kKeyHeaders = {"accept", "accept-language",
                                                         "accept-encoding"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool InKey(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kKeyHeaders.begin(), kKeyHeaders.end(), lower) != kKeyHeaders.end();
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool MayCache(const HttpResponse& response) {
  if (!response.cacheable || response.status != 200 ||
      response.body.size() > kMaxCachedResponseBodyBytes) {
    return false;
  }
  for (const auto& [name, value] : response.headers) {
    if (!EqualsNoCase(name, "Vary")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view item = Trim(rest.substr(0, comma));
      if (!item.empty() && !InKey(item)) return false;  // also "*"
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return true;
}

std::shared_ptr<const CachedResponse> ResponseCache::Find(const std::string& key,
                                                          uint64_t epoch) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second->epoch != epoch) return nullptr;
  return it->second;
}

void ResponseCache::Put(std::string key, std::shared_ptr<const CachedResponse> entry) {
  const size_t bytes = entry->bytes() + key.size();
  std::lock_guard lock(mu_);
  if (entry->epoch < epoch_ || bytes > max_bytes_) return;
  if (entry->epoch > epoch_ || entries_.size() >= max_entries_ || bytes_ + bytes > max_bytes_) {
    entries_.clear();
    bytes_ = 0;
    epoch_ = entry->epoch;
  }
  auto [it, inserted] = entries_.try_emplace(std::move(key), entry);
  if (!inserted) {
    bytes_ -= it->second->bytes() + it->first.size();
    it->second = std::move(entry);
  }
  bytes_ += bytes;
}

size_t ResponseCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

size_t ResponseCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace agritrace::node
