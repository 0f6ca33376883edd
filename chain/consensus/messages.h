// Signing and verifying consensus messages (proposals and votes), and proposer rotation.
//
// Proposal signatures: BIP-340 over TaggedHash("agritrace/proposal/v1", ProposalSignBytes),
// a fixed binary layout (never protobuf):
//   u8 len(chain_id) || chain_id || be64 height || be32 round || be32 pol_round
//   || 32-byte block hash
// where pol_round is the two's-complement 32-bit value (-1, "no proof of lock", is
// 0xFFFFFFFF) and the block hash is chain::BlockHash(proposal.block.header).
//
// Vote signatures: chain::VoteSigningHash (chain/block.h, tag "agritrace/vote/v1"); a nil vote
// (empty block_hash) signs an all-zero hash. A precommit for a block is therefore exactly a
// CommitSig of that block's CommitCertificate.
//
// Thread-safety: pure functions, safe from any thread; a VerifiedSignatures is not (each
// engine owns one).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "agritrace/v1/consensus.pb.h"
#include "chain/model/block.h"
#include "chain/base/keys.h"
#include "chain/base/status.h"

namespace agritrace::chain {

inline constexpr std::string_view kProposalTag = "agritrace/proposal/v1";
// An all-zero hash is what a nil vote signs; no block header hashes to it in practice.
inline constexpr Hash256 kNilBlockHash{};
// Rounds beyond this are rejected as malformed: with timeouts growing per round no honest
// validator gets near it, and it bounds arithmetic on rounds.
inline constexpr uint32_t kMaxConsensusRound = 1'000'000;

// Signatures of consensus messages kept as verified by one engine: a few hundred heights of a
// large validator set.
inline constexpr size_t kMaxVerifiedConsensusSignatures = 4096;

// Signatures of proposals and votes that verified, so that the copies of a message gossip
// brings from several peers (every validator relays what its engine accepts) cost one
// verification, not one each. An entry binds the signer, the signed message hash and the
// signature: a hit is exactly the check already made. Bounded, oldest forgotten first
// (forgetting costs only a second verification).
class VerifiedSignatures {
 public:
  explicit VerifiedSignatures(size_t capacity) : capacity_(capacity) {}
  // VerifySchnorr, remembered when it succeeds.
  bool Verify(const PubKey& signer, const Hash256& message, const Signature& signature);

 private:
  using Entry = std::array<uint8_t, 32 + 32 + 64>;
  const size_t capacity_;
  std::set<Entry> known_;
  std::deque<Entry> order_;
};

// The proposer of (height, round): validators[(height + round) % n] in genesis order.
PubKey ProposerFor(const ValidatorSet& set, uint64_t height, uint32_t round);

std::string ProposalSignBytes(const std::string& chain_id, uint64_t height, uint32_t round,
                              int32_t pol_round, const Hash256& block_hash);
Hash256 ProposalSigningHash(const std::string& chain_id, uint64_t height, uint32_t round,
                            int32_t pol_round, const Hash256& block_hash);

// A signed proposal of `block` (its certificate field is cleared).
v1::Proposal SignProposal(const PrivateKey& key, const std::string& chain_id, uint64_t height,
                          uint32_t round, int32_t pol_round, const v1::Block& block);
// A signed vote; nullopt block_hash is a nil vote.
v1::Vote SignVote(const PrivateKey& key, const std::string& chain_id, uint64_t height,
                  uint32_t round, v1::VoteType type, const std::optional<Hash256>& block_hash);

// The block hash a vote is for; nullopt for nil. Requires a vote that passed VerifyVote.
std::optional<Hash256> VoteBlockHash(const v1::Vote& vote);

// Checks shape, membership and signature of a vote: MALFORMED (sizes, type, round),
// NOT_AUTHORIZED (not a validator), BAD_SIGNATURE. With `verified`, a signature checked
// before is not checked again.
Status VerifyVote(const v1::Vote& vote, const std::string& chain_id, const ValidatorSet& set,
                  VerifiedSignatures* verified = nullptr);

// Checks a proposal: shape (MALFORMED), the block header decodes for this chain at this height
// (MALFORMED / WRONG_CHAIN), the signer is the proposer of (height, round) (NOT_AUTHORIZED),
// pol_round is -1 or below round (MALFORMED), the signature (BAD_SIGNATURE), and a fresh block
// (pol_round -1) names its signer as header proposer (NOT_AUTHORIZED). Does not judge the
// records: that is Application::ValidateBlock. `verified` as for VerifyVote.
Status VerifyProposal(const v1::Proposal& proposal, const std::string& chain_id,
                      const ValidatorSet& set, VerifiedSignatures* verified = nullptr);

}  // namespace agritrace::chain
