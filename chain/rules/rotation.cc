// Key rotation: an admin replaces a participant's key without stranding what the old key held.
//
// Why a successor pointer and not re-pointing: the lots in custody of a key, the shipments
// naming it and the devices it registered are not indexed by key, so finding them at rotation
// time would mean scanning every lot on the chain inside one record. Instead the old
// participant records its successor (rotated_to) and the rules resolve a stored key through
// it where they compare it with the acting key (SameParty). The common case (the keys are
// equal) reads nothing; a mismatch reads one participant per rotation of that identity, at
// most kMaxKeyRotations. Stored lots keep naming the key that last touched them, which is also
// what their signed history says.
#include <string>

#include "chain/base/limits.h"
#include "chain/rules/internal.h"

namespace agritrace::chain::rules_internal {

std::string CurrentKey(const StateReader& state, const std::string& key_bytes) {
  std::string key = key_bytes;
  // The bound holds by construction (a rotation is refused past kMaxKeyRotations); the loop
  // states it so a damaged store cannot make it spin.
  for (uint32_t hop = 0; hop <= kMaxKeyRotations; ++hop) {
    auto pubkey = ArrayFromBytes<32>(key);
    if (!pubkey) return key;
    std::optional<v1::Participant> participant = state.GetParticipant(*pubkey);
    if (!participant || participant->rotated_to().empty()) return key;
    key = participant->rotated_to();
  }
  return key;
}

bool SameParty(const StateReader& state, const std::string& stored, const std::string& acting) {
  if (stored == acting) return true;
  if (stored.empty() || acting.empty()) return false;
  return CurrentKey(state, stored) == CurrentKey(state, acting);
}

namespace {

Result<v1::Participant> LoadRotatable(const EventEnv& env, const v1::RotateKey& rotate) {
  std::optional<v1::Participant> old = env.scratch.GetParticipant(
      ArrayFromCheckedBytes<32>(rotate.old_pubkey()));  // checked statelessly
  if (!old) {
    return Reject(Reason::kUnknownParticipant,
                  "the key to rotate (" + Who(env.scratch, rotate.old_pubkey()) +
                      ") is not a registered participant or device");
  }
  if (!old->rotated_to().empty()) {
    return Reject(Reason::kRevoked, "this key of " + old->name() +
                                        " was already rotated (to " +
                                        ToHex(old->rotated_to()).substr(0, 16) +
                                        "...); rotate the current key instead");
  }
  if (old->revoked()) {
    return Reject(Reason::kRevoked,
                  old->name() + " was revoked; a revoked key cannot be rotated, register the "
                                "participant afresh");
  }
  if (old->key_rotations() >= kMaxKeyRotations) {
    return Reject(Reason::kTooLarge, old->name() + " has already had " +
                                         std::to_string(kMaxKeyRotations) +
                                         " keys; register it afresh under a new name");
  }
  return *std::move(old);
}

}  // namespace

Status ApplyRotateKey(const EventEnv& env) {
  const v1::RotateKey& rotate = env.record.body.rotate_key();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_ADMIN}, "rotate participant keys"));
  Result<v1::Participant> old = LoadRotatable(env, rotate);
  if (!old.ok()) return old.status();
  if (auto existing = env.scratch.GetParticipant(ArrayFromCheckedBytes<32>(rotate.new_pubkey()))) {
    return Reject(Reason::kAlreadyRegistered, "the new key is already registered as " +
                                                  existing->name() +
                                                  "; rotate to a key that was never registered");
  }
  // The successor is the same participant: name, roles, organisation, location, device owner.
  v1::Participant successor = *old;
  successor.set_pubkey(rotate.new_pubkey());
  successor.set_registered_height(env.ctx.height);
  successor.set_rotated_from(rotate.old_pubkey());
  successor.set_key_rotations(old->key_rotations() + 1);
  old->set_revoked(true);
  old->set_rotated_to(rotate.new_pubkey());
  old->set_rotation_record(AsBytes(env.record.id));
  // The old key keeps its name for the history it signed; the name now finds the new key.
  env.scratch.PutRetiredParticipant(std::move(old).value());
  env.scratch.PutParticipant(std::move(successor));
  return Status::Ok();
}

}  // namespace agritrace::chain::rules_internal
