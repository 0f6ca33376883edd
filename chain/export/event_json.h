// JSON renderings of devices, sensor readings, checkpoints, certificates, recalls, sales,
// revocations, corrections and key rotations: each gives the event's own fields for
// EventToJson (record_json.h), which renders the other events itself. Same conventions as
// record_json.h: keys hex, lots "01/{gtin14}/10/{lot}", times ISO 8601 next to
// Unix ms, temperatures in degrees Celsius (and raw milli-degrees), humidity in percent.
//
// Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"

namespace agritrace::chain {

// {"pubkey", "name"}.
nlohmann::json RegisterDeviceToJson(const v1::RegisterDevice& device);
// {"lot", "readings": [SensorReadingToJson...]}.
nlohmann::json SensorReadingsToJson(const v1::SensorReadings& readings);
// {"lot", "step", "location", "readings", "time", "time_ms"}; the time only when set.
nlohmann::json CheckpointToJson(const v1::Checkpoint& checkpoint);
// {"lot", "standard", "result", "valid_from", "valid_from_ms", "valid_until", "valid_until_ms",
//  "document_sha256", "certificate_id"}; the times, hash and id only when set.
nlohmann::json CertifyToJson(const v1::Certify& certify);
// {"lot", "reason"}.
nlohmann::json RecallToJson(const v1::Recall& recall);
// {"lot"}.
nlohmann::json SellToJson(const v1::Sell& sell);
// {"pubkey", "reason"}.
nlohmann::json RevokeToJson(const v1::Revoke& revoke);
// {"record_id", "reason", "corrective_record_id", "lot"}; the last two only when set.
nlohmann::json CorrectionToJson(const v1::Correction& correction);
// {"old_pubkey", "new_pubkey", "reason"}.
nlohmann::json RotateKeyToJson(const v1::RotateKey& rotate);
// {"min_temperature_c", "max_temperature_c", "min_humidity_pct", "max_humidity_pct"}, each
// only when set; null when no bound is set.
nlohmann::json ConditionRangeToJson(const v1::ConditionRange& range);
nlohmann::json SensorReadingToJson(const v1::SensorReading& reading);
// "pass", "fail", "unspecified".
std::string_view CertOutcomeName(v1::CertOutcome outcome);
// "departing", "arriving", "storing".
std::string_view CheckpointStepName(v1::CheckpointStep step);

}  // namespace agritrace::chain
