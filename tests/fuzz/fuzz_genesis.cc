// Fuzz target: a genesis file (JSON), as an operator receives it from the network's founders.
// Whatever parses must render (GenesisToJson) to text that parses to the same network.
#include "chain/model/genesis.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto genesis = chain::ParseGenesis(fuzz::AsString(data, size));
  if (!genesis.ok()) return 0;
  const chain::ValidatorSet set = genesis->validator_set();
  FUZZ_CHECK(set.validators.size() == genesis->validators.size());
  auto again = chain::ParseGenesis(chain::GenesisToJson(*genesis));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->chain_id == genesis->chain_id);
  FUZZ_CHECK(again->validator_set().validators == set.validators);
  FUZZ_CHECK(again->participants.size() == genesis->participants.size());
  return 0;
}
