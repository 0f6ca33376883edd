#include "chain/export/epcis_import.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string_view>

#include "chain/base/bytes.h"
#include "chain/export/custody_json.h"
#include "chain/export/epcis.h"
#include "chain/model/gs1.h"
#include "chain/export/record_json.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr const char* kLotPrefix = "https://id.gs1.org/01/";
constexpr const char* kPartyPrefix = "urn:agritrace:party:";
constexpr double kMilli = 1000.0;
constexpr double kMaxQuantity = 1e12;  // keeps milli within int64 with room to add

Status Schema(const std::string& where, const std::string& what) {
  return Reject(Reason::kMalformed, "schema: " + where + ": " + what);
}

Result<std::string> Text(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key) || !object[key].is_string()) {
    return Schema(where, std::string("\"") + key + "\" is required and must be a string");
  }
  return object[key].get<std::string>();
}

Status CheckDocument(const json& doc) {
  if (!doc.is_object()) return Schema("document", "must be a JSON object");
  for (const char* key : {"@context", "type", "schemaVersion", "creationDate", "epcisBody"}) {
    if (!doc.contains(key)) return Schema("document", std::string("\"") + key + "\" is required");
  }
  if (doc["type"] != "EPCISDocument") return Schema("type", "must be \"EPCISDocument\"");
  if (!doc["schemaVersion"].is_string() || doc["schemaVersion"].get<std::string>().rfind("2.", 0)) {
    return Schema("schemaVersion", "must be \"2.0\"");
  }
  if (!doc["epcisBody"].contains("eventList") || !doc["epcisBody"]["eventList"].is_array()) {
    return Schema("epcisBody", "\"eventList\" must be an array");
  }
  return Status::Ok();
}

// "https://id.gs1.org/01/{gtin}/10/{lot}" -> LotKey (percent-decoding the lot code).
Result<v1::LotKey> LotFromUri(const std::string& uri, const std::string& where) {
  if (uri.rfind(kLotPrefix, 0) != 0) return Schema(where, "lot " + uri + " is not a GS1 Digital Link");
  std::string rest = uri.substr(std::string(kLotPrefix).size());
  std::string decoded;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
      decoded += static_cast<char>(std::stoi(rest.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += rest[i];
    }
  }
  Result<v1::LotKey> key = ParseLotKey("01/" + decoded);
  if (!key.ok()) return Schema(where, key.status().message());
  return key;
}

Result<v1::Quantity> QuantityOf(const json& element, const std::string& where) {
  if (!element.is_object() || !element.contains("quantity") || !element["quantity"].is_number()) {
    return Schema(where, "a quantity element needs a numeric \"quantity\"");
  }
  static const std::pair<const char*, const char*> kUnits[] = {
      {"KGM", "kg"}, {"GRM", "g"}, {"TNE", "t"}, {"H87", "pcs"}, {"CS", "case"}};
  // No uom: a count of items (EPCIS), pieces here.
  std::string uom = element.value("uom", "H87");
  v1::Quantity q;
  for (auto [code, unit] : kUnits) {
    if (uom == code) q.set_unit(unit);
  }
  if (q.unit().empty()) return Schema(where, "unit \"" + uom + "\" is not one of KGM GRM TNE H87 CS");
  const double value = element["quantity"].get<double>();
  if (!std::isfinite(value) || value <= 0 || value > kMaxQuantity) {
    return Schema(where, "a quantity must be positive and at most 1e12");
  }
  q.set_milli(std::llround(value * kMilli));
  return q;
}

Result<v1::LotAmount> FirstLot(const json& event, const char* list, const std::string& where) {
  if (!event.contains(list) || !event[list].is_array() || event[list].empty()) {
    return Schema(where, std::string("\"") + list + "\" must name the lot");
  }
  const json& element = event[list][0];
  auto lot = LotFromUri(element.value("epcClass", ""), where);
  if (!lot.ok()) return lot.status();
  auto q = QuantityOf(element, where);
  if (!q.ok()) return q.status();
  v1::LotAmount out;
  *out.mutable_lot() = *lot;
  *out.mutable_quantity() = *q;
  return out;
}

