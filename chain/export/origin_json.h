// JSON renderings of the origin records (plots, applications, bans) and of a plot's state,
// shared by the wallet CLI and the node. Conventions as record_json.h.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"

namespace agritrace::chain {

// The event fields of register_plot, transfer_plot, retire_plot, input_application and
// ban_ingredient records; {} for any other event.
nlohmann::json OriginEventToJson(const v1::RecordBody& body);

// {"plot", "owner", "owner_name"?, "area", "crop", "max_yield", "cap", "cap_mg", "season",
//  "harvested", "harvested_mg", "remaining", "remaining_mg", "location"?, "polygon",
//  "season_start", "retired", "retire_reason"?, "inputs": [{"product", "active_ingredient",
//  "applied", "applied_ms", "phi_days", "first_harvest_day"}]}. "season" is the season holding
// `now_ms` (at `tz_offset_min`), and harvested/remaining are of that season.
nlohmann::json PlotStateToJson(
    const v1::PlotState& plot, int64_t now_ms, int32_t tz_offset_min,
    const std::function<std::string(const std::string& pubkey_bytes)>& name_of = {});

// [{"claim", "certificate" (record id hex), "certificate_id", "standard", "claimed" (a mass),
//   "claimed_mg", "share" (claimed / the lot's mass, 0..1, 4 decimals), "share_text" ("60%"),
//   "plots"}] of a lot.
nlohmann::json LotClaimsToJson(const v1::LotState& lot);

// "self-commitment", "self-test", "commissioned-test", "internal-control" ("" unset), and back
// (COMPLIANCE_BASIS_UNSPECIFIED for anything else).
std::string ComplianceBasisName(v1::ComplianceBasis basis);
v1::ComplianceBasis ComplianceBasisFromName(const std::string& name);

}  // namespace agritrace::chain
