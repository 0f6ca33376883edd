// CheckRecordStateless: everything about a record that can be judged without chain state.
// ApplyRecord (rules.cc) relies on these checks having passed, e.g. that keys are 32 bytes.
#include <algorithm>
#include <set>
#include <string>

#include "chain/model/gs1.h"
#include "chain/base/limits.h"
#include "chain/model/plot.h"
#include "chain/model/quantity.h"
#include "chain/rules/internal.h"
#include "chain/rules/rules.h"

namespace agritrace::chain {
namespace {

// Participant names are how people refer to each other on the CLI, so they stay short and
// shell-friendly.
constexpr size_t kMaxParticipantNameChars = 64;
// Coordinates are micro-degrees.
constexpr int64_t kMaxLatE6 = 90'000'000;
constexpr int64_t kMaxLonE6 = 180'000'000;
constexpr size_t kPubKeyBytes = 32;
constexpr size_t kHashBytes = 32;  // record ids (SHA-256)
// Values quoted in messages are cut so a hostile record cannot bloat a rejection sentence.
constexpr size_t kMaxQuotedChars = 40;

std::string Quoted(std::string_view value) {
  std::string out = "\"";
  for (size_t i = 0; i < value.size() && i < kMaxQuotedChars; ++i) {
    char c = value[i];
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (value.size() > kMaxQuotedChars) out += "...";
  return out + "\"";
}

// A span of milliseconds in the largest whole unit, e.g. "7 days", "10 minutes".
std::string FormatDuration(int64_t ms) {
  struct Unit {
    int64_t ms;
    const char* name;
  };
  static constexpr Unit kUnits[] = {
      {24LL * 3600 * 1000, "day"}, {3600 * 1000, "hour"}, {60 * 1000, "minute"}, {1000, "second"}};
  for (const Unit& unit : kUnits) {
    if (ms >= unit.ms) {
      int64_t n = ms / unit.ms;
      return std::to_string(n) + " " + unit.name + (n == 1 ? "" : "s");
    }
  }
  return std::to_string(ms) + " ms";
}

Status CheckText(std::string_view value, std::string_view field) {
  if (value.size() <= kMaxTextBytes) return Status::Ok();
  return Reject(Reason::kTooLarge, "the " + std::string(field) + " is " +
                                       std::to_string(value.size()) + " bytes; the limit is " +
                                       std::to_string(kMaxTextBytes));
}

Status CheckTimestamp(int64_t timestamp_ms, const ChainParams& params, int64_t now_ms) {
  // 128-bit so that a hostile timestamp near the int64 limits cannot overflow the difference.
  __int128 ahead_ms = static_cast<__int128>(timestamp_ms) - now_ms;
  if (ahead_ms > params.max_record_future_ms) {
    return Reject(
        Reason::kStaleTimestamp,
        "the record is dated " +
            FormatDuration(static_cast<int64_t>(std::min<__int128>(ahead_ms, INT64_MAX))) +
            " in the future (at most " + FormatDuration(params.max_record_future_ms) +
            " is allowed); check the clock of the device that signed it");
  }
  if (-ahead_ms > params.max_record_age_ms) {
    return Reject(
        Reason::kStaleTimestamp,
        "the record was signed " +
            FormatDuration(static_cast<int64_t>(std::min<__int128>(-ahead_ms, INT64_MAX))) +
            " ago, more than the " + FormatDuration(params.max_record_age_ms) +
            " allowed; sign it again with the current time");
  }
  return Status::Ok();
}

Status CheckPubKey(const std::string& bytes, std::string_view what) {
  auto key = ArrayFromBytes<kPubKeyBytes>(bytes);
  if (!key) {
    return Reject(Reason::kMalformed, "the " + std::string(what) +
                                          " must be a 32-byte public key; " +
                                          std::to_string(bytes.size()) + " bytes were given");
  }
  if (!IsValidPubKey(*key)) {
    return Reject(Reason::kMalformed,
                  "the " + std::string(what) + " is not a valid secp256k1 public key");
  }
  return Status::Ok();
}

Status CheckLocation(const v1::Location& location, std::string_view what) {
  AGRI_RETURN_IF_ERROR(CheckText(location.name(), std::string(what) + " name"));
  AGRI_RETURN_IF_ERROR(CheckText(location.gln(), std::string(what) + " GLN"));
  if (!location.gln().empty()) AGRI_RETURN_IF_ERROR(ValidateGln(location.gln()));
  if (location.has_lat_e6() && (location.lat_e6() < -kMaxLatE6 || location.lat_e6() > kMaxLatE6)) {
    return Reject(Reason::kMalformed, "the " + std::string(what) + " latitude " +
                                          std::to_string(location.lat_e6()) +
                                          " micro-degrees is outside -90..90 degrees");
  }
  if (location.has_lon_e6() && (location.lon_e6() < -kMaxLonE6 || location.lon_e6() > kMaxLonE6)) {
    return Reject(Reason::kMalformed, "the " + std::string(what) + " longitude " +
                                          std::to_string(location.lon_e6()) +
                                          " micro-degrees is outside -180..180 degrees");
  }
  return Status::Ok();
}

// A quantity a lot is created with: valid, and with a known mass (count units need the net
// mass of one item) so that later mass balances can always be computed.
Status CheckLotAmount(const v1::Quantity& quantity, const v1::Quantity& net_mass_per_unit,
                      const std::string& lot_key) {
  if (Status st = ValidateQuantity(quantity); !st.ok()) {
    return Reject(st.reason(), "lot " + lot_key + ": " + st.message());
  }
  if (KindOfUnit(quantity.unit()) == UnitKind::kCount) {
    if (KindOfUnit(net_mass_per_unit.unit()) != UnitKind::kMass ||
        !ValidateQuantity(net_mass_per_unit).ok()) {
      return Reject(Reason::kMalformed, "lot " + lot_key + " is counted in " + quantity.unit() +
                                            ", so it needs the net mass of one " + quantity.unit() +
                                            " in g, kg or t (e.g. 5kg)");
    }
  }
  if (!MassMilligrams(quantity, net_mass_per_unit)) {
    return Reject(Reason::kMalformed, "lot " + lot_key + " is too heavy (" +
                                          FormatQuantity(quantity) +
                                          ") for its mass to be computed; split it into lots");
  }
  return Status::Ok();
}

Status CheckRange(const v1::ConditionRange& range, std::string_view what) {
  bool bad = (range.has_min_temperature_mc() && range.has_max_temperature_mc() &&
              range.min_temperature_mc() > range.max_temperature_mc()) ||
             (range.has_min_humidity_mpct() && range.has_max_humidity_mpct() &&
              range.min_humidity_mpct() > range.max_humidity_mpct());
  for (int32_t t : {range.min_temperature_mc(), range.max_temperature_mc()}) {
    bad = bad || t < -kMaxAbsTemperatureMc || t > kMaxAbsTemperatureMc;
  }
  for (int32_t h : {range.min_humidity_mpct(), range.max_humidity_mpct()}) {
    bad = bad || h < 0 || h > kMaxHumidityMpct;
  }
  if (!bad) return Status::Ok();
  return Reject(Reason::kMalformed, "the allowed range of " + std::string(what) +
                                        " is invalid: minimum above maximum, or outside "
                                        "-100..100 C / 0..100 %");
}

Status CheckName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= kMaxParticipantNameChars;
  for (char c : name) {
    bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || c == '-';
    ok = ok && allowed;
  }
  if (ok) return Status::Ok();
  return Reject(Reason::kMalformed, "participant name " + Quoted(name) +
                                        " must be 1 to 64 letters, digits, '_', '.' or '-'");
}

Status CheckRoles(const v1::RegisterParticipant& reg) {
  if (reg.roles().empty()) {
    return Reject(Reason::kMalformed,
                  "participant " + Quoted(reg.name()) + " needs at least one role (e.g. farmer)");
  }
  if (static_cast<size_t>(reg.roles().size()) > kMaxRolesPerParticipant) {
    return Reject(Reason::kTooLarge, "participant " + Quoted(reg.name()) + " is given " +
                                         std::to_string(reg.roles().size()) +
                                         " roles; the limit is " +
                                         std::to_string(kMaxRolesPerParticipant));
  }
  for (int role : reg.roles()) {
    if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) {
      return Reject(Reason::kMalformed, "participant " + Quoted(reg.name()) +
                                            " is given unknown role number " +
                                            std::to_string(role));
    }
  }
  return Status::Ok();
}

Status CheckContact(const v1::ContactDetails& contact);
Status CheckDocumentRefs(const google::protobuf::RepeatedPtrField<v1::DocumentRef>& refs);

Status CheckRegisterParticipant(const v1::RegisterParticipant& reg) {
  AGRI_RETURN_IF_ERROR(CheckText(reg.organization(), "organization"));
  AGRI_RETURN_IF_ERROR(CheckPubKey(reg.pubkey(), "new participant's key"));
  AGRI_RETURN_IF_ERROR(CheckName(reg.name()));
  AGRI_RETURN_IF_ERROR(CheckRoles(reg));
  AGRI_RETURN_IF_ERROR(CheckContact(reg.contact()));
  return CheckLocation(reg.location(), "participant location");
}

Status CheckHarvest(const v1::Harvest& harvest) {
  AGRI_RETURN_IF_ERROR(CheckText(harvest.commodity(), "commodity"));
  AGRI_RETURN_IF_ERROR(CheckText(harvest.variety(), "variety"));
  AGRI_RETURN_IF_ERROR(CheckText(harvest.field(), "field"));
  AGRI_RETURN_IF_ERROR(ValidateLotKey(harvest.lot()));
  const std::string lot_key = FormatLotKey(harvest.lot());
  if (harvest.commodity().empty()) {
    return Reject(Reason::kMalformed,
                  "the harvest of lot " + lot_key + " must name its commodity (e.g. tomatoes)");
  }
  AGRI_RETURN_IF_ERROR(CheckLotAmount(harvest.quantity(), harvest.net_mass_per_unit(), lot_key));
  AGRI_RETURN_IF_ERROR(CheckRange(harvest.allowed_range(), "lot " + lot_key));
  AGRI_RETURN_IF_ERROR(CheckDocumentRefs(harvest.refs()));
  if (harvest.plot().size() > kMaxPlotIdBytes) {
    return Reject(Reason::kTooLarge, "a plot id is at most " + std::to_string(kMaxPlotIdBytes) +
                                         " bytes");
  }
  return CheckLocation(harvest.location(), "harvest location");
}

Status CheckTransformShape(const v1::Transform& transform) {
  if (transform.kind() == v1::TRANSFORM_KIND_UNSPECIFIED ||
      !v1::TransformKind_IsValid(transform.kind())) {
    return Reject(Reason::kMalformed, "the transform must say whether it is a pack or a transform");
  }
  if (transform.inputs().empty() || transform.outputs().empty()) {
    return Reject(Reason::kMalformed,
                  "a pack or transform needs at least one input lot and one output lot");
  }
  if (static_cast<size_t>(transform.inputs().size()) > kMaxTransformInputs) {
    return Reject(Reason::kTooLarge, "the record has " + std::to_string(transform.inputs().size()) +
                                         " input lots; the limit is " +
                                         std::to_string(kMaxTransformInputs));
  }
  if (static_cast<size_t>(transform.outputs().size()) > kMaxTransformOutputs) {
    return Reject(Reason::kTooLarge,
                  "the record has " + std::to_string(transform.outputs().size()) +
                      " output lots; the limit is " + std::to_string(kMaxTransformOutputs));
  }
  return Status::Ok();
}

Status CheckTransformInputs(const v1::Transform& transform) {
  std::set<std::string> seen;
  for (const v1::LotAmount& input : transform.inputs()) {
    AGRI_RETURN_IF_ERROR(ValidateLotKey(input.lot()));
    std::string key = FormatLotKey(input.lot());
    if (!seen.insert(key).second) {
      return Reject(Reason::kMalformed,
                    "input lot " + key + " is listed twice; state its amount once");
    }
    if (Status st = ValidateQuantity(input.quantity()); !st.ok()) {
      return Reject(st.reason(), "input lot " + key + ": " + st.message());
    }
  }
  return Status::Ok();
}

Status CheckTransformOutputs(const v1::Transform& transform) {
  std::set<std::string> seen;
  for (const v1::LotOutput& output : transform.outputs()) {
    AGRI_RETURN_IF_ERROR(CheckText(output.commodity(), "output commodity"));
    AGRI_RETURN_IF_ERROR(CheckText(output.variety(), "output variety"));
    AGRI_RETURN_IF_ERROR(ValidateLotKey(output.lot()));
    std::string key = FormatLotKey(output.lot());
    if (!seen.insert(key).second) {
      return Reject(Reason::kMalformed,
                    "output lot " + key + " is listed twice; give each output its own lot code");
    }
    AGRI_RETURN_IF_ERROR(CheckLotAmount(output.quantity(), output.net_mass_per_unit(), key));
    AGRI_RETURN_IF_ERROR(CheckRange(output.allowed_range(), "lot " + key));
  }
  return Status::Ok();
}

Status CheckDocumentRefs(const google::protobuf::RepeatedPtrField<v1::DocumentRef>& refs) {
  if (static_cast<size_t>(refs.size()) > kMaxDocumentRefs) {
    return Reject(Reason::kTooLarge, "the record names " + std::to_string(refs.size()) +
                                         " documents; the limit is " +
                                         std::to_string(kMaxDocumentRefs));
  }
  for (const v1::DocumentRef& ref : refs) {
    if (ref.type() == v1::DOCUMENT_TYPE_UNSPECIFIED || !v1::DocumentType_IsValid(ref.type())) {
      return Reject(Reason::kMalformed,
                    "a document reference needs its type: po, bol, inv, desadv or other");
    }
    AGRI_RETURN_IF_ERROR(CheckText(ref.id(), "document id"));
    if (ref.id().empty()) return Reject(Reason::kMalformed, "a document reference needs its id");
  }
  return Status::Ok();
}

// Exactly one of a lot and a pallet (SSCC), valid.
Status CheckLotOrPallet(const v1::LotKey& lot, bool has_lot, const std::string& sscc,
                        std::string_view what) {
  if (has_lot == !sscc.empty()) {
    return Reject(Reason::kMalformed,
                  "a " + std::string(what) + " names either a lot or a pallet (SSCC), not " +
                      (has_lot ? "both" : "neither"));
  }
  return has_lot ? ValidateLotKey(lot) : ValidateSscc(sscc);
}

Status CheckPartyKey(const std::string& key, std::string_view what, bool optional) {
  if ((optional && key.empty()) || key.size() == kPubKeyBytes) return Status::Ok();
  return Reject(Reason::kMalformed, "the " + std::string(what) +
                                        " must be a 32-byte participant key" +
                                        (optional ? ", or left out" : ""));
}

Status CheckOptionalAmount(const v1::Quantity& quantity, bool has, std::string_view what) {
  if (!has) return Status::Ok();
  if (Status st = ValidateQuantity(quantity); !st.ok()) {
    return Reject(st.reason(), "the " + std::string(what) + ": " + st.message());
  }
  return Status::Ok();
}

Status CheckShip(const v1::Ship& ship) {
  AGRI_RETURN_IF_ERROR(CheckLotOrPallet(ship.lot(), ship.has_lot(), ship.sscc(), "shipment"));
  AGRI_RETURN_IF_ERROR(CheckPartyKey(ship.receiver(), "receiver", false));
  AGRI_RETURN_IF_ERROR(CheckPartyKey(ship.carrier(), "carrier", true));
  AGRI_RETURN_IF_ERROR(CheckOptionalAmount(ship.quantity(), ship.has_quantity(), "quantity"));
  return CheckDocumentRefs(ship.refs());
}

Status CheckShipmentId(const std::string& id, bool optional) {
  if ((optional && id.empty()) || id.size() == kHashBytes) return Status::Ok();
  return Reject(Reason::kMalformed, "a shipment id is the 32-byte id of its ship record");
}

Status CheckReceive(const v1::Receive& receive) {
  AGRI_RETURN_IF_ERROR(
      CheckLotOrPallet(receive.lot(), receive.has_lot(), receive.sscc(), "receipt"));
  AGRI_RETURN_IF_ERROR(CheckShipmentId(receive.shipment(), true));
  AGRI_RETURN_IF_ERROR(CheckOptionalAmount(receive.accept(), receive.has_accept(), "accepted part"));
  AGRI_RETURN_IF_ERROR(CheckOptionalAmount(receive.reject(), receive.has_reject(), "rejected part"));
  AGRI_RETURN_IF_ERROR(CheckText(receive.reject_reason(), "reason"));
  return CheckDocumentRefs(receive.refs());
}

Status CheckCancelShipment(const v1::CancelShipment& cancel) {
  AGRI_RETURN_IF_ERROR(CheckLotOrPallet(cancel.lot(), cancel.has_lot(), cancel.sscc(), "cancel"));
  return CheckShipmentId(cancel.shipment(), false);
}

Status CheckLoss(const v1::Loss& loss) {
  AGRI_RETURN_IF_ERROR(ValidateLotKey(loss.lot()));
  AGRI_RETURN_IF_ERROR(CheckOptionalAmount(loss.quantity(), true, "lost quantity"));
  if (loss.reason() == v1::LOSS_REASON_UNSPECIFIED || !v1::LossReason_IsValid(loss.reason())) {
    return Reject(Reason::kMalformed, "a loss needs its reason: spoilage, damage, shrinkage, "
                                      "sample, theft, destroyed or other");
  }
  return CheckText(loss.note(), "note");
}

Status CheckCool(const v1::Cool& cool) {
  AGRI_RETURN_IF_ERROR(ValidateLotKey(cool.lot()));
  if (cool.method() == v1::COOLING_METHOD_UNSPECIFIED ||
      !v1::CoolingMethod_IsValid(cool.method())) {
    return Reject(Reason::kMalformed, "cooling needs its method: forced-air, hydrocooling, ice, "
                                      "vacuum or cold-storage");
  }
  return CheckLocation(cool.location(), "cooling location");
}

Status CheckAggregate(const v1::Aggregate& aggregate) {
  AGRI_RETURN_IF_ERROR(ValidateSscc(aggregate.sscc()));
  if (aggregate.contents().empty()) {
    return Reject(Reason::kMalformed, "a pallet needs at least one lot on it");
  }
  if (static_cast<size_t>(aggregate.contents().size()) > kMaxPalletLots) {
    return Reject(Reason::kTooLarge, "the pallet lists " +
                                         std::to_string(aggregate.contents().size()) +
                                         " lots; the limit is " + std::to_string(kMaxPalletLots));
  }
  std::set<std::string> seen;
  for (const v1::LotAmount& content : aggregate.contents()) {
    AGRI_RETURN_IF_ERROR(ValidateLotKey(content.lot()));
    const std::string key = FormatLotKey(content.lot());
    if (!seen.insert(key).second) {
      return Reject(Reason::kMalformed, "lot " + key + " is listed twice on the pallet");
    }
    AGRI_RETURN_IF_ERROR(CheckOptionalAmount(content.quantity(), true, "amount of lot " + key));
  }
  return Status::Ok();
}

Status CheckTzOffset(int32_t minutes, std::string_view what) {
  if (minutes >= -kMaxTzOffsetMinutes && minutes <= kMaxTzOffsetMinutes) return Status::Ok();
  return Reject(Reason::kMalformed, "the " + std::string(what) + " UTC offset of " +
                                        std::to_string(minutes) +
                                        " minutes is outside -14:00..+14:00");
}

Status CheckPhone(const std::string& phone) {
  AGRI_RETURN_IF_ERROR(CheckText(phone, "phone"));
  for (char c : phone) {
    if (!(c >= '0' && c <= '9') && c != '+' && c != ' ' && c != '-' && c != '(' && c != ')') {
      return Reject(Reason::kMalformed, "phone number " + Quoted(phone) +
                                            " may hold only digits, spaces and + - ( )");
    }
  }
  return Status::Ok();
}

Status CheckContact(const v1::ContactDetails& contact) {
  AGRI_RETURN_IF_ERROR(CheckText(contact.address(), "address"));
  AGRI_RETURN_IF_ERROR(CheckPhone(contact.phone()));
  if (!contact.party_gln().empty()) AGRI_RETURN_IF_ERROR(ValidateGln(contact.party_gln()));
  return CheckTzOffset(contact.tz_offset_min(), "participant's");
}

Status CheckUpdateParticipant(const v1::UpdateParticipant& update) {
  AGRI_RETURN_IF_ERROR(CheckPubKey(update.pubkey(), "participant's key"));
  if (!update.has_address() && !update.has_phone() && !update.has_gln() &&
      !update.has_tz_offset_min() && !update.has_party_gln()) {
    return Reject(Reason::kMalformed, "the update changes nothing; give a new address, phone, "
                                      "GLN, party GLN or time zone");
  }
  if (update.has_party_gln() && !update.party_gln().empty()) {
    AGRI_RETURN_IF_ERROR(ValidateGln(update.party_gln()));
  }
  AGRI_RETURN_IF_ERROR(CheckText(update.address(), "address"));
  AGRI_RETURN_IF_ERROR(CheckPhone(update.phone()));
  if (update.has_gln() && !update.gln().empty()) AGRI_RETURN_IF_ERROR(ValidateGln(update.gln()));
  return CheckTzOffset(update.tz_offset_min(), "participant's");
}

Status CheckReadings(const google::protobuf::RepeatedPtrField<v1::SensorReading>& readings,
                     bool required) {
  if (required && readings.empty()) {
    return Reject(Reason::kMalformed, "sensor readings need at least one reading");
  }
  if (static_cast<size_t>(readings.size()) > kMaxSensorReadings) {
    return Reject(Reason::kTooLarge, "the record has " + std::to_string(readings.size()) +
                                         " readings; the limit is " +
                                         std::to_string(kMaxSensorReadings));
  }
  for (const v1::SensorReading& r : readings) {
    if (r.time_ms() <= 0) return Reject(Reason::kMalformed, "every reading needs its time");
    if (!r.has_temperature_mc() && !r.has_humidity_mpct() && !r.has_location()) {
      return Reject(Reason::kMalformed, "a reading needs a temperature, humidity or position");
    }
    if (r.has_temperature_mc() && (r.temperature_mc() < -kMaxAbsTemperatureMc ||
                                   r.temperature_mc() > kMaxAbsTemperatureMc)) {
      return Reject(Reason::kMalformed, "a temperature reading is outside -100..100 C");
    }
    if (r.has_humidity_mpct() && (r.humidity_mpct() < 0 || r.humidity_mpct() > kMaxHumidityMpct)) {
      return Reject(Reason::kMalformed, "a humidity reading is outside 0..100 %");
    }
    AGRI_RETURN_IF_ERROR(CheckLocation(r.location(), "reading location"));
  }
  return Status::Ok();
}

// A claim certificate: one scope (plot, farmer or organisation), no lot, a claim, a tonnage
// of mass, a pass.
Status CheckClaimCertify(const v1::Certify& c) {
  AGRI_RETURN_IF_ERROR(CheckText(c.claim(), "claim"));
  AGRI_RETURN_IF_ERROR(CheckText(c.organization(), "organisation"));
  const int scopes = !c.plot_id().empty() + !c.farmer().empty() + !c.organization().empty();
  if (scopes != 1 || c.has_lot()) {
    return Reject(Reason::kMalformed, "a claim certificate covers exactly one plot, farmer or "
                                      "organisation, and no lot");
  }
  if (!c.farmer().empty()) AGRI_RETURN_IF_ERROR(CheckPubKey(c.farmer(), "certified farmer's key"));
  if (c.plot_id().size() > kMaxPlotIdBytes) {
    return Reject(Reason::kTooLarge, "a plot id is at most " + std::to_string(kMaxPlotIdBytes) +
                                         " bytes");
  }
  AGRI_RETURN_IF_ERROR(ValidateQuantity(c.tonnage()));
  if (KindOfUnit(c.tonnage().unit()) != UnitKind::kMass) {
    return Reject(Reason::kMalformed, "a claim certificate's tonnage is a mass, e.g. 50t");
  }
  if (c.outcome() != v1::CERT_OUTCOME_PASS) {
    return Reject(Reason::kMalformed, "a claim certificate must be a pass");
  }
  return Status::Ok();
}

Status CheckCertify(const v1::Certify& c) {
  if (!c.claim().empty()) AGRI_RETURN_IF_ERROR(CheckClaimCertify(c));
  if (c.claim().empty() && (!c.plot_id().empty() || !c.farmer().empty() ||
                            !c.organization().empty() || c.has_tonnage())) {
    return Reject(Reason::kMalformed, "a certificate on a plot, farmer or organisation must "
                                      "name its claim (e.g. organic)");
  }
  if (c.claim().empty()) AGRI_RETURN_IF_ERROR(ValidateLotKey(c.lot()));
  AGRI_RETURN_IF_ERROR(CheckText(c.standard(), "standard"));
  AGRI_RETURN_IF_ERROR(CheckText(c.certificate_id(), "certificate id"));
  if (c.standard().empty()) {
    return Reject(Reason::kMalformed, "a certificate must name its standard");
  }
  if (c.outcome() != v1::CERT_OUTCOME_PASS && c.outcome() != v1::CERT_OUTCOME_FAIL) {
    return Reject(Reason::kMalformed, "a certificate's result must be pass or fail");
  }
  if (!c.document_sha256().empty() && c.document_sha256().size() != 32) {
    return Reject(Reason::kMalformed, "the document hash must be a 32-byte SHA-256");
  }
  if (c.valid_from_ms() != 0 && c.valid_until_ms() != 0 && c.valid_until_ms() < c.valid_from_ms()) {
    return Reject(Reason::kMalformed, "the certificate expires before it becomes valid");
  }
  return Status::Ok();
}

Status CheckReasonText(const std::string& reason, std::string_view what) {
  AGRI_RETURN_IF_ERROR(CheckText(reason, "reason"));
  if (!reason.empty()) return Status::Ok();
  return Reject(Reason::kMalformed, "a " + std::string(what) + " must give its reason");
}

Status CheckCorrection(const v1::Correction& c) {
  AGRI_RETURN_IF_ERROR(CheckReasonText(c.reason(), "correction"));
  if (c.record_id().size() != 32) {
    return Reject(Reason::kMalformed, "the corrected record id must be 32 bytes");
  }
  if (!c.corrective_record_id().empty() && c.corrective_record_id().size() != 32) {
    return Reject(Reason::kMalformed, "the corrective record id must be 32 bytes, or left out");
  }
  if (c.corrective_record_id() == c.record_id()) {
    return Reject(Reason::kMalformed, "a record cannot be its own correction");
  }
  return c.has_lot() ? ValidateLotKey(c.lot()) : Status::Ok();
}

Status CheckRegisterDevice(const v1::RegisterDevice& device) {
  AGRI_RETURN_IF_ERROR(CheckPubKey(device.pubkey(), "device key"));
  return CheckName(device.name());
}

Status CheckSensorReadings(const v1::SensorReadings& readings) {
  AGRI_RETURN_IF_ERROR(ValidateLotKey(readings.lot()));
  return CheckReadings(readings.readings(), true);
}

Status CheckCheckpoint(const v1::Checkpoint& checkpoint) {
  AGRI_RETURN_IF_ERROR(ValidateLotKey(checkpoint.lot()));
  if (!v1::CheckpointStep_IsValid(checkpoint.step())) {
    return Reject(Reason::kMalformed, "unknown checkpoint step");
  }
  AGRI_RETURN_IF_ERROR(CheckLocation(checkpoint.location(), "checkpoint location"));
  return CheckReadings(checkpoint.readings(), false);
}

Status CheckRecall(const v1::Recall& recall) {
  AGRI_RETURN_IF_ERROR(ValidateLotKey(recall.lot()));
  return CheckReasonText(recall.reason(), "recall");
}

Status CheckRevoke(const v1::Revoke& revoke) {
  AGRI_RETURN_IF_ERROR(CheckText(revoke.reason(), "reason"));
  return CheckPubKey(revoke.pubkey(), "key to revoke");
}

Status CheckRotateKey(const v1::RotateKey& rotate) {
  AGRI_RETURN_IF_ERROR(CheckText(rotate.reason(), "reason"));
  AGRI_RETURN_IF_ERROR(CheckPubKey(rotate.old_pubkey(), "key to rotate"));
  AGRI_RETURN_IF_ERROR(CheckPubKey(rotate.new_pubkey(), "new key"));
  if (rotate.old_pubkey() == rotate.new_pubkey()) {
    return Reject(Reason::kMalformed, "a key cannot be rotated to itself; name a new key");
  }
  return Status::Ok();
}

// --- Origin: plots, inputs, bans.

Status CheckPlotId(const std::string& plot_id) {
  if (plot_id.empty()) return Reject(Reason::kMalformed, "the record must name its plot");
  if (plot_id.size() > kMaxPlotIdBytes) {
    return Reject(Reason::kTooLarge,
                  "a plot id is at most " + std::to_string(kMaxPlotIdBytes) + " bytes");
  }
  for (char c : plot_id) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == 0x7f) {
      return Reject(Reason::kMalformed, "plot id " + Quoted(plot_id) +
                                            " may not hold spaces, control characters or '/'");
    }
  }
  return Status::Ok();
}

