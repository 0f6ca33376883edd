// Quantity-true custody: partial shipments and receipts, rejections going back, cancelled
// shipments, losses, partial sales, pallets and event times. Every rejection leaves state
// unchanged (ExpectRejected checks it) and every accepted step keeps each lot conserved.
#include <gtest/gtest.h>

#include "chain/base/hash.h"
#include "chain/model/gs1.h"
#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::chain {
namespace {

using namespace testing_rules;  // NOLINT: the shared fixture's helpers and constants

constexpr char kSscc[] = "106141411234567897";  // extension 1, check digit 7
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

class CustodyTest : public RulesFixture {
 protected:
  CustodyTest() { Register(regulator_, "county-food-office", {v1::ROLE_REGULATOR}); }

  // Applies and returns the record (its id is the shipment id of a ship).
  Record ApplyRecordOk(const v1::RecordBody& body, const PrivateKey& key) {
    Record record = Sign(body, key);
    Status st = ApplySigned(record);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return record;
  }

  v1::RecordBody ReceiveSplitBody(const std::string& code, std::string_view accept,
                                  std::string_view reject, const std::string& reason = "",
                                  const Hash256* shipment = nullptr) {
    v1::RecordBody body = ReceiveBody(code);
    v1::Receive* receive = body.mutable_receive();
    if (!accept.empty()) *receive->mutable_accept() = Qty(accept);
    if (!reject.empty()) *receive->mutable_reject() = Qty(reject);
    receive->set_reject_reason(reason);
    if (shipment) receive->set_shipment(AsBytes(*shipment));
    return body;
  }

  v1::RecordBody CancelBody(const std::string& code, const Hash256& shipment) {
    v1::RecordBody body = Body();
    *body.mutable_cancel_shipment()->mutable_lot() = Lot(code);
    body.mutable_cancel_shipment()->set_shipment(AsBytes(shipment));
    return body;
  }

  v1::RecordBody LossBody(const std::string& code, std::string_view qty,
                          v1::LossReason reason = v1::LOSS_REASON_SPOILAGE) {
    v1::RecordBody body = Body();
    *body.mutable_loss()->mutable_lot() = Lot(code);
    *body.mutable_loss()->mutable_quantity() = Qty(qty);
    body.mutable_loss()->set_reason(reason);
    return body;
  }

  v1::RecordBody SellBody(const std::string& code, std::string_view qty = "") {
    v1::RecordBody body = Body();
    *body.mutable_sell()->mutable_lot() = Lot(code);
    if (!qty.empty()) *body.mutable_sell()->mutable_quantity() = Qty(qty);
    return body;
  }

  v1::RecordBody AggregateBody(const std::string& sscc,
                               std::vector<std::pair<std::string, std::string>> contents) {
    v1::RecordBody body = Body();
    body.mutable_aggregate()->set_sscc(sscc);
    for (const auto& [code, qty] : contents) {
      v1::LotAmount* content = body.mutable_aggregate()->add_contents();
      *content->mutable_lot() = Lot(code);
      *content->mutable_quantity() = Qty(qty);
    }
    return body;
  }

  v1::RecordBody PalletShipBody(const std::string& receiver) {
    v1::RecordBody body = Body();
    body.mutable_ship()->set_sscc(kSscc);
    body.mutable_ship()->set_receiver(receiver);
    return body;
  }

  v1::RecordBody PalletReceiveBody() {
    v1::RecordBody body = Body();
    body.mutable_receive()->set_sscc(kSscc);
    return body;
  }

  v1::RecordBody DisaggregateBody() {
    v1::RecordBody body = Body();
    body.mutable_disaggregate()->set_sscc(kSscc);
    return body;
  }

  v1::RecordBody RecallBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_recall()->mutable_lot() = Lot(code);
    body.mutable_recall()->set_reason("pesticide residue above limit");
    return body;
  }

