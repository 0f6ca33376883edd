#include "chain/model/block.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chain/base/hash.h"
#include "chain/base/limits.h"
#include "chain/model/merkle.h"

namespace agritrace::chain {
namespace {

using ::testing::HasSubstr;

constexpr char kChain[] = "agritrace-test-1";

v1::Envelope Harvest(const PrivateKey& key, uint64_t nonce) {
  v1::RecordBody body;
  body.set_chain_id(kChain);
  body.set_timestamp_ms(1'764'331'200'000);
  body.set_nonce(nonce);
  body.mutable_harvest()->mutable_lot()->set_gtin("09506000134352");
  body.mutable_harvest()->mutable_lot()->set_lot("L" + std::to_string(nonce));
  return SignRecord(body, key);
}

Hash256 Filled(uint8_t byte) {
  Hash256 h;
  h.fill(byte);
  return h;
}

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 4; ++i) {
      keys_.push_back(PrivateKey::Generate());
      set_.validators.push_back(keys_.back().public_key());
    }
    hash_ = Sha256("a block header");
  }

  v1::CommitCertificate Cert(std::initializer_list<int> signers) const {
    v1::CommitCertificate cert;
    cert.set_height(kHeight);
    cert.set_round(kRound);
    cert.set_block_hash(AsBytes(hash_));
    for (int i : signers)
      *cert.add_signatures() = SignPrecommit(keys_[i], kChain, kHeight, kRound, hash_);
    return cert;
  }

  Status Verify(const v1::CommitCertificate& cert) const {
    return VerifyCertificate(cert, kChain, kHeight, hash_, set_);
  }

  static constexpr uint64_t kHeight = 7;
  static constexpr uint32_t kRound = 1;
  std::vector<PrivateKey> keys_;
  ValidatorSet set_;
  Hash256 hash_{};
};

TEST(BlockTest, BlockHashIsTaggedHashOfHeaderBytes) {
  EXPECT_EQ(BlockHash("header"), TaggedHash("agritrace/block/v1", "header"));
  EXPECT_NE(BlockHash("header"), BlockHash("headeR"));
}

TEST(BlockTest, MakeBlockIsDeterministicSoItsHashIsStable) {
  PrivateKey key = PrivateKey::Generate();
  std::vector<v1::Envelope> records = {Harvest(key, 1), Harvest(key, 2)};
  v1::Block a = MakeBlock(kChain, 3, Filled(9), 1000, key.public_key(), records);
  v1::Block b = MakeBlock(kChain, 3, Filled(9), 1000, key.public_key(), records);
  EXPECT_EQ(a.header(), b.header());
  EXPECT_EQ(BlockHash(a.header()), BlockHash(b.header()));
  v1::Block later = MakeBlock(kChain, 3, Filled(9), 1001, key.public_key(), records);
  EXPECT_NE(BlockHash(a.header()), BlockHash(later.header()));
}

TEST(BlockTest, VoteSignBytesLayout) {
  std::string bytes =
      VoteSignBytes("ab", 0x0102030405060708, 0x0a0b0c0d, v1::VOTE_TYPE_PRECOMMIT, Filled(0xee));
  EXPECT_EQ(ToHex(bytes),
            "02"
            "6162"
            "0102030405060708"
            "0a0b0c0d"
            "02" +
                std::string(64, 'e'));
  EXPECT_EQ(VoteSignBytes("ab", 1, 0, v1::VOTE_TYPE_PREVOTE, Filled(0)).substr(3, 8 + 4 + 1),
            std::string("\0\0\0\0\0\0\0\x01\0\0\0\0\x01", 13));
}

TEST(BlockTest, VoteSigningHashIsTaggedHashOfLayout) {
  EXPECT_EQ(VoteSigningHash(kChain, 5, 2, v1::VOTE_TYPE_PREVOTE, Filled(1)),
            TaggedHash("agritrace/vote/v1",
                       VoteSignBytes(kChain, 5, 2, v1::VOTE_TYPE_PREVOTE, Filled(1))));
}

TEST(BlockTest, QuorumIsMoreThanTwoThirds) {
  auto quorum = [](size_t n) {
    ValidatorSet set;
    set.validators.resize(n);
    return set.Quorum();
  };
  EXPECT_EQ(quorum(1), 1u);
  EXPECT_EQ(quorum(3), 3u);
  EXPECT_EQ(quorum(4), 3u);
  EXPECT_EQ(quorum(7), 5u);
  EXPECT_EQ(quorum(100), 67u);
}

