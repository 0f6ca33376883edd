#include "chain/export/epcis_hash.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <regex>
#include <string_view>
#include <vector>

#include "chain/base/bytes.h"
#include "chain/base/hash.h"
#include "chain/export/record_json.h"

// Sources. The text is CBV 2.0 section 8.9 with GS1's 2023 corrections. Two implementations
// are GS1's references: the npm package epcis2.js (src/hash_generator, checked against every
// exported document by tests/integration/epcis_hash_check.js) and the Python
// RalphTro/epcis-event-hash-generator. Where they depart from the text, this file follows the
// text and says so ("epcis2.js:" / "Python reference:" below). None of the departures touches
// a field this exporter writes, except as noted in tests/integration/epcis_hash_check.js.

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr std::string_view kCbv = "https://ref.gs1.org/cbv/";
constexpr std::string_view kGs1Voc = "https://gs1.org/voc/";
constexpr std::string_view kRdfsComment = "{http://www.w3.org/2000/01/rdf-schema#}comment";

// The prefixes of GS1's EPCIS 2.0 JSON-LD context (epcis-context.jsonld).
const JsonLdPrefixes& ContextPrefixes() {
  static const JsonLdPrefixes kPrefixes = {{"epcis", "https://ref.gs1.org/epcis/"},
                                           {"cbv", "https://ref.gs1.org/cbv/"},
                                           {"cbvmda", "urn:epcglobal:cbv:mda:"},
                                           {"gs1", "https://gs1.org/voc/"},
                                           {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
                                           {"owl", "http://www.w3.org/2002/07/owl#"},
                                           {"xsd", "http://www.w3.org/2001/XMLSchema#"},
                                           {"dcterms", "http://purl.org/dc/terms/"}};
  return kPrefixes;
}

std::string Joined(std::vector<std::string> parts) {
  std::sort(parts.begin(), parts.end());  // byte order = the text's UTF-8 code value order
  std::string out;
  for (const std::string& part : parts) out += part;
  return out;
}

std::string Trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(start, end - start + 1));
}

// An xsd:dateTime: "YYYY-MM-DDTHH:MM[:SS[.f...]]" with "Z", an offset, or no zone (UTC).
bool IsTimestamp(const std::string& text) {
  static const std::regex kTime(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)");
  return text.size() > 15 && std::regex_match(text, kTime);
}

// UTC with milliseconds and "Z". The 2023 text rounds a fourth decimal of 5-9 up.
// epcis2.js: truncates to milliseconds (JavaScript Date).
Result<std::string> NormaliseTime(const std::string& text) {
  Result<int64_t> ms = ParseIsoTime(text);  // truncates beyond milliseconds
  if (!ms.ok()) return ms.status();
  int64_t unix_ms = *ms;
  size_t dot = text.find('.');
  if (dot != std::string::npos && dot + 4 < text.size() && text[dot + 4] >= '5' &&
      text[dot + 4] <= '9') {
    ++unix_ms;
  }
  int64_t whole_ms = unix_ms - ((unix_ms % 1000) + 1000) % 1000;
  std::string iso = FormatIsoTime(whole_ms);  // "YYYY-MM-DDTHH:MM:SSZ"
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03d", static_cast<int>(unix_ms - whole_ms));
  return iso.substr(0, iso.size() - 1) + millis + "Z";
}

// The shortest decimal that reads back as the same double, never in exponent form: 1000.0 ->
// "1000", 7.50 -> "7.5" (what JavaScript's Number#toString gives for the values we write).
std::string DoubleText(double value) {
  char buffer[400];
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  AGRI_CHECK(error == std::errc());
  return std::string(buffer, end);
}

