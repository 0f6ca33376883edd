// Fixed-size byte values (hashes, keys, signatures) and hex conversion.
//
// Variable-length byte strings are std::string, as protobuf `bytes` fields are.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "chain/base/check.h"

namespace agritrace::chain {

using Hash256 = std::array<uint8_t, 32>;
using PubKey = std::array<uint8_t, 32>;      // x-only secp256k1 public key (BIP-340)
using Signature = std::array<uint8_t, 64>;   // BIP-340 Schnorr signature

// Lower-case hex of any bytes.
std::string ToHex(std::string_view bytes);
template <size_t N>
std::string ToHex(const std::array<uint8_t, N>& bytes) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), N));
}

// Decodes hex (either case); nullopt on odd length or a non-hex character.
std::optional<std::string> FromHex(std::string_view hex);

// Exactly N bytes from hex, or nullopt.
template <size_t N>
std::optional<std::array<uint8_t, N>> ArrayFromHex(std::string_view hex) {
  auto bytes = FromHex(hex);
  if (!bytes || bytes->size() != N) return std::nullopt;
  std::array<uint8_t, N> out;
  for (size_t i = 0; i < N; ++i) out[i] = static_cast<uint8_t>((*bytes)[i]);
  return out;
}

// Hashes a hash, key or signature for unordered containers (std::unordered_set<Hash256,
// BytesHash>): all of its bytes mixed with a seed drawn once per process, so that values a
// client can grind (record ids, keys) cannot be chosen to fall into one bucket.
struct BytesHash {
  template <size_t N>
  size_t operator()(const std::array<uint8_t, N>& bytes) const noexcept {
    static_assert(N % 8 == 0, "whole 64-bit words");
    uint64_t h = Seed();
    for (size_t i = 0; i < N; i += 8) {
      uint64_t word = 0;
      for (size_t b = 0; b < 8; ++b) word |= uint64_t{bytes[i + b]} << (8 * b);
      h = (h ^ word) * 0x9E3779B97F4A7C15ull;
      h ^= h >> 29;
    }
    return static_cast<size_t>(h);
  }
  // Also (key, counter) pairs such as a signer's nonce.
  template <size_t N>
  size_t operator()(const std::pair<std::array<uint8_t, N>, uint64_t>& value) const noexcept {
    return (*this)(value.first) ^ static_cast<size_t>(value.second * 0xC2B2AE3D27D4EB4Full);
  }
  static uint64_t Seed() noexcept;
};

// Exactly N bytes from a byte string, or nullopt.
template <size_t N>
std::optional<std::array<uint8_t, N>> ArrayFromBytes(std::string_view bytes) {
  if (bytes.size() != N) return std::nullopt;
  std::array<uint8_t, N> out;
  for (size_t i = 0; i < N; ++i) out[i] = static_cast<uint8_t>(bytes[i]);
  return out;
}

// Exactly N bytes from a byte string whose length an earlier check established (a record field
// the stateless rules validated, a value this node wrote). Any other length is a broken
// invariant: it aborts like AGRI_CHECK, reporting the caller's file, line and function.
template <size_t N>
std::array<uint8_t, N> ArrayFromCheckedBytes(
    std::string_view bytes,
    const check_internal::SourceLocation& where = check_internal::SourceLocation::Current()) {
  if (bytes.size() != N) [[unlikely]] {
    check_internal::CheckFailed("bytes.size() == N", "a length checked earlier", where);
  }
  std::array<uint8_t, N> out;
  for (size_t i = 0; i < N; ++i) out[i] = static_cast<uint8_t>(bytes[i]);
  return out;
}

template <size_t N>
std::string AsBytes(const std::array<uint8_t, N>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), N);
}

// Big-endian fixed-width integers, for sortable RocksDB keys and signed layouts.
void AppendBigEndian64(std::string& out, uint64_t value);
void AppendBigEndian32(std::string& out, uint32_t value);
uint64_t ReadBigEndian64(std::string_view bytes);  // AGRI_CHECKs bytes.size() >= 8
uint32_t ReadBigEndian32(std::string_view bytes);  // AGRI_CHECKs bytes.size() >= 4

}  // namespace agritrace::chain
