// Verifying equivocation evidence, and making it from the messages the engine saw.
//
// Anyone holding the chain id and the validator set can check evidence from its two signed
// messages alone (the bundle verifier and the CLI could too): the shape
// (chain::CheckEvidenceShape: same signer, height, round and type, different values), the
// signer is a validator (NOT_AUTHORIZED), for a double proposal the proposer of that height and
// round (NOT_AUTHORIZED), rounds within kMaxConsensusRound (MALFORMED), and both signatures
// over this chain's signing layouts (BAD_SIGNATURE). Every reason is stateless: evidence that
// fails it proves whoever sent it faulty. Whether the offence is already committed, or too old
// to commit (kMaxEvidenceAgeHeights), is for the chain to say (node/replication).
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <string>

#include "agritrace/v1/consensus.pb.h"
#include "chain/base/status.h"
#include "chain/consensus/messages.h"
#include "chain/model/block.h"
#include "chain/model/evidence.h"

namespace agritrace::chain {

// The checks above; returns the offence.
Result<Offence> VerifyEvidence(const v1::Evidence& evidence, const std::string& chain_id,
                               const ValidatorSet& set);

// The same with the validator set of the offence's height (issue 17): `set_at(height)` for
// the height the shape names.
Result<Offence> VerifyEvidenceAt(const v1::Evidence& evidence, const std::string& chain_id,
                                 const std::function<ValidatorSet(uint64_t)>& set_at);

// Evidence of two votes (as the engine reports them: `first` counted, `second` conflicting).
v1::Evidence DoubleVoteEvidence(const v1::Vote& first, const v1::Vote& second);
// Evidence of two proposals for one height and round, as signed (blocks replaced by hashes).
v1::SignedProposal SignedProposalOf(const v1::Proposal& proposal);
v1::Evidence DoubleProposalEvidence(const v1::SignedProposal& first,
                                    const v1::SignedProposal& second);

}  // namespace agritrace::chain
