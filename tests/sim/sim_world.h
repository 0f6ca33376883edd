// Internals of the simulator: the seeded PRNG, events, nodes and the world that runs them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <variant>
#include <vector>

#include "chain/consensus/engine.h"
#include "chain/base/hash.h"
#include "node/common/token_bucket.h"
#include "tests/sim/sim_support.h"
#include "tests/sim/simulator.h"

namespace agritrace::sim {

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

struct SyncRequest {
  uint64_t from_height = 0;
};
struct SyncResponse {
  std::vector<v1::Block> blocks;  // consecutive committed blocks with certificates
};
using SimMessage = std::variant<v1::Proposal, v1::Vote, SyncRequest, SyncResponse>;

enum class EventKind { kDeliver, kTimer, kCrash, kRestart, kPartition, kHeal, kRecords };

struct Event {
  int64_t at_ms = 0;
  uint64_t seq = 0;  // ties broken by insertion order: deterministic
  EventKind kind = EventKind::kDeliver;
  int node = 0;
  int from = 0;
  std::shared_ptr<const SimMessage> message;
  chain::ScheduleTimeout timer;
  uint64_t epoch = 0;  // timers of an earlier life of the node are dropped
  bool operator>(const Event& other) const {
    return at_ms != other.at_ms ? at_ms > other.at_ms : seq > other.seq;
  }
};

struct SimNode {
  int index = 0;
  std::optional<ByzantineMode> byzantine;
  int side = 0;  // which half Byzantine colluders show which block
  chain::PrivateKey key = DeterministicKey(0);
  MemorySafetyStore store;  // survives crashes (disk)
  FakeApplication app;      // committed chain survives crashes (disk)
  std::unique_ptr<chain::ConsensusEngine> engine;  // null while crashed
  uint64_t epoch = 0;
  int64_t last_sync_sent_ms = -1'000'000;
  // The peer policy an honest node applies (as node/ does): a message rate limit per sender,
  // and senders of invalid messages banned (their messages dropped) until a time.
  std::map<int, agritrace::node::TokenBucket> limits;
  std::map<int, int64_t> banned_until_ms;  // lost in a crash, as a node's memory is
  std::set<int> ever_banned;                // for the end-of-run check
  bool honest() const { return !byzantine.has_value(); }
  bool Bans(int peer, int64_t now_ms) const {
    auto it = banned_until_ms.find(peer);
    return it != banned_until_ms.end() && now_ms < it->second;
  }
  bool up() const { return engine != nullptr; }
};

class World {
 public:
  World(uint64_t seed, const SimOptions& options);
  SimResult Run();

 private:
  // Setup and the fault schedule.
  void SetUpNodes();
  void ScheduleFaults();
  void Push(Event event);

  // Event handlers.
  void Handle(const Event& event);
  void Deliver(SimNode& node, int from, const SimMessage& message);
  void Crash(SimNode& node);
  void Restart(SimNode& node);
  void StartPartition(bool symmetric);

  // Driving an engine.
  void Drive(SimNode& node, chain::ConsensusOutput output);
  void OnCommit(SimNode& node, const chain::CommitBlock& commit);
  void ApplySynced(SimNode& node, int from, const SyncResponse& response);
  void RecordCommit(SimNode& node, uint64_t height, const Hash256& hash, const v1::Block& block);
  void CheckValidity(SimNode& node, const v1::Block& block, const Hash256& hash);

  // The network.
  void Send(int from, int to, const SimMessage& message);
  void Broadcast(int from, const SimMessage& message);
  void ByzantineBroadcast(SimNode& node, const SimMessage& message);
  void HostileExtras(SimNode& node, const SimMessage& message);
  std::vector<v1::Vote> ForgedVotes(SimNode& node, const v1::Vote& vote);
  v1::Block ForgedCertifiedBlock(SimNode& node, uint64_t height, const Hash256& prev);
  // Peer policy: rate limit on delivery (false: drop and ban), ban on invalid messages.
  bool Admit(SimNode& node, int from);
  void Ban(SimNode& node, int from, const std::string& why);
  void CheckHostilesBanned();
  v1::Vote ConflictingVote(SimNode& node, const v1::Vote& vote, int side);

  // Checks and trace.
  void Violation(const std::string& what);
  void Trace(std::string_view kind, int node, std::string_view data);
  bool LivenessReached() const;
  uint64_t MinHonestHeight() const;
  uint64_t MaxHonestHeight() const;

  uint64_t seed_;
  SimOptions options_;
  Rng rng_;
  chain::ConsensusConfig config_;
  std::vector<SimNode> nodes_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue_;
  uint64_t seq_ = 0;
  int64_t now_ms_ = 0;
  bool faults_active_ = true;
  // Network conditions during the fault phase.
  double loss_ = 0, duplicate_ = 0;
  int64_t delay_min_ms_ = 1, delay_max_ms_ = 50;
  std::vector<std::vector<bool>> blocked_;  // blocked_[from][to]
  // Agreement: the first hash any honest node committed at each height.
  std::map<uint64_t, Hash256> decided_;
  // Blocks Byzantine proposers equivocated with: (height, round) -> block hash per side.
  std::map<std::pair<uint64_t, uint32_t>, std::array<Hash256, 2>> split_;
  // Every proposal seen on the network, for a double voter's conflicting votes.
  std::map<std::pair<uint64_t, uint32_t>, Hash256> seen_blocks_;
  chain::Sha256Builder trace_;
  SimResult result_;
  uint64_t liveness_target_ = 0;
  int64_t liveness_deadline_ms_ = 0;
};

}  // namespace agritrace::sim
