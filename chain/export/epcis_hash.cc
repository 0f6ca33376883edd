#include "chain/export/epcis_hash.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

#include "chain/base/bytes.h"
#include "chain/base/hash.h"
#include "chain/export/record_json.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr const char* kCbvBase = "https://ref.gs1.org/cbv/";
constexpr const char* kGs1VocBase = "https://gs1.org/voc/";

struct Canon {
  const JsonLdPrefixes& prefixes;
};

std::string Trim(const std::string& text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(start, end - start + 1);
}

// UTC at millisecond precision with "Z"; text that is not a time is kept.
std::string NormaliseTime(const std::string& text) {
  Result<int64_t> ms = ParseIsoTime(text);
  if (!ms.ok()) return text;
  int64_t whole_ms = *ms - ((*ms % 1000) + 1000) % 1000;
  std::string iso = FormatIsoTime(whole_ms);  // "YYYY-MM-DDTHH:MM:SSZ"
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03d", static_cast<int>(*ms - whole_ms));
  return iso.substr(0, iso.size() - 1) + millis + "Z";
}

// The shortest decimal form: 1000.0 -> "1000", 7.50 -> "7.5".
std::string NumberText(const json& number) {
  if (number.is_number_integer()) return std::to_string(number.get<int64_t>());
  if (number.is_number_unsigned()) return std::to_string(number.get<uint64_t>());
  double value = number.get<double>();
  if (value == static_cast<double>(static_cast<int64_t>(value))) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.15g", value);
  return buffer;
}

std::string Expand(const Canon& canon, const std::string& name) {
  size_t colon = name.find(':');
  if (colon == std::string::npos) return name;
  auto it = canon.prefixes.find(name.substr(0, colon));
  return it == canon.prefixes.end() ? name : it->second + name.substr(colon + 1);
}

std::string Value(const Canon& canon, const std::string& key, const json& value) {
  if (value.is_number()) return NumberText(value);
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (!value.is_string()) return "";
  std::string text = Trim(value.get<std::string>());
  std::string lower = key;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower.find("time") != std::string::npos && lower.find("offset") == std::string::npos) {
    return NormaliseTime(text);
  }
  const bool bare = text.find(':') == std::string::npos;
  if (bare && key == "bizStep") return std::string(kCbvBase) + "BizStep-" + text;
  if (bare && key == "disposition") return std::string(kCbvBase) + "Disp-" + text;
  if (bare && key == "type" && (text == "owning_party" || text == "possessing_party" ||
                                text == "location")) {
    return std::string(kCbvBase) + "SDT-" + text;
  }
  if (bare && key == "bizTransactionType") return std::string(kCbvBase) + "BTT-" + text;
  if (bare && key == "sensorType") return std::string(kGs1VocBase) + text;
  if (!bare) return Expand(canon, text);
  if (json::parse(text, nullptr, false).is_number()) return NumberText(json::parse(text));
  return text;
}

// "key=value" for one scalar; "" when the value is empty.
std::string Pair(const Canon& canon, const std::string& key, const json& value,
                 const std::string& canon_key = "") {
  std::string text = Value(canon, canon_key.empty() ? key : canon_key, value);
  return text.empty() ? "" : key + "=" + text;
}

std::string Joined(std::vector<std::string> parts) {
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& part : parts) out += part;
  return out;
}

// Fields of one object in a fixed order (e.g. epcClass, quantity, uom).
std::string Ordered(const Canon& canon, const json& object, const std::vector<std::string>& order) {
  std::string out;
  for (const std::string& field : order) {
    if (object.contains(field)) out += Pair(canon, field, object[field]);
  }
  return out;
}

std::string UriList(const Canon& canon, const json& event, const char* list, const char* item) {
  if (!event.contains(list) || event[list].empty()) return "";
  std::vector<std::string> parts;
  for (const json& uri : event[list]) parts.push_back(Pair(canon, item, uri));
  return list + Joined(parts);
}

std::string QuantityList(const Canon& canon, const json& event, const char* list) {
  if (!event.contains(list) || event[list].empty()) return "";
  std::vector<std::string> parts;
  for (const json& q : event[list]) {
    parts.push_back("quantityElement" + Ordered(canon, q, {"epcClass", "quantity", "uom"}));
  }
  return list + Joined(parts);
}

std::string PartyList(const Canon& canon, const json& event, const char* list, const char* item) {
  if (!event.contains(list) || event[list].empty()) return "";
  std::vector<std::string> parts;
  for (const json& entry : event[list]) {
    const bool transaction = std::string(item) == "bizTransaction";
    parts.push_back(Pair(canon, item, entry.value(item, json())) +
                    Pair(canon, "type", entry.value("type", json()),
                         transaction ? "bizTransactionType" : "type"));
  }
  return list + Joined(parts);
}

