#include "chain/rules/rules.h"

#include <gtest/gtest.h>

#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::chain {
namespace {

using namespace testing_rules;  // NOLINT: the shared fixture's helpers and constants

class RulesTest : public RulesFixture {};

// --- Happy paths

TEST_F(RulesTest, HarvestCreatesActiveLotOwnedAndHeldByTheFarmer) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  Record record = Sign(body, farmer_);
  ASSERT_TRUE(ApplySigned(record).ok());

  v1::LotState lot = LotAt(kB1);
  EXPECT_EQ(lot.commodity(), "tomatoes");
  EXPECT_EQ(lot.variety(), "Roma");
  EXPECT_EQ(FormatQuantity(lot.quantity()), "1000kg");
  EXPECT_EQ(FormatQuantity(lot.quantity_left()), "1000kg");
  EXPECT_EQ(lot.owner(), Pub(farmer_));
  EXPECT_EQ(Held(kB1, farmer_), 1'000'000);
  EXPECT_EQ(lot.status(), v1::LOT_STATUS_ACTIVE);
  ExpectConserved(lot);
  EXPECT_EQ(lot.created_by_record(), AsBytes(record.id));
  EXPECT_EQ(lot.created_height(), 7u);
  EXPECT_FALSE(lot.has_net_mass_per_unit());
  EXPECT_TRUE(state_.HasNonce(farmer_.public_key(), body.nonce()));
  EXPECT_TRUE(state_.HasRecord(record.id));
  EXPECT_EQ(state_.records().at(record.id), std::make_pair(uint64_t{7}, ctx_.index));
  ASSERT_EQ(state_.history().size(), 1u);
  EXPECT_EQ(state_.history()[0].lot_key, kB1);
  EXPECT_EQ(state_.history()[0].record_id, record.id);
}

