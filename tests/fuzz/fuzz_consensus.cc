// Fuzz target: consensus messages from a peer. The first byte picks the kind (even: vote,
// odd: proposal); the rest is the serialized message, verified against the four-validator
// genesis set.
#include "chain/consensus/messages.h"
#include "tests/fuzz/fuzz_fixture.h"

using namespace agritrace;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const chain::Genesis& genesis = fuzz::FuzzGenesis();
  const chain::ValidatorSet set = genesis.validator_set();
  const bool is_proposal = data[0] & 1;
  ++data;
  --size;
  if (!is_proposal) {
    v1::Vote vote;
    if (!vote.ParseFromArray(data, static_cast<int>(size))) return 0;
    if (chain::VerifyVote(vote, genesis.chain_id, set).ok()) {
      (void)chain::VoteBlockHash(vote);
      FUZZ_CHECK(vote.round() <= chain::kMaxConsensusRound);
    }
    (void)chain::ProposerFor(set, vote.height(), vote.round());
    return 0;
  }
  v1::Proposal proposal;
  if (!proposal.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (chain::VerifyProposal(proposal, genesis.chain_id, set).ok()) {
    FUZZ_CHECK(proposal.pol_round() < static_cast<int64_t>(proposal.round()));
    FUZZ_CHECK(chain::AsBytes(chain::ProposerFor(set, proposal.height(), proposal.round())) ==
               proposal.proposer());
  }
  return 0;
}
