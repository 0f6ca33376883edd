// FSMA 204 spreadsheet: columns, one row per CTE, date filter, CSV escaping.
#include "chain/export/fsma.h"

#include <gtest/gtest.h>

#include <sstream>

#include "chain/export/epcis.h"
#include "chain/model/gs1.h"
#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;
constexpr int64_t kT0 = 1'764'331'200'000;  // 2025-11-28T12:00:00Z

v1::LotKey Lot(const std::string& code) {
  v1::LotKey key;
  key.set_gtin("06901234567892");
  key.set_lot(code);
  return key;
}

class ExportTest : public ::testing::Test {
 protected:
  ExportTest() {
    Party(farmer_, "farmer", "Co-op, Plot village", "6901234000004");
    Party(packer_, "packer", "Mill & Pack", "");
    v1::RecordBody harvest;
    harvest.set_timestamp_ms(kT0);
    *harvest.mutable_harvest()->mutable_lot() = Lot("B1");
    harvest.mutable_harvest()->set_commodity("rice");
    harvest.mutable_harvest()->set_variety("Wuchang");
    *harvest.mutable_harvest()->mutable_quantity() = *ParseQuantity("1000kg");
    harvest.mutable_harvest()->set_harvest_time_ms(kT0);
    harvest.mutable_harvest()->set_field("Plot 7");
    Add(harvest, farmer_);
    v1::RecordBody ship;
    ship.set_timestamp_ms(kT0 + kDay);
    *ship.mutable_ship()->mutable_lot() = Lot("B1");
    ship.mutable_ship()->set_receiver(AsBytes(packer_.public_key()));
    Add(ship, farmer_);
    v1::RecordBody receive;
    receive.set_timestamp_ms(kT0 + 2 * kDay);
    *receive.mutable_receive()->mutable_lot() = Lot("B1");
    Add(receive, packer_);
    v1::RecordBody pack;
    pack.set_timestamp_ms(kT0 + 3 * kDay);
    pack.mutable_transform()->set_kind(v1::TRANSFORM_KIND_PACK);
    *pack.mutable_transform()->add_inputs()->mutable_lot() = Lot("B1");
    *pack.mutable_transform()->mutable_inputs(0)->mutable_quantity() = *ParseQuantity("600kg");
    *pack.mutable_transform()->add_outputs()->mutable_lot() = Lot("R1");
    *pack.mutable_transform()->mutable_outputs(0)->mutable_quantity() = *ParseQuantity("120pcs");
    Add(pack, packer_);
    data_.lots[FormatLotKey(Lot("B1"))] = State("B1", "1000kg", farmer_);
    data_.lots[FormatLotKey(Lot("R1"))] = State("R1", "120pcs", packer_);
    *data_.lots[FormatLotKey(Lot("R1"))].add_parents() = Lot("B1");
  }

  void Party(const PrivateKey& key, const std::string& name, const std::string& org,
             const std::string& gln) {
    v1::Participant p;
    p.set_pubkey(AsBytes(key.public_key()));
    p.set_name(name);
    p.set_organization(org);
    p.mutable_location()->set_gln(gln);
    data_.participants[p.pubkey()] = p;
  }

  v1::LotState State(const std::string& code, const std::string& qty, const PrivateKey& owner) {
    v1::LotState lot;
    *lot.mutable_lot() = Lot(code);
    lot.set_commodity("rice");
    lot.set_variety("Wuchang");
    *lot.mutable_quantity() = *ParseQuantity(qty);
    lot.set_owner(AsBytes(owner.public_key()));
    return lot;
  }

  void Add(const v1::RecordBody& body, const PrivateKey& key) {
    auto record = DecodeRecord(SignRecord(body, key));
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    data_.records.push_back({*record, data_.records.size() + 1, 0});
  }

  static std::vector<std::string> Lines(const std::string& csv) {
    std::vector<std::string> out;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  const PrivateKey farmer_ = PrivateKey::Generate();
  const PrivateKey packer_ = PrivateKey::Generate();
  ExportData data_;
};

TEST_F(ExportTest, FsmaHasTheKdeColumnsAndOneRowPerCte) {
  std::vector<std::string> lines = Lines(FsmaCsv(data_, {}));
  // Header, harvest, initial packing: shipping and receiving the raw lot before it is packed
  // are no CTEs (21 CFR 1.1340(c), 1.1345(c)). fsma_kde_test.cc checks every column.
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("Critical Tracking Event,Traceability Lot Code,", 0), 0u);
  EXPECT_NE(lines[0].find("Reference Document Number"), std::string::npos);
  EXPECT_EQ(lines[1].rfind("Harvesting,,", 0), 0u) << "no TLC at harvest: " << lines[1];
  EXPECT_NE(lines[1].find(",2025-11-28,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"Co-op, Plot village"), std::string::npos) << "escaped comma";
  EXPECT_EQ(lines[2].rfind("Initial Packing,(01)06901234567892(10)R1,", 0), 0u) << lines[2];
  EXPECT_NE(lines[2].find(",01/06901234567892/10/B1,"), std::string::npos) << lines[2];
}

TEST_F(ExportTest, FsmaFiltersByDate) {
  FsmaFilter filter;
  filter.from_date = "2025-12-01";
  std::vector<std::string> lines = Lines(FsmaCsv(data_, filter));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].rfind("Initial Packing,", 0), 0u);
  filter.to_date = "2025-11-30";
  EXPECT_EQ(Lines(FsmaCsv(data_, filter)).size(), 1u);
}