TEST_F(RulesTest, FollowsALotFromHarvestToRetailer) {
  LotAtPacker("B1", "1000kg");
  Record pack = Sign(PackBody("B1", "600kg", "P1", "120pcs", "5kg"), packer_);
  ASSERT_TRUE(ApplySigned(pack).ok());
  ApplyOk(ShipBody("P1", Pub(retailer_), Pub(carrier_)), packer_);

  v1::LotState shipped = LotAt(kP1);
  EXPECT_EQ(shipped.status(), v1::LOT_STATUS_IN_TRANSIT);
  ASSERT_EQ(shipped.in_transit_size(), 1);
  EXPECT_EQ(shipped.in_transit(0).to(), Pub(retailer_));
  EXPECT_EQ(shipped.in_transit(0).carrier(), Pub(carrier_));
  EXPECT_EQ(shipped.in_transit(0).from(), Pub(packer_));
  EXPECT_EQ(shipped.holdings_size(), 0);
  ExpectConserved(shipped);

  ApplyOk(ReceiveBody("P1"), retailer_);

  v1::LotState field_lot = LotAt(kB1);
  EXPECT_EQ(FormatQuantity(field_lot.quantity_left()), "400kg");
  EXPECT_EQ(field_lot.status(), v1::LOT_STATUS_ACTIVE);
  EXPECT_EQ(Held(kB1, packer_), 400'000);
  ExpectConserved(field_lot);
  EXPECT_EQ(field_lot.owner(), Pub(farmer_));

  v1::LotState packed = LotAt(kP1);
  EXPECT_EQ(FormatQuantity(packed.quantity()), "120pcs");
  EXPECT_EQ(FormatQuantity(packed.quantity_left()), "120pcs");
  EXPECT_EQ(FormatQuantity(packed.net_mass_per_unit()), "5kg");
  EXPECT_EQ(packed.commodity(), "tomatoes");  // inherited from B1
  EXPECT_EQ(packed.variety(), "Roma");
  EXPECT_EQ(packed.owner(), Pub(packer_));
  EXPECT_EQ(Held(kP1, retailer_), 120'000);
  EXPECT_EQ(packed.status(), v1::LOT_STATUS_ACTIVE);
  EXPECT_EQ(packed.in_transit_size(), 0);
  ExpectConserved(packed);
  EXPECT_EQ(packed.created_by_record(), AsBytes(pack.id));
  ASSERT_EQ(packed.parents_size(), 1);
  EXPECT_EQ(FormatLotKey(packed.parents(0)), kB1);

  ASSERT_EQ(state_.lineage().size(), 1u);
  EXPECT_EQ(state_.lineage()[0].parent_key, kB1);
  EXPECT_EQ(state_.lineage()[0].child_key, kP1);
  EXPECT_EQ(state_.lineage()[0].record_id, pack.id);
  EXPECT_EQ(HistoryCount(kB1), 4u);  // harvest, ship, receive, pack
  EXPECT_EQ(HistoryCount(kP1), 3u);  // pack, ship, receive
  EXPECT_EQ(state_.nonces().size(), 6u);
  EXPECT_EQ(state_.records().size(), 6u);
}

TEST_F(RulesTest, PackingEverythingLeftMarksTheLotConsumed) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(PackBody("B1", "1000kg", "P1", "200pcs", "5kg"), packer_);
  v1::LotState lot = LotAt(kB1);
  EXPECT_EQ(lot.quantity_left().milli(), 0);
  EXPECT_EQ(lot.status(), v1::LOT_STATUS_CONSUMED);
}

TEST_F(RulesTest, ConvertsConsumedAmountsIntoTheLotsUnit) {
  LotAtPacker("B1", "1t");
  ApplyOk(PackBody("B1", "600kg", "P1", "600000g"), packer_);
  EXPECT_EQ(FormatQuantity(LotAt(kB1).quantity_left()), "0.4t");
  ApplyOk(PackBody("B1", "150000g", "P2", "0.15t"), packer_);
  EXPECT_EQ(FormatQuantity(LotAt(kB1).quantity_left()), "0.25t");
  EXPECT_EQ(FormatQuantity(LotAt(KeyOf("P2")).quantity()), "0.15t");
}

TEST_F(RulesTest, AllowsOutputsLighterThanInputs) {
  LotAtPacker("B1", "1000kg");
  // Trimming loses mass: 600 kg in, 580 kg packed.
  ApplyOk(PackBody("B1", "600kg", "P1", "116pcs", "5kg"), packer_);
  EXPECT_EQ(LotAt(kP1).quantity().milli(), 116'000);
}

TEST_F(RulesTest, MixesSeveralInputLotsIntoOneOutput) {
  LotAtPacker("B1", "500kg");
  LotAtPacker("B2", "300kg");
  v1::RecordBody body = Body();
  v1::Transform* transform = body.mutable_transform();
  transform->set_kind(v1::TRANSFORM_KIND_PACK);
  AddInput(transform, "B1", "500kg");
  AddInput(transform, "B2", "300kg");
  AddOutput(transform, "MIX", "800kg");
  ApplyOk(body, packer_);

  v1::LotState mix = LotAt(KeyOf("MIX"));
  ASSERT_EQ(mix.parents_size(), 2);
  EXPECT_EQ(FormatLotKey(mix.parents(0)), kB1);
  EXPECT_EQ(FormatLotKey(mix.parents(1)), KeyOf("B2"));
  EXPECT_EQ(state_.lineage().size(), 2u);
  EXPECT_EQ(LotAt(kB1).status(), v1::LOT_STATUS_CONSUMED);
  EXPECT_EQ(LotAt(KeyOf("B2")).status(), v1::LOT_STATUS_CONSUMED);
}

TEST_F(RulesTest, OutputsMayNameTheirOwnCommodityAndVariety) {
  Register(packer_, "packhouse", {v1::ROLE_PACKER, v1::ROLE_PROCESSOR});
  LotAtPacker("B1", "1000kg");
  v1::RecordBody body = PackBody("B1", "100kg", "SAUCE", "90kg");
  body.mutable_transform()->set_kind(v1::TRANSFORM_KIND_TRANSFORM);
  body.mutable_transform()->mutable_outputs(0)->set_commodity("tomato sauce");
  body.mutable_transform()->mutable_outputs(0)->set_variety("classic");
  ApplyOk(body, packer_);
  EXPECT_EQ(LotAt(KeyOf("SAUCE")).commodity(), "tomato sauce");
  EXPECT_EQ(LotAt(KeyOf("SAUCE")).variety(), "classic");
}

TEST_F(RulesTest, RepackingACountLotWeighsItByNetMassPerUnit) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(PackBody("B1", "600kg", "P1", "120pcs", "5kg"), packer_);
  // 60 pcs of 5 kg = 300 kg in; 11 cases of 30 kg = 330 kg is too much.
  ExpectRejected(PackBody("P1", "60pcs", "C1", "11case", "30kg"), packer_, Reason::kMassBalance);
  ApplyOk(PackBody("P1", "60pcs", "C1", "10case", "30kg"), packer_);
  EXPECT_EQ(FormatQuantity(LotAt(kP1).quantity_left()), "60pcs");
  EXPECT_EQ(FormatQuantity(LotAt(KeyOf("C1")).net_mass_per_unit()), "30kg");
}

TEST_F(RulesTest, AdminRegistersAParticipant) {
  PrivateKey newcomer = PrivateKey::Generate();
  v1::RecordBody body = RegisterBody(newcomer, "hill-farm", {v1::ROLE_FARMER});
  body.mutable_register_participant()->set_organization("Hill Farm Co-op");
  body.mutable_register_participant()->mutable_location()->set_gln("0614141000005");
  body.mutable_register_participant()->mutable_location()->set_lat_e6(45'120'000);
  body.mutable_register_participant()->mutable_location()->set_lon_e6(127'450'000);
  ApplyOk(body, admin_);

  std::optional<v1::Participant> p = state_.GetParticipant(newcomer.public_key());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name(), "hill-farm");
  EXPECT_EQ(p->organization(), "Hill Farm Co-op");
  EXPECT_EQ(p->location().gln(), "0614141000005");
  EXPECT_EQ(p->registered_height(), 7u);
  ASSERT_EQ(p->roles_size(), 1);
  EXPECT_EQ(p->roles(0), v1::ROLE_FARMER);
  EXPECT_EQ(state_.FindParticipantByName("hill-farm"), newcomer.public_key());
  // The new farmer can now sign.
  ApplyOk(HarvestBody("H1", "10kg"), newcomer);
}