  v1::RecordBody At(v1::RecordBody body, int64_t event_time_ms) {
    body.set_event_time_ms(event_time_ms);
    return body;
  }

  // The day at the farm: 1,000 kg harvested, 600 kg to the packer, 300 kg to the
  // retailer; the packer accepts 580 kg and rejects 20 kg, which the farmer takes back and
  // writes off as spoiled.
  void FarmGateDay() {
    ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
    ApplyOk(ShipBody("B1", Pub(packer_), "", "600kg"), farmer_);
    ApplyOk(ShipBody("B1", Pub(retailer_), "", "300kg"), farmer_);
    ApplyOk(ReceiveSplitBody("B1", "580kg", "20kg", "bruised"), packer_);
    ApplyOk(ReceiveBody("B1"), retailer_);
    ApplyOk(ReceiveBody("B1"), farmer_);  // the rejected 20 kg, back at the farm
    ApplyOk(LossBody("B1", "20kg"), farmer_);
  }

  PrivateKey regulator_ = PrivateKey::Generate();
};

// --- What a day of partial custody leaves

TEST_F(CustodyTest, PartialShipmentsRejectionAndLossAddUp) {
  FarmGateDay();
  v1::LotState lot = LotAt(kB1);
  EXPECT_EQ(Held(kB1, farmer_), 100'000);
  EXPECT_EQ(Held(kB1, packer_), 580'000);
  EXPECT_EQ(Held(kB1, retailer_), 300'000);
  EXPECT_EQ(lot.lost_milli(), 20'000);
  EXPECT_EQ(lot.in_transit_size(), 0);
  EXPECT_EQ(FormatQuantity(lot.quantity_left()), "980kg");
  EXPECT_EQ(lot.status(), v1::LOT_STATUS_ACTIVE);
  ExpectConserved(lot);
}

TEST_F(CustodyTest, AShipWithoutQuantityMovesEverythingTheSignerHolds) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_), "", "600kg"), farmer_);
  Record ship = ApplyRecordOk(ShipBody("B1", Pub(retailer_)), farmer_);
  v1::LotState lot = LotAt(kB1);
  ASSERT_EQ(lot.in_transit_size(), 2);
  EXPECT_EQ(lot.in_transit(1).shipment(), AsBytes(ship.id));
  EXPECT_EQ(lot.in_transit(1).milli(), 400'000);
  EXPECT_EQ(lot.status(), v1::LOT_STATUS_IN_TRANSIT);
  ExpectConserved(lot);
}

TEST_F(CustodyTest, TheRejectedPartTravelsBackAsAShipmentOfItsOwn) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_), "", "600kg"), farmer_);
  Record receive = ApplyRecordOk(ReceiveSplitBody("B1", "", "20kg", "bruised"), packer_);
  v1::LotState lot = LotAt(kB1);
  EXPECT_EQ(Held(kB1, packer_), 580'000);  // accept = the rest
  ASSERT_EQ(lot.in_transit_size(), 1);
  EXPECT_EQ(lot.in_transit(0).shipment(), AsBytes(receive.id));
  EXPECT_EQ(lot.in_transit(0).to(), Pub(farmer_));
  EXPECT_TRUE(lot.in_transit(0).returned());
  ExpectConserved(lot);
}

TEST_F(CustodyTest, TheShipperCancelsAShipmentNobodyReceived) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Record ship = ApplyRecordOk(ShipBody("B1", Pub(retailer_), "", "300kg"), farmer_);
  ExpectRejected(CancelBody("B1", ship.id), retailer_, Reason::kNotAuthorized);
  ApplyOk(CancelBody("B1", ship.id), farmer_);
  EXPECT_EQ(Held(kB1, farmer_), 1'000'000);
  ExpectRejected(ReceiveBody("B1"), retailer_, Reason::kNotInTransit);
  ExpectRejected(CancelBody("B1", ship.id), farmer_, Reason::kUnknownShipment);
  ExpectConserved(LotAt(kB1));
}

