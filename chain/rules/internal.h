// Shared by the rule files (rules.cc: participants, harvests, transforms, shipments and
// receipts; events.cc: devices, sensor readings, checkpoints, certificates, recalls, sales,
// revocations, corrections; rotation.cc: key rotation). Not part of the chain API.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/model/lot_claims.h"
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
  const ChainParams& params;

  // The acting party's key: the record's signer, or for an attested record the attested
  // party's shadow (then `signer` is that shadow; the attester is `record.signer`).
  std::string signer_bytes() const { return signer.pubkey(); }
};

bool HasRole(const v1::Participant& participant, v1::Role role);
// Who a key belongs to, for messages: the participant's name, else the start of its hex.
std::string Who(const StateReader& state, const std::string& key_bytes);
// A mass for messages: "600kg" when it is a whole number of grams, else in grams ("0.5g").
std::string FormatMass(int64_t mg);
Status RequireRole(const v1::Participant& signer, std::initializer_list<v1::Role> roles,
                   std::string_view action);
Result<v1::LotState> LoadLot(const StateReader& state, const v1::LotKey& key);
void Touch(const EventEnv& env, const std::string& lot_key);
// A new lot (or pallet) created by this record, `quantity` of it held by the signer.
v1::LotState NewLot(const EventEnv& env, const v1::LotKey& key, const v1::Quantity& quantity,
                    const v1::Quantity& net_mass_per_unit);
Status RequireNewLot(const StateReader& state, const std::string& lot_key);

// --- Custody (custody.cc): where each part of a lot is. A lot's created quantity is spread
// over holdings (per holder, on or off a pallet), shipments in transit, and what was consumed,
// lost or sold; every change moves an exact integer amount (in the lot's unit) between them.

// When the record's event happened: its event time, or when it was signed.
int64_t EventTimeMs(const EventEnv& env);
// The amount `party` holds of `lot` (across key rotations): off any pallet when `sscc` is
// empty, else on that pallet.
int64_t HeldBy(const StateReader& state, const v1::LotState& lot, const std::string& party,
               const std::string& sscc = "");
void AddHolding(v1::LotState& lot, const std::string& party, int64_t milli,
                const std::string& sscc, int64_t since_ms);
// Removes `milli` from `party`'s holding (which must have it: callers check with RequireHeld).
void TakeHolding(const StateReader& state, v1::LotState& lot, const std::string& party,
                 int64_t milli, const std::string& sscc = "");
// Recomputes quantity_left and status from the parts, after any change.
void RefreshTotals(v1::LotState& lot);
// `quantity` in the lot's unit, exactly (MALFORMED when it cannot be converted, or is not
// positive).
Result<int64_t> AmountInLotUnit(const std::string& lot_key, const v1::LotState& lot,
                                const v1::Quantity& quantity);
// The signer holds at least `milli` of the lot off pallets, and held it by the event time:
// NOT_CUSTODIAN (holds none, or it is still on its way), ON_PALLET (only on a pallet),
// INSUFFICIENT_QUANTITY (less), EVENT_TIME (the event is before the holding began).
Status RequireHeld(const EventEnv& env, const v1::LotState& lot, int64_t milli,
                   std::string_view action);
// The signer (or, for a device, its owner) holds any part of the lot, on a pallet or not.
bool HoldsAny(const StateReader& state, const v1::LotState& lot, const std::string& party);
// TOO_LARGE past kMaxLotParts holdings + shipments.
Status RequireRoomForParts(const std::string& lot_key, const v1::LotState& lot);
Status ApplyShip(const EventEnv& env);
Status ApplyReceive(const EventEnv& env);
Status ApplyCancelShipment(const EventEnv& env);
Status ApplyLoss(const EventEnv& env);
Status ApplySell(const EventEnv& env);
// Cooling (21 CFR 1.1325(b)): whoever cools a lot holds it, and it is not recalled.
Status ApplyCool(const EventEnv& env);
Status ApplyAggregate(const EventEnv& env);
Status ApplyDisaggregate(const EventEnv& env);

