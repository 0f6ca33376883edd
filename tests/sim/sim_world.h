// Internals of the simulator: the seeded PRNG, events, the simulated parts each node's real
// Replica runs on (clock, transport, host), the nodes and the world that runs them.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "chain/base/hash.h"
#include "chain/model/genesis.h"
#include "chain/model/validator_set.h"
#include "node/common/token_bucket.h"
#include "node/mempool/mempool.h"
#include "node/mempool/verified_records.h"
#include "node/replication/replica.h"
#include "tests/sim/sim_store.h"
#include "tests/sim/sim_support.h"
#include "tests/sim/simulator.h"

namespace agritrace::sim {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// Virtual time 0 is this wall time (the genesis time): block and record times are real dates.
inline constexpr int64_t kSimEpochMs = 1'764'331'200'000;

// SplitMix64: tiny, fast, and identical on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int64_t Uniform(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return (Next() >> 11) * (1.0 / 9007199254740992.0) < p; }

 private:
  uint64_t state_;
};

enum class EventKind { kDeliver, kTick, kCrash, kRestart, kPartition, kHeal, kSubmit, kGovern };

struct Event {
  int64_t at_ms = 0;
  uint64_t seq = 0;  // ties broken by insertion order: deterministic
  EventKind kind = EventKind::kDeliver;
  int node = 0;
  int from = 0;
  node::SharedMessage message;
  uint64_t epoch = 0;  // ticks of an earlier life of the node are dropped
  bool operator>(const Event& other) const {
    return at_ms != other.at_ms ? at_ms > other.at_ms : seq > other.seq;
  }
};

class World;
struct SimNode;

// Virtual time: steady = the simulation's ms, wall = kSimEpochMs + that.
class SimClock final : public node::Clock {
 public:
  explicit SimClock(const int64_t* now_ms) : now_ms_(now_ms) {}
  int64_t WallMs() const override { return kSimEpochMs + *now_ms_; }
  int64_t SteadyMs() const override { return *now_ms_; }

 private:
  const int64_t* now_ms_;
};

// A node's end of the simulated network (the node's PeerNetwork).
class SimTransport final : public node::Transport {
 public:
  SimTransport(World* world, int index) : world_(world), index_(index) {}
  void Broadcast(node::SharedMessage message, const chain::PubKey* except) override;
  bool SendTo(const chain::PubKey& peer, node::SharedMessage message) override;
  void Ban(const chain::PubKey& peer, const chain::Status& why) override;
  void Refused(const chain::PubKey& peer, const chain::Status& why) override;
  std::vector<chain::PubKey> ConnectedPeers() const override;
  std::string PeerName(const chain::PubKey& peer) const override;

 private:
  World* world_;
  int index_;
};

// The node around the replica (node/node.h's part): mempool, verified signatures, record
// admission through the node's own checks (node/mempool/admission.h).
class SimHost final : public node::ReplicaHost {
 public:
  SimHost(World* world, SimNode* node);

  size_t mempool_size() const override { return mempool_.size(); }
  std::vector<chain::RecordPtr> PendingRecords(size_t max_records, size_t max_bytes) const override;
  std::vector<chain::Status> AdmitPeerRecords(
      const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) override;
  void AfterCommit(const node::CommittedBlock& block) override;
  void Fatal(const chain::Status& why) override;

  // A client submits records (Node::SubmitBatch): admitted ones are gossiped.
  void Submit(const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes);
  node::VerifiedRecords& verified() { return verified_; }
  void set_replica(node::Replica* replica) { replica_ = replica; }

 private:
  std::vector<chain::Status> Admit(
      const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes, bool from_client);

  World* world_;
  SimNode* node_;
  node::Replica* replica_ = nullptr;
  node::VerifiedRecords verified_;
  node::Mempool mempool_;
};

// What a node holds in memory: all of it is lost in a crash.
struct NodeLife {
  NodeLife(World* world, SimNode* node);
  SimHost host;
  SimTransport transport;
  node::InlineBackground background;  // sync's signature pre-checks run inline
  std::unique_ptr<node::Replica> replica;
};

