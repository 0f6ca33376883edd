#include "node/replication/consensus_driver.h"

#include <spdlog/spdlog.h>

#include "chain/base/limits.h"
#include "node/p2p/peer_network.h"

namespace agritrace::node {

using chain::Reason;
using chain::Status;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Reasons that prove a peer sent garbage (as opposed to a message that is merely late or
// that we cannot judge yet): the sender is banned.
bool IsPeerFault(Reason reason) {
  return reason == Reason::kMalformed || reason == Reason::kBadSignature ||
         reason == Reason::kWrongChain || reason == Reason::kTooLarge;
}

std::string ShortHash(const std::string& bytes) {
  return bytes.empty() ? "nil" : chain::ToHex(bytes).substr(0, 16);
}

}  // namespace

ConsensusDriver::ConsensusDriver(DriverHost* node, BlockApplier* applier, PeerNetwork* network,
                                 chain::ConsensusTimeouts timeouts, uint32_t block_delay_ms)
    : node_(node),
      applier_(applier),
      network_(network),
      timeouts_(timeouts),
      block_delay_(block_delay_ms) {}

ConsensusDriver::~ConsensusDriver() { Stop(); }

int64_t ConsensusDriver::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ConsensusDriver::Start() { thread_ = std::thread([this] { Loop(); }); }

void ConsensusDriver::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ConsensusDriver::Post(Input input) {
  {
    std::lock_guard lock(mu_);
    if (inputs_.size() >= kMaxConsensusInputs) {
      spdlog::warn("consensus input queue full; dropping a message");
      return;
    }
    inputs_.push_back(std::move(input));
  }
  cv_.notify_all();
}

void ConsensusDriver::PostProposal(const PeerEntry& from, const v1::Proposal& proposal) {
  Post(ProposalIn{from.pubkey, proposal});
}

void ConsensusDriver::PostVote(const PeerEntry& from, const v1::Vote& vote) {
  Post(VoteIn{from.pubkey, vote});
}

void ConsensusDriver::PostSyncedCommit(uint64_t height, const chain::Hash256& hash) {
  Post(SyncedIn{height, hash});
}

// A block closes `block_delay` after the first pending record, so that records submitted
// together share a block (and, on a network, reach the proposer first).
void ConsensusDriver::PostRecordsAvailable() {
  {
    std::lock_guard lock(mu_);
    if (records_ready_at_) return;
    records_ready_at_ = SteadyClock::now() + block_delay_;
  }
  cv_.notify_all();
}

void ConsensusDriver::Loop() {
  std::optional<chain::PrivateKey> key;
  if (node_->is_validator()) key = node_->key();
  chain::ConsensusConfig config{node_->genesis().chain_id, node_->genesis().validator_set(),
                                timeouts_};
  engine_ = std::make_unique<chain::ConsensusEngine>(config, key, node_->store().Tip().height,
                                                     this, this);
  Execute(engine_->Start(NowMs()), nullptr, false, nullptr);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto wake = timers_.empty() ? SteadyClock::now() + std::chrono::seconds(1) : timers_.top().at;
    if (records_ready_at_) wake = std::min(wake, *records_ready_at_);
    cv_.wait_until(lock, wake, [&] { return stopping_ || !inputs_.empty(); });
    if (stopping_) break;
    const auto now = SteadyClock::now();
    bool records_ready = records_ready_at_ && *records_ready_at_ <= now;
    if (records_ready) records_ready_at_.reset();
    std::deque<Input> batch;
    batch.swap(inputs_);
    lock.unlock();
    while (!timers_.empty() && timers_.top().at <= now) {
      chain::ScheduleTimeout timeout = timers_.top().timeout;
      timers_.pop();
      Execute(engine_->OnTimeout(timeout, NowMs()), nullptr, false, nullptr);
    }
    if (records_ready && node_->mempool_size() > 0) {
      Execute(engine_->OnRecordsAvailable(NowMs()), nullptr, false, nullptr);
    }
    for (const auto& input : batch) Handle(input);
    lock.lock();
  }
}

void ConsensusDriver::Handle(const Input& input) {
  if (const auto* in = std::get_if<ProposalIn>(&input)) {
    v1::PeerMessage original;
    *original.mutable_proposal() = in->proposal;
    Execute(engine_->OnProposal(in->proposal, NowMs()), &in->from,
            FirstRelay(in->proposal.signature()), &original);
  } else if (const auto* in = std::get_if<VoteIn>(&input)) {
    v1::PeerMessage original;
    *original.mutable_vote() = in->vote;
    Execute(engine_->OnVote(in->vote, NowMs()), &in->from, FirstRelay(in->vote.signature()),
            &original);
  } else if (std::holds_alternative<RecordsIn>(input)) {
    Execute(engine_->OnRecordsAvailable(NowMs()), nullptr, false, nullptr);
  } else if (const auto* in = std::get_if<SyncedIn>(&input)) {
    Execute(engine_->OnSyncedCommit(in->height, in->hash, NowMs()), nullptr, false, nullptr);
  }
}

