// The CBV 2.0 event hash ID against GS1's published vectors (tests/testdata/epcis/hash, whose
// SOURCE.md names each one's origin), and the rules those vectors do not reach.
#include "chain/export/epcis_hash.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace agritrace::chain {
namespace {

using nlohmann::json;

json Vector(const std::string& name) {
  std::ifstream in(std::string(AGRITRACE_TESTDATA) + "/epcis/hash/" + name);
  std::stringstream text;
  text << in.rdbuf();
  json vector = json::parse(text.str(), nullptr, false);
  EXPECT_TRUE(vector.is_object()) << name;
  return vector;
}

JsonLdPrefixes PrefixesOf(const json& vector) {
  JsonLdPrefixes prefixes;
  for (const auto& [name, iri] : vector["context"].items()) prefixes[name] = iri;
  return prefixes;
}

void ExpectVector(const std::string& name) {
  json vector = Vector(name);
  JsonLdPrefixes prefixes = PrefixesOf(vector);
  Result<std::string> pre_hash = TryEpcisPreHash(vector["event"], prefixes);
  ASSERT_TRUE(pre_hash.ok()) << name << ": " << pre_hash.status().ToString();
  EXPECT_EQ(*pre_hash, vector["preHash"].get<std::string>()) << name;
  EXPECT_EQ(EpcisEventHashId(vector["event"], prefixes), vector["hashId"].get<std::string>())
      << name;
}

TEST(EpcisHashTest, MatchesSingleEventVectorWithTypeBeforeId) {
  ExpectVector("single_event.json");
  EXPECT_EQ(Vector("single_event.json")["hashId"],
            "ni:///sha-256;ffa491b16867e34a7791a8d5389d826afc24e63a121026b6a4004ace38631b4b"
            "?ver=CBV2.0");
}

TEST(EpcisHashTest, MatchesUserExtensionVector) { ExpectVector("user_extensions.json"); }

TEST(EpcisHashTest, MatchesListsAndReadPointExtensionVector) {
  ExpectVector("lists_and_read_point_extension.json");
}

TEST(EpcisHashTest, MatchesIlmdVector) { ExpectVector("ilmd.json"); }

TEST(EpcisHashTest, MatchesCertificationInfoAndSensorVector) {
  ExpectVector("certification_info_and_sensor.json");
  // GS1's Python pre-hash of January 2023 agrees up to the sensor elements' extensions, which
  // it wrote inline (see SOURCE.md).
  json vector = Vector("certification_info_and_sensor.json");
  const std::string python = vector["pythonPreHash2023"];
  const std::string ours = EpcisPreHash(vector["event"], PrefixesOf(vector));
  const std::string shared = "readPointid=https://id.gs1.org/414/4012345000115sensorElementList";
  ASSERT_NE(python.find(shared), std::string::npos);
  const size_t common = python.find(shared) + shared.size();
  EXPECT_EQ(ours.substr(0, common), python.substr(0, common));
  EXPECT_NE(ours.find("certificationInfo=https://accreditation-council"), std::string::npos);
}

TEST(EpcisHashTest, IgnoresEventIdRecordTimeAndErrorDeclaration) {
  json vector = Vector("single_event.json");
  json event = vector["event"];
  event["eventID"] = "ni:///sha-256;00?ver=CBV2.0";
  event["recordTime"] = "2030-01-01T00:00:00Z";
  event["errorDeclaration"] = {{"declarationTime", "2030-01-01T00:00:00Z"}};
  EXPECT_EQ(EpcisEventHashId(event, {}), vector["hashId"].get<std::string>());
}

TEST(EpcisHashTest, KeyOrderOfTheDocumentDoesNotMatter) {
  json event = Vector("lists_and_read_point_extension.json")["event"];
  json reordered = json::object();
  std::vector<std::string> keys;
  for (const auto& [key, value] : event.items()) keys.push_back(key);
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) reordered[*it] = event[*it];
  reordered["sourceList"][0] = {{"source", event["sourceList"][0]["source"]},
                                {"type", event["sourceList"][0]["type"]}};
  JsonLdPrefixes prefixes = {{"example", "https://ns.example.com/epcis/"}};
  EXPECT_EQ(EpcisPreHash(reordered, prefixes), EpcisPreHash(event, prefixes));
}

TEST(EpcisHashTest, AnyChangedFieldChangesTheHash) {
  json event = Vector("single_event.json")["event"];
  const std::string before = EpcisEventHashId(event, {});
  event["bizStep"] = "receiving";
  EXPECT_NE(EpcisEventHashId(event, {}), before);
}

