#include "chain/export/epcis.h"

#include <cstdio>

#include "chain/base/bytes.h"
#include "chain/export/custody_json.h"
#include "chain/export/event_json.h"
#include "chain/export/event_time.h"
#include "chain/model/custody_replay.h"
#include "chain/model/gs1.h"
#include "chain/export/record_json.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr const char* kEpcisContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
constexpr const char* kAgritraceNs = "https://agritrace.org/ns/epcis/";
constexpr double kMilli = 1000.0;

std::string PartyUri(const ExportData& data, const std::string& pubkey) {
  const v1::Participant* party = data.Party(pubkey);
  if (party && !party->location().gln().empty()) {
    return "https://id.gs1.org/417/" + party->location().gln();
  }
  if (party) return "urn:agritrace:party:" + party->name();
  return "urn:agritrace:key:" + ToHex(pubkey);
}

std::string GeoUri(const v1::Location& location) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "geo:%.6f,%.6f", location.lat_e6() / 1e6,
                location.lon_e6() / 1e6);
  return buffer;
}

// A place URI: GLN, else coordinates; "" when the location says neither.
std::string PlaceUri(const v1::Location& location) {
  if (!location.gln().empty()) return "https://id.gs1.org/414/" + location.gln();
  if (location.has_lat_e6() && location.has_lon_e6()) return GeoUri(location);
  return "";
}

void SetReadPoint(json& event, const std::string& uri) {
  if (!uri.empty()) event["readPoint"] = {{"id", uri}};
}

std::string SignerPlace(const ExportData& data, const ExportRecord& rec) {
  const v1::Participant* party = data.Party(AsBytes(rec.record.signer));
  if (!party) return "";
  if (!party->device_owner().empty()) party = data.Party(party->device_owner());
  return party ? PlaceUri(party->location()) : "";
}

json QuantityElement(const v1::LotKey& lot, const v1::Quantity& q) {
  json out = {{"epcClass", LotDigitalLink(lot)}, {"quantity", q.milli() / kMilli}};
  std::string uom = UneceUnit(q.unit());
  if (!uom.empty()) out["uom"] = uom;
  return out;
}

// The lot's quantity as created (the most an OBSERVE event can refer to).
json LotQuantityList(const ExportData& data, const v1::LotKey& lot) {
  const v1::LotState* state = data.Lot(FormatLotKey(lot));
  v1::Quantity q = state ? state->quantity() : v1::Quantity();
  if (!state) q.set_unit("kg");
  return json::array({QuantityElement(lot, q)});
}

// What each record moved (a ship without a quantity moves all its signer held), from the
// custody replay over the exported records.
struct Context {
  const ExportData& data;
  const ExportRecord& rec;
  const CustodyReplay::Moves& moves;
};

// The event's time and the offset of where it happened.
json Base(const std::string& type, const v1::RecordBody& body) {
  return {{"type", type},
          {"eventTime", FormatIsoTime(EventTimeOf(body))},
          {"eventTimeZoneOffset", FormatTzOffset(body.event_tz_offset_min())}};
}

json Base(const std::string& type, const ExportRecord& rec) {
  return Base(type, rec.record.body);
}

std::string SsccDigitalLink(const std::string& sscc) { return "https://id.gs1.org/00/" + sscc; }

json MovedList(const std::vector<CustodyReplay::Move>& moves) {
  json list = json::array();
  for (const CustodyReplay::Move& move : moves) {
    Result<v1::LotKey> lot = ParseLotKey(move.lot);
    if (!lot.ok()) continue;
    v1::Quantity q;
    q.set_milli(move.milli);
    q.set_unit(move.unit);
    list.push_back(QuantityElement(*lot, q));
  }
  return list;
}

void AddBizTransactions(json& event,
                        const google::protobuf::RepeatedPtrField<v1::DocumentRef>& refs) {
  if (refs.empty()) return;
  json list = json::array();
  for (const v1::DocumentRef& ref : refs) {
    json entry = {{"bizTransaction", "urn:agritrace:bt:" + ref.id()}};
    // po, bol, inv and desadv are CBV business transaction types under the same codes; an
    // "other" document names no type.
    if (ref.type() != v1::DOCUMENT_TYPE_OTHER && ref.type() != v1::DOCUMENT_TYPE_UNSPECIFIED) {
      entry["type"] = std::string(DocumentTypeCode(ref.type()));
    }
    list.push_back(std::move(entry));
  }
  event["bizTransactionList"] = std::move(list);
}