// A place URI, "geo:LAT,LON" or "https://id.gs1.org/414/{gln}", back into a Location.
v1::Location LocationFromUri(const std::string& id) {
  v1::Location location;
  double lat = 0;
  double lon = 0;
  if (std::sscanf(id.c_str(), "geo:%lf,%lf", &lat, &lon) == 2 && std::fabs(lat) <= 90 &&
      std::fabs(lon) <= 180) {
    location.set_lat_e6(static_cast<int32_t>(std::llround(lat * 1e6)));
    location.set_lon_e6(static_cast<int32_t>(std::llround(lon * 1e6)));
  } else if (id.rfind("https://id.gs1.org/414/", 0) == 0) {
    location.set_gln(id.substr(std::string("https://id.gs1.org/414/").size()));
  }
  return location;
}

std::string ReadPointOf(const json& event) {
  if (!event.contains("readPoint") || !event["readPoint"].is_object()) return "";
  return event["readPoint"].value("id", "");
}

v1::Location LocationOf(const json& event) { return LocationFromUri(ReadPointOf(event)); }

std::string PartyName(const std::string& uri) {
  return uri.rfind(kPartyPrefix, 0) == 0 ? uri.substr(std::string(kPartyPrefix).size()) : "";
}

// Party master data of the epcisHeader, by party URI.
using PartyBook = std::map<std::string, v1::AttestedParty>;

PartyBook ReadHeader(const json& doc) {
  PartyBook book;
  if (!doc.contains("epcisHeader") || !doc["epcisHeader"].is_object()) return book;
  const json master = doc["epcisHeader"].value("epcisMasterData", json::object());
  for (const json& vocabulary : master.value("vocabularyList", json::array())) {
    if (!vocabulary.is_object() || vocabulary.value("type", "") != "urn:epcglobal:epcis:vtype:Party") {
      continue;
    }
    for (const json& element : vocabulary.value("vocabularyElementList", json::array())) {
      if (!element.is_object() || !element.contains("id") || !element["id"].is_string()) continue;
      v1::AttestedParty party;
      party.set_uri(element["id"].get<std::string>());
      for (const json& attribute : element.value("attributes", json::array())) {
        if (!attribute.is_object() || !attribute.contains("attribute") ||
            !attribute["attribute"].is_string()) {
          continue;
        }
        const std::string id = attribute.value("id", "");
        const std::string value = attribute["attribute"].get<std::string>();
        if (id == "urn:epcglobal:cbv:mda#name") party.set_name(value);
        if (id == "urn:epcglobal:cbv:mda#streetAddressOne") party.set_address(value);
        if (id == "https://agritrace.org/ns/epcis/phone") party.set_phone(value);
        if (id == "https://agritrace.org/ns/epcis/gln") party.set_gln(value);
        if (id == "https://agritrace.org/ns/epcis/location") party.set_location(value);
      }
      book[party.uri()] = party;
    }
  }
  return book;
}

v1::AttestedParty PartyFromBook(const PartyBook& book, const std::string& uri) {
  auto it = book.find(uri);
  if (it != book.end()) return it->second;
  v1::AttestedParty party;
  party.set_uri(uri);
  party.set_name(PartyName(uri));
  return party;
}

// The first party of a source/destination list (owning_party, else any).
std::string ListParty(const json& e, const char* list, const char* key) {
  if (!e.contains(list) || !e[list].is_array()) return "";
  std::string any;
  for (const json& entry : e[list]) {
    if (!entry.is_object() || !entry.contains(key) || !entry[key].is_string()) continue;
    const std::string type = entry.value("type", "");
    if (type == "owning_party") return entry[key].get<std::string>();
    if (any.empty() && type != "location") any = entry[key].get<std::string>();
  }
  return any;
}

