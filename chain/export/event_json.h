// JSON renderings of the issue-5 events (devices, sensors, checkpoints, certificates, recalls,
// sales, revocations, corrections), used by record_json.cc and the wallet CLI. Same
// conventions as record_json.h: keys hex, lots "01/{gtin14}/10/{lot}", times ISO 8601 next to
// Unix ms, temperatures in degrees Celsius (and raw milli-degrees), humidity in percent.
//
// Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"

namespace agritrace::chain {

// The event's own fields for the issue-5 events; {} for any other event.
nlohmann::json ExtraEventToJson(const v1::RecordBody& body);
// The lot (or key, or record) an issue-5 event is about, for one-line summaries; "" otherwise.
std::string ExtraEventSubject(const v1::RecordBody& body);
// {"min_temperature_c", "max_temperature_c", "min_humidity_pct", "max_humidity_pct"}, each
// only when set; null when no bound is set.
nlohmann::json ConditionRangeToJson(const v1::ConditionRange& range);
nlohmann::json SensorReadingToJson(const v1::SensorReading& reading);
// "pass", "fail", "unspecified".
std::string_view CertOutcomeName(v1::CertOutcome outcome);
// "departing", "arriving", "storing".
std::string_view CheckpointStepName(v1::CheckpointStep step);

}  // namespace agritrace::chain
