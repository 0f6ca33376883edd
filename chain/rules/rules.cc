// ApplyRecord: the stateful rules. Stateless checks live in stateless.cc.
#include "chain/rules/rules.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "chain/base/check.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"
#include "chain/rules/internal.h"

namespace agritrace::chain {
namespace rules_internal {

// Hex characters of an unregistered key shown in messages: enough to recognise it.
constexpr size_t kKeyPrefixHexChars = 16;

bool HasRole(const v1::Participant& participant, v1::Role role) {
  for (int r : participant.roles()) {
    if (r == role) return true;
  }
  return false;
}

std::string_view RoleWord(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_FARMER:
      return "farmer";
    case v1::ROLE_PACKER:
      return "packer";
    case v1::ROLE_PROCESSOR:
      return "processor";
    case v1::ROLE_CARRIER:
      return "carrier";
    case v1::ROLE_RETAILER:
      return "retailer";
    case v1::ROLE_INSPECTOR:
      return "inspector";
    case v1::ROLE_REGULATOR:
      return "regulator";
    case v1::ROLE_UNSPECIFIED:
    case v1::Role_INT_MIN_SENTINEL_DO_NOT_USE_:  // protobuf's range markers
    case v1::Role_INT_MAX_SENTINEL_DO_NOT_USE_:
      break;
  }
  return "unknown";  // also any other number: proto3 enums are open
}

std::string Who(const StateReader& state, const std::string& key_bytes) {
  if (auto key = ArrayFromBytes<32>(key_bytes)) {
    if (auto participant = state.GetParticipant(*key)) return participant->name();
  }
  return "key " + ToHex(key_bytes).substr(0, kKeyPrefixHexChars) + "...";
}

// A mass for messages: "600kg" when it is a whole number of grams, else in grams ("0.5g").
std::string FormatMass(int64_t mg) {
  v1::Quantity q;
  if (mg % 1000 == 0) {
    q.set_milli(mg / 1000);  // thousandths of a kilogram are grams
    q.set_unit("kg");
  } else {
    q.set_milli(mg);  // thousandths of a gram are milligrams
    q.set_unit("g");
  }
  return FormatQuantity(q);
}

Status RequireRole(const v1::Participant& signer, std::initializer_list<v1::Role> roles,
                   std::string_view action) {
  std::string needed;
  for (v1::Role role : roles) {
    if (HasRole(signer, role)) return Status::Ok();
    needed += (needed.empty() ? "" : " or ") + std::string(RoleWord(role));
  }
  return Reject(Reason::kNotAuthorized, signer.name() + " may not " + std::string(action) +
                                            "; that needs the " + needed + " role");
}

Result<v1::LotState> LoadLot(const StateReader& state, const v1::LotKey& key) {
  std::optional<v1::LotState> lot = state.GetLot(FormatLotKey(key));
  if (!lot) {
    return Reject(Reason::kUnknownLot,
                  "lot " + FormatLotKey(key) + " is not on the chain; check the GTIN and lot code");
  }
  return *std::move(lot);
}

Status RequireNewLot(const StateReader& state, const std::string& lot_key) {
  if (!state.GetLot(lot_key)) return Status::Ok();
  return Reject(Reason::kLotExists,
                "lot " + lot_key + " already exists; give the new lot its own lot code");
}

void Touch(const EventEnv& env, const std::string& lot_key) {
  env.scratch.AddHistory({lot_key, env.record.id, env.ctx.height, env.ctx.index});
}

v1::LotState NewLot(const EventEnv& env, const v1::LotKey& key, const v1::Quantity& quantity,
                    const v1::Quantity& net_mass_per_unit) {
  v1::LotState lot;
  *lot.mutable_lot() = key;
  *lot.mutable_quantity() = quantity;
  // Only count lots have a net mass per unit; for mass lots the field would mean nothing.
  if (KindOfUnit(quantity.unit()) == UnitKind::kCount) {
    *lot.mutable_net_mass_per_unit() = net_mass_per_unit;
  }
  lot.set_owner(env.signer_bytes());
  lot.set_created_by_record(AsBytes(env.record.id));
  lot.set_created_height(env.ctx.height);
  lot.set_created_ms(EventTimeMs(env));
  AddHolding(lot, env.signer_bytes(), quantity.milli(), "", EventTimeMs(env));
  RefreshTotals(lot);
  return lot;
}

// --- RegisterParticipant

Status ApplyRegisterParticipant(const EventEnv& env) {
  const v1::RegisterParticipant& reg = env.record.body.register_participant();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_ADMIN}, "register participants"));
  PubKey key = ArrayFromCheckedBytes<32>(reg.pubkey());  // length checked statelessly
  if (auto existing = env.scratch.GetParticipant(key)) {
    return Reject(Reason::kAlreadyRegistered,
                  "this key is already registered as participant " + existing->name());
  }
  if (env.scratch.FindParticipantByName(reg.name())) {
    return Reject(Reason::kAlreadyRegistered, "the name " + reg.name() +
                                                  " is taken by another participant; choose "
                                                  "another name");
  }
  v1::Participant participant;
  participant.set_pubkey(reg.pubkey());
  participant.set_name(reg.name());
  *participant.mutable_roles() = reg.roles();
  participant.set_organization(reg.organization());
  *participant.mutable_location() = reg.location();
  *participant.mutable_contact() = reg.contact();
  participant.set_registered_height(env.ctx.height);
  env.scratch.PutParticipant(std::move(participant));
  return Status::Ok();
}

