#include "chain/export/record_json.h"

#include <gtest/gtest.h>

#include "chain/base/bytes.h"

namespace agritrace::chain {
namespace {

TEST(IsoTime, FormatsWholeSecondsWithoutFraction) {
  EXPECT_EQ(FormatIsoTime(1795870800000), "2026-11-28T13:00:00Z");
  EXPECT_EQ(FormatIsoTime(0), "1970-01-01T00:00:00Z");
}

TEST(IsoTime, FormatsMillisecondsAndTimesBefore1970) {
  EXPECT_EQ(FormatIsoTime(1795870800123), "2026-11-28T13:00:00.123Z");
  EXPECT_EQ(FormatIsoTime(-1), "1969-12-31T23:59:59.999Z");
}

TEST(IsoTime, ParsesUtcOffsetsFractionsAndDates) {
  EXPECT_EQ(*ParseIsoTime("2026-11-28T13:00:00Z"), 1795870800000);
  EXPECT_EQ(*ParseIsoTime("2026-11-28T21:00:00+08:00"), 1795870800000);
  EXPECT_EQ(*ParseIsoTime("2026-11-28T08:30:00-0430"), 1795870800000);
  EXPECT_EQ(*ParseIsoTime("2026-11-28 13:00:00.5Z"), 1795870800500);
  EXPECT_EQ(*ParseIsoTime("2026-11-28T13:00:00.123456Z"), 1795870800123);
  EXPECT_EQ(*ParseIsoTime("2026-11-28T13:00"), 1795870800000);
  EXPECT_EQ(*ParseIsoTime("2026-11-28"), 1795824000000);
  EXPECT_EQ(*ParseIsoTime("2024-02-29T00:00:00Z"), 1709164800000);
}

TEST(IsoTime, RoundTrips) {
  for (int64_t ms : {int64_t{0}, int64_t{951782400000}, int64_t{1795870800123},
                     int64_t{4102444799999}}) {
    auto parsed = ParseIsoTime(FormatIsoTime(ms));
    ASSERT_TRUE(parsed.ok()) << FormatIsoTime(ms);
    EXPECT_EQ(*parsed, ms);
  }
}

TEST(IsoTime, RejectsMalformedTimes) {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-28T25:00",
                          "2026-11-28T13:00:60Z", "2026-11-28T13:00:00X", "2026-11-28T13:00:00+8",
                          "2026-11-28T13:00:00.Z", "yesterday", "1795870800000"}) {
    auto parsed = ParseIsoTime(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().reason(), Reason::kMalformed) << bad;
  }
}

v1::LotKey Lot(const std::string& code) {
  v1::LotKey key;
  key.set_gtin("06901234567892");
  key.set_lot(code);
  return key;
}

v1::Quantity Qty(int64_t milli, const std::string& unit) {
  v1::Quantity q;
  q.set_milli(milli);
  q.set_unit(unit);
  return q;
}

TEST(RecordJson, RendersHarvestWithTypeTimeAndQuantity) {
  v1::RecordBody body;
  body.set_chain_id("agritrace-test");
  body.set_timestamp_ms(1795870800000);
  body.set_nonce(18446744073709551615ull);
  v1::Harvest& h = *body.mutable_harvest();
  *h.mutable_lot() = Lot("B1");
  h.set_commodity("rice");
  h.set_variety("Wuchang");
  *h.mutable_quantity() = Qty(1000000, "kg");
  h.set_harvest_time_ms(1795870800000);
  h.set_field("Plot 7");
  h.mutable_location()->set_lat_e6(45120000);
  h.mutable_location()->set_lon_e6(127450000);

  nlohmann::json j = RecordBodyToJson(body);
  EXPECT_EQ(j["type"], "harvest");
  EXPECT_EQ(j["chain_id"], "agritrace-test");
  EXPECT_EQ(j["time"], "2026-11-28T13:00:00Z");
  EXPECT_EQ(j["timestamp_ms"], 1795870800000);
  EXPECT_EQ(j["nonce"], "18446744073709551615");
  EXPECT_EQ(j["event"]["lot"], "01/06901234567892/10/B1");
  EXPECT_EQ(j["event"]["quantity"], "1000kg");
  EXPECT_EQ(j["event"]["harvest_time"], "2026-11-28T13:00:00Z");
  EXPECT_EQ(j["event"]["location"]["lat_e6"], 45120000);
  EXPECT_DOUBLE_EQ(j["event"]["location"]["lon"].get<double>(), 127.45);
  EXPECT_FALSE(j["event"].contains("net_mass_per_unit"));
}

