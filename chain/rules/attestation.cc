// Attested records (RecordBody.attestation, chain/model/attestation.h): the signer attests an
// event another party did. The rules run the event as that party's shadow, a Participant
// stored on first mention with `attested_by` = the attester, holding the goods roles (never
// admin or regulator), so custody and quantities are checked exactly as for anyone else while
// the attester's own holdings and everyone else's stay untouched.
#include "chain/model/attestation.h"

#include <string>

#include "chain/rules/internal.h"

namespace agritrace::chain::rules_internal {
namespace {

// What a shadow may do: the roles of the parties of goods events. Never admin (it names no
// one's key) nor regulator (a shadow recalls only lots its attester brought onto the chain,
// see AttestedByActing).
constexpr v1::Role kShadowRoles[] = {v1::ROLE_FARMER,  v1::ROLE_PACKER,   v1::ROLE_PROCESSOR,
                                     v1::ROLE_CARRIER, v1::ROLE_RETAILER, v1::ROLE_INSPECTOR};

// The shadow of `party` as attested by the record's signer; created in `scratch` when new.
Result<v1::Participant> Shadow(const Record& record, const v1::AttestedParty& party,
                               uint64_t height, StateOverlay& scratch) {
  const std::string attester = AsBytes(record.signer);
  const PubKey key = AttestedPartyKey(attester, party.uri());
  if (std::optional<v1::Participant> existing = scratch.GetParticipant(key)) {
    if (existing->attested_by() != attester) {
      return Reject(Reason::kNotAuthorized, "the attested party " + party.uri() +
                                                " is represented by a key registered otherwise; "
                                                "it cannot be attested");
    }
    return *std::move(existing);
  }
  v1::Participant shadow;
  shadow.set_pubkey(AsBytes(key));
  shadow.set_name(party.name().empty() ? party.uri() : party.name());
  for (v1::Role role : kShadowRoles) shadow.add_roles(role);
  shadow.set_registered_height(height);
  shadow.set_attested_by(attester);
  *shadow.mutable_attested() = party;
  // Not in the names index: names are how people name registered participants on the CLI.
  scratch.PutRetiredParticipant(shadow);
  return shadow;
}

}  // namespace

Result<v1::Participant> AttestedActor(const Record& record, const v1::Participant& signer,
                                      uint64_t height, StateOverlay& scratch) {
  if (!signer.device_owner().empty()) {
    return Reject(Reason::kNotAuthorized,
                  "device " + signer.name() + " may not attest events; devices only sign readings");
  }
  const v1::Attestation& attestation = record.body.attestation();
  for (const v1::AttestedParty* named : {&attestation.receiver(), &attestation.carrier()}) {
    if (named->uri().empty()) continue;
    Result<v1::Participant> shadow = Shadow(record, *named, height, scratch);
    if (!shadow.ok()) return shadow.status();
  }
  return Shadow(record, attestation.party(), height, scratch);
}

bool AttestedByActing(const EventEnv& env, const std::string& party) {
  if (!env.record.body.has_attestation()) return false;
  const std::string attester = AsBytes(env.record.signer);
  if (party == attester) return true;
  auto key = ArrayFromBytes<32>(party);
  if (!key) return false;
  std::optional<v1::Participant> p = env.scratch.GetParticipant(*key);
  return p && p->attested_by() == attester;
}

bool AttestedHoldsOrCarries(const EventEnv& env, const v1::LotState& lot) {
  for (const v1::Holding& holding : lot.holdings()) {
    if (AttestedByActing(env, holding.participant())) return true;
  }
  for (const v1::InTransit& part : lot.in_transit()) {
    if (AttestedByActing(env, part.carrier().empty() ? part.from() : part.carrier())) return true;
  }
  return false;
}

}  // namespace agritrace::chain::rules_internal
