#include "chain/export/record_json.h"

#include "chain/export/governance_json.h"
#include "chain/export/origin_json.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "chain/base/bytes.h"
#include "chain/base/limits.h"
#include "chain/export/custody_json.h"
#include "chain/export/event_json.h"
#include "chain/export/event_time.h"
#include "chain/model/genesis.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"
#include "chain/model/record.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kSecondsPerDay = 86400;
constexpr double kMicroDegrees = 1e6;

json QuantityOrNull(const v1::Quantity& q) {
  if (q.unit().empty() && q.milli() == 0) return nullptr;
  return FormatQuantity(q);
}

json KeyOrNull(const std::string& bytes) {
  if (bytes.empty()) return nullptr;
  return ToHex(bytes);
}

void AddLocationIfSet(json& out, const char* key, bool has, const v1::Location& location) {
  if (!has) return;
  json rendered = LocationToJson(location);
  if (!rendered.empty()) out[key] = std::move(rendered);
}

json RolesToJson(const google::protobuf::RepeatedField<int>& roles) {
  json out = json::array();
  for (int role : roles) out.push_back(std::string(RoleName(static_cast<v1::Role>(role))));
  return out;
}

json HarvestToJson(const v1::Harvest& h) {
  json out = {{"lot", FormatLotKey(h.lot())},
              {"commodity", h.commodity()},
              {"variety", h.variety()},
              {"quantity", FormatQuantity(h.quantity())},
              {"harvest_time", FormatIsoTime(h.harvest_time_ms())},
              {"harvest_time_ms", h.harvest_time_ms()},
              {"field", h.field()}};
  if (h.has_net_mass_per_unit()) out["net_mass_per_unit"] = FormatQuantity(h.net_mass_per_unit());
  AddLocationIfSet(out, "location", h.has_location(), h.location());
  if (!h.refs().empty()) out["refs"] = DocumentRefsToJson(h.refs());
  return out;
}

json LotOutputToJson(const v1::LotOutput& o) {
  json out = {{"lot", FormatLotKey(o.lot())}, {"quantity", FormatQuantity(o.quantity())}};
  if (o.has_net_mass_per_unit()) out["net_mass_per_unit"] = FormatQuantity(o.net_mass_per_unit());
  if (!o.commodity().empty()) out["commodity"] = o.commodity();
  if (!o.variety().empty()) out["variety"] = o.variety();
  return out;
}

json TransformToJson(const v1::Transform& t) {
  json inputs = json::array();
  for (const auto& in : t.inputs()) {
    inputs.push_back({{"lot", FormatLotKey(in.lot())}, {"quantity", FormatQuantity(in.quantity())}});
  }
  json outputs = json::array();
  for (const auto& o : t.outputs()) outputs.push_back(LotOutputToJson(o));
  json out = {{"kind", std::string(TransformKindName(t.kind()))},
              {"inputs", std::move(inputs)},
              {"outputs", std::move(outputs)}};
  if (!t.refs().empty()) out["refs"] = DocumentRefsToJson(t.refs());
  return out;
}

json ContactToJson(const v1::ContactDetails& c) {
  json out = json::object();
  if (!c.address().empty()) out["address"] = c.address();
  if (!c.phone().empty()) out["phone"] = c.phone();
  if (!c.party_gln().empty()) out["party_gln"] = c.party_gln();
  if (c.has_tz_offset_min()) {
    out["tz"] = FormatTzOffset(c.tz_offset_min());
    out["tz_offset_min"] = c.tz_offset_min();
  }
  return out;
}

