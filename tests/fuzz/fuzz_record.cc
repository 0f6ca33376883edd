// Fuzz target: a serialized record envelope, as a client (SubmitRecord) or a peer (gossip)
// sends it. Decodes it, checks the signature and the stateless rules, then applies it to the
// genesis state whatever the signature says (the fuzzer cannot forge signatures, and the rules
// must hold up on any decoded record), and renders it as JSON.
#include <limits>

#include "chain/model/record.h"
#include "chain/export/record_json.h"
#include "chain/rules/rules.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const chain::Genesis& genesis = fuzz::FuzzGenesis();
  auto record = chain::DecodeRecordBytes(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!record.ok()) return 0;
  const v1::Envelope& env = record->envelope;
  FUZZ_CHECK(record->id == chain::ComputeRecordId(env.body(), env.signer(), env.signature()));
  (void)chain::VerifyRecordSignature(*record);
  (void)chain::EventName(record->body);
  // The node's clock: a fixed time, the record's own time, and the extremes (no overflow).
  const int64_t stamp = record->body.timestamp_ms();
  for (int64_t now_ms : {fuzz::kFuzzT0, stamp, std::numeric_limits<int64_t>::min(),
                         std::numeric_limits<int64_t>::max()}) {
    (void)chain::CheckRecordStateless(*record, genesis.params, now_ms);
  }
  chain::StateOverlay state(&fuzz::FuzzGenesisState());
  (void)chain::ApplyRecord(*record, genesis.params, {1, 0, stamp}, state);
  (void)chain::RecordBodyToJson(record->body).dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace);
  return 0;
}
