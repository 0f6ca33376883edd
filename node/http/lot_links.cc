#include "node/http/lot_links.h"

#include "chain/base/bytes.h"
#include "chain/export/event_json.h"
#include "chain/export/record_json.h"
#include "chain/model/record.h"
#include "chain/query/trace.h"

namespace agritrace::node {

using nlohmann::json;

chain::Result<json> CertificationInfo(const chain::ChainStore& store, const std::string& lot_key,
                                      const chain::NameLookup& name) {
  auto history = store.GetLotHistory(lot_key);
  if (!history.ok()) return history.status();
  json certificates = json::array();
  for (const chain::StoredRecord& stored : *history) {
    auto record = chain::DecodeRecord(stored.envelope);
    if (!record.ok() || !record->body.has_certify()) continue;
    json entry = chain::CertifyToJson(record->body.certify());
    entry["record_id"] = chain::ToHex(stored.id);
    entry["signer"] = chain::ToHex(stored.envelope.signer());
    if (std::string who = name(stored.envelope.signer()); !who.empty()) entry["signer_name"] = who;
    entry["time"] = chain::FormatIsoTime(chain::EventTimeOf(record->body));
    certificates.push_back(std::move(entry));
  }
  return json{{"lot", lot_key}, {"certificates", std::move(certificates)}};
}

json RecallStatus(const chain::ChainStore& store, const std::string& lot_key) {
  std::string recalled_lot;
  std::string reason;
  if (auto lot = store.GetLot(lot_key); lot && lot->recalled()) {
    recalled_lot = lot_key;
    reason = lot->recall_reason();
  } else if (auto trace = chain::TraceLineage(store, lot_key, v1::TRACE_DIRECTION_BACKWARD, 0);
             trace.ok()) {
    for (const auto& link : trace->links()) {  // nearest first
      if (link.has_state() && link.state().recalled()) {
        recalled_lot = link.lot();
        reason = link.state().recall_reason();
        break;
      }
    }
  }
  json out = {{"lot", lot_key}, {"recalled", !recalled_lot.empty()}};
  if (recalled_lot.empty()) return out;
  out["reason"] = reason;
  out["recalled_lot"] = recalled_lot;
  out["via_ancestor"] = recalled_lot != lot_key;
  if (auto history = store.GetLotHistory(recalled_lot); history.ok()) {
    for (const chain::StoredRecord& stored : *history) {
      auto record = chain::DecodeRecord(stored.envelope);
      if (record.ok() && record->body.has_recall()) {
        out["since"] = chain::FormatIsoTime(chain::EventTimeOf(record->body));
      }
    }
  }
  return out;
}

}  // namespace agritrace::node