// --- UpdateParticipant: master data, by the participant itself or an admin.

Status ApplyUpdateParticipant(const EventEnv& env) {
  const v1::UpdateParticipant& update = env.record.body.update_participant();
  std::optional<v1::Participant> target =
      env.scratch.GetParticipant(*ArrayFromBytes<32>(update.pubkey()));  // length checked
  if (!target) {
    return Reject(Reason::kUnknownParticipant, "the participant to update (" +
                                                   Who(env.scratch, update.pubkey()) +
                                                   ") is not registered");
  }
  if (!SameParty(env.scratch, update.pubkey(), env.signer_bytes()) &&
      !HasRole(env.signer, v1::ROLE_ADMIN)) {
    return Reject(Reason::kNotAuthorized, env.signer.name() + " may not change the details of " +
                                              target->name() +
                                              "; only the participant itself or an admin can");
  }
  if (target->revoked()) {
    return Reject(Reason::kRevoked, target->name() + " was revoked; its details are frozen");
  }
  if (update.has_address()) target->mutable_contact()->set_address(update.address());
  if (update.has_phone()) target->mutable_contact()->set_phone(update.phone());
  if (update.has_tz_offset_min()) {
    target->mutable_contact()->set_tz_offset_min(update.tz_offset_min());
  }
  if (update.has_gln()) target->mutable_location()->set_gln(update.gln());
  if (update.has_party_gln()) target->mutable_contact()->set_party_gln(update.party_gln());
  env.scratch.PutParticipant(*std::move(target));
  return Status::Ok();
}

// --- Harvest

Status ApplyHarvest(const EventEnv& env) {
  const v1::Harvest& harvest = env.record.body.harvest();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_FARMER}, "record a harvest"));
  const std::string lot_key = FormatLotKey(harvest.lot());
  AGRI_RETURN_IF_ERROR(RequireNewLot(env.scratch, lot_key));
  v1::LotState lot = NewLot(env, harvest.lot(), harvest.quantity(), harvest.net_mass_per_unit());
  lot.set_commodity(harvest.commodity());
  lot.set_variety(harvest.variety());
  if (harvest.has_allowed_range()) *lot.mutable_allowed_range() = harvest.allowed_range();
  AGRI_RETURN_IF_ERROR(ApplyHarvestToPlot(env, lot));
  env.scratch.PutLot(lot_key, std::move(lot));
  Touch(env, lot_key);
  return Status::Ok();
}

// --- Transform / Pack

// One input lot and what the record takes from it, in the lot's own unit.
struct Consumption {
  std::string lot_key;
  v1::LotState lot;
  int64_t milli = 0;
  int64_t mass_mg = 0;
};

Result<Consumption> CheckInput(const EventEnv& env, const v1::LotAmount& input) {
  Result<v1::LotState> lot = LoadLot(env.scratch, input.lot());
  if (!lot.ok()) return lot.status();
  Consumption c;
  c.lot_key = FormatLotKey(input.lot());
  c.lot = *std::move(lot);
  Result<int64_t> milli = AmountInLotUnit(c.lot_key, c.lot, input.quantity());
  if (!milli.ok()) return milli.status();
  AGRI_RETURN_IF_ERROR(RequireHeld(env, c.lot, *milli, "pack or transform"));
  AGRI_RETURN_IF_ERROR(RequireNotRecalled(env.scratch, c.lot_key, c.lot, "packed or transformed"));
  c.milli = *milli;
  v1::Quantity consumed;
  consumed.set_milli(c.milli);
  consumed.set_unit(c.lot.quantity().unit());
  std::optional<int64_t> mass = MassMilligrams(consumed, c.lot.net_mass_per_unit());
  if (!mass) {
    return Reject(Reason::kMalformed, "the mass of " + FormatQuantity(consumed) + " of lot " +
                                          c.lot_key + " cannot be computed");
  }
  c.mass_mg = *mass;
  return c;
}

