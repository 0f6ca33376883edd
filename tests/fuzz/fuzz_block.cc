// Fuzz target: a serialized block, as a peer sends it (commit announce, sync response,
// proposal). Decodes it for the fuzz chain, verifies its certificate against the fixed
// four-validator genesis, checks every record's signature, and applies the records in order to
// the genesis state (what a block applier does, signatures aside, so the fuzzer reaches the
// stateful rules with sequences of records).
#include "chain/model/block.h"
#include "chain/rules/rules.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const chain::Genesis& genesis = fuzz::FuzzGenesis();
  v1::Block block;
  if (!block.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto decoded = chain::DecodeBlock(block, genesis.chain_id);
  if (!decoded.ok()) return 0;
  FUZZ_CHECK(decoded->hash == chain::BlockHash(block.header()));
  FUZZ_CHECK(decoded->records.size() == static_cast<size_t>(block.records_size()));
  (void)chain::VerifyCertificate(block.certificate(), genesis.chain_id, decoded->header.height(),
                                 decoded->hash, genesis.validator_set());
  chain::StateOverlay state(&fuzz::FuzzGenesisState());
  for (uint32_t i = 0; i < decoded->records.size(); ++i) {
    const chain::Record& record = decoded->records[i];
    (void)chain::VerifyRecordSignature(record);
    chain::StateOverlay attempt(&state);
    const chain::ApplyContext ctx{decoded->header.height(), i, decoded->header.time_ms()};
    if (chain::ApplyRecord(record, genesis.params, ctx, attempt).ok()) attempt.MergeInto(state);
  }
  return 0;
}
