#include "chain/model/attestation.h"

#include "chain/base/check.h"
#include "chain/base/hash.h"

namespace agritrace::chain {

namespace {
// A hash is an x-only key with probability about 1/2, so 256 tries fail with probability
// 2^-256: never.
constexpr int kMaxShadowKeyTries = 256;
}  // namespace

PubKey AttestedPartyKey(const std::string& attester, const std::string& uri) {
  for (int n = 0; n < kMaxShadowKeyTries; ++n) {
    std::string message = attester;
    message += static_cast<char>(n);
    message += uri;
    Hash256 candidate = TaggedHash("agritrace/attested-party/v1", message);
    PubKey key;
    std::copy(candidate.begin(), candidate.end(), key.begin());
    if (IsValidPubKey(key)) return key;
  }
  AGRI_CHECK_MSG(false, "no x-only key among 256 hashes");
  return PubKey{};
}

std::string ActingKey(const Record& record) {
  if (!record.body.has_attestation()) return AsBytes(record.signer);
  return AsBytes(AttestedPartyKey(AsBytes(record.signer), record.body.attestation().party().uri()));
}

}  // namespace agritrace::chain
