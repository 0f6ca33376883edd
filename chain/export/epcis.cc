#include "chain/export/epcis.h"

#include <cstdio>
#include <map>
#include <optional>

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

// RFC 3986 unreserved characters stay, everything else is %XX.
std::string PercentEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    bool plain = std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof(buffer), "%%%02X", c);
      out += buffer;
    }
  }
  return out;
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

// How an event names a party and where it is: a participant of this chain
// (urn:agritrace:party:{name}, its location), or a party of an attested event as the document
// it came from named it (its URI, often https://id.gs1.org/417/{gln}, and location).
struct PartyView {
  std::string uri;
  std::string place;  // location URI, "" when unknown
  std::string name;
  std::string address;
  std::string phone;
  std::string gln;    // the party GLN (AI 417), when it has one
};

PartyView ViewOfAttested(const v1::AttestedParty& party) {
  return {party.uri(), party.location(), party.name(), party.address(), party.phone(),
          party.gln()};
}

PartyView ViewOfKey(const ExportData& data, const std::string& pubkey) {
  const v1::Participant* party = data.Party(pubkey);
  if (!party) return {"urn:agritrace:key:" + ToHex(pubkey), "", "", "", "", ""};
  if (party->has_attested()) return ViewOfAttested(party->attested());
  // A party with its own GLN is named by it (AI 417); else by its name on this chain.
  const std::string& party_gln = party->contact().party_gln();
  PartyView view{party_gln.empty() ? "urn:agritrace:party:" + party->name()
                                   : "https://id.gs1.org/417/" + party_gln,
                 "", party->name(), party->contact().address(), party->contact().phone(),
                 party_gln};
  // A device is where the participant that registered it is.
  const v1::Participant* placed = party;
  if (!party->device_owner().empty()) placed = data.Party(party->device_owner());
  if (placed) view.place = PlaceUri(placed->location());
  return view;
}

// Who did the record's event: the attested party, or the signer.
PartyView SignerView(const ExportData& data, const ExportRecord& rec) {
  const v1::RecordBody& body = rec.record.body;
  if (body.has_attestation()) return ViewOfAttested(body.attestation().party());
  return ViewOfKey(data, AsBytes(rec.record.signer));
}

// A ship's receiver or carrier: as its attestation names it, else the participant.
PartyView NamedView(const ExportData& data, const std::string& key,
                    const v1::AttestedParty& attested) {
  if (!attested.uri().empty()) return ViewOfAttested(attested);
  return ViewOfKey(data, key);
}

// Master data of every party and location the events name (epcisHeader).
struct MasterData {
  std::map<std::string, PartyView> parties;    // by party URI
  std::map<std::string, PartyView> locations;  // by location URI
  void Add(const PartyView& view) {
    parties.emplace(view.uri, view);
    if (!view.place.empty()) locations.emplace(view.place, view);
  }
};

void SetReadPoint(json& event, const std::string& uri) {
  if (!uri.empty()) event["readPoint"] = {{"id", uri}};
}

void SetBizLocation(json& event, const std::string& uri) {
  if (!uri.empty()) event["bizLocation"] = {{"id", uri}};
}

json QuantityElement(const v1::LotKey& lot, const v1::Quantity& q) {
  json out = {{"epcClass", LotDigitalLink(lot)}, {"quantity", q.milli() / kMilli}};
  // A quantity without uom is a count of items in EPCIS: pieces go without one.
  std::string uom = q.unit() == "pcs" ? "" : UneceUnit(q.unit());
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
  // Records by id and the eventIDs given so far (record id bytes -> eventID), so a receipt
  // names the shipment it takes by the shipping event's ID, which is the same on any chain.
  const std::map<std::string, const ExportRecord*>& by_id;
  const std::map<std::string, std::string>& event_ids;
  MasterData& master;
};

// The signer's view, noted for the master data; sets agritrace:signer and readPoint, and
// bizLocation unless the goods are on their way.
PartyView SetSigner(const Context& c, json& event, bool at_place) {
  PartyView view = SignerView(c.data, c.rec);
  c.master.Add(view);
  SetReadPoint(event, view.place);
  if (at_place) SetBizLocation(event, view.place);
  event["agritrace:signer"] = view.uri;
  return view;
}

// The eventID of the record that opened a shipment, else its record id (outside the export).
std::string ShipmentRef(const Context& c, const std::string& shipment) {
  auto it = c.event_ids.find(shipment);
  return it == c.event_ids.end() ? ToHex(shipment) : it->second;
}

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