json Observe(const ExportData& data, const ExportRecord& rec, const v1::LotKey& lot,
             const std::string& biz_step, const std::string& disposition) {
  json event = Base("ObjectEvent", rec);
  event["action"] = "OBSERVE";
  event["quantityList"] = LotQuantityList(data, lot);
  event["bizStep"] = biz_step;
  if (!disposition.empty()) event["disposition"] = disposition;
  SetReadPoint(event, SignerPlace(data, rec));
  event["agritrace:signer"] = PartyUri(data, AsBytes(rec.record.signer));
  return event;
}

json HarvestEvent(const ExportData& data, const ExportRecord& rec) {
  const v1::Harvest& h = rec.record.body.harvest();
  json event = Base("ObjectEvent", rec);
  event["action"] = "ADD";
  event["quantityList"] = json::array({QuantityElement(h.lot(), h.quantity())});
  event["bizStep"] = "commissioning";
  event["disposition"] = "active";
  std::string place = PlaceUri(h.location());
  SetReadPoint(event, place.empty() ? SignerPlace(data, rec) : place);
  json ilmd = {{"cbvmda:harvestStartDate", FormatIsoTime(h.harvest_time_ms()).substr(0, 10)}};
  if (!h.field().empty()) ilmd["agritrace:field"] = h.field();
  ilmd["agritrace:commodity"] = h.commodity();
  if (!h.variety().empty()) ilmd["agritrace:variety"] = h.variety();
  event["ilmd"] = ilmd;
  AddBizTransactions(event, h.refs());
  event["agritrace:signer"] = PartyUri(data, AsBytes(rec.record.signer));
  return event;
}

json TransformEvent(const ExportData& data, const ExportRecord& rec) {
  const v1::Transform& t = rec.record.body.transform();
  json event = Base("TransformationEvent", rec);
  json inputs = json::array();
  for (const auto& in : t.inputs()) inputs.push_back(QuantityElement(in.lot(), in.quantity()));
  json outputs = json::array();
  for (const auto& out : t.outputs()) outputs.push_back(QuantityElement(out.lot(), out.quantity()));
  event["inputQuantityList"] = inputs;
  event["outputQuantityList"] = outputs;
  event["bizStep"] = t.kind() == v1::TRANSFORM_KIND_PACK ? "packing" : "commissioning";
  event["disposition"] = "active";
  AddBizTransactions(event, t.refs());
  SetReadPoint(event, SignerPlace(data, rec));
  event["agritrace:signer"] = PartyUri(data, AsBytes(rec.record.signer));
  return event;
}

// The lot an event names and the amount it states, when the export's records do not show what
// it moved (its lot's history is outside the export): the stated amount, else the lot's.
json StatedList(const Context& c, const v1::LotKey& lot, const v1::Quantity* stated) {
  if (stated) return json::array({QuantityElement(lot, *stated)});
  return LotQuantityList(c.data, lot);
}

const v1::LotKey* LotOf(const v1::RecordBody& body, const v1::Quantity** stated) {
  *stated = nullptr;
  switch (body.event_case()) {
    case v1::RecordBody::kShip:
      if (body.ship().has_quantity()) *stated = &body.ship().quantity();
      return body.ship().has_lot() ? &body.ship().lot() : nullptr;
    case v1::RecordBody::kReceive:
      if (body.receive().has_accept()) *stated = &body.receive().accept();
      return body.receive().has_lot() ? &body.receive().lot() : nullptr;
    case v1::RecordBody::kCancelShipment:
      return body.cancel_shipment().has_lot() ? &body.cancel_shipment().lot() : nullptr;
    case v1::RecordBody::kLoss:
      *stated = &body.loss().quantity();
      return &body.loss().lot();
    case v1::RecordBody::kSell:
      if (body.sell().has_quantity()) *stated = &body.sell().quantity();
      return &body.sell().lot();
    case v1::RecordBody::kRegisterParticipant:  // not a custody event, or no single lot
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
    case v1::RecordBody::kAggregate:
    case v1::RecordBody::kDisaggregate:
    case v1::RecordBody::kUpdateParticipant:
    case v1::RecordBody::kCool:
    case v1::RecordBody::EVENT_NOT_SET:
      break;
  }
  return nullptr;
}