TEST_F(RulesTest, HarvestInCountUnitsKeepsNetMass) {
  v1::RecordBody body = HarvestBody("M1", "50pcs");
  *body.mutable_harvest()->mutable_net_mass_per_unit() = Qty("1.2kg");
  ApplyOk(body, farmer_);
  EXPECT_EQ(FormatQuantity(LotAt(KeyOf("M1")).net_mass_per_unit()), "1.2kg");
}

// --- Stateless rejections

TEST_F(RulesTest, RejectsRecordSignedForAnotherChain) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  body.set_chain_id("agritrace-other");
  Status st = ExpectRejected(body, farmer_, Reason::kWrongChain);
  EXPECT_NE(st.message().find("agritrace-other"), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsRecordSignedMoreThanAWeekAgo) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  body.set_timestamp_ms(kNow - params_.max_record_age_ms - 1);
  ExpectRejected(body, farmer_, Reason::kStaleTimestamp);
}

TEST_F(RulesTest, RejectsRecordDatedInTheFuture) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  body.set_timestamp_ms(kNow + params_.max_record_future_ms + 1);
  Status st = ExpectRejected(body, farmer_, Reason::kStaleTimestamp);
  EXPECT_NE(st.message().find("future"), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsExtremeTimestampsWithoutOverflow) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  body.set_timestamp_ms(INT64_MIN);
  ExpectRejected(body, farmer_, Reason::kStaleTimestamp);
  body.set_timestamp_ms(INT64_MAX);
  ExpectRejected(body, farmer_, Reason::kStaleTimestamp);
}

TEST_F(RulesTest, AcceptsTimestampsAtTheEdgesOfTheWindow) {
  v1::RecordBody old_body = HarvestBody("B1", "1000kg");
  old_body.set_timestamp_ms(kNow - params_.max_record_age_ms);
  ApplyOk(old_body, farmer_);
  v1::RecordBody new_body = HarvestBody("B2", "1000kg");
  new_body.set_timestamp_ms(kNow + params_.max_record_future_ms);
  ApplyOk(new_body, farmer_);
}

TEST_F(RulesTest, RejectsGtinWithWrongCheckDigit) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  body.mutable_harvest()->mutable_lot()->set_gtin("06901234567891");
  ExpectRejected(body, farmer_, Reason::kBadGs1Key);
}

TEST_F(RulesTest, RejectsLotCodeOutsideGs1CharacterSet) {
  ExpectRejected(HarvestBody("B 1", "1000kg"), farmer_, Reason::kBadGs1Key);
  ExpectRejected(HarvestBody(std::string(21, 'B'), "1000kg"), farmer_, Reason::kBadGs1Key);
}

TEST_F(RulesTest, RejectsLocationWithBadGln) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  body.mutable_harvest()->mutable_location()->set_gln("0614141000006");
  ExpectRejected(body, farmer_, Reason::kBadGs1Key);
}