json RegisterToJson(const v1::RegisterParticipant& r) {
  json out = {{"pubkey", ToHex(r.pubkey())},
              {"name", r.name()},
              {"roles", RolesToJson(r.roles())},
              {"organization", r.organization()}};
  AddLocationIfSet(out, "location", r.has_location(), r.location());
  if (r.has_contact()) out["contact"] = ContactToJson(r.contact());
  return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

int DaysInMonth(int64_t year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// A cursor over the time text; each Read* consumes exactly the digits it needs.
class TimeScanner {
 public:
  explicit TimeScanner(std::string_view text) : text_(text) {}
  bool Done() const { return pos_ == text_.size(); }
  char Peek() const { return Done() ? '\0' : text_[pos_]; }
  bool Accept(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  bool ReadDigits(size_t count, int64_t& out) {
    out = 0;
    for (size_t i = 0; i < count; ++i) {
      const char c = Peek();
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
      ++pos_;
    }
    return true;
  }
  // Up to three fraction digits as milliseconds; further digits are skipped.
  bool ReadFractionMs(int64_t& ms) {
    ms = 0;
    size_t digits = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (digits < 3) ms = ms * 10 + (Peek() - '0');
      ++digits;
      ++pos_;
    }
    for (size_t i = digits; i < 3; ++i) ms *= 10;
    return digits > 0;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Status BadTime(std::string_view text) {
  std::string message = "'";
  message.append(text);
  message.append("' is not an ISO 8601 time; use e.g. 2026-11-28T13:00:00Z or "
                 "2026-11-28T21:00:00+08:00");
  return Reject(Reason::kMalformed, std::move(message));
}

// Parses the optional "Z" / "+HH:MM" / "-HH:MM" suffix into an offset east of UTC; `given`
// tells whether there was one.
bool ReadZone(TimeScanner& scan, int64_t& offset_minutes, bool& given) {
  offset_minutes = 0;
  given = !scan.Done();
  if (scan.Done() || scan.Accept('Z') || scan.Accept('z')) return scan.Done();
  int sign = 0;
  if (scan.Accept('+')) sign = 1;
  else if (scan.Accept('-')) sign = -1;
  else return false;
  int64_t hours = 0, minutes = 0;
  if (!scan.ReadDigits(2, hours)) return false;
  scan.Accept(':');
  if (!scan.ReadDigits(2, minutes) || hours > 23 || minutes > 59) return false;
  offset_minutes = sign * (hours * 60 + minutes);
  return scan.Done();
}

// A Unix time split into its calendar date and time of day (UTC, or local once shifted).
struct CivilTime {
  CivilDate date;
  int hour, minute, second, ms;
};

CivilTime SplitTime(int64_t unix_ms) {
  // Floor division so that times before 1970 render correctly too.
  int64_t seconds = unix_ms / kMsPerSecond;
  int64_t ms = unix_ms % kMsPerSecond;
  if (ms < 0) {
    ms += kMsPerSecond;
    --seconds;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t rem = seconds % kSecondsPerDay;
  if (rem < 0) {
    rem += kSecondsPerDay;
    --days;
  }
  return {CivilFromDays(days), static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
          static_cast<int>(rem % 60), static_cast<int>(ms)};
}

// "2026-11-28T13:00:00[.123]" (iso) or "2026-11-28 13:00" (a person's reading).
std::string FormatCivil(const CivilTime& t, bool iso) {
  char buf[64];
  const long long year = static_cast<long long>(t.date.year);
  if (!iso) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d %02d:%02d", year, t.date.month, t.date.day,
                  t.hour, t.minute);
  } else if (t.ms == 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d", year, t.date.month,
                  t.date.day, t.hour, t.minute, t.second);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d.%03d", year, t.date.month,
                  t.date.day, t.hour, t.minute, t.second, t.ms);
  }
  return buf;
}

// The wall-clock milliseconds at `offset_min` east of UTC; nullopt for an offset beyond
// +-14:00 (a hostile record) or a time at the edge of the range.
std::optional<int64_t> ShiftToLocal(int64_t unix_ms, int32_t offset_min) {
  if (offset_min < -kMaxTzOffsetMinutes || offset_min > kMaxTzOffsetMinutes) return std::nullopt;
  int64_t local = 0;
  if (__builtin_add_overflow(unix_ms, static_cast<int64_t>(offset_min) * 60 * kMsPerSecond,
                             &local)) {
    return std::nullopt;
  }
  return local;
}

}  // namespace