// An ObjectEvent about what a record moved: the lot quantities (and the pallet, by SSCC).
json Moved(const Context& c, const std::string& sscc, const std::string& biz_step,
           const std::string& disposition) {
  json event = Base("ObjectEvent", c.rec);
  event["action"] = "OBSERVE";
  if (!sscc.empty()) event["epcList"] = json::array({SsccDigitalLink(sscc)});
  json moved = MovedList(c.moves.moved);
  const v1::Quantity* stated = nullptr;
  const v1::LotKey* lot = LotOf(c.rec.record.body, &stated);
  if (moved.empty() && lot) moved = StatedList(c, *lot, stated);
  if (!moved.empty()) event["quantityList"] = std::move(moved);
  event["bizStep"] = biz_step;
  if (!disposition.empty()) event["disposition"] = disposition;
  SetReadPoint(event, SignerPlace(c.data, c.rec));
  event["agritrace:signer"] = PartyUri(c.data, AsBytes(c.rec.record.signer));
  return event;
}

void AddParties(const Context& c, json& event, const std::string& from, const std::string& to) {
  event["sourceList"] = json::array({{{"type", "owning_party"}, {"source", PartyUri(c.data, from)}}});
  event["destinationList"] =
      json::array({{{"type", "owning_party"}, {"destination", PartyUri(c.data, to)}}});
}

json ShipEvent(const Context& c) {
  const v1::Ship& s = c.rec.record.body.ship();
  json event = Moved(c, s.sscc(), "shipping", "in_transit");
  AddParties(c, event, AsBytes(c.rec.record.signer), s.receiver());
  if (!s.carrier().empty()) event["agritrace:carrier"] = PartyUri(c.data, s.carrier());
  AddBizTransactions(event, s.refs());
  return event;
}

// What was accepted, received; what was rejected is reported with the reason, and travels back
// to the shipper as a shipment of its own (this record's id).
json ReceiveEvent(const Context& c) {
  const v1::Receive& r = c.rec.record.body.receive();
  json event = Moved(c, r.sscc(), "receiving", "in_progress");
  json rejected = MovedList(c.moves.rejected);
  if (!rejected.empty()) {
    event["agritrace:rejectedQuantityList"] = std::move(rejected);
    event["agritrace:rejectReason"] = r.reject_reason();
  }
  if (!r.shipment().empty()) event["agritrace:shipment"] = ToHex(r.shipment());
  AddBizTransactions(event, r.refs());
  return event;
}

json CancelEvent(const Context& c) {
  const v1::CancelShipment& cancel = c.rec.record.body.cancel_shipment();
  json event = Moved(c, cancel.sscc(), "void_shipping", "active");
  event["agritrace:shipment"] = ToHex(cancel.shipment());
  return event;
}

// CBV step and disposition of each kind of loss.
std::pair<std::string, std::string> LossStep(v1::LossReason reason) {
  switch (reason) {
    case v1::LOSS_REASON_SPOILAGE: return {"destroying", "disposed"};
    case v1::LOSS_REASON_DAMAGE: return {"inspecting", "damaged"};
    case v1::LOSS_REASON_SHRINKAGE: return {"stock_taking", "unavailable"};
    case v1::LOSS_REASON_SAMPLE: return {"sampling", "unavailable"};
    case v1::LOSS_REASON_THEFT: return {"other", "stolen"};
    case v1::LOSS_REASON_DESTROYED: return {"destroying", "destroyed"};
    case v1::LOSS_REASON_OTHER:
    case v1::LOSS_REASON_UNSPECIFIED:
    case v1::LossReason_INT_MIN_SENTINEL_DO_NOT_USE_:
    case v1::LossReason_INT_MAX_SENTINEL_DO_NOT_USE_:
      break;
  }
  return {"other", "unavailable"};
}

json LossEvent(const Context& c) {
  const v1::Loss& loss = c.rec.record.body.loss();
  const auto [step, disposition] = LossStep(loss.reason());
  json event = Moved(c, "", step, disposition);
  event["agritrace:lossReason"] = v1::LossReason_Name(loss.reason()).substr(12);  // SPOILAGE...
  if (!loss.note().empty()) event["agritrace:note"] = loss.note();
  return event;
}

