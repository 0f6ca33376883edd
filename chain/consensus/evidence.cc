#include "chain/consensus/evidence.h"

namespace agritrace::chain {
namespace {

Status Unauthorized(const std::string& what) {
  return Reject(Reason::kNotAuthorized, "evidence: " + what);
}

Status BadSignature(const char* which, const Offence& offence) {
  return Reject(Reason::kBadSignature,
                std::string("evidence: the ") + which + " signature of " +
                    ToHex(offence.validator) + " does not match this chain, height " +
                    std::to_string(offence.height) + ", round " + std::to_string(offence.round) +
                    " and value");
}

Status CheckVoteSignature(const v1::Vote& vote, const std::string& chain_id,
                          const Offence& offence, const char* which) {
  const Hash256 message = VoteSigningHash(chain_id, vote.height(), vote.round(), vote.type(),
                                          VoteBlockHash(vote).value_or(kNilBlockHash));
  if (!VerifySchnorr(offence.validator, message, ArrayFromCheckedBytes<64>(vote.signature()))) {
    return BadSignature(which, offence);
  }
  return Status::Ok();
}

Status CheckProposalSignature(const v1::SignedProposal& proposal, const std::string& chain_id,
                              const Offence& offence, const char* which) {
  const Hash256 message =
      ProposalSigningHash(chain_id, proposal.height(), proposal.round(), proposal.pol_round(),
                          ArrayFromCheckedBytes<32>(proposal.block_hash()));
  if (!VerifySchnorr(offence.validator, message,
                     ArrayFromCheckedBytes<64>(proposal.signature()))) {
    return BadSignature(which, offence);
  }
  return Status::Ok();
}

Status CheckSignatures(const v1::Evidence& evidence, const std::string& chain_id,
                       const Offence& offence) {
  if (evidence.has_double_vote()) {
    AGRI_RETURN_IF_ERROR(
        CheckVoteSignature(evidence.double_vote().first(), chain_id, offence, "first"));
    return CheckVoteSignature(evidence.double_vote().second(), chain_id, offence, "second");
  }
  AGRI_RETURN_IF_ERROR(
      CheckProposalSignature(evidence.double_proposal().first(), chain_id, offence, "first"));
  return CheckProposalSignature(evidence.double_proposal().second(), chain_id, offence,
                                "second");
}

}  // namespace

Result<Offence> VerifyEvidence(const v1::Evidence& evidence, const std::string& chain_id,
                               const ValidatorSet& set) {
  Result<Offence> offence = CheckEvidenceShape(evidence);
  if (!offence.ok()) return offence.status();
  if (offence->round > kMaxConsensusRound) {
    return Reject(Reason::kMalformed, "evidence: round " + std::to_string(offence->round) +
                                          " exceeds the limit " +
                                          std::to_string(kMaxConsensusRound));
  }
  if (!set.Contains(offence->validator)) {
    return Unauthorized(ToHex(offence->validator) + " is not a validator of this chain at height " +
                        std::to_string(offence->height));
  }
  if (offence->kind == OffenceKind::kDoubleProposal &&
      ProposerFor(set, offence->height, offence->round) != offence->validator) {
    return Unauthorized(ToHex(offence->validator) + " is not the proposer of height " +
                        std::to_string(offence->height) + " round " +
                        std::to_string(offence->round));
  }
  AGRI_RETURN_IF_ERROR(CheckSignatures(evidence, chain_id, *offence));
  return offence;
}

Result<Offence> VerifyEvidenceAt(const v1::Evidence& evidence, const std::string& chain_id,
                                 const std::function<ValidatorSet(uint64_t)>& set_at) {
  Result<Offence> shape = CheckEvidenceShape(evidence);
  if (!shape.ok()) return shape.status();
  return VerifyEvidence(evidence, chain_id, set_at(shape->height));
}

v1::Evidence DoubleVoteEvidence(const v1::Vote& first, const v1::Vote& second) {
  v1::Evidence evidence;
  *evidence.mutable_double_vote()->mutable_first() = first;
  *evidence.mutable_double_vote()->mutable_second() = second;
  return evidence;
}

v1::SignedProposal SignedProposalOf(const v1::Proposal& proposal) {
  v1::SignedProposal signed_proposal;
  signed_proposal.set_height(proposal.height());
  signed_proposal.set_round(proposal.round());
  signed_proposal.set_pol_round(proposal.pol_round());
  signed_proposal.set_block_hash(AsBytes(BlockHash(proposal.block().header())));
  signed_proposal.set_proposer(proposal.proposer());
  signed_proposal.set_signature(proposal.signature());
  return signed_proposal;
}

v1::Evidence DoubleProposalEvidence(const v1::SignedProposal& first,
                                    const v1::SignedProposal& second) {
  v1::Evidence evidence;
  *evidence.mutable_double_proposal()->mutable_first() = first;
  *evidence.mutable_double_proposal()->mutable_second() = second;
  return evidence;
}

}  // namespace agritrace::chain
