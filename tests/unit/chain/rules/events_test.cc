#include "chain/rules/rules.h"

#include <gtest/gtest.h>

#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::chain {
namespace {

using namespace testing_rules;  // NOLINT: the shared fixture's helpers and constants

// Devices, sensor readings, checkpoints, certificates, recalls, sales, revocations and
// corrections. RulesFixture's farm-to-shop participants, plus an inspector and a regulator.
class EventsTest : public RulesFixture {
 protected:
  EventsTest() {
    Register(inspector_, "cert-body", {v1::ROLE_INSPECTOR});
    Register(regulator_, "food-agency", {v1::ROLE_REGULATOR});
  }

  static v1::SensorReading Reading(int32_t temperature_mc) {
    v1::SensorReading r;
    r.set_time_ms(kNow - 60'000);
    r.set_temperature_mc(temperature_mc);
    return r;
  }

  v1::RecordBody DeviceBody(const PrivateKey& key, const std::string& name) {
    v1::RecordBody body = Body();
    body.mutable_register_device()->set_pubkey(Pub(key));
    body.mutable_register_device()->set_name(name);
    return body;
  }

  v1::RecordBody SensorBody(const std::string& code, std::vector<int32_t> temperatures_mc) {
    v1::RecordBody body = Body();
    *body.mutable_sensor_readings()->mutable_lot() = Lot(code);
    for (int32_t t : temperatures_mc) *body.mutable_sensor_readings()->add_readings() = Reading(t);
    return body;
  }

  v1::RecordBody CheckpointBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_checkpoint()->mutable_lot() = Lot(code);
    body.mutable_checkpoint()->mutable_location()->set_name("Harbin depot");
    body.mutable_checkpoint()->set_time_ms(kNow);
    body.mutable_checkpoint()->set_step(v1::CHECKPOINT_STEP_ARRIVING);
    return body;
  }

  v1::RecordBody CertifyBody(const std::string& code) {
    v1::RecordBody body = Body();
    v1::Certify* c = body.mutable_certify();
    *c->mutable_lot() = Lot(code);
    c->set_standard("GB/T 19630 organic");
    c->set_outcome(v1::CERT_OUTCOME_PASS);
    c->set_document_sha256(std::string(32, '\x11'));
    return body;
  }

  v1::RecordBody RecallBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_recall()->mutable_lot() = Lot(code);
    body.mutable_recall()->set_reason("Listeria found in a sample");
    return body;
  }

  v1::RecordBody SellBody(const std::string& code) {
    v1::RecordBody body = Body();
    *body.mutable_sell()->mutable_lot() = Lot(code);
    return body;
  }

  v1::RecordBody RevokeBody(const PrivateKey& key) {
    v1::RecordBody body = Body();
    body.mutable_revoke()->set_pubkey(Pub(key));
    body.mutable_revoke()->set_reason("left the co-op");
    return body;
  }

  v1::RecordBody CorrectionBody(const Hash256& id, const std::string& code = "") {
    v1::RecordBody body = Body();
    body.mutable_correction()->set_record_id(AsBytes(id));
    body.mutable_correction()->set_reason("wrong field recorded");
    if (!code.empty()) *body.mutable_correction()->mutable_lot() = Lot(code);
    return body;
  }

  // A harvest declaring 0..4 C.
  void ColdHarvest(const std::string& code) {
    v1::RecordBody body = HarvestBody(code, "1000kg");
    body.mutable_harvest()->mutable_allowed_range()->set_min_temperature_mc(0);
    body.mutable_harvest()->mutable_allowed_range()->set_max_temperature_mc(4000);
    ApplyOk(body, farmer_);
  }

  // B1 harvested and delivered to the packer, packed into P1 (120 x 5 kg) at the packer.
  void PackedLot() {
    LotAtPacker("B1", "1000kg");
    ApplyOk(PackBody("B1", "600kg", "P1", "120pcs", "5kg"), packer_);
  }

