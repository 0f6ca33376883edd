// The Tendermint-style BFT consensus state machine (Buchman, Kwon, Milosevic 2018, "The latest
// gossip on BFT consensus", Algorithm 1), pure and deterministic.
//
// ConsensusEngine takes inputs (messages, timeouts, "records are pending", "height H was
// synced") together with the current time, and returns actions. It owns no thread, reads no
// clock and does no I/O except through the two interfaces below, so the node (node/) and the
// deterministic simulator (tests/sim/) drive the very same code.
//
// Protocol summary (n validators of height h in their order, f = (n - 1) / 3, quorum = 2f + 1 =
// ValidatorSet::Quorum() = floor(2n/3) + 1):
//   - the set of each height comes from Application::ValidatorsAt (issue 17: governance
//     changes it from a height on); proposer, quorum, membership and signatures of height h
//     use h's set, messages buffered for h + 1 are checked with h + 1's set, and this node
//     signs at h only when its key is in h's set.
//   - proposer(h, r) = validators[(h + r) % n] (ProposerFor).
//   - round steps propose -> prevote -> precommit; timeouts grow per round:
//     propose: timeout_propose_ms + r * timeout_delta_ms, prevote/precommit: timeout_vote_ms +
//     r * timeout_delta_ms.
//   - lockedValue/lockedRound and validValue/validRound as in the paper; a block commits on a
//     quorum of precommits for it in one round, and those precommits are its certificate
//     (chain::VerifyCertificate accepts it).
//   - f + 1 messages of a higher round of the current height make the engine skip to it.
//   - Beyond the paper, for lossy links: a kRebroadcast timer resends our messages of the
//     current round, a re-proposal travels with its proof-of-lock prevotes, and a message
//     from a validator in an earlier round makes us resend our votes of that round.
//   - No empty blocks: at a new height the engine waits (step kNewHeight) until the
//     application has records pending (Application::HasPendingRecords or OnRecordsAvailable),
//     or a proposal or vote for that height arrives, before starting round 0.
//   - n = 1 is the same code with a quorum of one.
//
// Safety across crashes: before any signed proposal or vote is returned, the engine writes a
// v1::ConsensusSafetyState (height, round/step high-water mark, lock, valid value with its
// proof of lock, the signed messages of the current round and our recent votes of earlier
// rounds) through SafetyStore::Put, and emits nothing if that write fails. On
// construction it reloads that state: it resumes at the saved height and round, re-emits
// exactly the saved signed messages from Start(), and never signs a different message for a
// (height, round, step) it has signed before, nor anything at a lower round.
//
// DRIVER CONTRACT (what node/ and the simulator must do):
//   1. Construct with the last committed height (0 before block 1), then call Start(now_ms)
//      once and handle its actions.
//   2. Feed every received Proposal/Vote to OnProposal/OnVote (the engine verifies signatures,
//      membership, chain and round; a non-ok Output::status says why a message was rejected,
//      for peer scoring). Relay (gossip) messages only when the status is ok.
//   3. When a ScheduleTimeout's at_ms is reached, call OnTimeout with that same struct. Old
//      timeouts are ignored by the engine, so the driver need not cancel anything.
//   4. Call OnRecordsAvailable(now_ms) when the mempool goes from empty to non-empty.
//   5. Handle actions in order:
//      - BroadcastProposal / BroadcastVote: send to all peers (resending is harmless;
//        duplicates are ignored). Do not feed them back to this engine: it has already
//        counted its own messages. A BroadcastVote may carry another validator's vote: the
//        engine relays proofs of lock with re-proposals and resends its votes of an earlier
//        round to validators still in it (lost messages would otherwise stall a round).
//      - ScheduleTimeout: arrange a call to OnTimeout(timeout, t) at t >= at_ms (the step
//        field is the timer kind: kPropose/kPrevote/kPrecommit are the paper's timeouts,
//        kCommitted ends the commit delay, kRebroadcast resends our messages).
//      - CommitBlock: the block (with its certificate in block.certificate) is decided.
//        Apply it to application state and store it BEFORE the next call into the engine
//        (the engine will call Application::ProposeBlock / ValidateBlock for height + 1).
//      - PeerBehind: a validator sent a message for a height we already committed; offer it
//        our blocks from `height` (block sync), or ignore. Emitted for every such message:
//        rate-limit the answers per peer.
//      - SyncNeeded: f + 1 validators sent signed messages for a later height, or a block
//        has a quorum of precommits that we never received: fetch, verify and apply the
//        committed blocks up to `height` and report each with OnSyncedCommit.
//      - Misbehaviour: evidence of equivocation (two different signed votes of one
//        validator for one height, round and type, or two proposals of one proposer for
//        different blocks at one height and round); keep it, gossip it and commit it.
//   6. After applying a block obtained by sync (certificate verified with VerifyCertificate),
//      call OnSyncedCommit(height, ...); the engine moves to height + 1 if it was behind.
//
// Thread-safety: not thread-safe; the driver serialises all calls (one consensus thread or
// a mutex). Application and SafetyStore are called only from inside these calls.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "agritrace/v1/consensus.pb.h"
#include "chain/model/block.h"
#include "chain/consensus/evidence.h"
#include "chain/consensus/messages.h"
#include "chain/base/limits.h"
#include "chain/base/keys.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// Steps of a round. Values are persisted in ConsensusSafetyState.step: never renumber.
enum class ConsensusStep : uint8_t {
  kNewHeight = 0,  // waiting for records (or a message) before round 0
  kPropose = 1,
  kPrevote = 2,
  kPrecommit = 3,
  kCommitted = 4,  // decided; waiting for the commit delay to start the next height
  // Never a state, only a timer kind: resend our signed messages of the round, so that the
  // protocol survives lost messages (Tendermint gossips votes continuously for the same reason).
  kRebroadcast = 5,
};
std::string_view ConsensusStepName(ConsensusStep step);