// sensorElementList -> readings: each element's sensorMetadata.time and its Temperature (CEL)
// and RelativeHumidity (P1) reports.
Status SensorReadingsOf(const json& e, const std::string& where, bool required,
                        google::protobuf::RepeatedPtrField<v1::SensorReading>& readings) {
  if (!e.contains("sensorElementList")) {
    return required ? Schema(where, "a sensor_reporting event needs a sensorElementList")
                    : Status::Ok();
  }
  const json& list = e["sensorElementList"];
  if (!list.is_array() || (required && list.empty())) {
    return Schema(where, "\"sensorElementList\" must be a non-empty array");
  }
  for (const json& element : list) {
    if (!element.is_object() || !element.contains("sensorMetadata") ||
        !element["sensorMetadata"].is_object()) {
      return Schema(where, "a sensor element needs \"sensorMetadata\"");
    }
    auto time = Text(element["sensorMetadata"], "time", where + ": sensorMetadata");
    if (!time.ok()) return time.status();
    auto ms = ParseIsoTime(*time);
    if (!ms.ok()) return Schema(where, "sensorMetadata time: " + ms.status().message());
    if (!element.contains("sensorReport") || !element["sensorReport"].is_array() ||
        element["sensorReport"].empty()) {
      return Schema(where, "a sensor element needs a non-empty \"sensorReport\"");
    }
    v1::SensorReading reading;
    reading.set_time_ms(*ms);
    for (const json& report : element["sensorReport"]) {
      if (!report.is_object() || !report.contains("value") || !report["value"].is_number()) {
        return Schema(where, "a sensor report needs a numeric \"value\"");
      }
      const std::string type = report.value("type", "");
      const std::string uom = report.value("uom", "");
      const double value = report["value"].get<double>();
      if (!std::isfinite(value) || std::fabs(value) > 1e6) {
        return Schema(where, "a sensor report value is out of range");
      }
      const auto milli = static_cast<int32_t>(std::llround(value * kMilli));
      if (type == "Temperature" && uom == "CEL") {
        reading.set_temperature_mc(milli);
      } else if (type == "RelativeHumidity" && uom == "P1") {
        reading.set_humidity_mpct(milli);
      } else {
        return Schema(where, "sensor report \"" + type + "\" in \"" + uom +
                                 "\" is not imported (Temperature CEL, RelativeHumidity P1)");
      }
    }
    *readings.Add() = std::move(reading);
  }
  return Status::Ok();
}

Result<std::string> HexDigest(const std::string& hex, const std::string& where) {
  std::string out;
  if (hex.size() != 64) return Schema(where, "certificationInfo digest must be 64 hex digits");
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(hex[i])) ||
        !std::isxdigit(static_cast<unsigned char>(hex[i + 1]))) {
      return Schema(where, "certificationInfo digest must be 64 hex digits");
    }
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// inspecting + conformant/non_conformant + certificationInfo -> Certify.
Status CertifyOf(const json& e, const std::string& where, const v1::LotKey& lot,
                 v1::Certify& c) {
  *c.mutable_lot() = lot;
  const std::string disposition = e.value("disposition", "");
  if (disposition == "conformant") {
    c.set_outcome(v1::CERT_OUTCOME_PASS);
  } else if (disposition == "non_conformant") {
    c.set_outcome(v1::CERT_OUTCOME_FAIL);
  } else {
    return Schema(where, "an inspecting event needs disposition conformant or non_conformant");
  }
  auto standard = Text(e, "agritrace:standard", where);
  if (!standard.ok()) return standard.status();
  c.set_standard(*standard);
  if (e.contains("certificationInfo")) {
    if (!e["certificationInfo"].is_string()) {
      return Schema(where, "\"certificationInfo\" must be a string");
    }
    const std::string info = e["certificationInfo"].get<std::string>();
    constexpr std::string_view kDigest = "ni:///sha-256;";
    if (info.rfind(kDigest, 0) == 0) {
      std::string hex = info.substr(kDigest.size());
      hex = hex.substr(0, hex.find('?'));
      auto digest = HexDigest(hex, where);
      if (!digest.ok()) return digest.status();
      c.set_document_sha256(*digest);
    }
    // urn:agritrace:certificate:{record id} names the exporting chain's record: no document.
  }
  c.set_certificate_id(e.value("agritrace:certificateID", ""));
  if (e.contains("agritrace:validFrom")) {
    auto from = Text(e, "agritrace:validFrom", where);
    if (!from.ok()) return from.status();
    auto ms = ParseIsoTime(*from);
    if (!ms.ok()) return Schema(where, "agritrace:validFrom: " + ms.status().message());
    c.set_valid_from_ms(*ms);
  }
  if (e.contains("agritrace:validUntil")) {
    auto until = Text(e, "agritrace:validUntil", where);
    if (!until.ok()) return until.status();
    auto ms = ParseIsoTime(*until);
    if (!ms.ok()) return Schema(where, "agritrace:validUntil: " + ms.status().message());
    c.set_valid_until_ms(*ms);
  }
  return Status::Ok();
}

