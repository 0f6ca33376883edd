// Equivocation evidence: what anyone can check from the two signed messages and the validator
// set (chain/consensus/evidence.h), one test per way it can be wrong.
#include "chain/consensus/evidence.h"

#include <gtest/gtest.h>

#include "tests/sim/sim_support.h"

namespace agritrace::chain {
namespace {

using sim::DeterministicKey;
using sim::kSimChainId;

class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 4; ++i) {
      keys_.push_back(DeterministicKey(i));
      set_.validators.push_back(keys_.back().public_key());
    }
  }
  v1::Vote Vote(int i, uint32_t round, v1::VoteType type, std::optional<Hash256> hash,
                uint64_t height = 3) {
    return SignVote(keys_[i], kSimChainId, height, round, type, hash);
  }
  v1::Evidence DoubleVote(int i = 2) {
    return DoubleVoteEvidence(Vote(i, 1, v1::VOTE_TYPE_PREVOTE, Hash256{1}),
                              Vote(i, 1, v1::VOTE_TYPE_PREVOTE, Hash256{2}));
  }
  // Two proposals of the proposer of height 1 round 0 (validator 1) for different blocks.
  v1::Evidence DoubleProposal(int signer = 1) {
    auto proposal = [&](int64_t time_ms) {
      v1::Block block =
          MakeBlock(kSimChainId, 1, Hash256{}, time_ms, keys_[signer].public_key(), {});
      return SignedProposalOf(SignProposal(keys_[signer], kSimChainId, 1, 0, -1, block));
    };
    return DoubleProposalEvidence(proposal(1000), proposal(2000));
  }
  Reason Check(const v1::Evidence& evidence) {
    return VerifyEvidence(evidence, kSimChainId, set_).status().reason();
  }

  std::vector<PrivateKey> keys_;
  ValidatorSet set_;
};

TEST_F(EvidenceTest, AcceptsARealDoubleVote) {
  auto offence = VerifyEvidence(DoubleVote(), kSimChainId, set_);
  ASSERT_TRUE(offence.ok()) << offence.status().ToString();
  EXPECT_EQ(offence->validator, keys_[2].public_key());
  EXPECT_EQ(offence->height, 3u);
  EXPECT_EQ(offence->round, 1u);
  EXPECT_EQ(offence->kind, OffenceKind::kDoublePrevote);
}

TEST_F(EvidenceTest, AVoteForABlockAndANilVoteAreADoublePrecommit) {
  auto offence = VerifyEvidence(
      DoubleVoteEvidence(Vote(0, 0, v1::VOTE_TYPE_PRECOMMIT, Hash256{1}),
                         Vote(0, 0, v1::VOTE_TYPE_PRECOMMIT, std::nullopt)),
      kSimChainId, set_);
  ASSERT_TRUE(offence.ok()) << offence.status().ToString();
  EXPECT_EQ(offence->kind, OffenceKind::kDoublePrecommit);
}

TEST_F(EvidenceTest, AcceptsARealDoubleProposal) {
  auto offence = VerifyEvidence(DoubleProposal(), kSimChainId, set_);
  ASSERT_TRUE(offence.ok()) << offence.status().ToString();
  EXPECT_EQ(offence->validator, keys_[1].public_key());
  EXPECT_EQ(offence->kind, OffenceKind::kDoubleProposal);
}

TEST_F(EvidenceTest, RefusesEvidenceOfNoKind) {
  EXPECT_EQ(Check(v1::Evidence()), Reason::kMalformed);
}

TEST_F(EvidenceTest, RefusesTwoVotesForTheSameValue) {
  v1::Vote vote = Vote(2, 1, v1::VOTE_TYPE_PREVOTE, Hash256{1});
  EXPECT_EQ(Check(DoubleVoteEvidence(vote, vote)), Reason::kMalformed);
}

TEST_F(EvidenceTest, RefusesVotesOfTwoValidators) {
  EXPECT_EQ(Check(DoubleVoteEvidence(Vote(2, 1, v1::VOTE_TYPE_PREVOTE, Hash256{1}),
                                     Vote(3, 1, v1::VOTE_TYPE_PREVOTE, Hash256{2}))),
            Reason::kMalformed);
}

TEST_F(EvidenceTest, RefusesVotesOfDifferentRoundsHeightsOrTypes) {
  const v1::Vote first = Vote(2, 1, v1::VOTE_TYPE_PREVOTE, Hash256{1});
  EXPECT_EQ(Check(DoubleVoteEvidence(first, Vote(2, 2, v1::VOTE_TYPE_PREVOTE, Hash256{2}))),
            Reason::kMalformed);
  EXPECT_EQ(Check(DoubleVoteEvidence(first, Vote(2, 1, v1::VOTE_TYPE_PREVOTE, Hash256{2}, 4))),
            Reason::kMalformed);
  EXPECT_EQ(Check(DoubleVoteEvidence(first, Vote(2, 1, v1::VOTE_TYPE_PRECOMMIT, Hash256{2}))),
            Reason::kMalformed);
}

