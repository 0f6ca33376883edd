// Shared by the rule files (rules.cc: participants, harvests, transforms, shipments and
// receipts; events.cc: devices, sensor readings, checkpoints, certificates, recalls, sales,
// revocations, corrections; rotation.cc: key rotation). Not part of the chain API.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "chain/model/record.h"
#include "chain/rules/rules.h"
#include "chain/model/state.h"
#include "chain/base/status.h"

namespace agritrace::chain::rules_internal {

// What every event handler works with. Handlers read and write `scratch` only; ApplyRecord
// merges it into the caller's state once the whole record has passed, so a rejection found
// half-way (say at the third input lot) leaves nothing behind.
struct EventEnv {
  const Record& record;
  const ApplyContext& ctx;
  const v1::Participant& signer;
  StateOverlay& scratch;

  std::string signer_bytes() const { return AsBytes(record.signer); }
};

bool HasRole(const v1::Participant& participant, v1::Role role);
// Who a key belongs to, for messages: the participant's name, else the start of its hex.
std::string Who(const StateReader& state, const std::string& key_bytes);
Status RequireRole(const v1::Participant& signer, std::initializer_list<v1::Role> roles,
                   std::string_view action);
Result<v1::LotState> LoadLot(const StateReader& state, const v1::LotKey& key);
// The signer must hold the lot. A receiver acting before recording receipt is told so.
Status RequireCustody(const EventEnv& env, const std::string& lot_key, const v1::LotState& lot,
                      std::string_view action);
void Touch(const EventEnv& env, const std::string& lot_key);

// RECALLED when `lot` or any lot it was made from (through LotState.parents) is recalled.
// The walk visits each ancestor once; lineage is a DAG of at most the lots on the chain.
Status RequireNotRecalled(const StateReader& state, const std::string& lot_key,
                          const v1::LotState& lot, std::string_view action);
// INSUFFICIENT_QUANTITY when the lot was sold at retail: it has left the supply chain.
Status RequireNotSold(const std::string& lot_key, const v1::LotState& lot,
                      std::string_view action);
// REVOKED when the signer (or, for a device, its owner) was revoked.
Status RequireNotRevoked(const StateReader& state, const v1::Participant& signer);

// Key rotation (rotation.cc). A rotated key points at its successor (Participant.
// rotated_to); lots, shipments and devices keep naming the old key, and the rules compare
// stored keys with the acting key through SameParty. Equal keys cost nothing; otherwise the
// walk reads at most kMaxKeyRotations participants.
//
// The key now acting for whoever `key_bytes` named: `key_bytes` itself unless rotated.
std::string CurrentKey(const StateReader& state, const std::string& key_bytes);
// True when the two keys are one participant's, across rotations.
bool SameParty(const StateReader& state, const std::string& stored, const std::string& acting);
Status ApplyRotateKey(const EventEnv& env);

// Devices, sensor readings, checkpoints, certificates, recalls, sales, revocations and
// corrections (events.cc).
Status ApplyRegisterDevice(const EventEnv& env);
Status ApplySensorReadings(const EventEnv& env);
Status ApplyCheckpoint(const EventEnv& env);
Status ApplyCertify(const EventEnv& env);
Status ApplyRecall(const EventEnv& env);
Status ApplySell(const EventEnv& env);
Status ApplyRevoke(const EventEnv& env);
Status ApplyCorrection(const EventEnv& env);

}  // namespace agritrace::chain::rules_internal
