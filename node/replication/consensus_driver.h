// ConsensusDriver: runs chain::ConsensusEngine for this node (see the DRIVER CONTRACT in
// chain/consensus/engine.h).
//
// A single-threaded state machine with explicit inputs: proposals and votes from peers,
// "records are pending", blocks applied by sync, and Tick() when NextDeadlineMs() is reached
// on the steady clock. It carries out the engine's actions in order: broadcast through the
// Transport (relaying each peer message the engine accepted, once), commit through
// BlockApplier (then announce the certified block), ask block sync for missing blocks. The
// engine persists its safety state through the chain::SafetyStore it is given (the node's
// signing-state file, node/replication/signing_state_file.h; the simulator's memory), durably,
// before it returns any signed message, so nothing signed leaves before it is durable. A write
// that fails, of a decided block or of the safety state, stops the node (ReplicaHost::Fatal):
// the message is never sent, and the node resumes from its last durable state.
//
// Signing fails closed (SigningGuard). A validator whose signing state is ahead of its chain
// (the data directory was restored from a backup, or wiped to resync) first follows: it counts
// votes and commits, signing nothing, until its tip has reached the height its signing state
// was deciding and block sync knows of nothing further, so that it never signs a second,
// different message at a height it signed before. A key with no signing state yet (a new
// signing-state file) follows in the same way until it has caught up. Then, before its first
// signature, the double-sign check looks for this key's precommits in the certificates of the
// last double_sign_check_blocks blocks: one above the signing state's height was made by
// another process holding this key (or the signing-state file is an old copy), and the node
// stops (ReplicaHost::Fatal) naming the height.
//
// Equivocation evidence (the engine's Misbehaviour, or a peer's Evidence message) is verified,
// kept in an EvidencePool until a block commits it, and sent to every peer once, when it
// enters the pool. The proposer puts pending evidence in its block; pending evidence is work
// to commit as records are (a block may carry evidence and no record). The pool is stored
// (kPendingEvidenceKey) after every change and restored by Start().
//
// A validator's node drives a signing engine; an observer's a follower that only counts votes.
// Whether this node signs is decided per height by the set of that height (issue 17): a key
// added by governance starts signing at the change's effective height, a removed one stops.
//
// Thread-safety: not thread-safe. The node calls it from its replica thread
// (node/replica_runner.h); the simulator from its one thread. The engine and the
// Application/SafetyStore callbacks run inside these calls.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "chain/consensus/engine.h"
#include "chain/model/block_store.h"
#include "chain/model/genesis.h"
#include "node/common/node_metrics.h"
#include "node/replication/block_applier.h"
#include "node/replication/clock.h"
#include "node/replication/evidence_pool.h"
#include "node/replication/replica_host.h"
#include "node/replication/transport.h"

namespace agritrace::node {

// Signatures of relayed proposals and votes remembered, so each is relayed once.
inline constexpr size_t kMaxRelayedMessages = 50'000;
// A validator that sent a message for a height we committed is told our tip at most this
// often: the engine asks for an answer to every such message (PeerBehind), and old messages
// are valid for ever, so a peer replaying them would otherwise make us send one tip each.
// One a second is what the periodic tip announcement (kTipAnnounceInterval) gives anyway.
inline constexpr int64_t kTipAnswerIntervalMs = 1000;

// How a validator comes to sign (see above). The defaults suit the simulator, whose nodes keep
// their signing state with their chain; the node sets both (node.toml [consensus]).
struct SigningGuard {
  // Follow without signing until caught up even when the signing state is not ahead of the
  // chain: the key has no signing state yet.
  bool follow_until_caught_up = false;
  // Blocks (back from the tip) whose certificates the double-sign check reads; 0: no check.
  uint32_t double_sign_check_blocks = 0;
};

class ConsensusDriver final : public chain::Application {
 public:
  // Everything must outlive the driver. `key` is the node's key; nullopt makes a follower, and
  // a key signs only at heights whose validator set holds it. `safety` holds the signing state
  // (needed with a key; may be null for a follower).
  ConsensusDriver(const chain::Genesis* genesis, std::optional<chain::PrivateKey> key,
                  ReplicaHost* host, chain::BlockStore* store, chain::SafetyStore* safety,
                  SigningGuard guard, BlockApplier* applier, Transport* transport,
                  const Clock* clock, chain::ConsensusTimeouts timeouts);
  ~ConsensusDriver() override;

  // `request_sync(height)`: fetch committed blocks up to `height` (BlockSync::Want).
  void SetSyncRequester(std::function<void(uint64_t)> request_sync) {
    request_sync_ = std::move(request_sync);
  }
  // `caught_up()`: block sync has heard a peer's tip and knows of no block above ours
  // (BlockSync::CaughtUp). Without it a following validator signs once past its signing state.
  void SetCaughtUpProbe(std::function<bool()> caught_up) { caught_up_ = std::move(caught_up); }
  // Optional: where the evidence gauges and counters go.
  void SetMetrics(NodeMetrics* metrics) { metrics_ = metrics; }

