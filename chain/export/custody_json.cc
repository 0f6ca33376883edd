#include "chain/export/custody_json.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "chain/base/bytes.h"
#include "chain/export/event_time.h"
#include "chain/export/record_json.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<v1::DocumentType, std::string_view>, 5> kDocumentTypes = {{
    {v1::DOCUMENT_TYPE_PO, "po"},
    {v1::DOCUMENT_TYPE_BOL, "bol"},
    {v1::DOCUMENT_TYPE_INV, "inv"},
    {v1::DOCUMENT_TYPE_DESADV, "desadv"},
    {v1::DOCUMENT_TYPE_OTHER, "other"},
}};

constexpr std::array<std::pair<v1::LossReason, std::string_view>, 7> kLossReasons = {{
    {v1::LOSS_REASON_SPOILAGE, "spoilage"},
    {v1::LOSS_REASON_DAMAGE, "damage"},
    {v1::LOSS_REASON_SHRINKAGE, "shrinkage"},
    {v1::LOSS_REASON_SAMPLE, "sample"},
    {v1::LOSS_REASON_THEFT, "theft"},
    {v1::LOSS_REASON_DESTROYED, "destroyed"},
    {v1::LOSS_REASON_OTHER, "other"},
}};

constexpr std::array<std::pair<v1::CoolingMethod, std::string_view>, 5> kCoolingMethods = {{
    {v1::COOLING_METHOD_FORCED_AIR, "forced-air"},
    {v1::COOLING_METHOD_HYDROCOOLING, "hydrocooling"},
    {v1::COOLING_METHOD_ICE, "ice"},
    {v1::COOLING_METHOD_VACUUM, "vacuum"},
    {v1::COOLING_METHOD_COLD_STORAGE, "cold-storage"},
}};

// "'text'" (appended piece by piece: GCC 12 misreads `"'" + std::string(...)` as overlapping).
std::string Quote(std::string_view text) {
  std::string out = "'";
  out.append(text);
  out.push_back('\'');
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The code of `value` in a (value, code) table; "unspecified" when it has none.
template <typename Enum, size_t N>
std::string_view CodeOf(const std::array<std::pair<Enum, std::string_view>, N>& table,
                        Enum value) {
  for (const auto& [entry, code] : table) {
    if (entry == value) return code;
  }
  return "unspecified";
}

// The value whose code is `text` (any case), else MALFORMED listing the codes.
template <typename Enum, size_t N>
Result<Enum> ParseCode(const std::array<std::pair<Enum, std::string_view>, N>& table,
                       std::string_view text, std::string_view what) {
  const std::string lower = Lower(text);
  std::string codes;
  for (size_t i = 0; i < N; ++i) {
    if (table[i].second == lower) return table[i].first;
    codes += i == 0 ? "" : i + 1 == N ? " or " : ", ";
    codes += table[i].second;
  }
  std::string message = Quote(text);
  message += " is not ";
  message += what;
  message += "; use ";
  return Reject(Reason::kMalformed, message + codes);
}

// "lot" (a lot) or "sscc" and "pallet" (a pallet): what an event that names either is about.
void AddUnit(json& out, bool has_lot, const v1::LotKey& lot, const std::string& sscc) {
  if (has_lot) out["lot"] = FormatLotKey(lot);
  if (!sscc.empty()) {
    out["sscc"] = sscc;
    out["pallet"] = FormatPalletKey(sscc);
  }
}

void AddRefs(json& out, const google::protobuf::RepeatedPtrField<v1::DocumentRef>& refs) {
  if (!refs.empty()) out["refs"] = DocumentRefsToJson(refs);
}

json ShipToJson(const v1::Ship& s) {
  json out = json::object();
  AddUnit(out, s.has_lot(), s.lot(), s.sscc());
  out["receiver"] = ToHex(s.receiver());
  if (!s.carrier().empty()) out["carrier"] = ToHex(s.carrier());
  if (s.has_quantity()) out["quantity"] = FormatQuantity(s.quantity());
  AddRefs(out, s.refs());
  return out;
}

json ReceiveToJson(const v1::Receive& r) {
  json out = json::object();
  AddUnit(out, r.has_lot(), r.lot(), r.sscc());
  if (!r.shipment().empty()) out["shipment"] = ToHex(r.shipment());
  if (r.has_accept()) out["accept"] = FormatQuantity(r.accept());
  if (r.has_reject()) out["reject"] = FormatQuantity(r.reject());
  if (!r.reject_reason().empty()) out["reject_reason"] = r.reject_reason();
  AddRefs(out, r.refs());
  return out;
}

json AggregateToJson(const v1::Aggregate& a) {
  json contents = json::array();
  for (const v1::LotAmount& c : a.contents()) {
    contents.push_back(
        {{"lot", FormatLotKey(c.lot())}, {"quantity", FormatQuantity(c.quantity())}});
  }
  return {{"sscc", a.sscc()}, {"pallet", FormatPalletKey(a.sscc())}, {"contents", contents}};
}

json UpdateParticipantToJson(const v1::UpdateParticipant& u) {
  json out = {{"pubkey", ToHex(u.pubkey())}};
  if (u.has_address()) out["address"] = u.address();
  if (u.has_phone()) out["phone"] = u.phone();
  if (u.has_gln()) out["gln"] = u.gln();
  if (u.has_party_gln()) out["party_gln"] = u.party_gln();
  if (u.has_tz_offset_min()) {
    out["tz"] = FormatTzOffset(u.tz_offset_min());
    out["tz_offset_min"] = u.tz_offset_min();
  }
  return out;
}

std::string Amount(const v1::LotState& lot, int64_t milli) {
  v1::Quantity q;
  q.set_milli(milli);
  q.set_unit(lot.quantity().unit());
  return FormatQuantity(q);
}

std::string NameOrHex(const NameLookup& name_of, const std::string& key) {
  std::string name = name_of ? name_of(key) : "";
  return name.empty() ? ToHex(key) : name;
}

json HoldingJson(const v1::LotState& lot, const v1::Holding& h, const NameLookup& name_of) {
  json out = {{"participant", NameOrHex(name_of, h.participant())},
              {"pubkey", ToHex(h.participant())},
              {"quantity", Amount(lot, h.milli())}};
  if (!h.sscc().empty()) out["pallet"] = h.sscc();
  out["since"] = FormatIsoTime(h.since_ms());
  out["since_ms"] = h.since_ms();
  return out;
}

json InTransitJson(const v1::LotState& lot, const v1::InTransit& t, const NameLookup& name_of) {
  json out = {{"shipment", ToHex(t.shipment())},
              {"from", NameOrHex(name_of, t.from())},
              {"from_pubkey", ToHex(t.from())},
              {"to", NameOrHex(name_of, t.to())},
              {"to_pubkey", ToHex(t.to())}};
  if (!t.carrier().empty()) {
    out["carrier"] = NameOrHex(name_of, t.carrier());
    out["carrier_pubkey"] = ToHex(t.carrier());
  }
  out["quantity"] = Amount(lot, t.milli());
  if (!t.sscc().empty()) out["pallet"] = t.sscc();
  out["returned"] = t.returned();
  out["shipped"] = FormatIsoTime(t.shipped_ms());
  out["shipped_ms"] = t.shipped_ms();
  return out;
}

}  // namespace

