// Replica: the replication side of one node, the same in the node and in the simulator. It
// owns the BlockApplier, BlockSync and ConsensusDriver, wires them together and takes the
// peer messages:
//   records         -> ReplicaHost::AdmitPeerRecords (the sender is banned for garbage)
//   sync request    -> served from the store
//   proposal / vote -> ConsensusDriver, once its signer is known to be a genesis validator
//   evidence        -> ConsensusDriver (verified, pooled, relayed once, put in blocks)
//   commit / tip / sync response -> BlockSync
// Everything it needs from outside comes through interfaces: the store (BlockStore), the
// network (Transport), time (Clock), side work (Background) and the node around it
// (ReplicaHost). The node runs it on its replica thread over RocksDB and gRPC
// (node/network_runtime.h, node/replica_runner.h); the simulator calls it directly, in
// virtual time, over a simulated store and network (tests/sim/).
//
// Thread-safety: a single-threaded state machine. Start, OnMessage, OnRecordsAvailable, Tick
// and NextDeadlineMs are called by one thread (the replica's). Receive, OnPeerConnected and
// Gossip may be called from any thread at any time: they read only the store and go through
// the host and the transport, which are thread-safe in the node.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "chain/consensus/engine.h"
#include "chain/model/block_store.h"
#include "chain/model/genesis.h"
#include "node/common/node_metrics.h"
#include "node/mempool/verified_records.h"
#include "node/replication/background.h"
#include "node/replication/block_applier.h"
#include "node/replication/clock.h"
#include "node/replication/consensus_driver.h"
#include "node/replication/replica_host.h"
#include "node/replication/sync.h"
#include "node/replication/transport.h"

namespace agritrace::node {

// What a replica is given. Every pointer must outlive it.
struct ReplicaParts {
  const chain::Genesis* genesis = nullptr;
  // The node's signing key; nullopt: an observer that never signs. With a key, the node
  // signs at the heights whose validator set holds it (issue 17).
  std::optional<chain::PrivateKey> key;
  chain::ConsensusTimeouts timeouts;
  ReplicaHost* host = nullptr;
  chain::BlockStore* store = nullptr;
  // The validator's signing state (the node's signing-state file); needed with a validator key.
  chain::SafetyStore* safety = nullptr;
  SigningGuard guard;
  VerifiedRecords* verified = nullptr;
  Transport* transport = nullptr;
  const Clock* clock = nullptr;
  Background* background = nullptr;
  NodeMetrics* metrics = nullptr;  // optional
};

class Replica {
 public:
  explicit Replica(ReplicaParts parts);

  // --- The replica's thread.
  // Resumes consensus from the store's tip and the safety state (following first when that
  // state is ahead of the tip, see ConsensusDriver) and starts sync's periodic work.
  void Start();
  // A message Receive() passed on.
  void OnMessage(const chain::PubKey& from, const SharedMessage& message);
  // A record entered the mempool at `at_steady_ms` (ConsensusDriver::OnRecordsAvailable).
  void OnRecordsAvailable(int64_t at_steady_ms);
  // Does what is due now; NextDeadlineMs() says when that is next (steady ms).
  void Tick();
  int64_t NextDeadlineMs() const;
  // Called on the replica's thread after every commit, after the host's AfterCommit (the
  // network runtime follows the validator sets with it, issue 17).
  void SetCommitObserver(std::function<void(const CommittedBlock&)> observer) {
    commit_observer_ = std::move(observer);
  }
  // The validator sets the committed chain defines (BlockApplier::Validators); any thread.
  std::shared_ptr<const BlockApplier::KnownValidators> Validators() const {
    return applier_.Validators();
  }
  // Equivocation evidence waiting for a block.
  size_t pending_evidence() const { return driver_.pending_evidence(); }
  // A validator following until it may sign (ConsensusDriver::following).
  bool following() const { return driver_.following(); }

  // --- Any thread.
  // The first step for every peer message. Records and sync requests are handled here and
  // now; for the rest, true means "pass it to OnMessage on the replica thread". A non-ok
  // status proves the sender faulty (IsPeerFault): the caller bans it and drops the message.
  chain::Result<bool> Receive(const chain::PubKey& from, const v1::PeerMessage& message);
  // A peer connected: tell it our tip.
  void OnPeerConnected(const chain::PubKey& peer);
  // Sends records a client submitted to every peer, in batches of kMaxSubmitBatchRecords.
  void Gossip(const std::vector<const v1::Envelope*>& envelopes);

 private:
  chain::Status ReceiveRecords(const chain::PubKey& from,
                               const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes);
  chain::Status CheckSigner(const chain::PubKey& from, const std::string& signer,
                            uint64_t height, const char* what) const;
  void AfterCommit(const CommittedBlock& block);
  // ReplicaHost::Fatal was called: the node does nothing more.
  bool halted() const { return driver_.halted() || sync_.halted(); }

  ReplicaHost* host_;
  Transport* transport_;
  BlockApplier applier_;
  BlockSync sync_;
  ConsensusDriver driver_;
  std::function<void(const CommittedBlock&)> commit_observer_;
};

}  // namespace agritrace::node