  // Builds the engine on the committed tip and its persisted safety state (a restarted
  // validator resends exactly what it signed before), and carries out its first actions.
  void Start();

  // `message` holds a proposal (a vote) from `from`; relayed onwards once if accepted.
  void OnProposal(const chain::PubKey& from, const SharedMessage& message);
  void OnVote(const chain::PubKey& from, const SharedMessage& message);
  // `message` holds evidence from `from`: verified (a failure bans the sender: no honest node
  // relays evidence that does not verify), pooled and relayed once if new and committable.
  void OnEvidence(const chain::PubKey& from, const SharedMessage& message);
  // A block was committed (consensus or sync): its offences leave the pool.
  void OnCommitted(const CommittedBlock& block);
  size_t pending_evidence() const { return evidence_.size(); }
  // A record entered the mempool at `at_steady_ms`: a block may start block_delay_ms later,
  // so that records submitted together share a block (and, on a network, reach the proposer
  // first). Later calls before then change nothing.
  void OnRecordsAvailable(int64_t at_steady_ms);
  // Block sync applied blocks up to `height`.
  void OnSyncedCommit(uint64_t height, const chain::Hash256& hash);
  // Fires the timers and the block delay that are due now.
  void Tick();
  // When Tick() next has work (steady ms); INT64_MAX when nothing is scheduled.
  int64_t NextDeadlineMs() const;
  // The host was told the node cannot go on (ReplicaHost::Fatal); every input is ignored.
  bool halted() const { return halted_; }
  // A validator that is following until it may sign (see above).
  bool following() const { return following_; }

  // chain::Application (inside the calls above).
  v1::Block ProposeBlock(uint64_t height, int64_t now_ms, const chain::PubKey& proposer) override;
  chain::Status ValidateBlock(uint64_t height, const v1::Block& block) override;
  bool HasPendingRecords() override;
  // The set of `height` from the committed governance state (BlockApplier::ValidatorsAt);
  // the engine asks only for heights up to tip + kValidatorChangeDelay.
  chain::ValidatorSet ValidatorsAt(uint64_t height) override;

 private:
  struct Timer {
    int64_t at_ms;  // steady
    chain::ScheduleTimeout timeout;
    bool operator>(const Timer& other) const { return at_ms > other.at_ms; }
  };
  // A peer message being handled: who sent it, and the message to relay if accepted.
  struct FromPeer {
    const chain::PubKey* from;
    const SharedMessage* message;
    uint64_t height;  // the height the engine was deciding when the message arrived
  };

  // A new engine on the committed tip, signing or not; its first actions are carried out.
  void BuildEngine(bool signing);
  // A following validator starts signing once it may (see above).
  void MaybeStartSigning();
  // False (and the host told) when this key's precommit is on chain above the signing state.
  bool DoubleSignCheck();
  void Execute(chain::ConsensusOutput output, std::optional<FromPeer> peer = std::nullopt);
  // Relays, bans or logs by the engine's verdict; false when the node cannot go on.
  bool Judge(const chain::Status& status, std::optional<FromPeer> peer);
  // False when the node cannot go on (the host was told; nothing more is done).
  bool Carry(chain::ConsensusAction& action);
  bool DoCommit(chain::CommitBlock& commit);
  void Schedule(const chain::ScheduleTimeout& timeout);
  void SendSigned(v1::PeerMessage message);
  bool FirstRelay(const std::string& signature);
  // Only what helps peers decide the current height is relayed (docs/security.md, scenario 4).
  static bool Relayable(const v1::PeerMessage& message, uint64_t height);
  void AnswerPeerBehind(const chain::PeerBehind& behind);
  // Pools verified evidence that is still to commit; true when it is new here.
  bool Offer(const chain::Offence& offence, const v1::Evidence& evidence);
  void OnMisbehaviour(const chain::Misbehaviour& misbehaviour);
  void UpdateEvidenceGauge();
  void PersistEvidence();
  void RestoreEvidence();

  const chain::Genesis* genesis_;
  std::optional<chain::PrivateKey> key_;
  ReplicaHost* host_;
  chain::BlockStore* store_;
  chain::SafetyStore* safety_;
  const SigningGuard guard_;
  BlockApplier* applier_;
  Transport* transport_;
  const Clock* clock_;
  const chain::ConsensusTimeouts timeouts_;
  const int64_t block_delay_ms_;
  std::function<void(uint64_t)> request_sync_;
  std::function<bool()> caught_up_;
  // The height the signing state was deciding when this node started; nullopt: never signed.
  std::optional<uint64_t> signed_height_;
  bool following_ = false;  // a validator's engine built without its key, for now
  std::unique_ptr<chain::ConsensusEngine> engine_;
  bool halted_ = false;  // the host was told the node cannot go on

  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::optional<int64_t> records_ready_at_ms_;  // steady
  std::set<std::string> relayed_;
  std::deque<std::string> relayed_order_;
  // When each validator was last told our tip (steady ms); at most one entry per validator.
  std::map<chain::PubKey, int64_t> tip_answered_at_ms_;
  EvidencePool evidence_;
  NodeMetrics* metrics_ = nullptr;
};

}  // namespace agritrace::node
