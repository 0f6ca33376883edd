// BlockApplier's checks on certified blocks that consensus and sync rely on (certificate,
// place on the chain, record signatures).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "chain/base/hash.h"
#include "chain/base/limits.h"
#include "chain/consensus/evidence.h"
#include "chain/store/store.h"
#include "node/replication/block_applier.h"
#include "node/mempool/verified_records.h"

namespace agritrace::node {
namespace {

using chain::Reason;

constexpr char kChain[] = "agritrace-applier-test";

// Time stands still: these tests pass block times explicitly.
class FixedClock final : public Clock {
 public:
  int64_t WallMs() const override { return 1000; }
  int64_t SteadyMs() const override { return 0; }
};

chain::Genesis TestGenesis(const std::vector<chain::PrivateKey>& validators) {
  chain::Genesis genesis;
  genesis.chain_id = kChain;
  genesis.params.chain_id = kChain;
  for (size_t i = 0; i < validators.size(); ++i) {
    genesis.validators.push_back(
        {"v" + std::to_string(i), validators[i].public_key(), "127.0.0.1:" + std::to_string(i + 1)});
  }
  genesis.hash = chain::Sha256("peer test genesis");
  return genesis;
}

v1::Envelope TestRecord(const chain::PrivateKey& signer, uint64_t nonce) {
  v1::RecordBody body;
  body.set_chain_id(kChain);
  body.set_timestamp_ms(1'764'331'200'000);
  body.set_nonce(nonce);
  body.mutable_harvest()->mutable_lot()->set_gtin("09506000134352");
  body.mutable_harvest()->mutable_lot()->set_lot("L1");
  return chain::SignRecord(body, signer);
}

// BlockApplier over a real store with a 4-validator genesis.
class BlockApplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-applier-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    for (int i = 0; i < 4; ++i) keys_.push_back(chain::PrivateKey::Generate());
    genesis_ = TestGenesis(keys_);
    auto store = chain::ChainStore::Open(dir_, genesis_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    applier_ = std::make_unique<BlockApplier>(&genesis_, store_.get(), &verified_, &clock_);
  }
  void TearDown() override {
    applier_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // The next block, certified by the first `signers` validators.
  v1::Block Certified(size_t signers, std::vector<v1::Envelope> records = {},
                      std::vector<v1::Evidence> evidence = {}) {
    chain::ChainTip tip = store_->Tip();
    v1::Block block = chain::MakeBlock(kChain, tip.height + 1, tip.hash, 1000 + tip.height,
                                       keys_[0].public_key(), records, evidence);
    chain::Hash256 hash = chain::BlockHash(block.header());
    auto* cert = block.mutable_certificate();
    cert->set_height(tip.height + 1);
    cert->set_block_hash(chain::AsBytes(hash));
    for (size_t i = 0; i < signers; ++i) {
      *cert->add_signatures() = chain::SignPrecommit(keys_[i], kChain, tip.height + 1, 0, hash);
    }
    return block;
  }

  // Validator `i` prevoted two blocks at `height` round `round`.
  v1::Evidence DoubleVote(int i, uint64_t height, uint32_t round = 0) {
    return chain::DoubleVoteEvidence(
        chain::SignVote(keys_[i], kChain, height, round, v1::VOTE_TYPE_PREVOTE, chain::Hash256{1}),
        chain::SignVote(keys_[i], kChain, height, round, v1::VOTE_TYPE_PREVOTE, chain::Hash256{2}));
  }
  // A block after `parent` (staged or committed), certified by three of four.
  v1::Block CertifiedAfter(const v1::Block& parent, std::vector<v1::Envelope> records = {},
                           std::vector<v1::Evidence> evidence = {}) {
    v1::BlockHeader header;
    EXPECT_TRUE(header.ParseFromString(parent.header()));
    const uint64_t height = header.height() + 1;
    v1::Block block = chain::MakeBlock(kChain, height, chain::BlockHash(parent.header()),
                                       header.time_ms() + 1, keys_[0].public_key(), records,
                                       evidence);
    chain::Hash256 hash = chain::BlockHash(block.header());
    auto* cert = block.mutable_certificate();
    cert->set_height(height);
    cert->set_block_hash(chain::AsBytes(hash));
    for (size_t i = 0; i < 3; ++i) {
      *cert->add_signatures() = chain::SignPrecommit(keys_[i], kChain, height, 0, hash);
    }
    return block;
  }
  // A certified block with no records or evidence, to move the tip.
  void CommitEmpty() { ASSERT_TRUE(applier_->CommitCertified(Certified(3)).ok()); }

  std::string dir_;
  std::vector<chain::PrivateKey> keys_;
  chain::Genesis genesis_;
  std::unique_ptr<chain::ChainStore> store_;
  VerifiedRecords verified_{100};
  FixedClock clock_;
  std::unique_ptr<BlockApplier> applier_;
};

TEST_F(BlockApplierTest, CommitsABlockWithAQuorumCertificateOnce) {
  v1::Block block = Certified(3);
  auto committed = applier_->CommitCertified(block);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_TRUE(*committed);
  EXPECT_EQ(store_->Tip().height, 1u);
  committed = applier_->CommitCertified(block);  // again, e.g. from a second peer
  ASSERT_TRUE(committed.ok());
  EXPECT_FALSE(*committed);
}

// The set of height h is known once h - kValidatorChangeDelay is committed (issue 17):
// PreVerify skips blocks beyond that, the engine never asks beyond it.
TEST_F(BlockApplierTest, KnowsTheValidatorSetsUpToTheChangeDelayAheadOfItsTip) {
  ASSERT_TRUE(applier_->ValidatorsAt(1));
  EXPECT_EQ(applier_->ValidatorsAt(1)->validators, genesis_.validator_set().validators);
  EXPECT_TRUE(applier_->ValidatorsAt(chain::kValidatorChangeDelay));
  EXPECT_FALSE(applier_->ValidatorsAt(chain::kValidatorChangeDelay + 1));
  ASSERT_TRUE(applier_->CommitCertified(Certified(3)).ok());
  EXPECT_TRUE(applier_->ValidatorsAt(chain::kValidatorChangeDelay + 1));
  EXPECT_FALSE(applier_->ValidatorsAt(chain::kValidatorChangeDelay + 2));
}

TEST_F(BlockApplierTest, RejectsACertificateOfOnlyTwoThirds) {
  EXPECT_FALSE(applier_->CommitCertified(Certified(2)).ok());
  EXPECT_FALSE(applier_->CommitCertified(Certified(0)).ok());
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(BlockApplierTest, RejectsACertificateThatCountsAValidatorTwice) {
  v1::Block block = Certified(2);
  *block.mutable_certificate()->add_signatures() = block.certificate().signatures(0);
  EXPECT_FALSE(applier_->CommitCertified(block).ok());
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(BlockApplierTest, RejectsARecordWithABadSignatureEvenWhenCertified) {
  v1::Envelope record = TestRecord(chain::PrivateKey::Generate(), 1);
  std::string signature = record.signature();
  signature[0] ^= 1;
  record.set_signature(signature);
  auto committed = applier_->CommitCertified(Certified(4, {record}));
  EXPECT_EQ(committed.status().reason(), Reason::kBadSignature);
  EXPECT_EQ(store_->Tip().height, 0u);
}

// Issue 16, scenario 6: a block nobody certified costs no record verification.
TEST_F(BlockApplierTest, ChecksTheCertificateBeforeAnyRecordSignature) {
  std::vector<v1::Envelope> records;
  const chain::PrivateKey signer = chain::PrivateKey::Generate();
  for (uint64_t i = 0; i < 20; ++i) records.push_back(TestRecord(signer, i + 1));
  const v1::Block block = Certified(2, records);  // two of four: no quorum
  applier_->PreVerify(block);
  EXPECT_FALSE(applier_->CommitCertified(block).ok());
  EXPECT_EQ(verified_.verifications(), 0u);
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(BlockApplierTest, RejectsABlockThatDoesNotBuildOnOurTip) {
  v1::Block block = Certified(3);
  ASSERT_TRUE(applier_->CommitCertified(block).ok());
  // Same height 2 but built on another parent.
  v1::Block stray = chain::MakeBlock(kChain, 2, chain::Sha256("elsewhere"), 5000,
                                     keys_[0].public_key(), {});
  chain::Hash256 hash = chain::BlockHash(stray.header());
  for (int i = 0; i < 4; ++i) {
    *stray.mutable_certificate()->add_signatures() = chain::SignPrecommit(keys_[i], kChain, 2, 0, hash);
  }
  stray.mutable_certificate()->set_height(2);
  stray.mutable_certificate()->set_block_hash(chain::AsBytes(hash));
  EXPECT_EQ(applier_->CommitCertified(stray).status().reason(), Reason::kMalformed);
  // A block far ahead cannot be placed yet: not the sender's fault.
  v1::Block ahead = chain::MakeBlock(kChain, 9, chain::Sha256("x"), 5000, keys_[0].public_key(), {});
  EXPECT_EQ(applier_->CommitCertified(ahead).status().reason(), Reason::kNotFound);
}

TEST_F(BlockApplierTest, RejectsAConflictingBlockAtACommittedHeight) {
  ASSERT_TRUE(applier_->CommitCertified(Certified(3)).ok());
  v1::Block other = chain::MakeBlock(kChain, 1, genesis_.hash, 777, keys_[1].public_key(), {});
  EXPECT_EQ(applier_->CommitCertified(other).status().reason(), Reason::kNotAuthorized);
}

TEST_F(BlockApplierTest, RefusesAProposalTimedFurtherAheadThanARecordMayBe) {
  const int64_t now_ms = 1000;  // Certified() stamps the block at 1000
  const int64_t limit = genesis_.params.max_record_future_ms;
  v1::Block block = Certified(0);
  EXPECT_TRUE(applier_->Validate(1, block, now_ms).ok());
  EXPECT_TRUE(applier_->Validate(1, block, now_ms - limit).ok());
  EXPECT_EQ(applier_->Validate(1, block, now_ms - limit - 1).reason(), Reason::kMalformed);
  // Certified, the same block commits whatever our clock says.
  EXPECT_TRUE(applier_->CommitCertified(Certified(3)).ok());
}

// Build remembers what it applied, so Validate and CommitCertified of that very block reuse it;
// a block that differs in any header byte is checked afresh.
TEST_F(BlockApplierTest, ABlockItBuiltValidatesAndCommits) {
  v1::Block built = applier_->Build(1, 2000, keys_[0].public_key(), {});
  ASSERT_TRUE(applier_->Validate(1, built, 2000).ok());
  v1::Block other = applier_->Build(1, 3000, keys_[0].public_key(), {});
  EXPECT_NE(chain::BlockHash(other.header()), chain::BlockHash(built.header()));
  EXPECT_EQ(applier_->Validate(2, built, 2000).reason(), Reason::kNotFound);
  chain::Hash256 hash = chain::BlockHash(built.header());
  for (int i = 0; i < 3; ++i) {
    *built.mutable_certificate()->add_signatures() = chain::SignPrecommit(keys_[i], kChain, 1, 0, hash);
  }
  built.mutable_certificate()->set_height(1);
  built.mutable_certificate()->set_block_hash(chain::AsBytes(hash));
  auto committed = applier_->CommitCertified(built);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(store_->Tip().height, 1u);
  EXPECT_EQ(store_->Tip().hash, hash);
  // The tip moved: the remembered check no longer applies to a block on the old parent.
  EXPECT_FALSE(applier_->Validate(1, other, 3000).ok());
}

// Evidence is committed with its block, indexed by validator, and never committed twice.
TEST_F(BlockApplierTest, CommitsEvidenceOnceAndListsItByValidator) {
  auto committed = applier_->CommitCertified(Certified(3, {}, {DoubleVote(2, 1)}));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  auto offence = chain::CheckEvidenceShape(DoubleVote(2, 1));
  ASSERT_TRUE(offence.ok());
  EXPECT_EQ(store_->EvidenceHeight(*offence), 1u);
  bool truncated = true;
  auto listed = store_->ListEvidence(keys_[2].public_key(), 10, &truncated);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(truncated);
  EXPECT_EQ(listed[0].committed_height, 1u);
  EXPECT_EQ(listed[0].offence, *offence);
  EXPECT_EQ(chain::EvidenceId(listed[0].evidence), chain::EvidenceId(DoubleVote(2, 1)));
  EXPECT_TRUE(store_->ListEvidence(keys_[1].public_key(), 10, &truncated).empty());
  // The stored block still carries it (sync serves it with the block).
  auto stored = store_->GetBlock(1);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->evidence_size(), 1);
  // The same offence again, even with other messages, is a replay.
  v1::Evidence again = chain::DoubleVoteEvidence(
      chain::SignVote(keys_[2], kChain, 1, 0, v1::VOTE_TYPE_PREVOTE, chain::Hash256{3}),
      chain::SignVote(keys_[2], kChain, 1, 0, v1::VOTE_TYPE_PREVOTE, std::nullopt));
  EXPECT_EQ(applier_->CommitCertified(Certified(3, {}, {again})).status().reason(),
            Reason::kReplay);
  EXPECT_EQ(store_->Tip().height, 1u);
}

TEST_F(BlockApplierTest, RefusesABlockWithEvidenceThatDoesNotVerify) {
  v1::Evidence forged = DoubleVote(2, 1);
  (*forged.mutable_double_vote()->mutable_first()->mutable_signature())[0] ^= 1;
  EXPECT_EQ(applier_->CommitCertified(Certified(3, {}, {forged})).status().reason(),
            Reason::kBadSignature);
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(BlockApplierTest, RefusesEvidenceOfALaterHeightThanTheBlock) {
  EXPECT_EQ(applier_->CommitCertified(Certified(3, {}, {DoubleVote(2, 2)})).status().reason(),
            Reason::kMalformed);
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(BlockApplierTest, EvidenceOlderThanTheWindowIsNotCommittable) {
  chain::Offence offence{keys_[2].public_key(), 5, 0, chain::OffenceKind::kDoublePrevote};
  EXPECT_TRUE(applier_->EvidenceCommittable(5 + chain::kMaxEvidenceAgeHeights, offence).ok());
  EXPECT_EQ(applier_->EvidenceCommittable(6 + chain::kMaxEvidenceAgeHeights, offence).reason(),
            Reason::kMalformed);
}

TEST_F(BlockApplierTest, BuildIncludesPendingEvidenceButNotCommittedOffences) {
  ASSERT_TRUE(applier_->CommitCertified(Certified(3, {}, {DoubleVote(2, 1)})).ok());
  v1::Block built =
      applier_->Build(2, 5000, keys_[0].public_key(), {}, {DoubleVote(2, 1), DoubleVote(3, 2)});
  ASSERT_EQ(built.evidence_size(), 1);
  EXPECT_EQ(chain::EvidenceId(built.evidence(0)), chain::EvidenceId(DoubleVote(3, 2)));
  EXPECT_TRUE(applier_->Validate(2, built, 5000).ok());
  CommittedBlock seen;
  applier_->SetCommitListener([&](const CommittedBlock& block) { seen = block; });
  chain::Hash256 hash = chain::BlockHash(built.header());
  for (int i = 0; i < 3; ++i) {
    *built.mutable_certificate()->add_signatures() =
        chain::SignPrecommit(keys_[i], kChain, 2, 0, hash);
  }
  built.mutable_certificate()->set_height(2);
  built.mutable_certificate()->set_block_hash(chain::AsBytes(hash));
  ASSERT_TRUE(applier_->CommitCertified(built).ok());
  ASSERT_EQ(seen.evidence.size(), 1u);
  EXPECT_EQ(seen.evidence[0].validator, keys_[3].public_key());
}

// Block sync's runs: staged blocks are checked on the state the ones before them leave and
// written together; nothing is committed before FlushStaged, then all of them at once.
TEST_F(BlockApplierTest, StagesARunOfBlocksAndCommitsThemInOneWrite) {
  std::vector<uint64_t> seen;
  applier_->SetCommitListener([&](const CommittedBlock& block) { seen.push_back(block.height); });
  v1::Block b1 = Certified(3);
  v1::Block b2 = CertifiedAfter(b1);
  v1::Block b3 = CertifiedAfter(b2);
  ASSERT_TRUE(*applier_->StageCertified(b1, nullptr));
  // A block decoded (and checked) ahead by PreVerify is taken as it is.
  auto pre = applier_->PreVerify(b2);
  ASSERT_NE(pre, nullptr);
  ASSERT_TRUE(*applier_->StageCertified(b2, pre));
  ASSERT_TRUE(*applier_->StageCertified(b3, applier_->PreVerify(b3)));
  EXPECT_FALSE(*applier_->StageCertified(b2, nullptr)) << "the same block again is no fault";
  EXPECT_EQ(applier_->StageCertified(CertifiedAfter(CertifiedAfter(b3)), nullptr).status().reason(),
            Reason::kNotFound);
  EXPECT_EQ(store_->Tip().height, 0u) << "nothing is written before the flush";
  EXPECT_TRUE(seen.empty());
  ASSERT_TRUE(applier_->FlushStaged().ok());
  EXPECT_EQ(store_->Tip().height, 3u);
  EXPECT_EQ(store_->Tip().hash, chain::BlockHash(b3.header()));
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_TRUE(applier_->FlushStaged().ok()) << "an empty run writes nothing";
  EXPECT_FALSE(*applier_->CommitCertified(b3));
}

TEST_F(BlockApplierTest, RefusesABadBlockInARunAndKeepsTheBlocksBeforeIt) {
  v1::Block b1 = Certified(3);
  v1::Block b2 = CertifiedAfter(b1);
  ASSERT_TRUE(applier_->StageCertified(b1, nullptr).ok());
  ASSERT_TRUE(applier_->StageCertified(b2, applier_->PreVerify(b2)).ok());
  // A bad signature, a record the rules refuse (its signer is not registered) and a
  // certificate without a quorum are each refused, even pre-verified.
  v1::Envelope forged = TestRecord(chain::PrivateKey::Generate(), 1);
  (*forged.mutable_signature())[0] ^= 1;
  v1::Block bad_signature = CertifiedAfter(b2, {forged});
  EXPECT_EQ(applier_->PreVerify(bad_signature), nullptr);
  EXPECT_EQ(applier_->StageCertified(bad_signature, applier_->PreVerify(bad_signature))
                .status()
                .reason(),
            Reason::kBadSignature);
  v1::Block unregistered = CertifiedAfter(b2, {TestRecord(chain::PrivateKey::Generate(), 1)});
  auto refused = applier_->StageCertified(unregistered, applier_->PreVerify(unregistered));
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.status().reason(), Reason::kNotFound);
  v1::Block uncertified = CertifiedAfter(b2);
  uncertified.mutable_certificate()->mutable_signatures()->RemoveLast();
  uncertified.mutable_certificate()->mutable_signatures()->RemoveLast();
  EXPECT_EQ(applier_->PreVerify(uncertified), nullptr);
  EXPECT_FALSE(applier_->StageCertified(uncertified, nullptr).ok());
  // The run before the bad block commits (the rule of sync: blocks before it are kept).
  ASSERT_TRUE(applier_->FlushStaged().ok());
  EXPECT_EQ(store_->Tip().height, 2u);
  EXPECT_EQ(store_->Tip().hash, chain::BlockHash(b2.header()));
}

// Evidence is checked against the committed chain (EvidenceHeight), so a run is written after
// each block that holds some: the same offence in a later block of the run is a replay.
TEST_F(BlockApplierTest, ARunIsWrittenAfterABlockWithEvidence) {
  v1::Block b1 = Certified(3, {}, {DoubleVote(2, 1)});
  ASSERT_TRUE(applier_->StageCertified(b1, nullptr).ok());
  EXPECT_EQ(store_->Tip().height, 1u);
  v1::Block b2 = CertifiedAfter(b1, {}, {DoubleVote(2, 1)});
  EXPECT_EQ(applier_->StageCertified(b2, nullptr).status().reason(), Reason::kReplay);
}

}  // namespace
}  // namespace agritrace::node
