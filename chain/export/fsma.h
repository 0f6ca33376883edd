// FDA FSMA 204 (21 CFR 1 subpart S) electronic sortable spreadsheet: one CSV row per Critical
// Tracking Event across a lot's lineage, with its Key Data Elements.
//
// CTEs: Harvesting (Harvest), Cooling (sensor readings the farm records on a lot it harvested
// and still holds: cold storage before packing), Initial Packing (a pack whose inputs include a
// harvested lot), Transformation (any other pack or transform), Shipping, Receiving. The
// reference document of every row is the AgriTrace record itself (type "AgriTrace record",
// number = record id), which anyone can verify on the chain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chain/export/export_data.h"

namespace agritrace::chain {

// The CSV header, in order.
const std::vector<std::string>& FsmaColumns();

// Rows whose event date falls in [from_ms, to_ms] (0 = unbounded), in chain order, each row
// already CSV-escaped and newline-terminated, preceded by the header line.
std::string FsmaCsv(const ExportData& data, int64_t from_ms, int64_t to_ms);

// "(01)06901234567892(10)B1": the GS1 element string used as the traceability lot code.
std::string TraceabilityLotCode(const v1::LotKey& lot);

}  // namespace agritrace::chain