// Timing. Defaults suit a LAN/WAN devnet of a few validators; the simulator uses its own.
struct ConsensusTimeouts {
  int64_t propose_ms = 3000;  // wait for the proposal of round 0
  int64_t vote_ms = 1000;     // wait after a quorum of mixed prevotes/precommits
  int64_t delta_ms = 500;     // added per round, so that rounds eventually outlast delays
  int64_t commit_delay_ms = 0;  // pause after a commit before the next height may start
  int64_t rebroadcast_ms = 2000;  // resend our messages of a round this often while in it
};

struct ConsensusConfig {
  std::string chain_id;
  ConsensusTimeouts timeouts;
};

// The state the engine builds on. Implemented by the node over committed chain state and the
// mempool, and by the simulator with deterministic fake blocks.
class Application {
 public:
  virtual ~Application() = default;
  // A block for `height` on top of the committed tip, made with chain::MakeBlock (no
  // certificate), naming `proposer` in the header. May be called repeatedly for one height
  // (once per round this validator proposes without a valid value).
  virtual v1::Block ProposeBlock(uint64_t height, int64_t now_ms, const PubKey& proposer) = 0;
  // Whether `block` (shape already checked by VerifyProposal) is a valid next block at
  // `height`: prev hash, time, records against committed state. Called at most once per
  // (height, block hash); the engine caches the answer.
  virtual Status ValidateBlock(uint64_t height, const v1::Block& block) = 0;
  // Whether records are waiting to be committed (consulted when a new height begins).
  virtual bool HasPendingRecords() = 0;
  // The validator set in force at `height` (its order defines proposer rotation). Called for
  // heights up to the committed height + kValidatorChangeDelay (chain/model/validator_set.h):
  // the engine's height and the next one, and past heights of late messages.
  virtual ValidatorSet ValidatorsAt(uint64_t height) = 0;
};

// Durable small key-value store for consensus safety state. Put must be synced (durable when
// it returns ok); the node keeps it in the validator's signing-state file beside its key
// (node/replication/signing_state_file.h), the simulator in a map that survives simulated
// crashes.
class SafetyStore {
 public:
  virtual ~SafetyStore() = default;
  virtual Status Put(const std::string& key, const std::string& value) = 0;
  virtual std::optional<std::string> Get(const std::string& key) const = 0;
};
// The SafetyStore key the engine uses.
inline constexpr std::string_view kConsensusSafetyKey = "consensus/safety/v1";

// --- Actions

struct BroadcastProposal {
  v1::Proposal proposal;
};
struct BroadcastVote {
  v1::Vote vote;
};
struct ScheduleTimeout {
  uint64_t height = 0;
  uint32_t round = 0;
  ConsensusStep step = ConsensusStep::kPropose;  // the timer kind, see the driver contract
  int64_t at_ms = 0;
};
struct CommitBlock {
  v1::Block block;  // block.certificate holds the quorum of precommits
  Hash256 hash{};
};
struct PeerBehind {
  PubKey validator{};
  uint64_t height = 0;  // the height it is working on (<= our committed height)
};
struct SyncNeeded {
  // Others have committed up to at least this height (>= our height()): fetch the committed
  // blocks from height() up to it, verify each certificate, apply, call OnSyncedCommit.
  uint64_t height = 0;
};
// Two conflicting signed messages of one validator: two different votes for one height,
// round and type, or two proposals for different blocks at one height and round. Reported
// once per offence.
struct Misbehaviour {
  PubKey validator{};
  v1::Evidence evidence;  // verifiable by anyone (chain/consensus/evidence.h)
};
using ConsensusAction = std::variant<BroadcastProposal, BroadcastVote, ScheduleTimeout,
                                     CommitBlock, PeerBehind, SyncNeeded, Misbehaviour>;

