// NetworkRuntime: everything that makes a Node part of a network. It owns the peer network
// (agritrace.v1.Peer service and dialers), the node's Replica (block applier, block sync and
// the consensus driver: node/replication/replica.h) and the thread that runs it, and connects
// them: the replica reaches peers through a Transport over the PeerNetwork, reads the system
// clock, and checks sync batches' signatures on a helper thread.
//
// Peer messages arrive on the sessions' threads and go through Replica::Receive there:
// records are admitted (Node::SubmitBatch) and sync requests served at once, in parallel
// across peers; proposals, votes, commits, tips and sync responses are queued for the
// replica's thread (ReplicaRunner). A peer Receive finds at fault is banned.
// With one validator and no peers the same path runs: the engine has a quorum of one.
//
// Thread-safety: Start/Stop from the owning thread; the rest is called by gRPC and worker
// threads and relies on the components' own locking.
#pragma once

#include <memory>
#include <vector>

#include "chain/base/status.h"
#include "node/p2p/peer_network.h"
#include "node/replica_runner.h"
#include "node/replication/replica.h"

namespace agritrace::node {

class Node;

class NetworkRuntime final : public PeerHandler {
 public:
  // Loads the network file named in the config (if any). `node` must outlive the runtime.
  static chain::Result<std::unique_ptr<NetworkRuntime>> Create(Node* node);
  ~NetworkRuntime() override;

  grpc::Service* peer_service() { return network_.get(); }
  const PeerNetwork& network() const { return *network_; }

  void Start();
  void Stop();

  // Sends records a client submitted to every peer.
  void Gossip(const std::vector<const v1::Envelope*>& envelopes);
  // The mempool grew: wakes consensus.
  void OnRecordsAvailable();

  chain::Status OnPeerMessage(const PeerEntry& from, v1::PeerMessage&& message) override;
  void OnPeerConnected(const PeerEntry& peer) override;

 private:
  class PeerTransport;
  NetworkRuntime(Node* node, PeerDirectory directory);

  // The peers follow the chain's validators (issue 17): the union of the sets in force at
  // tip + 1 and scheduled at tip + 2; the directory is rebuilt when that union changes.
  void FollowValidators();

  Node* node_;
  PeerDirectory base_directory_;  // genesis validators and the network file
  chain::Hash256 followed_set_{};  // ValidatorSetHash of the union in the directory now
  std::unique_ptr<PeerNetwork> network_;
  std::unique_ptr<PeerTransport> transport_;
  SystemClock clock_;
  ThreadBackground background_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<ReplicaRunner> runner_;
  bool started_ = false;
};

}  // namespace agritrace::node