// Every element of a quantity list as lot amounts.
Status LotAmounts(const json& e, const char* list, const std::string& where,
                  google::protobuf::RepeatedPtrField<v1::LotAmount>& out) {
  if (!e.contains(list)) return Status::Ok();
  if (!e[list].is_array()) return Schema(where, std::string("\"") + list + "\" must be an array");
  for (const json& element : e[list]) {
    if (!element.is_object()) return Schema(where, "a quantity element must be an object");
    auto lot = LotFromUri(element.value("epcClass", ""), where);
    if (!lot.ok()) return lot.status();
    auto q = QuantityOf(element, where);
    if (!q.ok()) return q.status();
    v1::LotAmount& amount = *out.Add();
    *amount.mutable_lot() = *lot;
    *amount.mutable_quantity() = *q;
  }
  return Status::Ok();
}

// bizTransactionList -> document refs (urn:agritrace:bt:{id}, or any URI as the id).
Status RefsOf(const json& e, const std::string& where,
              google::protobuf::RepeatedPtrField<v1::DocumentRef>& refs) {
  if (!e.contains("bizTransactionList")) return Status::Ok();
  if (!e["bizTransactionList"].is_array()) {
    return Schema(where, "\"bizTransactionList\" must be an array");
  }
  static const std::pair<const char*, v1::DocumentType> kTypes[] = {
      {"po", v1::DOCUMENT_TYPE_PO}, {"bol", v1::DOCUMENT_TYPE_BOL},
      {"inv", v1::DOCUMENT_TYPE_INV}, {"desadv", v1::DOCUMENT_TYPE_DESADV}};
  constexpr std::string_view kBt = "urn:agritrace:bt:";
  for (const json& entry : e["bizTransactionList"]) {
    auto id = Text(entry, "bizTransaction", where);
    if (!id.ok()) return id.status();
    v1::DocumentRef& ref = *refs.Add();
    ref.set_id(id->rfind(kBt, 0) == 0 ? id->substr(kBt.size()) : *id);
    ref.set_type(v1::DOCUMENT_TYPE_OTHER);
    const std::string type = entry.value("type", "");
    for (auto [code, value] : kTypes) {
      if (type == code) ref.set_type(value);
    }
  }
  return Status::Ok();
}

// ILMD net mass per unit (agritrace:netMassPerUnit + agritrace:netMassUom).
Status NetMassOf(const json& ilmd, const std::string& where, v1::Quantity& out) {
  if (!ilmd.contains("agritrace:netMassPerUnit")) return Status::Ok();
  json element = {{"quantity", ilmd["agritrace:netMassPerUnit"]},
                  {"uom", ilmd.value("agritrace:netMassUom", "KGM")}};
  auto q = QuantityOf(element, where + ": net mass");
  if (!q.ok()) return q.status();
  out = *q;
  return Status::Ok();
}

// The lot quantities of an event that moved goods: a pallet (epcList SSCC) or one lot.
struct Goods {
  std::string sscc;
  std::optional<v1::LotAmount> lot;
};

