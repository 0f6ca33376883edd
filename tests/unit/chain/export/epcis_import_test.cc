// EPCIS 2.0 import: every event kind the exporter writes comes back as the same record body,
// so export -> import -> export gives the same event hash IDs; invalid documents are refused.
#include "chain/export/epcis_import.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "chain/base/bytes.h"
#include "chain/export/epcis.h"
#include "chain/model/attestation.h"
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
    if (event.body.has_ship()) {
      event.body.mutable_ship()->set_receiver(Key(PartyNameOf(event.receiver)));
      event.body.mutable_ship()->set_carrier(Key(PartyNameOf(event.carrier)));
    }
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
  EXPECT_EQ((*imported)[2].carrier.uri(), "urn:agritrace:party:carrier");
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
  refused(2, [](json& e) { e.erase("destinationList"); });
  refused(2, [](json& e) { e["agritrace:carrier"] = 5; });
  refused(3, [](json& e) { e["agritrace:placeName"] = 7; });
  refused(5, [](json& e) { e["disposition"] = "active"; });
  refused(5, [](json& e) { e.erase("agritrace:standard"); });
  refused(5, [](json& e) { e["certificationInfo"] = "ni:///sha-256;abcd"; });
  refused(5, [](json& e) { e["agritrace:validUntil"] = "tomorrow"; });
  refused(7, [](json& e) { e["agritrace:reason"] = 12; });
  refused(6, [](json& e) { e["bizStep"] = "no_such_step"; });
}

// A partner's journey imported by someone else: every event comes back as an attestation by
// the importer naming the partner (never signed as the partner), the parties it names are the
// partner's shadows, and the export of the attested records gives the same eventIDs, with
// count units (net mass in the ILMD), GLN-named parties, pallets, partial and rejected
// shipments, a cancelled shipment, a loss, certificate fields and a correction.
class AttestedRoundTripTest : public ::testing::Test {
 protected:
  AttestedRoundTripTest() {
    for (const char* name : {"farmer", "packer", "carrier", "inspector", "importer"}) {
      keys_.emplace(name, PrivateKey::Generate());
      v1::Participant p;
      p.set_pubkey(Key(name));
      p.set_name(name);
      p.mutable_location()->set_gln(std::string(name) == "packer" ? "6901234000018" : "");
      p.mutable_location()->set_lat_e6(45'100'000);
      p.mutable_location()->set_lon_e6(127'400'000);
      p.mutable_contact()->set_address(std::string(name) + " road 1, Harbin");
      if (std::string(name) == "packer") p.mutable_contact()->set_party_gln("6901234000054");
      data_.participants[p.pubkey()] = p;
    }
    data_.root_lot = FormatLotKey(Lot("P1"));
  }

  std::string Key(const std::string& name) const { return AsBytes(keys_.at(name).public_key()); }

  const ExportRecord& Add(v1::RecordBody body, std::string signer, int64_t at) {
    if (signer == "farmer" && farm_by_gln_) {
      // The farm is itself a partner of this chain, named by its party GLN (AI 417).
      v1::AttestedParty& farm = *body.mutable_attestation()->mutable_party();
      farm.set_uri("https://id.gs1.org/417/6901234000047");
      farm.set_name("Wuchang Rice Co-operative");
      farm.set_gln("6901234000047");
      farm.set_location("https://id.gs1.org/414/6901234000047");
      farm.set_address("Niujia village");
      signer = "importer";
    }
    body.set_timestamp_ms(at);
    body.set_event_time_ms(at - kHour);  // happened an hour before it was signed
    body.set_event_tz_offset_min(480);
    auto record = DecodeRecord(SignRecord(body, keys_.at(signer)));
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    data_.records.push_back({*record, data_.records.size() + 1, 0});
    return data_.records.back();
  }

  void State(const v1::LotKey& key, const std::string& quantity, const std::string& commodity) {
    v1::LotState lot;
    *lot.mutable_lot() = key;
    *lot.mutable_quantity() = *ParseQuantity(quantity);
    lot.set_commodity(commodity);
    data_.lots[FormatLotKey(key)] = lot;
  }