struct ConsensusOutput {
  std::vector<ConsensusAction> actions;
  // For OnProposal/OnVote: why the message was rejected (not ok) -- bad signature, non-member,
  // wrong chain, malformed, or an invalid block. Ok for accepted, duplicate or stale messages,
  // and for ignored ones: proposals beyond the next height, and votes beyond it signed by a key
  // outside the latest set known (those heights' sets may not be known yet).
  // For other inputs: not ok only when SafetyStore failed (nothing was signed).
  Status status;
};

// Limits (protocol-local; see also chain/limits.h).
// Messages for heights above ours are buffered only for the next height and its first
// rounds, one per (validator, kind, round): a proposal, a prevote and a precommit of rounds 0
// to kMaxBufferedFutureRound. So a validator, honest or not, holds at most 2 proposals (each
// at most kMaxBlockBytes) and 4 votes here however many it signs or a peer replays
// (docs/security.md, scenario 3); kMaxBufferedFutureMessages caps the count on top. Later
// rounds of the next height are not needed early: a validator that gets there resends its
// votes to whoever lags (HelpLaggingRound).
inline constexpr uint32_t kMaxBufferedFutureRound = 1;
inline constexpr size_t kMaxBufferedFutureMessages = 4096;
// Votes of higher rounds of the current height are tracked only this far ahead, which bounds
// the memory a faulty validator can make us spend.
inline constexpr uint32_t kMaxRoundsAhead = 64;
// Blocks of proposals for rounds after ours (of the current height) are kept up to this many
// bytes in all per height: 4 proposals per round up to kMaxRoundsAhead rounds ahead would
// otherwise let a byzantine proposer of some of those rounds make us hold gigabytes. Two
// maximum-size blocks: a node that lags one round still has the next round's proposal at
// once. A proposal refused here is not lost: its proposer rebroadcasts it while in its round,
// and then it is for our round, which is never limited (docs/security.md, scenario 3).
inline constexpr size_t kMaxLaterRoundBlockBytes = 2 * kMaxBlockBytes;
// Equivocation evidence kept by the engine (oldest dropped first): one entry per offence
// (validator, height, round, kind), so this holds every offence of 64 rounds of a
// 4-validator network; the driver takes each as it is found (node/replication's pool).
inline constexpr size_t kMaxKeptEvidence = 1024;

class ConsensusEngine {
 public:
  // `key`: this node's validator key; nullopt makes a follower that counts votes and commits
  // but never signs. With a key, the engine signs at the heights whose set holds it. `app` and `store` must outlive the engine.
  // `committed_height`: the last block the driver has applied (0 at genesis).
  ConsensusEngine(ConsensusConfig config, std::optional<PrivateKey> key,
                  uint64_t committed_height, Application* app, SafetyStore* store);
  ~ConsensusEngine();
  ConsensusEngine(const ConsensusEngine&) = delete;
  ConsensusEngine& operator=(const ConsensusEngine&) = delete;

  // Resumes from the persisted safety state (re-emitting our signed messages of the current
  // round) or begins the next height.
  ConsensusOutput Start(int64_t now_ms);
  ConsensusOutput OnProposal(const v1::Proposal& proposal, int64_t now_ms);
  ConsensusOutput OnVote(const v1::Vote& vote, int64_t now_ms);
  ConsensusOutput OnTimeout(const ScheduleTimeout& timeout, int64_t now_ms);
  ConsensusOutput OnRecordsAvailable(int64_t now_ms);
  // The driver applied block `height` (hash, certificate verified) obtained by sync.
  ConsensusOutput OnSyncedCommit(uint64_t height, const Hash256& hash, int64_t now_ms);

  // Introspection (logs, status, tests).
  uint64_t height() const;  // the height being decided (committed height + 1)
  uint32_t round() const;
  ConsensusStep step() const;
  std::optional<Hash256> locked_hash() const;
  int32_t locked_round() const;
  bool is_validator() const;  // signs at the current height
  // The set of the current height (Application::ValidatorsAt when the height began).
  const ValidatorSet& validators() const;
  const std::vector<Misbehaviour>& evidence() const;
  // Messages buffered for the next height (bounded: kMaxBufferedFutureRound).
  size_t buffered_future_messages() const;
  // Bytes of blocks kept from proposals of later rounds this height (kMaxLaterRoundBlockBytes).
  size_t later_round_block_bytes() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace agritrace::chain
