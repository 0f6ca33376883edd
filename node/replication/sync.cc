#include "node/replication/sync.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <vector>

#include "chain/io/failpoint.h"
#include "node/common/peer_limits.h"
#include "node/replication/peer_fault.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;

namespace {

constexpr int64_t kTipAnnounceIntervalMs = kTipAnnounceInterval.count();
constexpr int64_t kSyncRequestTimeoutMs = kSyncRequestTimeout.count();
constexpr int64_t kSyncSlowPeerPauseMs = kSyncSlowPeerPause.count();

}  // namespace

BlockSync::BlockSync(const chain::BlockStore* store, BlockApplier* applier, Transport* transport,
                     const Clock* clock, Background* background)
    : store_(store),
      applier_(applier),
      transport_(transport),
      clock_(clock),
      background_(background) {
  applier_->SetReleaser([this](std::shared_ptr<void> garbage) {
    garbage_.push_back(std::move(garbage));
  });
}

void BlockSync::Start() {
  const int64_t now = clock_->SteadyMs();
  next_tick_ms_ = now + kSyncTickMs;
  next_announce_ms_ = now;
}

void BlockSync::Tick() {
  const int64_t now = clock_->SteadyMs();
  if (now < next_tick_ms_) return;
  next_tick_ms_ = now + kSyncTickMs;
  if (halted_) return;
  MaybeRequest();
  if (now >= next_announce_ms_) {
    AnnounceTip();
    next_announce_ms_ = now + kTipAnnounceIntervalMs;
  }
}

SharedMessage BlockSync::TipMessage() const {
  const chain::ChainTip tip = store_->Tip();
  v1::PeerMessage message;
  message.mutable_tip()->set_height(tip.height);
  message.mutable_tip()->set_tip_hash(chain::AsBytes(tip.hash));
  return Share(std::move(message));
}

void BlockSync::SendTipTo(const chain::PubKey& peer) const {
  transport_->SendTo(peer, TipMessage());
}

void BlockSync::AnnounceTip() const { transport_->Broadcast(TipMessage()); }

void BlockSync::Want(uint64_t height) {
  wanted_height_ = std::max(wanted_height_, height);
  MaybeRequest();
}

// At most one request in flight; a peer that is ahead is asked, rotating between such peers.
// A request unanswered in time pauses its peer. Nothing is asked while a batch is being
// applied: the request for the range after it went out when it arrived (OnSyncResponse).
void BlockSync::MaybeRequest() {
  if (applying_ || halted_) return;
  const uint64_t ours = store_->Tip().height;
  if (in_flight_ && in_flight_->from_height > ours) {
    if (clock_->SteadyMs() - in_flight_->sent_at_ms < kSyncRequestTimeoutMs) return;
    Pause(in_flight_->peer, "let a sync request time out");
  }
  in_flight_.reset();
  if (auto peer = PickPeer(ours)) Request(*peer, ours + 1);
}

std::optional<chain::PubKey> BlockSync::PickPeer(uint64_t height) {
  const int64_t now = clock_->SteadyMs();
  std::vector<chain::PubKey> ahead, ready;
  for (const auto& [peer, tip] : peer_tips_) {
    if (tip <= height) continue;
    ahead.push_back(peer);
    auto paused = paused_until_ms_.find(peer);
    if (paused == paused_until_ms_.end() || paused->second <= now) ready.push_back(peer);
  }
  if (ahead.empty() && wanted_height_ > height) ahead = transport_->ConnectedPeers();
  const std::vector<chain::PubKey>& from = ready.empty() ? ahead : ready;
  if (from.empty()) return std::nullopt;
  return from[next_peer_++ % from.size()];
}

void BlockSync::Pause(const chain::PubKey& peer, const char* why) {
  paused_until_ms_[peer] = clock_->SteadyMs() + kSyncSlowPeerPauseMs;
  spdlog::info("sync: {} {}; asking other peers first for {} s", transport_->PeerName(peer), why,
               kSyncSlowPeerPauseMs / 1000);
}