Result<Goods> GoodsOf(const json& e, const std::string& where) {
  Goods goods;
  constexpr std::string_view kSscc = "https://id.gs1.org/00/";
  if (e.contains("epcList") && e["epcList"].is_array() && !e["epcList"].empty() &&
      e["epcList"][0].is_string() && e["epcList"][0].get<std::string>().rfind(kSscc, 0) == 0) {
    goods.sscc = e["epcList"][0].get<std::string>().substr(kSscc.size());
    return goods;
  }
  auto lot = FirstLot(e, "quantityList", where);
  if (!lot.ok()) return lot.status();
  goods.lot = *lot;
  return goods;
}

Status FromShip(const json& e, const std::string& where, const PartyBook& book,
                ImportedEvent& out) {
  auto goods = GoodsOf(e, where);
  if (!goods.ok()) return goods.status();
  v1::Ship& ship = *out.body.mutable_ship();
  ship.set_sscc(goods->sscc);
  if (goods->lot) {
    *ship.mutable_lot() = goods->lot->lot();
    *ship.mutable_quantity() = goods->lot->quantity();  // what was shipped
  }
  const std::string receiver = ListParty(e, "destinationList", "destination");
  if (receiver.empty()) return Schema(where, "a shipping event needs a destinationList party");
  out.receiver = PartyFromBook(book, receiver);
  if (e.contains("agritrace:carrier")) {
    if (!e["agritrace:carrier"].is_string()) {
      return Schema(where, "agritrace:carrier must be a string");
    }
    out.carrier = PartyFromBook(book, e["agritrace:carrier"].get<std::string>());
  }
  return RefsOf(e, where, *ship.mutable_refs());
}

Status FromReceive(const json& e, const std::string& where, ImportedEvent& out) {
  auto goods = GoodsOf(e, where);
  if (!goods.ok()) return goods.status();
  v1::Receive& r = *out.body.mutable_receive();
  r.set_sscc(goods->sscc);
  if (goods->lot) {
    *r.mutable_lot() = goods->lot->lot();
    *r.mutable_accept() = goods->lot->quantity();
    if (e.contains("agritrace:rejectedQuantityList")) {
      auto rejected = FirstLot(e, "agritrace:rejectedQuantityList", where);
      if (!rejected.ok()) return rejected.status();
      *r.mutable_reject() = rejected->quantity();
      r.set_reject_reason(e.value("agritrace:rejectReason", ""));
    }
  }
  out.shipment_event = e.value("agritrace:shipment", "");
  return RefsOf(e, where, *r.mutable_refs());
}

Status FromCancel(const json& e, const std::string& where, ImportedEvent& out) {
  auto goods = GoodsOf(e, where);
  if (!goods.ok()) return goods.status();
  v1::CancelShipment& c = *out.body.mutable_cancel_shipment();
  c.set_sscc(goods->sscc);
  if (goods->lot) *c.mutable_lot() = goods->lot->lot();
  auto shipment = Text(e, "agritrace:shipment", where);
  if (!shipment.ok()) return shipment.status();
  out.shipment_event = *shipment;
  return Status::Ok();
}

Status FromLoss(const json& e, const std::string& where, const v1::LotAmount& lot,
                ImportedEvent& out) {
  v1::Loss& loss = *out.body.mutable_loss();
  *loss.mutable_lot() = lot.lot();
  *loss.mutable_quantity() = lot.quantity();
  v1::LossReason reason = v1::LOSS_REASON_OTHER;
  if (!v1::LossReason_Parse("LOSS_REASON_" + e.value("agritrace:lossReason", "OTHER"), &reason)) {
    return Schema(where, "agritrace:lossReason is not a loss reason");
  }
  loss.set_reason(reason);
  loss.set_note(e.value("agritrace:note", ""));
  return Status::Ok();
}

