#include "chain/export/record_json.h"

#include <gtest/gtest.h>

#include "chain/base/bytes.h"
#include "chain/export/custody_json.h"
#include "chain/export/event_time.h"

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
  for (const char* key : {"kind", "lot", "gtin", "lot_code", "commodity", "variety", "quantity",
                          "quantity_left", "net_mass_per_unit", "owner", "status", "parents",
                          "created", "created_ms", "holdings", "in_transit", "consumed", "lost",
                          "sold", "pallets"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["kind"], "lot");
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
  EXPECT_EQ(j["sold"], "0case");
  EXPECT_FALSE(j.contains("pallet"));
  EXPECT_FALSE(j.contains("custodian"));  // format 1; the holdings say who holds what
}

// The issue's farm-gate day: 1,000 kg, 100 at the farm, 580 at the packer (60 on a pallet),
// 300 on their way to the retailer, 20 lost.
v1::LotState FarmGateLot() {
  v1::LotState lot;
  *lot.mutable_lot() = Lot("B1");
  *lot.mutable_quantity() = Qty(1'000'000, "kg");
  *lot.mutable_quantity_left() = Qty(980'000, "kg");
  const auto hold = [&](char who, int64_t milli, const std::string& sscc) {
    v1::Holding* h = lot.add_holdings();
    h->set_participant(std::string(32, who));
    h->set_milli(milli);
    h->set_sscc(sscc);
    h->set_since_ms(1795870800000);
  };
  hold('\x01', 100'000, "");
  hold('\x02', 520'000, "");
  hold('\x02', 60'000, "106141411234567897");
  v1::InTransit* t = lot.add_in_transit();
  t->set_shipment(std::string(32, '\xaa'));
  t->set_from(std::string(32, '\x01'));
  t->set_to(std::string(32, '\x03'));
  t->set_milli(300'000);
  t->set_shipped_ms(1795870800000);
  lot.set_lost_milli(20'000);
  return lot;
}

TEST(RecordJson, LotStateShowsWhereEveryPartIs) {
  const NameLookup names = [](const std::string& key) -> std::string {
    if (key == std::string(32, '\x01')) return "farmer";
    if (key == std::string(32, '\x02')) return "packer";
    return "";  // the retailer is unknown here: shown by key
  };
  nlohmann::json j = LotStateToJson(FarmGateLot(), names);
  ASSERT_EQ(j["holdings"].size(), 3u);
  EXPECT_EQ(j["holdings"][0]["participant"], "farmer");
  EXPECT_EQ(j["holdings"][0]["quantity"], "100kg");
  EXPECT_FALSE(j["holdings"][0].contains("pallet"));
  EXPECT_EQ(j["holdings"][2]["participant"], "packer");
  EXPECT_EQ(j["holdings"][2]["pallet"], "106141411234567897");
  ASSERT_EQ(j["in_transit"].size(), 1u);
  const nlohmann::json& t = j["in_transit"][0];
  EXPECT_EQ(t["shipment"], ToHex(std::string(32, '\xaa')));
  EXPECT_EQ(t["from"], "farmer");
  EXPECT_EQ(t["to"], ToHex(std::string(32, '\x03')));
  EXPECT_EQ(t["quantity"], "300kg");
  EXPECT_EQ(t["returned"], false);
  EXPECT_FALSE(t.contains("carrier"));
  EXPECT_EQ(j["lost"], "20kg");
  EXPECT_EQ(j["consumed"], "0kg");
  EXPECT_EQ(j["pallet"], "106141411234567897");
  EXPECT_EQ(j["pallets"], nlohmann::json::array({"106141411234567897"}));
}

TEST(RecordJson, APalletShowsItsContents) {
  v1::LotState pallet;
  pallet.set_sscc("106141411234567897");
  *pallet.mutable_quantity() = Qty(1000, "pcs");
  v1::LotAmount* content = pallet.add_contents();
  *content->mutable_lot() = Lot("P1");
  *content->mutable_quantity() = Qty(60'000, "pcs");
  nlohmann::json j = LotStateToJson(pallet);
  EXPECT_EQ(j["kind"], "pallet");
  EXPECT_EQ(j["lot"], "00/106141411234567897");
  EXPECT_TRUE(j["gtin"].is_null());
  EXPECT_EQ(j["contents"][0]["lot"], "01/06901234567892/10/P1");
  EXPECT_EQ(j["contents"][0]["quantity"], "60pcs");
}

TEST(RecordJson, EventTimeInItsOwnOffset) {
  v1::RecordBody body;
  body.set_timestamp_ms(1795870800000);                  // signed 2026-11-28 13:00 UTC
  body.set_event_time_ms(1795870800000 - 12 * 86400000);  // happened 12 days before
  body.set_event_tz_offset_min(480);
  *body.mutable_loss()->mutable_lot() = Lot("B1");
  nlohmann::json j = RecordBodyToJson(body);
  EXPECT_EQ(j["time"], "2026-11-28T13:00:00Z");
  EXPECT_EQ(j["event_time"], "2026-11-16T21:00:00+08:00");
  EXPECT_EQ(j["local_time"], "2026-11-16 21:00 +08:00");
  EXPECT_EQ(j["event_tz_offset_min"], 480);
  // No event time: when it was signed.
  body.clear_event_time_ms();
  body.set_event_tz_offset_min(-300);
  EXPECT_EQ(RecordBodyToJson(body)["local_time"], "2026-11-28 08:00 -05:00");
  EXPECT_EQ(RecordBodyToJson(body)["event_time_ms"], 1795870800000);
}

TEST(RecordJson, CustodyEventsNameTheirQuantitiesAndDocuments) {
  v1::RecordBody body;
  v1::Receive* receive = body.mutable_receive();
  *receive->mutable_lot() = Lot("B1");
  receive->set_shipment(std::string(32, '\xaa'));
  *receive->mutable_accept() = Qty(580'000, "kg");
  *receive->mutable_reject() = Qty(20'000, "kg");
  receive->set_reject_reason("bruised");
  v1::DocumentRef* ref = receive->add_refs();
  ref->set_type(v1::DOCUMENT_TYPE_DESADV);
  ref->set_id("DA-7");
  nlohmann::json e = EventToJson(body);
  EXPECT_EQ(e["accept"], "580kg");
  EXPECT_EQ(e["reject"], "20kg");
  EXPECT_EQ(e["reject_reason"], "bruised");
  EXPECT_EQ(e["shipment"], ToHex(std::string(32, '\xaa')));
  EXPECT_EQ(e["refs"], nlohmann::json::parse(R"([{"type": "desadv", "id": "DA-7"}])"));

  v1::RecordBody ship;
  ship.mutable_ship()->set_sscc("106141411234567897");
  ship.mutable_ship()->set_receiver(std::string(32, '\x03'));
  nlohmann::json s = EventToJson(ship);
  EXPECT_EQ(s["pallet"], "00/106141411234567897");
  EXPECT_FALSE(s.contains("lot"));
  EXPECT_FALSE(s.contains("quantity"));  // everything the signer holds

  v1::RecordBody loss;
  *loss.mutable_loss()->mutable_lot() = Lot("B1");
  *loss.mutable_loss()->mutable_quantity() = Qty(20'000, "kg");
  loss.mutable_loss()->set_reason(v1::LOSS_REASON_SPOILAGE);
  EXPECT_EQ(EventToJson(loss)["reason"], "spoilage");
  EXPECT_EQ(RecordBodyToJson(loss)["type"], "loss");
}

TEST(RecordJson, TimeZoneOffsets) {
  EXPECT_EQ(FormatTzOffset(480), "+08:00");
  EXPECT_EQ(FormatTzOffset(-330), "-05:30");
  EXPECT_EQ(FormatTzOffset(0), "+00:00");
  EXPECT_EQ(*ParseTzOffset("+08:00"), 480);
  EXPECT_EQ(*ParseTzOffset("+0800"), 480);
  EXPECT_EQ(*ParseTzOffset("+8"), 480);
  EXPECT_EQ(*ParseTzOffset("-5:30"), -330);
  EXPECT_EQ(*ParseTzOffset("Z"), 0);
  for (const char* bad : {"", "08:00", "+15:00", "+08:75", "+08:00x", "CET"}) {
    EXPECT_EQ(ParseTzOffset(bad).status().reason(), Reason::kMalformed) << bad;
  }
  Result<ZonedTime> zoned = ParseZonedTime("2026-12-01T06:30:00+08:00");
  ASSERT_TRUE(zoned.ok());
  EXPECT_EQ(zoned->offset_min, 480);
  EXPECT_EQ(FormatIsoTimeWithOffset(zoned->unix_ms, 480), "2026-12-01T06:30:00+08:00");
  EXPECT_FALSE(ParseZonedTime("2026-12-01T06:30").value().offset_min.has_value());
  // A hostile offset in a record renders as UTC, never overflows.
  EXPECT_EQ(FormatIsoTimeWithOffset(0, 100'000), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatLocalTime(INT64_MAX, 840).substr(0, 1), FormatIsoTime(INT64_MAX).substr(0, 1));
}

TEST(RecordJson, DocumentReferencesAndLossReasonsByName) {
  Result<v1::DocumentRef> ref = ParseDocumentRef("PO:4711/2026");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->type(), v1::DOCUMENT_TYPE_PO);
  EXPECT_EQ(ref->id(), "4711/2026");
  for (const char* bad : {"po", "po:", "invoice:1", ":1"}) {
    EXPECT_EQ(ParseDocumentRef(bad).status().reason(), Reason::kMalformed) << bad;
  }
  EXPECT_EQ(*ParseLossReason("Spoilage"), v1::LOSS_REASON_SPOILAGE);
  EXPECT_EQ(ParseLossReason("rot").status().reason(), Reason::kMalformed);
  EXPECT_EQ(LossReasonCode(v1::LOSS_REASON_DESTROYED), "destroyed");
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
  EXPECT_FALSE(j.contains("contact"));
  p.mutable_contact()->set_phone("+86 451 5555 0101");
  p.mutable_contact()->set_tz_offset_min(480);
  j = ParticipantToJson(p);
  EXPECT_EQ(j["contact"]["phone"], "+86 451 5555 0101");
  EXPECT_EQ(j["contact"]["tz"], "+08:00");
}

}  // namespace
}  // namespace agritrace::chain