  const PrivateKey inspector_ = PrivateKey::Generate();
  const PrivateKey regulator_ = PrivateKey::Generate();
  const PrivateKey sensor_ = PrivateKey::Generate();
};

// --- Devices and sensor readings

TEST_F(EventsTest, RegisteredDeviceRecordsBreachesOfTheDeclaredRange) {
  ColdHarvest("B1");
  ApplyOk(DeviceBody(sensor_, "farm-probe-1"), farmer_);
  ApplyOk(SensorBody("B1", {2000, 7500, -500}), sensor_);
  EXPECT_EQ(LotAt(kB1).breach_count(), 2u);
  EXPECT_EQ(LotAt(kB1).allowed_range().max_temperature_mc(), 4000);
  EXPECT_EQ(HistoryCount(kB1), 2u);
  ApplyOk(SensorBody("B1", {3000}), farmer_);  // the custodian itself may also sign
  EXPECT_EQ(LotAt(kB1).breach_count(), 2u);
}

TEST_F(EventsTest, PackedLotInheritsTheRangeOfItsInput) {
  ColdHarvest("B1");
  ApplyOk(ShipBody("B1", Pub(packer_)), farmer_);
  ApplyOk(ReceiveBody("B1"), packer_);
  ApplyOk(PackBody("B1", "600kg", "P1", "120pcs", "5kg"), packer_);
  EXPECT_EQ(LotAt(kP1).allowed_range().max_temperature_mc(), 4000);
}

TEST_F(EventsTest, RejectsReadingsFromADeviceOfAnotherParticipant) {
  ColdHarvest("B1");
  ApplyOk(DeviceBody(sensor_, "pack-probe"), packer_);
  ExpectRejected(SensorBody("B1", {9000}), sensor_, Reason::kNotCustodian);
}

TEST_F(EventsTest, RejectsReadingsFromAnUnregisteredDevice) {
  ColdHarvest("B1");
  ExpectRejected(SensorBody("B1", {9000}), sensor_, Reason::kUnknownSigner);
}