TEST_F(CertificateTest, AcceptsQuorum) {
  EXPECT_TRUE(Verify(Cert({0, 1, 2})).ok());
  EXPECT_TRUE(Verify(Cert({3, 1, 0, 2})).ok());
}

TEST_F(CertificateTest, SingleValidatorIsAQuorumOfOne) {
  ValidatorSet one{{keys_[0].public_key()}};
  EXPECT_TRUE(VerifyCertificate(Cert({0}), kChain, kHeight, hash_, one).ok());
}

TEST_F(CertificateTest, RejectsBelowQuorum) {
  Status s = Verify(Cert({0, 1}));
  EXPECT_EQ(s.reason(), Reason::kNotAuthorized);
  EXPECT_THAT(s.message(), HasSubstr("2 of the 3 precommits a quorum of 4 validators needs"));
  EXPECT_EQ(Verify(Cert({})).reason(), Reason::kNotAuthorized);
}

TEST_F(CertificateTest, RejectsDuplicateValidator) {
  Status s = Verify(Cert({0, 1, 1}));
  EXPECT_EQ(s.reason(), Reason::kNotAuthorized);
  EXPECT_THAT(s.message(), HasSubstr("counted twice"));
}

TEST_F(CertificateTest, RejectsNonMember) {
  v1::CommitCertificate cert = Cert({0, 1});
  *cert.add_signatures() = SignPrecommit(PrivateKey::Generate(), kChain, kHeight, kRound, hash_);
  EXPECT_EQ(Verify(cert).reason(), Reason::kNotAuthorized);
}

TEST_F(CertificateTest, RejectsCertificateForAnotherBlock) {
  v1::CommitCertificate cert = Cert({0, 1, 2});
  cert.set_block_hash(AsBytes(Sha256("another header")));
  EXPECT_EQ(Verify(cert).reason(), Reason::kMalformed);
}

TEST_F(CertificateTest, RejectsCertificateForAnotherHeight) {
  v1::CommitCertificate cert = Cert({0, 1, 2});
  cert.set_height(kHeight + 1);
  EXPECT_EQ(Verify(cert).reason(), Reason::kMalformed);
}

TEST_F(CertificateTest, RejectsSignatureOverAnotherBlock) {
  v1::CommitCertificate cert = Cert({0, 1});
  *cert.add_signatures() =
      SignPrecommit(keys_[2], kChain, kHeight, kRound, Sha256("another header"));
  EXPECT_EQ(Verify(cert).reason(), Reason::kBadSignature);
}

TEST_F(CertificateTest, RejectsSignatureForAnotherRoundChainOrVoteType) {
  v1::CommitCertificate round = Cert({0, 1, 2});
  round.set_round(kRound + 1);
  EXPECT_EQ(Verify(round).reason(), Reason::kBadSignature);
  EXPECT_EQ(VerifyCertificate(Cert({0, 1, 2}), "other-chain", kHeight, hash_, set_).reason(),
            Reason::kBadSignature);
  v1::CommitCertificate prevote = Cert({0, 1});
  v1::CommitSig* sig = prevote.add_signatures();
  sig->set_validator(AsBytes(keys_[2].public_key()));
  sig->set_signature(AsBytes(
      keys_[2].Sign(VoteSigningHash(kChain, kHeight, kRound, v1::VOTE_TYPE_PREVOTE, hash_))));
  EXPECT_EQ(Verify(prevote).reason(), Reason::kBadSignature);
}

TEST_F(CertificateTest, RejectsAlteredSignature) {
  v1::CommitCertificate cert = Cert({0, 1, 2});
  (*cert.mutable_signatures(1)->mutable_signature())[5] ^= 1;
  EXPECT_EQ(Verify(cert).reason(), Reason::kBadSignature);
}

TEST_F(CertificateTest, RejectsBadlySizedSignatureOrKey) {
  v1::CommitCertificate short_sig = Cert({0, 1, 2});
  short_sig.mutable_signatures(0)->mutable_signature()->pop_back();
  EXPECT_EQ(Verify(short_sig).reason(), Reason::kMalformed);
  v1::CommitCertificate short_key = Cert({0, 1, 2});
  short_key.mutable_signatures(0)->mutable_validator()->pop_back();
  EXPECT_EQ(Verify(short_key).reason(), Reason::kMalformed);
}

class DecodeBlockTest : public ::testing::Test {
 protected:
  v1::Block Make(const std::vector<v1::Envelope>& records, uint64_t height = 1) {
    return MakeBlock(kChain, height, Filled(7), 1000, key_.public_key(), records);
  }
  PrivateKey key_ = PrivateKey::Generate();
};