TEST_F(CustodyTest, AShipmentToAReceiverRevokedSinceIsCancelled) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Record ship = ApplyRecordOk(ShipBody("B1", Pub(retailer_)), farmer_);
  v1::RecordBody revoke = Body();
  revoke.mutable_revoke()->set_pubkey(Pub(retailer_));
  revoke.mutable_revoke()->set_reason("left the network");
  ApplyOk(revoke, admin_);
  ApplyOk(CancelBody("B1", ship.id), farmer_);
  EXPECT_EQ(Held(kB1, farmer_), 1'000'000);
}

TEST_F(CustodyTest, ARetailerSellsBagByBag) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(PackBody("B1", "500kg", "P1", "100pcs", "5kg"), packer_);
  ApplyOk(ShipBody("P1", Pub(retailer_), "", "40pcs"), packer_);
  ApplyOk(ReceiveBody("P1"), retailer_);
  ApplyOk(SellBody("P1", "25pcs"), retailer_);
  ApplyOk(SellBody("P1", "5pcs"), retailer_);
  v1::LotState lot = LotAt(kP1);
  EXPECT_EQ(lot.sold_milli(), 30'000);
  EXPECT_EQ(Held(kP1, retailer_), 10'000);
  EXPECT_EQ(Held(kP1, packer_), 60'000);
  ExpectConserved(lot);
  ApplyOk(SellBody("P1"), retailer_);  // the rest it holds
  EXPECT_EQ(Held(kP1, retailer_), 0);
  EXPECT_EQ(LotAt(kP1).sold_milli(), 40'000);
}

TEST_F(CustodyTest, APalletCarriesLotQuantitiesAsOneUnit) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(PackBody("B1", "500kg", "P1", "100pcs", "5kg"), packer_);
  ApplyOk(AggregateBody(kSscc, {{"P1", "60pcs"}}), packer_);
  EXPECT_EQ(Held(kP1, packer_), 40'000);
  EXPECT_EQ(Held(kP1, packer_, kSscc), 60'000);
  // While on the pallet the 60 bags move only with it.
  ExpectRejected(ShipBody("P1", Pub(retailer_), "", "50pcs"), packer_,
                 Reason::kInsufficientQuantity);
  ApplyOk(PalletShipBody(Pub(retailer_)), packer_);
  v1::LotState moving = LotAt(kP1);
  ASSERT_EQ(moving.in_transit_size(), 1);
  EXPECT_EQ(moving.in_transit(0).sscc(), kSscc);
  EXPECT_EQ(moving.in_transit(0).milli(), 60'000);
  ExpectRejected(ReceiveBody("P1"), retailer_, Reason::kOnPallet);  // comes with the pallet
  const Hash256 pallet_shipment = *ArrayFromBytes<32>(moving.in_transit(0).shipment());
  ExpectRejected(ReceiveSplitBody("P1", "", "", "", &pallet_shipment), retailer_,
                 Reason::kOnPallet);
  ApplyOk(PalletReceiveBody(), retailer_);
  EXPECT_EQ(Held(kP1, retailer_, kSscc), 60'000);
  ExpectRejected(SellBody("P1", "25pcs"), retailer_, Reason::kOnPallet);
  ApplyOk(DisaggregateBody(), retailer_);
  ApplyOk(SellBody("P1", "25pcs"), retailer_);
  EXPECT_EQ(Held(kP1, retailer_), 35'000);
  ExpectConserved(LotAt(kP1));
  v1::LotState pallet = LotAt(FormatPalletKey(kSscc));
  EXPECT_EQ(pallet.status(), v1::LOT_STATUS_CONSUMED);
  ExpectConserved(pallet);
  // An SSCC is used once.
  ExpectRejected(AggregateBody(kSscc, {{"P1", "5pcs"}}), retailer_, Reason::kLotExists);
}

TEST_F(CustodyTest, ARecalledLotMayBeDestroyedOrReturnedToItsProducerOnly) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(RecallBody("B1"), regulator_);
  ExpectRejected(ShipBody("B1", Pub(retailer_), "", "100kg"), packer_, Reason::kRecalled);
  ApplyOk(ShipBody("B1", Pub(farmer_), "", "100kg"), packer_);  // a return
  ApplyOk(LossBody("B1", "900kg", v1::LOSS_REASON_DESTROYED), packer_);
  EXPECT_EQ(LotAt(kB1).lost_milli(), 900'000);
  ExpectConserved(LotAt(kB1));
}

TEST_F(CustodyTest, EventTimeIsKeptApartFromSigningAndChecksOrder) {
  // Harvested 13 days ago, shipped 12 days ago, signed now.
  ApplyOk(At(HarvestBody("B1", "1000kg"), kNow - 13 * kDayMs), farmer_);
  ApplyOk(At(ShipBody("B1", Pub(packer_), "", "600kg"), kNow - 12 * kDayMs), farmer_);
  EXPECT_EQ(LotAt(kB1).in_transit(0).shipped_ms(), kNow - 12 * kDayMs);
  // Received before it left: refused.
  ExpectRejected(At(ReceiveBody("B1"), kNow - 12 * kDayMs - 1), packer_, Reason::kEventTime);
  ApplyOk(At(ReceiveBody("B1"), kNow - 11 * kDayMs), packer_);
  // Packed before it was received: refused.
  ExpectRejected(At(PackBody("B1", "100kg", "P1", "20pcs", "5kg"), kNow - 12 * kDayMs), packer_,
                 Reason::kEventTime);
  // More than the future window after the block time: refused.
  ExpectRejected(At(LossBody("B1", "1kg"), kNow + 11 * 60 * 1000), packer_, Reason::kEventTime);
}

// --- One test per rejection reason of the custody events

TEST_F(CustodyTest, RejectsShippingMoreThanTheSignerHolds) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Rejection r = ExpectRejected(ShipBody("B1", Pub(packer_), "", "1001kg"), farmer_,
                               Reason::kInsufficientQuantity);
  EXPECT_NE(r.message().find("1000kg"), std::string::npos) << r.message();
}

TEST_F(CustodyTest, RejectsShippingByAParticipantHoldingNone) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ShipBody("B1", Pub(retailer_), "", "1kg"), packer_, Reason::kNotCustodian);
}

TEST_F(CustodyTest, RejectsActingOnAPartStillOnItsWay) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_)), farmer_);
  Rejection r = ExpectRejected(PackBody("B1", "100kg", "P1", "20pcs", "5kg"), packer_,
                               Reason::kNotCustodian);
  EXPECT_NE(r.message().find("on its way"), std::string::npos) << r.message();
}