json CustodyEventToJson(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kShip:
      return ShipToJson(body.ship());
    case v1::RecordBody::kReceive:
      return ReceiveToJson(body.receive());
    case v1::RecordBody::kCancelShipment: {
      const v1::CancelShipment& c = body.cancel_shipment();
      json out = json::object();
      AddUnit(out, c.has_lot(), c.lot(), c.sscc());
      out["shipment"] = ToHex(c.shipment());
      return out;
    }
    case v1::RecordBody::kLoss: {
      const v1::Loss& l = body.loss();
      json out = {{"lot", FormatLotKey(l.lot())},
                  {"quantity", FormatQuantity(l.quantity())},
                  {"reason", std::string(LossReasonCode(l.reason()))}};
      if (!l.note().empty()) out["note"] = l.note();
      return out;
    }
    case v1::RecordBody::kSell: {
      json out = {{"lot", FormatLotKey(body.sell().lot())}};
      if (body.sell().has_quantity()) out["quantity"] = FormatQuantity(body.sell().quantity());
      AddRefs(out, body.sell().refs());
      return out;
    }
    case v1::RecordBody::kAggregate:
      return AggregateToJson(body.aggregate());
    case v1::RecordBody::kDisaggregate:
      return {{"sscc", body.disaggregate().sscc()},
              {"pallet", FormatPalletKey(body.disaggregate().sscc())}};
    case v1::RecordBody::kUpdateParticipant:
      return UpdateParticipantToJson(body.update_participant());
    case v1::RecordBody::kCool: {
      json out = {{"lot", FormatLotKey(body.cool().lot())},
                  {"method", std::string(CoolingMethodCode(body.cool().method()))}};
      if (body.cool().has_location()) out["location"] = LocationToJson(body.cool().location());
      return out;
    }
    case v1::RecordBody::kRegisterParticipant:  // not custody events: record_json.cc renders them
    case v1::RecordBody::kHarvest:
    case v1::RecordBody::kTransform:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kSensorReadings:
    case v1::RecordBody::kCheckpoint:
    case v1::RecordBody::kCertify:
    case v1::RecordBody::kRecall:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
    // Origin records (plots, applications, bans): none of this switch's business.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert:
    case v1::RecordBody::kProposeValidatorChange:
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
    case v1::RecordBody::EVENT_NOT_SET:
      break;
  }
  return json::object();
}

