// Internal state of ConsensusEngine, shared by consensus.cc (inputs, persistence) and
// consensus_rules.cc (the rules of Algorithm 1). Not part of the public API.
#pragma once

#include <map>
#include <tuple>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "chain/consensus/engine.h"
#include "chain/consensus/votes.h"

namespace agritrace::chain {

// A proposal accepted for the current height, with its block hash.
// A proposal as the rules need it; its block is kept once, in `blocks` (scenario 3 in
// docs/security.md: proposals were held twice).
struct ProposalEntry {
  int32_t pol_round = -1;
  Hash256 hash{};
  std::string signature;  // the proposer's, kept for evidence of a double proposal
};

// A proposer that equivocates may send several blocks for one round; keep a few so that the
// block a quorum prevoted for is known, and bound the memory it can make us spend.
inline constexpr size_t kMaxProposalsPerRound = 4;
// Our votes of earlier rounds kept in the safety state: enough to help validators a few
// rounds behind, small enough to write at every signature.
inline constexpr size_t kMaxPersistedEarlierVotes = 16;

struct ConsensusEngine::State {
  ConsensusConfig config;
  std::optional<PrivateKey> node_key;  // this node's key, whatever the set
  std::optional<PrivateKey> key;       // node_key while it is in the set of `height`
  ValidatorSet validators;             // the set of `height`
  std::optional<ValidatorSet> next_validators;  // the set of `height` + 1, asked when needed
  ValidatorSet past_validators;        // the set of the last past height asked (late messages)
  uint64_t past_validators_height = 0;
  Application* app = nullptr;
  SafetyStore* store = nullptr;
  // Gossip brings each message from several peers; each signature is verified once.
  VerifiedSignatures verified{kMaxVerifiedConsensusSignatures};

  uint64_t height = 1;
  uint32_t round = 0;
  ConsensusStep step = ConsensusStep::kNewHeight;
  int32_t locked_round = -1;
  std::optional<v1::Block> locked_block;
  Hash256 locked_hash{};
  int32_t valid_round = -1;
  std::optional<v1::Block> valid_block;
  Hash256 valid_hash{};

  // Messages of the current height.
  std::map<uint32_t, std::vector<ProposalEntry>> proposals;  // by round
  std::map<Hash256, v1::Block> blocks;                       // proposed blocks by hash
  size_t later_round_block_bytes = 0;  // blocks kept from proposals of later rounds
  std::map<Hash256, bool> validity;                          // Application verdicts
  HeightVotes votes;
  // Rounds in which a once-only rule already fired (Algorithm 1 "for the first time").
  std::set<uint32_t> prevote_timeout_rounds;
  std::set<uint32_t> precommit_timeout_rounds;
  std::set<uint32_t> polka_rounds;

  // Our signed messages of `round` (what the safety state holds).
  std::optional<v1::Proposal> my_proposal;
  std::optional<v1::Vote> my_prevote;
  std::optional<v1::Vote> my_precommit;
  // valid_pol and earlier_votes from the safety state, counted at Start.
  std::vector<v1::Vote> restored_votes;

  // Messages for later heights (only the next one is kept), and the highest height each
  // validator sent a message for. Cleared when the height changes.
  std::vector<std::variant<v1::Proposal, v1::Vote>> future;
  // The (validator, kind, round) of each buffered message; kind 0 proposal, else VoteType.
  std::set<std::tuple<PubKey, int, uint32_t>> future_slots;
  std::map<PubKey, uint64_t> future_heights;
  uint64_t sync_requested = 0;  // highest SyncNeeded emitted

  std::vector<Misbehaviour> evidence;
  // Rounds of this height whose proposer was already reported for a double proposal.
  std::set<uint32_t> double_proposal_rounds;
  // When we last resent our votes of an earlier round to validators still in it.
  std::map<uint32_t, int64_t> helped_round_ms;

  // The call in progress.
  ConsensusOutput* out = nullptr;
  int64_t now_ms = 0;

  // --- consensus.cc
  size_t Quorum() const { return validators.Quorum(); }
  // Asks the application for the set of `height` and decides whether this node signs at it.
  void LoadValidators();
  // The set a message of height `h` is checked with: h's set for the current, next and past
  // heights; for a later height (only counted towards SyncNeeded) the next height's set, the
  // latest one known.
  const ValidatorSet& SetFor(uint64_t h);
  // A vote of a height beyond the next, signed by a key outside the latest set we know: its
  // set is not known yet (a validator added since may sign it), so it is ignored, neither
  // counted nor refused. (Proposals beyond the next height are ignored altogether.)
  bool UnknownFutureSigner(uint64_t h, const std::string& signer);
  size_t SkipThreshold() const;  // f + 1
  // The highest height that f + 1 validators sent messages for (0: fewer senders): at least
  // one honest validator is there, so the height below it is committed and can be synced.
  // One validator's far-future message alone never sets a target.
  uint64_t FutureHeightOfQuorum() const;
  bool IsProposer(uint32_t r) const;
  void Emit(ConsensusAction action) { out->actions.push_back(std::move(action)); }
  void Schedule(uint32_t r, ConsensusStep kind, int64_t delay_ms);
  bool Persist();
  void Restore(const v1::ConsensusSafetyState& saved);
  void ResetHeight(uint64_t new_height);
  void RequestSync(uint64_t target);
  void AcceptVote(const v1::Vote& vote);
  void AcceptProposal(const v1::Proposal& proposal);
  void Report(Misbehaviour misbehaviour);
  // A second block from the proposer of `proposal`'s round: reported once per round.
  void CheckDoubleProposal(const v1::Proposal& proposal, const Hash256& hash,
                           const std::vector<ProposalEntry>& entries);
  void IngestFuture();
  void HelpLaggingRound(uint32_t lagging_round);
  // The prevotes for valid_block in valid_round that we hold (its proof of lock).
  std::vector<v1::Vote> ValidPol() const;
  // A verified proposal or vote of any height: buffer, hint or process it.
  template <typename Message>
  void Route(const Message& message, const std::string& sender);

  // --- consensus_rules.cc
  void StartRound(uint32_t r);
  void EnterNewHeight();
  void Run();
  void Propose();
  void EmitProposalWithPol();
  void SignVote(v1::VoteType type, const VoteValue& value);
  void Rebroadcast();
  bool IsValid(const Hash256& hash);
  bool TryDecide();
  bool TrySkipRound();
  bool TryPrevoteOnProposal();
  bool TryPrevoteTimeout();
  bool TryLockOnPolka();
  bool TryPrecommitNil();
  bool TryPrecommitTimeout();
  void Commit(const Hash256& hash, uint32_t commit_round);
};

}  // namespace agritrace::chain