// "12.50" -> "12.5", "3.0" -> "3": the text's "no trailing zeros" for numbers written as text.
// epcis2.js: also strips leading zeros of all-digit strings ("0042" -> "42").
std::string WithoutTrailingZeros(std::string text) {
  static const std::regex kDecimal(R"(\d+\.\d*)");
  if (!std::regex_match(text, kDecimal)) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

// A GS1 Digital Link URI on another domain or with a query string, as the text's constrained
// canonical form: https://id.gs1.org and no query.
std::string ConstrainedDigitalLink(const std::string& uri) {
  static const std::regex kDigitalLink(
      R"(https?://[^/?#]+(/(00|01|253|255|401|402|414|417|8003|8004|8006|8010|8017|8018)/[^?#]*)(\?[^#]*)?)");
  std::smatch match;
  if (!std::regex_match(uri, match, kDigitalLink)) return uri;
  return "https://id.gs1.org" + match[1].str();
}

// Pre-hash strings of one event. The first error found is kept; the text built after an error
// is discarded.
class PreHash {
 public:
  explicit PreHash(const JsonLdPrefixes& prefixes) : prefixes_(ContextPrefixes()) {
    for (const auto& [name, iri] : prefixes) prefixes_[name] = iri;
  }

  std::string Event(const json& event);
  const Status& status() const { return status_; }

 private:
  using Writer = std::string (PreHash::*)(const std::string& key, const json& value,
                                          std::vector<std::string>& extensions);
  struct Property {
    std::string_view name;
    Writer write;
  };
  static const std::vector<Property>& CanonicalOrder();

  std::string Fail(std::string message) {
    if (status_.ok()) status_ = Status(Reason::kMalformed, std::move(message));
    return "";
  }

  // `where` names the field in errors; an EPC URN is refused only in a standard field (the
  // identifiers), never in extension text, which any participant may write.
  std::string Value(const json& value, const std::string& where, bool standard_field = true);
  std::string Pair(const std::string& key, const json& value) {
    return key + "=" + Value(value, key);
  }
  std::string Vocabulary(const std::string& key, const json& value, std::string_view base);
  std::string ExtensionKey(const std::string& key);
  std::string Extension(const std::string& key, const json& value);
  std::string Extensions(const json& object, const std::vector<std::string_view>& known);
  std::vector<std::string> ExtensionList(const json& object,
                                         const std::vector<std::string_view>& known);
  const json* ObjectOrFail(const std::string& key, const json& value);
  const json* ListOrFail(const std::string& key, const json& value);

  // Writers of the canonical properties.
  std::string Scalar(const std::string& key, const json& value, std::vector<std::string>&) {
    if (value.is_structured()) return Fail(key + " must be a single value");
    return Pair(key, value);
  }
  std::string CertificationInfo(const std::string& key, const json& value,
                                std::vector<std::string>&);
  std::string EpcList(const std::string& key, const json& value, std::vector<std::string>&);
  std::string QuantityList(const std::string& key, const json& value,
                           std::vector<std::string>& extensions);
  std::string BizStep(const std::string& key, const json& value, std::vector<std::string>&) {
    return Vocabulary(key, value, "BizStep-");
  }
  std::string Disposition(const std::string& key, const json& value, std::vector<std::string>&) {
    return Vocabulary(key, value, "Disp-");
  }
  std::string PersistentDisposition(const std::string& key, const json& value,
                                    std::vector<std::string>&);
  std::string Location(const std::string& key, const json& value,
                       std::vector<std::string>& extensions);
  std::string TypedList(const std::string& key, const json& value,
                        std::vector<std::string>& extensions);
  std::string SensorElementList(const std::string& key, const json& value,
                                std::vector<std::string>& extensions);
  std::string SensorElement(const json& element, std::vector<std::string>& extensions);
  std::string SensorReport(const json& report, std::vector<std::string>& extensions);
  std::string Ilmd(const std::string& key, const json& value, std::vector<std::string>&);

  JsonLdPrefixes prefixes_;
  Status status_;
};

const std::vector<PreHash::Property>& PreHash::CanonicalOrder() {
  static const std::vector<Property> kOrder = {
      {"eventTime", &PreHash::Scalar},
      {"eventTimeZoneOffset", &PreHash::Scalar},
      {"certificationInfo", &PreHash::CertificationInfo},
      {"epcList", &PreHash::EpcList},
      {"parentID", &PreHash::Scalar},
      {"inputEPCList", &PreHash::EpcList},
      {"childEPCs", &PreHash::EpcList},
      {"quantityList", &PreHash::QuantityList},
      {"childQuantityList", &PreHash::QuantityList},
      {"inputQuantityList", &PreHash::QuantityList},
      {"outputEPCList", &PreHash::EpcList},
      {"outputQuantityList", &PreHash::QuantityList},
      {"action", &PreHash::Scalar},
      {"transformationID", &PreHash::Scalar},
      {"bizStep", &PreHash::BizStep},
      {"disposition", &PreHash::Disposition},
      {"persistentDisposition", &PreHash::PersistentDisposition},
      {"readPoint", &PreHash::Location},
      {"bizLocation", &PreHash::Location},
      {"bizTransactionList", &PreHash::TypedList},
      {"sourceList", &PreHash::TypedList},
      {"destinationList", &PreHash::TypedList},
      {"sensorElementList", &PreHash::SensorElementList},
      {"ilmd", &PreHash::Ilmd}};
  return kOrder;
}

// Not part of the hash, besides "type" (written first as eventType).
const std::vector<std::string_view> kLeftOut = {"type", "eventID", "recordTime", "errorDeclaration",
                                                "@context"};

std::string PreHash::Event(const json& event) {
  if (!event.is_object()) return Fail("an EPCIS event must be a JSON object");
  static const std::vector<std::string> kTypes = {"ObjectEvent", "AggregationEvent",
                                                  "TransactionEvent", "TransformationEvent",
                                                  "AssociationEvent"};
  auto type = event.find("type");
  if (type == event.end() || !type->is_string() ||
      std::find(kTypes.begin(), kTypes.end(), type->get<std::string>()) == kTypes.end()) {
    return Fail("the event's type must be one of the five EPCIS 2.0 event types");
  }
  std::string out = "eventType=" + type->get<std::string>();
  std::vector<std::string> extensions;
  std::vector<std::string_view> known = kLeftOut;
  for (const Property& property : CanonicalOrder()) {
    known.push_back(property.name);
    const std::string name(property.name);
    auto it = event.find(name);
    if (it != event.end()) out += (this->*property.write)(name, *it, extensions);
  }
  std::vector<std::string> own = ExtensionList(event, known);
  extensions.insert(extensions.end(), own.begin(), own.end());
  return out + Joined(std::move(extensions));
}

// The canonical text of one value. Strings are trimmed; timestamps go to UTC milliseconds;
// compact IRIs whose prefix the context defines are expanded (the text's rule for CURIEs;
// epcis2.js expands none in values); Digital Link URIs are constrained. Text shaped like a
// timestamp that is not one (e.g. month 13) is written as it is.
std::string PreHash::Value(const json& value, const std::string& where, bool standard_field) {
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  if (value.is_number_float()) return DoubleText(value.get<double>());
  if (!value.is_string()) return Fail(where + " must be a string, number or boolean");
  std::string text = Trim(value.get<std::string>());
  // The text converts EPC URNs to Digital Links everywhere; we convert none: refused where an
  // identifier stands, written as they are in extension text (where epcis2.js converts them).
  if (standard_field && text.rfind("urn:epc:", 0) == 0) {
    return Fail(where + " is an EPC URN (" + text +
                "); write it as a GS1 Digital Link URI before hashing");
  }
  if (IsTimestamp(text)) {
    Result<std::string> time = NormaliseTime(text);
    if (time.ok()) return *time;
  }
  size_t colon = text.find(':');
  if (colon != std::string::npos) {
    auto prefix = prefixes_.find(text.substr(0, colon));
    if (prefix != prefixes_.end()) return prefix->second + text.substr(colon + 1);
    return ConstrainedDigitalLink(text);
  }
  return WithoutTrailingZeros(text);
}

// A CBV value: a bare name is the CBV web URI with that term (e.g. "shipping" ->
// https://ref.gs1.org/cbv/BizStep-shipping); any other value is written as it is.
std::string PreHash::Vocabulary(const std::string& key, const json& value, std::string_view term) {
  if (!value.is_string()) return Fail(key + " must be a string");
  std::string text = Trim(value.get<std::string>());
  if (text.find(':') != std::string::npos) return Pair(key, value);
  return key + "=" + std::string(kCbv) + std::string(term) + text;
}

// "ex:name" -> "{https://ns.example.com/}name"; a key without a prefix is kept.
std::string PreHash::ExtensionKey(const std::string& key) {
  size_t colon = key.find(':');
  if (colon == std::string::npos) return key;
  auto prefix = prefixes_.find(key.substr(0, colon));
  if (prefix == prefixes_.end()) {
    return Fail("the extension " + key + " uses a prefix the @context does not define");
  }
  return "{" + prefix->second + "}" + key.substr(colon + 1);
}

// One extension element: its key, then "=value", or its children sorted; a list repeats the
// key for each entry, sorted. Comments (rdfs:comment) take no part.
std::string PreHash::Extension(const std::string& key, const json& value) {
  const std::string name = ExtensionKey(key);
  if (name == kRdfsComment) return "";
  if (value.is_object()) return name + Extensions(value, {"@context"});
  if (!value.is_array()) return name + "=" + Value(value, key, false);
  std::vector<std::string> entries;
  for (const json& entry : value) {
    if (entry.is_array()) return Fail("the extension " + key + " holds a list in a list");
    entries.push_back(entry.is_object() ? name + Extensions(entry, {"@context"})
                                        : name + "=" + Value(entry, key, false));
  }
  return Joined(std::move(entries));
}

std::vector<std::string> PreHash::ExtensionList(const json& object,
                                                const std::vector<std::string_view>& known) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    parts.push_back(Extension(key, value));
  }
  return parts;
}

