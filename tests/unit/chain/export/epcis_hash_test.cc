// The CBV 2.0 event hash ID against GS1's published reference example
// (epcis-event-hash-generator, tests/examples/epcisDocWithSingleEvent: .jsonld, .prehashes,
// .hashes), with the EPC URNs written as their GS1 Digital Link equivalents.
#include "chain/export/epcis_hash.h"

#include <gtest/gtest.h>

namespace agritrace::chain {
namespace {

using nlohmann::json;

const char kReferenceEvent[] = R"({
  "type": "ObjectEvent",
  "action": "OBSERVE",
  "bizStep": "shipping",
  "disposition": "in_transit",
  "epcList": ["https://id.gs1.org/01/10614141073464/21/2018",
              "https://id.gs1.org/01/10614141073464/21/2017"],
  "eventTime": "2022-02-16T20:33:31.116000-06:00",
  "eventTimeZoneOffset": "-06:00",
  "readPoint": {"id": "https://id.gs1.org/414/0614141073467/254/1234"},
  "bizTransactionList": [{"type": "po", "bizTransaction": "http://transaction.acme.com/po/12345678"}]
})";

const char kReferencePreHash[] =
    "eventType=ObjectEventeventTime=2022-02-17T02:33:31.116ZeventTimeZoneOffset=-06:00"
    "epcListepc=https://id.gs1.org/01/10614141073464/21/2017"
    "epc=https://id.gs1.org/01/10614141073464/21/2018action=OBSERVE"
    "bizStep=https://ref.gs1.org/cbv/BizStep-shippingdisposition=https://ref.gs1.org/cbv/"
    "Disp-in_transitreadPointid=https://id.gs1.org/414/0614141073467/254/1234"
    "bizTransactionListbizTransaction=http://transaction.acme.com/po/12345678"
    "type=https://ref.gs1.org/cbv/BTT-po";

const char kReferenceHashId[] =
    "ni:///sha-256;3e0f2437f4cb5e8a1b832b769c0eed1bf3e1421f14061132e9800ded03f10182?ver=CBV2.0";

TEST(EpcisHashTest, MatchesGs1ReferenceExample) {
  json event = json::parse(kReferenceEvent);
  EXPECT_EQ(EpcisPreHash(event, {}), kReferencePreHash);
  EXPECT_EQ(EpcisEventHashId(event, {}), kReferenceHashId);
}

TEST(EpcisHashTest, IgnoresEventIdRecordTimeAndErrorDeclaration) {
  json event = json::parse(kReferenceEvent);
  event["eventID"] = "ni:///sha-256;00?ver=CBV2.0";
  event["recordTime"] = "2030-01-01T00:00:00Z";
  event["errorDeclaration"] = {{"declarationTime", "2030-01-01T00:00:00Z"}};
  EXPECT_EQ(EpcisEventHashId(event, {}), kReferenceHashId);
}

TEST(EpcisHashTest, AnyChangedFieldChangesTheHash) {
  json event = json::parse(kReferenceEvent);
  event["bizStep"] = "receiving";
  EXPECT_NE(EpcisEventHashId(event, {}), kReferenceHashId);
}

TEST(EpcisHashTest, ExtensionsAreExpandedAndSorted) {
  json event = json::parse(kReferenceEvent);
  event["ex:b"] = "2";
  event["ex:a"] = 1.50;
  std::string pre = EpcisPreHash(event, {{"ex", "https://ns.example.com/"}});
  EXPECT_EQ(pre.substr(std::string(kReferencePreHash).size()),
            "https://ns.example.com/a=1.5https://ns.example.com/b=2");
}

}  // namespace
}  // namespace agritrace::chain