TEST_F(ExportTest, EpcisMapsEventsWithHashIds) {
  nlohmann::json doc = EpcisDocument(data_, kT0);
  EXPECT_EQ(doc["type"], "EPCISDocument");
  EXPECT_EQ(doc["schemaVersion"], "2.0");
  const auto& events = doc["epcisBody"]["eventList"];
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0]["type"], "ObjectEvent");
  EXPECT_EQ(events[0]["action"], "ADD");
  EXPECT_EQ(events[0]["bizStep"], "commissioning");
  EXPECT_EQ(events[0]["quantityList"][0]["epcClass"], "https://id.gs1.org/01/06901234567892/10/B1");
  EXPECT_EQ(events[0]["quantityList"][0]["uom"], "KGM");
  EXPECT_EQ(events[0]["readPoint"]["id"], "https://id.gs1.org/414/6901234000004");
  EXPECT_EQ(events[1]["disposition"], "in_transit");
  EXPECT_EQ(events[1]["destinationList"][0]["destination"], "urn:agritrace:party:packer");
  EXPECT_EQ(events[2]["bizStep"], "receiving");
  EXPECT_EQ(events[3]["type"], "TransformationEvent");
  // A count of pieces has no uom (EPCIS: a count of items).
  EXPECT_FALSE(events[3]["outputQuantityList"][0].contains("uom"));
  for (const auto& event : events) {
    nlohmann::json without_id = event;
    without_id.erase("eventID");
    EXPECT_EQ(event["eventID"], EpcisEventHashId(without_id, EpcisPrefixes()));
  }
}

// Partial custody in both exports: what each event moved, not the lot as created; the
// rejected part; a pallet as an AggregationEvent; local event times.
class CustodyExportTest : public ExportTest {
 protected:
  CustodyExportTest() {
    data_.records.resize(1);  // the harvest only: the rest is this test's
    Party(retailer_, "retailer", "Shop", "");
    v1::RecordBody ship;
    ship.set_timestamp_ms(kT0 + kDay);
    ship.set_event_time_ms(kT0 + kDay - 3 * 3600 * 1000);
    ship.set_event_tz_offset_min(480);
    *ship.mutable_ship()->mutable_lot() = Lot("B1");
    *ship.mutable_ship()->mutable_quantity() = *ParseQuantity("600kg");
    ship.mutable_ship()->set_receiver(AsBytes(packer_.public_key()));
    v1::DocumentRef* po = ship.mutable_ship()->add_refs();
    po->set_type(v1::DOCUMENT_TYPE_PO);
    po->set_id("PO-77");
    Add(ship, farmer_);
    v1::RecordBody whole;  // everything else the farmer holds: 400 kg
    whole.set_timestamp_ms(kT0 + kDay + 1);
    *whole.mutable_ship()->mutable_lot() = Lot("B1");
    whole.mutable_ship()->set_receiver(AsBytes(retailer_.public_key()));
    Add(whole, farmer_);
    v1::RecordBody receive;
    receive.set_timestamp_ms(kT0 + 2 * kDay);
    *receive.mutable_receive()->mutable_lot() = Lot("B1");
    *receive.mutable_receive()->mutable_reject() = *ParseQuantity("20kg");
    receive.mutable_receive()->set_reject_reason("bruised");
    Add(receive, packer_);
    v1::RecordBody pallet;
    pallet.set_timestamp_ms(kT0 + 3 * kDay);
    pallet.mutable_aggregate()->set_sscc("106141411234567897");
    *pallet.mutable_aggregate()->add_contents()->mutable_lot() = Lot("B1");
    *pallet.mutable_aggregate()->mutable_contents(0)->mutable_quantity() = *ParseQuantity("500kg");
    Add(pallet, packer_);
  }
  const PrivateKey retailer_ = PrivateKey::Generate();
};

TEST_F(CustodyExportTest, EpcisReportsWhatEachEventMoved) {
  const auto events = EpcisDocument(data_, kT0)["epcisBody"]["eventList"];
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[1]["quantityList"][0]["quantity"], 600);
  EXPECT_EQ(events[1]["eventTimeZoneOffset"], "+08:00");
  EXPECT_EQ(events[1]["bizTransactionList"][0]["type"], "po");
  EXPECT_EQ(events[2]["quantityList"][0]["quantity"], 400);  // a ship of all it held
  EXPECT_EQ(events[3]["quantityList"][0]["quantity"], 580);
  EXPECT_EQ(events[3]["agritrace:rejectedQuantityList"][0]["quantity"], 20);
  EXPECT_EQ(events[4]["type"], "AggregationEvent");
  EXPECT_EQ(events[4]["parentID"], "https://id.gs1.org/00/106141411234567897");
  EXPECT_EQ(events[4]["childQuantityList"][0]["quantity"], 500);
  EXPECT_EQ(events[4]["action"], "ADD");
}

TEST_F(CustodyExportTest, FsmaWritesNoShippingRowsOfARawLot) {
  std::vector<std::string> lines = Lines(FsmaCsv(data_, {}));
  ASSERT_EQ(lines.size(), 2u);  // header, harvest: the raw lot's moves are no CTEs
  EXPECT_EQ(lines[1].rfind("Harvesting,", 0), 0u) << lines[1];
}

}  // namespace
}  // namespace agritrace::chain
