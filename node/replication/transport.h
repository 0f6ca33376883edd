// Transport: how replication reaches the other nodes. The node adapts its gRPC PeerNetwork to
// it (node/network_runtime.h); the simulator implements it over its seeded network. Peers are
// named by their node key.
//
// Messages travel as shared, immutable PeerMessages: a broadcast hands every peer the same
// copy, and a relay forwards the very message it received.
//
// Thread-safety: the node's implementation may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agritrace/v1/peer.pb.h"
#include "chain/base/bytes.h"
#include "chain/base/status.h"

namespace agritrace::node {

using SharedMessage = std::shared_ptr<const v1::PeerMessage>;

inline SharedMessage Share(v1::PeerMessage message) {
  return std::make_shared<const v1::PeerMessage>(std::move(message));
}

class Transport {
 public:
  virtual ~Transport() = default;
  // One copy to every connected peer except `except` (the one it came from, if any).
  virtual void Broadcast(SharedMessage message, const chain::PubKey* except = nullptr) = 0;
  // To one peer; false when it is not connected.
  virtual bool SendTo(const chain::PubKey& peer, SharedMessage message) = 0;
  // Disconnects the peer and refuses it for a while. Called only for a fault that no honest
  // node commits (IsPeerFault, node/replication/peer_fault.h); `why` names it.
  virtual void Ban(const chain::PubKey& peer, const chain::Status& why) = 0;
  // A proposal or vote of the peer was refused without proof that the peer is faulty (the
  // node logs it; the simulator checks that honest validators are never refused).
  virtual void Refused(const chain::PubKey& peer, const chain::Status& why) = 0;
  virtual std::vector<chain::PubKey> ConnectedPeers() const = 0;
  // The peer's name, for logs.
  virtual std::string PeerName(const chain::PubKey& peer) const = 0;
};

}  // namespace agritrace::node