TEST_F(RulesTest, RejectsBadGs1KeysInTransformAndShip) {
  LotAtPacker("B1", "1000kg");
  v1::RecordBody pack = PackBody("B1", "100kg", "P1", "100kg");
  pack.mutable_transform()->mutable_outputs(0)->mutable_lot()->set_gtin("123");
  ExpectRejected(pack, packer_, Reason::kBadGs1Key);
  v1::RecordBody ship = ShipBody("B1", Pub(retailer_));
  ship.mutable_ship()->mutable_lot()->set_lot("");
  ExpectRejected(ship, packer_, Reason::kBadGs1Key);
}

TEST_F(RulesTest, RejectsOverlongText) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  body.mutable_harvest()->set_commodity(std::string(kMaxTextBytes + 1, 'x'));
  Status st = ExpectRejected(body, farmer_, Reason::kTooLarge);
  EXPECT_NE(st.message().find("commodity"), std::string::npos) << st.message();
  body.mutable_harvest()->set_commodity(std::string(kMaxTextBytes, 'x'));
  ApplyOk(body, farmer_);
}

TEST_F(RulesTest, RejectsTooManyTransformInputs) {
  v1::RecordBody body = Body();
  v1::Transform* transform = body.mutable_transform();
  transform->set_kind(v1::TRANSFORM_KIND_PACK);
  for (size_t i = 0; i <= kMaxTransformInputs; ++i)
    AddInput(transform, "B" + std::to_string(i), "1kg");
  AddOutput(transform, "P1", "1kg");
  ExpectRejected(body, packer_, Reason::kTooLarge);
}

TEST_F(RulesTest, RejectsTooManyRoles) {
  PrivateKey newcomer = PrivateKey::Generate();
  std::vector<v1::Role> roles(kMaxRolesPerParticipant + 1, v1::ROLE_FARMER);
  ExpectRejected(RegisterBody(newcomer, "greedy", roles), admin_, Reason::kTooLarge);
}

struct MalformedCase {
  const char* what;
  std::function<void(v1::RecordBody&)> mutate;
};

TEST_F(RulesTest, RejectsMalformedHarvests) {
  const std::vector<MalformedCase> cases = {
      {"zero quantity",
       [](v1::RecordBody& b) { b.mutable_harvest()->mutable_quantity()->set_milli(0); }},
      {"negative quantity",
       [](v1::RecordBody& b) { b.mutable_harvest()->mutable_quantity()->set_milli(-5); }},
      {"unknown unit",
       [](v1::RecordBody& b) { b.mutable_harvest()->mutable_quantity()->set_unit("lb"); }},
      {"count without net mass",
       [](v1::RecordBody& b) { *b.mutable_harvest()->mutable_quantity() = Qty("10pcs"); }},
      {"net mass in a count unit",
       [](v1::RecordBody& b) {
         *b.mutable_harvest()->mutable_quantity() = Qty("10pcs");
         *b.mutable_harvest()->mutable_net_mass_per_unit() = Qty("2case");
       }},
      {"no commodity", [](v1::RecordBody& b) { b.mutable_harvest()->clear_commodity(); }},
      {"latitude beyond the pole",
       [](v1::RecordBody& b) { b.mutable_harvest()->mutable_location()->set_lat_e6(90'000'001); }},
      {"longitude beyond the date line",
       [](v1::RecordBody& b) {
         b.mutable_harvest()->mutable_location()->set_lon_e6(-180'000'001);
       }},
  };
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.what);
    v1::RecordBody body = HarvestBody("B1", "1000kg");
    c.mutate(body);
    ExpectRejected(body, farmer_, Reason::kMalformed);
  }
}

TEST_F(RulesTest, RejectsMalformedTransforms) {
  LotAtPacker("B1", "1000kg");
  const std::vector<MalformedCase> cases = {
      {"no kind", [](v1::RecordBody& b) { b.mutable_transform()->clear_kind(); }},
      {"no inputs", [](v1::RecordBody& b) { b.mutable_transform()->clear_inputs(); }},
      {"no outputs", [](v1::RecordBody& b) { b.mutable_transform()->clear_outputs(); }},
      {"duplicate input", [](v1::RecordBody& b) { AddInput(b.mutable_transform(), "B1", "1kg"); }},
      {"duplicate output",
       [](v1::RecordBody& b) { AddOutput(b.mutable_transform(), "P1", "1kg"); }},
      {"zero input amount",
       [](v1::RecordBody& b) {
         b.mutable_transform()->mutable_inputs(0)->mutable_quantity()->set_milli(0);
       }},
      {"count output without net mass",
       [](v1::RecordBody& b) {
         *b.mutable_transform()->mutable_outputs(0)->mutable_quantity() = Qty("10pcs");
       }},
  };
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.what);
    v1::RecordBody body = PackBody("B1", "100kg", "P1", "100kg");
    c.mutate(body);
    ExpectRejected(body, packer_, Reason::kMalformed);
  }
}

