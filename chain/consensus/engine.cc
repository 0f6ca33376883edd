#include "chain/consensus/engine.h"

#include <algorithm>
#include <functional>

#include "chain/base/check.h"
#include "chain/consensus/engine_state.h"

namespace agritrace::chain {

std::string_view ConsensusStepName(ConsensusStep step) {
  switch (step) {
    case ConsensusStep::kNewHeight: return "new-height";
    case ConsensusStep::kPropose: return "propose";
    case ConsensusStep::kPrevote: return "prevote";
    case ConsensusStep::kPrecommit: return "precommit";
    case ConsensusStep::kCommitted: return "committed";
    case ConsensusStep::kRebroadcast: return "rebroadcast";
  }
  return "unknown";
}

// --- State helpers

size_t ConsensusEngine::State::SkipThreshold() const {
  // f + 1 where n = 3f + 1 + k: n - quorum + 1 is f + 1 for every n.
  return validators.validators.size() - Quorum() + 1;
}

bool ConsensusEngine::State::IsProposer(uint32_t r) const {
  return key && ProposerFor(validators, height, r) == key->public_key();
}

void ConsensusEngine::State::LoadValidators() {
  validators = app->ValidatorsAt(height);
  next_validators.reset();
  if (node_key && validators.Contains(node_key->public_key())) {
    key = node_key;
  } else {
    key.reset();
  }
}

bool ConsensusEngine::State::UnknownFutureSigner(uint64_t h, const std::string& signer) {
  if (h <= height + 1) return false;
  auto key = ArrayFromBytes<32>(signer);
  return key && !SetFor(h).Contains(*key);
}

const ValidatorSet& ConsensusEngine::State::SetFor(uint64_t h) {
  if (h == height) return validators;
  if (h > height) {
    // Asked only inside a call, after the driver applied every block the engine committed,
    // so height + 1 is within committed + kValidatorChangeDelay.
    if (!next_validators) next_validators = app->ValidatorsAt(height + 1);
    return *next_validators;
  }
  if (past_validators_height != h) {
    past_validators = app->ValidatorsAt(h);
    past_validators_height = h;
  }
  return past_validators;
}

void ConsensusEngine::State::Schedule(uint32_t r, ConsensusStep kind, int64_t delay_ms) {
  Emit(ScheduleTimeout{height, r, kind, now_ms + delay_ms});
}

bool ConsensusEngine::State::Persist() {
  v1::ConsensusSafetyState saved;
  saved.set_height(height);
  saved.set_round(round);
  saved.set_step(static_cast<uint32_t>(step));
  saved.set_locked_round(locked_round);
  if (locked_block) *saved.mutable_locked_block() = *locked_block;
  saved.set_valid_round(valid_round);
  if (valid_block) *saved.mutable_valid_block() = *valid_block;
  if (my_proposal) *saved.mutable_proposal() = *my_proposal;
  if (my_prevote) *saved.mutable_prevote() = *my_prevote;
  if (my_precommit) *saved.mutable_precommit() = *my_precommit;
  for (const v1::Vote& vote : ValidPol()) *saved.add_valid_pol() = vote;
  if (key) {
    for (const v1::Vote& vote :
         votes.VotesBefore(key->public_key(), round, kMaxPersistedEarlierVotes)) {
      *saved.add_earlier_votes() = vote;
    }
  }
  Status status = store->Put(std::string(kConsensusSafetyKey), saved.SerializeAsString());
  if (!status.ok()) {
    out->status = Status(status.reason(), "consensus safety state not persisted, nothing "
                                          "signed: " + status.message());
    return false;
  }
  return true;
}

void ConsensusEngine::State::Restore(const v1::ConsensusSafetyState& saved) {
  height = saved.height();
  round = saved.round();
  locked_round = saved.locked_round();
  if (locked_round >= 0) {
    locked_block = saved.locked_block();
    locked_hash = BlockHash(locked_block->header());
  }
  valid_round = saved.valid_round();
  if (valid_round >= 0) {
    valid_block = saved.valid_block();
    valid_hash = BlockHash(valid_block->header());
  }
  if (saved.has_proposal()) my_proposal = saved.proposal();
  if (saved.has_prevote()) my_prevote = saved.prevote();
  if (saved.has_precommit()) my_precommit = saved.precommit();
  restored_votes.assign(saved.valid_pol().begin(), saved.valid_pol().end());
  restored_votes.insert(restored_votes.end(), saved.earlier_votes().begin(),
                        saved.earlier_votes().end());
  // The step follows from what we signed: the rules that sign a prevote or precommit fire
  // only in the step before, so they cannot fire again for this round.
  step = my_precommit ? ConsensusStep::kPrecommit
         : my_prevote ? ConsensusStep::kPrevote
                      : ConsensusStep::kPropose;
}

void ConsensusEngine::State::ResetHeight(uint64_t new_height) {
  height = new_height;
  round = 0;
  locked_round = valid_round = -1;
  locked_block.reset();
  valid_block.reset();
  proposals.clear();
  blocks.clear();
  later_round_block_bytes = 0;
  validity.clear();
  votes.Clear();
  helped_round_ms.clear();
  prevote_timeout_rounds.clear();
  precommit_timeout_rounds.clear();
  polka_rounds.clear();
  double_proposal_rounds.clear();
  my_proposal.reset();
  my_prevote.reset();
  my_precommit.reset();
  LoadValidators();
}

uint64_t ConsensusEngine::State::FutureHeightOfQuorum() const {
  if (future_heights.size() < SkipThreshold()) return 0;
  std::vector<uint64_t> heights;
  heights.reserve(future_heights.size());
  for (const auto& [sender, height] : future_heights) heights.push_back(height);
  auto kth = heights.begin() + static_cast<std::ptrdiff_t>(SkipThreshold() - 1);
  std::nth_element(heights.begin(), kth, heights.end(), std::greater<>());
  return *kth;
}

void ConsensusEngine::State::RequestSync(uint64_t target) {
  if (target < height || target <= sync_requested) return;
  sync_requested = target;
  Emit(SyncNeeded{target});
}

void ConsensusEngine::State::AcceptVote(const v1::Vote& vote) {
  if (vote.round() > round + kMaxRoundsAhead) return;
  // Verified (VerifyVote) or our own: the validator is a 32-byte key.
  PubKey validator = ArrayFromCheckedBytes<32>(vote.validator());
  const v1::Vote* first = nullptr;
  switch (votes.At(vote.round(), vote.type()).Add(validator, vote, &first)) {
    case RoundVotes::AddResult::kAdded:
      votes.NoteSender(vote.round(), validator);
      break;
    case RoundVotes::AddResult::kDuplicate:
    case RoundVotes::AddResult::kKnownConflict:
      break;
    case RoundVotes::AddResult::kConflict:
      Report(Misbehaviour{validator, DoubleVoteEvidence(*first, vote)});
      break;
  }
}

void ConsensusEngine::State::Report(Misbehaviour misbehaviour) {
  if (evidence.size() >= kMaxKeptEvidence) evidence.erase(evidence.begin());
  evidence.push_back(std::move(misbehaviour));
  Emit(evidence.back());
}

void ConsensusEngine::State::CheckDoubleProposal(const v1::Proposal& proposal,
                                                 const Hash256& hash,
                                                 const std::vector<ProposalEntry>& entries) {
  for (const ProposalEntry& entry : entries) {
    if (entry.hash == hash) continue;
    if (!double_proposal_rounds.insert(proposal.round()).second) return;
    // Verified (VerifyProposal): the signer is the round's proposer and a 32-byte key.
    const PubKey proposer = ArrayFromCheckedBytes<32>(proposal.proposer());
    v1::SignedProposal first;
    first.set_height(proposal.height());
    first.set_round(proposal.round());
    first.set_pol_round(entry.pol_round);
    first.set_block_hash(AsBytes(entry.hash));
    first.set_proposer(proposal.proposer());
    first.set_signature(entry.signature);
    Report(Misbehaviour{proposer, DoubleProposalEvidence(first, SignedProposalOf(proposal))});
    return;
  }
}

void ConsensusEngine::State::AcceptProposal(const v1::Proposal& proposal) {
  if (proposal.round() > round + kMaxRoundsAhead) return;
  Hash256 hash = BlockHash(proposal.block().header());
  std::vector<ProposalEntry>& entries = proposals[proposal.round()];
  for (const ProposalEntry& entry : entries) {
    if (entry.hash == hash && entry.pol_round == proposal.pol_round()) return;
  }
  CheckDoubleProposal(proposal, hash, entries);
  if (entries.size() >= kMaxProposalsPerRound) return;
  if (proposal.round() > round && !blocks.count(hash)) {
    const size_t bytes = proposal.block().ByteSizeLong();
    if (later_round_block_bytes + bytes > kMaxLaterRoundBlockBytes) return;
    later_round_block_bytes += bytes;
  }
  entries.push_back(ProposalEntry{proposal.pol_round(), hash, proposal.signature()});
  blocks.try_emplace(hash, proposal.block());
  votes.NoteSender(proposal.round(), ArrayFromCheckedBytes<32>(proposal.proposer()));
}

// A validator still working on an earlier round of this height may have lost the votes that
// moved us on, and we no longer rebroadcast them: resend ours of that round (Tendermint's
// gossip does the same for peers that lag), at most once per rebroadcast period.
void ConsensusEngine::State::HelpLaggingRound(uint32_t lagging_round) {
  if (!key) return;
  auto [it, inserted] = helped_round_ms.try_emplace(lagging_round, now_ms);
  if (!inserted) {
    if (now_ms - it->second < config.timeouts.rebroadcast_ms) return;
    it->second = now_ms;
  }
  for (v1::VoteType type : {v1::VOTE_TYPE_PREVOTE, v1::VOTE_TYPE_PRECOMMIT}) {
    const RoundVotes* round_votes = votes.Find(lagging_round, type);
    const v1::Vote* mine = round_votes ? round_votes->VoteOf(key->public_key()) : nullptr;
    if (mine) Emit(BroadcastVote{*mine});
  }
}

std::vector<v1::Vote> ConsensusEngine::State::ValidPol() const {
  std::vector<v1::Vote> pol;
  if (valid_round < 0) return pol;
  const RoundVotes* prevotes = votes.Find(static_cast<uint32_t>(valid_round), v1::VOTE_TYPE_PREVOTE);
  if (!prevotes) return pol;
  for (const v1::Vote* vote : prevotes->VotesFor(valid_hash)) pol.push_back(*vote);
  return pol;
}

void ConsensusEngine::State::IngestFuture() {
  std::vector<std::variant<v1::Proposal, v1::Vote>> pending;
  pending.swap(future);
  future_slots.clear();
  future_heights.clear();
  for (const auto& message : pending) {
    if (const auto* vote = std::get_if<v1::Vote>(&message)) {
      if (vote->height() == height) AcceptVote(*vote);
    } else {
      const auto& proposal = std::get<v1::Proposal>(message);
      if (proposal.height() == height) AcceptProposal(proposal);
    }
  }
}

// --- ConsensusEngine

namespace {

// Where a message's height stands relative to ours, and what to do about it.
enum class Relation { kPast, kCurrent, kFuture };

}  // namespace

ConsensusEngine::ConsensusEngine(ConsensusConfig config, std::optional<PrivateKey> key,
                                 uint64_t committed_height, Application* app,
                                 SafetyStore* store)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.config = std::move(config);
  s.node_key = std::move(key);
  s.app = app;
  s.store = store;
  s.height = committed_height + 1;
  s.LoadValidators();
  if (!s.key) return;
  std::optional<std::string> bytes = store->Get(std::string(kConsensusSafetyKey));
  v1::ConsensusSafetyState saved;
  // A state for an earlier height is finished business: that height is committed.
  if (bytes && saved.ParseFromString(*bytes) && saved.height() == s.height) s.Restore(saved);
}

