// Commands for devices, sensor readings, checkpoints, certificates, recalls, sales,
// revocations and corrections (device, sensor, checkpoint, certify, recall, sell, revoke,
// correct), the lineage trace, and the recall/breach status `lot` adds. Builders are exposed
// for unit tests.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"
#include "wallet-cli/commands.h"

namespace agritrace::wallet {

void AddEventCommands(CLI::App& app, Context& ctx, Action& action);
// export epcis|fsma (commands_export.cc).
void AddExportCommands(CLI::App& app, Context& ctx, Action& action);

// "MIN..MAX" in degrees Celsius / percent (either side may be empty: "..4", "0..").
// Empty texts give an empty range. MALFORMED on anything else.
chain::Result<v1::ConditionRange> ParseConditionRange(const std::string& temperature,
                                                      const std::string& humidity);

// One reading: temperature (degrees C) and/or humidity (%) at `time_ms`.
chain::Result<v1::SensorReading> MakeReading(int64_t time_ms, const std::string& temperature,
                                             const std::string& humidity);
// CSV "time,temperature,humidity[,lat,lon]" (header line optional; empty cells allowed).
chain::Result<std::vector<v1::SensorReading>> ParseReadingsCsv(const std::string& text);

// Adds "recalled" (the lot or any ancestor, via a backward trace), "recalled_lots" and
// "breaches" to a LotStateToJson object. Leaves "recalled" false when the node cannot trace.
void AddLotEventStatus(Context& ctx, const std::string& lot_key, nlohmann::json& lot_json);

}  // namespace agritrace::wallet
