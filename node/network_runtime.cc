#include "node/network_runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "node/node.h"
#include "node/common/peer_limits.h"
#include "node/p2p/tls.h"

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
  auto credentials = PeerChannelCredentials(config);
  if (!credentials.ok()) return credentials.status();
  std::unique_ptr<NetworkRuntime> runtime(new NetworkRuntime(node, std::move(directory)));
  runtime->network_->SetChannelCredentials(std::move(*credentials));
  return runtime;
}

NetworkRuntime::NetworkRuntime(Node* node, PeerDirectory directory)
    : node_(node), validators_(node->genesis().validator_set()) {
  const NodeConfig& config = node->config();
  network_ = std::make_unique<PeerNetwork>(node->genesis(), &node->key(), config.name,
                                           std::move(directory), config.peer_ban_seconds);
  network_->SetMetrics(&node->metrics());
  applier_ = std::make_unique<BlockApplier>(&node->genesis(), node->mutable_store(),
                                            &node->verified_records());
  sync_ = std::make_unique<BlockSync>(&node->store(), applier_.get(), network_.get());
  sync_->SetMetrics(&node->metrics());
  driver_ = std::make_unique<ConsensusDriver>(node, applier_.get(), network_.get(),
                                              TimeoutsFrom(config), node->genesis().block_delay_ms);
  applier_->SetCommitListener([this](const CommittedBlock& block) {
    node_->AfterCommit(block);
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

void NetworkRuntime::Gossip(const std::vector<const v1::Envelope*>& envelopes) {
  for (size_t start = 0; start < envelopes.size(); start += chain::kMaxSubmitBatchRecords) {
    const size_t end = std::min(envelopes.size(), start + chain::kMaxSubmitBatchRecords);
    v1::PeerMessage message;
    for (size_t i = start; i < end; ++i) *message.mutable_records()->add_envelopes() = *envelopes[i];
    network_->Broadcast(message);
  }
}

void NetworkRuntime::OnRecordsAvailable() { driver_->PostRecordsAvailable(); }

// A peer that sends a record no honest node would have admitted (garbage, a bad signature,
// another chain's) is at fault; one that is merely stale or already known is not.
Status NetworkRuntime::OnPeerRecords(
    const PeerEntry& from, const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) {
  if (static_cast<size_t>(envelopes.size()) > chain::kMaxSubmitBatchRecords) {
    return chain::Reject(Reason::kTooLarge, "record batch from " + from.name + " holds " +
                                                std::to_string(envelopes.size()) + " records");
  }
  for (const auto& result : node_->SubmitBatch(envelopes, RecordSource::kPeer)) {
    if (result.ok() || !IsRecordFault(result.status().reason())) continue;
    return chain::Reject(result.status().reason(), "record from " + from.name + ": " +
                                                       result.status().message());
  }
  return Status::Ok();
}

// Only genesis validators sign proposals and votes, and honest nodes relay only what their
// engine accepted: a message naming anyone else is forged by the sender. Checked here, before
// the driver's queue (signatures are the engine's job: a bad one gets the sender banned there).
Status NetworkRuntime::CheckSigner(const PeerEntry& from, const std::string& signer,
                                   const char* what) const {
  auto key = chain::ArrayFromBytes<32>(signer);
  if (!key) return chain::Reject(Reason::kMalformed, std::string(what) + " signer is not a key");
  if (!validators_.Contains(*key)) {
    return chain::Reject(Reason::kNotAuthorized, std::string(what) + " from " + from.name +
                                                     " is signed by a non-validator " +
                                                     chain::ToHex(*key).substr(0, 16));
  }
  return Status::Ok();
}

Status NetworkRuntime::OnPeerMessage(const PeerEntry& from, const v1::PeerMessage& message) {
  switch (message.kind_case()) {
    case v1::PeerMessage::kRecord:
      return OnPeerRecords(from, google::protobuf::RepeatedPtrField<v1::Envelope>(
                                     &message.record(), &message.record() + 1));
    case v1::PeerMessage::kRecords:
      return OnPeerRecords(from, message.records().envelopes());
    case v1::PeerMessage::kProposal:
      AGRI_RETURN_IF_ERROR(CheckSigner(from, message.proposal().proposer(), "proposal"));
      driver_->PostProposal(from, message.proposal());
      return Status::Ok();
    case v1::PeerMessage::kVote:
      AGRI_RETURN_IF_ERROR(CheckSigner(from, message.vote().validator(), "vote"));
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
