#include "chain/epcis_import.h"

#include <cmath>
#include <cstdio>

#include "chain/bytes.h"
#include "chain/epcis.h"
#include "chain/gs1.h"
#include "chain/record_json.h"

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
    if (!e.contains("destinationList") || e["destinationList"].empty()) {
      return Schema(where, "a shipping event needs a destinationList");
    }
    out.receiver = PartyName(e["destinationList"][0].value("destination", ""));
    if (out.receiver.empty()) return Schema(where, "the destination must be urn:agritrace:party:NAME");
  } else if (step == "receiving") {
    *body.mutable_receive()->mutable_lot() = lot->lot();
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
    if (events[i].contains("errorDeclaration")) continue;  // declarations are not re-applied
    auto event = FromEvent(events[i], i);
    if (!event.ok()) return event.status();
    out.push_back(*std::move(event));
  }
  return out;
}

}  // namespace agritrace::chain