json SellEvent(const Context& c) {
  json event = Moved(c, "", "retail_selling", "retail_sold");
  AddBizTransactions(event, c.rec.record.body.sell().refs());
  return event;
}

// Putting lots on a pallet (ADD) or taking them off (DELETE): an AggregationEvent with the
// pallet's SSCC as parent and the lot quantities as children.
json AggregationEvent(const Context& c, const std::string& sscc, bool add) {
  json event = Base("AggregationEvent", c.rec);
  event["parentID"] = SsccDigitalLink(sscc);
  event["childQuantityList"] = MovedList(c.moves.moved);
  event["action"] = add ? "ADD" : "DELETE";
  event["bizStep"] = add ? "packing" : "unpacking";
  event["disposition"] = add ? "container_closed" : "container_open";
  SetReadPoint(event, SignerPlace(c.data, c.rec));
  event["agritrace:signer"] = PartyUri(c.data, AsBytes(c.rec.record.signer));
  return event;
}

json SensorElements(const ExportData& data, const ExportRecord& rec,
                    const google::protobuf::RepeatedPtrField<v1::SensorReading>& readings) {
  json elements = json::array();
  const std::string device = PartyUri(data, AsBytes(rec.record.signer));
  for (const v1::SensorReading& r : readings) {
    json reports = json::array();
    if (r.has_temperature_mc()) {
      reports.push_back({{"type", "Temperature"}, {"value", r.temperature_mc() / kMilli},
                         {"uom", "CEL"}});
    }
    if (r.has_humidity_mpct()) {
      reports.push_back({{"type", "RelativeHumidity"}, {"value", r.humidity_mpct() / kMilli},
                         {"uom", "P1"}});
    }
    if (reports.empty()) continue;
    elements.push_back({{"sensorMetadata", {{"time", FormatIsoTime(r.time_ms())},
                                            {"deviceID", device}}},
                        {"sensorReport", reports}});
  }
  return elements;
}

json SensorEvent(const ExportData& data, const ExportRecord& rec) {
  const v1::SensorReadings& s = rec.record.body.sensor_readings();
  json event = Observe(data, rec, s.lot(), "sensor_reporting", "");
  json elements = SensorElements(data, rec, s.readings());
  if (!elements.empty()) event["sensorElementList"] = elements;
  return event;
}

json CheckpointEvent(const ExportData& data, const ExportRecord& rec) {
  const v1::Checkpoint& c = rec.record.body.checkpoint();
  json event = Observe(data, rec, c.lot(), std::string(CheckpointStepName(c.step())), "in_transit");
  if (c.time_ms() != 0) event["eventTime"] = FormatIsoTime(c.time_ms());
  std::string place = PlaceUri(c.location());
  if (!place.empty()) event["readPoint"] = {{"id", place}};
  if (!c.location().name().empty()) event["agritrace:placeName"] = c.location().name();
  json elements = SensorElements(data, rec, c.readings());
  if (!elements.empty()) event["sensorElementList"] = elements;
  return event;
}

json CertifyEvent(const ExportData& data, const ExportRecord& rec) {
  const v1::Certify& c = rec.record.body.certify();
  const bool pass = c.outcome() == v1::CERT_OUTCOME_PASS;
  json event = Observe(data, rec, c.lot(), "inspecting", pass ? "conformant" : "non_conformant");
  event["certificationInfo"] = c.document_sha256().empty()
                                   ? "urn:agritrace:certificate:" + ToHex(rec.record.id)
                                   : "ni:///sha-256;" + ToHex(c.document_sha256());
  event["agritrace:standard"] = c.standard();
  event["agritrace:result"] = std::string(CertOutcomeName(c.outcome()));
  if (c.valid_until_ms() != 0) event["agritrace:validUntil"] = FormatIsoTime(c.valid_until_ms());
  return event;
}

json RecallEvent(const ExportData& data, const ExportRecord& rec) {
  json event = Observe(data, rec, rec.record.body.recall().lot(), "holding", "recalled");
  event["agritrace:reason"] = rec.record.body.recall().reason();
  return event;
}

