// Key rotation by an admin (RotateKey): the new key is the same participant and acts on
// everything the old key held; the old key is revoked. One test per rejection, each checking
// that state (names included) is unchanged.
#include <gtest/gtest.h>

#include "chain/rules/rules.h"
#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::chain {
namespace {

using namespace testing_rules;  // NOLINT: the shared fixture's helpers and constants

class RotationTest : public RulesFixture {
 protected:
  RotationTest() { Register(regulator_, "food-agency", {v1::ROLE_REGULATOR}); }

  v1::RecordBody RotateBody(const std::string& old_key, const std::string& new_key) {
    v1::RecordBody body = Body();
    body.mutable_rotate_key()->set_old_pubkey(old_key);
    body.mutable_rotate_key()->set_new_pubkey(new_key);
    body.mutable_rotate_key()->set_reason("laptop stolen");
    return body;
  }
  void Rotate(const PrivateKey& from, const PrivateKey& to) {
    ApplyOk(RotateBody(Pub(from), Pub(to)), admin_);
  }

  v1::RecordBody RevokeBody(const PrivateKey& key) {
    v1::RecordBody body = Body();
    body.mutable_revoke()->set_pubkey(Pub(key));
    return body;
  }
  v1::RecordBody DeviceBody(const PrivateKey& key, const std::string& name) {
    v1::RecordBody body = Body();
    body.mutable_register_device()->set_pubkey(Pub(key));
    body.mutable_register_device()->set_name(name);
    return body;
  }
  v1::RecordBody SensorBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_sensor_readings()->mutable_lot() = Lot(code);
    v1::SensorReading* r = body.mutable_sensor_readings()->add_readings();
    r->set_time_ms(kNow - 60'000);
    r->set_temperature_mc(3000);
    return body;
  }
  v1::RecordBody CheckpointBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_checkpoint()->mutable_lot() = Lot(code);
    body.mutable_checkpoint()->mutable_location()->set_name("Harbin depot");
    body.mutable_checkpoint()->set_time_ms(kNow);
    return body;
  }
  v1::RecordBody RecallBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_recall()->mutable_lot() = Lot(code);
    body.mutable_recall()->set_reason("pesticide residue");
    return body;
  }

  v1::Participant ParticipantOf(const PrivateKey& key) const {
    std::optional<v1::Participant> p = state_.GetParticipant(key.public_key());
    EXPECT_TRUE(p.has_value());
    return p.value_or(v1::Participant());
  }

  // ExpectRejected also compares the names index, which a rotation rewrites.
  Rejection ExpectRotationRejected(const v1::RecordBody& body, const PrivateKey& key,
                                   Reason reason) {
    const std::string names_before = Names();
    Rejection rejection = ExpectRejected(body, key, reason);
    EXPECT_EQ(Names(), names_before);
    return rejection;
  }
  std::string Names() const {
    std::string out;
    for (const auto& [name, key] : state_.names()) out += name + "=" + ToHex(key) + "\n";
    return out;
  }

  const PrivateKey regulator_ = PrivateKey::Generate();
  const PrivateKey new_farmer_ = PrivateKey::Generate();
  const PrivateKey new_packer_ = PrivateKey::Generate();
  const PrivateKey new_carrier_ = PrivateKey::Generate();
  const PrivateKey sensor_ = PrivateKey::Generate();
};

// --- The new key is the same participant

TEST_F(RotationTest, NewKeyTakesTheNameRolesAndOrganisationAndTheOldKeyIsRevoked) {
  v1::Participant before = ParticipantOf(farmer_);
  Rotate(farmer_, new_farmer_);
  v1::Participant now = ParticipantOf(new_farmer_);
  EXPECT_EQ(now.name(), "li-farm");
  ASSERT_EQ(now.roles_size(), 1);
  EXPECT_EQ(now.roles(0), v1::ROLE_FARMER);
  EXPECT_EQ(now.organization(), before.organization());
  EXPECT_EQ(now.rotated_from(), Pub(farmer_));
  EXPECT_EQ(now.key_rotations(), 1u);
  EXPECT_FALSE(now.revoked());
  EXPECT_EQ(state_.FindParticipantByName("li-farm"), new_farmer_.public_key());

  v1::Participant old = ParticipantOf(farmer_);
  EXPECT_TRUE(old.revoked());
  EXPECT_EQ(old.name(), "li-farm");  // its signed history still reads "li-farm"
  EXPECT_EQ(old.rotated_to(), Pub(new_farmer_));
  EXPECT_EQ(old.rotation_record().size(), 32u);

  Rejection r = ExpectRejected(HarvestBody("B1", "10kg"), farmer_, Reason::kRevoked);
  EXPECT_NE(r.message().find(ToHex(Pub(new_farmer_))), std::string::npos) << r.message();
  ApplyOk(HarvestBody("B1", "10kg"), new_farmer_);
}

