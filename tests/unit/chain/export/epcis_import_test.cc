// EPCIS 2.0 import: every event kind the exporter writes comes back as the same record body,
// so export -> import -> export gives the same event hash IDs; invalid documents are refused.
#include "chain/export/epcis_import.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "chain/base/bytes.h"
#include "chain/export/epcis.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

constexpr int64_t kHour = 3600LL * 1000;
constexpr int64_t kT0 = 1'764'331'200'000;  // 2025-11-28T12:00:00Z

v1::LotKey Lot(const std::string& code) {
  v1::LotKey key;
  key.set_gtin("06901234567892");
  key.set_lot(code);
  return key;
}

v1::SensorReading Reading(int64_t time_ms, int32_t temperature_mc, int32_t humidity_mpct) {
  v1::SensorReading r;
  r.set_time_ms(time_ms);
  r.set_temperature_mc(temperature_mc);
  if (humidity_mpct >= 0) r.set_humidity_mpct(humidity_mpct);
  return r;
}

class EpcisImportTest : public ::testing::Test {
 protected:
  EpcisImportTest() {
    for (const char* name : {"farmer", "carrier", "packer", "inspector", "retailer", "regulator"}) {
      keys_.emplace(name, PrivateKey::Generate());
      v1::Participant p;
      p.set_pubkey(AsBytes(keys_.at(name).public_key()));
      p.set_name(name);
      p.mutable_location()->set_lat_e6(45'100'000);
      p.mutable_location()->set_lon_e6(127'400'000);
      data_.participants[p.pubkey()] = p;
    }
    v1::LotState lot;
    *lot.mutable_lot() = Lot("B1");
    *lot.mutable_quantity() = *ParseQuantity("80kg");
    data_.lots[FormatLotKey(Lot("B1"))] = lot;
    data_.root_lot = FormatLotKey(Lot("B1"));

    v1::RecordBody b;
    b.set_timestamp_ms(kT0);
    v1::Harvest& h = *b.mutable_harvest();
    *h.mutable_lot() = Lot("B1");
    h.set_commodity("rice");
    h.set_variety("Wuchang");
    *h.mutable_quantity() = *ParseQuantity("80kg");
    h.set_harvest_time_ms(kT0);
    h.set_field("Plot 2");
    Add(b, "farmer");

    b.Clear();
    b.set_timestamp_ms(kT0 + kHour);
    *b.mutable_sensor_readings()->mutable_lot() = Lot("B1");
    *b.mutable_sensor_readings()->add_readings() = Reading(kT0 + kHour - 1000, 2500, 80'000);
    *b.mutable_sensor_readings()->add_readings() = Reading(kT0 + kHour, 7500, -1);
    Add(b, "farmer");

    b.Clear();
    b.set_timestamp_ms(kT0 + 2 * kHour);
    *b.mutable_ship()->mutable_lot() = Lot("B1");
    b.mutable_ship()->set_receiver(Key("packer"));
    b.mutable_ship()->set_carrier(Key("carrier"));
    Add(b, "farmer");

    b.Clear();
    b.set_timestamp_ms(kT0 + 3 * kHour);
    v1::Checkpoint& c = *b.mutable_checkpoint();
    *c.mutable_lot() = Lot("B1");
    c.set_step(v1::CHECKPOINT_STEP_ARRIVING);
    c.set_time_ms(kT0 + 3 * kHour);
    c.mutable_location()->set_name("Harbin depot");
    *c.add_readings() = Reading(kT0 + 3 * kHour, 3000, -1);
    Add(b, "carrier");

    b.Clear();
    b.set_timestamp_ms(kT0 + 4 * kHour);
    *b.mutable_receive()->mutable_lot() = Lot("B1");
    Add(b, "packer");

    b.Clear();
    b.set_timestamp_ms(kT0 + 5 * kHour);
    v1::Certify& cert = *b.mutable_certify();
    *cert.mutable_lot() = Lot("B1");
    cert.set_standard("GB/T 19630 organic");
    cert.set_outcome(v1::CERT_OUTCOME_PASS);
    cert.set_document_sha256(std::string(32, '\x5a'));
    cert.set_valid_until_ms(kT0 + 1000 * kHour);
    Add(b, "inspector");

    b.Clear();
    b.set_timestamp_ms(kT0 + 6 * kHour);
    *b.mutable_sell()->mutable_lot() = Lot("B1");
    Add(b, "retailer");

    b.Clear();
    b.set_timestamp_ms(kT0 + 7 * kHour);
    *b.mutable_recall()->mutable_lot() = Lot("B1");
    b.mutable_recall()->set_reason("Cadmium above limit");
    Add(b, "regulator");
  }

  std::string Key(const std::string& name) const { return AsBytes(keys_.at(name).public_key()); }

  void Add(const v1::RecordBody& body, const std::string& signer) {
    auto record = DecodeRecord(SignRecord(body, keys_.at(signer)));
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    data_.records.push_back({*record, data_.records.size() + 1, 0});
  }

  std::map<std::string, PrivateKey> keys_;
  ExportData data_;
};

std::vector<std::string> EventIds(const json& doc) {
  std::vector<std::string> ids;
  for (const json& e : doc["epcisBody"]["eventList"]) ids.push_back(e["eventID"]);
  return ids;
}

TEST_F(EpcisImportTest, RoundTripsEveryExportedEventKind) {
  const json doc = EpcisDocument(data_, kT0 + 8 * kHour);
  ASSERT_EQ(doc["epcisBody"]["eventList"].size(), 8u);
  auto imported = EpcisToRecords(doc);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_EQ(imported->size(), 8u);

  // What a signer on a fresh chain does: resolve the names, sign, export again.
  ExportData again = data_;
  again.records.clear();
  for (ImportedEvent& event : *imported) {
    ASSERT_TRUE(keys_.count(event.signer)) << "signer \"" << event.signer << "\"";
    if (!event.receiver.empty()) event.body.mutable_ship()->set_receiver(Key(event.receiver));
    if (!event.carrier.empty()) event.body.mutable_ship()->set_carrier(Key(event.carrier));
    auto record = DecodeRecord(SignRecord(event.body, keys_.at(event.signer)));
    ASSERT_TRUE(record.ok());
    again.records.push_back({*record, again.records.size() + 1, 0});
  }
  for (size_t i = 0; i < data_.records.size(); ++i) {
    EXPECT_EQ(again.records[i].record.body.event_case(), data_.records[i].record.body.event_case())
        << "event " << i;
  }
  EXPECT_EQ(EventIds(EpcisDocument(again, kT0 + 9 * kHour)), EventIds(doc));

  const v1::RecordBody& sensor = (*imported)[1].body;
  ASSERT_TRUE(sensor.has_sensor_readings());
  ASSERT_EQ(sensor.sensor_readings().readings_size(), 2);
  EXPECT_EQ(sensor.sensor_readings().readings(0).temperature_mc(), 2500);
  EXPECT_EQ(sensor.sensor_readings().readings(0).humidity_mpct(), 80'000);
  EXPECT_FALSE(sensor.sensor_readings().readings(1).has_humidity_mpct());
  EXPECT_EQ((*imported)[2].carrier, "carrier");
  const v1::Checkpoint& c = (*imported)[3].body.checkpoint();
  EXPECT_EQ(c.step(), v1::CHECKPOINT_STEP_ARRIVING);
  EXPECT_EQ(c.location().name(), "Harbin depot");
  EXPECT_EQ(c.readings_size(), 1);
  const v1::Certify& cert = (*imported)[5].body.certify();
  EXPECT_EQ(cert.outcome(), v1::CERT_OUTCOME_PASS);
  EXPECT_EQ(cert.standard(), "GB/T 19630 organic");
  EXPECT_EQ(cert.document_sha256(), std::string(32, '\x5a'));
  EXPECT_EQ(cert.valid_until_ms(), kT0 + 1000 * kHour);
  EXPECT_TRUE((*imported)[6].body.has_sell());
  EXPECT_EQ((*imported)[7].body.recall().reason(), "Cadmium above limit");
}

TEST_F(EpcisImportTest, RefusesInvalidNewKindsWhole) {
  const json doc = EpcisDocument(data_, kT0);
  auto refused = [&](int index, const std::function<void(json&)>& edit) {
    json bad = doc;
    edit(bad["epcisBody"]["eventList"][index]);
    auto result = EpcisToRecords(bad);
    EXPECT_FALSE(result.ok()) << "accepted: " << bad["epcisBody"]["eventList"][index].dump();
    if (!result.ok()) {
      EXPECT_NE(result.status().message().find("schema: event " + std::to_string(index)),
                std::string::npos)
          << result.status().message();
    }
  };
  refused(1, [](json& e) { e.erase("sensorElementList"); });
  refused(1, [](json& e) { e["sensorElementList"][0]["sensorReport"][0]["uom"] = "FAH"; });
  refused(1, [](json& e) { e["sensorElementList"][0]["sensorReport"][0]["value"] = "cold"; });
  refused(1, [](json& e) { e["sensorElementList"][0]["sensorMetadata"].erase("time"); });
  refused(2, [](json& e) { e["agritrace:carrier"] = "https://example.com/somebody"; });
  refused(3, [](json& e) { e["agritrace:placeName"] = 7; });
  refused(5, [](json& e) { e["disposition"] = "active"; });
  refused(5, [](json& e) { e.erase("agritrace:standard"); });
  refused(5, [](json& e) { e["certificationInfo"] = "ni:///sha-256;abcd"; });
  refused(5, [](json& e) { e["agritrace:validUntil"] = "tomorrow"; });
  refused(7, [](json& e) { e["agritrace:reason"] = 12; });
  refused(6, [](json& e) { e["bizStep"] = "no_such_step"; });
}

}  // namespace
}  // namespace agritrace::chain