TEST_F(CustodyTest, RejectsAnAmountNotConvertibleIntoTheLotsUnit) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ShipBody("B1", Pub(packer_), "", "3pcs"), farmer_, Reason::kMalformed);
}

TEST_F(CustodyTest, RejectsReceivingALotThatWasNotShipped) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ReceiveBody("B1"), packer_, Reason::kNotInTransit);
}

TEST_F(CustodyTest, RejectsReceivingAnUnknownShipment) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_)), farmer_);
  const Hash256 unknown = Sha256("no such shipment");
  ExpectRejected(ReceiveSplitBody("B1", "", "", "", &unknown), packer_, Reason::kUnknownShipment);
}

TEST_F(CustodyTest, RejectsAReceiptThatDoesNotSayWhichOfSeveralShipments) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Record first = ApplyRecordOk(ShipBody("B1", Pub(packer_), "", "100kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_), "", "200kg"), farmer_);
  Rejection r = ExpectRejected(ReceiveBody("B1"), packer_, Reason::kUnknownShipment);
  EXPECT_NE(r.message().find(ToHex(first.id)), std::string::npos) << r.message();
  ApplyOk(ReceiveSplitBody("B1", "", "", "", &first.id), packer_);
  EXPECT_EQ(Held(kB1, packer_), 100'000);
}

TEST_F(CustodyTest, RejectsReceivingAShipmentToSomeoneElse) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Record ship = ApplyRecordOk(ShipBody("B1", Pub(packer_)), farmer_);
  ExpectRejected(ReceiveSplitBody("B1", "", "", "", &ship.id), retailer_, Reason::kNotAuthorized);
}

TEST_F(CustodyTest, RejectsAcceptedAndRejectedPartsThatDoNotAddUp) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_), "", "600kg"), farmer_);
  ExpectRejected(ReceiveSplitBody("B1", "500kg", "20kg", "bruised"), packer_,
                 Reason::kInsufficientQuantity);
  ExpectRejected(ReceiveSplitBody("B1", "700kg", "", ""), packer_, Reason::kInsufficientQuantity);
}

