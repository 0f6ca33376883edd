#include "chain/base/keys.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <cstdlib>
#include <cstring>

#include "chain/base/check.h"
#include "chain/base/parsed_key.h"

namespace agritrace::chain {
namespace {

// One context for the whole process, randomized once against side channels.
const secp256k1_context* Context() {
  static const secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
    uint8_t seed[32];
    RandomBytes(seed, sizeof(seed));
    const int randomized = secp256k1_context_randomize(c, seed);
    AGRI_CHECK(randomized == 1);
    return c;
  }();
  return ctx;
}

}  // namespace

void RandomBytes(uint8_t* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) std::abort();  // no entropy: cannot go on
}

PrivateKey PrivateKey::Generate() {
  for (;;) {
    std::array<uint8_t, 32> secret;
    RandomBytes(secret.data(), secret.size());
    auto key = FromBytes(AsBytes(secret));
    OPENSSL_cleanse(secret.data(), secret.size());
    if (key) return *key;
  }
}

std::optional<PrivateKey> PrivateKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != 32) return std::nullopt;
  PrivateKey key;
  for (size_t i = 0; i < 32; ++i) key.secret_[i] = static_cast<uint8_t>(bytes[i]);
  secp256k1_keypair keypair;
  if (!secp256k1_keypair_create(Context(), &keypair, key.secret_.data())) return std::nullopt;
  secp256k1_xonly_pubkey xonly;
  if (!secp256k1_keypair_xonly_pub(Context(), &xonly, nullptr, &keypair) ||
      !secp256k1_xonly_pubkey_serialize(Context(), key.public_key_.data(), &xonly)) {
    return std::nullopt;
  }
  OPENSSL_cleanse(&keypair, sizeof(keypair));
  return key;
}

PrivateKey::~PrivateKey() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

Signature PrivateKey::Sign(const Hash256& message) const {
  Hash256 aux;
  RandomBytes(aux.data(), aux.size());
  return SignWithAux(message, aux);
}

Signature PrivateKey::SignWithAux(const Hash256& message, const Hash256& aux) const {
  secp256k1_keypair keypair;
  const int created = secp256k1_keypair_create(Context(), &keypair, secret_.data());
  AGRI_CHECK_MSG(created == 1, "the secret was validated in FromBytes");
  Signature sig;
  const int signed_ok =
      secp256k1_schnorrsig_sign32(Context(), sig.data(), message.data(), &keypair, aux.data());
  AGRI_CHECK(signed_ok == 1);
  OPENSSL_cleanse(&keypair, sizeof(keypair));
  return sig;
}

bool VerifySchnorrBytes(const PubKey& public_key, std::string_view message,
                        const Signature& signature) {
  secp256k1_xonly_pubkey xonly;
  if (!secp256k1_xonly_pubkey_parse(Context(), &xonly, public_key.data())) return false;
  return secp256k1_schnorrsig_verify(Context(), signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), &xonly) == 1;
}

bool VerifySchnorr(const PubKey& public_key, const Hash256& message, const Signature& signature) {
  return VerifySchnorrBytes(
      public_key, std::string_view(reinterpret_cast<const char*>(message.data()), 32), signature);
}

bool IsValidPubKey(const PubKey& public_key) {
  secp256k1_xonly_pubkey xonly;
  return secp256k1_xonly_pubkey_parse(Context(), &xonly, public_key.data()) == 1;
}

std::optional<ParsedPubKey> ParsePubKey(const PubKey& public_key) {
  static_assert(sizeof(ParsedPubKey::bytes) == sizeof(secp256k1_xonly_pubkey));
  secp256k1_xonly_pubkey xonly;
  if (!secp256k1_xonly_pubkey_parse(Context(), &xonly, public_key.data())) return std::nullopt;
  ParsedPubKey parsed;
  std::memcpy(parsed.bytes, xonly.data, sizeof(parsed.bytes));
  return parsed;
}

bool VerifySchnorrParsed(const ParsedPubKey& public_key, const Hash256& message,
                         const Signature& signature) {
  secp256k1_xonly_pubkey xonly;
  std::memcpy(xonly.data, public_key.bytes, sizeof(xonly.data));
  return secp256k1_schnorrsig_verify(Context(), signature.data(), message.data(), message.size(),
                                     &xonly) == 1;
}

}  // namespace agritrace::chain
