#include "chain/consensus/messages.h"

#include "chain/base/check.h"
#include "chain/base/hash.h"
#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

// Signatures are deterministic (BIP-340 with zero auxiliary data): a validator that signs the
// same message twice, e.g. after a restart, produces the same bytes, and simulations replay
// bit for bit. The nonce still depends on the secret key and the message.
constexpr Hash256 kSignAux{};

Status CheckRound(uint32_t round) {
  if (round > kMaxConsensusRound) {
    return Reject(Reason::kMalformed, "round " + std::to_string(round) + " exceeds the limit " +
                                          std::to_string(kMaxConsensusRound));
  }
  return Status::Ok();
}

Result<PubKey> CheckMember(std::string_view key_bytes, const ValidatorSet& set,
                           const char* what) {
  auto key = ArrayFromBytes<32>(key_bytes);
  if (!key) return Reject(Reason::kMalformed, std::string(what) + " must be a 32-byte key");
  if (!set.Contains(*key)) {
    return Reject(Reason::kNotAuthorized,
                  std::string(what) + " " + ToHex(*key) + " is not a validator of this chain");
  }
  return *key;
}

Status CheckProposalShape(const v1::Proposal& proposal) {
  if (proposal.height() == 0) return Reject(Reason::kMalformed, "proposal heights start at 1");
  AGRI_RETURN_IF_ERROR(CheckRound(proposal.round()));
  if (proposal.pol_round() < -1 ||
      (proposal.pol_round() >= 0 &&
       static_cast<uint32_t>(proposal.pol_round()) >= proposal.round())) {
    return Reject(Reason::kMalformed, "a proposal's proof-of-lock round must be -1 or below its "
                                      "round");
  }
  if (proposal.signature().size() != 64) {
    return Reject(Reason::kMalformed, "a proposal signature must be 64 bytes (BIP-340)");
  }
  if (proposal.block().has_certificate()) {
    return Reject(Reason::kMalformed, "a proposed block must not carry a certificate");
  }
  return Status::Ok();
}

}  // namespace

PubKey ProposerFor(const ValidatorSet& set, uint64_t height, uint32_t round) {
  AGRI_CHECK_MSG(!set.validators.empty(), "genesis names at least one validator");
  return set.validators[(height + round) % set.validators.size()];
}

std::string ProposalSignBytes(const std::string& chain_id, uint64_t height, uint32_t round,
                              int32_t pol_round, const Hash256& block_hash) {
  AGRI_CHECK(chain_id.size() <= kMaxChainIdBytes);  // bounded by genesis validation
  std::string out;
  out.reserve(1 + chain_id.size() + 8 + 4 + 4 + 32);
  out.push_back(static_cast<char>(static_cast<uint8_t>(chain_id.size())));
  out.append(chain_id);
  AppendBigEndian64(out, height);
  AppendBigEndian32(out, round);
  AppendBigEndian32(out, static_cast<uint32_t>(pol_round));
  out.append(AsBytes(block_hash));
  return out;
}

Hash256 ProposalSigningHash(const std::string& chain_id, uint64_t height, uint32_t round,
                            int32_t pol_round, const Hash256& block_hash) {
  return TaggedHash(kProposalTag,
                    ProposalSignBytes(chain_id, height, round, pol_round, block_hash));
}

v1::Proposal SignProposal(const PrivateKey& key, const std::string& chain_id, uint64_t height,
                          uint32_t round, int32_t pol_round, const v1::Block& block) {
  v1::Proposal proposal;
  proposal.set_height(height);
  proposal.set_round(round);
  proposal.set_pol_round(pol_round);
  *proposal.mutable_block() = block;
  proposal.mutable_block()->clear_certificate();
  proposal.set_proposer(AsBytes(key.public_key()));
  Hash256 message =
      ProposalSigningHash(chain_id, height, round, pol_round, BlockHash(block.header()));
  proposal.set_signature(AsBytes(key.SignWithAux(message, kSignAux)));
  return proposal;
}