TEST_F(CustodyTest, RejectsARejectionWithoutItsReason) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_), "", "600kg"), farmer_);
  ExpectRejected(ReceiveSplitBody("B1", "580kg", "20kg", ""), packer_, Reason::kMalformed);
}

TEST_F(CustodyTest, RejectsALossOfMoreThanIsHeld) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(LossBody("B1", "1001kg"), farmer_, Reason::kInsufficientQuantity);
}

TEST_F(CustodyTest, RejectsALossWithoutItsReason) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(LossBody("B1", "1kg", v1::LOSS_REASON_UNSPECIFIED), farmer_, Reason::kMalformed);
}

TEST_F(CustodyTest, RejectsSellingMoreThanIsHeld) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(ShipBody("B1", Pub(retailer_), "", "10kg"), packer_);
  ApplyOk(ReceiveBody("B1"), retailer_);
  ExpectRejected(SellBody("B1", "11kg"), retailer_, Reason::kInsufficientQuantity);
}

TEST_F(CustodyTest, RejectsAPalletWithABadSscc) {
  LotAtPacker("B1", "1000kg");
  ExpectRejected(AggregateBody("106141411234567890", {{"B1", "1kg"}}), packer_,
                 Reason::kBadGs1Key);
}

TEST_F(CustodyTest, RejectsPuttingOnAPalletMoreThanIsHeld) {
  LotAtPacker("B1", "1000kg");
  ExpectRejected(AggregateBody(kSscc, {{"B1", "1001kg"}}), packer_,
                 Reason::kInsufficientQuantity);
}

TEST_F(CustodyTest, RejectsTakingApartAPalletHeldBySomeoneElse) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(AggregateBody(kSscc, {{"B1", "100kg"}}), packer_);
  ExpectRejected(DisaggregateBody(), retailer_, Reason::kNotCustodian);
}

TEST_F(CustodyTest, RejectsReceivingPartOfAPallet) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(AggregateBody(kSscc, {{"B1", "100kg"}}), packer_);
  ApplyOk(PalletShipBody(Pub(retailer_)), packer_);
  v1::RecordBody body = PalletReceiveBody();
  *body.mutable_receive()->mutable_accept() = Qty("1pcs");
  ExpectRejected(body, retailer_, Reason::kMalformed);
}

TEST_F(CustodyTest, RejectsALotSplitIntoMorePartsThanTheLimit) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  for (size_t i = 1; i < kMaxLotParts; ++i) {
    ApplyOk(ShipBody("B1", Pub(packer_), "", "0.5kg"), farmer_);
  }
  ExpectRejected(ShipBody("B1", Pub(packer_), "", "0.5kg"), farmer_, Reason::kTooLarge);
}

TEST_F(CustodyTest, RejectsNamingBothALotAndAPallet) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  v1::RecordBody body = ShipBody("B1", Pub(packer_));
  body.mutable_ship()->set_sscc(kSscc);
  ExpectRejected(body, farmer_, Reason::kMalformed);
}

