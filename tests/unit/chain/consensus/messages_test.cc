#include "chain/consensus/messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sim/sim_support.h"

namespace agritrace::chain {
namespace {

using sim::DeterministicKey;
using sim::kSimChainId;

class MessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 4; ++i) {
      keys_.push_back(DeterministicKey(i));
      set_.validators.push_back(keys_.back().public_key());
    }
  }
  v1::Block BlockBy(int i, uint64_t height = 1) {
    return MakeBlock(kSimChainId, height, Hash256{}, 1000, keys_[i].public_key(), {});
  }
  std::vector<PrivateKey> keys_;
  ValidatorSet set_;
};

TEST(QuorumTest, QuorumIsMoreThanTwoThirds) {
  const size_t expected[] = {1, 2, 3, 3, 4, 5, 5, 6, 7, 7};
  for (size_t n = 1; n <= 10; ++n) {
    ValidatorSet set;
    set.validators.resize(n);
    EXPECT_EQ(set.Quorum(), expected[n - 1]) << "n=" << n;
    // Two quorums always share an honest validator: 2q - n > f.
    EXPECT_GT(2 * set.Quorum(), n + (n - 1) / 3) << "n=" << n;
  }
}

TEST_F(MessagesTest, ProposerRotatesByHeightPlusRound) {
  EXPECT_EQ(ProposerFor(set_, 1, 0), set_.validators[1]);
  EXPECT_EQ(ProposerFor(set_, 1, 1), set_.validators[2]);
  EXPECT_EQ(ProposerFor(set_, 1, 3), set_.validators[0]);
  EXPECT_EQ(ProposerFor(set_, 4, 0), set_.validators[0]);
  EXPECT_EQ(ProposerFor(set_, 7, 2), set_.validators[1]);
}

TEST_F(MessagesTest, AcceptsWellSignedVoteAndProposal) {
  v1::Vote vote = SignVote(keys_[2], kSimChainId, 5, 1, v1::VOTE_TYPE_PREVOTE, Hash256{7});
  EXPECT_TRUE(VerifyVote(vote, kSimChainId, set_).ok());
  v1::Vote nil = SignVote(keys_[2], kSimChainId, 5, 1, v1::VOTE_TYPE_PRECOMMIT, std::nullopt);
  EXPECT_TRUE(VerifyVote(nil, kSimChainId, set_).ok());
  v1::Proposal proposal = SignProposal(keys_[1], kSimChainId, 1, 0, -1, BlockBy(1));
  EXPECT_TRUE(VerifyProposal(proposal, kSimChainId, set_).ok());
}

TEST_F(MessagesTest, RejectsVoteWithBadSignature) {
  v1::Vote vote = SignVote(keys_[2], kSimChainId, 5, 1, v1::VOTE_TYPE_PREVOTE, Hash256{7});
  vote.set_round(2);  // the signature covers the round
  EXPECT_EQ(VerifyVote(vote, kSimChainId, set_).reason(), Reason::kBadSignature);
}

TEST_F(MessagesTest, RejectsVoteForAnotherChain) {
  v1::Vote vote = SignVote(keys_[2], "other-chain", 5, 1, v1::VOTE_TYPE_PREVOTE, Hash256{7});
  EXPECT_EQ(VerifyVote(vote, kSimChainId, set_).reason(), Reason::kBadSignature);
}

TEST_F(MessagesTest, RejectsVoteFromNonMember) {
  PrivateKey outsider = DeterministicKey(99);
  v1::Vote vote = SignVote(outsider, kSimChainId, 5, 1, v1::VOTE_TYPE_PREVOTE, Hash256{7});
  EXPECT_EQ(VerifyVote(vote, kSimChainId, set_).reason(), Reason::kNotAuthorized);
}

TEST_F(MessagesTest, RejectsMalformedVotes) {
  v1::Vote vote = SignVote(keys_[0], kSimChainId, 5, 1, v1::VOTE_TYPE_PREVOTE, Hash256{7});
  v1::Vote short_hash = vote;
  short_hash.set_block_hash("abc");
  EXPECT_EQ(VerifyVote(short_hash, kSimChainId, set_).reason(), Reason::kMalformed);
  v1::Vote no_type = vote;
  no_type.set_type(v1::VOTE_TYPE_UNSPECIFIED);
  EXPECT_EQ(VerifyVote(no_type, kSimChainId, set_).reason(), Reason::kMalformed);
  v1::Vote huge_round = vote;
  huge_round.set_round(kMaxConsensusRound + 1);
  EXPECT_EQ(VerifyVote(huge_round, kSimChainId, set_).reason(), Reason::kMalformed);
  v1::Vote zero_height = vote;
  zero_height.set_height(0);
  EXPECT_EQ(VerifyVote(zero_height, kSimChainId, set_).reason(), Reason::kMalformed);
  v1::Vote short_sig = vote;
  short_sig.set_signature("x");
  EXPECT_EQ(VerifyVote(short_sig, kSimChainId, set_).reason(), Reason::kMalformed);
}

TEST_F(MessagesTest, RejectsProposalFromWrongProposer) {
  v1::Proposal proposal = SignProposal(keys_[2], kSimChainId, 1, 0, -1, BlockBy(2));
  EXPECT_EQ(VerifyProposal(proposal, kSimChainId, set_).reason(), Reason::kNotAuthorized);
}