// Every field of the canonical order at once, the document's key order reversed. epcis2.js
// 2.7.3 gives the same string once its Date.parse is limited to xsd:dateTime forms (as
// tests/integration/epcis_hash_check.js does; otherwise it reads the certificationInfo URI as
// a date).
TEST(EpcisHashTest, EveryCanonicalFieldHasItsPlace) {
  json event = {
      {"type", "TransformationEvent"},
      {"ex:last", "z"},
      {"ilmd", {{"ex:grade", "A"}}},
      {"sensorElementList",
       json::array({{{"sensorReport",
                      json::array({{{"type", "Temperature"}, {"value", 4.5}, {"uom", "CEL"}}})}}})},
      {"destinationList", json::array({{{"type", "location"}, {"destination", "urn:x:d"}}})},
      {"sourceList", json::array({{{"type", "owning_party"}, {"source", "urn:x:s"}}})},
      {"bizTransactionList", json::array({{{"type", "po"}, {"bizTransaction", "urn:x:po"}}})},
      {"bizLocation", {{"id", "https://id.gs1.org/414/4012345000115"}, {"ex:dock", "3"}}},
      {"readPoint", {{"id", "https://id.gs1.org/414/4012345000016"}}},
      {"persistentDisposition",
       {{"unset", {"completeness_verified"}}, {"set", {"needs_replacement"}}}},
      {"disposition", "active"},
      {"bizStep", "commissioning"},
      {"transformationID", "urn:x:t"},
      {"outputQuantityList", json::array({{{"epcClass", "urn:x:o"}, {"quantity", 2.50}}})},
      {"outputEPCList", {"urn:x:oe"}},
      {"inputQuantityList",
       json::array({{{"uom", "KGM"}, {"quantity", 10}, {"epcClass", "urn:x:i"}}})},
      {"inputEPCList", {"urn:x:ie"}},
      {"certificationInfo", "https://cert.example/1"},
      {"eventTimeZoneOffset", "+02:00"},
      {"eventTime", "2024-05-01T12:00:00+02:00"}};
  EXPECT_EQ(EpcisPreHash(event, {{"ex", "https://ex.org/"}}),
            "eventType=TransformationEventeventTime=2024-05-01T10:00:00.000Z"
            "eventTimeZoneOffset=+02:00certificationInfo=https://cert.example/1"
            "inputEPCListepc=urn:x:ie"
            "inputQuantityListquantityElementepcClass=urn:x:iquantity=10uom=KGM"
            "outputEPCListepc=urn:x:oe"
            "outputQuantityListquantityElementepcClass=urn:x:oquantity=2.5"
            "transformationID=urn:x:tbizStep=https://ref.gs1.org/cbv/BizStep-commissioning"
            "disposition=https://ref.gs1.org/cbv/Disp-active"
            "persistentDispositionset=https://ref.gs1.org/cbv/Disp-needs_replacement"
            "unset=https://ref.gs1.org/cbv/Disp-completeness_verified"
            "readPointid=https://id.gs1.org/414/4012345000016"
            "bizLocationid=https://id.gs1.org/414/4012345000115"
            "bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:x:po"
            "sourceListtype=https://ref.gs1.org/cbv/SDT-owning_partysource=urn:x:s"
            "destinationListtype=https://ref.gs1.org/cbv/SDT-locationdestination=urn:x:d"
            "sensorElementListsensorElementsensorReporttype=https://gs1.org/voc/Temperature"
            "value=4.5uom=CEL"
            "ilmd{https://ex.org/}grade=A"
            "bizLocation{https://ex.org/}dock=3{https://ex.org/}last=z");
}

TEST(EpcisHashTest, RoundsAFourthDecimalOfTheTimeHalfUp) {
  json event = {{"type", "ObjectEvent"}, {"eventTime", "2023-01-18T11:04:03.1415Z"}};
  EXPECT_EQ(EpcisPreHash(event, {}), "eventType=ObjectEventeventTime=2023-01-18T11:04:03.142Z");
  event["eventTime"] = "2023-01-18T23:59:59.9996Z";
  EXPECT_EQ(EpcisPreHash(event, {}), "eventType=ObjectEventeventTime=2023-01-19T00:00:00.000Z");
}

TEST(EpcisHashTest, RefusesWhatItCannotHash) {
  auto reason = [](const json& event, const JsonLdPrefixes& prefixes = {}) {
    Result<std::string> id = TryEpcisEventHashId(event, prefixes);
    return id.ok() ? std::string("ok") : id.status().message();
  };
  EXPECT_NE(reason(json::array()).find("JSON object"), std::string::npos);
  EXPECT_NE(reason({{"type", "PartyEvent"}}).find("event types"), std::string::npos);
  EXPECT_NE(reason({{"type", "ObjectEvent"}, {"epcList", {"urn:epc:id:sgtin:0614141.107346.1"}}})
                .find("EPC URN"),
            std::string::npos);
  EXPECT_NE(reason({{"type", "ObjectEvent"}, {"nope:x", 1}}).find("prefix"), std::string::npos);
  EXPECT_NE(reason({{"type", "ObjectEvent"}, {"readPoint", "here"}}).find("readPoint"),
            std::string::npos);
  EXPECT_NE(reason({{"type", "ObjectEvent"}, {"ilmd", {{"ex:a", nullptr}}}}, {{"ex", "urn:e:"}})
                .find("ex:a"),
            std::string::npos);
  EXPECT_EQ(reason({{"type", "ObjectEvent"}}), "ok");
}

// Extension text is whatever a participant wrote: it is hashed, never refused.
TEST(EpcisHashTest, HashesAnyExtensionText) {
  json event = {{"type", "ObjectEvent"},
                {"ex:note", "urn:epc:id:sgtin:0614141.107346.1"},
                {"ex:when", "2024-13-45T99:99:99Z"}};
  Result<std::string> pre_hash = TryEpcisPreHash(event, {{"ex", "urn:e:"}});
  ASSERT_TRUE(pre_hash.ok()) << pre_hash.status().ToString();
  EXPECT_EQ(*pre_hash,
            "eventType=ObjectEvent{urn:e:}note=urn:epc:id:sgtin:0614141.107346.1"
            "{urn:e:}when=2024-13-45T99:99:99Z");
}

}  // namespace
}  // namespace agritrace::chain