std::string_view LotStatusName(v1::LotStatus status) {
  switch (status) {
    case v1::LOT_STATUS_ACTIVE: return "active";
    case v1::LOT_STATUS_IN_TRANSIT: return "in_transit";
    case v1::LOT_STATUS_CONSUMED: return "consumed";
    case v1::LOT_STATUS_UNSPECIFIED:
    case v1::LotStatus_INT_MIN_SENTINEL_DO_NOT_USE_:  // protobuf's range markers
    case v1::LotStatus_INT_MAX_SENTINEL_DO_NOT_USE_: break;
  }
  return "unspecified";  // also any other number: proto3 enums are open
}

std::string_view TransformKindName(v1::TransformKind kind) {
  switch (kind) {
    case v1::TRANSFORM_KIND_PACK: return "pack";
    case v1::TRANSFORM_KIND_TRANSFORM: return "transform";
    case v1::TRANSFORM_KIND_UNSPECIFIED:
    case v1::TransformKind_INT_MIN_SENTINEL_DO_NOT_USE_:  // protobuf's range markers
    case v1::TransformKind_INT_MAX_SENTINEL_DO_NOT_USE_: break;
  }
  return "unspecified";  // also any other number: proto3 enums are open
}

json LocationToJson(const v1::Location& location) {
  json out = json::object();
  if (!location.gln().empty()) out["gln"] = location.gln();
  if (!location.name().empty()) out["name"] = location.name();
  if (location.has_lat_e6()) {
    out["lat"] = location.lat_e6() / kMicroDegrees;
    out["lat_e6"] = location.lat_e6();
  }
  if (location.has_lon_e6()) {
    out["lon"] = location.lon_e6() / kMicroDegrees;
    out["lon_e6"] = location.lon_e6();
  }
  return out;
}

json EventToJson(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kRegisterParticipant: return RegisterToJson(body.register_participant());
    case v1::RecordBody::kHarvest: return HarvestToJson(body.harvest());
    case v1::RecordBody::kTransform: return TransformToJson(body.transform());
    case v1::RecordBody::kRegisterDevice: return RegisterDeviceToJson(body.register_device());
    case v1::RecordBody::kSensorReadings: return SensorReadingsToJson(body.sensor_readings());
    case v1::RecordBody::kCheckpoint: return CheckpointToJson(body.checkpoint());
    case v1::RecordBody::kCertify: return CertifyToJson(body.certify());
    case v1::RecordBody::kRecall: return RecallToJson(body.recall());
    case v1::RecordBody::kRevoke: return RevokeToJson(body.revoke());
    case v1::RecordBody::kCorrection: return CorrectionToJson(body.correction());
    case v1::RecordBody::kRotateKey: return RotateKeyToJson(body.rotate_key());
    case v1::RecordBody::kShip:  // custody_json.cc
    case v1::RecordBody::kReceive:
    case v1::RecordBody::kSell:
    case v1::RecordBody::kCancelShipment:
    case v1::RecordBody::kLoss:
    case v1::RecordBody::kAggregate:
    case v1::RecordBody::kDisaggregate:
    case v1::RecordBody::kUpdateParticipant:
    case v1::RecordBody::kCool: return CustodyEventToJson(body);
    case v1::RecordBody::kRegisterPlot:  // origin_json.cc
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert: return OriginEventToJson(body);
    case v1::RecordBody::kProposeValidatorChange:  // governance_json.cc
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal: return GovernanceEventToJson(body);
    case v1::RecordBody::EVENT_NOT_SET: break;
  }
  return json::object();
}

static json AttestedPartyToJson(const v1::AttestedParty& party) {
  json out = {{"uri", party.uri()}, {"name", party.name()}};
  if (!party.gln().empty()) out["gln"] = party.gln();
  if (!party.location().empty()) out["location"] = party.location();
  if (!party.address().empty()) out["address"] = party.address();
  if (!party.phone().empty()) out["phone"] = party.phone();
  return out;
}

static json RecordBodyCoreToJson(const v1::RecordBody& body);

json RecordBodyToJson(const v1::RecordBody& body) {
  json out = RecordBodyCoreToJson(body);
  if (body.has_attestation()) {
    // The signer attests an event another party did (an imported partner's event).
    const v1::Attestation& a = body.attestation();
    json attestation = {{"party", AttestedPartyToJson(a.party())}, {"event_id", a.event_id()}};
    if (!a.receiver().uri().empty()) attestation["receiver"] = AttestedPartyToJson(a.receiver());
    if (!a.carrier().uri().empty()) attestation["carrier"] = AttestedPartyToJson(a.carrier());
    out["attestation"] = std::move(attestation);
  }
  return out;
}

