// The rules for devices, sensor readings, checkpoints, certificates, recalls, sales,
// revocations and corrections, plus the recall/sold/revoked guards the lot rules share.
#include <deque>
#include <set>
#include <string>

#include "chain/model/gs1.h"
#include "chain/rules/internal.h"

namespace agritrace::chain::rules_internal {
namespace {

// The participant a signer acts for: a device acts for the participant that registered it.
std::string ActingParty(const EventEnv& env) {
  return env.signer.device_owner().empty() ? env.signer_bytes() : env.signer.device_owner();
}

// True when `party` carries a shipment of the lot: it is named as carrier, or it shipped it
// without naming one (carrying it itself).
bool Carries(const StateReader& state, const v1::LotState& lot, const std::string& party) {
  for (const v1::InTransit& part : lot.in_transit()) {
    const std::string& carrier = part.carrier().empty() ? part.from() : part.carrier();
    if (SameParty(state, carrier, party)) return true;
  }
  return false;
}

Status RequireNotDevice(const EventEnv& env, std::string_view action) {
  if (env.signer.device_owner().empty()) return Status::Ok();
  return Reject(Reason::kNotAuthorized, "device " + env.signer.name() + " may not " +
                                            std::string(action) +
                                            "; devices only sign sensor readings");
}

bool Outside(const v1::ConditionRange& range, const v1::SensorReading& reading) {
  if (reading.has_temperature_mc()) {
    if (range.has_min_temperature_mc() && reading.temperature_mc() < range.min_temperature_mc()) {
      return true;
    }
    if (range.has_max_temperature_mc() && reading.temperature_mc() > range.max_temperature_mc()) {
      return true;
    }
  }
  if (reading.has_humidity_mpct()) {
    if (range.has_min_humidity_mpct() && reading.humidity_mpct() < range.min_humidity_mpct()) {
      return true;
    }
    if (range.has_max_humidity_mpct() && reading.humidity_mpct() > range.max_humidity_mpct()) {
      return true;
    }
  }
  return false;
}

// Counts the readings outside the lot's declared range as breaches.
void RecordBreaches(v1::LotState& lot,
                    const google::protobuf::RepeatedPtrField<v1::SensorReading>& readings) {
  if (!lot.has_allowed_range()) return;
  uint32_t breaches = 0;
  for (const v1::SensorReading& reading : readings) breaches += Outside(lot.allowed_range(), reading);
  lot.set_breach_count(lot.breach_count() + breaches);
}

}  // namespace

Status RequireNotRecalled(const StateReader& state, const std::string& lot_key,
                          const v1::LotState& lot, std::string_view action) {
  std::deque<v1::LotState> queue{lot};
  std::set<std::string> seen{lot_key};
  while (!queue.empty()) {
    v1::LotState current = std::move(queue.front());
    queue.pop_front();
    if (current.recalled()) {
      const std::string recalled_key = FormatLotKey(current.lot());
      std::string which = recalled_key == lot_key ? "lot " + lot_key + " was recalled"
                                                  : "lot " + lot_key + " was made from lot " +
                                                        recalled_key + ", which was recalled";
      return Reject(Reason::kRecalled, which + " (" + current.recall_reason() +
                                           ") and cannot be " + std::string(action));
    }
    for (const v1::LotKey& parent : current.parents()) {
      std::string parent_key = FormatLotKey(parent);
      if (!seen.insert(parent_key).second) continue;
      if (auto parent_lot = state.GetLot(parent_key)) queue.push_back(*std::move(parent_lot));
    }
  }
  return Status::Ok();
}

Status RequireNotRevoked(const StateReader& state, const v1::Participant& signer) {
  if (!signer.rotated_to().empty()) {
    return Reject(Reason::kRevoked, "this key of " + signer.name() +
                                        " was replaced by an admin (key rotation); sign with the "
                                        "new key " + ToHex(signer.rotated_to()));
  }
  if (signer.revoked()) {
    return Reject(Reason::kRevoked, signer.name() + " was revoked by an admin; its records are "
                                                    "no longer accepted");
  }
  if (signer.device_owner().empty()) return Status::Ok();
  // A device acts for its owner's current key: rotating the owner's key keeps its devices.
  auto owner = ArrayFromBytes<32>(CurrentKey(state, signer.device_owner()));
  std::optional<v1::Participant> participant = owner ? state.GetParticipant(*owner) : std::nullopt;
  if (participant && !participant->revoked()) return Status::Ok();
  return Reject(Reason::kRevoked, "device " + signer.name() +
                                      " belongs to a revoked participant; its readings are no "
                                      "longer accepted");
}

Status ApplyRegisterDevice(const EventEnv& env) {
  const v1::RegisterDevice& reg = env.record.body.register_device();
  AGRI_RETURN_IF_ERROR(RequireNotDevice(env, "register devices"));
  PubKey key = ArrayFromCheckedBytes<32>(reg.pubkey());  // length checked statelessly
  if (auto existing = env.scratch.GetParticipant(key)) {
    return Reject(Reason::kAlreadyRegistered,
                  "this key is already registered as " + existing->name());
  }
  if (env.scratch.FindParticipantByName(reg.name())) {
    return Reject(Reason::kAlreadyRegistered,
                  "the name " + reg.name() + " is taken; choose another device name");
  }
  v1::Participant device;
  device.set_pubkey(reg.pubkey());
  device.set_name(reg.name());
  device.set_organization(env.signer.organization());
  device.set_device_owner(env.signer_bytes());
  device.set_registered_height(env.ctx.height);
  env.scratch.PutParticipant(std::move(device));
  return Status::Ok();
}

Status ApplySensorReadings(const EventEnv& env) {
  const v1::SensorReadings& readings = env.record.body.sensor_readings();
  Result<v1::LotState> lot = LoadLot(env.scratch, readings.lot());
  if (!lot.ok()) return lot.status();
  const std::string lot_key = FormatLotKey(readings.lot());
  const std::string actor = ActingParty(env);
  if (!HoldsAny(env.scratch, *lot, actor) && !Carries(env.scratch, *lot, actor) &&
      !AttestedHoldsOrCarries(env, *lot)) {
    return Reject(Reason::kNotCustodian,
                  env.signer.name() + " neither holds nor carries any of lot " + lot_key +
                      "; only a holder or carrier (or their registered devices) can record "
                      "readings for it");
  }
  RecordBreaches(*lot, readings.readings());
  env.scratch.PutLot(lot_key, *std::move(lot));
  Touch(env, lot_key);
  return Status::Ok();
}

Status ApplyCheckpoint(const EventEnv& env) {
  const v1::Checkpoint& checkpoint = env.record.body.checkpoint();
  Result<v1::LotState> lot = LoadLot(env.scratch, checkpoint.lot());
  if (!lot.ok()) return lot.status();
  const std::string lot_key = FormatLotKey(checkpoint.lot());
  if (lot->in_transit_size() == 0) {
    return Reject(Reason::kNotInTransit, "no part of lot " + lot_key +
                                             " is in transit; checkpoints are recorded "
                                             "between shipping and receiving");
  }
  if (!Carries(env.scratch, *lot, ActingParty(env)) && !AttestedHoldsOrCarries(env, *lot)) {
    return Reject(Reason::kNotCustodian, "no shipment of lot " + lot_key + " is carried by " +
                                             env.signer.name() +
                                             "; only a carrier records its checkpoints");
  }
  RecordBreaches(*lot, checkpoint.readings());
  env.scratch.PutLot(lot_key, *std::move(lot));
  Touch(env, lot_key);
  return Status::Ok();
}

Status ApplyCertify(const EventEnv& env) {
  const v1::Certify& certify = env.record.body.certify();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_INSPECTOR}, "certify or inspect lots"));
  if (!certify.claim().empty()) return ApplyClaimCertify(env);
  Result<v1::LotState> lot = LoadLot(env.scratch, certify.lot());
  if (!lot.ok()) return lot.status();
  Touch(env, FormatLotKey(certify.lot()));
  return Status::Ok();
}