v1::Vote SignVote(const PrivateKey& key, const std::string& chain_id, uint64_t height,
                  uint32_t round, v1::VoteType type, const std::optional<Hash256>& block_hash) {
  v1::Vote vote;
  vote.set_height(height);
  vote.set_round(round);
  vote.set_type(type);
  if (block_hash) vote.set_block_hash(AsBytes(*block_hash));
  vote.set_validator(AsBytes(key.public_key()));
  Hash256 message =
      VoteSigningHash(chain_id, height, round, type, block_hash.value_or(kNilBlockHash));
  vote.set_signature(AsBytes(key.SignWithAux(message, kSignAux)));
  return vote;
}

std::optional<Hash256> VoteBlockHash(const v1::Vote& vote) {
  if (vote.block_hash().empty()) return std::nullopt;
  return ArrayFromBytes<32>(vote.block_hash());
}

Status VerifyVote(const v1::Vote& vote, const std::string& chain_id, const ValidatorSet& set) {
  if (vote.height() == 0) return Reject(Reason::kMalformed, "vote heights start at 1");
  AGRI_RETURN_IF_ERROR(CheckRound(vote.round()));
  if (vote.type() != v1::VOTE_TYPE_PREVOTE && vote.type() != v1::VOTE_TYPE_PRECOMMIT) {
    return Reject(Reason::kMalformed, "a vote must be a prevote or a precommit");
  }
  if (!vote.block_hash().empty() && vote.block_hash().size() != 32) {
    return Reject(Reason::kMalformed, "a vote's block hash must be 32 bytes or empty (nil)");
  }
  if (vote.signature().size() != 64) {
    return Reject(Reason::kMalformed, "a vote signature must be 64 bytes (BIP-340)");
  }
  Result<PubKey> validator = CheckMember(vote.validator(), set, "voter");
  if (!validator.ok()) return validator.status();
  Hash256 message = VoteSigningHash(chain_id, vote.height(), vote.round(), vote.type(),
                                    VoteBlockHash(vote).value_or(kNilBlockHash));
  if (!VerifySchnorr(*validator, message, ArrayFromCheckedBytes<64>(vote.signature()))) {
    return Reject(Reason::kBadSignature, "the vote signature of " + ToHex(*validator) +
                                             " does not match this chain, height, round, type "
                                             "and block");
  }
  return Status::Ok();
}

Status VerifyProposal(const v1::Proposal& proposal, const std::string& chain_id,
                      const ValidatorSet& set) {
  AGRI_RETURN_IF_ERROR(CheckProposalShape(proposal));
  Result<PubKey> proposer = CheckMember(proposal.proposer(), set, "proposer");
  if (!proposer.ok()) return proposer.status();
  if (*proposer != ProposerFor(set, proposal.height(), proposal.round())) {
    return Reject(Reason::kNotAuthorized,
                  ToHex(*proposer) + " is not the proposer of height " +
                      std::to_string(proposal.height()) + " round " +
                      std::to_string(proposal.round()));
  }
  Result<DecodedBlock> block = DecodeBlock(proposal.block(), chain_id);
  if (!block.ok()) return block.status();
  if (block->header.height() != proposal.height()) {
    return Reject(Reason::kMalformed, "the proposed block is for height " +
                                          std::to_string(block->header.height()) + ", not " +
                                          std::to_string(proposal.height()));
  }
  Hash256 message = ProposalSigningHash(chain_id, proposal.height(), proposal.round(),
                                        proposal.pol_round(), block->hash);
  if (!VerifySchnorr(*proposer, message, ArrayFromCheckedBytes<64>(proposal.signature()))) {
    return Reject(Reason::kBadSignature, "the proposal signature of " + ToHex(*proposer) +
                                             " does not match this chain, height, round and "
                                             "block");
  }
  if (proposal.pol_round() == -1 && block->header.proposer() != proposal.proposer()) {
    return Reject(Reason::kNotAuthorized,
                  "a fresh proposal must carry a block its proposer made (header proposer)");
  }
  return Status::Ok();
}

}  // namespace agritrace::chain