// --- Master data

TEST_F(CustodyTest, AParticipantUpdatesItsOwnDetailsAndNoOneElseCan) {
  v1::RecordBody body = Body();
  v1::UpdateParticipant* update = body.mutable_update_participant();
  update->set_pubkey(Pub(farmer_));
  update->set_address("12 Rice Road, Wuchang");
  update->set_phone("+86 451 5555 0101");
  update->set_gln("0614141000005");
  update->set_tz_offset_min(480);
  ExpectRejected(body, packer_, Reason::kNotAuthorized);
  ApplyOk(body, farmer_);
  std::optional<v1::Participant> p = state_.GetParticipant(farmer_.public_key());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->contact().address(), "12 Rice Road, Wuchang");
  EXPECT_EQ(p->contact().tz_offset_min(), 480);
  EXPECT_EQ(p->location().gln(), "0614141000005");
  body.set_nonce(body.nonce() + 1000);
  body.mutable_update_participant()->set_phone("call me");
  ExpectRejected(body, admin_, Reason::kMalformed);
}

TEST_F(CustodyTest, AParticipantHasAPartyGlnApartFromItsLocationGln) {
  v1::RecordBody body = Body();
  body.mutable_update_participant()->set_pubkey(Pub(farmer_));
  body.mutable_update_participant()->set_party_gln("6901234000061");
  ApplyOk(body, farmer_);
  std::optional<v1::Participant> p = state_.GetParticipant(farmer_.public_key());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->contact().party_gln(), "6901234000061");
  EXPECT_EQ(p->location().gln(), "");
  body = Body();
  body.mutable_update_participant()->set_pubkey(Pub(farmer_));
  body.mutable_update_participant()->set_party_gln("6901234000062");  // wrong check digit
  ExpectRejected(body, farmer_, Reason::kBadGs1Key);
}

TEST_F(CustodyTest, RejectsUpdatingAnUnknownParticipant) {
  v1::RecordBody body = Body();
  body.mutable_update_participant()->set_pubkey(Pub(PrivateKey::Generate()));
  body.mutable_update_participant()->set_phone("+86 451 5555 0102");
  ExpectRejected(body, admin_, Reason::kUnknownParticipant);
}

TEST_F(CustodyTest, RejectsUpdatingARevokedParticipant) {
  v1::RecordBody revoke = Body();
  revoke.mutable_revoke()->set_pubkey(Pub(retailer_));
  revoke.mutable_revoke()->set_reason("left the network");
  ApplyOk(revoke, admin_);
  v1::RecordBody body = Body();
  body.mutable_update_participant()->set_pubkey(Pub(retailer_));
  body.mutable_update_participant()->set_phone("+86 451 5555 0103");
  ExpectRejected(body, admin_, Reason::kRevoked);
}

// --- Cooling (FSMA 204, 21 CFR 1.1325(b)): the holder who cools records it

v1::RecordBody CoolBody(v1::RecordBody body, const std::string& code,
                        v1::CoolingMethod method = v1::COOLING_METHOD_FORCED_AIR) {
  *body.mutable_cool()->mutable_lot() = Lot(code);
  body.mutable_cool()->set_method(method);
  return body;
}

