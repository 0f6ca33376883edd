#include "node/network_runtime.h"

#include <spdlog/spdlog.h>

#include "node/node.h"
#include "node/peer_limits.h"

namespace agritrace::node {

using chain::Reason;
using chain::Status;

namespace {

// Record rejections that prove the sending peer relayed garbage no honest node would accept.
// Rule rejections (custody, quantities, replays...) can be honest races and are ignored.
bool IsRecordFault(Reason reason) {
  return reason == Reason::kMalformed || reason == Reason::kBadSignature ||
         reason == Reason::kWrongChain || reason == Reason::kTooLarge;
}

chain::ConsensusTimeouts TimeoutsFrom(const NodeConfig& config) {
  chain::ConsensusTimeouts timeouts;
  timeouts.propose_ms = config.consensus_propose_timeout_ms;
  timeouts.vote_ms = config.consensus_vote_timeout_ms;
  timeouts.delta_ms = config.consensus_timeout_delta_ms;
  return timeouts;
}

}  // namespace

chain::Result<std::unique_ptr<NetworkRuntime>> NetworkRuntime::Create(Node* node) {
  const NodeConfig& config = node->config();
  PeerDirectory directory(node->genesis());
  if (!config.peer_network_file.empty()) {
    auto loaded = PeerDirectory::Load(node->genesis(), config.Resolve(config.peer_network_file));
    if (!loaded.ok()) return loaded.status();
    directory = std::move(*loaded);
  }
  return std::unique_ptr<NetworkRuntime>(new NetworkRuntime(node, std::move(directory)));
}

NetworkRuntime::NetworkRuntime(Node* node, PeerDirectory directory) : node_(node) {
  const NodeConfig& config = node->config();
  network_ = std::make_unique<PeerNetwork>(node->genesis(), &node->key(), config.name,
                                           std::move(directory), config.peer_ban_seconds);
  applier_ = std::make_unique<BlockApplier>(&node->genesis(), node->mutable_store(),
                                            &node->verified_records());
  sync_ = std::make_unique<BlockSync>(&node->store(), applier_.get(), network_.get());
  driver_ = std::make_unique<ConsensusDriver>(node, applier_.get(), network_.get(),
                                              TimeoutsFrom(config), node->genesis().block_delay_ms);
  applier_->SetCommitListener([this](const CommittedBlock& block) {
    node_->AfterCommit(block.record_ids, block.time_ms);
    spdlog::info("committed block {} with {} records hash {}", block.height,
                 block.record_ids.size(), chain::ToHex(block.hash).substr(0, 16));
  });
  sync_->SetSyncedListener([this](uint64_t height, const chain::Hash256& hash) {
    driver_->PostSyncedCommit(height, hash);
  });
  driver_->SetSyncRequester([this](uint64_t height) { sync_->Want(height); });
  network_->SetHandler(this);
}

NetworkRuntime::~NetworkRuntime() { Stop(); }

void NetworkRuntime::Start() {
  started_ = true;
  driver_->Start();
  sync_->Start();
  network_->Start();
}

void NetworkRuntime::Stop() {
  if (!started_) return;
  started_ = false;
  network_->Stop();
  sync_->Stop();
  driver_->Stop();
}

void NetworkRuntime::OnRecordAdmitted(const v1::Envelope& envelope) {
  v1::PeerMessage message;
  *message.mutable_record() = envelope;
  network_->Broadcast(message);
  driver_->PostRecordsAvailable();
}

Status NetworkRuntime::OnPeerRecord(const PeerEntry& from, const v1::Envelope& envelope) {
  auto id = node_->Submit(envelope);
  if (id.ok() || !IsRecordFault(id.status().reason())) return Status::Ok();
  return chain::Reject(id.status().reason(), "record from " + from.name + ": " +
                                                 id.status().message());
}

Status NetworkRuntime::OnPeerMessage(const PeerEntry& from, const v1::PeerMessage& message) {
  switch (message.kind_case()) {
    case v1::PeerMessage::kRecord:
      return OnPeerRecord(from, message.record());
    case v1::PeerMessage::kProposal:
      driver_->PostProposal(from, message.proposal());
      return Status::Ok();
    case v1::PeerMessage::kVote:
      driver_->PostVote(from, message.vote());
      return Status::Ok();
    case v1::PeerMessage::kCommit:
      return sync_->OnCommitAnnounce(from, message.commit());
    case v1::PeerMessage::kTip:
      return sync_->OnPeerTip(from, message.tip());
    case v1::PeerMessage::kSyncRequest:
      return sync_->OnSyncRequest(from, message.sync_request());
    case v1::PeerMessage::kSyncResponse:
      return sync_->OnSyncResponse(from, message.sync_response());
    default:
      return chain::Reject(Reason::kMalformed, "peer " + from.name + " sent an empty message");
  }
}

void NetworkRuntime::OnPeerConnected(const PeerEntry& peer) { sync_->SendTipTo(peer.pubkey); }

}  // namespace agritrace::node
