// JSON renderings of records, lots and participants, shared by the wallet CLI and the node's
// HTTP gateway, plus ISO 8601 time conversion.
//
// Conventions: public keys, record ids and hashes are lower-case hex; lot keys are
// "01/{gtin14}/10/{lot}"; quantities are strings like "1000kg"; roles are RoleName() strings;
// times are ISO 8601 UTC ("2026-11-28T13:00:00Z") next to the raw Unix milliseconds (keys
// ending in "_ms"). Unset optional fields are omitted, except in LotStateToJson where the
// documented keys are always present (null when unset). The nonce is a decimal string so that
// JSON readers limited to doubles do not round it.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// {"type", "chain_id", "time", "timestamp_ms", "nonce", "event": EventToJson(body)}.
nlohmann::json RecordBodyToJson(const v1::RecordBody& body);
// Only the event's own fields, e.g. for harvest {"lot", "commodity", "variety", "quantity",
// "harvest_time", "harvest_time_ms", "field", ...}; {} when no event is set.
nlohmann::json EventToJson(const v1::RecordBody& body);

// {"lot", "gtin", "lot_code", "commodity", "variety", "quantity", "quantity_left",
//  "net_mass_per_unit", "owner", "custodian", "status", "pending_receiver", "pending_carrier",
//  "created_by_record", "created_height", "parents"}. status is "active", "in_transit",
// "consumed" (or "unspecified").
nlohmann::json LotStateToJson(const v1::LotState& lot);

// {"pubkey", "name", "roles", "organization", "location", "registered_height"}.
nlohmann::json ParticipantToJson(const v1::Participant& participant);

// {"gln", "name", "lat", "lon", "lat_e6", "lon_e6"}, each only when set.
nlohmann::json LocationToJson(const v1::Location& location);

// "active", "in_transit", "consumed", "unspecified".
std::string_view LotStatusName(v1::LotStatus status);
// "pack", "transform", "unspecified".
std::string_view TransformKindName(v1::TransformKind kind);

// "2026-11-28T13:00:00Z", with ".123" milliseconds only when not a whole second.
std::string FormatIsoTime(int64_t unix_ms);
// Parses "YYYY-MM-DDTHH:MM[:SS[.fff...]]" followed by "Z" or "+HH:MM"/"-HH:MM" (a space may
// replace the "T"; a bare date means midnight UTC; no zone means UTC). Fractions beyond
// milliseconds are truncated. MALFORMED with the expected form on failure.
Result<int64_t> ParseIsoTime(std::string_view text);

}  // namespace agritrace::chain
