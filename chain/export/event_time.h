// When a recorded event happened, as the exporters and the CLI show it: the record's event time
// (or, for a harvest, its harvest time; else when it was signed), in the UTC offset of where
// it happened.
#pragma once

#include <cstdint>
#include <string>

#include "agritrace/v1/records.pb.h"
#include "chain/model/record.h"  // EventTimeOf

namespace agritrace::chain {

// "+08:00", "-05:30", "+00:00".
std::string FormatTzOffset(int32_t minutes);
// ISO 8601 in local time with its offset: "2026-11-19T06:30:00+08:00".
std::string FormatLocalIsoTime(int64_t unix_ms, int32_t offset_minutes);

}  // namespace agritrace::chain