  void Journey() {
    State(Lot("B1"), "100kg", "rice");
    State(Lot("P1"), "40pcs", "rice");
    v1::RecordBody b;
    v1::Harvest& h = *b.mutable_harvest();
    *h.mutable_lot() = Lot("B1");
    h.set_commodity("rice");
    *h.mutable_quantity() = *ParseQuantity("100kg");
    h.mutable_location()->set_gln("6901234000025");
    *h.add_refs() = Ref(v1::DOCUMENT_TYPE_PO, "PO-1");
    Add(b, "farmer", kT0);

    b.Clear();  // cooled in the farm's cold room (FSMA 204 cooling)
    *b.mutable_cool()->mutable_lot() = Lot("B1");
    b.mutable_cool()->set_method(v1::COOLING_METHOD_FORCED_AIR);
    b.mutable_cool()->mutable_location()->set_gln("6901234000025");
    b.mutable_cool()->mutable_location()->set_name("Cold room 2");
    Add(b, "farmer", kT0 + kHour / 2);

    b.Clear();  // partial shipment with a carrier
    *b.mutable_ship()->mutable_lot() = Lot("B1");
    *b.mutable_ship()->mutable_quantity() = *ParseQuantity("60kg");
    b.mutable_ship()->set_receiver(Key("packer"));
    b.mutable_ship()->set_carrier(Key("carrier"));
    *b.mutable_ship()->add_refs() = Ref(v1::DOCUMENT_TYPE_BOL, "BOL-7");
    const std::string first_ship = AsBytes(Add(b, "farmer", kT0 + kHour).record.id);

    b.Clear();  // the rest, to be cancelled
    *b.mutable_ship()->mutable_lot() = Lot("B1");
    b.mutable_ship()->set_receiver(Key("packer"));
    const std::string second_ship = AsBytes(Add(b, "farmer", kT0 + 2 * kHour).record.id);

    b.Clear();
    *b.mutable_cancel_shipment()->mutable_lot() = Lot("B1");
    b.mutable_cancel_shipment()->set_shipment(second_ship);
    Add(b, "farmer", kT0 + 3 * kHour);

    b.Clear();
    *b.mutable_checkpoint()->mutable_lot() = Lot("B1");
    b.mutable_checkpoint()->set_time_ms(kT0 + 3 * kHour);
    b.mutable_checkpoint()->mutable_location()->set_gln("6901234000032");
    Add(b, "carrier", kT0 + 4 * kHour);

    b.Clear();  // accept 50, reject 10
    v1::Receive& r = *b.mutable_receive();
    *r.mutable_lot() = Lot("B1");
    r.set_shipment(first_ship);
    *r.mutable_accept() = *ParseQuantity("50kg");
    *r.mutable_reject() = *ParseQuantity("10kg");
    r.set_reject_reason("wet");
    Add(b, "packer", kT0 + 5 * kHour);

    b.Clear();
    *b.mutable_loss()->mutable_lot() = Lot("B1");
    *b.mutable_loss()->mutable_quantity() = *ParseQuantity("2kg");
    b.mutable_loss()->set_reason(v1::LOSS_REASON_SPOILAGE);
    b.mutable_loss()->set_note("mould");
    Add(b, "packer", kT0 + 6 * kHour);

    b.Clear();  // 40 bags of 1 kg
    v1::Transform& t = *b.mutable_transform();
    t.set_kind(v1::TRANSFORM_KIND_PACK);
    *t.add_inputs()->mutable_lot() = Lot("B1");
    *t.mutable_inputs(0)->mutable_quantity() = *ParseQuantity("48kg");
    v1::LotOutput& out = *t.add_outputs();
    *out.mutable_lot() = Lot("P1");
    *out.mutable_quantity() = *ParseQuantity("40pcs");
    *out.mutable_net_mass_per_unit() = *ParseQuantity("1kg");
    const std::string pack = AsBytes(Add(b, "packer", kT0 + 7 * kHour).record.id);

    b.Clear();
    b.mutable_aggregate()->set_sscc("069012340000000017");
    v1::LotAmount& on = *b.mutable_aggregate()->add_contents();
    *on.mutable_lot() = Lot("P1");
    *on.mutable_quantity() = *ParseQuantity("40pcs");
    Add(b, "packer", kT0 + 8 * kHour);

    b.Clear();
    b.mutable_disaggregate()->set_sscc("069012340000000017");
    Add(b, "packer", kT0 + 9 * kHour);

    b.Clear();
    v1::Certify& c = *b.mutable_certify();
    *c.mutable_lot() = Lot("P1");
    c.set_standard("organic");
    c.set_outcome(v1::CERT_OUTCOME_PASS);
    c.set_certificate_id("CERT 42/A");
    c.set_valid_from_ms(kT0);
    c.set_valid_until_ms(kT0 + 1000 * kHour);
    Add(b, "inspector", kT0 + 10 * kHour);

    b.Clear();
    *b.mutable_sell()->mutable_lot() = Lot("P1");
    *b.mutable_sell()->mutable_quantity() = *ParseQuantity("3pcs");
    Add(b, "packer", kT0 + 11 * kHour);

    b.Clear();
    b.mutable_correction()->set_record_id(pack);
    b.mutable_correction()->set_reason("wrong bag count");
    *b.mutable_correction()->mutable_lot() = Lot("P1");
    Add(b, "packer", kT0 + 12 * kHour);
  }