TEST_F(RulesTest, RejectsMalformedShipments) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ShipBody("B1", Pub(packer_).substr(1)), farmer_, Reason::kMalformed);
  ExpectRejected(ShipBody("B1", Pub(packer_), "short"), farmer_, Reason::kMalformed);
}

TEST_F(RulesTest, RejectsMalformedRegistrations) {
  PrivateKey newcomer = PrivateKey::Generate();
  const std::vector<MalformedCase> cases = {
      {"short key",
       [](v1::RecordBody& b) { b.mutable_register_participant()->mutable_pubkey()->pop_back(); }},
      {"key off the curve",
       [](v1::RecordBody& b) {
         b.mutable_register_participant()->set_pubkey(std::string(32, '\xff'));
       }},
      {"empty name", [](v1::RecordBody& b) { b.mutable_register_participant()->clear_name(); }},
      {"name with a space",
       [](v1::RecordBody& b) { b.mutable_register_participant()->set_name("li farm"); }},
      {"name too long",
       [](v1::RecordBody& b) { b.mutable_register_participant()->set_name(std::string(65, 'a')); }},
      {"no roles", [](v1::RecordBody& b) { b.mutable_register_participant()->clear_roles(); }},
      {"unspecified role",
       [](v1::RecordBody& b) {
         b.mutable_register_participant()->add_roles(v1::ROLE_UNSPECIFIED);
       }},
      {"unknown role number",
       [](v1::RecordBody& b) {
         b.mutable_register_participant()->add_roles(static_cast<v1::Role>(99));
       }},
  };
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.what);
    v1::RecordBody body = RegisterBody(newcomer, "new-farm", {v1::ROLE_FARMER});
    c.mutate(body);
    ExpectRejected(body, admin_, Reason::kMalformed);
  }
  // A name of exactly 64 allowed characters is fine.
  ApplyOk(RegisterBody(newcomer, std::string(63, 'a') + ".", {v1::ROLE_FARMER}), admin_);
}

TEST_F(RulesTest, RejectsRecordWithoutEvent) {
  Record record = Sign(HarvestBody("B1", "1000kg"), farmer_);
  record.body.clear_harvest();
  EXPECT_EQ(ApplySigned(record).reason(), Reason::kMalformed);
  EXPECT_TRUE(state_.lots().empty());
}

// --- Stateful rejections

TEST_F(RulesTest, RejectsRecordFromUnregisteredKey) {
  Status st = ExpectRejected(HarvestBody("B1", "1000kg"), stranger_, Reason::kUnknownSigner);
  EXPECT_NE(st.message().find(ToHex(stranger_.public_key()).substr(0, 16)), std::string::npos);
}

TEST_F(RulesTest, RejectsHarvestByNonFarmer) {
  Status st = ExpectRejected(HarvestBody("B1", "1000kg"), packer_, Reason::kNotAuthorized);
  EXPECT_NE(st.message().find("farmer"), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsPackingByFarmer) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(PackBody("B1", "100kg", "P1", "100kg"), farmer_, Reason::kNotAuthorized);
}

TEST_F(RulesTest, RejectsRegistrationByNonAdmin) {
  PrivateKey newcomer = PrivateKey::Generate();
  ExpectRejected(RegisterBody(newcomer, "new-farm", {v1::ROLE_FARMER}), farmer_,
                 Reason::kNotAuthorized);
}

TEST_F(RulesTest, RejectsReceiveByParticipantOtherThanTheReceiver) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_), Pub(carrier_)), farmer_);
  Status st = ExpectRejected(ReceiveBody("B1"), retailer_, Reason::kNotAuthorized);
  EXPECT_NE(st.message().find("packhouse"), std::string::npos) << st.message();
  ExpectRejected(ReceiveBody("B1"), carrier_, Reason::kNotAuthorized);
}

