// The rules of the chain: whether a record may apply, and what it changes.
//
// Deterministic: the same record, context and state give the same outcome on every node.
// Signature verification is separate (VerifyRecordSignature) so a node verifies each record
// once and reuses the result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chain/model/chain_params.h"
#include "chain/model/record.h"
#include "chain/model/state.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// Where and when a record is applied.
struct ApplyContext {
  uint64_t height = 0;
  uint32_t index = 0;       // position in the block
  int64_t block_time_ms = 0;
};

// Checks that need no state: chain id (WRONG_CHAIN), field formats and limits (MALFORMED,
// TOO_LARGE, BAD_GS1_KEY), timestamp window against `now_ms` (STALE_TIMESTAMP).
Status CheckRecordStateless(const Record& record, const ChainParams& params, int64_t now_ms);

// The UNKNOWN_SIGNER rejection of a record signed by `signer`, as ApplyRecord words it (the
// node's admission refuses such a record before verifying its signature).
Status UnknownSigner(const PubKey& signer);

// Applies a decoded, signature-checked record to `state`. On success every change is in
// `state`; on failure `state` is untouched and the Status says why (UNKNOWN_SIGNER,
// NOT_AUTHORIZED, REPLAY, LOT_EXISTS, UNKNOWN_LOT, NOT_CUSTODIAN, INSUFFICIENT_QUANTITY,
// MASS_BALANCE, IN_TRANSIT, NOT_IN_TRANSIT, UNKNOWN_PARTICIPANT, ALREADY_REGISTERED, ...).
// Runs CheckRecordStateless against ctx.block_time_ms first.
Status ApplyRecord(const Record& record, const ChainParams& params, const ApplyContext& ctx,
                   StateOverlay& state);

// The validator-set change decided by the records of block `height`, read from the state
// after applying them (governance.cc): the header of that block must carry exactly this
// (BlockHeader.validator_change), and nothing when nullopt.
std::optional<v1::ValidatorSetChange> DecidedValidatorChange(const StateReader& state,
                                                             uint64_t height);

// True for records signed by a validator node key rather than a participant
// (ApproveValidatorChange).
bool IsValidatorSigned(const v1::RecordBody& body);
// OK when `key` is the node key of a validator in force at `height` in `state`, else
// NOT_AUTHORIZED (the node's admission checks this before verifying the signature).
Status CheckValidatorSigner(const StateReader& state, const PubKey& key, uint64_t height);

}  // namespace agritrace::chain