static json RecordBodyCoreToJson(const v1::RecordBody& body) {
  const int64_t event_ms = EventTimeOf(body);
  return {{"type", std::string(EventName(body))},
          {"chain_id", body.chain_id()},
          {"time", FormatIsoTime(body.timestamp_ms())},
          {"timestamp_ms", body.timestamp_ms()},
          {"nonce", std::to_string(body.nonce())},
          {"event_time", FormatIsoTimeWithOffset(event_ms, body.event_tz_offset_min())},
          {"event_time_ms", event_ms},
          {"event_tz_offset_min", body.event_tz_offset_min()},
          {"local_time", FormatLocalTime(event_ms, body.event_tz_offset_min())},
          {"event", EventToJson(body)}};
}

json LotStateToJson(const v1::LotState& lot, const NameLookup& name_of) {
  json parents = json::array();
  for (const auto& parent : lot.parents()) parents.push_back(FormatLotKey(parent));
  const bool pallet = !lot.sscc().empty();
  json out = {
      {"kind", pallet ? "pallet" : "lot"},
      {"lot", pallet ? FormatPalletKey(lot.sscc()) : FormatLotKey(lot.lot())},
      {"gtin", pallet ? json(nullptr) : json(lot.lot().gtin())},
      {"lot_code", pallet ? json(nullptr) : json(lot.lot().lot())},
      {"commodity", lot.commodity()},
      {"variety", lot.variety()},
      {"quantity", QuantityOrNull(lot.quantity())},
      {"quantity_left", QuantityOrNull(lot.quantity_left())},
      {"net_mass_per_unit", QuantityOrNull(lot.net_mass_per_unit())},
      {"owner", KeyOrNull(lot.owner())},
      {"status", std::string(LotStatusName(lot.status()))},
      {"created_by_record", KeyOrNull(lot.created_by_record())},
      {"created_height", lot.created_height()},
      {"created", FormatIsoTime(lot.created_ms())},
      {"created_ms", lot.created_ms()},
      {"parents", std::move(parents)},
      {"allowed_range", ConditionRangeToJson(lot.allowed_range())},
      {"recalled_itself", lot.recalled()},
      {"recall_reason", lot.recall_reason().empty() ? json(nullptr) : json(lot.recall_reason())},
      {"breaches", lot.breach_count()}};
  if (!lot.plot().empty()) out["plot"] = lot.plot();
  out["claims"] = LotClaimsToJson(lot);
  if (!lot.compliance_cert().empty()) {
    out["compliance_cert"] = {{"record", ToHex(lot.compliance_cert())},
                              {"basis", ComplianceBasisName(lot.compliance_basis())}};
  }
  AddLotPartsJson(lot, name_of, out);
  if (pallet) {
    out["sscc"] = lot.sscc();
    json contents = json::array();
    for (const v1::LotAmount& c : lot.contents()) {
      contents.push_back(
          {{"lot", FormatLotKey(c.lot())}, {"quantity", FormatQuantity(c.quantity())}});
    }
    out["contents"] = std::move(contents);
  }
  return out;
}

json ParticipantToJson(const v1::Participant& participant) {
  json out = {{"pubkey", ToHex(participant.pubkey())},
              {"name", participant.name()},
              {"roles", RolesToJson(participant.roles())},
              {"organization", participant.organization()},
              {"registered_height", participant.registered_height()}};
  out["location"] = participant.has_location() ? LocationToJson(participant.location())
                                               : json::object();
  if (!participant.device_owner().empty()) out["device_owner"] = ToHex(participant.device_owner());
  if (participant.revoked()) out["revoked"] = true;
  if (!participant.rotated_to().empty()) out["rotated_to"] = ToHex(participant.rotated_to());
  if (!participant.rotated_from().empty()) out["rotated_from"] = ToHex(participant.rotated_from());
  if (participant.has_contact()) out["contact"] = ContactToJson(participant.contact());
  if (!participant.attested_by().empty()) {
    out["attested_by"] = ToHex(participant.attested_by());
    out["attested"] = AttestedPartyToJson(participant.attested());
  }
  return out;
}