TEST_F(EvidenceTest, RefusesATamperedSignature) {
  v1::Evidence evidence = DoubleVote();
  (*evidence.mutable_double_vote()->mutable_second()->mutable_signature())[5] ^= 1;
  EXPECT_EQ(Check(evidence), Reason::kBadSignature);
  evidence = DoubleProposal();
  (*evidence.mutable_double_proposal()->mutable_first()->mutable_signature())[5] ^= 1;
  EXPECT_EQ(Check(evidence), Reason::kBadSignature);
}

TEST_F(EvidenceTest, RefusesAValueTheSignatureDoesNotCover) {
  v1::Evidence evidence = DoubleVote();
  evidence.mutable_double_vote()->mutable_second()->set_block_hash(AsBytes(Hash256{9}));
  EXPECT_EQ(Check(evidence), Reason::kBadSignature);
}

TEST_F(EvidenceTest, RefusesEvidenceSignedForAnotherChain) {
  EXPECT_EQ(VerifyEvidence(DoubleVote(), "another-chain", set_).status().reason(),
            Reason::kBadSignature);
}

TEST_F(EvidenceTest, RefusesEvidenceAgainstANonValidator) {
  ValidatorSet without_2;
  for (int i : {0, 1, 3}) without_2.validators.push_back(keys_[i].public_key());
  EXPECT_EQ(VerifyEvidence(DoubleVote(2), kSimChainId, without_2).status().reason(),
            Reason::kNotAuthorized);
}

TEST_F(EvidenceTest, RefusesADoubleProposalOfAValidatorNotProposingThatRound) {
  EXPECT_EQ(Check(DoubleProposal(/*signer=*/2)), Reason::kNotAuthorized);
}

TEST_F(EvidenceTest, RefusesTwoProposalsOfTheSameBlock) {
  v1::Evidence evidence = DoubleProposal();
  *evidence.mutable_double_proposal()->mutable_second() = evidence.double_proposal().first();
  EXPECT_EQ(Check(evidence), Reason::kMalformed);
}

TEST_F(EvidenceTest, RefusesBadSizes) {
  v1::Evidence short_key = DoubleVote();
  short_key.mutable_double_vote()->mutable_first()->set_validator("abc");
  EXPECT_EQ(Check(short_key), Reason::kMalformed);
  v1::Evidence short_signature = DoubleProposal();
  short_signature.mutable_double_proposal()->mutable_second()->set_signature("sig");
  EXPECT_EQ(Check(short_signature), Reason::kMalformed);
  v1::Evidence short_hash = DoubleProposal();
  short_hash.mutable_double_proposal()->mutable_second()->set_block_hash("h");
  EXPECT_EQ(Check(short_hash), Reason::kMalformed);
}

TEST_F(EvidenceTest, RefusesARoundBeyondTheLimit) {
  const uint32_t round = kMaxConsensusRound + 1;
  EXPECT_EQ(Check(DoubleVoteEvidence(Vote(2, round, v1::VOTE_TYPE_PREVOTE, Hash256{1}),
                                     Vote(2, round, v1::VOTE_TYPE_PREVOTE, Hash256{2}))),
            Reason::kMalformed);
}

TEST_F(EvidenceTest, IdCoversBothMessagesAndNotTheirEncoding) {
  const v1::Evidence evidence = DoubleVote();
  v1::Evidence reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(evidence.SerializeAsString()));
  EXPECT_EQ(EvidenceId(evidence), EvidenceId(reparsed));
  v1::Evidence swapped = DoubleVoteEvidence(evidence.double_vote().second(),
                                            evidence.double_vote().first());
  EXPECT_NE(EvidenceId(evidence), EvidenceId(swapped));
  EXPECT_NE(EvidenceId(evidence), EvidenceId(DoubleProposal()));
}

TEST_F(EvidenceTest, OffenceKeyRoundTripsAndOrdersByValidatorThenHeight) {
  Offence offence{keys_[2].public_key(), 300, 7, OffenceKind::kDoublePrecommit};
  Offence decoded;
  ASSERT_TRUE(Offence::FromKey(offence.Key(), &decoded));
  EXPECT_EQ(decoded, offence);
  Offence later = offence;
  later.height = 301;
  EXPECT_LT(offence.Key(), later.Key());
  EXPECT_FALSE(Offence::FromKey(offence.Key().substr(1), &decoded));
}

}  // namespace
}  // namespace agritrace::chain
