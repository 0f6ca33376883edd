// Fuzz target: a proof bundle as a consumer's verifier reads it, in either form (JSON when it
// starts with '{', else binary protobuf; chain::ParseBundle decides). Verifies it against the
// fixed genesis, and checks that the JSON form of whatever parsed reads back to the same
// bundle.
#include "chain/bundle/bundle.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const chain::Genesis& genesis = fuzz::FuzzGenesis();
  auto bundle = chain::ParseBundle(fuzz::AsString(data, size));
  if (!bundle.ok()) return 0;
  const chain::BundleVerdict verdict = chain::VerifyProofBundle(*bundle, genesis);
  FUZZ_CHECK(verdict.records.size() == static_cast<size_t>(bundle->records_size()));
  const nlohmann::json json = chain::BundleToJson(*bundle);
  auto again = chain::BundleFromJson(json);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(chain::VerifyProofBundle(*again, genesis).ok() == verdict.ok());
  (void)json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