struct SimNode {
  int index = 0;
  std::optional<ByzantineMode> byzantine;
  int side = 0;  // which half Byzantine colluders show which block
  chain::PrivateKey key = DeterministicKey(0);
  std::unique_ptr<SimStore> store;  // the disk: survives crashes
  std::unique_ptr<NodeLife> life;   // null while down
  uint64_t epoch = 0;
  int64_t tick_at_ms = kNever;  // when the queued tick event fires
  std::optional<chain::Status> fatal;  // the node stopped itself during the current call
  // The peer policy an honest node's sessions apply (node/p2p): a message rate limit per
  // sender, and senders of invalid messages banned (their messages dropped) until a time.
  std::map<int, node::TokenBucket> limits;
  std::map<int, int64_t> banned_until_ms;  // lost in a crash, as a node's memory is
  std::set<int> ever_banned;                // for the end-of-run check
  bool honest() const { return !byzantine.has_value(); }
  bool Bans(int peer, int64_t now_ms) const {
    auto it = banned_until_ms.find(peer);
    return it != banned_until_ms.end() && now_ms < it->second;
  }
  bool up() const { return life != nullptr; }
  // Down from this instant (crashed at a write, or stopped itself): it sends nothing more.
  bool failed() const { return fatal.has_value() || store->crashed(); }
};

class World {
 public:
  World(uint64_t seed, const SimOptions& options);
  SimResult Run();

  // --- For the nodes' simulated parts.
  SimNode& node(int index) { return nodes_[index]; }
  const chain::Genesis& genesis() const { return genesis_; }
  const node::Clock& clock() const { return clock_; }
  const chain::ConsensusTimeouts& timeouts() const;
  int IndexOf(const chain::PubKey& key) const;
  void Broadcast(int from, const node::SharedMessage& message, const chain::PubKey* except);
  bool SendTo(int from, const chain::PubKey& peer, const node::SharedMessage& message);
  void Ban(SimNode& node, int from, const chain::Status& why);
  void Refused(SimNode& node, int from, const chain::Status& why);
  std::vector<chain::PubKey> ConnectedPeers(int node) const;
  void OnCommitted(SimNode& node, const node::CommittedBlock& block);
  void Trace(std::string_view kind, int node, std::string_view data);

 private:
  // Setup and the fault schedule (simulator.cc).
  void SetUpNodes();
  void ScheduleFaults();
  void Push(Event event);
  WriteFault StorageFault(SimNode& node, const char* what);

  // Events (simulator.cc).
  void Handle(const Event& event);
  void Start(SimNode& node, bool restart);
  void Crash(SimNode& node, std::string_view why);
  void StartPartition(bool symmetric);
  void SubmitRecords();
  v1::Envelope NextRecord();
  // After every call into a node: take it down if it failed, else schedule its next tick.
  void AfterCall(SimNode& node);
  void ScheduleTick(SimNode& node);

  // The network and Byzantine behaviour (sim_network.cc).
  void Deliver(SimNode& node, int from, const node::SharedMessage& message);
  void Send(int from, int to, const node::SharedMessage& message);
  bool Connected(int from, int to) const;
  bool Admit(SimNode& node, int from);
  void CheckSent(SimNode& node, const v1::PeerMessage& message);
  void ByzantineSend(SimNode& node, const node::SharedMessage& message, int except);
  void HostileExtras(SimNode& node, const v1::PeerMessage& message);
  std::vector<v1::Vote> ForgedVotes(SimNode& node, const v1::Vote& vote);
  v1::Block ForgedCertifiedBlock(SimNode& node, uint64_t height, const Hash256& prev);
  v1::Vote ConflictingVote(SimNode& node, const v1::Vote& vote, int side);
  void CheckHostilesBanned();