TEST_F(DecodeBlockTest, DecodesWhatMakeBlockBuilds) {
  std::vector<v1::Envelope> records = {Harvest(key_, 1), Harvest(key_, 2), Harvest(key_, 3)};
  v1::Block block = Make(records, 4);
  Result<DecodedBlock> decoded = DecodeBlock(block, kChain);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->hash, BlockHash(block.header()));
  EXPECT_EQ(decoded->header.height(), 4u);
  EXPECT_EQ(decoded->header.prev_hash(), AsBytes(Filled(7)));
  EXPECT_EQ(decoded->header.proposer(), AsBytes(key_.public_key()));
  EXPECT_EQ(decoded->header.record_count(), 3u);
  ASSERT_EQ(decoded->records.size(), 3u);
  std::vector<Hash256> ids;
  for (const Record& r : decoded->records) ids.push_back(r.id);
  EXPECT_EQ(decoded->header.records_root(), AsBytes(MerkleRoot(ids)));
  EXPECT_EQ(decoded->records[1].body.nonce(), 2u);
}

TEST_F(DecodeBlockTest, DecodesEmptyBlock) {
  Result<DecodedBlock> decoded = DecodeBlock(Make({}), kChain);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->header.records_root(), AsBytes(Sha256("")));
}

TEST_F(DecodeBlockTest, RejectsWrongChain) {
  EXPECT_EQ(DecodeBlock(Make({Harvest(key_, 1)}), "other").status().reason(), Reason::kWrongChain);
}

TEST_F(DecodeBlockTest, RejectsUnparsableHeader) {
  v1::Block block = Make({});
  block.set_header("\xff\xff\xff");
  EXPECT_EQ(DecodeBlock(block, kChain).status().reason(), Reason::kMalformed);
}

TEST_F(DecodeBlockTest, RejectsHeightZero) {
  EXPECT_EQ(DecodeBlock(Make({}, 0), kChain).status().reason(), Reason::kMalformed);
}

TEST_F(DecodeBlockTest, RejectsRecordCountMismatch) {
  v1::Block block = Make({Harvest(key_, 1)});
  *block.add_records() = Harvest(key_, 2);
  Result<DecodedBlock> decoded = DecodeBlock(block, kChain);
  EXPECT_EQ(decoded.status().reason(), Reason::kMalformed);
  EXPECT_THAT(decoded.status().message(), HasSubstr("counts 1"));
}

TEST_F(DecodeBlockTest, RejectsRecordsRootMismatch) {
  v1::Block block = Make({Harvest(key_, 1), Harvest(key_, 2)});
  block.mutable_records()->SwapElements(0, 1);
  Result<DecodedBlock> decoded = DecodeBlock(block, kChain);
  EXPECT_EQ(decoded.status().reason(), Reason::kMalformed);
  EXPECT_THAT(decoded.status().message(), HasSubstr("records root"));
}

TEST_F(DecodeBlockTest, RejectsUndecodableRecord) {
  v1::Envelope bad = Harvest(key_, 1);
  bad.mutable_signer()->pop_back();
  EXPECT_EQ(DecodeBlock(Make({bad}), kChain).status().reason(), Reason::kMalformed);
}

TEST_F(DecodeBlockTest, RejectsDuplicateRecord) {
  v1::Envelope record = Harvest(key_, 1);
  EXPECT_EQ(DecodeBlock(Make({record, record}), kChain).status().reason(), Reason::kMalformed);
}

TEST_F(DecodeBlockTest, RejectsTooManyRecords) {
  std::vector<v1::Envelope> records(kMaxBlockRecords + 1, Harvest(key_, 1));
  EXPECT_EQ(DecodeBlock(Make(records), kChain).status().reason(), Reason::kTooLarge);
}

TEST_F(DecodeBlockTest, RejectsTooManyBytes) {
  v1::Envelope big;
  big.set_body(std::string(kMaxBlockBytes / 2, 'x'));
  big.set_signer(std::string(32, 'k'));
  big.set_signature(std::string(64, 's'));
  EXPECT_EQ(DecodeBlock(Make({big, big, big}), kChain).status().reason(), Reason::kTooLarge);
}

