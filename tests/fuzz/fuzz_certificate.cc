// Fuzz target: a commit certificate on its own (it travels inside blocks and proof bundles).
// Verified for the block hash it names (or a fixed one) against the four-validator genesis set,
// a one-validator set and an empty set.
#include "chain/model/block.h"
#include "chain/base/hash.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const chain::Genesis& genesis = fuzz::FuzzGenesis();
  v1::CommitCertificate cert;
  if (!cert.ParseFromArray(data, static_cast<int>(size))) return 0;
  const chain::Hash256 hash =
      chain::ArrayFromBytes<32>(cert.block_hash()).value_or(chain::Sha256("fuzz block"));
  const chain::ValidatorSet full = genesis.validator_set();
  chain::ValidatorSet one, empty;
  one.validators.push_back(full.validators.front());
  const chain::ValidatorSet* sets[] = {&full, &one, &empty};
  for (const chain::ValidatorSet* set : sets) {
    const chain::Status status =
        chain::VerifyCertificate(cert, genesis.chain_id, cert.height(), hash, *set);
    // No signatures can never make a quorum.
    if (cert.signatures_size() == 0) FUZZ_CHECK(!status.ok());
  }
  return 0;
}