const std::vector<std::string> kMetadataOrder = {"time",    "startTime",      "endTime",
                                                 "deviceID", "deviceMetadata", "rawData",
                                                 "dataProcessingMethod", "bizRules"};
const std::vector<std::string> kReportOrder = {
    "type",       "exception",   "deviceID",    "deviceMetadata", "rawData",
    "dataProcessingMethod",      "time",        "microorganism",  "chemicalSubstance",
    "value",      "component",   "stringValue", "booleanValue",   "hexBinaryValue",
    "uriValue",   "minValue",    "maxValue",    "meanValue",      "sDev",
    "percRank",   "percValue",   "uom",         "coordinateReferenceSystem"};

std::string SensorReport(const Canon& canon, const json& report) {
  std::string out = "sensorReport";
  for (const std::string& field : kReportOrder) {
    if (!report.contains(field)) continue;
    out += Pair(canon, field, report[field], field == "type" ? "sensorType" : field);
  }
  return out;
}

std::string SensorElements(const Canon& canon, const json& event) {
  if (!event.contains("sensorElementList") || event["sensorElementList"].empty()) return "";
  std::vector<std::string> elements;
  for (const json& element : event["sensorElementList"]) {
    std::string text = "sensorElement";
    if (element.contains("sensorMetadata")) {
      text += "sensorMetadata" + Ordered(canon, element["sensorMetadata"], kMetadataOrder);
    }
    std::vector<std::string> reports;
    for (const json& report : element.value("sensorReport", json::array())) {
      reports.push_back(SensorReport(canon, report));
    }
    elements.push_back(text + Joined(reports));
  }
  return "sensorElementList" + Joined(elements);
}

std::string Generic(const Canon& canon, const std::string& key, const json& value) {
  const std::string name = Expand(canon, key);
  if (value.is_object()) {
    std::vector<std::string> parts;
    for (const auto& [k, v] : value.items()) {
      if (k.empty() || k[0] == '@') continue;
      parts.push_back(Generic(canon, k, v));
    }
    return name + Joined(parts);
  }
  if (value.is_array()) {
    std::vector<std::string> parts;
    for (const json& v : value) parts.push_back(Generic(canon, key, v));
    return Joined(parts);
  }
  std::string text = Value(canon, key, value);
  return text.empty() ? name : name + "=" + text;
}

const std::set<std::string> kHandled = {
    "type", "eventTime", "eventTimeZoneOffset", "epcList", "parentID", "inputEPCList",
    "childEPCs", "quantityList", "childQuantityList", "inputQuantityList", "outputEPCList",
    "outputQuantityList", "action", "transformationID", "bizStep", "disposition",
    "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
    "destinationList", "sensorElementList",
    // Not part of the hash.
    "recordTime", "eventID", "certificationInfo", "errorDeclaration", "@context"};

std::string Location(const Canon& canon, const json& event, const char* key) {
  if (!event.contains(key) || !event[key].contains("id")) return "";
  return key + Pair(canon, "id", event[key]["id"]);
}

}  // namespace

std::string EpcisPreHash(const json& event, const JsonLdPrefixes& prefixes) {
  const Canon canon{prefixes};
  std::string out = "eventType=" + event.value("type", std::string());
  for (const char* key : {"eventTime", "eventTimeZoneOffset"}) {
    if (event.contains(key)) out += Pair(canon, key, event[key]);
  }
  out += UriList(canon, event, "epcList", "epc");
  if (event.contains("parentID")) out += Pair(canon, "parentID", event["parentID"]);
  out += UriList(canon, event, "inputEPCList", "epc");
  out += UriList(canon, event, "childEPCs", "epc");
  out += QuantityList(canon, event, "quantityList");
  out += QuantityList(canon, event, "childQuantityList");
  out += QuantityList(canon, event, "inputQuantityList");
  out += UriList(canon, event, "outputEPCList", "epc");
  out += QuantityList(canon, event, "outputQuantityList");
  for (const char* key : {"action", "transformationID", "bizStep", "disposition"}) {
    if (event.contains(key)) out += Pair(canon, key, event[key]);
  }
  out += Location(canon, event, "readPoint");
  out += Location(canon, event, "bizLocation");
  out += PartyList(canon, event, "bizTransactionList", "bizTransaction");
  out += PartyList(canon, event, "sourceList", "source");
  out += PartyList(canon, event, "destinationList", "destination");
  out += SensorElements(canon, event);
  std::vector<std::string> extensions;
  for (const auto& [key, value] : event.items()) {
    if (!kHandled.count(key)) extensions.push_back(Generic(canon, key, value));
  }
  return out + Joined(extensions);
}

std::string EpcisEventHashId(const json& event, const JsonLdPrefixes& prefixes) {
  return "ni:///sha-256;" + ToHex(Sha256(EpcisPreHash(event, prefixes))) + "?ver=CBV2.0";
}

}  // namespace agritrace::chain
