// EPCIS 2.0 queries over the store: the events `agritrace export epcis LOT` writes, selected by
// the SimpleEventQuery parameters the gateway's REST binding exposes (GET /epcis/events).
//
// Events are made by chain/export/epcis.h from each lot's records exactly as the wallet's
// export gathers them (the lot's history, its parents' states, the parties it names), so an
// eventID found here is the one in that lot's exported document. A query with MATCH_anyEPC or
// MATCH_epcClass reads only the lots those values name (the store is keyed by lot); one without
// reads the chain's records in order to find the lots, at most kMaxEpcisScanRecords of them.
// Reads committed state only; safe wherever ChainStore reads are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chain/base/status.h"
#include "chain/export/export_data.h"
#include "chain/store/store.h"

namespace agritrace::chain {

// Values one MATCH_ or EQ_ parameter may list: each names lots to read or a term to compare.
inline constexpr size_t kMaxEpcisQueryValues = 16;
// Records a query without an EPC filter may read to find its lots. Beyond it the query is
// refused (TOO_LARGE) and the client narrows it with MATCH_anyEPC or MATCH_epcClass.
inline constexpr size_t kMaxEpcisScanRecords = 20'000;
// Lots whose documents one query builds (a GTIN-level epcClass lists its lots, up to this).
inline constexpr size_t kMaxEpcisQueryLots = 500;

struct EpcisQuery {
  std::vector<std::string> biz_steps;  // EQ_bizStep: CBV names or URIs ("shipping")
  std::vector<std::string> any_epcs;   // MATCH_anyEPC: Digital Link URIs (SSCC, SGTIN)
  // MATCH_epcClass: Digital Link URIs of a lot (LGTIN), or of a GTIN alone, which matches
  // every lot of it (as an EPC pattern would).
  std::vector<std::string> epc_classes;
  std::optional<int64_t> ge_event_time_ms;  // GE_eventTime
  std::optional<int64_t> lt_event_time_ms;  // LT_eventTime
  std::string event_id;                     // only this eventID (GET /epcis/events/{id})
};

// A lot's export data as `agritrace export epcis LOT` (without --lineage) gathers it, keeping
// only records at heights <= max_height. UNKNOWN_LOT when the lot is not on the chain.
Result<ExportData> GatherLotExport(const ChainStore& store, const std::string& lot_key,
                                   uint64_t max_height);

// The events matching `query` among records at heights <= snapshot_height, ordered by
// (eventTime, eventID), each once. MALFORMED for a bad value (naming the parameter), TOO_LARGE
// past a limit above.
Result<std::vector<nlohmann::json>> FindEpcisEvents(const ChainStore& store,
                                                    const EpcisQuery& query,
                                                    uint64_t snapshot_height);

// The bare CBV term of a bizStep ("urn:epcglobal:cbv:bizstep:shipping",
// "https://ref.gs1.org/cbv/BizStep-shipping" and "shipping" all give "shipping").
std::string BareBizStep(std::string_view biz_step);

}  // namespace agritrace::chain
