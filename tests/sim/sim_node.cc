// The simulated parts a node's real Replica runs on: its transport, and the host around it
// (mempool, admission, what happens after a commit or when the node cannot go on).
#include <algorithm>

#include "chain/base/limits.h"
#include "node/common/peer_limits.h"
#include "node/mempool/admission.h"
#include "tests/sim/sim_world.h"

namespace agritrace::sim {

// --- SimTransport

void SimTransport::Broadcast(node::SharedMessage message, const chain::PubKey* except) {
  world_->Broadcast(index_, message, except);
}

bool SimTransport::SendTo(const chain::PubKey& peer, node::SharedMessage message) {
  return world_->SendTo(index_, peer, message);
}

void SimTransport::Ban(const chain::PubKey& peer, const chain::Status& why) {
  const int from = world_->IndexOf(peer);
  if (from >= 0) world_->Ban(world_->node(index_), from, why);
}

void SimTransport::Refused(const chain::PubKey& peer, const chain::Status& why) {
  const int from = world_->IndexOf(peer);
  if (from >= 0) world_->Refused(world_->node(index_), from, why);
}

std::vector<chain::PubKey> SimTransport::ConnectedPeers() const {
  return world_->ConnectedPeers(index_);
}

std::string SimTransport::PeerName(const chain::PubKey& peer) const {
  std::string name = std::to_string(world_->IndexOf(peer));
  name.insert(0, 1, 'v');  // not "v" + ...: GCC 12 warns falsely there (-Wrestrict)
  return name;
}

// --- SimHost

SimHost::SimHost(World* world, SimNode* node)
    : world_(world),
      node_(node),
      verified_(node::kMaxVerifiedRecords),
      mempool_(node->store.get(), world->genesis().params, node::MempoolLimits{}) {}

std::vector<chain::RecordPtr> SimHost::PendingRecords(size_t max_records, size_t max_bytes) const {
  return mempool_.Front(max_records, max_bytes);
}

std::vector<chain::Status> SimHost::AdmitPeerRecords(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) {
  return Admit(envelopes, /*from_client=*/false);
}

void SimHost::Submit(const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) {
  Admit(envelopes, /*from_client=*/true);
}

// As Node::SubmitBatch: the admission checks, then the mempool against committed plus pending
// state; a client's admitted records are gossiped, and consensus hears of them.
std::vector<chain::Status> SimHost::Admit(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes, bool from_client) {
  const int64_t now_ms = world_->clock().WallMs();
  std::vector<node::PreparedRecord> prepared =
      node::PrepareRecords(envelopes, world_->genesis().params, *node_->store, now_ms, verified_);
  std::vector<chain::Status> results;
  std::vector<const v1::Envelope*> admitted;
  const uint64_t next_height = node_->store->Tip().height + 1;
  for (size_t i = 0; i < prepared.size(); ++i) {
    node::AdmissionVerdict verdict =
        node::AdmitPrepared(prepared[i], mempool_, verified_, now_ms, next_height);
    if (verdict.status.ok()) admitted.push_back(&envelopes[static_cast<int>(i)]);
    // As the node: a peer is told of (and blamed for) stateless rejections only.
    results.push_back(verdict.stateless || from_client ? std::move(verdict.status)
                                                       : chain::Status::Ok());
  }
  if (admitted.empty()) return results;
  if (from_client) replica_->Gossip(admitted);
  replica_->OnRecordsAvailable(world_->clock().SteadyMs());
  return results;
}

void SimHost::AfterCommit(const node::CommittedBlock& block) {
  mempool_.Rebase(block.record_ids, world_->clock().WallMs(), node_->store->Tip().height + 1);
  world_->OnCommitted(*node_, block);
}

// The node would abort; here it is down once the call that reported it returns.
void SimHost::Fatal(const chain::Status& why) { node_->fatal = why; }

// --- NodeLife

NodeLife::NodeLife(World* world, SimNode* node) : host(world, node), transport(world, node->index) {
  node::ReplicaParts parts;
  parts.genesis = &world->genesis();
  parts.key = node->key;
  parts.timeouts = world->timeouts();
  parts.host = &host;
  parts.store = node->store.get();
  parts.safety = node->store.get();
  parts.verified = &host.verified();
  parts.transport = &transport;
  parts.clock = &world->clock();
  parts.background = &background;
  replica = std::make_unique<node::Replica>(std::move(parts));
  host.set_replica(replica.get());
}

}  // namespace agritrace::sim
