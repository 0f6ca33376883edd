#include "chain/export/epcis_import.h"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "chain/base/bytes.h"
#include "chain/export/epcis.h"
#include "chain/model/gs1.h"
#include "chain/export/record_json.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr const char* kLotPrefix = "https://id.gs1.org/01/";
constexpr const char* kPartyPrefix = "urn:agritrace:party:";
constexpr double kMilli = 1000.0;

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
  std::string uom = element.value("uom", "");
  v1::Quantity q;
  for (auto [code, unit] : kUnits) {
    if (uom == code) q.set_unit(unit);
  }
  if (q.unit().empty()) return Schema(where, "unit \"" + uom + "\" is not one of KGM GRM TNE H87 CS");
  q.set_milli(std::llround(element["quantity"].get<double>() * kMilli));
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

// readPoint "geo:LAT,LON" or "https://id.gs1.org/414/{gln}" back into a Location.
v1::Location LocationOf(const json& event) {
  v1::Location location;
  std::string id = event.contains("readPoint") ? event["readPoint"].value("id", "") : "";
  double lat = 0;
  double lon = 0;
  if (std::sscanf(id.c_str(), "geo:%lf,%lf", &lat, &lon) == 2) {
    location.set_lat_e6(static_cast<int32_t>(std::llround(lat * 1e6)));
    location.set_lon_e6(static_cast<int32_t>(std::llround(lon * 1e6)));
  } else if (id.rfind("https://id.gs1.org/414/", 0) == 0) {
    location.set_gln(id.substr(std::string("https://id.gs1.org/414/").size()));
  }
  return location;
}

std::string PartyName(const std::string& uri) {
  return uri.rfind(kPartyPrefix, 0) == 0 ? uri.substr(std::string(kPartyPrefix).size()) : "";
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
  if (e.contains("agritrace:validUntil")) {
    auto until = Text(e, "agritrace:validUntil", where);
    if (!until.ok()) return until.status();
    auto ms = ParseIsoTime(*until);
    if (!ms.ok()) return Schema(where, "agritrace:validUntil: " + ms.status().message());
    c.set_valid_until_ms(*ms);
  }
  return Status::Ok();
}

Status FromObjectEvent(const json& e, const std::string& where, ImportedEvent& out) {
  auto lot = FirstLot(e, "quantityList", where);
  if (!lot.ok()) return lot.status();
  const std::string step = e.value("bizStep", "");
  v1::RecordBody& body = out.body;
  if (step == "commissioning" && e.value("action", "") == "ADD") {
    v1::Harvest& h = *body.mutable_harvest();
    *h.mutable_lot() = lot->lot();
    *h.mutable_quantity() = lot->quantity();
    const json ilmd = e.value("ilmd", json::object());
    h.set_commodity(ilmd.value("agritrace:commodity", ""));
    h.set_variety(ilmd.value("agritrace:variety", ""));
    h.set_field(ilmd.value("agritrace:field", ""));
    h.set_harvest_time_ms(body.timestamp_ms());
    if (v1::Location where = LocationOf(e); where.ByteSizeLong() > 0) *h.mutable_location() = where;
  } else if (step == "shipping") {
    *body.mutable_ship()->mutable_lot() = lot->lot();
    *body.mutable_ship()->mutable_quantity() = lot->quantity();  // what was shipped
    if (!e.contains("destinationList") || e["destinationList"].empty()) {
      return Schema(where, "a shipping event needs a destinationList");
    }
    out.receiver = PartyName(e["destinationList"][0].value("destination", ""));
    if (out.receiver.empty()) return Schema(where, "the destination must be urn:agritrace:party:NAME");
    if (e.contains("agritrace:carrier")) {
      if (!e["agritrace:carrier"].is_string()) {
        return Schema(where, "agritrace:carrier must be a string");
      }
      out.carrier = PartyName(e["agritrace:carrier"].get<std::string>());
      if (out.carrier.empty()) {
        return Schema(where, "the carrier must be urn:agritrace:party:NAME");
      }
    }
  } else if (step == "receiving") {
    *body.mutable_receive()->mutable_lot() = lot->lot();
  } else if (step == "sensor_reporting") {
    v1::SensorReadings& r = *body.mutable_sensor_readings();
    *r.mutable_lot() = lot->lot();
    AGRI_RETURN_IF_ERROR(SensorReadingsOf(e, where, true, *r.mutable_readings()));
  } else if (step == "departing" || step == "arriving" || step == "storing") {
    v1::Checkpoint& c = *body.mutable_checkpoint();
    *c.mutable_lot() = lot->lot();
    c.set_step(step == "departing"  ? v1::CHECKPOINT_STEP_DEPARTING
               : step == "arriving" ? v1::CHECKPOINT_STEP_ARRIVING
                                    : v1::CHECKPOINT_STEP_STORING);
    c.set_time_ms(body.timestamp_ms());
    v1::Location place = LocationOf(e);
    if (e.contains("agritrace:placeName")) {
      if (!e["agritrace:placeName"].is_string()) {
        return Schema(where, "agritrace:placeName must be a string");
      }
      place.set_name(e["agritrace:placeName"].get<std::string>());
    }
    if (place.ByteSizeLong() > 0) *c.mutable_location() = place;
    AGRI_RETURN_IF_ERROR(SensorReadingsOf(e, where, false, *c.mutable_readings()));
  } else if (step == "inspecting") {
    AGRI_RETURN_IF_ERROR(CertifyOf(e, where, lot->lot(), *body.mutable_certify()));
  } else if (step == "retail_selling") {
    *body.mutable_sell()->mutable_lot() = lot->lot();
  } else if (step == "holding" && e.value("disposition", "") == "recalled") {
    *body.mutable_recall()->mutable_lot() = lot->lot();
    body.mutable_recall()->set_reason(e.value("agritrace:reason", "recalled"));
  } else {
    return Schema(where, "bizStep \"" + step + "\" is not imported");
  }
  return Status::Ok();
}