ConsensusEngine::~ConsensusEngine() = default;

ConsensusOutput ConsensusEngine::Start(int64_t now_ms) {
  ConsensusOutput out;
  State& s = *state_;
  s.out = &out;
  s.now_ms = now_ms;
  if (s.step == ConsensusStep::kNewHeight) {
    s.EnterNewHeight();
  } else {
    // Resumed mid-round: our own messages count again, and go out again unchanged.
    if (s.my_proposal) s.AcceptProposal(*s.my_proposal);
    if (s.my_prevote) s.AcceptVote(*s.my_prevote);
    if (s.my_precommit) s.AcceptVote(*s.my_precommit);
    // Our own store wrote these after verifying them; a corrupt one is simply not counted.
    for (const v1::Vote& vote : s.restored_votes) {
      if (vote.height() == s.height &&
          VerifyVote(vote, s.config.chain_id, s.validators).ok()) {
        s.AcceptVote(vote);
      }
    }
    s.restored_votes.clear();
    s.Rebroadcast();
    s.Schedule(s.round, ConsensusStep::kRebroadcast, s.config.timeouts.rebroadcast_ms);
    if (s.step == ConsensusStep::kPropose) {
      s.Schedule(s.round, ConsensusStep::kPropose,
                 s.config.timeouts.propose_ms + s.round * s.config.timeouts.delta_ms);
    }
    s.Run();
  }
  s.out = nullptr;
  return out;
}