std::string PreHash::Extensions(const json& object, const std::vector<std::string_view>& known) {
  return Joined(ExtensionList(object, known));
}

const json* PreHash::ObjectOrFail(const std::string& key, const json& value) {
  if (value.is_object()) return &value;
  Fail(key + " must be a JSON object");
  return nullptr;
}

const json* PreHash::ListOrFail(const std::string& key, const json& value) {
  if (value.is_array()) return &value;
  Fail(key + " must be a JSON array");
  return nullptr;
}

// One URI or a list of them, each "certificationInfo=..." in sorted order.
// epcis2.js: a list writes "certificationInfo" here and its entries among the extensions.
std::string PreHash::CertificationInfo(const std::string& key, const json& value,
                                       std::vector<std::string>&) {
  if (!value.is_array()) return Pair(key, value);
  std::vector<std::string> entries;
  for (const json& uri : value) entries.push_back(Pair(key, uri));
  return Joined(std::move(entries));
}

std::string PreHash::EpcList(const std::string& key, const json& value, std::vector<std::string>&) {
  if (!ListOrFail(key, value) || value.empty()) return "";
  std::vector<std::string> epcs;
  for (const json& epc : value) {
    if (!epc.is_string()) return Fail(key + " must hold URIs");
    epcs.push_back(Pair("epc", epc));
  }
  return key + Joined(std::move(epcs));
}