TEST_F(RulesTest, RejectsCarrierWithoutCarrierRole) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ShipBody("B1", Pub(packer_), Pub(retailer_)), farmer_, Reason::kNotAuthorized);
}

TEST_F(RulesTest, RejectsReusedNonce) {
  v1::RecordBody first = HarvestBody("B1", "1000kg");
  ApplyOk(first, farmer_);
  v1::RecordBody second = HarvestBody("B2", "500kg");
  second.set_nonce(first.nonce());
  ExpectRejected(second, farmer_, Reason::kReplay);
}

TEST_F(RulesTest, RejectsTheSameRecordTwice) {
  Record record = Sign(HarvestBody("B1", "1000kg"), farmer_);
  ASSERT_TRUE(ApplySigned(record).ok());
  const std::string before = Snapshot();
  EXPECT_EQ(ApplySigned(record).reason(), Reason::kReplay);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(RulesTest, RejectsRecordWhoseIdIsAlreadyApplied) {
  Record record = Sign(HarvestBody("B1", "1000kg"), farmer_);
  state_.AddRecord(record.id, 3, 0);
  const std::string before = Snapshot();
  EXPECT_EQ(ApplySigned(record).reason(), Reason::kReplay);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(RulesTest, NoncesArePerSigner) {
  v1::RecordBody harvest = HarvestBody("B1", "1000kg");
  ApplyOk(harvest, farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_)), farmer_);
  v1::RecordBody receive = ReceiveBody("B1");
  receive.set_nonce(harvest.nonce());  // the farmer's nonce, but another signer
  ApplyOk(receive, packer_);
}

TEST_F(RulesTest, RejectsHarvestOfExistingLot) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Status st = ExpectRejected(HarvestBody("B1", "200kg"), farmer_, Reason::kLotExists);
  EXPECT_NE(st.message().find(kB1), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsTransformOutputThatAlreadyExists) {
  LotAtPacker("B1", "1000kg");
  ExpectRejected(PackBody("B1", "100kg", "B1", "100kg"), packer_, Reason::kLotExists);
}

TEST_F(RulesTest, RejectsShippingUnknownLot) {
  Status st = ExpectRejected(ShipBody("NOPE", Pub(packer_)), farmer_, Reason::kUnknownLot);
  EXPECT_NE(st.message().find(KeyOf("NOPE")), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsPackingUnknownLot) {
  ExpectRejected(PackBody("NOPE", "100kg", "P1", "100kg"), packer_, Reason::kUnknownLot);
}

TEST_F(RulesTest, RejectsReceivingUnknownLot) {
  ExpectRejected(ReceiveBody("NOPE"), packer_, Reason::kUnknownLot);
}

TEST_F(RulesTest, RejectsPackingLotHeldBySomeoneElse) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Status st =
      ExpectRejected(PackBody("B1", "100kg", "P1", "100kg"), packer_, Reason::kNotCustodian);
  EXPECT_NE(st.message().find("li-farm"), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsPackingBeforeRecordingReceipt) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_)), farmer_);
  Status st =
      ExpectRejected(PackBody("B1", "100kg", "P1", "100kg"), packer_, Reason::kNotCustodian);
  EXPECT_NE(st.message().find("receiving"), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsShippingByNonCustodian) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ShipBody("B1", Pub(retailer_)), packer_, Reason::kNotCustodian);
}

TEST_F(RulesTest, RejectsPackingMoreThanWasHarvested) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(PackBody("B1", "600kg", "P1", "120pcs", "5kg"), packer_);
  Status st = ExpectRejected(PackBody("B1", "600kg", "P2", "600kg"), packer_,
                             Reason::kInsufficientQuantity);
  EXPECT_EQ(st.message(), "packhouse holds 400kg of lot 01/06901234567892/10/B1; this record needs 600kg");
}

TEST_F(RulesTest, RejectsPackingAConsumedLot) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(PackBody("B1", "1t", "P1", "1000kg"), packer_);
  Status st =
      ExpectRejected(PackBody("B1", "1kg", "P2", "1kg"), packer_, Reason::kInsufficientQuantity);
  EXPECT_NE(st.message().find("used up"), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsShippingAConsumedLot) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(PackBody("B1", "1000kg", "P1", "1000kg"), packer_);
  Status st =
      ExpectRejected(ShipBody("B1", Pub(retailer_)), packer_, Reason::kInsufficientQuantity);
  EXPECT_NE(st.message().find("nothing left"), std::string::npos) << st.message();
}