TEST_F(CustodyTest, TheHolderCoolsALotWhichJoinsItsHistoryAndMovesNothing) {
  ApplyOk(At(HarvestBody("B1", "1000kg"), kNow - 2 * kDayMs), farmer_);
  const v1::LotState before = LotAt(kB1);
  v1::RecordBody cool = At(CoolBody(Body(), "B1", v1::COOLING_METHOD_HYDROCOOLING),
                           kNow - 2 * kDayMs + 3600 * 1000);
  cool.mutable_cool()->mutable_location()->set_name("Packing shed cold room");
  const Record record = ApplyRecordOk(cool, farmer_);
  EXPECT_EQ(LotAt(kB1).ShortDebugString(), before.ShortDebugString());
  bool in_history = false;
  for (const HistoryChange& h : state_.history()) {
    in_history = in_history || (h.lot_key == kB1 && h.record_id == record.id);
  }
  EXPECT_TRUE(in_history);
  // A receiver cools what it received; stock on a pallet goes into cold storage whole.
  ApplyOk(ShipBody("B1", Pub(packer_), "", "600kg"), farmer_);
  ApplyOk(ReceiveBody("B1"), packer_);
  ApplyOk(CoolBody(Body(), "B1", v1::COOLING_METHOD_COLD_STORAGE), packer_);
  ApplyOk(AggregateBody(kSscc, {{"B1", "600kg"}}), packer_);
  ApplyOk(CoolBody(Body(), "B1", v1::COOLING_METHOD_COLD_STORAGE), packer_);
}

TEST_F(CustodyTest, RejectsCoolingAnUnknownLot) {
  ExpectRejected(CoolBody(Body(), "B9"), farmer_, Reason::kUnknownLot);
}

TEST_F(CustodyTest, RejectsCoolingWithoutAMethod) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Rejection r = ExpectRejected(CoolBody(Body(), "B1", v1::COOLING_METHOD_UNSPECIFIED), farmer_,
                               Reason::kMalformed);
  EXPECT_NE(r.message().find("forced-air"), std::string::npos) << r.message();
  ExpectRejected(CoolBody(Body(), "B1", static_cast<v1::CoolingMethod>(42)), farmer_,
                 Reason::kMalformed);
}

TEST_F(CustodyTest, RejectsCoolingAtAMalformedLocation) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  v1::RecordBody cool = CoolBody(Body(), "B1");
  cool.mutable_cool()->mutable_location()->set_gln("1234567890123");  // bad check digit
  ExpectRejected(cool, farmer_, Reason::kBadGs1Key);
}

TEST_F(CustodyTest, RejectsCoolingByAParticipantHoldingNone) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Rejection r = ExpectRejected(CoolBody(Body(), "B1"), packer_, Reason::kNotCustodian);
  EXPECT_NE(r.message().find("cool"), std::string::npos) << r.message();
}

TEST_F(CustodyTest, RejectsCoolingALotStillOnItsWay) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_)), farmer_);
  ExpectRejected(CoolBody(Body(), "B1"), packer_, Reason::kNotCustodian);  // not received yet
  ExpectRejected(CoolBody(Body(), "B1"), farmer_, Reason::kInTransit);     // shipped away
}

TEST_F(CustodyTest, RejectsCoolingALotThatIsUsedUp) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(LossBody("B1", "1000kg"), farmer_);
  ExpectRejected(CoolBody(Body(), "B1"), farmer_, Reason::kInsufficientQuantity);
}

TEST_F(CustodyTest, RejectsCoolingBeforeTheLotWasHeld) {
  ApplyOk(At(HarvestBody("B1", "1000kg"), kNow - kDayMs), farmer_);
  ExpectRejected(At(CoolBody(Body(), "B1"), kNow - 2 * kDayMs), farmer_, Reason::kEventTime);
}

TEST_F(CustodyTest, RejectsCoolingARecalledLot) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(RecallBody("B1"), regulator_);
  ExpectRejected(CoolBody(Body(), "B1"), farmer_, Reason::kRecalled);
}

TEST_F(CustodyTest, RejectsCoolingByARevokedParticipant) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  v1::RecordBody revoke = Body();
  revoke.mutable_revoke()->set_pubkey(Pub(farmer_));
  revoke.mutable_revoke()->set_reason("left the co-op");
  ApplyOk(revoke, admin_);
  ExpectRejected(CoolBody(Body(), "B1"), farmer_, Reason::kRevoked);
}

}  // namespace
}  // namespace agritrace::chain
