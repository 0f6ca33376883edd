// Public keys parsed once for many verifications.
//
// Parsing an x-only key is a square root in the field, about a tenth of a BIP-340
// verification: a verifier that sees the same signers again and again keeps the parsed form
// (node/mempool/verified_records.h).
#pragma once

#include <optional>

#include "chain/base/bytes.h"

namespace agritrace::chain {

// libsecp256k1's secp256k1_xonly_pubkey, opaque.
struct ParsedPubKey {
  unsigned char bytes[64];
};

// nullopt when the 32 bytes are not a valid x-only key.
std::optional<ParsedPubKey> ParsePubKey(const PubKey& public_key);

// VerifySchnorr (chain/base/keys.h) with a parsed key.
bool VerifySchnorrParsed(const ParsedPubKey& public_key, const Hash256& message,
                         const Signature& signature);

}  // namespace agritrace::chain
