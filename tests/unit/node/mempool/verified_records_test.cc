// The once-per-node signature cache.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "node/mempool/verified_records.h"

namespace agritrace::node {
namespace {

using chain::Reason;

constexpr char kChain[] = "agritrace-peer-test";

v1::Envelope TestRecord(const chain::PrivateKey& signer, uint64_t nonce) {
  v1::RecordBody body;
  body.set_chain_id(kChain);
  body.set_timestamp_ms(1'764'331'200'000);
  body.set_nonce(nonce);
  body.mutable_harvest()->mutable_lot()->set_gtin("09506000134352");
  body.mutable_harvest()->mutable_lot()->set_lot("L1");
  return chain::SignRecord(body, signer);
}

TEST(VerifiedRecordsTest, VerifiesEachRecordOnceAndRejectsForgeries) {
  auto farmer = chain::PrivateKey::Generate();
  auto record = chain::DecodeRecord(TestRecord(farmer, 1));
  ASSERT_TRUE(record.ok());
  VerifiedRecords verified(10);
  EXPECT_TRUE(verified.Verify(*record).ok());
  EXPECT_TRUE(verified.Verify(*record).ok());
  EXPECT_EQ(verified.verifications(), 1u);  // the second arrival reuses the result
  v1::Envelope forged = record->envelope;
  std::string signature = forged.signature();
  signature[5] ^= 1;
  forged.set_signature(signature);
  auto bad = chain::DecodeRecord(forged);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(verified.Verify(*bad).reason(), Reason::kBadSignature);
  EXPECT_EQ(verified.Verify(*bad).reason(), Reason::kBadSignature);  // failures not cached
}

// A signer key that is not on the curve never reaches the parsed-key cache; the record is
// refused with the same reason as a forged signature.
TEST(VerifiedRecordsTest, RefusesASignerKeyOffTheCurve) {
  auto farmer = chain::PrivateKey::Generate();
  v1::Envelope envelope = TestRecord(farmer, 1);
  envelope.set_signer(std::string(32, '\xff'));  // x >= the field size: no such point
  auto record = chain::DecodeRecord(envelope);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  VerifiedRecords verified(10);
  EXPECT_EQ(verified.Verify(*record).reason(), Reason::kBadSignature);
  EXPECT_EQ(verified.Verify(*record).reason(), Reason::kBadSignature);
  EXPECT_FALSE(verified.Contains(record->id));
}

}  // namespace
}  // namespace agritrace::node
