// Record signing and decoding: the documented formulas, recomputed independently.
#include <gtest/gtest.h>

#include <string>

#include "chain/base/bytes.h"
#include "chain/base/hash.h"
#include "chain/base/keys.h"
#include "chain/base/limits.h"
#include "chain/model/record.h"

namespace agritrace::chain {
namespace {

v1::RecordBody HarvestBody() {
  v1::RecordBody body;
  body.set_chain_id("agritrace-test");
  body.set_timestamp_ms(1'700'000'000'000);
  body.set_nonce(7);
  v1::Harvest* harvest = body.mutable_harvest();
  harvest->mutable_lot()->set_gtin("09506000134352");
  harvest->mutable_lot()->set_lot("L2024-001");
  harvest->set_commodity("apples");
  harvest->mutable_quantity()->set_milli(1'000'000);
  harvest->mutable_quantity()->set_unit("kg");
  return body;
}

class RecordSignTest : public ::testing::Test {
 protected:
  PrivateKey key_ = PrivateKey::Generate();
  v1::Envelope envelope_ = SignRecord(HarvestBody(), key_);
};

TEST_F(RecordSignTest, SignatureIsBip340OverTaggedHashOfBody) {
  // TaggedHash("agritrace/record/v1", body) spelled out with plain SHA-256.
  Hash256 tag_hash = Sha256("agritrace/record/v1");
  Hash256 message = Sha256(AsBytes(tag_hash) + AsBytes(tag_hash) + envelope_.body());
  EXPECT_EQ(message, RecordSigningHash(envelope_.body()));

  auto signer = ArrayFromBytes<32>(envelope_.signer());
  auto signature = ArrayFromBytes<64>(envelope_.signature());
  ASSERT_TRUE(signer && signature);
  EXPECT_EQ(*signer, key_.public_key());
  EXPECT_TRUE(VerifySchnorr(*signer, message, *signature));
  // Not a signature over the plain hash: the tag matters.
  EXPECT_FALSE(VerifySchnorr(*signer, Sha256(envelope_.body()), *signature));
}

TEST_F(RecordSignTest, BodyIsTheSerializedBody) {
  v1::RecordBody parsed;
  ASSERT_TRUE(parsed.ParseFromString(envelope_.body()));
  EXPECT_EQ(parsed.harvest().lot().lot(), "L2024-001");
}

TEST_F(RecordSignTest, DecodesAndVerifies) {
  auto record = DecodeRecord(envelope_);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_TRUE(VerifyRecordSignature(*record).ok());
  EXPECT_EQ(EventName(record->body), "harvest");
  std::string serialized;
  ASSERT_TRUE(envelope_.SerializeToString(&serialized));
  auto from_bytes = DecodeRecordBytes(serialized);
  ASSERT_TRUE(from_bytes.ok()) << from_bytes.status().ToString();
  EXPECT_EQ(from_bytes->id, record->id);
}

TEST_F(RecordSignTest, IdIsSha256OfBodySignerSignature) {
  auto record = DecodeRecord(envelope_);
  ASSERT_TRUE(record.ok());
  Hash256 expected = Sha256(envelope_.body() + envelope_.signer() + envelope_.signature());
  EXPECT_EQ(record->id, expected);
  EXPECT_EQ(ComputeRecordId(envelope_.body(), envelope_.signer(), envelope_.signature()), expected);
}

// Flips the low bit of each byte of one part of an otherwise valid record, one at a time.
template <typename Mutate>
void ExpectEveryFlipFails(const Record& original, size_t size, Mutate mutate) {
  for (size_t i = 0; i < size; ++i) {
    Record record = original;
    mutate(record, i);
    Status status = VerifyRecordSignature(record);
    EXPECT_EQ(status.reason(), Reason::kBadSignature) << "byte " << i;
  }
}

TEST_F(RecordSignTest, FlippingAnyBodyByteBreaksTheSignature) {
  auto record = DecodeRecord(envelope_);
  ASSERT_TRUE(record.ok());
  ExpectEveryFlipFails(*record, envelope_.body().size(),
                       [](Record& r, size_t i) { (*r.envelope.mutable_body())[i] ^= 0x01; });
}

TEST_F(RecordSignTest, FlippingAnySignerByteBreaksTheSignature) {
  auto record = DecodeRecord(envelope_);
  ASSERT_TRUE(record.ok());
  ExpectEveryFlipFails(*record, 32, [](Record& r, size_t i) { r.signer[i] ^= 0x01; });
}

TEST_F(RecordSignTest, FlippingAnySignatureByteBreaksTheSignature) {
  auto record = DecodeRecord(envelope_);
  ASSERT_TRUE(record.ok());
  ExpectEveryFlipFails(*record, 64, [](Record& r, size_t i) { r.signature[i] ^= 0x01; });
}

TEST_F(RecordSignTest, TamperedEnvelopeDecodesButFailsVerification) {
  // Same length, still parses: "apples" -> "applez".
  std::string body = envelope_.body();
  size_t at = body.find("apples");
  ASSERT_NE(at, std::string::npos);
  body[at + 5] = 'z';
  envelope_.set_body(body);
  auto record = DecodeRecord(envelope_);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(VerifyRecordSignature(*record).reason(), Reason::kBadSignature);
}

TEST_F(RecordSignTest, AnotherKeysSignatureFails) {
  PrivateKey other = PrivateKey::Generate();
  envelope_.set_signer(AsBytes(other.public_key()));
  auto record = DecodeRecord(envelope_);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(VerifyRecordSignature(*record).reason(), Reason::kBadSignature);
}

TEST_F(RecordSignTest, RejectsOversizeBody) {
  envelope_.set_body(std::string(kMaxRecordBodyBytes + 1, '\0'));
  EXPECT_EQ(DecodeRecord(envelope_).status().reason(), Reason::kTooLarge);
}

TEST_F(RecordSignTest, RejectsOversizeEnvelopeBytes) {
  std::string serialized(kMaxEnvelopeBytes + 1, '\0');
  EXPECT_EQ(DecodeRecordBytes(serialized).status().reason(), Reason::kTooLarge);
}

TEST_F(RecordSignTest, RejectsUnparsableEnvelopeBytes) {
  EXPECT_EQ(DecodeRecordBytes("\xff\xff\xff").status().reason(), Reason::kMalformed);
}

TEST_F(RecordSignTest, RejectsShortSigner) {
  envelope_.set_signer(envelope_.signer().substr(0, 31));
  EXPECT_EQ(DecodeRecord(envelope_).status().reason(), Reason::kMalformed);
}

TEST_F(RecordSignTest, RejectsShortSignature) {
  envelope_.set_signature(envelope_.signature().substr(0, 63));
  EXPECT_EQ(DecodeRecord(envelope_).status().reason(), Reason::kMalformed);
}

TEST_F(RecordSignTest, RejectsUnparsableBody) {
  envelope_.set_body("\xff\xff\xff");  // a field tag whose varint never ends
  EXPECT_EQ(DecodeRecord(envelope_).status().reason(), Reason::kMalformed);
}

TEST_F(RecordSignTest, RejectsBodyWithoutEvent) {
  v1::RecordBody body = HarvestBody();
  body.clear_event();
  v1::Envelope envelope = SignRecord(body, key_);
  auto record = DecodeRecord(envelope);
  EXPECT_EQ(record.status().reason(), Reason::kMalformed);
  EXPECT_EQ(EventName(body), "none");
}

}  // namespace
}  // namespace agritrace::chain