std::string PreHash::QuantityList(const std::string& key, const json& value,
                                  std::vector<std::string>& extensions) {
  if (!ListOrFail(key, value) || value.empty()) return "";
  std::vector<std::string> elements;
  for (const json& element : value) {
    if (!ObjectOrFail(key + " entry", element)) return "";
    std::string text = "quantityElement";
    for (const char* field : {"epcClass", "quantity", "uom"}) {
      if (element.contains(field)) text += Pair(field, element[field]);
    }
    elements.push_back(std::move(text));
    for (std::string& ext : ExtensionList(element, {"epcClass", "quantity", "uom"})) {
      extensions.push_back("quantityElement" + ext);
    }
  }
  return key + Joined(std::move(elements));
}

// "persistentDisposition", then each "set=" and each "unset=" value, each group sorted.
std::string PreHash::PersistentDisposition(const std::string& key, const json& value,
                                           std::vector<std::string>&) {
  if (!ObjectOrFail(key, value)) return "";
  std::string out = key;
  for (const char* group : {"set", "unset"}) {
    if (!value.contains(group)) continue;
    if (!ListOrFail(key + "." + group, value[group])) return "";
    std::vector<std::string> entries;
    for (const json& disposition : value[group]) {
      entries.push_back(Vocabulary(group, disposition, "Disp-"));
    }
    out += Joined(std::move(entries));
  }
  for (const auto& [field, unused] : value.items()) {
    if (field != "set" && field != "unset") return Fail(key + " holds only set and unset");
  }
  return out;
}

