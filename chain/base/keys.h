// secp256k1 keys and BIP-340 Schnorr signatures through libsecp256k1.
//
// Thread-safety: all functions are safe to call from any thread (the library context is
// created once and only read afterwards).
#pragma once

#include <optional>
#include <string_view>

#include "chain/base/bytes.h"

namespace agritrace::chain {

// A secret key. Wiped on destruction.
class PrivateKey {
 public:
  // A fresh random key from the OS CSPRNG.
  static PrivateKey Generate();
  // nullopt unless 32 bytes forming a valid secret key (0 < k < n).
  static std::optional<PrivateKey> FromBytes(std::string_view bytes);

  PrivateKey(const PrivateKey&) = default;
  PrivateKey& operator=(const PrivateKey&) = default;
  ~PrivateKey();

  PubKey public_key() const { return public_key_; }
  std::string_view bytes() const {
    return std::string_view(reinterpret_cast<const char*>(secret_.data()), secret_.size());
  }

  // BIP-340 signature of a 32-byte message with fresh random auxiliary data.
  Signature Sign(const Hash256& message) const;
  // With explicit auxiliary randomness (for test vectors).
  Signature SignWithAux(const Hash256& message, const Hash256& aux) const;

 private:
  PrivateKey() = default;
  std::array<uint8_t, 32> secret_{};
  PubKey public_key_{};
};

// BIP-340 verification of a 32-byte message.
bool VerifySchnorr(const PubKey& public_key, const Hash256& message, const Signature& signature);
// BIP-340 verification of a message of any length (as the BIP-340 test vectors use).
bool VerifySchnorrBytes(const PubKey& public_key, std::string_view message,
                        const Signature& signature);
// True when the 32 bytes are a valid x-only public key (a point on the curve).
bool IsValidPubKey(const PubKey& public_key);

// Fills `out` with bytes from the OS CSPRNG.
void RandomBytes(uint8_t* out, size_t size);

}  // namespace agritrace::chain
