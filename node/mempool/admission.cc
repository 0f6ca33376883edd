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

std::vector<PreparedRecord> PrepareRecords(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes,
    const chain::ChainParams& params, const chain::StateReader& committed, int64_t now_ms,
    VerifiedRecords& verified) {
  std::vector<PreparedRecord> prepared;
  prepared.reserve(envelopes.size());
  for (const v1::Envelope& envelope : envelopes) {
    prepared.push_back({Precheck(envelope, params, committed, now_ms), false});
  }
  // Verified once per node, on all cores: the result is reused when the record comes back
  // in a block. A signer the chain does not know waits for AdmitPrepared.
  std::vector<const chain::Record*> to_verify;
  to_verify.reserve(prepared.size());
  for (const PreparedRecord& entry : prepared) {
    // A record verified before (it came back by gossip) needs no signer lookup: VerifyEach
    // passes it without a verification.
    const bool known = entry.record.ok() && (verified.Contains(entry.record->id) ||
                                             committed.GetParticipant(entry.record->signer));
    to_verify.push_back(known ? &*entry.record : nullptr);
  }
  std::vector<chain::Status> results = verified.VerifyEach(to_verify);
  for (size_t i = 0; i < prepared.size(); ++i) {
    if (!to_verify[i]) continue;
    if (results[i].ok()) {
      prepared[i].verified = true;
    } else {
      prepared[i].record = results[i];
    }
  }
  return prepared;
}

AdmissionVerdict AdmitPrepared(PreparedRecord& prepared, Mempool& mempool,
                               VerifiedRecords& verified, int64_t now_ms, uint64_t next_height) {
  if (!prepared.record.ok()) {
    // REPLAY against the chain is the one prepared rejection that reads state; it is no
    // fault either way (IsPeerFault), so it is reported with the stateless ones.
    return {prepared.record.status(), {}, true};
  }
  chain::Record& record = *prepared.record;
  const chain::Hash256 id = record.id;
  if (!prepared.verified) {
    if (chain::IsValidatorSigned(record.body)) {
      // An approval of a validator-set change: signed by a validator's node key in force at
      // the next height, not by a participant (docs/governance.md).
      if (chain::Status validator = mempool.CheckValidator(record.signer, next_height);
          !validator.ok()) {
        return {validator, id, false};
      }
    } else if (!mempool.KnowsSigner(record.signer)) {
      return {chain::UnknownSigner(record.signer), id, false};
    }
    if (chain::Status signature = verified.Verify(record); !signature.ok()) {
      return {signature, id, true};
    }
    prepared.verified = true;
  }
  return {mempool.Add(std::move(record), now_ms, next_height), id, false};
}

}  // namespace agritrace::node