// readPoint / bizLocation: "readPointid=..."; its extensions go with the event's, prefixed
// "readPoint".
std::string PreHash::Location(const std::string& key, const json& value,
                              std::vector<std::string>& extensions) {
  if (!ObjectOrFail(key, value)) return "";
  std::string out = key;
  if (value.contains("id")) out += Pair("id", value["id"]);
  std::string nested = Extensions(value, {"id"});
  if (!nested.empty()) extensions.push_back(key + nested);
  return out;
}

// bizTransactionList / sourceList / destinationList: each entry "type=...{id}=...", type
// first (the February 2023 correction), entries sorted. Python reference: in source and
// destination entries it keeps the document's key order and writes destinationList before
// sourceList; the text and epcis2.js do not.
std::string PreHash::TypedList(const std::string& key, const json& value,
                               std::vector<std::string>& extensions) {
  if (!ListOrFail(key, value) || value.empty()) return "";
  const bool transactions = key == "bizTransactionList";
  const std::string item = transactions          ? "bizTransaction"
                           : key == "sourceList" ? "source"
                                                 : "destination";
  std::vector<std::string> entries;
  for (const json& entry : value) {
    if (!ObjectOrFail(key + " entry", entry)) return "";
    std::string text;
    if (entry.contains("type")) {
      text += Vocabulary("type", entry["type"], transactions ? "BTT-" : "SDT-");
    }
    if (entry.contains(item)) text += Pair(item, entry[item]);
    entries.push_back(std::move(text));
    for (std::string& ext : ExtensionList(entry, {"type", item})) {
      extensions.push_back(item + ext);
    }
  }
  return key + Joined(std::move(entries));
}

// "sensorElementList", then each "sensorElement..." sorted. Their extensions go with the
// event's, as "sensorElementList" + the sorted "sensorElement..." groups.
// Python reference (CBV 2.0 mode since 2025): leaves out the "sensorElementList" name; the
// 2023 text (a list's name appears once) and epcis2.js write it.
std::string PreHash::SensorElementList(const std::string& key, const json& value,
                                       std::vector<std::string>& extensions) {
  if (!ListOrFail(key, value) || value.empty()) return "";
  std::vector<std::string> elements;
  std::vector<std::string> nested;
  for (const json& element : value) {
    if (!ObjectOrFail("sensorElement", element)) return "";
    std::vector<std::string> element_extensions;
    elements.push_back(SensorElement(element, element_extensions));
    if (!element_extensions.empty()) {
      nested.push_back("sensorElement" + Joined(std::move(element_extensions)));
    }
  }
  if (!nested.empty()) extensions.push_back(key + Joined(std::move(nested)));
  return key + Joined(std::move(elements));
}

std::string PreHash::SensorElement(const json& element, std::vector<std::string>& extensions) {
  static const std::vector<std::string> kMetadataOrder = {"time",
                                                          "startTime",
                                                          "endTime",
                                                          "deviceID",
                                                          "deviceMetadata",
                                                          "rawData",
                                                          "dataProcessingMethod",
                                                          "bizRules"};
  std::string out = "sensorElement";
  if (element.contains("sensorMetadata")) {
    const json& metadata = element["sensorMetadata"];
    if (!ObjectOrFail("sensorMetadata", metadata)) return "";
    out += "sensorMetadata";
    std::vector<std::string_view> known;
    for (const std::string& field : kMetadataOrder) {
      known.push_back(field);
      if (metadata.contains(field)) out += Pair(field, metadata[field]);
    }
    std::string nested = Extensions(metadata, known);
    if (!nested.empty()) extensions.push_back("sensorMetadata" + nested);
  }
  if (element.contains("sensorReport")) {
    if (!ListOrFail("sensorReport", element["sensorReport"])) return "";
    std::vector<std::string> reports;
    for (const json& report : element["sensorReport"]) {
      if (!ObjectOrFail("sensorReport entry", report)) return "";
      reports.push_back(SensorReport(report, extensions));
    }
    out += Joined(std::move(reports));
  }
  for (std::string& ext : ExtensionList(element, {"sensorMetadata", "sensorReport"})) {
    extensions.push_back(std::move(ext));
  }
  return out;
}