Status CheckRegisterPlot(const v1::RegisterPlot& reg) {
  AGRI_RETURN_IF_ERROR(CheckPlotId(reg.plot_id()));
  AGRI_RETURN_IF_ERROR(CheckPubKey(reg.owner(), "plot owner's key"));
  AGRI_RETURN_IF_ERROR(CheckText(reg.crop(), "crop"));
  if (reg.crop().empty()) return Reject(Reason::kMalformed, "a plot must name its crop");
  AGRI_RETURN_IF_ERROR(CheckLocation(reg.location(), "plot location"));
  if (reg.polygon_size() > kMaxPlotPolygonPoints) {
    return Reject(Reason::kTooLarge, "a plot polygon has at most " +
                                         std::to_string(kMaxPlotPolygonPoints) + " points");
  }
  for (const v1::Location& point : reg.polygon()) {
    AGRI_RETURN_IF_ERROR(CheckLocation(point, "polygon point"));
    if (!point.has_lat_e6() || !point.has_lon_e6()) {
      return Reject(Reason::kMalformed, "every polygon point needs a latitude and longitude");
    }
  }
  Result<v1::PlotState> plot = NewPlotState(reg);  // area, yield, season start
  return plot.ok() ? Status::Ok() : plot.status();
}

Status CheckInputApplication(const v1::InputApplication& input) {
  AGRI_RETURN_IF_ERROR(CheckPlotId(input.plot_id()));
  AGRI_RETURN_IF_ERROR(CheckText(input.product(), "product"));
  AGRI_RETURN_IF_ERROR(CheckText(input.active_ingredient(), "active ingredient"));
  AGRI_RETURN_IF_ERROR(CheckText(input.rate(), "rate"));
  if (input.product().empty() || input.active_ingredient().empty()) {
    return Reject(Reason::kMalformed, "an application must name its product and active ingredient");
  }
  if (input.phi_days() > kMaxPhiDays) {
    return Reject(Reason::kMalformed, "a pre-harvest interval is at most " +
                                          std::to_string(kMaxPhiDays) + " days");
  }
  return Status::Ok();
}