std::string CustodyEventSubject(const v1::RecordBody& body) {
  const auto unit = [](bool has_lot, const v1::LotKey& lot, const std::string& sscc) {
    return has_lot ? FormatLotKey(lot) : FormatPalletKey(sscc);
  };
  switch (body.event_case()) {
    case v1::RecordBody::kShip:
      return unit(body.ship().has_lot(), body.ship().lot(), body.ship().sscc());
    case v1::RecordBody::kReceive:
      return unit(body.receive().has_lot(), body.receive().lot(), body.receive().sscc());
    case v1::RecordBody::kCancelShipment: {
      const v1::CancelShipment& c = body.cancel_shipment();
      return unit(c.has_lot(), c.lot(), c.sscc());
    }
    case v1::RecordBody::kLoss:
      return FormatLotKey(body.loss().lot());
    case v1::RecordBody::kSell:
      return FormatLotKey(body.sell().lot());
    case v1::RecordBody::kAggregate:
      return FormatPalletKey(body.aggregate().sscc());
    case v1::RecordBody::kDisaggregate:
      return FormatPalletKey(body.disaggregate().sscc());
    case v1::RecordBody::kUpdateParticipant:
      return ToHex(body.update_participant().pubkey());
    case v1::RecordBody::kCool:
      return FormatLotKey(body.cool().lot());
    case v1::RecordBody::kRegisterParticipant:  // not custody events
    case v1::RecordBody::kHarvest:
    case v1::RecordBody::kTransform:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kSensorReadings:
    case v1::RecordBody::kCheckpoint:
    case v1::RecordBody::kCertify:
    case v1::RecordBody::kRecall:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
    // Origin records (plots, applications, bans): none of this switch's business.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert:
    case v1::RecordBody::kProposeValidatorChange:
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
    case v1::RecordBody::EVENT_NOT_SET:
      break;
  }
  return "";
}

json DocumentRefsToJson(const google::protobuf::RepeatedPtrField<v1::DocumentRef>& refs) {
  json out = json::array();
  for (const v1::DocumentRef& ref : refs) {
    out.push_back({{"type", std::string(DocumentTypeCode(ref.type()))}, {"id", ref.id()}});
  }
  return out;
}

std::string_view DocumentTypeCode(v1::DocumentType type) {
  for (const auto& [value, name] : kDocumentTypes) {
    if (value == type) return name;
  }
  return "unspecified";
}

Result<v1::DocumentRef> ParseDocumentRef(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string type = Lower(text.substr(0, colon == std::string_view::npos ? 0 : colon));
  for (const auto& [value, name] : kDocumentTypes) {
    if (name != type) continue;
    v1::DocumentRef ref;
    ref.set_type(value);
    ref.set_id(std::string(text.substr(colon + 1)));
    if (ref.id().empty()) break;
    return ref;
  }
  return Reject(Reason::kMalformed, Quote(text) +
                                        " is not a document reference TYPE:ID with TYPE po, "
                                        "bol, inv, desadv or other (e.g. po:PO-4711)");
}

std::string_view LossReasonCode(v1::LossReason reason) {
  return CodeOf(kLossReasons, reason);
}

Result<v1::LossReason> ParseLossReason(std::string_view text) {
  return ParseCode(kLossReasons, text, "a loss reason");
}

std::string_view CoolingMethodCode(v1::CoolingMethod method) {
  return CodeOf(kCoolingMethods, method);
}

Result<v1::CoolingMethod> ParseCoolingMethod(std::string_view text) {
  return ParseCode(kCoolingMethods, text, "a cooling method");
}

void AddLotPartsJson(const v1::LotState& lot, const NameLookup& name_of, json& out) {
  json holdings = json::array();
  json in_transit = json::array();
  json pallets = json::array();
  const auto add_pallet = [&](const std::string& sscc) {
    if (!sscc.empty() && std::find(pallets.begin(), pallets.end(), sscc) == pallets.end()) {
      pallets.push_back(sscc);
    }
  };
  for (const v1::Holding& h : lot.holdings()) {
    holdings.push_back(HoldingJson(lot, h, name_of));
    add_pallet(h.sscc());
  }
  for (const v1::InTransit& t : lot.in_transit()) {
    in_transit.push_back(InTransitJson(lot, t, name_of));
    add_pallet(t.sscc());
  }
  out["holdings"] = std::move(holdings);
  out["in_transit"] = std::move(in_transit);
  out["consumed"] = Amount(lot, lot.consumed_milli());
  out["lost"] = Amount(lot, lot.lost_milli());
  out["sold"] = Amount(lot, lot.sold_milli());
  if (!pallets.empty()) out["pallet"] = pallets.front();
  out["pallets"] = std::move(pallets);
}

}  // namespace agritrace::chain