TEST_F(MessagesTest, RejectsProposalWithBadSignature) {
  v1::Proposal proposal = SignProposal(keys_[1], kSimChainId, 1, 0, -1, BlockBy(1));
  proposal.mutable_block()->set_header(BlockBy(1, 1).header() + "");
  proposal.set_pol_round(-1);
  v1::Proposal other = SignProposal(keys_[1], kSimChainId, 1, 0, -1,
                                    MakeBlock(kSimChainId, 1, Hash256{}, 2000,
                                              keys_[1].public_key(), {}));
  proposal.set_signature(other.signature());  // signature of another block
  EXPECT_EQ(VerifyProposal(proposal, kSimChainId, set_).reason(), Reason::kBadSignature);
}

TEST_F(MessagesTest, RejectsProposalWithBadPolRoundOrHeight) {
  v1::Proposal bad_pol = SignProposal(keys_[1], kSimChainId, 1, 0, 0, BlockBy(1));
  EXPECT_EQ(VerifyProposal(bad_pol, kSimChainId, set_).reason(), Reason::kMalformed);
  v1::Proposal wrong_height = SignProposal(keys_[2], kSimChainId, 1, 1, -1, BlockBy(2, 2));
  EXPECT_EQ(VerifyProposal(wrong_height, kSimChainId, set_).reason(), Reason::kMalformed);
  v1::Block foreign = MakeBlock("other-chain", 1, Hash256{}, 1, keys_[1].public_key(), {});
  v1::Proposal wrong_chain = SignProposal(keys_[1], kSimChainId, 1, 0, -1, foreign);
  EXPECT_EQ(VerifyProposal(wrong_chain, kSimChainId, set_).reason(), Reason::kWrongChain);
}

TEST_F(MessagesTest, RejectsFreshProposalOfSomeoneElsesBlock) {
  v1::Proposal proposal = SignProposal(keys_[1], kSimChainId, 1, 0, -1, BlockBy(3));
  EXPECT_EQ(VerifyProposal(proposal, kSimChainId, set_).reason(), Reason::kNotAuthorized);
}

TEST_F(MessagesTest, PrecommitsFormAVerifiableCertificate) {
  Hash256 hash = BlockHash(BlockBy(1).header());
  v1::CommitCertificate cert;
  cert.set_height(1);
  cert.set_round(3);
  cert.set_block_hash(AsBytes(hash));
  for (int i = 0; i < 3; ++i) {
    v1::Vote vote = SignVote(keys_[i], kSimChainId, 1, 3, v1::VOTE_TYPE_PRECOMMIT, hash);
    v1::CommitSig* sig = cert.add_signatures();
    sig->set_validator(vote.validator());
    sig->set_signature(vote.signature());
  }
  EXPECT_TRUE(VerifyCertificate(cert, kSimChainId, 1, hash, set_).ok());
  cert.mutable_signatures()->RemoveLast();
  EXPECT_FALSE(VerifyCertificate(cert, kSimChainId, 1, hash, set_).ok());
}

TEST_F(MessagesTest, ProposalSignBytesHaveTheDocumentedLayout) {
  Hash256 hash{};
  hash.fill(0xab);
  std::string bytes = ProposalSignBytes("c", 0x0102, 3, -1, hash);
  std::string expected = std::string("\x01" "c", 2) + std::string("\0\0\0\0\0\0\x01\x02", 8) +
                         std::string("\0\0\0\x03", 4) + std::string("\xff\xff\xff\xff", 4) +
                         AsBytes(hash);
  EXPECT_EQ(bytes, expected);
}

}  // namespace
// A remembered signature vouches for exactly its signer, message and signature: a copy of a
// verified vote passes without a second check, anything altered is checked and refused.
TEST_F(MessagesTest, VerifiedSignaturesVouchOnlyForTheSameSignedMessage) {
  VerifiedSignatures verified(16);
  const v1::Vote vote =
      SignVote(keys_[1], kSimChainId, 3, 0, v1::VOTE_TYPE_PREVOTE, BlockHash("block a"));
  ASSERT_TRUE(VerifyVote(vote, kSimChainId, set_, &verified).ok());
  EXPECT_TRUE(VerifyVote(vote, kSimChainId, set_, &verified).ok());
  v1::Vote other_name = vote;
  other_name.set_validator(AsBytes(keys_[2].public_key()));
  EXPECT_EQ(VerifyVote(other_name, kSimChainId, set_, &verified).reason(), Reason::kBadSignature);
  v1::Vote other_value = vote;
  other_value.set_block_hash(AsBytes(BlockHash("block b")));
  EXPECT_EQ(VerifyVote(other_value, kSimChainId, set_, &verified).reason(),
            Reason::kBadSignature);
  v1::Vote other_signature = vote;
  (*other_signature.mutable_signature())[9] ^= 4;
  EXPECT_EQ(VerifyVote(other_signature, kSimChainId, set_, &verified).reason(),
            Reason::kBadSignature);
  EXPECT_EQ(VerifyVote(vote, "another-chain", set_, &verified).reason(), Reason::kBadSignature);
}

TEST_F(MessagesTest, VerifiedSignaturesForgetTheOldestBeyondCapacity) {
  VerifiedSignatures verified(2);
  const Hash256 a = BlockHash("a"), b = BlockHash("b"), c = BlockHash("c");
  const Signature sig_a = keys_[0].SignWithAux(a, Hash256{});
  EXPECT_TRUE(verified.Verify(keys_[0].public_key(), a, sig_a));
  EXPECT_TRUE(verified.Verify(keys_[0].public_key(), b, keys_[0].SignWithAux(b, Hash256{})));
  EXPECT_TRUE(verified.Verify(keys_[0].public_key(), c, keys_[0].SignWithAux(c, Hash256{})));
  // Forgotten, so checked again: still valid, and a bad one still fails.
  EXPECT_TRUE(verified.Verify(keys_[0].public_key(), a, sig_a));
  EXPECT_FALSE(verified.Verify(keys_[1].public_key(), a, sig_a));
}

}  // namespace agritrace::chain