namespace {

template <typename Message>
Relation Relate(const Message& message, uint64_t height) {
  if (message.height() < height) return Relation::kPast;
  return message.height() == height ? Relation::kCurrent : Relation::kFuture;
}

}  // namespace

// Shared path for a verified message of any height.
template <typename Message>
void ConsensusEngine::State::Route(const Message& message, const std::string& sender) {
  State& s = *this;
  PubKey from = ArrayFromCheckedBytes<32>(sender);
  bool from_self = s.key && from == s.key->public_key();
  switch (Relate(message, s.height)) {
    case Relation::kPast:
      if (!from_self) s.Emit(PeerBehind{from, message.height()});
      return;
    case Relation::kFuture:
      if (message.height() == s.height + 1 && message.round() <= kMaxBufferedFutureRound &&
          s.future.size() < kMaxBufferedFutureMessages) {
        int kind = 0;
        if constexpr (std::is_same_v<Message, v1::Vote>) kind = message.type();
        if (s.future_slots.emplace(from, kind, message.round()).second) {
          s.future.push_back(message);
        }
      }
      {
        uint64_t& highest = s.future_heights[from];
        highest = std::max(highest, message.height());
      }
      if (uint64_t target = s.FutureHeightOfQuorum(); target > 0) s.RequestSync(target - 1);
      return;
    case Relation::kCurrent:
      if (message.round() < s.round && !from_self) s.HelpLaggingRound(message.round());
      if constexpr (std::is_same_v<Message, v1::Vote>) {
        s.AcceptVote(message);
      } else {
        s.AcceptProposal(message);
      }
      if (s.step == ConsensusStep::kNewHeight) {
        s.StartRound(0);  // someone started this height: records are pending somewhere
      }
      s.Run();
      return;
  }
}

