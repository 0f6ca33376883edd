#include "chain/export/epcis.h"

#include <cstdio>

#include "chain/base/bytes.h"
#include "chain/export/event_json.h"
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

json Base(const std::string& type, int64_t time_ms) {
  return {{"type", type}, {"eventTime", FormatIsoTime(time_ms)}, {"eventTimeZoneOffset", "+00:00"}};
}

json Observe(const ExportData& data, const ExportRecord& rec, const v1::LotKey& lot,
             const std::string& biz_step, const std::string& disposition) {
  json event = Base("ObjectEvent", rec.record.body.timestamp_ms());
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
  json event = Base("ObjectEvent", h.harvest_time_ms());
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
  event["agritrace:signer"] = PartyUri(data, AsBytes(rec.record.signer));
  return event;
}

json TransformEvent(const ExportData& data, const ExportRecord& rec) {
  const v1::Transform& t = rec.record.body.transform();
  json event = Base("TransformationEvent", rec.record.body.timestamp_ms());
  json inputs = json::array();
  for (const auto& in : t.inputs()) inputs.push_back(QuantityElement(in.lot(), in.quantity()));
  json outputs = json::array();
  for (const auto& out : t.outputs()) outputs.push_back(QuantityElement(out.lot(), out.quantity()));
  event["inputQuantityList"] = inputs;
  event["outputQuantityList"] = outputs;
  event["bizStep"] = t.kind() == v1::TRANSFORM_KIND_PACK ? "packing" : "commissioning";
  event["disposition"] = "active";
  SetReadPoint(event, SignerPlace(data, rec));
  event["agritrace:signer"] = PartyUri(data, AsBytes(rec.record.signer));
  return event;
}

json ShipEvent(const ExportData& data, const ExportRecord& rec) {
  const v1::Ship& s = rec.record.body.ship();
  json event = Observe(data, rec, s.lot(), "shipping", "in_transit");
  const std::string from = PartyUri(data, AsBytes(rec.record.signer));
  const std::string to = PartyUri(data, s.receiver());
  event["sourceList"] = json::array({{{"type", "owning_party"}, {"source", from}}});
  event["destinationList"] = json::array({{{"type", "owning_party"}, {"destination", to}}});
  if (!s.carrier().empty()) event["agritrace:carrier"] = PartyUri(data, s.carrier());
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

json EventFor(const ExportData& data, const ExportRecord& rec) {
  const v1::RecordBody& body = rec.record.body;
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest: return HarvestEvent(data, rec);
    case v1::RecordBody::kTransform: return TransformEvent(data, rec);
    case v1::RecordBody::kShip: return ShipEvent(data, rec);
    case v1::RecordBody::kReceive:
      return Observe(data, rec, body.receive().lot(), "receiving", "in_progress");
    case v1::RecordBody::kSensorReadings: return SensorEvent(data, rec);
    case v1::RecordBody::kCheckpoint: return CheckpointEvent(data, rec);
    case v1::RecordBody::kCertify: return CertifyEvent(data, rec);
    case v1::RecordBody::kRecall: return RecallEvent(data, rec);
    case v1::RecordBody::kSell:
      return Observe(data, rec, body.sell().lot(), "retail_selling", "retail_sold");
    // Not exported: registrations, revocations and key rotations are master data, not
    // events; a correction points at a record rather than at goods.
    case v1::RecordBody::kRegisterParticipant:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
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
  for (const ExportRecord& rec : data.records) {
    json event = EventFor(data, rec);
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
