// The engine across a validator set change (issue 17): each height is decided by its own set
// (Application::ValidatorsAt), which the simulator's FakeApplication answers from `sets`.
#include <gtest/gtest.h>

#include "chain/consensus/engine.h"
#include "tests/sim/sim_support.h"

namespace agritrace::chain {
namespace {

using sim::DeterministicKey;
using sim::DeterministicSet;
using sim::FakeApplication;
using sim::kSimChainId;
using sim::MemorySafetyStore;

template <typename T>
std::vector<T> All(const ConsensusOutput& out) {
  std::vector<T> found;
  for (const ConsensusAction& action : out.actions) {
    if (const T* item = std::get_if<T>(&action)) found.push_back(*item);
  }
  return found;
}

std::vector<v1::Vote> VotesOf(const ConsensusOutput& out, v1::VoteType type) {
  std::vector<v1::Vote> found;
  for (const BroadcastVote& b : All<BroadcastVote>(out)) {
    if (b.vote.type() == type) found.push_back(b.vote);
  }
  return found;
}

// Height 1: validators 0,1,2,3. From height 2: 3 is removed and 4 added (last), so the set is
// 0,1,2,4 (a rotation of 3's seat to 4 would give the same order).
class EngineSetChangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_.sets[1] = DeterministicSet(4);
    app_.sets[2] = DeterministicSet(std::vector<int>{0, 1, 2, 4});
  }
  void Make(std::optional<int> me) {
    std::optional<PrivateKey> key;
    if (me) key = DeterministicKey(*me);
    ConsensusConfig config{kSimChainId, {1000, 500, 200, 0, 1000}};
    engine_ = std::make_unique<ConsensusEngine>(config, key, app_.committed_height(), &app_,
                                                &store_);
  }
  // Block 1 committed (by sync), so the engine is at height 2.
  void CommitHeightOne() {
    v1::Block block =
        MakeBlock(kSimChainId, 1, Hash256{}, 10, DeterministicKey(1).public_key(), {});
    const Hash256 hash = BlockHash(block.header());
    app_.Apply(block, hash);
    engine_->OnSyncedCommit(1, hash, 10);
  }
  v1::Block BlockAt(uint64_t height, int proposer, int64_t time_ms) {
    return MakeBlock(kSimChainId, height, app_.tip(), time_ms,
                     DeterministicKey(proposer).public_key(), {});
  }
  v1::Vote Vote(int i, uint64_t height, uint32_t round, v1::VoteType type,
                std::optional<Hash256> hash) {
    return chain::SignVote(DeterministicKey(i), kSimChainId, height, round, type, hash);
  }

  FakeApplication app_;
  MemorySafetyStore store_;
  std::unique_ptr<ConsensusEngine> engine_;
};

TEST_F(EngineSetChangeTest, EachHeightUsesItsOwnSet) {
  Make(0);
  ASSERT_TRUE(engine_->Start(0).status.ok());
  EXPECT_EQ(engine_->validators().validators, DeterministicSet(4).validators);
  CommitHeightOne();
  EXPECT_EQ(engine_->height(), 2u);
  EXPECT_EQ(engine_->validators().validators,
            DeterministicSet(std::vector<int>{0, 1, 2, 4}).validators);
  // The engine never asks beyond committed height + kValidatorChangeDelay.
  EXPECT_LE(app_.max_validators_height, app_.committed_height() + 2);
}

TEST_F(EngineSetChangeTest, ProposerRotatesWithTheNewSet) {
  Make(0);
  ASSERT_TRUE(engine_->Start(0).status.ok());
  CommitHeightOne();
  // Height 2 round 0: set[(2 + 0) % 4] = validator 2; round 1: set[3] = validator 4 (with the
  // old set it would have been validator 3).
  v1::Block by4 = BlockAt(2, 4, 100);
  ConsensusOutput out =
      engine_->OnProposal(SignProposal(DeterministicKey(4), kSimChainId, 2, 1, -1, by4), 0);
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  v1::Block by3 = BlockAt(2, 3, 100);
  out = engine_->OnProposal(SignProposal(DeterministicKey(3), kSimChainId, 2, 1, -1, by3), 0);
  EXPECT_EQ(out.status.reason(), Reason::kNotAuthorized);
  v1::Block by2 = BlockAt(2, 2, 100);
  out = engine_->OnProposal(SignProposal(DeterministicKey(2), kSimChainId, 2, 0, -1, by2), 0);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(VotesOf(out, v1::VOTE_TYPE_PREVOTE).size(), 1u);
  EXPECT_EQ(VoteBlockHash(VotesOf(out, v1::VOTE_TYPE_PREVOTE)[0]), BlockHash(by2.header()));
}