void BlockSync::Request(const chain::PubKey& peer, uint64_t from_height) {
  v1::PeerMessage message;
  message.mutable_sync_request()->set_from_height(from_height);
  message.mutable_sync_request()->set_max_blocks(kSyncBatchBlocks);
  if (transport_->SendTo(peer, Share(std::move(message)))) {
    in_flight_ = InFlight{peer, from_height, clock_->SteadyMs()};
  }
}

bool BlockSync::CaughtUp() const {
  if (!heard_tip_) return false;
  uint64_t known = wanted_height_;
  for (const auto& [peer, height] : peer_tips_) known = std::max(known, height);
  return store_->Tip().height >= known;
}

void BlockSync::OnPeerTip(const chain::PubKey& from, const v1::PeerTip& tip) {
  heard_tip_ = true;
  peer_tips_[from] = tip.height();
  if (tip.height() > store_->Tip().height && !in_flight_) MaybeRequest();
}

void BlockSync::ServeRequest(const chain::PubKey& from, const v1::SyncRequest& request) const {
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
  transport_->SendTo(from, Share(std::move(message)));
}

chain::Result<bool> BlockSync::Apply(const v1::Block& block) {
  auto committed = applier_->CommitCertified(block);
  // Not being able to place a block yet (we are behind, or it was committed meanwhile) is
  // nobody's fault; anything else wrong with a certified block is judged by Failed.
  if (!committed.ok() && committed.status().reason() == Reason::kNotFound) return false;
  return committed;
}

bool BlockSync::Failed(const chain::PubKey& from, const Status& status) {
  if (IsLocalFailure(status.reason())) {
    spdlog::critical("cannot store a synced block: {}", status.ToString());
    halted_ = true;
    if (fatal_) fatal_(status);
    return false;
  }
  if (IsPeerFault(PeerInput::kCertifiedBlock, status.reason())) {
    transport_->Ban(from, status);
    peer_tips_.erase(from);  // what it claimed counts for nothing now
    if (in_flight_ && in_flight_->peer == from) in_flight_.reset();
  }
  return true;
}

void BlockSync::NotifySynced(uint64_t before) {
  const chain::ChainTip tip = store_->Tip();
  if (tip.height <= before) return;
  if (synced_listener_) synced_listener_(tip.height, tip.hash);
}

bool BlockSync::Solicited(const chain::PubKey& from, const v1::SyncResponse& response) const {
  if (!in_flight_ || in_flight_->peer != from) return false;
  if (response.blocks_size() == 0) return true;
  v1::BlockHeader first;
  return first.ParseFromString(response.blocks(0).header()) &&
         first.height() == in_flight_->from_height;
}

void BlockSync::OnSyncResponse(const chain::PubKey& from, const v1::SyncResponse& response) {
  if (halted_) return;
  // An answer nobody asked for (or too late: the request went elsewhere) is dropped unread.
  if (!Solicited(from, response)) {
    spdlog::debug("sync: dropped an unsolicited response from {}", transport_->PeerName(from));
    return;
  }
  const uint64_t asked_from = in_flight_->from_height;
  in_flight_.reset();
  const int count = response.blocks_size();
  v1::BlockHeader last;
  const bool has_last = count > 0 && last.ParseFromString(response.blocks(count - 1).header());
  uint64_t& tip = peer_tips_[from];
  tip = std::max(tip, response.tip_height());
  // Fewer blocks than it has, in an answer far below the byte limit: withholding.
  if (static_cast<uint64_t>(count) < kSyncBatchBlocks && tip >= asked_from + count &&
      response.ByteSizeLong() < kMaxSyncResponseBytes / 2) {
    Pause(from, "answered with fewer blocks than it has");
  }
  // Ask for the range after this batch now (from the next peer ahead), so it is read and sent
  // while we apply this one.
  if (has_last) {
    if (auto next = PickPeer(last.height())) Request(*next, last.height() + 1);
  }
  const uint64_t before = store_->Tip().height;
  applying_ = true;
  const bool go_on = ApplyBatch(from, response);
  applying_ = false;
  if (!go_on) return;
  // The next batch may have waited behind this one; its time starts now.
  if (in_flight_) in_flight_->sent_at_ms = clock_->SteadyMs();
  if (store_->Tip().height > before) {
    spdlog::info("synced to height {} from {}", store_->Tip().height, transport_->PeerName(from));
    AnnounceTip();
    NotifySynced(before);
  }
  MaybeRequest();
}