bool ConsensusDriver::FirstRelay(const std::string& signature) {
  if (!relayed_.insert(signature).second) return false;
  relayed_order_.push_back(signature);
  while (relayed_order_.size() > kMaxRelayedMessages) {
    relayed_.erase(relayed_order_.front());
    relayed_order_.pop_front();
  }
  return true;
}

// `from`/`relay`/`original`: for a message from a peer, who sent it, whether to relay it
// (first time seen) and the message itself.
void ConsensusDriver::Execute(chain::ConsensusOutput output, const chain::PubKey* from,
                              bool relay, const v1::PeerMessage* original) {
  if (!output.status.ok()) {
    if (from && IsPeerFault(output.status.reason())) {
      network_->Ban(*from, output.status.ToString());
    } else if (!from) {
      spdlog::error("consensus: {}", output.status.ToString());
    } else {
      spdlog::debug("consensus message refused: {}", output.status.ToString());
    }
  } else if (from && relay && original) {
    network_->Broadcast(*original, from);  // gossip onwards, once
  }
  for (auto& action : output.actions) {
    if (auto* a = std::get_if<chain::BroadcastProposal>(&action)) {
      spdlog::info("signed proposal h={} r={} block={}", a->proposal.height(), a->proposal.round(),
                   ShortHash(chain::AsBytes(chain::BlockHash(a->proposal.block().header()))));
      v1::PeerMessage message;
      *message.mutable_proposal() = std::move(a->proposal);
      FirstRelay(message.proposal().signature());
      network_->Broadcast(message);
    } else if (auto* a = std::get_if<chain::BroadcastVote>(&action)) {
      spdlog::info("signed vote h={} r={} type={} block={}", a->vote.height(), a->vote.round(),
                   v1::VoteType_Name(a->vote.type()), ShortHash(a->vote.block_hash()));
      v1::PeerMessage message;
      *message.mutable_vote() = std::move(a->vote);
      FirstRelay(message.vote().signature());
      network_->Broadcast(message);
    } else if (auto* a = std::get_if<chain::ScheduleTimeout>(&action)) {
      Schedule(*a);
    } else if (auto* a = std::get_if<chain::CommitBlock>(&action)) {
      DoCommit(*a);
    } else if (auto* a = std::get_if<chain::PeerBehind>(&action)) {
      // Tell it our tip; its block sync then asks us for the blocks it lacks.
      const chain::ChainTip tip = node_->store().Tip();
      v1::PeerMessage message;
      message.mutable_tip()->set_height(tip.height);
      message.mutable_tip()->set_tip_hash(chain::AsBytes(tip.hash));
      network_->SendTo(a->validator, message);
    } else if (auto* a = std::get_if<chain::SyncNeeded>(&action)) {
      if (request_sync_) request_sync_(a->height);
    } else if (auto* a = std::get_if<chain::Misbehaviour>(&action)) {
      spdlog::warn("evidence: validator {} signed two different {} votes at h={} r={}",
                   chain::ToHex(a->validator).substr(0, 16), v1::VoteType_Name(a->first.type()),
                   a->first.height(), a->first.round());
    }
  }
}

void ConsensusDriver::DoCommit(const chain::CommitBlock& commit) {
  auto committed = applier_->CommitCertified(commit.block);
  if (!committed.ok()) {
    // Only a bug or a disk failure gets here: the engine decided a block that ValidateBlock
    // accepted. Stopping is safer than running on with state that disagrees with consensus.
    spdlog::critical("cannot commit decided block {}: {}", chain::ToHex(commit.hash),
                     committed.status().ToString());
    std::abort();
  }
  v1::PeerMessage message;
  *message.mutable_commit() = commit.block;
  network_->Broadcast(message);
}

void ConsensusDriver::Schedule(const chain::ScheduleTimeout& timeout) {
  const int64_t delay_ms = std::max<int64_t>(0, timeout.at_ms - NowMs());
  timers_.push(Timer{SteadyClock::now() + std::chrono::milliseconds(delay_ms), timeout});
}

v1::Block ConsensusDriver::ProposeBlock(uint64_t height, int64_t now_ms,
                                        const chain::PubKey& proposer) {
  const size_t max_records =
      std::min<size_t>(node_->genesis().max_block_records, chain::kMaxBlockRecords);
  return applier_->Build(height, now_ms, proposer,
                         node_->PendingRecords(max_records, chain::kMaxBlockBytes / 2));
}

Status ConsensusDriver::ValidateBlock(uint64_t height, const v1::Block& block) {
  return applier_->Validate(height, block, NowMs());
}

bool ConsensusDriver::HasPendingRecords() { return node_->mempool_size() > 0; }

Status ConsensusDriver::Put(const std::string& key, const std::string& value) {
  return node_->mutable_store()->PutSafetyState(key, value);
}

std::optional<std::string> ConsensusDriver::Get(const std::string& key) const {
  return node_->store().GetSafetyState(key);
}

}  // namespace agritrace::node
