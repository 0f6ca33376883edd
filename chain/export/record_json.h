// JSON renderings of records, lots and participants, shared by the wallet CLI and the node's
// HTTP gateway, plus ISO 8601 time conversion.
//
// Conventions: public keys, record ids and hashes are lower-case hex; lot keys are
// "01/{gtin14}/10/{lot}"; quantities are strings like "1000kg"; roles are RoleName() strings;
// times are ISO 8601 UTC ("2026-11-28T13:00:00Z") next to the raw Unix milliseconds (keys
// ending in "_ms"), event times also in their own UTC offset. Unset optional fields are
// omitted, except in LotStateToJson where the documented keys are always present (null when
// unset). The nonce is a decimal string so that
// JSON readers limited to doubles do not round it.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// {"type", "chain_id", "time", "timestamp_ms", "nonce", "event_time", "event_time_ms",
//  "event_tz_offset_min", "local_time", "event": EventToJson(body)}. "time" is when it was
// signed; "event_time" when it happened (EventTimeOf, event_time.h: its event time, else a harvest's harvest
// time, else when signed) in the UTC offset it was recorded with
// ("2026-11-19T06:30:00+08:00"), and "local_time" the same as a person reads it
// ("2026-11-19 06:30 +08:00").
nlohmann::json RecordBodyToJson(const v1::RecordBody& body);
// Only the event's own fields, e.g. for harvest {"lot", "commodity", "variety", "quantity",
// "harvest_time", "harvest_time_ms", "field", "refs"?, ...}; custody events as
// CustodyEventToJson (custody_json.h); {} when no event is set.
nlohmann::json EventToJson(const v1::RecordBody& body);

// {"kind" ("lot" or "pallet"), "lot" ("01/..." or "00/{sscc}"), "gtin", "lot_code",
//  "commodity", "variety", "quantity" (as created), "quantity_left" (held + in transit),
//  "net_mass_per_unit", "owner", "status", "created_by_record", "created_height", "created",
//  "created_ms", "parents", "allowed_range", "recalled_itself", "recall_reason", "breaches",
//  and where its parts are (AddLotPartsJson: "holdings", "in_transit", "consumed", "lost",
//  "sold", "pallets", "pallet"?)}; a pallet adds "sscc" and "contents" [{"lot", "quantity"}].
// status is "active", "in_transit", "consumed" (or "unspecified"). Participants are named
// through `name_of` when given (else by key hex).
// (`name_of` is a NameLookup, custody_json.h.)
nlohmann::json LotStateToJson(
    const v1::LotState& lot,
    const std::function<std::string(const std::string& pubkey_bytes)>& name_of = {});

// {"pubkey", "name", "roles", "organization", "location", "registered_height", "contact"?
//  {"address"?, "phone"?, "tz"?, "tz_offset_min"?}}.
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

// A time as ParseIsoTime reads it, with the UTC offset it was written in (none when the text
// gave no zone: then unix_ms reads it as UTC).
struct ZonedTime {
  int64_t unix_ms = 0;
  std::optional<int32_t> offset_min;
};
Result<ZonedTime> ParseZonedTime(std::string_view text);

// "+08:00", "+0800", "+8", "-05:30", "Z" or "UTC" -> minutes east of UTC (the inverse of
// FormatTzOffset, event_time.h); MALFORMED outside -14:00..+14:00 or in any other form.
Result<int32_t> ParseTzOffset(std::string_view text);
// The local time at that offset, ISO 8601: "2026-11-19T06:30:00+08:00" (".123" only when not
// a whole second). An offset beyond +-14:00 renders as UTC ("Z").
std::string FormatIsoTimeWithOffset(int64_t unix_ms, int32_t offset_min);
// The local time at that offset as a person reads it: "2026-11-19 06:30 +08:00".
std::string FormatLocalTime(int64_t unix_ms, int32_t offset_min);

}  // namespace agritrace::chain