TEST_F(EventsTest, RejectsReadingsOutsidePlausibleValues) {
  ColdHarvest("B1");
  ExpectRejected(SensorBody("B1", {150'000}), farmer_, Reason::kMalformed);
  ExpectRejected(SensorBody("B1", {}), farmer_, Reason::kMalformed);
}

TEST_F(EventsTest, RejectsTooManyReadingsInOneRecord) {
  ColdHarvest("B1");
  ExpectRejected(SensorBody("B1", std::vector<int32_t>(kMaxSensorReadings + 1, 1000)), farmer_,
                 Reason::kTooLarge);
}

TEST_F(EventsTest, RejectsAnInvertedAllowedRange) {
  v1::RecordBody body = HarvestBody("B1", "1000kg");
  body.mutable_harvest()->mutable_allowed_range()->set_min_temperature_mc(5000);
  body.mutable_harvest()->mutable_allowed_range()->set_max_temperature_mc(0);
  ExpectRejected(body, farmer_, Reason::kMalformed);
}

TEST_F(EventsTest, RejectsADeviceKeyRegisteredTwice) {
  ApplyOk(DeviceBody(sensor_, "probe-a"), farmer_);
  ExpectRejected(DeviceBody(sensor_, "probe-b"), farmer_, Reason::kAlreadyRegistered);
  const PrivateKey other = PrivateKey::Generate();
  ExpectRejected(DeviceBody(other, "probe-a"), farmer_, Reason::kAlreadyRegistered);
}

TEST_F(EventsTest, RejectsADeviceActingBeyondReadings) {
  ApplyOk(DeviceBody(sensor_, "probe-a"), farmer_);
  ExpectRejected(HarvestBody("B1", "10kg"), sensor_, Reason::kNotAuthorized);
  const PrivateKey other = PrivateKey::Generate();
  ExpectRejected(DeviceBody(other, "probe-b"), sensor_, Reason::kNotAuthorized);
  ApplyOk(HarvestBody("B2", "10kg"), farmer_);
  ExpectRejected(ShipBody("B2", Pub(sensor_)), farmer_, Reason::kNotAuthorized);
}

// --- Checkpoints

TEST_F(EventsTest, CarrierRecordsCheckpointsWithReadings) {
  ColdHarvest("B1");
  ApplyOk(ShipBody("B1", Pub(packer_), Pub(carrier_)), farmer_);
  v1::RecordBody body = CheckpointBody("B1");
  *body.mutable_checkpoint()->add_readings() = Reading(9000);
  ApplyOk(body, carrier_);
  EXPECT_EQ(LotAt(kB1).breach_count(), 1u);
  ApplyOk(SensorBody("B1", {1000}), carrier_);  // the carrier may also send readings
}

TEST_F(EventsTest, RejectsACheckpointOfALotNotInTransit) {
  ColdHarvest("B1");
  ExpectRejected(CheckpointBody("B1"), farmer_, Reason::kNotInTransit);
}

TEST_F(EventsTest, RejectsACheckpointByAnotherCarrier) {
  ColdHarvest("B1");
  ApplyOk(ShipBody("B1", Pub(packer_), Pub(carrier_)), farmer_);
  ExpectRejected(CheckpointBody("B1"), packer_, Reason::kNotCustodian);
}

TEST_F(EventsTest, RejectsACheckpointOfAnUnknownLot) {
  ExpectRejected(CheckpointBody("NOPE"), carrier_, Reason::kUnknownLot);
}

// --- Certificates

TEST_F(EventsTest, InspectorCertifiesALot) {
  ColdHarvest("B1");
  ApplyOk(CertifyBody("B1"), inspector_);
  EXPECT_EQ(HistoryCount(kB1), 2u);
}

TEST_F(EventsTest, RejectsACertificateFromANonInspector) {
  ColdHarvest("B1");
  ExpectRejected(CertifyBody("B1"), farmer_, Reason::kNotAuthorized);
}

TEST_F(EventsTest, RejectsAMalformedCertificate) {
  ColdHarvest("B1");
  v1::RecordBody no_result = CertifyBody("B1");
  no_result.mutable_certify()->set_outcome(v1::CERT_OUTCOME_UNSPECIFIED);
  ExpectRejected(no_result, inspector_, Reason::kMalformed);
  v1::RecordBody bad_hash = CertifyBody("B1");
  bad_hash.mutable_certify()->set_document_sha256("short");
  ExpectRejected(bad_hash, inspector_, Reason::kMalformed);
  v1::RecordBody backwards = CertifyBody("B1");
  backwards.mutable_certify()->set_valid_from_ms(kNow);
  backwards.mutable_certify()->set_valid_until_ms(kNow - 1);
  ExpectRejected(backwards, inspector_, Reason::kMalformed);
}

TEST_F(EventsTest, RejectsACertificateForAnUnknownLot) {
  ExpectRejected(CertifyBody("NOPE"), inspector_, Reason::kUnknownLot);
}

// --- Recalls

TEST_F(EventsTest, RecallReachesEveryDerivedLot) {
  PackedLot();
  ApplyOk(RecallBody("B1"), regulator_);
  EXPECT_TRUE(LotAt(kB1).recalled());
  EXPECT_FALSE(LotAt(kP1).recalled());  // affected through its parent, not marked itself
  Status st = ExpectRejected(ShipBody("P1", Pub(retailer_)), packer_, Reason::kRecalled);
  EXPECT_NE(st.message().find(kB1), std::string::npos) << st.message();
  ExpectRejected(PackBody("P1", "10pcs", "C1", "50kg"), packer_, Reason::kRecalled);
  ExpectRejected(PackBody("B1", "100kg", "C2", "100kg"), packer_, Reason::kRecalled);
}

TEST_F(EventsTest, RecallOfOneInputBlocksABlend) {
  LotAtPacker("B1", "100kg");
  LotAtPacker("B2", "100kg");
  v1::RecordBody blend = Body();
  blend.mutable_transform()->set_kind(v1::TRANSFORM_KIND_TRANSFORM);
  AddInput(blend.mutable_transform(), "B1", "100kg");
  AddInput(blend.mutable_transform(), "B2", "100kg");
  AddOutput(blend.mutable_transform(), "M1", "200kg");
  ApplyOk(blend, packer_);
  ApplyOk(RecallBody("B2"), farmer_);  // the producer may recall its own lot
  ExpectRejected(ShipBody("M1", Pub(retailer_)), packer_, Reason::kRecalled);
}

TEST_F(EventsTest, RejectsARecallByAnotherParticipant) {
  PackedLot();
  ExpectRejected(RecallBody("B1"), packer_, Reason::kNotAuthorized);
  ExpectRejected(RecallBody("P1"), farmer_, Reason::kNotAuthorized);
}

TEST_F(EventsTest, RejectsARecallWithoutReasonOrTwice) {
  PackedLot();
  v1::RecordBody no_reason = RecallBody("B1");
  no_reason.mutable_recall()->clear_reason();
  ExpectRejected(no_reason, regulator_, Reason::kMalformed);
  ApplyOk(RecallBody("B1"), regulator_);
  ExpectRejected(RecallBody("B1"), regulator_, Reason::kRecalled);
}

TEST_F(EventsTest, RejectsARecallOfAnUnknownLot) {
  ExpectRejected(RecallBody("NOPE"), regulator_, Reason::kUnknownLot);
}

// --- Sales

TEST_F(EventsTest, RetailerSellsALotItHolds) {
  PackedLot();
  ApplyOk(ShipBody("P1", Pub(retailer_)), packer_);
  ApplyOk(ReceiveBody("P1"), retailer_);
  ApplyOk(SellBody("P1"), retailer_);
  EXPECT_EQ(LotAt(kP1).sold_milli(), LotAt(kP1).quantity().milli());
  EXPECT_EQ(LotAt(kP1).status(), v1::LOT_STATUS_CONSUMED);
  // What was sold has left the supply chain: nothing of the lot is left.
  ExpectRejected(SellBody("P1"), retailer_, Reason::kInsufficientQuantity);
  ExpectRejected(ShipBody("P1", Pub(packer_)), retailer_, Reason::kInsufficientQuantity);
}

TEST_F(EventsTest, RejectsSellingARecalledLot) {
  PackedLot();
  ApplyOk(ShipBody("P1", Pub(retailer_)), packer_);
  ApplyOk(ReceiveBody("P1"), retailer_);
  ApplyOk(RecallBody("B1"), regulator_);
  ExpectRejected(SellBody("P1"), retailer_, Reason::kRecalled);
}

TEST_F(EventsTest, RejectsSellingWithoutRoleOrCustody) {
  PackedLot();
  ExpectRejected(SellBody("P1"), packer_, Reason::kNotAuthorized);
  ExpectRejected(SellBody("P1"), retailer_, Reason::kNotCustodian);
  ApplyOk(ShipBody("P1", Pub(retailer_)), packer_);
  ExpectRejected(SellBody("P1"), retailer_, Reason::kNotCustodian);  // not yet received
}

TEST_F(EventsTest, RejectsSellingAnUnknownLot) {
  ExpectRejected(SellBody("NOPE"), retailer_, Reason::kUnknownLot);
}

// --- Revocation

TEST_F(EventsTest, RevokedParticipantCanNoLongerSign) {
  ApplyOk(RevokeBody(farmer_), admin_);
  ExpectRejected(HarvestBody("B1", "10kg"), farmer_, Reason::kRevoked);
}

TEST_F(EventsTest, RevokingAnOwnerSilencesItsDevices) {
  ColdHarvest("B1");
  ApplyOk(DeviceBody(sensor_, "probe-a"), farmer_);
  ApplyOk(RevokeBody(farmer_), admin_);
  ExpectRejected(SensorBody("B1", {1000}), sensor_, Reason::kRevoked);
}

TEST_F(EventsTest, RevokedDeviceCanNoLongerSign) {
  ColdHarvest("B1");
  ApplyOk(DeviceBody(sensor_, "probe-a"), farmer_);
  ApplyOk(RevokeBody(sensor_), admin_);
  ExpectRejected(SensorBody("B1", {1000}), sensor_, Reason::kRevoked);
}

TEST_F(EventsTest, RejectsShippingToARevokedReceiver) {
  ColdHarvest("B1");
  ApplyOk(RevokeBody(packer_), admin_);
  ExpectRejected(ShipBody("B1", Pub(packer_)), farmer_, Reason::kRevoked);
}

TEST_F(EventsTest, RejectsRevokeByNonAdminUnknownKeyOrTwice) {
  ExpectRejected(RevokeBody(farmer_), regulator_, Reason::kNotAuthorized);
  ExpectRejected(RevokeBody(stranger_), admin_, Reason::kUnknownParticipant);
  ApplyOk(RevokeBody(farmer_), admin_);
  ExpectRejected(RevokeBody(farmer_), admin_, Reason::kRevoked);
}

// --- Corrections

TEST_F(EventsTest, SignerCorrectsItsRecordWithoutEditingHistory) {
  Record harvest = Sign(HarvestBody("B1", "10kg"), farmer_);
  ASSERT_TRUE(ApplySigned(harvest).ok());
  Record fixed = Sign(HarvestBody("B1FIX", "10kg"), farmer_);
  ASSERT_TRUE(ApplySigned(fixed).ok());
  v1::RecordBody body = CorrectionBody(harvest.id, "B1");
  body.mutable_correction()->set_corrective_record_id(AsBytes(fixed.id));
  ApplyOk(body, farmer_);
  EXPECT_EQ(HistoryCount(kB1), 2u);
  EXPECT_TRUE(state_.HasRecord(harvest.id));
}

TEST_F(EventsTest, AdminMayCorrectAnyRecord) {
  Record harvest = Sign(HarvestBody("B1", "10kg"), farmer_);
  ASSERT_TRUE(ApplySigned(harvest).ok());
  ApplyOk(CorrectionBody(harvest.id), admin_);
}

TEST_F(EventsTest, RejectsCorrectingSomeoneElsesRecord) {
  Record harvest = Sign(HarvestBody("B1", "10kg"), farmer_);
  ASSERT_TRUE(ApplySigned(harvest).ok());
  ExpectRejected(CorrectionBody(harvest.id), packer_, Reason::kNotAuthorized);
}

TEST_F(EventsTest, RejectsCorrectingAnUnknownRecord) {
  Hash256 unknown{};
  unknown[0] = 1;
  ExpectRejected(CorrectionBody(unknown), farmer_, Reason::kUnknownRecord);
  Record harvest = Sign(HarvestBody("B1", "10kg"), farmer_);
  ASSERT_TRUE(ApplySigned(harvest).ok());
  v1::RecordBody body = CorrectionBody(harvest.id);
  body.mutable_correction()->set_corrective_record_id(AsBytes(unknown));
  ExpectRejected(body, farmer_, Reason::kUnknownRecord);
}

TEST_F(EventsTest, RejectsAMalformedCorrection) {
  Record harvest = Sign(HarvestBody("B1", "10kg"), farmer_);
  ASSERT_TRUE(ApplySigned(harvest).ok());
  v1::RecordBody no_reason = CorrectionBody(harvest.id);
  no_reason.mutable_correction()->clear_reason();
  ExpectRejected(no_reason, farmer_, Reason::kMalformed);
  v1::RecordBody self = CorrectionBody(harvest.id);
  self.mutable_correction()->set_corrective_record_id(AsBytes(harvest.id));
  ExpectRejected(self, farmer_, Reason::kMalformed);
}

}  // namespace
}  // namespace agritrace::chain
