// The rules of Algorithm 1 (Buchman, Kwon, Milosevic 2018). Line numbers in comments refer to
// the paper's Algorithm 1.
#include "chain/base/check.h"
#include "chain/consensus/engine_state.h"

namespace agritrace::chain {
namespace {

// Every rule that fires either signs (at most 3 times a round), schedules a once-per-round
// timer, commits, or raises the round; this bounds one Run() far above any real need and
// turns a logic error into a stall instead of a hang.
constexpr int kMaxRuleFirings = 10'000;

}  // namespace

void ConsensusEngine::State::StartRound(uint32_t r) {  // line 11
  AGRI_CHECK(step == ConsensusStep::kNewHeight || r >= round);  // rounds only move forward
  round = r;
  step = ConsensusStep::kPropose;
  // Our messages of an earlier round are no longer what we resend (the persisted copy is
  // replaced at the next signature).
  if (my_proposal && my_proposal->round() != r) my_proposal.reset();
  if (my_prevote && my_prevote->round() != r) my_prevote.reset();
  if (my_precommit && my_precommit->round() != r) my_precommit.reset();
  Schedule(r, ConsensusStep::kPropose, config.timeouts.propose_ms + r * config.timeouts.delta_ms);
  Schedule(r, ConsensusStep::kRebroadcast, config.timeouts.rebroadcast_ms);
  if (IsProposer(r)) Propose();
}

void ConsensusEngine::State::EnterNewHeight() {
  step = ConsensusStep::kNewHeight;
  // No empty blocks: start only when there is something to commit, or someone else started.
  bool heard = !votes.empty() || !proposals.empty();
  if (heard || app->HasPendingRecords()) {
    StartRound(0);
    Run();
  }
}

void ConsensusEngine::State::Propose() {  // lines 14-19
  // IsProposer: only a validator holding its key proposes.
  AGRI_CHECK(key);
  if (my_proposal && my_proposal->round() == round) {  // restored after a restart
    Rebroadcast();
    return;
  }
  v1::Block block;
  int32_t pol_round = -1;
  if (valid_block) {
    block = *valid_block;
    pol_round = valid_round;
  } else {
    block = app->ProposeBlock(height, now_ms, key->public_key());
  }
  my_proposal = SignProposal(*key, config.chain_id, height, round, pol_round, block);
  if (!Persist()) {
    my_proposal.reset();
    return;
  }
  AcceptProposal(*my_proposal);
  EmitProposalWithPol();
}

// A re-proposal (pol_round >= 0) is accepted only by validators that hold the quorum of
// prevotes of pol_round; those that lost them would refuse it forever, so the proof travels
// with the proposal (Tendermint's ProposalPOL gossip).
void ConsensusEngine::State::EmitProposalWithPol() {
  AGRI_CHECK(my_proposal);
  if (my_proposal->pol_round() >= 0 && my_proposal->pol_round() == valid_round) {
    for (const v1::Vote& vote : ValidPol()) Emit(BroadcastVote{vote});
  }
  Emit(BroadcastProposal{*my_proposal});
}

void ConsensusEngine::State::SignVote(v1::VoteType type, const VoteValue& value) {
  bool prevote = type == v1::VOTE_TYPE_PREVOTE;
  step = prevote ? ConsensusStep::kPrevote : ConsensusStep::kPrecommit;
  if (!key) return;  // a follower walks the steps without signing
  std::optional<v1::Vote>& slot = prevote ? my_prevote : my_precommit;
  if (slot && slot->round() == round) {  // signed before a restart: never a different one
    Emit(BroadcastVote{*slot});
    return;
  }
  slot = chain::SignVote(*key, config.chain_id, height, round, type, value);
  if (!Persist()) {
    slot.reset();
    return;
  }
  AcceptVote(*slot);
  Emit(BroadcastVote{*slot});
}

void ConsensusEngine::State::Rebroadcast() {
  if (my_proposal && my_proposal->round() == round) EmitProposalWithPol();
  if (my_prevote && my_prevote->round() == round) Emit(BroadcastVote{*my_prevote});
  if (my_precommit && my_precommit->round() == round) Emit(BroadcastVote{*my_precommit});
}

bool ConsensusEngine::State::IsValid(const Hash256& hash) {
  auto cached = validity.find(hash);
  if (cached != validity.end()) return cached->second;
  auto block = blocks.find(hash);
  bool valid = block != blocks.end() && app->ValidateBlock(height, block->second).ok();
  validity.emplace(hash, valid);
  return valid;
}

void ConsensusEngine::State::Run() {
  for (int i = 0; i < kMaxRuleFirings; ++i) {
    if (step == ConsensusStep::kCommitted || step == ConsensusStep::kNewHeight) return;
    if (!out->status.ok()) return;  // persistence failed: sign nothing more in this call
    bool fired = TryDecide() || TrySkipRound() || TryPrevoteOnProposal() ||
                 TryPrevoteTimeout() || TryLockOnPolka() || TryPrecommitNil() ||
                 TryPrecommitTimeout();
    if (!fired) return;
  }
}

bool ConsensusEngine::State::TryDecide() {  // line 49, for any round
  for (uint32_t r : votes.PrecommitRounds()) {
    const RoundVotes* precommits = votes.Find(r, v1::VOTE_TYPE_PRECOMMIT);
    AGRI_CHECK(precommits);  // PrecommitRounds lists rounds that hold precommits
    for (const Hash256& hash : precommits->BlocksWithQuorum(Quorum())) {
      if (!blocks.count(hash)) {
        RequestSync(height);  // decided by others with a block we never received
        continue;
      }
      if (!IsValid(hash)) continue;
      Commit(hash, r);
      return true;
    }
  }
  return false;
}

bool ConsensusEngine::State::TrySkipRound() {  // line 55
  std::optional<uint32_t> r = votes.HighestRoundWithSenders(round, SkipThreshold());
  if (!r) return false;
  StartRound(*r);
  return true;
}

bool ConsensusEngine::State::TryPrevoteOnProposal() {  // lines 22 and 28
  if (step != ConsensusStep::kPropose) return false;
  auto entries = proposals.find(round);
  if (entries == proposals.end()) return false;
  for (const ProposalEntry& entry : entries->second) {
    int32_t vr = entry.pol_round;
    bool acceptable;
    if (vr == -1) {
      acceptable = locked_round == -1 || locked_hash == entry.hash;
    } else {
      const RoundVotes* prevotes = votes.Find(vr, v1::VOTE_TYPE_PREVOTE);
      if (!prevotes || prevotes->CountFor(entry.hash) < Quorum()) continue;
      acceptable = locked_round <= vr || locked_hash == entry.hash;
    }
    bool yes = acceptable && IsValid(entry.hash);
    SignVote(v1::VOTE_TYPE_PREVOTE, yes ? VoteValue(entry.hash) : std::nullopt);
    return true;
  }
  return false;
}

bool ConsensusEngine::State::TryPrevoteTimeout() {  // line 34
  if (step != ConsensusStep::kPrevote || prevote_timeout_rounds.count(round)) return false;
  const RoundVotes* prevotes = votes.Find(round, v1::VOTE_TYPE_PREVOTE);
  if (!prevotes || prevotes->total() < Quorum()) return false;
  prevote_timeout_rounds.insert(round);
  Schedule(round, ConsensusStep::kPrevote,
           config.timeouts.vote_ms + round * config.timeouts.delta_ms);
  return true;
}

bool ConsensusEngine::State::TryLockOnPolka() {  // line 36
  if (step != ConsensusStep::kPrevote && step != ConsensusStep::kPrecommit) return false;
  if (polka_rounds.count(round)) return false;
  const RoundVotes* prevotes = votes.Find(round, v1::VOTE_TYPE_PREVOTE);
  if (!prevotes) return false;
  for (const Hash256& hash : prevotes->BlocksWithQuorum(Quorum())) {
    auto entries = proposals.find(round);
    if (entries == proposals.end()) return false;
    bool proposed = false;
    for (const ProposalEntry& entry : entries->second) proposed |= entry.hash == hash;
    if (!proposed || !IsValid(hash)) continue;
    polka_rounds.insert(round);
    // validValue first, so that the precommit's persisted state already holds it.
    valid_block = blocks.at(hash);
    valid_hash = hash;
    valid_round = static_cast<int32_t>(round);
    if (step == ConsensusStep::kPrevote) {
      locked_block = valid_block;
      locked_hash = hash;
      locked_round = static_cast<int32_t>(round);
      SignVote(v1::VOTE_TYPE_PRECOMMIT, hash);
    }
    return true;
  }
  return false;
}

bool ConsensusEngine::State::TryPrecommitNil() {  // line 44
  if (step != ConsensusStep::kPrevote) return false;
  const RoundVotes* prevotes = votes.Find(round, v1::VOTE_TYPE_PREVOTE);
  if (!prevotes || prevotes->CountFor(std::nullopt) < Quorum()) return false;
  SignVote(v1::VOTE_TYPE_PRECOMMIT, std::nullopt);
  return true;
}

bool ConsensusEngine::State::TryPrecommitTimeout() {  // line 47
  if (precommit_timeout_rounds.count(round)) return false;
  const RoundVotes* precommits = votes.Find(round, v1::VOTE_TYPE_PRECOMMIT);
  if (!precommits || precommits->total() < Quorum()) return false;
  precommit_timeout_rounds.insert(round);
  Schedule(round, ConsensusStep::kPrecommit,
           config.timeouts.vote_ms + round * config.timeouts.delta_ms);
  return true;
}

void ConsensusEngine::State::Commit(const Hash256& hash, uint32_t commit_round) {
  v1::Block block = blocks.at(hash);
  v1::CommitCertificate* cert = block.mutable_certificate();
  cert->set_height(height);
  cert->set_round(commit_round);
  cert->set_block_hash(AsBytes(hash));
  const RoundVotes* precommits = votes.Find(commit_round, v1::VOTE_TYPE_PRECOMMIT);
  AGRI_CHECK(precommits);  // TryDecide found a quorum of them
  for (const v1::Vote* vote : precommits->VotesFor(hash)) {
    v1::CommitSig* sig = cert->add_signatures();
    sig->set_validator(vote->validator());
    sig->set_signature(vote->signature());
  }
  Emit(CommitBlock{std::move(block), hash});
  ResetHeight(height + 1);
  step = ConsensusStep::kCommitted;
  IngestFuture();
  Schedule(0, ConsensusStep::kCommitted, config.timeouts.commit_delay_ms);
}

}  // namespace agritrace::chain