json Observe(const Context& c, const v1::LotKey& lot, const std::string& biz_step,
             const std::string& disposition, bool at_place) {
  json event = Base("ObjectEvent", c.rec);
  event["action"] = "OBSERVE";
  event["quantityList"] = LotQuantityList(c.data, lot);
  event["bizStep"] = biz_step;
  if (!disposition.empty()) event["disposition"] = disposition;
  SetSigner(c, event, at_place);
  return event;
}

// Net mass of one unit of a count lot, as ILMD.
void AddNetMass(json& ilmd, const v1::Quantity& net_mass) {
  if (net_mass.milli() == 0) return;
  ilmd["agritrace:netMassPerUnit"] = net_mass.milli() / kMilli;
  ilmd["agritrace:netMassUom"] = UneceUnit(net_mass.unit());
}

json HarvestEvent(const Context& c) {
  const v1::Harvest& h = c.rec.record.body.harvest();
  json event = Base("ObjectEvent", c.rec);
  event["action"] = "ADD";
  event["quantityList"] = json::array({QuantityElement(h.lot(), h.quantity())});
  event["bizStep"] = "commissioning";
  event["disposition"] = "active";
  PartyView signer = SetSigner(c, event, true);
  const std::string field = PlaceUri(h.location());
  if (!field.empty()) {
    SetReadPoint(event, field);
    SetBizLocation(event, field);
  }
  json ilmd = {{"cbvmda:harvestStartDate", FormatIsoTime(h.harvest_time_ms()).substr(0, 10)}};
  if (!h.field().empty()) ilmd["agritrace:field"] = h.field();
  ilmd["agritrace:commodity"] = h.commodity();
  if (!h.variety().empty()) ilmd["agritrace:variety"] = h.variety();
  AddNetMass(ilmd, h.net_mass_per_unit());
  event["ilmd"] = ilmd;
  AddBizTransactions(event, h.refs());
  return event;
}

// ILMD of a transformation: each output lot's commodity, variety and net mass per unit (its
// state's, which is what the chain made of the record's defaults).
json OutputsIlmd(const Context& c, const v1::Transform& t) {
  json outputs = json::array();
  for (const v1::LotOutput& out : t.outputs()) {
    const v1::LotState* state = c.data.Lot(FormatLotKey(out.lot()));
    json lot = {{"agritrace:lot", LotDigitalLink(out.lot())}};
    const std::string commodity = state ? state->commodity() : out.commodity();
    const std::string variety = state ? state->variety() : out.variety();
    if (!commodity.empty()) lot["agritrace:commodity"] = commodity;
    if (!variety.empty()) lot["agritrace:variety"] = variety;
    AddNetMass(lot, out.net_mass_per_unit());
    outputs.push_back(std::move(lot));
  }
  return {{"agritrace:outputs", outputs}};
}

json TransformEvent(const Context& c) {
  const v1::Transform& t = c.rec.record.body.transform();
  json event = Base("TransformationEvent", c.rec);
  json inputs = json::array();
  for (const auto& in : t.inputs()) inputs.push_back(QuantityElement(in.lot(), in.quantity()));
  json outputs = json::array();
  for (const auto& out : t.outputs()) outputs.push_back(QuantityElement(out.lot(), out.quantity()));
  event["inputQuantityList"] = inputs;
  event["outputQuantityList"] = outputs;
  event["bizStep"] = t.kind() == v1::TRANSFORM_KIND_PACK ? "packing" : "commissioning";
  event["disposition"] = "active";
  AddBizTransactions(event, t.refs());
  SetSigner(c, event, true);
  event["ilmd"] = OutputsIlmd(c, t);
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
    // Origin records (plots, applications, bans) are not EPCIS events yet.
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
  return nullptr;
}

// An ObjectEvent about what a record moved: the lot quantities (and the pallet, by SSCC).
json Moved(const Context& c, const std::string& sscc, const std::string& biz_step,
           const std::string& disposition, bool at_place) {
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
  SetSigner(c, event, at_place);
  return event;
}

