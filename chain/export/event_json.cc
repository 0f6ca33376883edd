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

json CorrectionToJson(const v1::Correction& c) {
  json out = {{"record_id", ToHex(c.record_id())}, {"reason", c.reason()}};
  if (!c.corrective_record_id().empty()) {
    out["corrective_record_id"] = ToHex(c.corrective_record_id());
  }
  if (c.has_lot()) out["lot"] = FormatLotKey(c.lot());
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
    default: return "unspecified";
  }
}

std::string_view CheckpointStepName(v1::CheckpointStep step) {
  switch (step) {
    case v1::CHECKPOINT_STEP_DEPARTING: return "departing";
    case v1::CHECKPOINT_STEP_ARRIVING: return "arriving";
    default: return "storing";
  }
}

json ExtraEventToJson(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kRegisterDevice:
      return {{"pubkey", ToHex(body.register_device().pubkey())},
              {"name", body.register_device().name()}};
    case v1::RecordBody::kSensorReadings:
      return {{"lot", FormatLotKey(body.sensor_readings().lot())},
              {"readings", ReadingsToJson(body.sensor_readings().readings())}};
    case v1::RecordBody::kCheckpoint: return CheckpointToJson(body.checkpoint());
    case v1::RecordBody::kCertify: return CertifyToJson(body.certify());
    case v1::RecordBody::kRecall:
      return {{"lot", FormatLotKey(body.recall().lot())}, {"reason", body.recall().reason()}};
    case v1::RecordBody::kSell: return {{"lot", FormatLotKey(body.sell().lot())}};
    case v1::RecordBody::kRevoke:
      return {{"pubkey", ToHex(body.revoke().pubkey())}, {"reason", body.revoke().reason()}};
    case v1::RecordBody::kCorrection: return CorrectionToJson(body.correction());
    case v1::RecordBody::kRotateKey:
      return {{"old_pubkey", ToHex(body.rotate_key().old_pubkey())},
              {"new_pubkey", ToHex(body.rotate_key().new_pubkey())},
              {"reason", body.rotate_key().reason()}};
    default: break;
  }
  return json::object();
}

std::string ExtraEventSubject(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kRegisterDevice: return body.register_device().name();
    case v1::RecordBody::kSensorReadings: return FormatLotKey(body.sensor_readings().lot());
    case v1::RecordBody::kCheckpoint: return FormatLotKey(body.checkpoint().lot());
    case v1::RecordBody::kCertify: return FormatLotKey(body.certify().lot());
    case v1::RecordBody::kRecall: return FormatLotKey(body.recall().lot());
    case v1::RecordBody::kSell: return FormatLotKey(body.sell().lot());
    case v1::RecordBody::kRevoke: return ToHex(body.revoke().pubkey());
    case v1::RecordBody::kCorrection: return ToHex(body.correction().record_id());
    case v1::RecordBody::kRotateKey: return ToHex(body.rotate_key().old_pubkey());
    default: break;
  }
  return "";
}

}  // namespace agritrace::chain