json EventFor(const Context& c) {
  const ExportData& data = c.data;
  const ExportRecord& rec = c.rec;
  const v1::RecordBody& body = rec.record.body;
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest: return HarvestEvent(data, rec);
    case v1::RecordBody::kTransform: return TransformEvent(data, rec);
    case v1::RecordBody::kShip: return ShipEvent(c);
    case v1::RecordBody::kReceive: return ReceiveEvent(c);
    case v1::RecordBody::kCancelShipment: return CancelEvent(c);
    case v1::RecordBody::kLoss: return LossEvent(c);
    case v1::RecordBody::kAggregate: return AggregationEvent(c, body.aggregate().sscc(), true);
    case v1::RecordBody::kDisaggregate:
      return AggregationEvent(c, body.disaggregate().sscc(), false);
    case v1::RecordBody::kSensorReadings: return SensorEvent(data, rec);
    case v1::RecordBody::kCheckpoint: return CheckpointEvent(data, rec);
    case v1::RecordBody::kCertify: return CertifyEvent(data, rec);
    case v1::RecordBody::kRecall: return RecallEvent(data, rec);
    case v1::RecordBody::kSell: return SellEvent(c);
    // Not exported: registrations, revocations, key rotations and master-data updates are
    // master data, not events; a correction points at a record rather than at goods.
    case v1::RecordBody::kRegisterParticipant:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
    case v1::RecordBody::kUpdateParticipant:
    // Cooling (FSMA 204 CTE) is not exported to EPCIS yet.
    case v1::RecordBody::kCool:
    case v1::RecordBody::EVENT_NOT_SET: break;
  }
  return nullptr;
}

}  // namespace

const JsonLdPrefixes& EpcisPrefixes() {
  static const JsonLdPrefixes kPrefixes = {{"agritrace", kAgritraceNs},
                                           {"cbvmda", "urn:epcglobal:cbv:mda:"}};
  return kPrefixes;
}

std::string UneceUnit(const std::string& unit) {
  if (unit == "kg") return "KGM";
  if (unit == "g") return "GRM";
  if (unit == "t") return "TNE";
  if (unit == "pcs") return "H87";
  if (unit == "case") return "CS";
  return "";
}

std::string LotDigitalLink(const v1::LotKey& lot) {
  std::string code;
  for (unsigned char c : lot.lot()) {
    bool plain = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      code += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof(buffer), "%%%02X", c);
      code += buffer;
    }
  }
  return "https://id.gs1.org/01/" + lot.gtin() + "/10/" + code;
}

json EpcisDocument(const ExportData& data, int64_t creation_ms) {
  json events = json::array();
  std::map<std::string, json> by_record;  // record id hex -> event, for error declarations
  CustodyReplay replay([](size_t, const std::string&) {});  // certified records: no claims fail
  for (size_t i = 0; i < data.records.size(); ++i) replay.Apply(i, data.records[i].record);
  for (size_t i = 0; i < data.records.size(); ++i) {
    const ExportRecord& rec = data.records[i];
    json event = EventFor(Context{data, rec, replay.MovesOf(i)});
    if (event.is_null()) {
      if (!rec.record.body.has_correction()) continue;
      const v1::Correction& c = rec.record.body.correction();
      auto it = by_record.find(ToHex(c.record_id()));
      if (it == by_record.end()) continue;  // the corrected record is outside this export
      event = it->second;
      json declaration = {{"declarationTime", FormatIsoTime(rec.record.body.timestamp_ms())},
                          {"reason", "incorrect_data"},
                          {"agritrace:reason", c.reason()}};
      if (auto fix = by_record.find(ToHex(c.corrective_record_id())); fix != by_record.end()) {
        declaration["correctiveEventIDs"] = json::array({fix->second["eventID"]});
      }
      event["errorDeclaration"] = declaration;
      events.push_back(event);
      continue;
    }
    event["eventID"] = EpcisEventHashId(event, EpcisPrefixes());
    by_record[ToHex(rec.record.id)] = event;
    events.push_back(std::move(event));
  }
  json context = json::array({kEpcisContext, {{"agritrace", kAgritraceNs},
                                              {"cbvmda", "urn:epcglobal:cbv:mda:"}}});
  return {{"@context", context},
          {"type", "EPCISDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", FormatIsoTime(creation_ms)},
          {"epcisBody", {{"eventList", events}}}};
}

}  // namespace agritrace::chain