TEST_F(RotationTest, NewKeyShipsLotsHeldByTheOldKey) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Rotate(farmer_, new_farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_)), new_farmer_);
  ApplyOk(ReceiveBody("B1"), packer_);
  EXPECT_EQ(Held(kB1, packer_), LotAt(kB1).quantity_left().milli());
}

TEST_F(RotationTest, NewKeyReceivesAShipmentNamingTheOldKeyAndPacksIt) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_)), farmer_);
  Rotate(packer_, new_packer_);
  ExpectRejected(ReceiveBody("B1"), packer_, Reason::kRevoked);
  ApplyOk(ReceiveBody("B1"), new_packer_);
  EXPECT_GT(Held(kB1, new_packer_), 0);
  ApplyOk(PackBody("B1", "600kg", "P1", "120pcs", "5kg"), new_packer_);
}

TEST_F(RotationTest, NewKeyPacksWhatTheOldKeyReceived) {
  LotAtPacker("B1", "1000kg");
  Rotate(packer_, new_packer_);
  ApplyOk(PackBody("B1", "600kg", "P1", "120pcs", "5kg"), new_packer_);
  EXPECT_EQ(LotAt(kP1).owner(), Pub(new_packer_));
}

TEST_F(RotationTest, NewKeyRecallsAndCorrectsWhatTheOldKeyProduced) {
  Record harvest = Sign(HarvestBody("B1", "1000kg"), farmer_);
  ASSERT_TRUE(ApplySigned(harvest).ok());
  Rotate(farmer_, new_farmer_);
  v1::RecordBody correction = Body();
  correction.mutable_correction()->set_record_id(AsBytes(harvest.id));
  correction.mutable_correction()->set_reason("wrong field");
  ApplyOk(correction, new_farmer_);
  ApplyOk(RecallBody("B1"), new_farmer_);
  EXPECT_TRUE(LotAt(kB1).recalled());
}

TEST_F(RotationTest, DevicesOfTheOldKeyKeepSigningForTheNewKey) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(DeviceBody(sensor_, "probe-1"), farmer_);
  Rotate(farmer_, new_farmer_);
  ApplyOk(SensorBody("B1"), sensor_);  // a lot the old key holds
  ApplyOk(HarvestBody("B2", "10kg"), new_farmer_);
  ApplyOk(SensorBody("B2"), sensor_);  // a lot the new key holds
  ApplyOk(RevokeBody(new_farmer_), admin_);
  // Revoking the (new) owner still silences the device.
  ExpectRejected(SensorBody("B1"), sensor_, Reason::kRevoked);
}

TEST_F(RotationTest, NewCarrierKeyRecordsCheckpointsOfAShipmentNamingTheOldKey) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  ApplyOk(ShipBody("B1", Pub(packer_), Pub(carrier_)), farmer_);
  Rotate(carrier_, new_carrier_);
  ExpectRejected(CheckpointBody("B1"), carrier_, Reason::kRevoked);
  ApplyOk(CheckpointBody("B1"), new_carrier_);
}

TEST_F(RotationTest, ShippingToARotatedKeyIsRefusedAndNamesTheNewKey) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  Rotate(packer_, new_packer_);
  Rotate(carrier_, new_carrier_);
  Rejection r = ExpectRejected(ShipBody("B1", Pub(packer_)), farmer_, Reason::kRevoked);
  EXPECT_NE(r.message().find(ToHex(Pub(new_packer_))), std::string::npos) << r.message();
  ExpectRejected(ShipBody("B1", Pub(new_packer_), Pub(carrier_)), farmer_, Reason::kRevoked);
  ApplyOk(ShipBody("B1", Pub(new_packer_), Pub(new_carrier_)), farmer_);
}

TEST_F(RotationTest, SuccessiveRotationsKeepTheLotsReachable) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  const PrivateKey third = PrivateKey::Generate();
  Rotate(farmer_, new_farmer_);
  Rotate(new_farmer_, third);
  EXPECT_EQ(ParticipantOf(third).key_rotations(), 2u);
  ExpectRejected(ShipBody("B1", Pub(packer_)), new_farmer_, Reason::kRevoked);
  ApplyOk(ShipBody("B1", Pub(packer_)), third);
}