Status CheckMassBalance(const std::vector<Consumption>& inputs, const v1::Transform& transform) {
  int64_t in_mg = 0;
  int64_t out_mg = 0;
  for (const Consumption& c : inputs) {
    if (__builtin_add_overflow(in_mg, c.mass_mg, &in_mg)) {
      return Reject(Reason::kMalformed,
                    "the inputs are too heavy in total to be weighed; split "
                    "the record");
    }
  }
  for (const v1::LotOutput& output : transform.outputs()) {
    std::optional<int64_t> mass = MassMilligrams(output.quantity(), output.net_mass_per_unit());
    if (!mass || __builtin_add_overflow(out_mg, *mass, &out_mg)) {
      return Reject(Reason::kMalformed,
                    "the outputs are too heavy in total to be weighed; split "
                    "the record");
    }
  }
  if (out_mg <= in_mg) return Status::Ok();
  return Reject(Reason::kMassBalance, "the output lots weigh " + FormatMass(out_mg) +
                                          " but this record consumes only " + FormatMass(in_mg) +
                                          " of input; mass out can never exceed mass in");
}

void ConsumeInputs(const EventEnv& env, const std::vector<Consumption>& inputs) {
  for (const Consumption& c : inputs) {
    v1::LotState lot = c.lot;
    TakeHolding(env.scratch, lot, env.signer_bytes(), c.milli);
    lot.set_consumed_milli(lot.consumed_milli() + c.milli);
    RefreshTotals(lot);
    env.scratch.PutLot(c.lot_key, std::move(lot));
    Touch(env, c.lot_key);
  }
}

void CreateOutputs(const EventEnv& env, const std::vector<Consumption>& inputs) {
  AGRI_CHECK(!inputs.empty());  // CheckTransformShape: at least one input lot
  const v1::LotState& first = inputs.front().lot;
  std::vector<ClaimedInput> claimed;
  int64_t in_mg = 0;  // CheckMassBalance summed it without overflow
  for (const Consumption& c : inputs) {
    claimed.push_back({&c.lot, c.mass_mg});
    in_mg += c.mass_mg;
  }
  const std::vector<v1::LotClaim> carried = ClaimsCarriedIn(claimed);
  for (const v1::LotOutput& output : env.record.body.transform().outputs()) {
    const std::string lot_key = FormatLotKey(output.lot());
    v1::LotState lot = NewLot(env, output.lot(), output.quantity(), output.net_mass_per_unit());
    lot.set_commodity(output.commodity().empty() ? first.commodity() : output.commodity());
    lot.set_variety(output.variety().empty() ? first.variety() : output.variety());
    if (output.has_allowed_range()) {
      *lot.mutable_allowed_range() = output.allowed_range();
    } else if (first.has_allowed_range()) {
      *lot.mutable_allowed_range() = first.allowed_range();
    }
    // CheckMassBalance computed every output's mass.
    const int64_t out_mg =
        MassMilligrams(output.quantity(), output.net_mass_per_unit()).value_or(0);
    AddOutputClaims(carried, in_mg, out_mg, lot);
    for (const Consumption& c : inputs) {
      *lot.add_parents() = c.lot.lot();
      env.scratch.AddLineage(c.lot_key, lot_key, env.record.id);
    }
    env.scratch.PutLot(lot_key, std::move(lot));
    Touch(env, lot_key);
  }
}

Status ApplyTransform(const EventEnv& env) {
  const v1::Transform& transform = env.record.body.transform();
  AGRI_RETURN_IF_ERROR(
      RequireRole(env.signer, {v1::ROLE_PACKER, v1::ROLE_PROCESSOR}, "pack or transform lots"));
  std::vector<Consumption> inputs;
  for (const v1::LotAmount& input : transform.inputs()) {
    Result<Consumption> c = CheckInput(env, input);
    if (!c.ok()) return c.status();
    inputs.push_back(*std::move(c));
  }
  for (const v1::LotOutput& output : transform.outputs()) {
    AGRI_RETURN_IF_ERROR(RequireNewLot(env.scratch, FormatLotKey(output.lot())));
  }
  AGRI_RETURN_IF_ERROR(CheckMassBalance(inputs, transform));
  ConsumeInputs(env, inputs);
  CreateOutputs(env, inputs);
  return Status::Ok();
}