Status ApplyRecall(const EventEnv& env) {
  const v1::Recall& recall = env.record.body.recall();
  Result<v1::LotState> lot = LoadLot(env.scratch, recall.lot());
  if (!lot.ok()) return lot.status();
  const std::string lot_key = FormatLotKey(recall.lot());
  if (!HasRole(env.signer, v1::ROLE_REGULATOR) &&
      !SameParty(env.scratch, lot->owner(), env.signer_bytes()) &&
      !AttestedByActing(env, lot->owner())) {
    return Reject(Reason::kNotAuthorized, env.signer.name() + " may not recall lot " + lot_key +
                                              "; only a regulator or the lot's producer (" +
                                              Who(env.scratch, lot->owner()) + ") can");
  }
  if (lot->recalled()) {
    return Reject(Reason::kRecalled,
                  "lot " + lot_key + " is already recalled (" + lot->recall_reason() + ")");
  }
  lot->set_recalled(true);
  lot->set_recall_reason(recall.reason());
  env.scratch.PutLot(lot_key, *std::move(lot));
  Touch(env, lot_key);
  return Status::Ok();
}

Status ApplyRevoke(const EventEnv& env) {
  const v1::Revoke& revoke = env.record.body.revoke();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_ADMIN}, "revoke participants"));
  std::optional<v1::Participant> target =
      env.scratch.GetParticipant(ArrayFromCheckedBytes<32>(revoke.pubkey()));
  if (!target) {
    return Reject(Reason::kUnknownParticipant,
                  "the key to revoke (" + Who(env.scratch, revoke.pubkey()) +
                      ") is not a registered participant or device");
  }
  if (target->revoked()) {
    return Reject(Reason::kRevoked, target->name() + " is already revoked");
  }
  target->set_revoked(true);
  env.scratch.PutParticipant(*std::move(target));
  return Status::Ok();
}

Status ApplyCorrection(const EventEnv& env) {
  const v1::Correction& correction = env.record.body.correction();
  const Hash256 erroneous = ArrayFromCheckedBytes<32>(correction.record_id());
  if (!env.scratch.HasRecord(erroneous)) {
    return Reject(Reason::kUnknownRecord, "record " + ToHex(correction.record_id()) +
                                              " is not on the chain; check the record id");
  }
  std::optional<PubKey> author = env.scratch.GetRecordSigner(erroneous);
  if (!HasRole(env.signer, v1::ROLE_ADMIN) &&
      // The author is who signed: for attested records the attester, never the shadow.
      (!author || !SameParty(env.scratch, AsBytes(*author), AsBytes(env.record.signer)))) {
    return Reject(Reason::kNotAuthorized, env.signer.name() +
                                              " did not sign record " +
                                              ToHex(correction.record_id()) +
                                              "; only its signer or an admin can correct it");
  }
  if (!correction.corrective_record_id().empty() &&
      !env.scratch.HasRecord(ArrayFromCheckedBytes<32>(correction.corrective_record_id()))) {
    return Reject(Reason::kUnknownRecord, "the corrective record " +
                                              ToHex(correction.corrective_record_id()) +
                                              " is not on the chain; submit it first");
  }
  if (correction.has_lot()) {
    Result<v1::LotState> lot = LoadLot(env.scratch, correction.lot());
    if (!lot.ok()) return lot.status();
    Touch(env, FormatLotKey(correction.lot()));
  }
  return Status::Ok();
}

}  // namespace agritrace::chain::rules_internal
