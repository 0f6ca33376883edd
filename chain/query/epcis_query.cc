#include "chain/query/epcis_query.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "chain/base/bytes.h"
#include "chain/export/epcis.h"
#include "chain/export/record_json.h"
#include "chain/model/gs1.h"
#include "chain/model/record.h"
#include "chain/query/trace.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

// Adds the participant with raw public key `key` (when known); returns whom it acts for.
std::string AddParty(const ChainStore& store, const std::string& key, ExportData& data) {
  if (auto it = data.participants.find(key); it != data.participants.end()) {
    return it->second.device_owner();
  }
  auto pubkey = ArrayFromBytes<32>(key);
  if (!pubkey) return "";
  std::optional<v1::Participant> party = store.GetParticipant(*pubkey);
  if (!party) return "";
  data.participants[key] = *party;
  return party->device_owner();
}

// The parties a record names, as the wallet's export adds them: signer, ship receiver and
// carrier, and the participant a device acts for.
void AddParties(const ChainStore& store, const Record& record, ExportData& data) {
  std::vector<std::string> keys = {AsBytes(record.signer)};
  if (record.body.has_ship()) {
    keys.push_back(record.body.ship().receiver());
    if (!record.body.ship().carrier().empty()) keys.push_back(record.body.ship().carrier());
  }
  for (const std::string& key : keys) {
    const std::string owner = AddParty(store, key, data);
    if (!owner.empty()) AddParty(store, owner, data);
  }
}

// Comparable form of an EPC or EPC class value: a Digital Link's key, else the text itself.
std::string EpcKey(const std::string& value) {
  Result<DigitalLink> link = ParseDigitalLink(value);
  if (!link.ok() || value.find("://") == std::string::npos) return value;
  if (!link->sscc.empty()) return "00/" + link->sscc;
  return "01/" + link->gtin + "|" + link->lot + "|" + link->serial;
}

void CollectEpcs(const json& event, const char* field, std::set<std::string>& out) {
  auto it = event.find(field);
  if (it == event.end()) return;
  if (it->is_string()) out.insert(EpcKey(it->get<std::string>()));
  if (!it->is_array()) return;
  for (const json& value : *it) {
    if (value.is_string()) out.insert(EpcKey(value.get<std::string>()));
    if (value.is_object() && value.contains("epcClass") && value["epcClass"].is_string()) {
      out.insert(EpcKey(value["epcClass"].get<std::string>()));
    }
  }
}

// A GTIN-only Digital Link ("01/{gtin}||") stands for every lot and item of that GTIN, as an
// EPC pattern would; any other value must match exactly.
bool AnyOf(const std::set<std::string>& have, const std::vector<std::string>& wanted) {
  for (const std::string& w : wanted) {
    const std::string key = EpcKey(w);
    if (have.count(key)) return true;
    if (key.size() > 2 && key.compare(key.size() - 2, 2, "||") == 0) {
      const std::string gtin = key.substr(0, key.size() - 1);  // "01/{gtin}|"
      auto it = have.lower_bound(gtin);
      if (it != have.end() && it->rfind(gtin, 0) == 0) return true;
    }
  }
  return false;
}

bool Matches(const json& event, const EpcisQuery& q, int64_t time_ms) {
  if (!q.event_id.empty() && event.value("eventID", "") != q.event_id) return false;
  if (!q.biz_steps.empty()) {
    const std::string step = BareBizStep(event.value("bizStep", ""));
    if (std::none_of(q.biz_steps.begin(), q.biz_steps.end(),
                     [&](const std::string& s) { return BareBizStep(s) == step; })) {
      return false;
    }
  }
  if (q.ge_event_time_ms && time_ms < *q.ge_event_time_ms) return false;
  if (q.lt_event_time_ms && time_ms >= *q.lt_event_time_ms) return false;
  if (!q.any_epcs.empty()) {
    std::set<std::string> epcs;
    for (const char* f : {"epcList", "childEPCs", "inputEPCList", "outputEPCList", "parentID"}) {
      CollectEpcs(event, f, epcs);
    }
    if (!AnyOf(epcs, q.any_epcs)) return false;
  }
  if (!q.epc_classes.empty()) {
    std::set<std::string> classes;
    for (const char* f :
         {"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"}) {
      CollectEpcs(event, f, classes);
    }
    if (!AnyOf(classes, q.epc_classes)) return false;
  }
  return true;
}

// Adds `key` to `lots` once; TOO_LARGE past kMaxEpcisQueryLots.
Status AddLot(const std::string& key, std::vector<std::string>& lots, std::set<std::string>& seen) {
  if (!seen.insert(key).second) return Status::Ok();
  if (lots.size() >= kMaxEpcisQueryLots) {
    return Reject(Reason::kTooLarge, "the query names more than " +
                                         std::to_string(kMaxEpcisQueryLots) +
                                         " lots; narrow MATCH_anyEPC or MATCH_epcClass");
  }
  lots.push_back(key);
  return Status::Ok();
}

// The lots the query's EPC values name: a lot, every lot of a GTIN, every lot on a pallet.
// Values that are not Digital Link URIs name no lot of ours.
Status LotsNamed(const ChainStore& store, const EpcisQuery& q, std::vector<std::string>& lots) {
  std::set<std::string> seen;
  for (const auto* values : {&q.any_epcs, &q.epc_classes}) {
    for (const std::string& value : *values) {
      Result<DigitalLink> link = ParseDigitalLink(value);
      if (!link.ok() || value.find("://") == std::string::npos) continue;
      if (!link->sscc.empty()) {
        auto pallet = store.GetLot(link->UnitKey());
        if (!pallet) continue;
        for (const auto& content : pallet->contents()) {
          AGRI_RETURN_IF_ERROR(AddLot(FormatLotKey(content.lot()), lots, seen));
        }
      } else if (link->has_lot()) {
        AGRI_RETURN_IF_ERROR(AddLot(link->UnitKey(), lots, seen));
      } else {
        std::vector<std::string> keys;  // one past the limit, so AddLot reports it
        store.ForEachLot("01/" + link->gtin + "/10/", [&](const v1::LotState& lot) {
          keys.push_back(FormatLotKey(lot.lot()));
          return keys.size() <= kMaxEpcisQueryLots;
        });
        for (const std::string& key : keys) AGRI_RETURN_IF_ERROR(AddLot(key, lots, seen));
      }
    }
  }
  return Status::Ok();
}

