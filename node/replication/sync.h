// BlockSync: catching up with peers that are ahead, and serving peers that are behind.
//
// Every node announces its tip to its peers (on connect, after synced blocks, and every
// kTipAnnounceInterval). When a peer is ahead, or consensus reports that blocks were decided
// without us (SyncNeeded), one request at a time asks a peer that is ahead for the next
// kSyncBatchBlocks blocks; each block that comes back goes through BlockApplier, which checks
// its certificate against the genesis validator set and every record before committing it.
// When an answer arrives the request for the range after it goes out at once, to the next
// peer that is ahead (requests rotate between them), so that peer reads and sends it while
// this batch is applied; the batch's blocks are decoded and their signatures checked on the
// side (Background, all cores), each only after its block's certificate, and handed over
// decoded; the checked blocks are written in runs (BlockApplier::StageCertified, FlushStaged),
// and the blocks before an invalid one are committed. Only the answer to the
// request in flight is taken (same peer, same first height); anything else is dropped. A
// peer that sends an invalid block is banned (IsPeerFault); one that lets a request time out
// or answers short is not asked for kSyncSlowPeerPause while another peer is ahead.
// A block that cannot be stored (IO_ERROR) stops the node (ReplicaHost::Fatal).
//
// A single-threaded state machine: inputs are peer messages, Want() and Tick() when
// NextDeadlineMs() is reached on the steady clock.
//
// Thread-safety: not thread-safe: the replica's thread makes the calls, except ServeRequest
// and SendTipTo, which read only the store and may run on any thread at the same time (the
// node serves each peer's requests on that peer's session thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>
#include <optional>

#include "agritrace/v1/peer.pb.h"
#include "chain/model/block_store.h"
#include "node/common/node_metrics.h"
#include "node/replication/background.h"
#include "node/replication/block_applier.h"
#include "node/replication/clock.h"
#include "node/replication/transport.h"

namespace agritrace::node {

// How often sync looks for work while idle (retries of unanswered requests).
inline constexpr int64_t kSyncTickMs = 200;

class BlockSync {
 public:
  // All pointers must outlive the sync.
  BlockSync(const chain::BlockStore* store, BlockApplier* applier, Transport* transport,
            const Clock* clock, Background* background);

  // Counts blocks served and received (optional; must outlive the sync; thread-safe).
  void SetMetrics(NodeMetrics* metrics) { metrics_ = metrics; }
  // Called after each batch or announced block that committed blocks, with the highest one
  // (the consensus driver's OnSyncedCommit).
  void SetSyncedListener(std::function<void(uint64_t, const chain::Hash256&)> listener) {
    synced_listener_ = std::move(listener);
  }
  // Called when a certified block cannot be stored (ReplicaHost::Fatal). Nothing more is
  // done in that call.
  void SetFatalHandler(std::function<void(const chain::Status&)> fatal) {
    fatal_ = std::move(fatal);
  }

  // Starts the periodic work (the first tip announcement is one tick away).
  void Start();
  // Peer messages. Faults get the sender banned through the Transport.
  void OnPeerTip(const chain::PubKey& from, const v1::PeerTip& tip);
  void OnSyncResponse(const chain::PubKey& from, const v1::SyncResponse& response);
  void OnCommitAnnounce(const chain::PubKey& from, const v1::Block& block);
  // Others committed up to `height`: fetch what we lack.
  void Want(uint64_t height);
  // Retries and tip announcements that are due now.
  void Tick();
  // When Tick() next has work (steady ms).
  int64_t NextDeadlineMs() const { return next_tick_ms_; }
  // A peer has told us its tip, and no peer's tip nor any wanted height is above ours: as far
  // as this node knows, it has the whole chain (a validator following before it signs waits
  // for this; see ConsensusDriver). A peer that claims a tip it cannot serve delays it.
  bool CaughtUp() const;
  // The fatal handler was called; every input is ignored.
  bool halted() const { return halted_; }

  // Any thread: answers a peer's range request from the store.
  void ServeRequest(const chain::PubKey& from, const v1::SyncRequest& request) const;
  // Any thread: tells a peer our tip (on connect).
  void SendTipTo(const chain::PubKey& peer) const;

 private:
  struct InFlight {
    chain::PubKey peer{};
    uint64_t from_height = 0;
    int64_t sent_at_ms = 0;  // steady
  };
  void AnnounceTip() const;
  void MaybeRequest();
  void Request(const chain::PubKey& peer, uint64_t from_height);
  // The next peer to ask for blocks above `height`, rotating between the peers ahead of it
  // and skipping paused ones while another is ahead; nullopt when none is ahead.
  std::optional<chain::PubKey> PickPeer(uint64_t height);
  // Not asked while another peer is ahead, for kSyncSlowPeerPause.
  void Pause(const chain::PubKey& peer, const char* why);
  // Whether `response` answers the request in flight (same peer, same first height).
  bool Solicited(const chain::PubKey& from, const v1::SyncResponse& response) const;
  // Applies the blocks in order; false when the node cannot go on (fatal_ was called).
  bool ApplyBatch(const chain::PubKey& from, const v1::SyncResponse& response);
  // Applies a certified block at tip + 1: Ok(false) when it is not (yet) the next block.
  chain::Result<bool> Apply(const v1::Block& block);
  // Stages a certified block (BlockApplier::StageCertified): Ok(false) as Apply.
  chain::Result<bool> Stage(const v1::Block& block, std::shared_ptr<chain::DecodedBlock> decoded);
  // Writes the staged blocks; false when the node cannot go on (as Failed).
  bool Flushed(const chain::PubKey& from);
  // A block of `from` failed: ban it for a fault, stop the node for a failure of ours.
  // False when the node cannot go on.
  bool Failed(const chain::PubKey& from, const chain::Status& status);
  void NotifySynced(uint64_t before);
  SharedMessage TipMessage() const;

  const chain::BlockStore* store_;
  BlockApplier* applier_;
  Transport* transport_;
  const Clock* clock_;
  Background* background_;
  NodeMetrics* metrics_ = nullptr;  // optional, not owned
  std::function<void(uint64_t, const chain::Hash256&)> synced_listener_;
  std::function<void(const chain::Status&)> fatal_;

  std::map<chain::PubKey, uint64_t> peer_tips_;
  std::map<chain::PubKey, int64_t> paused_until_ms_;  // steady; one entry per peer at most
  uint64_t wanted_height_ = 0;
  std::optional<InFlight> in_flight_;
  bool applying_ = false;  // a batch is being applied: ask nothing else meanwhile
  bool halted_ = false;    // fatal_ was called
  bool heard_tip_ = false;  // some peer has told us its tip
  size_t next_peer_ = 0;   // rotates the source
  int64_t next_tick_ms_ = 0;
  int64_t next_announce_ms_ = 0;
  // Written blocks (BlockApplier::SetReleaser), freed by the next batch's helper work.
  std::vector<std::shared_ptr<void>> garbage_;
};

}  // namespace agritrace::node