TEST(RecordJson, RendersTransformKindAndShipKeys) {
  v1::RecordBody body;
  v1::Transform& t = *body.mutable_transform();
  t.set_kind(v1::TRANSFORM_KIND_PACK);
  v1::LotAmount& in = *t.add_inputs();
  *in.mutable_lot() = Lot("B1");
  *in.mutable_quantity() = Qty(500000, "kg");
  v1::LotOutput& out = *t.add_outputs();
  *out.mutable_lot() = Lot("P1");
  *out.mutable_quantity() = Qty(100000, "case");
  *out.mutable_net_mass_per_unit() = Qty(5000, "kg");
  nlohmann::json j = RecordBodyToJson(body);
  EXPECT_EQ(j["type"], "transform");
  EXPECT_EQ(j["event"]["kind"], "pack");
  EXPECT_EQ(j["event"]["inputs"][0]["quantity"], "500kg");
  EXPECT_EQ(j["event"]["outputs"][0]["lot"], "01/06901234567892/10/P1");
  EXPECT_EQ(j["event"]["outputs"][0]["net_mass_per_unit"], "5kg");

  v1::RecordBody ship;
  *ship.mutable_ship()->mutable_lot() = Lot("P1");
  ship.mutable_ship()->set_receiver(std::string(32, '\xab'));
  nlohmann::json s = RecordBodyToJson(ship);
  std::string receiver_hex;
  for (int i = 0; i < 32; ++i) receiver_hex += "ab";
  EXPECT_EQ(s["event"]["receiver"], receiver_hex);
  EXPECT_FALSE(s["event"].contains("carrier"));
}

TEST(RecordJson, LotStateHasEveryDocumentedKey) {
  v1::LotState lot;
  *lot.mutable_lot() = Lot("P1");
  lot.set_commodity("rice");
  *lot.mutable_quantity() = Qty(100000, "case");
  *lot.mutable_quantity_left() = Qty(40000, "case");
  *lot.mutable_net_mass_per_unit() = Qty(5000, "kg");
  lot.set_owner(std::string(32, '\x01'));
  lot.set_status(v1::LOT_STATUS_IN_TRANSIT);
  *lot.add_parents() = Lot("B1");
  nlohmann::json j = LotStateToJson(lot);
  for (const char* key : {"lot", "gtin", "lot_code", "commodity", "variety", "quantity",
                          "quantity_left", "net_mass_per_unit", "owner", "status",
                          "parents"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["lot"], "01/06901234567892/10/P1");
  EXPECT_EQ(j["gtin"], "06901234567892");
  EXPECT_EQ(j["lot_code"], "P1");
  EXPECT_EQ(j["quantity"], "100case");
  EXPECT_EQ(j["quantity_left"], "40case");
  EXPECT_EQ(j["net_mass_per_unit"], "5kg");
  std::string owner_hex;
  for (int i = 0; i < 32; ++i) owner_hex += "01";
  EXPECT_EQ(j["owner"], owner_hex);
  EXPECT_EQ(j["status"], "in_transit");
  EXPECT_EQ(j["parents"], nlohmann::json::array({"01/06901234567892/10/B1"}));
}

TEST(RecordJson, ParticipantRolesByName) {
  v1::Participant p;
  p.set_pubkey(std::string(32, '\x03'));
  p.set_name("coop");
  p.add_roles(v1::ROLE_FARMER);
  p.add_roles(v1::ROLE_PACKER);
  p.set_organization("Wuchang Rice Coop");
  p.mutable_location()->set_gln("6901234000004");
  nlohmann::json j = ParticipantToJson(p);
  EXPECT_EQ(j["pubkey"], ToHex(p.pubkey()));
  EXPECT_EQ(j["roles"], nlohmann::json::array({"farmer", "packer"}));
  EXPECT_EQ(j["organization"], "Wuchang Rice Coop");
  EXPECT_EQ(j["location"]["gln"], "6901234000004");
  EXPECT_FALSE(j["location"].contains("lat"));
}

}  // namespace
}  // namespace agritrace::chain