Status FromTransformation(const json& e, const std::string& where, ImportedEvent& out) {
  v1::Transform& t = *out.body.mutable_transform();
  t.set_kind(e.value("bizStep", "") == "packing" ? v1::TRANSFORM_KIND_PACK
                                                 : v1::TRANSFORM_KIND_TRANSFORM);
  for (const char* list : {"inputQuantityList", "outputQuantityList"}) {
    if (!e.contains(list) || !e[list].is_array() || e[list].empty()) {
      return Schema(where, std::string("\"") + list + "\" is required");
    }
    for (const json& element : e[list]) {
      auto lot = LotFromUri(element.value("epcClass", ""), where);
      if (!lot.ok()) return lot.status();
      auto q = QuantityOf(element, where);
      if (!q.ok()) return q.status();
      if (std::string(list) == "inputQuantityList") {
        v1::LotAmount& in = *t.add_inputs();
        *in.mutable_lot() = *lot;
        *in.mutable_quantity() = *q;
      } else {
        v1::LotOutput& o = *t.add_outputs();
        *o.mutable_lot() = *lot;
        *o.mutable_quantity() = *q;
      }
    }
  }
  return Status::Ok();
}

Result<ImportedEvent> FromEvent(const json& e, size_t index) {
  const std::string where = "event " + std::to_string(index);
  if (!e.is_object()) return Schema(where, "must be an object");
  auto type = Text(e, "type", where);
  if (!type.ok()) return type.status();
  auto time = Text(e, "eventTime", where);
  if (!time.ok()) return time.status();
  if (!Text(e, "eventTimeZoneOffset", where).ok()) {
    return Schema(where, "\"eventTimeZoneOffset\" is required");
  }
  auto ms = ParseIsoTime(*time);
  if (!ms.ok()) return Schema(where, "eventTime: " + ms.status().message());
  ImportedEvent out;
  out.body.set_timestamp_ms(*ms);
  out.signer = PartyName(e.value("agritrace:signer", ""));
  out.event_id = e.value("eventID", "");
  Status st = *type == "ObjectEvent"           ? FromObjectEvent(e, where, out)
              : *type == "TransformationEvent" ? FromTransformation(e, where, out)
                                               : Schema(where, "type \"" + *type +
                                                                   "\" is not imported");
  if (!st.ok()) return st;
  return out;
}

}  // namespace

Result<std::vector<ImportedEvent>> EpcisToRecords(const json& document) {
  AGRI_RETURN_IF_ERROR(CheckDocument(document));
  std::vector<ImportedEvent> out;
  const json& events = document["epcisBody"]["eventList"];
  for (size_t i = 0; i < events.size(); ++i) {
    try {
      if (events[i].is_object() && events[i].contains("errorDeclaration")) {
        continue;  // declarations are not re-applied
      }
      auto event = FromEvent(events[i], i);
      if (!event.ok()) return event.status();
      out.push_back(*std::move(event));
    } catch (const json::exception& e) {  // a field of the wrong JSON type
      return Schema("event " + std::to_string(i), e.what());
    }
  }
  return out;
}

}  // namespace agritrace::chain
