#include "node/replication/sync.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <vector>

#include "chain/io/failpoint.h"
#include "node/common/peer_limits.h"
#include "node/p2p/peer_network.h"

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
// when one does not answer in time. Nothing is asked while a batch is being applied: the
// request for the range after it went out when it arrived (OnSyncResponse).
void BlockSync::MaybeRequest() {
  const uint64_t ours = store_->Tip().height;
  std::lock_guard lock(mu_);
  if (applying_ > 0) return;
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
  RequestLocked(ahead[next_peer_++ % ahead.size()], ours + 1);
}

void BlockSync::RequestLocked(const chain::PubKey& peer, uint64_t from_height) {
  v1::PeerMessage message;
  message.mutable_sync_request()->set_from_height(from_height);
  message.mutable_sync_request()->set_max_blocks(kSyncBatchBlocks);
  if (network_->SendTo(peer, message)) in_flight_ = InFlight{peer, from_height, Clock::now()};
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
  if (metrics_) metrics_->OnSyncBlocksServed(response->blocks_size());
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
  const int count = response.blocks_size();
  v1::BlockHeader last;
  const bool has_last = count > 0 && last.ParseFromString(response.blocks(count - 1).header());
  {
    std::lock_guard lock(mu_);
    uint64_t& tip = peer_tips_[from.pubkey];
    tip = std::max(tip, response.tip_height());
    if (in_flight_ && in_flight_->peer == from.pubkey) in_flight_.reset();
    // Ask for the range after this batch now, so the peer reads and sends it while we apply.
    if (has_last && tip > last.height() && !in_flight_) {
      RequestLocked(from.pubkey, last.height() + 1);
    }
    ++applying_;
  }
  const uint64_t before = store_->Tip().height;
  Status status = ApplyBatch(from, response);
  {
    std::lock_guard lock(mu_);
    --applying_;
    // The next batch may have waited behind this one; its time starts now.
    if (in_flight_) in_flight_->sent_at = Clock::now();
  }
  if (!status.ok()) return status;
  if (store_->Tip().height > before) {
    spdlog::info("synced to height {} from {}", store_->Tip().height, from.name);
    AnnounceTip();
  }
  MaybeRequest();
  return Status::Ok();
}

// Applies the blocks in order while a helper thread checks the signatures of the blocks after
// the current one: verification overlaps the rules and the store writes.
Status BlockSync::ApplyBatch(const PeerEntry& from, const v1::SyncResponse& response) {
  std::atomic<bool> stop{false};
  std::thread ahead;
  if (response.blocks_size() > 1) {
    ahead = std::thread([&] {
      for (int i = 1; i < response.blocks_size() && !stop; ++i) {
        applier_->PreVerify(response.blocks(i));
      }
    });
  }
  Status status = Status::Ok();
  for (const auto& block : response.blocks()) {
    chain::FailPoint("sync-apply");  // crash tests only (chain/failpoint.h)
    auto applied = Apply(block);
    if (applied.ok() && metrics_) metrics_->OnSyncBlockReceived(*applied);
    if (!applied.ok()) {
      status = Reject(applied.status().reason(),
                      "sync from " + from.name + ": " + applied.status().message());
      break;
    }
  }
  stop = true;
  if (ahead.joinable()) ahead.join();
  return status;
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
