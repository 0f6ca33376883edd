#include "node/sync.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "chain/failpoint.h"
#include "node/peer_limits.h"
#include "node/peer_network.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;
using Clock = std::chrono::steady_clock;

namespace {

// How often the sync thread looks for work (retries, idle tip announcements).
constexpr std::chrono::milliseconds kSyncTick{200};

// Not being able to place a block yet (we are behind, or it was committed meanwhile) is no
// fault of the sender; anything else wrong with a certified block is.
bool IsPlacementMiss(const Status& status) { return status.reason() == Reason::kNotFound; }

}  // namespace

BlockSync::BlockSync(const chain::ChainStore* store, BlockApplier* applier, PeerNetwork* network)
    : store_(store), applier_(applier), network_(network) {}

BlockSync::~BlockSync() { Stop(); }

void BlockSync::Start() { thread_ = std::thread([this] { Loop(); }); }

void BlockSync::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BlockSync::Loop() {
  auto next_announce = Clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, kSyncTick, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    MaybeRequest();
    if (Clock::now() >= next_announce) {
      AnnounceTip();
      next_announce = Clock::now() + kTipAnnounceInterval;
    }
    lock.lock();
  }
}

v1::PeerMessage BlockSync::TipMessage() const {
  const chain::ChainTip tip = store_->Tip();
  v1::PeerMessage message;
  message.mutable_tip()->set_height(tip.height);
  message.mutable_tip()->set_tip_hash(chain::AsBytes(tip.hash));
  return message;
}

void BlockSync::SendTipTo(const chain::PubKey& peer) { network_->SendTo(peer, TipMessage()); }

void BlockSync::AnnounceTip() { network_->Broadcast(TipMessage()); }

uint64_t BlockSync::best_peer_height() const {
  std::lock_guard lock(mu_);
  uint64_t best = 0;
  for (const auto& [peer, height] : peer_tips_) best = std::max(best, height);
  return best;
}

void BlockSync::Want(uint64_t height) {
  {
    std::lock_guard lock(mu_);
    wanted_height_ = std::max(wanted_height_, height);
  }
  MaybeRequest();
}

// At most one request in flight; a peer that is ahead is asked, rotating between such peers
// when one does not answer in time.
void BlockSync::MaybeRequest() {
  const uint64_t ours = store_->Tip().height;
  std::lock_guard lock(mu_);
  if (in_flight_ && Clock::now() - in_flight_->sent_at < kSyncRequestTimeout &&
      in_flight_->from_height > ours) {
    return;
  }
  in_flight_.reset();
  std::vector<chain::PubKey> ahead;
  for (const auto& [peer, height] : peer_tips_) {
    if (height > ours) ahead.push_back(peer);
  }
  if (ahead.empty() && wanted_height_ > ours) {
    for (const auto& peer : network_->ConnectedPeers()) ahead.push_back(peer.pubkey);
  }
  if (ahead.empty()) return;
  const chain::PubKey peer = ahead[next_peer_++ % ahead.size()];
  v1::PeerMessage message;
  message.mutable_sync_request()->set_from_height(ours + 1);
  message.mutable_sync_request()->set_max_blocks(kSyncBatchBlocks);
  if (network_->SendTo(peer, message)) in_flight_ = InFlight{peer, ours + 1, Clock::now()};
}

Status BlockSync::OnPeerTip(const PeerEntry& from, const v1::PeerTip& tip) {
  bool ahead = false;
  {
    std::lock_guard lock(mu_);
    peer_tips_[from.pubkey] = tip.height();
    ahead = tip.height() > store_->Tip().height && !in_flight_;
  }
  if (ahead) MaybeRequest();
  return Status::Ok();
}

Status BlockSync::OnSyncRequest(const PeerEntry& from, const v1::SyncRequest& request) {
  const uint64_t tip = store_->Tip().height;
  const uint64_t count = std::min<uint64_t>(request.max_blocks(), kSyncBatchBlocks);
  v1::PeerMessage message;
  v1::SyncResponse* response = message.mutable_sync_response();
  response->set_tip_height(tip);
  size_t bytes = 0;
  for (uint64_t h = std::max<uint64_t>(1, request.from_height());
       h <= tip && h < request.from_height() + count; ++h) {
    auto block = store_->GetBlock(h);
    if (!block.ok()) break;
    bytes += block->ByteSizeLong();
    // Always at least one block, so a maximal block still syncs.
    if (response->blocks_size() > 0 && bytes > kMaxSyncResponseBytes) break;
    *response->add_blocks() = std::move(*block);
  }
  network_->SendTo(from.pubkey, message);
  return Status::Ok();
}

chain::Result<bool> BlockSync::Apply(const v1::Block& block) {
  auto committed = applier_->CommitCertified(block);
  if (!committed.ok()) {
    if (IsPlacementMiss(committed.status())) return false;
    return committed.status();
  }
  v1::BlockHeader header;
  if (*committed && synced_listener_ && header.ParseFromString(block.header())) {
    synced_listener_(header.height(), chain::BlockHash(block.header()));
  }
  return *committed;
}

Status BlockSync::OnSyncResponse(const PeerEntry& from, const v1::SyncResponse& response) {
  {
    std::lock_guard lock(mu_);
    peer_tips_[from.pubkey] = std::max(peer_tips_[from.pubkey], response.tip_height());
    if (in_flight_ && in_flight_->peer == from.pubkey) in_flight_.reset();
  }
  for (const auto& block : response.blocks()) {
    chain::FailPoint("sync-apply");  // crash tests only (chain/failpoint.h)
    auto applied = Apply(block);
    if (!applied.ok()) {
      return Reject(applied.status().reason(),
                    "sync from " + from.name + ": " + applied.status().message());
    }
  }
  if (response.blocks_size() > 0) {
    spdlog::info("synced to height {} from {}", store_->Tip().height, from.name);
    AnnounceTip();
  }
  MaybeRequest();
  return Status::Ok();
}

Status BlockSync::OnCommitAnnounce(const PeerEntry& from, const v1::Block& block) {
  v1::BlockHeader header;
  if (!header.ParseFromString(block.header())) {
    return Reject(Reason::kMalformed, "announced block header does not parse");
  }
  const uint64_t ours = store_->Tip().height;
  if (header.height() <= ours) return Status::Ok();  // we have it (CommitCertified compares)
  if (header.height() > ours + 1) {
    {
      std::lock_guard lock(mu_);
      peer_tips_[from.pubkey] = std::max(peer_tips_[from.pubkey], header.height());
    }
    MaybeRequest();
    return Status::Ok();
  }
  auto applied = Apply(block);
  return applied.ok() ? Status::Ok() : applied.status();
}

}  // namespace agritrace::node