TEST(SignPrecommitTest, NamesTheValidatorAndVerifies) {
  PrivateKey key = PrivateKey::Generate();
  Hash256 hash = Sha256("header");
  v1::CommitSig sig = SignPrecommit(key, kChain, 2, 0, hash);
  EXPECT_EQ(sig.validator(), AsBytes(key.public_key()));
  EXPECT_TRUE(VerifySchnorr(key.public_key(),
                            VoteSigningHash(kChain, 2, 0, v1::VOTE_TYPE_PRECOMMIT, hash),
                            *ArrayFromBytes<64>(sig.signature())));
}

}  // namespace
}  // namespace agritrace::chain

namespace agritrace::chain {
namespace {

// Evidence of a shape DecodeBlock accepts (signatures are chain/consensus's to check).
v1::Evidence ShapedDoubleVote(uint8_t validator, uint32_t round) {
  v1::Evidence evidence;
  for (uint8_t value : {1, 2}) {
    v1::Vote* vote = value == 1 ? evidence.mutable_double_vote()->mutable_first()
                                : evidence.mutable_double_vote()->mutable_second();
    vote->set_height(1);
    vote->set_round(round);
    vote->set_type(v1::VOTE_TYPE_PREVOTE);
    vote->set_block_hash(AsBytes(Filled(value)));
    vote->set_validator(AsBytes(Filled(validator)));
    vote->set_signature(std::string(64, '\x07'));
  }
  return evidence;
}

v1::Block BlockWith(const std::vector<v1::Evidence>& evidence) {
  return MakeBlock(kChain, 2, Filled(9), 5000, Filled(3), {}, evidence);
}

TEST(BlockEvidenceTest, ABlockWithoutEvidenceHasNoEvidenceRootSoOldHashesHold) {
  v1::Block block = BlockWith({});
  v1::BlockHeader header;
  ASSERT_TRUE(header.ParseFromString(block.header()));
  EXPECT_TRUE(header.evidence_root().empty());
  EXPECT_EQ(block.header(), MakeBlock(kChain, 2, Filled(9), 5000, Filled(3), {}).header());
}

TEST(BlockEvidenceTest, DecodesEvidenceAndItsOffences) {
  auto decoded = DecodeBlock(BlockWith({ShapedDoubleVote(5, 0), ShapedDoubleVote(5, 1)}), kChain);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->evidence.size(), 2u);
  EXPECT_EQ(decoded->evidence[1].offence.round, 1u);
  EXPECT_EQ(decoded->evidence[0].offence.validator, Filled(5));
  EXPECT_EQ(decoded->evidence[0].id, EvidenceId(ShapedDoubleVote(5, 0)));
}

TEST(BlockEvidenceTest, RefusesEvidenceTheHeaderDoesNotCommitTo) {
  v1::Block block = BlockWith({ShapedDoubleVote(5, 0)});
  *block.add_evidence() = ShapedDoubleVote(6, 0);  // added after the header was made
  auto decoded = DecodeBlock(block, kChain);
  EXPECT_EQ(decoded.status().reason(), Reason::kMalformed);
  EXPECT_THAT(decoded.status().message(), HasSubstr("evidence root"));
  block.clear_evidence();  // stripped: the root no longer matches either
  EXPECT_EQ(DecodeBlock(block, kChain).status().reason(), Reason::kMalformed);
}

TEST(BlockEvidenceTest, RefusesTwoEvidenceOfOneOffence) {
  v1::Evidence again = ShapedDoubleVote(5, 0);
  again.mutable_double_vote()->mutable_second()->set_block_hash(AsBytes(Filled(3)));
  auto decoded = DecodeBlock(BlockWith({ShapedDoubleVote(5, 0), again}), kChain);
  EXPECT_EQ(decoded.status().reason(), Reason::kMalformed);
  EXPECT_THAT(decoded.status().message(), HasSubstr("one offence"));
}

TEST(BlockEvidenceTest, RefusesMalformedEvidence) {
  v1::Evidence same = ShapedDoubleVote(5, 0);
  same.mutable_double_vote()->mutable_second()->set_block_hash(AsBytes(Filled(1)));
  EXPECT_EQ(DecodeBlock(BlockWith({same}), kChain).status().reason(), Reason::kMalformed);
}

TEST(BlockEvidenceTest, RefusesMoreEvidenceThanTheLimit) {
  std::vector<v1::Evidence> evidence;
  for (uint32_t round = 0; round <= kMaxBlockEvidence; ++round) {
    evidence.push_back(ShapedDoubleVote(5, round));
  }
  EXPECT_EQ(DecodeBlock(BlockWith(evidence), kChain).status().reason(), Reason::kTooLarge);
}

}  // namespace
}  // namespace agritrace::chain