Status CheckBanIngredient(const v1::BanIngredient& ban) {
  AGRI_RETURN_IF_ERROR(CheckText(ban.crop(), "crop"));
  AGRI_RETURN_IF_ERROR(CheckText(ban.active_ingredient(), "active ingredient"));
  if (ban.crop().empty() || ban.active_ingredient().empty()) {
    return Reject(Reason::kMalformed, "a ban names a crop and an active ingredient");
  }
  return CheckReasonText(ban.reason(), "ban");
}

Status CheckComplianceCert(const v1::ComplianceCert& cert) {
  AGRI_RETURN_IF_ERROR(ValidateLotKey(cert.lot()));
  if (cert.basis() == v1::COMPLIANCE_BASIS_UNSPECIFIED || !v1::ComplianceBasis_IsValid(cert.basis())) {
    return Reject(Reason::kMalformed, "a compliance certificate names its basis: "
                                      "self-commitment, self-test, commissioned-test or "
                                      "internal-control");
  }
  if (!cert.test_report_sha256().empty() && cert.test_report_sha256().size() != kHashBytes) {
    return Reject(Reason::kMalformed, "the test report hash must be a 32-byte SHA-256");
  }
  const bool tested = cert.basis() == v1::COMPLIANCE_BASIS_SELF_TEST ||
                      cert.basis() == v1::COMPLIANCE_BASIS_COMMISSIONED_TEST;
  if (tested && cert.test_report_sha256().empty()) {
    return Reject(Reason::kMalformed, "a test basis needs the test report's SHA-256 "
                                      "(--test-report)");
  }
  return Status::Ok();
}