// One sensorReport in the text's order. Bare measurement types, alert types and components
// expand to their web URIs. epcis2.js: writes a bare exception as https://gs1.org/voc/ +
// the bare name, without the "SensorAlertType-" the text's vocabulary gives it.
std::string PreHash::SensorReport(const json& report, std::vector<std::string>& extensions) {
  static const std::vector<std::string> kReportOrder = {"type",
                                                        "exception",
                                                        "deviceID",
                                                        "deviceMetadata",
                                                        "rawData",
                                                        "dataProcessingMethod",
                                                        "time",
                                                        "microorganism",
                                                        "chemicalSubstance",
                                                        "value",
                                                        "component",
                                                        "stringValue",
                                                        "booleanValue",
                                                        "hexBinaryValue",
                                                        "uriValue",
                                                        "minValue",
                                                        "maxValue",
                                                        "meanValue",
                                                        "sDev",
                                                        "percRank",
                                                        "percValue",
                                                        "uom",
                                                        "coordinateReferenceSystem"};
  std::string out = "sensorReport";
  std::vector<std::string_view> known;
  for (const std::string& field : kReportOrder) {
    known.push_back(field);
    if (!report.contains(field)) continue;
    const json& value = report[field];
    const bool bare = value.is_string() && value.get<std::string>().find(':') == std::string::npos;
    if (bare && field == "type") {
      out += field + "=" + std::string(kGs1Voc) + Trim(value.get<std::string>());
    } else if (bare && field == "exception") {
      out +=
          field + "=" + std::string(kGs1Voc) + "SensorAlertType-" + Trim(value.get<std::string>());
    } else if (bare && field == "component") {
      out += field + "=" + std::string(kCbv) + "Comp-" + Trim(value.get<std::string>());
    } else {
      out += Pair(field, value);
    }
  }
  std::string nested = Extensions(report, known);
  if (!nested.empty()) extensions.push_back("sensorReport" + nested);
  return out;
}

// "ilmd", then its elements written as extensions ("{namespace}localName=..."), sorted.
std::string PreHash::Ilmd(const std::string& key, const json& value, std::vector<std::string>&) {
  if (!ObjectOrFail(key, value)) return "";
  return key + Extensions(value, {"@context"});
}

}  // namespace

Result<std::string> TryEpcisPreHash(const json& event, const JsonLdPrefixes& prefixes) {
  PreHash pre_hash(prefixes);
  std::string text = pre_hash.Event(event);
  if (!pre_hash.status().ok()) return pre_hash.status();
  return text;
}

Result<std::string> TryEpcisEventHashId(const json& event, const JsonLdPrefixes& prefixes) {
  Result<std::string> pre_hash = TryEpcisPreHash(event, prefixes);
  if (!pre_hash.ok()) return pre_hash.status();
  return "ni:///sha-256;" + ToHex(Sha256(*pre_hash)) + "?ver=CBV2.0";
}

std::string EpcisPreHash(const json& event, const JsonLdPrefixes& prefixes) {
  Result<std::string> pre_hash = TryEpcisPreHash(event, prefixes);
  AGRI_CHECK_MSG(pre_hash.ok(), pre_hash.status().message().c_str());
  return *pre_hash;
}

std::string EpcisEventHashId(const json& event, const JsonLdPrefixes& prefixes) {
  Result<std::string> id = TryEpcisEventHashId(event, prefixes);
  AGRI_CHECK_MSG(id.ok(), id.status().message().c_str());
  return *id;
}

}  // namespace agritrace::chain