bool IsLossStep(const std::string& step, const std::string& disposition) {
  return step == "destroying" || step == "sampling" || step == "stock_taking" ||
         (step == "inspecting" && disposition == "damaged") ||
         (step == "other" && (disposition == "stolen" || disposition == "unavailable"));
}

Status FromObjectEvent(const json& e, const std::string& where, const PartyBook& book,
                       ImportedEvent& out) {
  const std::string step = e.value("bizStep", "");
  const std::string disposition = e.value("disposition", "");
  v1::RecordBody& body = out.body;
  if (step == "shipping") return FromShip(e, where, book, out);
  if (step == "receiving") return FromReceive(e, where, out);
  if (step == "void_shipping") return FromCancel(e, where, out);
  auto lot = FirstLot(e, "quantityList", where);
  if (!lot.ok()) return lot.status();
  if (step == "commissioning" && e.value("action", "") == "ADD") {
    v1::Harvest& h = *body.mutable_harvest();
    *h.mutable_lot() = lot->lot();
    *h.mutable_quantity() = lot->quantity();
    const json ilmd = e.value("ilmd", json::object());
    h.set_commodity(ilmd.value("agritrace:commodity", ""));
    h.set_variety(ilmd.value("agritrace:variety", ""));
    h.set_field(ilmd.value("agritrace:field", ""));
    AGRI_RETURN_IF_ERROR(NetMassOf(ilmd, where, *h.mutable_net_mass_per_unit()));
    // A harvest's event time is its harvest time (EventTimeOf); the date says the same.
    const std::string date = ilmd.value("cbvmda:harvestStartDate", "");
    if (date.empty() || FormatIsoTime(body.event_time_ms()).substr(0, 10) == date) {
      h.set_harvest_time_ms(body.event_time_ms());
    }
    if (v1::Location field = LocationOf(e); field.ByteSizeLong() > 0) *h.mutable_location() = field;
    return RefsOf(e, where, *h.mutable_refs());
  }
  if (IsLossStep(step, disposition)) return FromLoss(e, where, *lot, out);
  if (step == "sensor_reporting") {
    v1::SensorReadings& r = *body.mutable_sensor_readings();
    *r.mutable_lot() = lot->lot();
    return SensorReadingsOf(e, where, true, *r.mutable_readings());
  }
  if (step == "departing" || step == "arriving" || step == "storing") {
    v1::Checkpoint& c = *body.mutable_checkpoint();
    *c.mutable_lot() = lot->lot();
    c.set_step(step == "departing"  ? v1::CHECKPOINT_STEP_DEPARTING
               : step == "arriving" ? v1::CHECKPOINT_STEP_ARRIVING
                                    : v1::CHECKPOINT_STEP_STORING);
    c.set_time_ms(body.event_time_ms());
    v1::Location place = LocationOf(e);
    if (e.contains("agritrace:placeName")) {
      if (!e["agritrace:placeName"].is_string()) {
        return Schema(where, "agritrace:placeName must be a string");
      }
      place.set_name(e["agritrace:placeName"].get<std::string>());
    }
    if (place.ByteSizeLong() > 0) *c.mutable_location() = place;
    return SensorReadingsOf(e, where, false, *c.mutable_readings());
  }
  if (step == kCoolingBizStep) {
    v1::Cool& cool = *body.mutable_cool();
    *cool.mutable_lot() = lot->lot();
    auto method = ParseCoolingMethod(e.value("agritrace:coolingMethod", ""));
    if (!method.ok()) return Schema(where, "agritrace:coolingMethod: " + method.status().message());
    cool.set_method(*method);
    v1::Location place = e.contains("bizLocation") ? LocationOf(e) : v1::Location();
    if (e.contains("agritrace:placeName")) {
      if (!e["agritrace:placeName"].is_string()) {
        return Schema(where, "agritrace:placeName must be a string");
      }
      place.set_name(e["agritrace:placeName"].get<std::string>());
    }
    if (place.ByteSizeLong() > 0) *cool.mutable_location() = place;
    return Status::Ok();
  }
  if (step == "inspecting") return CertifyOf(e, where, lot->lot(), *body.mutable_certify());
  if (step == "retail_selling") {
    *body.mutable_sell()->mutable_lot() = lot->lot();
    *body.mutable_sell()->mutable_quantity() = lot->quantity();
    return RefsOf(e, where, *body.mutable_sell()->mutable_refs());
  }
  if (step == "holding" && disposition == "recalled") {
    *body.mutable_recall()->mutable_lot() = lot->lot();
    body.mutable_recall()->set_reason(e.value("agritrace:reason", "recalled"));
    return Status::Ok();
  }
  return Schema(where, "bizStep \"" + step + "\" is not imported");
}

