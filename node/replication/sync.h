// BlockSync: catching up with peers that are ahead, and serving peers that are behind.
//
// Every node announces its tip to its peers (on connect, after commits, and every
// kTipAnnounceInterval). When a peer is ahead, or consensus reports that blocks were decided
// without us (SyncNeeded), one request at a time asks a peer that is ahead for the next
// kSyncBatchBlocks blocks; each block that comes back goes through BlockApplier, which checks
// its certificate against the genesis validator set and every record before committing it.
// While a batch is applied, the next range is already requested and the signatures of the
// batch's later blocks are checked on a helper thread.
// A peer that sends an invalid block is banned; an unanswered request is retried, with
// another peer if one is ahead.
//
// Thread-safety: all public methods may be called from any thread; `mu_` guards peer tips and
// the request in flight. Blocks are applied outside `mu_` (BlockApplier serializes commits).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "agritrace/v1/peer.pb.h"
#include "chain/store/store.h"
#include "node/replication/block_applier.h"
#include "node/common/node_metrics.h"
#include "node/p2p/peer_directory.h"

namespace agritrace::node {

class PeerNetwork;

class BlockSync {
 public:
  // All pointers must outlive the sync.
  BlockSync(const chain::ChainStore* store, BlockApplier* applier, PeerNetwork* network);
  ~BlockSync();

  // Counts blocks served and received (optional; must outlive the sync).
  void SetMetrics(NodeMetrics* metrics) { metrics_ = metrics; }
  // Called after each block this sync committed (the consensus driver's OnSyncedCommit).
  void SetSyncedListener(std::function<void(uint64_t, const chain::Hash256&)> listener) {
    synced_listener_ = std::move(listener);
  }
  void Start();
  void Stop();

  // Handlers for peer messages; a non-ok status means the peer misbehaved.
  chain::Status OnPeerTip(const PeerEntry& from, const v1::PeerTip& tip);
  chain::Status OnSyncRequest(const PeerEntry& from, const v1::SyncRequest& request);
  chain::Status OnSyncResponse(const PeerEntry& from, const v1::SyncResponse& response);
  chain::Status OnCommitAnnounce(const PeerEntry& from, const v1::Block& block);

  // Others committed up to `height`: fetch what we lack.
  void Want(uint64_t height);
  void SendTipTo(const chain::PubKey& peer);
  void AnnounceTip();
  // The highest tip any peer announced (for status and tests).
  uint64_t best_peer_height() const;

 private:
  struct InFlight {
    chain::PubKey peer{};
    uint64_t from_height = 0;
    std::chrono::steady_clock::time_point sent_at;
  };
  void Loop();
  void MaybeRequest();
  void RequestLocked(const chain::PubKey& peer, uint64_t from_height);  // REQUIRES(mu_)
  chain::Status ApplyBatch(const PeerEntry& from, const v1::SyncResponse& response);
  // Applies a certified block at tip + 1; Ok(false) when it is not (yet) the next block.
  chain::Result<bool> Apply(const v1::Block& block);
  v1::PeerMessage TipMessage() const;

  const chain::ChainStore* store_;
  BlockApplier* applier_;
  PeerNetwork* network_;
  NodeMetrics* metrics_ = nullptr;  // optional, not owned
  std::function<void(uint64_t, const chain::Hash256&)> synced_listener_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<chain::PubKey, uint64_t> peer_tips_;  // GUARDED_BY(mu_)
  uint64_t wanted_height_ = 0;                   // GUARDED_BY(mu_)
  std::optional<InFlight> in_flight_;            // GUARDED_BY(mu_)
  int applying_ = 0;                             // GUARDED_BY(mu_); batches being applied
  size_t next_peer_ = 0;                         // GUARDED_BY(mu_); rotates the source
  bool stopping_ = false;                        // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace agritrace::node
