// JSON of the custody events of chain format 2 (ship, receive, cancel_shipment, loss, sell,
// aggregate, disaggregate, update_participant) and of cooling, their document references,
// loss reasons and cooling methods, and the parts of a lot (holdings, shipments in transit,
// consumed, lost, sold). Same conventions as record_json.h: keys and record ids hex, lots
// "01/{gtin14}/10/{lot}", pallets "00/{sscc}", quantities "600kg".
//
// Pure functions; safe from any thread.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// A participant's name for a public key (raw bytes); "" when unknown.
using NameLookup = std::function<std::string(const std::string& pubkey_bytes)>;

// The event's own fields, e.g. ship {"lot" or "sscc" and "pallet", "receiver", "carrier"?,
// "quantity"? (absent: all the signer held), "refs"?}; receive {"lot"|"sscc", "shipment"?,
// "accept"?, "reject"?, "reject_reason"?, "refs"?}; loss {"lot", "quantity", "reason", "note"?};
// cool {"lot", "method", "location"?}.
// {} for any other event.
nlohmann::json CustodyEventToJson(const v1::RecordBody& body);
// The lot key, "00/{sscc}" or participant key a custody event is about; "" for others.
std::string CustodyEventSubject(const v1::RecordBody& body);

// [{"type": "po", "id": "PO-4711"}, ...].
nlohmann::json DocumentRefsToJson(const google::protobuf::RepeatedPtrField<v1::DocumentRef>& refs);
// "po", "bol", "inv", "desadv", "other", "unspecified".
std::string_view DocumentTypeCode(v1::DocumentType type);
// "TYPE:ID" (e.g. "po:PO-4711"; the type case-insensitive) -> a reference. MALFORMED naming
// the types on anything else.
Result<v1::DocumentRef> ParseDocumentRef(std::string_view text);
// "spoilage", "damage", "shrinkage", "sample", "theft", "destroyed", "other", "unspecified".
std::string_view LossReasonCode(v1::LossReason reason);
// The inverse of LossReasonCode (case-insensitive); MALFORMED naming the reasons otherwise.
Result<v1::LossReason> ParseLossReason(std::string_view text);
// "forced-air", "hydrocooling", "ice", "vacuum", "cold-storage", "unspecified".
std::string_view CoolingMethodCode(v1::CoolingMethod method);
// The inverse of CoolingMethodCode (case-insensitive); MALFORMED naming the methods otherwise.
Result<v1::CoolingMethod> ParseCoolingMethod(std::string_view text);

// Adds where the parts of `lot` are to a LotStateToJson object:
//   "holdings": [{"participant", "pubkey", "quantity", "pallet"?, "since", "since_ms"}],
//   "in_transit": [{"shipment", "from", "from_pubkey", "to", "to_pubkey", "carrier"?,
//                   "carrier_pubkey"?, "quantity", "pallet"?, "returned", "shipped",
//                   "shipped_ms"}],
//   "consumed", "lost", "sold" (quantities in the lot's unit, "0kg" when none),
//   "pallets" (SSCCs a part is on) and "pallet" (the first of them, only when there is one).
// Participants are named through `name_of` (a name, else the key's hex).
void AddLotPartsJson(const v1::LotState& lot, const NameLookup& name_of, nlohmann::json& out);

}  // namespace agritrace::chain