// source/destination lists: owning and possessing party (AI 417 when the party is named by its
// GLN) and location (AI 414, or geo).
void AddParties(const Context& c, json& event, const PartyView& from, const PartyView& to) {
  c.master.Add(from);
  c.master.Add(to);
  json sources = json::array({{{"type", "owning_party"}, {"source", from.uri}},
                              {{"type", "possessing_party"}, {"source", from.uri}}});
  if (!from.place.empty()) sources.push_back({{"type", "location"}, {"source", from.place}});
  json destinations = json::array({{{"type", "owning_party"}, {"destination", to.uri}},
                                   {{"type", "possessing_party"}, {"destination", to.uri}}});
  if (!to.place.empty()) destinations.push_back({{"type", "location"}, {"destination", to.place}});
  event["sourceList"] = std::move(sources);
  event["destinationList"] = std::move(destinations);
}

json ShipEvent(const Context& c) {
  const v1::Ship& s = c.rec.record.body.ship();
  const v1::Attestation& att = c.rec.record.body.attestation();
  json event = Moved(c, s.sscc(), "shipping", "in_transit", false);
  AddParties(c, event, SignerView(c.data, c.rec),
             NamedView(c.data, s.receiver(), att.receiver()));
  if (!s.carrier().empty()) {
    PartyView carrier = NamedView(c.data, s.carrier(), att.carrier());
    c.master.Add(carrier);
    event["agritrace:carrier"] = carrier.uri;
  }
  AddBizTransactions(event, s.refs());
  return event;
}

// The shipper of a shipment (the record that opened it), when it is in the export.
std::optional<PartyView> ShipperOf(const Context& c, const std::string& shipment) {
  auto it = c.by_id.find(shipment);
  if (it == c.by_id.end()) return std::nullopt;
  return SignerView(c.data, *it->second);
}

// What was accepted, received; what was rejected is reported with the reason, and travels back
// to the shipper as a shipment of its own (this record's id).
json ReceiveEvent(const Context& c) {
  const v1::Receive& r = c.rec.record.body.receive();
  json event = Moved(c, r.sscc(), "receiving", "in_progress", true);
  if (!r.shipment().empty()) {
    if (std::optional<PartyView> shipper = ShipperOf(c, r.shipment())) {
      AddParties(c, event, *shipper, SignerView(c.data, c.rec));
    }
  }
  json rejected = MovedList(c.moves.rejected);
  if (!rejected.empty()) {
    event["agritrace:rejectedQuantityList"] = std::move(rejected);
    event["agritrace:rejectReason"] = r.reject_reason();
  }
  if (!r.shipment().empty()) event["agritrace:shipment"] = ShipmentRef(c, r.shipment());
  AddBizTransactions(event, r.refs());
  return event;
}

json CancelEvent(const Context& c) {
  const v1::CancelShipment& cancel = c.rec.record.body.cancel_shipment();
  json event = Moved(c, cancel.sscc(), "void_shipping", "active", true);
  event["agritrace:shipment"] = ShipmentRef(c, cancel.shipment());
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
  json event = Moved(c, "", step, disposition, true);
  event["agritrace:lossReason"] = v1::LossReason_Name(loss.reason()).substr(12);  // SPOILAGE...
  if (!loss.note().empty()) event["agritrace:note"] = loss.note();
  return event;
}

json SellEvent(const Context& c) {
  json event = Moved(c, "", "retail_selling", "retail_sold", true);
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
  SetSigner(c, event, true);
  return event;
}

