// NetworkRuntime: everything that makes a Node part of a network. It owns the peer network
// (agritrace.v1.Peer service and dialers), the block applier, block sync and the consensus
// driver, wires them together and routes peer messages to them:
//   record -> Node::Submit (then gossiped on by the record listener)
//   proposal / vote -> ConsensusDriver (relayed once the engine accepts them); one whose
//                      signer is not a genesis validator is refused here and its sender banned
//   commit / tip / sync request / sync response -> BlockSync
// With one validator and no peers the same path runs: the driver's engine has a quorum of one.
//
// Thread-safety: Start/Stop from the owning thread; the rest is called by gRPC and worker
// threads and relies on the components' own locking.
#pragma once

#include <memory>

#include "chain/base/status.h"
#include "node/replication/block_applier.h"
#include "node/replication/consensus_driver.h"
#include "node/p2p/peer_network.h"
#include "node/replication/sync.h"

namespace agritrace::node {

class Node;

class NetworkRuntime final : public PeerHandler {
 public:
  // Loads the network file named in the config (if any). `node` must outlive the runtime.
  static chain::Result<std::unique_ptr<NetworkRuntime>> Create(Node* node);
  ~NetworkRuntime() override;

  grpc::Service* peer_service() { return network_.get(); }
  BlockApplier& applier() { return *applier_; }
  const PeerNetwork& network() const { return *network_; }
  const BlockSync& sync() const { return *sync_; }

  void Start();
  void Stop();

  // Sends records a client submitted to every peer, in batches of kMaxSubmitBatchRecords.
  void Gossip(const std::vector<const v1::Envelope*>& envelopes);
  // The mempool grew: wakes the consensus driver.
  void OnRecordsAvailable();

  chain::Status OnPeerMessage(const PeerEntry& from, const v1::PeerMessage& message) override;
  void OnPeerConnected(const PeerEntry& peer) override;

 private:
  NetworkRuntime(Node* node, PeerDirectory directory);
  chain::Status OnPeerRecords(const PeerEntry& from,
                              const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes);
  chain::Status CheckSigner(const PeerEntry& from, const std::string& signer,
                            const char* what) const;

  Node* node_;
  const chain::ValidatorSet validators_;
  std::unique_ptr<PeerNetwork> network_;
  std::unique_ptr<BlockApplier> applier_;
  std::unique_ptr<BlockSync> sync_;
  std::unique_ptr<ConsensusDriver> driver_;
  bool started_ = false;
};

}  // namespace agritrace::node