Status ApplyEvent(const EventEnv& env) {
  switch (env.record.body.event_case()) {
    case v1::RecordBody::kRegisterParticipant:
      return ApplyRegisterParticipant(env);
    case v1::RecordBody::kHarvest:
      return ApplyHarvest(env);
    case v1::RecordBody::kTransform:
      return ApplyTransform(env);
    case v1::RecordBody::kShip:
      return ApplyShip(env);
    case v1::RecordBody::kReceive:
      return ApplyReceive(env);
    case v1::RecordBody::kRegisterDevice:
      return ApplyRegisterDevice(env);
    case v1::RecordBody::kSensorReadings:
      return ApplySensorReadings(env);
    case v1::RecordBody::kCheckpoint:
      return ApplyCheckpoint(env);
    case v1::RecordBody::kCertify:
      return ApplyCertify(env);
    case v1::RecordBody::kRecall:
      return ApplyRecall(env);
    case v1::RecordBody::kSell:
      return ApplySell(env);
    case v1::RecordBody::kRevoke:
      return ApplyRevoke(env);
    case v1::RecordBody::kCorrection:
      return ApplyCorrection(env);
    case v1::RecordBody::kRotateKey:
      return ApplyRotateKey(env);
    case v1::RecordBody::kCancelShipment:
      return ApplyCancelShipment(env);
    case v1::RecordBody::kLoss:
      return ApplyLoss(env);
    case v1::RecordBody::kAggregate:
      return ApplyAggregate(env);
    case v1::RecordBody::kDisaggregate:
      return ApplyDisaggregate(env);
    case v1::RecordBody::kUpdateParticipant:
      return ApplyUpdateParticipant(env);
    case v1::RecordBody::kCool:
      return ApplyCool(env);
    case v1::RecordBody::kRegisterPlot:
      return ApplyRegisterPlot(env);
    case v1::RecordBody::kTransferPlot:
      return ApplyTransferPlot(env);
    case v1::RecordBody::kRetirePlot:
      return ApplyRetirePlot(env);
    case v1::RecordBody::kInputApplication:
      return ApplyInputApplication(env);
    case v1::RecordBody::kBanIngredient:
      return ApplyBanIngredient(env);
    case v1::RecordBody::kComplianceCert:
      return ApplyComplianceCert(env);
    case v1::RecordBody::kProposeValidatorChange:  // governance.cc
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
      return ApplyGovernanceEvent(env);
    case v1::RecordBody::EVENT_NOT_SET:
      break;
  }
  return Reject(Reason::kMalformed, "the record carries no event");
}

Status CheckSignerAndReplay(const Record& record, const StateReader& state, uint64_t height,
                            std::optional<v1::Participant>& signer) {
  if (IsValidatorSigned(record.body)) {
    // Signed by a validator's node key (governance.cc); the replay guards still apply.
    Result<v1::Participant> validator = ValidatorSigner(state, record.signer, height);
    if (!validator.ok()) return validator.status();
    signer = *std::move(validator);
  } else {
    signer = state.GetParticipant(record.signer);
  }
  if (!signer) return UnknownSigner(record.signer);
  if (state.HasNonce(record.signer, record.body.nonce())) {
    return Reject(Reason::kReplay, signer->name() + " already used nonce " +
                                       std::to_string(record.body.nonce()) +
                                       "; this record was already applied or needs a new nonce");
  }
  if (state.HasRecord(record.id)) {
    return Reject(Reason::kReplay, "this exact record is already on the chain");
  }
  if (IsValidatorSigned(record.body)) return Status::Ok();
  return RequireNotRevoked(state, *signer);
}

}  // namespace rules_internal

Status UnknownSigner(const PubKey& signer) {
  return Reject(Reason::kUnknownSigner,
                "the signing key " + ToHex(signer).substr(0, rules_internal::kKeyPrefixHexChars) +
                    "... is not a registered participant; ask an admin to register it");
}

Status ApplyRecord(const Record& record, const ChainParams& params, const ApplyContext& ctx,
                   StateOverlay& state) {
  using rules_internal::ApplyEvent;
  using rules_internal::CheckSignerAndReplay;
  using rules_internal::EventEnv;
  AGRI_RETURN_IF_ERROR(CheckRecordStateless(record, params, ctx.block_time_ms));
  std::optional<v1::Participant> signer;
  AGRI_RETURN_IF_ERROR(CheckSignerAndReplay(record, state, ctx.height, signer));
  StateOverlay scratch(&state);
  v1::Participant actor = *signer;
  if (record.body.has_attestation()) {
    Result<v1::Participant> shadow =
        rules_internal::AttestedActor(record, *signer, ctx.height, scratch);
    if (!shadow.ok()) return shadow.status();
    actor = *std::move(shadow);
  }
  const EventEnv env{record, ctx, actor, scratch, params};
  AGRI_RETURN_IF_ERROR(ApplyEvent(env));
  scratch.AddNonce(record.signer, record.body.nonce());
  scratch.AddRecord(record.id, ctx.height, ctx.index);
  scratch.AddRecordSigner(record.id, record.signer);
  scratch.MergeInto(state);
  return Status::Ok();
}

}  // namespace agritrace::chain
