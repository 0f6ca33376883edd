// Node: one node's chain, mempool and network runtime.
//
// Owns the ChainStore, the Mempool and the NetworkRuntime (node/network_runtime.h: peers,
// block sync and the consensus driver, which commits blocks through its BlockApplier). A
// validator's key is in genesis; any other key makes an observer, which follows the chain,
// verifies it and forwards submitted records to the validators by gossip. With one validator
// the same consensus code commits with a quorum of one. No empty blocks.
//
// Thread-safety: Submit, WaitForOutcome and the accessors may be called from any thread.
// `mu_` guards the mempool and the recent-rejection list; the store is read without it
// (RocksDB reads are thread-safe) and written only through the BlockApplier.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "chain/model/genesis.h"
#include "chain/base/keys.h"
#include "chain/store/store.h"
#include "node/common/config.h"
#include "node/mempool/admission.h"
#include "node/mempool/mempool.h"
#include "node/common/node_metrics.h"
#include "node/mempool/verified_records.h"
#include "node/replication/replica_host.h"
#include "node/signing_state_open.h"

namespace grpc {
class Service;
}

namespace agritrace::node {

class NetworkRuntime;

// Where submitted records come from: a node gossips its clients' records to its peers, and
// does not relay what it got from a peer (validators are a full mesh).
enum class RecordSource { kClient, kPeer };

// The outcome of a submitted record.
struct RecordOutcome {
  bool committed = false;
  uint64_t height = 0;    // when committed
  chain::Status status;   // the rejection, when rejected after admission
};

class Node final : public ReplicaHost {
 public:
  static chain::Result<std::unique_ptr<Node>> Open(const NodeConfig& config,
                                                   const std::string& password);
  ~Node() override;

  // Starts consensus, sync and the peer dialers (serve peer_service() first).
  void Start();
  // Stops them and waits; pending records stay uncommitted (clients resubmit).
  void Stop();

  // Decodes, checks and queues a record; returns its id. Verifies the signature once, here.
  chain::Result<chain::Hash256> Submit(const v1::Envelope& envelope);
  // Submits many records in order under one lock: each is admitted exactly as by Submit, so
  // a record may depend on an earlier one in the batch. One result per envelope.
  std::vector<chain::Result<chain::Hash256>> SubmitBatch(
      const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes,
      RecordSource source = RecordSource::kClient);
  // Waits until the record is committed or rejected, or `timeout` passes (TIMEOUT).
  // NOT_FOUND when the node has never seen the record.
  chain::Result<RecordOutcome> WaitForOutcome(const chain::Hash256& id,
                                              std::chrono::milliseconds timeout);

  const chain::Genesis& genesis() const { return genesis_; }
  const chain::ChainStore& store() const { return *store_; }
  const NodeConfig& config() const { return config_; }
  chain::PubKey node_pubkey() const { return key_.public_key(); }
  // Whether this node's key is in the validator set of the next height (the chain's
  // governance may have added or removed it since genesis, issue 17).
  bool is_validator() const;
  size_t mempool_size() const override;
  // Peers with an authenticated session now (validators and observers, either direction).
  size_t connected_peers() const;
  // Counters for /metrics (HTTP gateway); the block committer reports each commit here.
  NodeMetrics& metrics() { return metrics_; }

  // --- For the network runtime (node/network_runtime.h).
  // The agritrace.v1.Peer service, to register with the gRPC server before it starts.
  grpc::Service* peer_service();
  NetworkRuntime& runtime() { return *runtime_; }
  const chain::PrivateKey& key() const { return key_; }
  chain::ChainStore* mutable_store() { return store_.get(); }
  // The validator's signing state (node/replication/signing_state_file.h); written only by
  // the consensus engine, on the replica thread.
  SigningStateFile* signing_state() { return signing_state_.file.get(); }
  // Follow until caught up before the first signature (ConsensusDriver's SigningGuard).
  bool signing_state_empty() const { return signing_state_.never_signed; }
  VerifiedRecords& verified_records() { return verified_; }

  // --- ReplicaHost (node/replication/replica_host.h).
  // Up to `max_records` pending records from the front of the mempool (for a proposal).
  std::vector<chain::RecordPtr> PendingRecords(size_t max_records, size_t max_bytes) const override;
  // SubmitBatch from a peer; reports only stateless rejections (AdmissionVerdict).
  std::vector<chain::Status> AdmitPeerRecords(
      const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) override;
  // After a block is committed (by consensus or sync): drops its records from the mempool,
  // re-checks the rest against the new state and wakes the waiting submitters.
  void AfterCommit(const CommittedBlock& block) override;
  // Logs why and aborts the process: it restarts from its tip, as after a crash.
  [[noreturn]] void Fatal(const chain::Status& why) override;

 private:
  Node(NodeConfig config, chain::Genesis genesis, chain::PrivateKey key,
       std::unique_ptr<chain::ChainStore> store, OpenedSigningState signing_state);
  // Both admission steps (node/mempool/admission.h) for a batch; gossips a client's records.
  std::vector<AdmissionVerdict> Admit(
      const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes, RecordSource source);
  void RememberRejection(const chain::Hash256& id, const chain::Status& status);
  int64_t NowMs() const;

  const NodeConfig config_;
  const chain::Genesis genesis_;
  const chain::PrivateKey key_;
  std::unique_ptr<chain::ChainStore> store_;
  OpenedSigningState signing_state_;

  mutable std::mutex mu_;
  std::condition_variable cv_;            // mempool grew, block committed, or stopping
  Mempool mempool_;                       // GUARDED_BY(mu_)
  std::map<chain::Hash256, chain::Status> rejected_;  // GUARDED_BY(mu_); recent, bounded
  std::deque<chain::Hash256> rejected_order_;         // GUARDED_BY(mu_)
  VerifiedRecords verified_;  // thread-safe on its own
  std::unique_ptr<NetworkRuntime> runtime_;
  NodeMetrics metrics_;  // thread-safe on its own
};

}  // namespace agritrace::node
