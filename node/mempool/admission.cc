#include "node/mempool/admission.h"

#include "chain/rules/rules.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;

namespace {

// Decode, stateless checks and replay against the chain: the cheap checks before the
// signature.
chain::Result<chain::Record> Precheck(const v1::Envelope& envelope,
                                      const chain::ChainParams& params,
                                      const chain::StateReader& committed, int64_t now_ms) {
  auto record = chain::DecodeRecord(envelope);
  if (!record.ok()) return record.status();
  AGRI_RETURN_IF_ERROR(chain::CheckRecordStateless(*record, params, now_ms));
  if (committed.HasRecord(record->id)) {
    return Reject(Reason::kReplay, "this signed record is already on the chain");
  }
  return record;
}

}  // namespace

std::vector<chain::Result<chain::Record>> PrepareRecords(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes,
    const chain::ChainParams& params, const chain::StateReader& committed, int64_t now_ms,
    VerifiedRecords& verified) {
  std::vector<chain::Result<chain::Record>> checked;
  checked.reserve(envelopes.size());
  for (const v1::Envelope& envelope : envelopes) {
    checked.push_back(Precheck(envelope, params, committed, now_ms));
  }
  // Verified once per node, on all cores: the result is reused when the record comes back
  // in a block.
  std::vector<const chain::Record*> to_verify;
  to_verify.reserve(checked.size());
  for (const auto& record : checked) to_verify.push_back(record.ok() ? &*record : nullptr);
  std::vector<chain::Status> results = verified.VerifyEach(to_verify);
  for (size_t i = 0; i < checked.size(); ++i) {
    if (!results[i].ok()) checked[i] = results[i];
  }
  return checked;
}

}  // namespace agritrace::node