TEST_F(EngineSetChangeTest, RemovedValidatorRefusedAndNewOneCounted) {
  Make(0);
  ASSERT_TRUE(engine_->Start(0).status.ok());
  CommitHeightOne();
  v1::Block block = BlockAt(2, 2, 100);
  const Hash256 hash = BlockHash(block.header());
  ASSERT_TRUE(
      engine_->OnProposal(SignProposal(DeterministicKey(2), kSimChainId, 2, 0, -1, block), 0)
          .status.ok());
  // Validator 3 was removed at height 2: its vote is refused and does not count.
  ConsensusOutput out = engine_->OnVote(Vote(3, 2, 0, v1::VOTE_TYPE_PREVOTE, hash), 0);
  EXPECT_EQ(out.status.reason(), Reason::kNotAuthorized);
  out = engine_->OnVote(Vote(1, 2, 0, v1::VOTE_TYPE_PREVOTE, hash), 0);
  ASSERT_TRUE(out.status.ok());
  EXPECT_TRUE(VotesOf(out, v1::VOTE_TYPE_PRECOMMIT).empty()) << "0 and 1 are not a quorum";
  // Validator 4 joined at height 2: its prevote makes the quorum (0, 1, 4) and we lock.
  out = engine_->OnVote(Vote(4, 2, 0, v1::VOTE_TYPE_PREVOTE, hash), 0);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(VotesOf(out, v1::VOTE_TYPE_PRECOMMIT).size(), 1u);
  EXPECT_EQ(VoteBlockHash(VotesOf(out, v1::VOTE_TYPE_PRECOMMIT)[0]), hash);
  // Precommits of 1 and 4 (with ours) commit; the certificate verifies with height 2's set
  // only.
  engine_->OnVote(Vote(1, 2, 0, v1::VOTE_TYPE_PRECOMMIT, hash), 0);
  out = engine_->OnVote(Vote(4, 2, 0, v1::VOTE_TYPE_PRECOMMIT, hash), 0);
  ASSERT_EQ(All<CommitBlock>(out).size(), 1u);
  const v1::CommitCertificate cert = All<CommitBlock>(out)[0].block.certificate();
  EXPECT_TRUE(VerifyCertificate(cert, kSimChainId, 2, hash, app_.sets[2]).ok());
  // The wrong height's set (height 1's: without 4) refuses it.
  EXPECT_EQ(VerifyCertificate(cert, kSimChainId, 2, hash, app_.sets[1]).reason(),
            Reason::kNotAuthorized);
}

TEST_F(EngineSetChangeTest, NextHeightMessagesCheckedWithNextSet) {
  Make(0);
  ASSERT_TRUE(engine_->Start(0).status.ok());
  // At height 1, a vote for height 2 by the joining validator 4 is buffered...
  EXPECT_TRUE(engine_->OnVote(Vote(4, 2, 0, v1::VOTE_TYPE_PREVOTE, std::nullopt), 0).status.ok());
  EXPECT_EQ(engine_->buffered_future_messages(), 1u);
  // ... and one by the leaving validator 3 is refused, though 3 is in the current set.
  EXPECT_EQ(engine_->OnVote(Vote(3, 2, 0, v1::VOTE_TYPE_PREVOTE, std::nullopt), 0).status.reason(),
            Reason::kNotAuthorized);
  // While 4's vote for height 1 is refused (not yet a validator).
  EXPECT_EQ(engine_->OnVote(Vote(4, 1, 0, v1::VOTE_TYPE_PREVOTE, std::nullopt), 0).status.reason(),
            Reason::kNotAuthorized);
  EXPECT_EQ(engine_->buffered_future_messages(), 1u);
}

TEST_F(EngineSetChangeTest, FarFutureMessageOfAnUnknownSignerIsIgnoredNotRefused) {
  app_.sets[3] = DeterministicSet(std::vector<int>{0, 1, 2, 4, 5});
  Make(0);
  ASSERT_TRUE(engine_->Start(0).status.ok());
  // Height 3's set is not known at height 1 (committed 0): 5, added there, is not refused...
  ConsensusOutput out = engine_->OnVote(Vote(5, 3, 0, v1::VOTE_TYPE_PREVOTE, std::nullopt), 0);
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_TRUE(out.actions.empty());
  // ... and the engine never asked beyond what the committed chain defines.
  EXPECT_LE(app_.max_validators_height, 2u);
}

TEST_F(EngineSetChangeTest, JoiningValidatorStartsSigningAtItsHeight) {
  Make(4);
  ConsensusOutput out = engine_->Start(0);
  EXPECT_FALSE(engine_->is_validator());
  EXPECT_TRUE(All<BroadcastVote>(out).empty());
  EXPECT_TRUE(All<BroadcastProposal>(out).empty());
  CommitHeightOne();
  EXPECT_TRUE(engine_->is_validator());
  v1::Block block = BlockAt(2, 2, 100);
  out = engine_->OnProposal(SignProposal(DeterministicKey(2), kSimChainId, 2, 0, -1, block), 0);
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(VotesOf(out, v1::VOTE_TYPE_PREVOTE).size(), 1u);
  EXPECT_EQ(VotesOf(out, v1::VOTE_TYPE_PREVOTE)[0].validator(),
            std::string(AsBytes(DeterministicKey(4).public_key())));
}

TEST_F(EngineSetChangeTest, RemovedValidatorStopsSigning) {
  Make(3);
  ASSERT_TRUE(engine_->Start(0).status.ok());
  EXPECT_TRUE(engine_->is_validator());
  CommitHeightOne();
  EXPECT_FALSE(engine_->is_validator());
  v1::Block block = BlockAt(2, 2, 100);
  ConsensusOutput out =
      engine_->OnProposal(SignProposal(DeterministicKey(2), kSimChainId, 2, 0, -1, block), 0);
  ASSERT_TRUE(out.status.ok());
  EXPECT_TRUE(All<BroadcastVote>(out).empty()) << "a removed validator signs nothing";
}

TEST_F(EngineSetChangeTest, RestartedFollowerOfANewSetSigns) {
  // A node restarted at height 2 (block 1 applied) signs with height 2's set.
  v1::Block block1 =
      MakeBlock(kSimChainId, 1, Hash256{}, 10, DeterministicKey(1).public_key(), {});
  app_.Apply(block1, BlockHash(block1.header()));
  Make(4);
  EXPECT_TRUE(engine_->is_validator());
  Make(3);
  EXPECT_FALSE(engine_->is_validator());
}

}  // namespace
}  // namespace agritrace::chain
