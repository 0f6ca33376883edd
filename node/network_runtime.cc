#include "node/network_runtime.h"

#include <spdlog/spdlog.h>

#include "node/node.h"
#include "node/p2p/tls.h"

namespace agritrace::node {

using chain::Status;

namespace {

chain::ConsensusTimeouts TimeoutsFrom(const NodeConfig& config) {
  chain::ConsensusTimeouts timeouts;
  timeouts.propose_ms = config.consensus_propose_timeout_ms;
  timeouts.vote_ms = config.consensus_vote_timeout_ms;
  timeouts.delta_ms = config.consensus_timeout_delta_ms;
  return timeouts;
}

}  // namespace

// The replica's Transport over the gRPC peer network.
class NetworkRuntime::PeerTransport final : public Transport {
 public:
  explicit PeerTransport(PeerNetwork* network) : network_(network) {}

  void Broadcast(SharedMessage message, const chain::PubKey* except) override {
    network_->Broadcast(std::move(message), except);
  }
  bool SendTo(const chain::PubKey& peer, SharedMessage message) override {
    return network_->SendTo(peer, std::move(message));
  }
  void Ban(const chain::PubKey& peer, const Status& why) override { network_->Ban(peer, why); }
  void Refused(const chain::PubKey& peer, const Status& why) override {
    spdlog::debug("consensus message from {} refused: {}", PeerName(peer), why.ToString());
  }
  std::vector<chain::PubKey> ConnectedPeers() const override {
    std::vector<chain::PubKey> keys;
    for (const PeerEntry& peer : network_->ConnectedPeers()) keys.push_back(peer.pubkey);
    return keys;
  }
  std::string PeerName(const chain::PubKey& peer) const override {
    auto entry = network_->directory()->Find(peer);
    return entry ? entry->name : chain::ToHex(peer).substr(0, 16);
  }

 private:
  PeerNetwork* network_;
};

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
  auto own_certificates = LoadOwnCertificates(config, node->key().public_key());
  if (!own_certificates.ok()) return own_certificates.status();
  std::unique_ptr<NetworkRuntime> runtime(new NetworkRuntime(node, std::move(directory)));
  runtime->network_->SetChannelCredentials(std::move(*credentials));
  runtime->network_->SetOwnCertificates(*own_certificates);
  return runtime;
}

NetworkRuntime::NetworkRuntime(Node* node, PeerDirectory directory)
    : node_(node), base_directory_(directory) {
  const NodeConfig& config = node->config();
  network_ = std::make_unique<PeerNetwork>(node->genesis(), &node->key(), config.name,
                                           std::move(directory), config.peer_ban_seconds);
  network_->SetMetrics(&node->metrics());
  transport_ = std::make_unique<PeerTransport>(network_.get());
  ReplicaParts parts;
  parts.genesis = &node->genesis();
  // Every node passes its key: the engine signs at the heights whose validator set holds it
  // (issue 17), so an observer added by governance starts signing at its effective height.
  parts.key = node->key();
  parts.timeouts = TimeoutsFrom(config);
  parts.host = node;
  parts.store = node->mutable_store();
  parts.safety = node->signing_state();
  parts.guard.follow_until_caught_up = node->signing_state_empty();
  parts.guard.double_sign_check_blocks = config.consensus_double_sign_check_blocks;
  parts.verified = &node->verified_records();
  parts.transport = transport_.get();
  parts.clock = &clock_;
  parts.background = &background_;
  parts.metrics = &node->metrics();
  replica_ = std::make_unique<Replica>(std::move(parts));
  replica_->SetCommitObserver([this](const CommittedBlock&) { FollowValidators(); });
  runner_ = std::make_unique<ReplicaRunner>(replica_.get());
  network_->SetHandler(this);
}

NetworkRuntime::~NetworkRuntime() { Stop(); }

void NetworkRuntime::FollowValidators() {
  auto known = replica_->Validators();
  const uint64_t next = node_->store().Tip().height + 1;
  google::protobuf::RepeatedPtrField<v1::ValidatorInfo> validators =
      known->schedule.EpochAt(next).validators();
  for (const v1::ValidatorInfo& v : known->schedule.EpochAt(next + 1).validators()) {
    bool listed = false;
    for (const v1::ValidatorInfo& have : validators) listed |= have.pubkey() == v.pubkey();
    if (!listed) *validators.Add() = v;
  }
  const chain::Hash256 hash = chain::ValidatorSetHash(validators);
  if (hash == followed_set_) return;
  const bool first = followed_set_ == chain::Hash256{};
  followed_set_ = hash;
  network_->SetDirectory(base_directory_.ForValidators(validators));
  if (!first) spdlog::info("peers follow the validator sets of heights {} and {}", next, next + 1);
}

void NetworkRuntime::Start() {
  started_ = true;
  FollowValidators();  // a restarted node's chain may have changed the sets already
  runner_->Start();
  network_->Start();
}

void NetworkRuntime::Stop() {
  if (!started_) return;
  started_ = false;
  network_->Stop();
  runner_->Stop();
}

void NetworkRuntime::Gossip(const std::vector<const v1::Envelope*>& envelopes) {
  replica_->Gossip(envelopes);
}

void NetworkRuntime::OnRecordsAvailable() { runner_->PostRecordsAvailable(); }

Status NetworkRuntime::OnPeerMessage(const PeerEntry& from, v1::PeerMessage&& message) {
  auto pass_on = replica_->Receive(from.pubkey, message);
  if (!pass_on.ok()) return pass_on.status();  // PeerNetwork bans the sender
  if (*pass_on) runner_->Post(from.pubkey, Share(std::move(message)));
  return Status::Ok();
}

void NetworkRuntime::OnPeerConnected(const PeerEntry& peer) {
  replica_->OnPeerConnected(peer.pubkey);
}

}  // namespace agritrace::node