// Every event by name and no default: -Wswitch flags an event added to RecordBody and not
// checked here. An event this node does not know arrives as EVENT_NOT_SET (an unknown field).
Status CheckEvent(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kRegisterParticipant:
      return CheckRegisterParticipant(body.register_participant());
    case v1::RecordBody::kHarvest:
      return CheckHarvest(body.harvest());
    case v1::RecordBody::kTransform:
      AGRI_RETURN_IF_ERROR(CheckTransformShape(body.transform()));
      AGRI_RETURN_IF_ERROR(CheckTransformInputs(body.transform()));
      AGRI_RETURN_IF_ERROR(CheckDocumentRefs(body.transform().refs()));
      return CheckTransformOutputs(body.transform());
    case v1::RecordBody::kShip:
      return CheckShip(body.ship());
    case v1::RecordBody::kReceive:
      return CheckReceive(body.receive());
    case v1::RecordBody::kRegisterDevice:
      return CheckRegisterDevice(body.register_device());
    case v1::RecordBody::kSensorReadings:
      return CheckSensorReadings(body.sensor_readings());
    case v1::RecordBody::kCheckpoint:
      return CheckCheckpoint(body.checkpoint());
    case v1::RecordBody::kCertify:
      return CheckCertify(body.certify());
    case v1::RecordBody::kRecall:
      return CheckRecall(body.recall());
    case v1::RecordBody::kSell:
      AGRI_RETURN_IF_ERROR(ValidateLotKey(body.sell().lot()));
      AGRI_RETURN_IF_ERROR(
          CheckOptionalAmount(body.sell().quantity(), body.sell().has_quantity(), "quantity"));
      return CheckDocumentRefs(body.sell().refs());
    case v1::RecordBody::kRevoke:
      return CheckRevoke(body.revoke());
    case v1::RecordBody::kCorrection:
      return CheckCorrection(body.correction());
    case v1::RecordBody::kRotateKey:
      return CheckRotateKey(body.rotate_key());
    case v1::RecordBody::kCancelShipment:
      return CheckCancelShipment(body.cancel_shipment());
    case v1::RecordBody::kLoss:
      return CheckLoss(body.loss());
    case v1::RecordBody::kAggregate:
      return CheckAggregate(body.aggregate());
    case v1::RecordBody::kDisaggregate:
      return ValidateSscc(body.disaggregate().sscc());
    case v1::RecordBody::kUpdateParticipant:
      return CheckUpdateParticipant(body.update_participant());
    case v1::RecordBody::kCool:
      return CheckCool(body.cool());
    case v1::RecordBody::kRegisterPlot:
      return CheckRegisterPlot(body.register_plot());
    case v1::RecordBody::kTransferPlot:
      AGRI_RETURN_IF_ERROR(CheckPlotId(body.transfer_plot().plot_id()));
      return CheckPubKey(body.transfer_plot().new_owner(), "new owner's key");
    case v1::RecordBody::kRetirePlot:
      AGRI_RETURN_IF_ERROR(CheckPlotId(body.retire_plot().plot_id()));
      return CheckReasonText(body.retire_plot().reason(), "retirement");
    case v1::RecordBody::kInputApplication:
      return CheckInputApplication(body.input_application());
    case v1::RecordBody::kBanIngredient:
      return CheckBanIngredient(body.ban_ingredient());
    case v1::RecordBody::kComplianceCert:
      return CheckComplianceCert(body.compliance_cert());
    case v1::RecordBody::kProposeValidatorChange:  // governance.cc
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
      return rules_internal::CheckGovernanceEvent(body);
    case v1::RecordBody::EVENT_NOT_SET:
      break;
  }
  return Reject(Reason::kMalformed, "the record carries no event (or one this node does not know)");
}

