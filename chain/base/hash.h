// SHA-256 (OpenSSL) and BIP-340 tagged hashes.
#pragma once

#include <string_view>

#include "chain/base/bytes.h"

namespace agritrace::chain {

// Domain-separation tags. Each names a message kind and its version; changing one is a
// protocol change.
inline constexpr std::string_view kRecordTag = "agritrace/record/v1";
inline constexpr std::string_view kVoteTag = "agritrace/vote/v1";
inline constexpr std::string_view kBlockTag = "agritrace/block/v1";

Hash256 Sha256(std::string_view data);

// TaggedHash(tag, m) = SHA256(SHA256(tag) || SHA256(tag) || m), as in BIP-340.
Hash256 TaggedHash(std::string_view tag, std::string_view message);

// Incremental SHA-256 for data that comes in pieces.
class Sha256Builder {
 public:
  Sha256Builder();
  ~Sha256Builder();
  Sha256Builder(const Sha256Builder&) = delete;
  Sha256Builder& operator=(const Sha256Builder&) = delete;

  Sha256Builder& Add(std::string_view data);
  template <size_t N>
  Sha256Builder& Add(const std::array<uint8_t, N>& data) {
    return Add(std::string_view(reinterpret_cast<const char*>(data.data()), N));
  }
  Hash256 Finish();

 private:
  struct Impl;
  Impl* impl_;  // owned
};

}  // namespace agritrace::chain