// Applies the blocks in order while the blocks after the current one are decoded and their
// signatures checked on the side (on all cores): verification overlaps the rules and the store
// writes, and each block is decoded once. The checked blocks are committed in runs
// (BlockApplier::StageCertified, one write per run). The blocks before an invalid one are
// committed, as when each block was written alone; then the sender is judged (Failed).
bool BlockSync::ApplyBatch(const chain::PubKey& from, const v1::SyncResponse& response) {
  const int count = response.blocks_size();
  // Block i's slot is written by the helper before `ready` passes i and read by this thread
  // after (release/acquire on `ready`; C++20 atomic wait, no lock).
  std::vector<std::shared_ptr<chain::DecodedBlock>> slots(count);
  std::atomic<int> ready{0};
  std::atomic<bool> stop{false};
  // What the previous batch wrote is freed on the helper thread, after its checks.
  background_->Start([&, garbage = std::move(garbage_)]() mutable {
    for (int i = 0; i < count && !stop; ++i) {
      slots[i] = applier_->PreVerify(response.blocks(i));
      ready.store(i + 1, std::memory_order_release);
      ready.notify_one();
    }
    garbage.clear();
  });
  bool go_on = true;
  for (int i = 0; i < count; ++i) {
    for (int seen = ready.load(std::memory_order_acquire); seen <= i;
         seen = ready.load(std::memory_order_acquire)) {
      ready.wait(seen, std::memory_order_acquire);
    }
    std::shared_ptr<chain::DecodedBlock> decoded = std::move(slots[i]);
    chain::FailPoint("sync-apply");  // crash tests only (chain/io/failpoint.h)
    auto applied = Stage(response.blocks(i), std::move(decoded));
    if (applied.ok()) {
      if (metrics_) metrics_->OnSyncBlockReceived(*applied);
      continue;
    }
    go_on = Flushed(from) &&
            Failed(from, Reject(applied.status().reason(),
                                "sync from " + transport_->PeerName(from) + ": " +
                                    applied.status().message()));
    break;
  }
  if (go_on) go_on = Flushed(from);
  stop = true;
  background_->Wait();
  return go_on;
}

chain::Result<bool> BlockSync::Stage(const v1::Block& block,
                                     std::shared_ptr<chain::DecodedBlock> decoded) {
  auto staged = applier_->StageCertified(block, std::move(decoded));
  // As Apply: a block we cannot place yet is nobody's fault.
  if (!staged.ok() && staged.status().reason() == Reason::kNotFound) return false;
  return staged;
}

bool BlockSync::Flushed(const chain::PubKey& from) {
  Status flushed = applier_->FlushStaged();
  return flushed.ok() || Failed(from, flushed);
}

void BlockSync::OnCommitAnnounce(const chain::PubKey& from, const v1::Block& block) {
  if (halted_) return;
  v1::BlockHeader header;
  if (!header.ParseFromString(block.header())) {
    transport_->Ban(from, Reject(Reason::kMalformed, "announced block header does not parse"));
    return;
  }
  const uint64_t ours = store_->Tip().height;
  if (header.height() <= ours) return;  // we have it (CommitCertified compares)
  if (header.height() > ours + 1) {
    peer_tips_[from] = std::max(peer_tips_[from], header.height());
    MaybeRequest();
    return;
  }
  auto applied = Apply(block);
  if (!applied.ok()) {
    Failed(from, applied.status());
    return;
  }
  NotifySynced(ours);
}

}  // namespace agritrace::node