Status FromTransformation(const json& e, const std::string& where, ImportedEvent& out) {
  v1::Transform& t = *out.body.mutable_transform();
  t.set_kind(e.value("bizStep", "") == "packing" ? v1::TRANSFORM_KIND_PACK
                                                 : v1::TRANSFORM_KIND_TRANSFORM);
  google::protobuf::RepeatedPtrField<v1::LotAmount> outputs;
  AGRI_RETURN_IF_ERROR(LotAmounts(e, "inputQuantityList", where, *t.mutable_inputs()));
  AGRI_RETURN_IF_ERROR(LotAmounts(e, "outputQuantityList", where, outputs));
  if (t.inputs().empty() || outputs.empty()) {
    return Schema(where, "inputQuantityList and outputQuantityList are required");
  }
  // ILMD per output lot: commodity, variety, net mass per unit.
  std::map<std::string, json> ilmd;
  const json lots = e.value("ilmd", json::object()).value("agritrace:outputs", json::array());
  for (const json& lot : lots) {
    if (lot.is_object()) ilmd[lot.value("agritrace:lot", "")] = lot;
  }
  for (const v1::LotAmount& amount : outputs) {
    v1::LotOutput& o = *t.add_outputs();
    *o.mutable_lot() = amount.lot();
    *o.mutable_quantity() = amount.quantity();
    auto it = ilmd.find(LotDigitalLink(amount.lot()));
    if (it == ilmd.end()) continue;
    o.set_commodity(it->second.value("agritrace:commodity", ""));
    o.set_variety(it->second.value("agritrace:variety", ""));
    AGRI_RETURN_IF_ERROR(NetMassOf(it->second, where, *o.mutable_net_mass_per_unit()));
  }
  return RefsOf(e, where, *t.mutable_refs());
}

Status FromAggregation(const json& e, const std::string& where, ImportedEvent& out) {
  auto parent = Text(e, "parentID", where);
  if (!parent.ok()) return parent.status();
  constexpr std::string_view kSscc = "https://id.gs1.org/00/";
  if (parent->rfind(kSscc, 0) != 0) return Schema(where, "parentID must be an SSCC Digital Link");
  const std::string sscc = parent->substr(kSscc.size());
  const std::string action = e.value("action", "");
  if (action == "DELETE") {
    out.body.mutable_disaggregate()->set_sscc(sscc);
    return Status::Ok();
  }
  if (action != "ADD") return Schema(where, "an AggregationEvent is imported with ADD or DELETE");
  v1::Aggregate& a = *out.body.mutable_aggregate();
  a.set_sscc(sscc);
  AGRI_RETURN_IF_ERROR(LotAmounts(e, "childQuantityList", where, *a.mutable_contents()));
  if (a.contents().empty()) return Schema(where, "\"childQuantityList\" must name the lots");
  return Status::Ok();
}

// The time of the event and its offset: eventTime, eventTimeZoneOffset.
Status TimeOf(const json& e, const std::string& where, v1::RecordBody& body) {
  auto time = Text(e, "eventTime", where);
  if (!time.ok()) return time.status();
  auto offset = Text(e, "eventTimeZoneOffset", where);
  if (!offset.ok()) return offset.status();
  auto ms = ParseIsoTime(*time);
  if (!ms.ok()) return Schema(where, "eventTime: " + ms.status().message());
  auto minutes = ParseTzOffset(*offset);
  if (!minutes.ok()) return Schema(where, "eventTimeZoneOffset: " + minutes.status().message());
  body.set_event_time_ms(*ms);
  body.set_event_tz_offset_min(*minutes);
  return Status::Ok();
}