  // Governance (sim_governance.cc): the admin's proposals and the validators' approvals,
  // submitted until each change is decided; the schedule the committed headers define.
  void Govern();
  void SubmitToSomeNode(const v1::Envelope& envelope);
  v1::Envelope SignRecord(const chain::PrivateKey& key, v1::RecordBody body);
  void NoteValidatorChange(const v1::BlockHeader& header, uint64_t height);
  void CheckGovernanceDone();
  // Every planned change decided and in force on every honest node (true without governance).
  bool GovernanceDone() const;

  // Checks and trace (simulator.cc).
  void CheckValidity(SimNode& node, const node::CommittedBlock& committed);
  void CheckEvidence(SimNode& node, const node::CommittedBlock& committed, const v1::Block& block,
                     const std::string& where);
  void CheckEvidenceCommitted();
  // Remembers evidence an honest node sends (its first sending: when it found or got it).
  void NoteEvidence(const SimNode& node, const v1::PeerMessage& message);
  // Once the height target is reached: the offences found since faults stopped become due.
  void NoteEvidenceDue();
  void Violation(const std::string& what);
  bool LivenessReached() const;
  uint64_t MinHonestHeight() const;
  uint64_t MaxHonestHeight() const;

  uint64_t seed_;
  SimOptions options_;
  Rng rng_;
  int64_t now_ms_ = 0;
  SimClock clock_{&now_ms_};
  chain::Genesis genesis_;
  std::map<chain::PubKey, int> index_of_;
  std::vector<SimNode> nodes_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue_;
  uint64_t seq_ = 0;
  bool faults_active_ = true;
  // Network conditions during the fault phase.
  double loss_ = 0, duplicate_ = 0;
  int64_t delay_min_ms_ = 1, delay_max_ms_ = 50;
  std::vector<std::vector<bool>> blocked_;  // blocked_[from][to]
  // Storage faults during the fault phase: chance per write.
  double fsync_fail_ = 0, write_crash_ = 0;
  // The client workload: signed harvests by the genesis farmer.
  chain::PrivateKey farmer_ = DeterministicKey(0);
  uint64_t records_made_ = 0;
  std::set<Hash256> submitted_;
  // Agreement: the first hash any honest node committed at each height.
  std::map<uint64_t, Hash256> decided_;
  // Validity: where each committed record is (one height only).
  std::map<Hash256, uint64_t> committed_records_;
  // Every offence an honest node committed, and the height it did.
  std::map<chain::Offence, uint64_t> committed_offences_;
  // Offences honest nodes sent evidence of, and when first.
  std::map<chain::Offence, int64_t> found_evidence_;
  // Offences that must be committed before the run ends (set when the height target is met).
  std::optional<std::set<chain::Offence>> evidence_due_;
  // What each honest validator sent signed: (height, round, kind) -> what it named.
  std::vector<std::map<std::tuple<uint64_t, uint32_t, int>, std::string>> signed_;
  // Blocks Byzantine proposers equivocated with: (height, round) -> block hash per side.
  std::map<std::pair<uint64_t, uint32_t>, std::array<Hash256, 2>> split_;
  // Every proposal seen on the network, for a double voter's conflicting votes.
  std::map<std::pair<uint64_t, uint32_t>, Hash256> seen_blocks_;
  // The validator sets of the chain as the committed headers define them (genesis plus each
  // header's validator_change): what the checker verifies certificates with.
  std::optional<chain::ValidatorSchedule> schedule_;
  // Governance: the next change of the plan to propose, and its records (resent as they are).
  size_t governance_step_ = 0;
  std::optional<v1::Envelope> proposal_;
  std::map<int, v1::Envelope> approvals_;  // by signing node
  std::map<chain::PubKey, uint64_t> governance_nonces_;
  chain::PrivateKey admin_ = DeterministicKey(0);
  chain::Sha256Builder trace_;
  SimResult result_;
  uint64_t liveness_target_ = 0;
  int64_t liveness_deadline_ms_ = 0;
};

}  // namespace agritrace::sim