TEST_F(RotationTest, AnAdminMayRotateItsOwnKey) {
  const PrivateKey new_admin = PrivateKey::Generate();
  Rotate(admin_, new_admin);
  const PrivateKey someone = PrivateKey::Generate();
  ExpectRejected(RegisterBody(someone, "new-farm", {v1::ROLE_FARMER}), admin_, Reason::kRevoked);
  ApplyOk(RegisterBody(someone, "new-farm", {v1::ROLE_FARMER}), new_admin);
}

TEST_F(RotationTest, NamesIndexOfABlockOverlayPointsAtTheNewKey) {
  // The node applies a block's records in an overlay on the committed state; the names index
  // it writes must point at the new key even though both participants carry the name.
  StateOverlay block(&state_);
  ++ctx_.index;
  ASSERT_TRUE(ApplyRecord(Sign(RotateBody(Pub(farmer_), Pub(new_farmer_)), admin_), params_, ctx_,
                          block)
                  .ok());
  ASSERT_EQ(block.names().count("li-farm"), 1u);
  EXPECT_EQ(block.names().at("li-farm"), new_farmer_.public_key());
  EXPECT_EQ(block.participants().size(), 2u);
}

// --- Rejections: each with its reason code, leaving state unchanged

TEST_F(RotationTest, RejectsRotatingAnUnknownKey) {
  ExpectRotationRejected(RotateBody(Pub(stranger_), Pub(new_farmer_)), admin_,
                         Reason::kUnknownParticipant);
}

TEST_F(RotationTest, RejectsANewKeyThatIsAlreadyRegistered) {
  ExpectRotationRejected(RotateBody(Pub(farmer_), Pub(packer_)), admin_,
                         Reason::kAlreadyRegistered);
}

TEST_F(RotationTest, RejectsRotationByANonAdmin) {
  ExpectRotationRejected(RotateBody(Pub(farmer_), Pub(new_farmer_)), farmer_,
                         Reason::kNotAuthorized);
  ExpectRotationRejected(RotateBody(Pub(farmer_), Pub(new_farmer_)), regulator_,
                         Reason::kNotAuthorized);
}

TEST_F(RotationTest, RejectsRotatingARevokedKey) {
  ApplyOk(RevokeBody(farmer_), admin_);
  ExpectRotationRejected(RotateBody(Pub(farmer_), Pub(new_farmer_)), admin_, Reason::kRevoked);
}

TEST_F(RotationTest, RejectsRotatingAnAlreadyRotatedKey) {
  Rotate(farmer_, new_farmer_);
  const PrivateKey other = PrivateKey::Generate();
  ExpectRotationRejected(RotateBody(Pub(farmer_), Pub(other)), admin_, Reason::kRevoked);
}

TEST_F(RotationTest, RejectsRotatingAKeyToItself) {
  ExpectRotationRejected(RotateBody(Pub(farmer_), Pub(farmer_)), admin_, Reason::kMalformed);
}

TEST_F(RotationTest, RejectsAMalformedNewKeyOrAnOverlongReason) {
  ExpectRotationRejected(RotateBody(Pub(farmer_), std::string(31, '\x02')), admin_,
                         Reason::kMalformed);
  v1::RecordBody body = RotateBody(Pub(farmer_), Pub(new_farmer_));
  body.mutable_rotate_key()->set_reason(std::string(kMaxTextBytes + 1, 'x'));
  ExpectRotationRejected(body, admin_, Reason::kTooLarge);
}

TEST_F(RotationTest, RejectsRotatingPastTheRotationLimit) {
  ApplyOk(HarvestBody("B1", "1000kg"), farmer_);
  PrivateKey current = farmer_;
  for (uint32_t i = 0; i < kMaxKeyRotations; ++i) {
    PrivateKey next = PrivateKey::Generate();
    Rotate(current, next);
    current = next;
  }
  ExpectRotationRejected(RotateBody(Pub(current), Pub(new_farmer_)), admin_, Reason::kTooLarge);
  EXPECT_EQ(ParticipantOf(current).key_rotations(), kMaxKeyRotations);
  // The oldest key's lot is still reachable through the whole chain of successors.
  ApplyOk(ShipBody("B1", Pub(packer_)), current);
}

}  // namespace
}  // namespace agritrace::chain