TEST_F(RulesTest, FailedSecondInputLeavesFirstInputUntouched) {
  LotAtPacker("B1", "500kg");
  LotAtPacker("B2", "300kg");
  v1::RecordBody body = Body();
  v1::Transform* transform = body.mutable_transform();
  transform->set_kind(v1::TRANSFORM_KIND_PACK);
  AddInput(transform, "B1", "500kg");
  AddInput(transform, "B2", "301kg");
  AddOutput(transform, "MIX", "800kg");
  ExpectRejected(body, packer_, Reason::kInsufficientQuantity);
  EXPECT_EQ(FormatQuantity(LotAt(kB1).quantity_left()), "500kg");
  EXPECT_EQ(LotAt(kB1).status(), v1::LOT_STATUS_ACTIVE);
}

TEST_F(RulesTest, RejectsOutputsHeavierThanInputs) {
  LotAtPacker("B1", "1000kg");
  // 121 pieces of 5 kg = 605 kg from 600 kg.
  Status st =
      ExpectRejected(PackBody("B1", "600kg", "P1", "121pcs", "5kg"), packer_, Reason::kMassBalance);
  EXPECT_NE(st.message().find("605kg"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("600kg"), std::string::npos) << st.message();
}

TEST_F(RulesTest, MassBalanceCountsGramsAcrossUnits) {
  LotAtPacker("B1", "1000kg");
  ExpectRejected(PackBody("B1", "0.5t", "P1", "500001g"), packer_, Reason::kMassBalance);
  ApplyOk(PackBody("B1", "0.5t", "P1", "500000g"), packer_);
}

TEST_F(RulesTest, RejectsConsumingInAnIncompatibleUnit) {
  LotAtPacker("B1", "1000kg");
  Status st = ExpectRejected(PackBody("B1", "10pcs", "P1", "1kg"), packer_, Reason::kMalformed);
  EXPECT_NE(st.message().find("kg"), std::string::npos) << st.message();
  // 0.5 g is not a whole thousandth of a kilogram.
  ExpectRejected(PackBody("B1", "0.5g", "P1", "0.5g"), packer_, Reason::kMalformed);
}

TEST_F(RulesTest, RejectsShippingToYourself) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ShipBody("B1", Pub(farmer_)), farmer_, Reason::kMalformed);
}

TEST_F(RulesTest, RejectsShippingALotAlreadyInTransit) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_)), farmer_);
  Status st = ExpectRejected(ShipBody("B1", Pub(retailer_)), farmer_, Reason::kInTransit);
  EXPECT_NE(st.message().find("packhouse"), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsPackingALotInTransit) {
  LotAtPacker("B1", "1000kg");
  ApplyOk(ShipBody("B1", Pub(retailer_)), packer_);
  ExpectRejected(PackBody("B1", "100kg", "P1", "100kg"), packer_, Reason::kInTransit);
}

TEST_F(RulesTest, RejectsReceivingALotThatWasNotShipped) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ReceiveBody("B1"), packer_, Reason::kNotInTransit);
}

TEST_F(RulesTest, RejectsReceivingTwice) {
  LotAtPacker("B1", "1000kg");
  ExpectRejected(ReceiveBody("B1"), packer_, Reason::kNotInTransit);
}

TEST_F(RulesTest, RejectsShippingToUnregisteredReceiver) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ShipBody("B1", Pub(stranger_)), farmer_, Reason::kUnknownParticipant);
}

TEST_F(RulesTest, RejectsUnregisteredCarrier) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ExpectRejected(ShipBody("B1", Pub(packer_), Pub(stranger_)), farmer_,
                 Reason::kUnknownParticipant);
}

TEST_F(RulesTest, RejectsRegisteringAKeyTwice) {
  Status st = ExpectRejected(RegisterBody(farmer_, "second-name", {v1::ROLE_FARMER}), admin_,
                             Reason::kAlreadyRegistered);
  EXPECT_NE(st.message().find("li-farm"), std::string::npos) << st.message();
}

TEST_F(RulesTest, RejectsRegisteringATakenName) {
  PrivateKey newcomer = PrivateKey::Generate();
  ExpectRejected(RegisterBody(newcomer, "li-farm", {v1::ROLE_FARMER}), admin_,
                 Reason::kAlreadyRegistered);
}

}  // namespace
}  // namespace agritrace::chain