// The event time: not further ahead of the block (or node) clock than a record may be, and
// for a harvest the same as its harvest time when both are given.
Status CheckEventTime(const v1::RecordBody& body, const ChainParams& params, int64_t now_ms) {
  AGRI_RETURN_IF_ERROR(CheckTzOffset(body.event_tz_offset_min(), "event time's"));
  if (body.event_time_ms() < 0) {
    return Reject(Reason::kEventTime, "the event time is before 1970; check the --at time");
  }
  if (body.event_time_ms() != 0 && body.has_harvest() && body.harvest().harvest_time_ms() != 0 &&
      body.harvest().harvest_time_ms() != body.event_time_ms()) {
    return Reject(Reason::kMalformed, "the harvest time and the event time differ; give one");
  }
  const __int128 ahead_ms = static_cast<__int128>(body.event_time_ms()) - now_ms;
  if (body.event_time_ms() != 0 && ahead_ms > params.max_record_future_ms) {
    return Reject(Reason::kEventTime, "the event time is " +
                                          FormatDuration(static_cast<int64_t>(std::min<__int128>(ahead_ms, INT64_MAX))) +
                                          " in the future; an event is recorded once it happened");
  }
  return Status::Ok();
}

Status CheckAttestedParty(const v1::AttestedParty& party, std::string_view role) {
  for (const std::string* text : {&party.uri(), &party.name(), &party.gln(), &party.location(),
                                  &party.address(), &party.phone()}) {
    AGRI_RETURN_IF_ERROR(CheckText(*text, std::string(role) + " of the attestation"));
  }
  return Status::Ok();
}