std::string FormatIsoTime(int64_t unix_ms) { return FormatCivil(SplitTime(unix_ms), true) + "Z"; }

Result<int32_t> ParseTzOffset(std::string_view text) {
  const auto bad = [&] {
    std::string message = "'";
    message.append(text);
    message.append("' is not a UTC offset; use e.g. +08:00, -05:30 or Z");
    return Reject(Reason::kMalformed, std::move(message));
  };
  if (text == "Z" || text == "z" || text == "UTC" || text == "utc") return 0;
  TimeScanner scan(text);
  int sign = 0;
  if (scan.Accept('+')) sign = 1;
  else if (scan.Accept('-')) sign = -1;
  else return bad();
  int64_t hours = 0, minutes = 0, digit = 0;
  if (!scan.ReadDigits(1, hours)) return bad();
  if (scan.ReadDigits(1, digit)) hours = hours * 10 + digit;
  if (scan.Accept(':') || !scan.Done()) {
    if (!scan.ReadDigits(2, minutes)) return bad();
  }
  if (!scan.Done() || minutes > 59) return bad();
  const int64_t offset = sign * (hours * 60 + minutes);
  if (offset < -kMaxTzOffsetMinutes || offset > kMaxTzOffsetMinutes) {
    std::string message = "the UTC offset ";
    message.append(text);
    message.append(" is outside -14:00..+14:00");
    return Reject(Reason::kMalformed, std::move(message));
  }
  return static_cast<int32_t>(offset);
}

std::string FormatIsoTimeWithOffset(int64_t unix_ms, int32_t offset_min) {
  std::optional<int64_t> local = ShiftToLocal(unix_ms, offset_min);
  if (!local) return FormatIsoTime(unix_ms);
  return FormatCivil(SplitTime(*local), true) + FormatTzOffset(offset_min);
}

std::string FormatLocalTime(int64_t unix_ms, int32_t offset_min) {
  std::optional<int64_t> local = ShiftToLocal(unix_ms, offset_min);
  if (!local) return FormatCivil(SplitTime(unix_ms), false) + " +00:00";
  return FormatCivil(SplitTime(*local), false) + " " + FormatTzOffset(offset_min);
}

Result<int64_t> ParseIsoTime(std::string_view text) {
  Result<ZonedTime> zoned = ParseZonedTime(text);
  if (!zoned.ok()) return zoned.status();
  return zoned->unix_ms;
}

Result<ZonedTime> ParseZonedTime(std::string_view text) {
  TimeScanner scan(text);
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, ms = 0;
  if (!scan.ReadDigits(4, year) || !scan.Accept('-') || !scan.ReadDigits(2, month) ||
      !scan.Accept('-') || !scan.ReadDigits(2, day)) {
    return BadTime(text);
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month))) {
    return BadTime(text);
  }
  int64_t offset_minutes = 0;
  bool zone_given = false;
  if (!scan.Done()) {
    if (!(scan.Accept('T') || scan.Accept('t') || scan.Accept(' '))) return BadTime(text);
    if (!scan.ReadDigits(2, hour) || !scan.Accept(':') || !scan.ReadDigits(2, minute)) {
      return BadTime(text);
    }
    if (scan.Accept(':')) {
      if (!scan.ReadDigits(2, second)) return BadTime(text);
      if (scan.Accept('.') && !scan.ReadFractionMs(ms)) return BadTime(text);
    }
    // Second 60 is refused: Unix time has no leap seconds.
    if (hour > 23 || minute > 59 || second > 59) return BadTime(text);
    if (!ReadZone(scan, offset_minutes, zone_given)) return BadTime(text);
  }
  const int64_t seconds = DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 +
                          minute * 60 + second - offset_minutes * 60;
  ZonedTime out;
  out.unix_ms = seconds * kMsPerSecond + ms;
  if (zone_given) out.offset_min = static_cast<int32_t>(offset_minutes);
  return out;
}

}  // namespace agritrace::chain