// An errorDeclaration: a correction of the event it is attached to (by its eventID).
Status FromDeclaration(const json& e, const std::string& where, ImportedEvent& out) {
  const json& declaration = e["errorDeclaration"];
  if (!declaration.is_object()) return Schema(where, "\"errorDeclaration\" must be an object");
  auto time = Text(declaration, "declarationTime", where + ": errorDeclaration");
  if (!time.ok()) return time.status();
  auto ms = ParseIsoTime(*time);
  if (!ms.ok()) return Schema(where, "declarationTime: " + ms.status().message());
  auto id = Text(e, "eventID", where);
  if (!id.ok()) return id.status();
  out.body.set_event_time_ms(*ms);
  out.corrected_event = *id;
  v1::Correction& c = *out.body.mutable_correction();
  c.set_reason(declaration.value("agritrace:reason", declaration.value("reason", "")));
  const json fixes = declaration.value("correctiveEventIDs", json::array());
  if (fixes.is_array() && !fixes.empty() && fixes[0].is_string()) {
    out.corrective_event = fixes[0].get<std::string>();
  }
  for (const char* list : {"quantityList", "childQuantityList", "outputQuantityList"}) {
    if (!e.contains(list) || !e[list].is_array() || e[list].empty()) continue;
    auto lot = LotFromUri(e[list][0].value("epcClass", ""), where);
    if (lot.ok()) *c.mutable_lot() = *lot;
    break;
  }
  return Status::Ok();
}

Result<ImportedEvent> FromEvent(const json& e, size_t index, const PartyBook& book) {
  const std::string where = "event " + std::to_string(index);
  if (!e.is_object()) return Schema(where, "must be an object");
  auto type = Text(e, "type", where);
  if (!type.ok()) return type.status();
  ImportedEvent out;
  AGRI_RETURN_IF_ERROR(TimeOf(e, where, out.body));
  out.event_id = e.value("eventID", "");
  const std::string signer_uri = e.value("agritrace:signer", "");
  out.party = PartyFromBook(book, signer_uri);
  if (out.party.location().empty() && e.value("bizStep", "") != "commissioning") {
    out.party.set_location(ReadPointOf(e));  // the doer's place, when the header has none
  }
  out.signer = PartyNameOf(out.party);
  if (e.contains("errorDeclaration")) {
    AGRI_RETURN_IF_ERROR(FromDeclaration(e, where, out));
    return out;
  }
  Status st = *type == "ObjectEvent"           ? FromObjectEvent(e, where, book, out)
              : *type == "TransformationEvent" ? FromTransformation(e, where, out)
              : *type == "AggregationEvent"    ? FromAggregation(e, where, out)
                                               : Schema(where, "type \"" + *type +
                                                                   "\" is not imported");
  if (!st.ok()) return st;
  return out;
}

}  // namespace

std::string PartyNameOf(const v1::AttestedParty& party) {
  std::string name = PartyName(party.uri());
  return name.empty() ? party.name() : name;
}

Result<std::vector<ImportedEvent>> EpcisToRecords(const json& document) {
  AGRI_RETURN_IF_ERROR(CheckDocument(document));
  std::vector<ImportedEvent> out;
  const PartyBook book = ReadHeader(document);
  const json& events = document["epcisBody"]["eventList"];
  for (size_t i = 0; i < events.size(); ++i) {
    try {
      auto event = FromEvent(events[i], i, book);
      if (!event.ok()) return event.status();
      out.push_back(*std::move(event));
    } catch (const json::exception& e) {  // a field of the wrong JSON type
      return Schema("event " + std::to_string(i), e.what());
    }
  }
  return out;
}

}  // namespace agritrace::chain