json SensorElements(const Context& c,
                    const google::protobuf::RepeatedPtrField<v1::SensorReading>& readings) {
  json elements = json::array();
  const std::string device = SignerView(c.data, c.rec).uri;
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

json SensorEvent(const Context& c) {
  const v1::SensorReadings& s = c.rec.record.body.sensor_readings();
  json event = Observe(c, s.lot(), "sensor_reporting", "", true);
  json elements = SensorElements(c, s.readings());
  if (!elements.empty()) event["sensorElementList"] = elements;
  return event;
}

json CheckpointEvent(const Context& c) {
  const v1::Checkpoint& cp = c.rec.record.body.checkpoint();
  json event =
      Observe(c, cp.lot(), std::string(CheckpointStepName(cp.step())), "in_transit", false);
  if (cp.time_ms() != 0) event["eventTime"] = FormatIsoTime(cp.time_ms());
  std::string place = PlaceUri(cp.location());
  if (!place.empty()) event["readPoint"] = {{"id", place}};
  if (!cp.location().name().empty()) event["agritrace:placeName"] = cp.location().name();
  json elements = SensorElements(c, cp.readings());
  if (!elements.empty()) event["sensorElementList"] = elements;
  return event;
}

// Cooling (FSMA 204's cooling CTE, 21 CFR 1.1325(b)). CBV 2.0 has no cooling business step
// (storing is not active temperature reduction), so the step is this project's own URI, as
// EPCIS 2.0 allows for steps outside the CBV; the method is an extension.
json CoolEvent(const Context& c) {
  const v1::Cool& cool = c.rec.record.body.cool();
  json event = Observe(c, cool.lot(), kCoolingBizStep, "", false);
  event["agritrace:coolingMethod"] = std::string(CoolingMethodCode(cool.method()));
  std::string place = PlaceUri(cool.location());
  if (!place.empty()) {
    SetReadPoint(event, place);
    SetBizLocation(event, place);
  }
  if (!cool.location().name().empty()) event["agritrace:placeName"] = cool.location().name();
  return event;
}

// The certificate URI: the document's digest, else its id; nothing when it states neither.
std::string CertificationInfo(const v1::Certify& c) {
  if (!c.document_sha256().empty()) return "ni:///sha-256;" + ToHex(c.document_sha256());
  if (!c.certificate_id().empty()) {
    return "urn:agritrace:certificate:" + PercentEncode(c.certificate_id());
  }
  return "";
}

json CertifyEvent(const Context& c) {
  const v1::Certify& cert = c.rec.record.body.certify();
  const bool pass = cert.outcome() == v1::CERT_OUTCOME_PASS;
  json event = Observe(c, cert.lot(), "inspecting", pass ? "conformant" : "non_conformant", true);
  if (std::string info = CertificationInfo(cert); !info.empty()) event["certificationInfo"] = info;
  event["agritrace:standard"] = cert.standard();
  event["agritrace:result"] = std::string(CertOutcomeName(cert.outcome()));
  if (!cert.certificate_id().empty()) event["agritrace:certificateID"] = cert.certificate_id();
  if (cert.valid_from_ms() != 0) event["agritrace:validFrom"] = FormatIsoTime(cert.valid_from_ms());
  if (cert.valid_until_ms() != 0) {
    event["agritrace:validUntil"] = FormatIsoTime(cert.valid_until_ms());
  }
  return event;
}

json RecallEvent(const Context& c) {
  json event = Observe(c, c.rec.record.body.recall().lot(), "holding", "recalled", true);
  event["agritrace:reason"] = c.rec.record.body.recall().reason();
  return event;
}

json EventFor(const Context& c) {
  const v1::RecordBody& body = c.rec.record.body;
  switch (body.event_case()) {
    case v1::RecordBody::kHarvest: return HarvestEvent(c);
    case v1::RecordBody::kTransform: return TransformEvent(c);
    case v1::RecordBody::kShip: return ShipEvent(c);
    case v1::RecordBody::kReceive: return ReceiveEvent(c);
    case v1::RecordBody::kCancelShipment: return CancelEvent(c);
    case v1::RecordBody::kLoss: return LossEvent(c);
    case v1::RecordBody::kAggregate: return AggregationEvent(c, body.aggregate().sscc(), true);
    case v1::RecordBody::kDisaggregate:
      return AggregationEvent(c, body.disaggregate().sscc(), false);
    case v1::RecordBody::kSensorReadings: return SensorEvent(c);
    case v1::RecordBody::kCheckpoint: return CheckpointEvent(c);
    case v1::RecordBody::kCertify: return CertifyEvent(c);
    case v1::RecordBody::kRecall: return RecallEvent(c);
    case v1::RecordBody::kSell: return SellEvent(c);
    case v1::RecordBody::kCool: return CoolEvent(c);
    // Not exported as events: registrations, revocations, key rotations and master-data updates
    // are master data (the epcisHeader carries each party's current details); a correction
    // points at a record rather than at goods (an error declaration, below).
    case v1::RecordBody::kRegisterParticipant:
    case v1::RecordBody::kRegisterDevice:
    case v1::RecordBody::kRevoke:
    case v1::RecordBody::kCorrection:
    case v1::RecordBody::kRotateKey:
    case v1::RecordBody::kUpdateParticipant:
    // Origin records (plots, applications, bans) are not EPCIS events yet.
    case v1::RecordBody::kRegisterPlot:
    case v1::RecordBody::kTransferPlot:
    case v1::RecordBody::kRetirePlot:
    case v1::RecordBody::kInputApplication:
    case v1::RecordBody::kBanIngredient:
    case v1::RecordBody::kComplianceCert:
    case v1::RecordBody::kProposeValidatorChange:
    case v1::RecordBody::kApproveValidatorChange:
    case v1::RecordBody::kWithdrawValidatorProposal:
    case v1::RecordBody::EVENT_NOT_SET: break;
  }
  return nullptr;
}

json Attributes(const PartyView& view) {
  json attributes = json::array();
  const auto add = [&](const char* id, const std::string& value) {
    if (!value.empty()) attributes.push_back({{"id", id}, {"attribute", value}});
  };
  add("urn:epcglobal:cbv:mda#name", view.name);
  add("urn:epcglobal:cbv:mda#streetAddressOne", view.address);
  add("https://agritrace.org/ns/epcis/phone", view.phone);
  add("https://agritrace.org/ns/epcis/gln", view.gln);
  return attributes;
}

// epcisHeader master data: every party (vtype Party) and location (BusinessLocation) used.
json Header(const MasterData& master) {
  json parties = json::array();
  for (const auto& [uri, view] : master.parties) {
    json element = {{"id", uri}, {"attributes", Attributes(view)}};
    if (!view.place.empty()) {
      element["attributes"].push_back(
          {{"id", "https://agritrace.org/ns/epcis/location"}, {"attribute", view.place}});
    }
    parties.push_back(std::move(element));
  }
  json locations = json::array();
  for (const auto& [uri, view] : master.locations) {
    locations.push_back({{"id", uri}, {"attributes", Attributes(view)}});
  }
  json vocabularies = json::array(
      {{{"type", "urn:epcglobal:epcis:vtype:Party"}, {"vocabularyElementList", parties}},
       {{"type", "urn:epcglobal:epcis:vtype:BusinessLocation"},
        {"vocabularyElementList", locations}}});
  return {{"epcisMasterData", {{"vocabularyList", vocabularies}}}};
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
  return "https://id.gs1.org/01/" + lot.gtin() + "/10/" + PercentEncode(lot.lot());
}

json EpcisDocument(const ExportData& data, int64_t creation_ms) {
  json events = json::array();
  std::map<std::string, json> by_record;  // record id bytes -> event, for error declarations
  std::map<std::string, std::string> event_ids;  // record id bytes -> eventID
  std::map<std::string, const ExportRecord*> by_id;
  MasterData master;
  CustodyReplay replay([](size_t, const std::string&) {});  // certified records: no claims fail
  for (size_t i = 0; i < data.records.size(); ++i) {
    replay.Apply(i, data.records[i].record);
    by_id[AsBytes(data.records[i].record.id)] = &data.records[i];
  }
  for (size_t i = 0; i < data.records.size(); ++i) {
    const ExportRecord& rec = data.records[i];
    const std::string id = AsBytes(rec.record.id);
    json event = EventFor(Context{data, rec, replay.MovesOf(i), by_id, event_ids, master});
    if (event.is_null()) {
      if (!rec.record.body.has_correction()) continue;
      const v1::Correction& c = rec.record.body.correction();
      auto it = by_record.find(c.record_id());
      if (it == by_record.end()) continue;  // the corrected record is outside this export
      event = it->second;
      // The declaration happened at the correction's event time (its signing time unless
      // stated), so that an import can state the same time.
      json declaration = {{"declarationTime", FormatIsoTime(EventTimeOf(rec.record.body))},
                          {"reason", "incorrect_data"},
                          {"agritrace:reason", c.reason()}};
      if (auto fix = by_record.find(c.corrective_record_id()); fix != by_record.end()) {
        declaration["correctiveEventIDs"] = json::array({fix->second["eventID"]});
      }
      event["errorDeclaration"] = declaration;
      events.push_back(event);
      continue;
    }
    event["eventID"] = EpcisEventHashId(event, EpcisPrefixes());
    event_ids[id] = event["eventID"];
    by_record[id] = event;
    events.push_back(std::move(event));
  }
  json context = json::array({kEpcisContext, {{"agritrace", kAgritraceNs},
                                              {"cbvmda", "urn:epcglobal:cbv:mda:"}}});
  return {{"@context", context},
          {"type", "EPCISDocument"},
          {"schemaVersion", "2.0"},
          {"creationDate", FormatIsoTime(creation_ms)},
          {"epcisHeader", Header(master)},
          {"epcisBody", {{"eventList", events}}}};
}

}  // namespace agritrace::chain