ConsensusOutput ConsensusEngine::OnProposal(const v1::Proposal& proposal, int64_t now_ms) {
  ConsensusOutput out;
  State& s = *state_;
  // Beyond the next height the set, and so the proposer, may not be known yet: such a
  // proposal is ignored (votes of those heights still count towards a sync target).
  if (proposal.height() > s.height + 1) return out;
  out.status = VerifyProposal(proposal, s.config.chain_id, s.SetFor(proposal.height()),
                              &s.verified);
  if (!out.status.ok()) return out;
  s.out = &out;
  s.now_ms = now_ms;
  s.Route(proposal, proposal.proposer());
  s.out = nullptr;
  return out;
}

ConsensusOutput ConsensusEngine::OnVote(const v1::Vote& vote, int64_t now_ms) {
  ConsensusOutput out;
  State& s = *state_;
  if (s.UnknownFutureSigner(vote.height(), vote.validator())) return out;
  out.status = VerifyVote(vote, s.config.chain_id, s.SetFor(vote.height()), &s.verified);
  if (!out.status.ok()) return out;
  s.out = &out;
  s.now_ms = now_ms;
  s.Route(vote, vote.validator());
  s.out = nullptr;
  return out;
}

ConsensusOutput ConsensusEngine::OnTimeout(const ScheduleTimeout& timeout, int64_t now_ms) {
  ConsensusOutput out;
  State& s = *state_;
  if (timeout.height != s.height) return out;
  s.out = &out;
  s.now_ms = now_ms;
  bool this_round = timeout.round == s.round;
  switch (timeout.step) {
    case ConsensusStep::kPropose:
      if (this_round && s.step == ConsensusStep::kPropose) {
        s.SignVote(v1::VOTE_TYPE_PREVOTE, std::nullopt);
      }
      break;
    case ConsensusStep::kPrevote:
      if (this_round && s.step == ConsensusStep::kPrevote) {
        s.SignVote(v1::VOTE_TYPE_PRECOMMIT, std::nullopt);
      }
      break;
    case ConsensusStep::kPrecommit:
      if (this_round && s.step != ConsensusStep::kCommitted) s.StartRound(s.round + 1);
      break;
    case ConsensusStep::kRebroadcast:
      if (this_round && s.step != ConsensusStep::kCommitted &&
          s.step != ConsensusStep::kNewHeight) {
        s.Rebroadcast();
        s.Schedule(s.round, ConsensusStep::kRebroadcast, s.config.timeouts.rebroadcast_ms);
      }
      break;
    case ConsensusStep::kCommitted:
      if (s.step == ConsensusStep::kCommitted) s.EnterNewHeight();
      break;
    case ConsensusStep::kNewHeight:
      break;
  }
  s.Run();
  s.out = nullptr;
  return out;
}

