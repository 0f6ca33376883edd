#include "chain/export/event_json.h"

#include "chain/base/bytes.h"
#include "chain/model/gs1.h"
#include "chain/export/record_json.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

// Temperatures travel in milli-degrees and humidity in milli-percent (integers keep the rules
// deterministic); JSON shows the human units.
constexpr double kMilli = 1000.0;

void AddTime(json& out, const char* key, int64_t ms) {
  if (ms == 0) return;
  out[key] = FormatIsoTime(ms);
  out[std::string(key) + "_ms"] = ms;
}

json ReadingsToJson(const google::protobuf::RepeatedPtrField<v1::SensorReading>& readings) {
  json out = json::array();
  for (const auto& r : readings) out.push_back(SensorReadingToJson(r));
  return out;
}

}  // namespace

json ConditionRangeToJson(const v1::ConditionRange& range) {
  json out = json::object();
  if (range.has_min_temperature_mc()) out["min_temperature_c"] = range.min_temperature_mc() / kMilli;
  if (range.has_max_temperature_mc()) out["max_temperature_c"] = range.max_temperature_mc() / kMilli;
  if (range.has_min_humidity_mpct()) out["min_humidity_pct"] = range.min_humidity_mpct() / kMilli;
  if (range.has_max_humidity_mpct()) out["max_humidity_pct"] = range.max_humidity_mpct() / kMilli;
  if (out.empty()) return nullptr;
  return out;
}

json SensorReadingToJson(const v1::SensorReading& r) {
  json out = {{"time", FormatIsoTime(r.time_ms())}, {"time_ms", r.time_ms()}};
  if (r.has_temperature_mc()) out["temperature_c"] = r.temperature_mc() / kMilli;
  if (r.has_humidity_mpct()) out["humidity_pct"] = r.humidity_mpct() / kMilli;
  if (r.has_location()) out["location"] = LocationToJson(r.location());
  return out;
}

std::string_view CertOutcomeName(v1::CertOutcome outcome) {
  switch (outcome) {
    case v1::CERT_OUTCOME_PASS: return "pass";
    case v1::CERT_OUTCOME_FAIL: return "fail";
    case v1::CERT_OUTCOME_UNSPECIFIED:
    case v1::CertOutcome_INT_MIN_SENTINEL_DO_NOT_USE_:  // protobuf's range markers
    case v1::CertOutcome_INT_MAX_SENTINEL_DO_NOT_USE_: break;
  }
  return "unspecified";  // also any other number: proto3 enums are open
}

std::string_view CheckpointStepName(v1::CheckpointStep step) {
  switch (step) {
    case v1::CHECKPOINT_STEP_DEPARTING: return "departing";
    case v1::CHECKPOINT_STEP_ARRIVING: return "arriving";
    case v1::CHECKPOINT_STEP_STORING:
    case v1::CHECKPOINT_STEP_UNSPECIFIED:  // treated as storing
    case v1::CheckpointStep_INT_MIN_SENTINEL_DO_NOT_USE_:
    case v1::CheckpointStep_INT_MAX_SENTINEL_DO_NOT_USE_: break;
  }
  return "storing";  // also any other number: proto3 enums are open
}

json RegisterDeviceToJson(const v1::RegisterDevice& device) {
  return {{"pubkey", ToHex(device.pubkey())}, {"name", device.name()}};
}

json SensorReadingsToJson(const v1::SensorReadings& readings) {
  return {{"lot", FormatLotKey(readings.lot())}, {"readings", ReadingsToJson(readings.readings())}};
}

json CheckpointToJson(const v1::Checkpoint& c) {
  json out = {{"lot", FormatLotKey(c.lot())},
              {"step", std::string(CheckpointStepName(c.step()))},
              {"location", LocationToJson(c.location())},
              {"readings", ReadingsToJson(c.readings())}};
  AddTime(out, "time", c.time_ms());
  return out;
}

json CertifyToJson(const v1::Certify& c) {
  json out = {{"lot", FormatLotKey(c.lot())},
              {"standard", c.standard()},
              {"result", std::string(CertOutcomeName(c.outcome()))}};
  AddTime(out, "valid_from", c.valid_from_ms());
  AddTime(out, "valid_until", c.valid_until_ms());
  if (!c.document_sha256().empty()) out["document_sha256"] = ToHex(c.document_sha256());
  if (!c.certificate_id().empty()) out["certificate_id"] = c.certificate_id();
  return out;
}

json RecallToJson(const v1::Recall& recall) {
  return {{"lot", FormatLotKey(recall.lot())}, {"reason", recall.reason()}};
}

json SellToJson(const v1::Sell& sell) { return {{"lot", FormatLotKey(sell.lot())}}; }

json RevokeToJson(const v1::Revoke& revoke) {
  return {{"pubkey", ToHex(revoke.pubkey())}, {"reason", revoke.reason()}};
}

json CorrectionToJson(const v1::Correction& c) {
  json out = {{"record_id", ToHex(c.record_id())}, {"reason", c.reason()}};
  if (!c.corrective_record_id().empty()) {
    out["corrective_record_id"] = ToHex(c.corrective_record_id());
  }
  if (c.has_lot()) out["lot"] = FormatLotKey(c.lot());
  return out;
}

json RotateKeyToJson(const v1::RotateKey& rotate) {
  return {{"old_pubkey", ToHex(rotate.old_pubkey())},
          {"new_pubkey", ToHex(rotate.new_pubkey())},
          {"reason", rotate.reason()}};
}

}  // namespace agritrace::chain
