// ConsensusDriver: runs chain::ConsensusEngine for this node (see the DRIVER CONTRACT in
// chain/consensus.h).
//
// One thread owns the engine. Inputs (proposals and votes from peers, "records are pending",
// blocks applied by sync) are queued by any thread; timers run on the steady clock. The
// engine's actions are carried out in order: broadcast through PeerNetwork, commit through
// BlockApplier (then announce the certified block), ask BlockSync for missing blocks. The
// engine persists its safety state through this class (ChainStore::PutSafetyState, synced)
// before it returns any signed message, so nothing signed leaves before it is durable.
//
// A validator's node drives a signing engine; an observer's a follower that only counts votes.
//
// Thread-safety: Post* and Stop may be called from any thread; `mu_` guards the input queue.
// The engine and the Application/SafetyStore callbacks run only on the driver thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <variant>

#include "agritrace/v1/peer.pb.h"
#include "chain/consensus/engine.h"
#include "chain/model/genesis.h"
#include "chain/store/store.h"
#include "node/replication/block_applier.h"
#include "node/p2p/peer_directory.h"

namespace agritrace::node {

class PeerNetwork;

// What the driver needs of the node it runs in: its chain, its key and its pending records.
class DriverHost {
 public:
  virtual ~DriverHost() = default;
  virtual const chain::Genesis& genesis() const = 0;
  virtual const chain::PrivateKey& key() const = 0;
  virtual bool is_validator() const = 0;
  virtual const chain::ChainStore& store() const = 0;
  virtual chain::ChainStore* mutable_store() = 0;
  virtual size_t mempool_size() const = 0;
  // Up to `max_records` pending records from the front of the mempool (for a proposal).
  virtual std::vector<chain::Record> PendingRecords(size_t max_records,
                                                    size_t max_bytes) const = 0;
};

// Inputs waiting for the driver thread beyond this are dropped (the engine's rebroadcasts
// and block sync recover what is lost), so a flood cannot grow memory without bound.
inline constexpr size_t kMaxConsensusInputs = 20'000;
// Signatures of relayed proposals and votes remembered, so each is relayed once.
inline constexpr size_t kMaxRelayedMessages = 50'000;

class ConsensusDriver final : public chain::Application, public chain::SafetyStore {
 public:
  // Everything must outlive the driver. `key` is null for an observer.
  ConsensusDriver(DriverHost* node, BlockApplier* applier, PeerNetwork* network,
                  chain::ConsensusTimeouts timeouts, uint32_t block_delay_ms);
  ~ConsensusDriver() override;

  // `request_sync(height)`: fetch committed blocks up to `height` (BlockSync::Want).
  void SetSyncRequester(std::function<void(uint64_t)> request_sync) {
    request_sync_ = std::move(request_sync);
  }
  void Start();
  void Stop();

  void PostProposal(const PeerEntry& from, const v1::Proposal& proposal);
  void PostVote(const PeerEntry& from, const v1::Vote& vote);
  // A record entered the mempool: a block may be started after the block delay.
  void PostRecordsAvailable();
  // Block sync applied `height`.
  void PostSyncedCommit(uint64_t height, const chain::Hash256& hash);

  // chain::Application (driver thread only).
  v1::Block ProposeBlock(uint64_t height, int64_t now_ms, const chain::PubKey& proposer) override;
  chain::Status ValidateBlock(uint64_t height, const v1::Block& block) override;
  bool HasPendingRecords() override;
  // chain::SafetyStore (driver thread only).
  chain::Status Put(const std::string& key, const std::string& value) override;
  std::optional<std::string> Get(const std::string& key) const override;

 private:
  struct ProposalIn {
    chain::PubKey from;
    v1::Proposal proposal;
  };
  struct VoteIn {
    chain::PubKey from;
    v1::Vote vote;
  };
  struct RecordsIn {};
  struct SyncedIn {
    uint64_t height;
    chain::Hash256 hash;
  };
  using Input = std::variant<ProposalIn, VoteIn, RecordsIn, SyncedIn>;
  struct Timer {
    std::chrono::steady_clock::time_point at;
    chain::ScheduleTimeout timeout;
    bool operator>(const Timer& other) const { return at > other.at; }
  };

  void Loop();
  void Post(Input input);
  void Handle(const Input& input);
  void Execute(chain::ConsensusOutput output, const chain::PubKey* from, bool relay,
               const v1::PeerMessage* original);
  void DoCommit(const chain::CommitBlock& commit);
  void Schedule(const chain::ScheduleTimeout& timeout);
  bool FirstRelay(const std::string& signature);
  static int64_t NowMs();

  DriverHost* node_;
  BlockApplier* applier_;
  PeerNetwork* network_;
  const chain::ConsensusTimeouts timeouts_;
  const std::chrono::milliseconds block_delay_;
  std::function<void(uint64_t)> request_sync_;
  std::unique_ptr<chain::ConsensusEngine> engine_;  // driver thread only

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Input> inputs_;  // GUARDED_BY(mu_)
  bool stopping_ = false;     // GUARDED_BY(mu_)
  std::optional<std::chrono::steady_clock::time_point> records_ready_at_;  // GUARDED_BY(mu_)
  std::thread thread_;

  // Driver thread only.
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::set<std::string> relayed_;
  std::deque<std::string> relayed_order_;
};

}  // namespace agritrace::node