  static v1::DocumentRef Ref(v1::DocumentType type, const std::string& id) {
    v1::DocumentRef ref;
    ref.set_type(type);
    ref.set_id(id);
    return ref;
  }

  // Exports, imports every event as the importer's attestation, exports again.
  void RoundTrip(json& doc, json& doc2, ExportData& again,
                 std::vector<ImportedEvent>& imported_out);

  bool farm_by_gln_ = false;
  std::map<std::string, PrivateKey> keys_;
  ExportData data_;
};

void AttestedRoundTripTest::RoundTrip(json& doc, json& doc2, ExportData& again,
                                      std::vector<ImportedEvent>& imported_out) {
  doc = EpcisDocument(data_, kT0 + 20 * kHour);
  auto imported = EpcisToRecords(doc);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_EQ(imported->size(), data_.records.size());

  // The importer attests every event; ids of earlier events are resolved as the wallet does.
  const std::string attester = Key("importer");
  again.root_lot = data_.root_lot;
  again.lots = data_.lots;
  again.participants[attester] = data_.participants.at(attester);
  std::map<std::string, std::string> record_of_event;
  for (ImportedEvent& event : *imported) {
    v1::RecordBody& body = event.body;
    v1::Attestation& att = *body.mutable_attestation();
    *att.mutable_party() = event.party;
    att.set_event_id(event.event_id);
    if (body.has_ship()) {
      *att.mutable_receiver() = event.receiver;
      body.mutable_ship()->set_receiver(AsBytes(AttestedPartyKey(attester, event.receiver.uri())));
      if (!event.carrier.uri().empty()) {
        *att.mutable_carrier() = event.carrier;
        body.mutable_ship()->set_carrier(AsBytes(AttestedPartyKey(attester, event.carrier.uri())));
      }
    }
    if (body.has_receive()) body.mutable_receive()->set_shipment(record_of_event.at(event.shipment_event));
    if (body.has_cancel_shipment()) {
      body.mutable_cancel_shipment()->set_shipment(record_of_event.at(event.shipment_event));
    }
    if (body.has_correction()) {
      body.mutable_correction()->set_record_id(record_of_event.at(event.corrected_event));
    }
    body.set_timestamp_ms(kT0 + 100 * kHour);  // signed much later: the event keeps its time
    auto record = DecodeRecord(SignRecord(body, keys_.at("importer")));
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    if (!body.has_correction()) record_of_event[event.event_id] = AsBytes(record->id);
    again.records.push_back({*record, again.records.size() + 1, 0});
  }
  for (size_t i = 0; i < data_.records.size(); ++i) {
    EXPECT_EQ(again.records[i].record.body.event_case(), data_.records[i].record.body.event_case())
        << "event " << i;
  }
  doc2 = EpcisDocument(again, kT0 + 21 * kHour);
  EXPECT_EQ(EventIds(doc2), EventIds(doc));
  EXPECT_EQ(doc2["epcisHeader"], doc["epcisHeader"]);
  imported_out = *imported;
}

