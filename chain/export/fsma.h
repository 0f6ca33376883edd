// FDA FSMA 204 (21 CFR 1 subpart S) electronic sortable spreadsheet: one CSV row per Critical
// Tracking Event per lot, every Key Data Element of 21 CFR 1.1325-1.1350 in a column of its own
// (docs/fsma.md maps each column to its KDE and the chain field it comes from).
//
// CTEs, as the rule defines them:
// - Harvesting (1.1325(a)): a Harvest. No traceability lot code: a TLC is assigned at initial
//   packing, first land-based receiving or transformation (1.1320(a)).
// - Cooling (1.1325(b)): a Cool record (active temperature reduction) of a raw lot, before it
//   is packed. Sensor readings are not cooling.
// - Initial Packing (1.1330): a pack of raw (harvested) lots; one row per output and input, with
//   the input's harvest and cooling KDEs pulled from its records (a raw input of a
//   transformation gets them too; it has no TLC).
// - Transformation (1.1350): any other pack or transform; one row per output and input.
// - Shipping (1.1340) and Receiving (1.1345) of lots that carry a TLC, with the quantity each
//   moved; a rejected part is shipped back by its receiver. Shipping and receiving a raw
//   commodity before initial packing are not CTEs (1.1340(c), 1.1345(c)): that shipment names
//   the harvest's and cooling's subsequent recipient and the packer's date received instead.
// - First land-based receiving (1.1335) is for food from fishing vessels: never on this chain.
//
// Dates and times are the event's local time: the record's UTC offset (else its signer's time
// zone). Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
// are prefixed with a quote.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "chain/export/export_data.h"

namespace agritrace::chain {

// The CSV header, in order.
const std::vector<std::string>& FsmaColumns();

// Which rows to write.
struct FsmaFilter {
  std::string from_date;       // "YYYY-MM-DD" (the event's local date); empty: unbounded
  std::string to_date;         // inclusive; empty: unbounded
  std::set<std::string> lots;  // rows of these lot keys only; empty: every lot in the data
};

// The header line, then the rows the filter keeps in chain order, CSV-escaped and
// newline-terminated.
std::string FsmaCsv(const ExportData& data, const FsmaFilter& filter);

// "(01)06901234567892(10)B1": the GS1 element string used as the traceability lot code.
std::string TraceabilityLotCode(const v1::LotKey& lot);

// A cell as written to the CSV: formula-neutralised, then quoted when it holds , " CR or LF.
std::string FsmaCell(const std::string& text);

}  // namespace agritrace::chain