// An attestation names who did the event (a non-empty URI) and only goods events are attested:
// participants, devices, revocations and key rotations are each party's own business.
Status CheckAttestation(const v1::RecordBody& body) {
  if (!body.has_attestation()) return Status::Ok();
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest:
    case v1::RecordBody::kTransform:
    case v1::RecordBody::kShip:
    case v1::RecordBody::kReceive:
    case v1::RecordBody::kSensorReadings:
    case v1::RecordBody::kCheckpoint:
    case v1::RecordBody::kCertify:
    case v1::RecordBody::kRecall:
    case v1::RecordBody::kSell:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kCancelShipment:
    case v1::RecordBody::kLoss:
    case v1::RecordBody::kAggregate:
    case v1::RecordBody::kDisaggregate:
    case v1::RecordBody::kCool:
      break;
    case v1::RecordBody::kRegisterParticipant:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kRotateKey:
    case v1::RecordBody::kUpdateParticipant:
    // Land records are their signers' own: a plot's registration, an application on it, a
    // ban and a producer's commitment are never a partner's event to attest.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert:
    // Validator-set governance is the admins' and validators' own.
    case v1::RecordBody::kProposeValidatorChange:
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
    case v1::RecordBody::EVENT_NOT_SET:
      return Reject(Reason::kMalformed,
                    "only events about goods can be attested, not a " +
                        std::string(EventName(body)) + " record");
  }
  const v1::Attestation& attestation = body.attestation();
  if (attestation.party().uri().empty()) {
    return Reject(Reason::kMalformed, "an attestation must name the party that did the event");
  }
  AGRI_RETURN_IF_ERROR(CheckAttestedParty(attestation.party(), "the party"));
  AGRI_RETURN_IF_ERROR(CheckAttestedParty(attestation.receiver(), "the receiver"));
  AGRI_RETURN_IF_ERROR(CheckAttestedParty(attestation.carrier(), "the carrier"));
  return CheckText(attestation.event_id(), "event id of the attestation");
}

}  // namespace

namespace rules_internal {
Status CheckParticipantName(const std::string& name) { return CheckName(name); }
Status CheckPublicKey(const std::string& bytes, std::string_view what) {
  return CheckPubKey(bytes, what);
}
}  // namespace rules_internal

Status CheckRecordStateless(const Record& record, const ChainParams& params, int64_t now_ms) {
  const v1::RecordBody& body = record.body;
  if (body.chain_id() != params.chain_id) {
    return Reject(Reason::kWrongChain, "the record was signed for chain " +
                                           Quoted(body.chain_id()) + " but this is chain " +
                                           Quoted(params.chain_id) + "; sign it for this chain");
  }
  AGRI_RETURN_IF_ERROR(CheckTimestamp(body.timestamp_ms(), params, now_ms));
  AGRI_RETURN_IF_ERROR(CheckEventTime(body, params, now_ms));
  AGRI_RETURN_IF_ERROR(CheckAttestation(body));
  return CheckEvent(body);
}

}  // namespace agritrace::chain