// RECALLED when `lot` or any lot it was made from (through LotState.parents) is recalled.
// The walk visits each ancestor once; lineage is a DAG of at most the lots on the chain.
Status RequireNotRecalled(const StateReader& state, const std::string& lot_key,
                          const v1::LotState& lot, std::string_view action);
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
Status ApplyUpdateParticipant(const EventEnv& env);

// Origin backed by land (origin.cc): plots, applications, bans, and the plot checks of a
// harvest.
Status ApplyRegisterPlot(const EventEnv& env);
Status ApplyTransferPlot(const EventEnv& env);
Status ApplyRetirePlot(const EventEnv& env);
Status ApplyInputApplication(const EventEnv& env);
Status ApplyBanIngredient(const EventEnv& env);
// The harvest's plot (Harvest.plot): registered and not retired (UNKNOWN_PLOT, PLOT_RETIRED;
// UNKNOWN_PLOT also when none is named and genesis requires one), owned by the signer
// (NOT_AUTHORIZED), of the harvest's crop (CROP_MISMATCH), every pre-harvest interval passed
// (PHI_NOT_ELAPSED), and the season's harvests within its cap (YIELD_EXCEEDED). Counts the
// harvest against the season in `scratch`.
Status ApplyHarvestToPlot(const EventEnv& env, v1::LotState& lot);

// Claims (claims.cc). A Certify with a claim: a certificate on a plot, farmer or organisation
// (UNKNOWN_PLOT, UNKNOWN_PARTICIPANT, TOO_LARGE past the certificates a scope may hold).
Status ApplyClaimCertify(const EventEnv& env);
// The claims of the certificates whose scope covers the harvest (its plot, the signer, the
// signer's organisation) and that are valid at `harvest_ms`, each using `mass_mg` of a
// certificate's tonnage (CLAIM_EXCEEDED when no certificate of a claim has that much left).
Status ApplyHarvestClaims(const EventEnv& env, v1::LotState& lot, int64_t harvest_ms,
                          int64_t mass_mg);
// ClaimsCarriedIn/AddOutputClaims (pack and transform claims): chain/model/lot_claims.h.
// The lot's producer commits it meets the standards (NOT_AUTHORIZED for anyone else).
Status ApplyComplianceCert(const EventEnv& env);

// Devices, sensor readings, checkpoints, certificates, recalls, sales, revocations and
// corrections (events.cc).
Status ApplyRegisterDevice(const EventEnv& env);
Status ApplySensorReadings(const EventEnv& env);
Status ApplyCheckpoint(const EventEnv& env);
Status ApplyCertify(const EventEnv& env);
Status ApplyRecall(const EventEnv& env);
Status ApplyRevoke(const EventEnv& env);
Status ApplyCorrection(const EventEnv& env);

// Attested records (attestation.cc). The shadow participant an attested record acts as,
// created (with the receiver's and carrier's shadows it names) in `scratch` when new;
// NOT_AUTHORIZED when a device attests.
Result<v1::Participant> AttestedActor(const Record& record, const v1::Participant& signer,
                                      uint64_t height, StateOverlay& scratch);
// For an attested record: `party` is its attester or a shadow of that attester.
bool AttestedByActing(const EventEnv& env, const std::string& party);
// For an attested record: some part of the lot is held or carried by its attester or by one of
// that attester's shadows (a partner's device readings are attested as the device's shadow).
bool AttestedHoldsOrCarries(const EventEnv& env, const v1::LotState& lot);

// Validator-set governance (governance.cc). The stateless checks of the three records, and
// their rules. An approval's signer is a validator, not a participant: ValidatorSigner gives a
// stand-in participant (its key and validator name) for the validator in force at `height`
// (NOT_AUTHORIZED for any other key, or when the state holds no validator set).
Status CheckGovernanceEvent(const v1::RecordBody& body);
Status ApplyGovernanceEvent(const EventEnv& env);
Result<v1::Participant> ValidatorSigner(const StateReader& state, const PubKey& key,
                                        uint64_t height);
// Shared stateless checks (stateless.cc): participant-style names, 32-byte valid keys.
Status CheckParticipantName(const std::string& name);
Status CheckPublicKey(const std::string& bytes, std::string_view what);

}  // namespace agritrace::chain::rules_internal