ConsensusOutput ConsensusEngine::OnRecordsAvailable(int64_t now_ms) {
  ConsensusOutput out;
  State& s = *state_;
  if (s.step != ConsensusStep::kNewHeight) return out;
  s.out = &out;
  s.now_ms = now_ms;
  s.StartRound(0);
  s.Run();
  s.out = nullptr;
  return out;
}

ConsensusOutput ConsensusEngine::OnSyncedCommit(uint64_t height, const Hash256& hash,
                                                int64_t now_ms) {
  (void)hash;  // the driver verified the certificate; the engine keeps no chain of hashes
  ConsensusOutput out;
  State& s = *state_;
  if (height < s.height) return out;
  s.out = &out;
  s.now_ms = now_ms;
  s.ResetHeight(height + 1);
  s.IngestFuture();  // messages buffered for the new height count now
  s.step = ConsensusStep::kNewHeight;
  s.EnterNewHeight();
  s.out = nullptr;
  return out;
}

uint64_t ConsensusEngine::height() const { return state_->height; }
uint32_t ConsensusEngine::round() const { return state_->round; }
ConsensusStep ConsensusEngine::step() const { return state_->step; }
int32_t ConsensusEngine::locked_round() const { return state_->locked_round; }
std::optional<Hash256> ConsensusEngine::locked_hash() const {
  if (state_->locked_round < 0) return std::nullopt;
  return state_->locked_hash;
}
bool ConsensusEngine::is_validator() const { return state_->key.has_value(); }
const ValidatorSet& ConsensusEngine::validators() const { return state_->validators; }
const std::vector<Misbehaviour>& ConsensusEngine::evidence() const { return state_->evidence; }

size_t ConsensusEngine::buffered_future_messages() const { return state_->future.size(); }
size_t ConsensusEngine::later_round_block_bytes() const {
  return state_->later_round_block_bytes;
}

}  // namespace agritrace::chain