// Lot keys ("01/...") anywhere in a record's JSON form, so every event kind is covered.
void LotsInJson(const json& value, std::vector<std::string>& out) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it.key() == "lot" && it->is_string() && it->get<std::string>().rfind("01/", 0) == 0) {
        out.push_back(it->get<std::string>());
      } else {
        LotsInJson(*it, out);
      }
    }
  } else if (value.is_array()) {
    for (const json& item : value) LotsInJson(item, out);
  }
}

// Every lot the chain's records name up to `snapshot_height`, in order of first mention.
Status LotsScanned(const ChainStore& store, uint64_t snapshot_height,
                   std::vector<std::string>& lots) {
  std::set<std::string> seen;
  size_t records = 0;
  for (uint64_t height = 1; height <= snapshot_height; ++height) {
    Result<v1::Block> block = store.GetBlock(height);
    if (!block.ok()) return block.status();
    records += block->records_size();
    if (records > kMaxEpcisScanRecords) {
      return Reject(Reason::kTooLarge,
                    "a query without MATCH_anyEPC or MATCH_epcClass reads at most " +
                        std::to_string(kMaxEpcisScanRecords) +
                        " records and this chain has more; name the lots or GTINs wanted");
    }
    for (const v1::Envelope& envelope : block->records()) {
      Result<Record> record = DecodeRecord(envelope);
      if (!record.ok()) return record.status();
      std::vector<std::string> named;
      LotsInJson(RecordBodyToJson(record->body), named);
      for (const std::string& key : named) AGRI_RETURN_IF_ERROR(AddLot(key, lots, seen));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string BareBizStep(std::string_view step) {
  for (std::string_view prefix : {"urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-",
                                  "http://ref.gs1.org/cbv/BizStep-", "cbv:BizStep-"}) {
    if (step.substr(0, prefix.size()) == prefix) return std::string(step.substr(prefix.size()));
  }
  return std::string(step);
}

Result<ExportData> GatherLotExport(const ChainStore& store, const std::string& lot_key,
                                   uint64_t max_height) {
  // Parents' states too (depth 1), as the wallet's export gathers them.
  Result<v1::TraceResponse> trace =
      TraceLineage(store, lot_key, v1::TRACE_DIRECTION_BACKWARD, /*max_depth=*/1);
  if (!trace.ok()) return trace.status();
  ExportData data;
  data.root_lot = lot_key;
  data.lots[lot_key] = trace->root();
  for (const auto& link : trace->links()) {
    if (link.has_state()) data.lots[link.lot()] = link.state();
  }
  Result<std::vector<StoredRecord>> history = store.GetLotHistory(lot_key);
  if (!history.ok()) return history.status();
  for (const StoredRecord& stored : *history) {
    if (stored.height > max_height) continue;
    Result<Record> record = DecodeRecord(stored.envelope);
    if (!record.ok()) return record.status();
    AddParties(store, *record, data);
    data.records.push_back({*std::move(record), stored.height, stored.index});
  }
  std::sort(data.records.begin(), data.records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.height, a.index) < std::tie(b.height, b.index);
  });
  return data;
}

Result<std::vector<json>> FindEpcisEvents(const ChainStore& store, const EpcisQuery& query,
                                          uint64_t snapshot_height) {
  for (const auto* values : {&query.biz_steps, &query.any_epcs, &query.epc_classes}) {
    if (values->size() > kMaxEpcisQueryValues) {
      return Reject(Reason::kTooLarge, "a query parameter lists at most " +
                                           std::to_string(kMaxEpcisQueryValues) + " values");
    }
  }
  std::vector<std::string> lots;
  if (!query.any_epcs.empty() || !query.epc_classes.empty()) {
    AGRI_RETURN_IF_ERROR(LotsNamed(store, query, lots));
  } else {
    AGRI_RETURN_IF_ERROR(LotsScanned(store, snapshot_height, lots));
  }
  std::vector<std::pair<int64_t, json>> found;
  std::set<std::string> seen;  // eventID, and whether it is the error declaration
  for (const std::string& lot : lots) {
    Result<ExportData> data = GatherLotExport(store, lot, snapshot_height);
    if (!data.ok() && data.status().reason() == Reason::kUnknownLot) continue;
    if (!data.ok()) return data.status();
    if (data->records.empty()) continue;
    json doc = EpcisDocument(*data, 0);
    for (json& event : doc["epcisBody"]["eventList"]) {
      const std::string id = event.value("eventID", "");
      if (!seen.insert(id + (event.contains("errorDeclaration") ? "|error" : "")).second) continue;
      Result<int64_t> time_ms = ParseIsoTime(event.value("eventTime", ""));
      const int64_t when = time_ms.ok() ? *time_ms : 0;
      if (Matches(event, query, when)) found.emplace_back(when, std::move(event));
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(a.first, a.second.value("eventID", "")) <
           std::make_tuple(b.first, b.second.value("eventID", ""));
  });
  std::vector<json> events;
  events.reserve(found.size());
  for (auto& [when, event] : found) events.push_back(std::move(event));
  return events;
}

}  // namespace agritrace::chain
