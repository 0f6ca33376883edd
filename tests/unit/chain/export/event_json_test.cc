// EventToJson for devices, sensor readings, checkpoints, certificates, recalls, sales,
// revocations, corrections and key rotations: the exact JSON the CLI and the gateway print.
#include "chain/export/event_json.h"

#include <gtest/gtest.h>

#include <string>

#include "chain/export/record_json.h"

namespace agritrace::chain {
namespace {

v1::LotKey Lot(const std::string& code) {
  v1::LotKey key;
  key.set_gtin("06901234567892");
  key.set_lot(code);
  return key;
}

std::string Dump(const v1::RecordBody& body) { return EventToJson(body).dump(); }

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

const std::string kLotP1 = "01/06901234567892/10/P1";

TEST(EventJson, RendersDeviceAndSensorReadings) {
  v1::RecordBody device;
  device.mutable_register_device()->set_pubkey(std::string(32, '\x04'));
  device.mutable_register_device()->set_name("probe-1");
  EXPECT_EQ(Dump(device), R"({"name":"probe-1","pubkey":")" + Repeat("04", 32) + R"("})");

  v1::RecordBody sensor;
  *sensor.mutable_sensor_readings()->mutable_lot() = Lot("P1");
  v1::SensorReading* r = sensor.mutable_sensor_readings()->add_readings();
  r->set_time_ms(1000);
  r->set_temperature_mc(4500);
  r->set_humidity_mpct(80500);
  r->mutable_location()->set_name("truck");
  sensor.mutable_sensor_readings()->add_readings()->set_time_ms(2000);
  EXPECT_EQ(Dump(sensor),
            R"({"lot":")" + kLotP1 +
                R"(","readings":[{"humidity_pct":80.5,"location":{"name":"truck"},)"
                R"("temperature_c":4.5,"time":"1970-01-01T00:00:01Z","time_ms":1000},)"
                R"({"time":"1970-01-01T00:00:02Z","time_ms":2000}]})");
}

TEST(EventJson, RendersCheckpointStepsWithUnknownNumbersAsStoring) {
  v1::RecordBody body;
  v1::Checkpoint* c = body.mutable_checkpoint();
  *c->mutable_lot() = Lot("P1");
  c->set_step(v1::CHECKPOINT_STEP_DEPARTING);
  c->set_time_ms(77);
  c->mutable_location()->set_gln("6901234000005");
  c->add_readings()->set_temperature_mc(-1000);
  EXPECT_EQ(Dump(body), R"({"location":{"gln":"6901234000005"},"lot":")" + kLotP1 +
                            R"(","readings":[{"temperature_c":-1.0,"time":"1970-01-01T00:00:00Z",)"
                            R"("time_ms":0}],"step":"departing","time":"1970-01-01T00:00:00.077Z",)"
                            R"("time_ms":77})");
  EXPECT_EQ(CheckpointStepName(v1::CHECKPOINT_STEP_ARRIVING), "arriving");
  EXPECT_EQ(CheckpointStepName(v1::CHECKPOINT_STEP_STORING), "storing");
  EXPECT_EQ(CheckpointStepName(v1::CHECKPOINT_STEP_UNSPECIFIED), "storing");
  EXPECT_EQ(CheckpointStepName(static_cast<v1::CheckpointStep>(9)), "storing");
}

TEST(EventJson, RendersCertificateWithOptionalFieldsOnlyWhenSet) {
  v1::RecordBody body;
  v1::Certify* c = body.mutable_certify();
  *c->mutable_lot() = Lot("P1");
  c->set_standard("organic");
  c->set_outcome(static_cast<v1::CertOutcome>(7));
  EXPECT_EQ(Dump(body),
            R"({"lot":")" + kLotP1 + R"(","result":"unspecified","standard":"organic"})");
  c->set_outcome(v1::CERT_OUTCOME_PASS);
  c->set_valid_from_ms(10);
  c->set_valid_until_ms(20);
  c->set_document_sha256(std::string(32, '\x05'));
  c->set_certificate_id("X-1");
  EXPECT_EQ(
      Dump(body),
      R"({"certificate_id":"X-1","document_sha256":")" + Repeat("05", 32) + R"(","lot":")" +
          kLotP1 +
          R"(","result":"pass","standard":"organic","valid_from":"1970-01-01T00:00:00.010Z",)"
          R"("valid_from_ms":10,"valid_until":"1970-01-01T00:00:00.020Z","valid_until_ms":20})");
  EXPECT_EQ(CertOutcomeName(v1::CERT_OUTCOME_FAIL), "fail");
}

TEST(EventJson, RendersRecallSaleRevocationCorrectionAndRotation) {
  v1::RecordBody recall;
  *recall.mutable_recall()->mutable_lot() = Lot("A1");
  recall.mutable_recall()->set_reason("listeria \"x\"");
  EXPECT_EQ(Dump(recall), R"({"lot":"01/06901234567892/10/A1","reason":"listeria \"x\""})");

  v1::RecordBody sell;
  *sell.mutable_sell()->mutable_lot() = Lot("P2");
  EXPECT_EQ(Dump(sell), R"({"lot":"01/06901234567892/10/P2"})");

  const std::string key6(64, '6');  // hex of 32 bytes 0x66
  v1::RecordBody revoke;
  revoke.mutable_revoke()->set_pubkey(std::string(32, '\x66'));
  revoke.mutable_revoke()->set_reason("left");
  EXPECT_EQ(Dump(revoke), R"({"pubkey":")" + key6 + R"(","reason":"left"})");

  const std::string id7(64, '7');
  v1::RecordBody correction;
  correction.mutable_correction()->set_record_id(std::string(32, '\x77'));
  correction.mutable_correction()->set_reason("typo");
  EXPECT_EQ(Dump(correction), R"({"reason":"typo","record_id":")" + id7 + R"("})");
  correction.mutable_correction()->set_corrective_record_id(std::string(32, '\x88'));
  *correction.mutable_correction()->mutable_lot() = Lot("A1");
  EXPECT_EQ(Dump(correction), R"({"corrective_record_id":")" + std::string(64, '8') +
                                  R"(","lot":"01/06901234567892/10/A1","reason":"typo",)"
                                  R"("record_id":")" +
                                  id7 + R"("})");

  v1::RecordBody rotate;
  rotate.mutable_rotate_key()->set_old_pubkey(std::string(32, '\x99'));
  rotate.mutable_rotate_key()->set_new_pubkey(std::string(32, '\xaa'));
  rotate.mutable_rotate_key()->set_reason("lost");
  EXPECT_EQ(Dump(rotate), R"({"new_pubkey":")" + std::string(64, 'a') + R"(","old_pubkey":")" +
                              std::string(64, '9') + R"(","reason":"lost"})");
}

TEST(EventJson, NoEventIsAnEmptyObject) { EXPECT_EQ(Dump(v1::RecordBody()), "{}"); }

}  // namespace
}  // namespace agritrace::chain