TEST_F(AttestedRoundTripTest, PartnersEventsComeBackAsAttestationsWithTheSameEventIds) {
  Journey();
  json doc, doc2;
  ExportData again;
  std::vector<ImportedEvent> imported_events;
  RoundTrip(doc, doc2, again, imported_events);
  auto* imported = &imported_events;
  ASSERT_EQ(again.records.size(), data_.records.size());

  // Who did what is the partner as the document named it; the packer is named by its GLN.
  const json& events = doc2["epcisBody"]["eventList"];
  EXPECT_EQ(events[0]["agritrace:signer"], "urn:agritrace:party:farmer");
  EXPECT_EQ(events[0]["bizLocation"]["id"], "https://id.gs1.org/414/6901234000025");
  // The packer has its own party GLN (AI 417) apart from its location's (AI 414).
  EXPECT_EQ(events[2]["destinationList"][0]["destination"], "https://id.gs1.org/417/6901234000054");
  EXPECT_EQ(events[2]["destinationList"][2]["destination"], "https://id.gs1.org/414/6901234000018");
  EXPECT_EQ(events[6]["sourceList"][0]["source"], "urn:agritrace:party:farmer");
  EXPECT_EQ(events[8]["ilmd"]["agritrace:outputs"][0]["agritrace:netMassPerUnit"], 1.0);
  EXPECT_FALSE(events[8]["outputQuantityList"][0].contains("uom"));  // a count
  EXPECT_EQ(events[9]["type"], "AggregationEvent");
  EXPECT_EQ(events[11]["agritrace:certificateID"], "CERT 42/A");
  EXPECT_TRUE(events[13].contains("errorDeclaration"));
  EXPECT_EQ(events[0]["eventTimeZoneOffset"], "+08:00");
  // Cooling: this project's business step (CBV 2.0 has none), method and place.
  EXPECT_EQ(events[1]["bizStep"], kCoolingBizStep);
  EXPECT_EQ(events[1]["agritrace:coolingMethod"], "forced-air");
  EXPECT_EQ(events[1]["bizLocation"]["id"], "https://id.gs1.org/414/6901234000025");
  EXPECT_EQ((*imported)[1].body.cool().location().name(), "Cold room 2");
  const v1::RecordBody& harvest = again.records[0].record.body;
  EXPECT_EQ(harvest.attestation().party().uri(), "urn:agritrace:party:farmer");
  EXPECT_EQ(harvest.harvest().net_mass_per_unit().milli(), 0);
  EXPECT_EQ((*imported)[8].body.transform().outputs(0).net_mass_per_unit().milli(), 1000);
  EXPECT_EQ((*imported)[11].body.certify().valid_from_ms(), kT0);
}

TEST_F(AttestedRoundTripTest, APartnerNamedByItsPartyGlnRoundTrips) {
  farm_by_gln_ = true;
  Journey();
  json doc, doc2;
  ExportData again;
  std::vector<ImportedEvent> imported;
  RoundTrip(doc, doc2, again, imported);
  const json& events = doc2["epcisBody"]["eventList"];
  EXPECT_EQ(events[0]["agritrace:signer"], "https://id.gs1.org/417/6901234000047");
  EXPECT_EQ(events[2]["sourceList"][0]["source"], "https://id.gs1.org/417/6901234000047");
  EXPECT_EQ(imported[0].party.name(), "Wuchang Rice Co-operative");
  EXPECT_EQ(imported[0].party.address(), "Niujia village");
  EXPECT_EQ(imported[0].signer, "Wuchang Rice Co-operative");
}

}  // namespace
}  // namespace agritrace::chain
