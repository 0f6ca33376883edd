// Counters a node exposes on /metrics (Prometheus text format), kept apart from the block
// producer / consensus driver so that the hook there is one call.
//
// Thread-safety: every method may be called from any thread (atomics, and one mutex for the
// per-route HTTP counters).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace agritrace::node {

class NodeMetrics {
 public:
  // Upper bounds (seconds) of the commit latency histogram buckets: a single validator
  // commits in tens of milliseconds; a BFT round across hosts takes up to a few seconds.
  static constexpr std::array<double, 10> kLatencyBucketsSeconds = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                                    0.25,  0.5,  1,     2.5,  10};

  // One committed block of `records` records. `latency_ms`, on this node's steady clock, from
  // when it built the block or first judged it as a proposal to its durable commit (the time
  // to agree on it and write it); unset for a block first seen certified (sync), which is
  // counted but not observed in the histogram.
  void OnBlockCommitted(uint64_t records, std::optional<int64_t> latency_ms);
  // One HTTP response on `route` (a fixed label such as "page" or "api_lot").
  void OnHttpRequest(const std::string& route, int status);
  // A peer banned for misbehaviour; `reason` is its reason code (e.g. "BAD_SIGNATURE").
  void OnPeerBanned(std::string_view reason);
  // A peer refused at the handshake; `why` is "banned" or "not_listed".
  void OnPeerRefused(std::string_view why);
  // `copies` peer messages of `kind` (the PeerMessage field name, e.g. "tip") queued for
  // peers: what this node makes the network carry.
  void OnPeerMessagesQueued(std::string_view kind, uint64_t copies);
  // Block sync: blocks sent to peers that asked, and blocks received, by whether they were
  // committed or skipped (already stored, or not the next block).
  void OnSyncBlocksServed(uint64_t blocks) { sync_blocks_served_ += blocks; }
  void OnSyncBlockReceived(bool committed) { ++(committed ? sync_applied_ : sync_skipped_); }
  // Equivocation evidence: committed in blocks this node applied, and waiting for a block.
  void OnEvidenceCommitted(uint64_t count) { evidence_committed_ += count; }
  void SetEvidencePending(uint64_t count) { evidence_pending_ = count; }

  // Node-wide gauges are read by the caller at scrape time and passed in.
  struct Gauges {
    uint64_t height = 0;
    uint64_t mempool_size = 0;
    uint64_t peers = 0;
    uint64_t http_connections = 0;  // open HTTP gateway connections
  };
  std::string RenderPrometheus(const Gauges& gauges) const;

  uint64_t records_committed() const { return records_committed_.load(); }
  // Blocks committed since the node started (consensus or sync), counted after the store holds
  // each: the HTTP gateway's cached pages and bundles are valid while it stays the same.
  uint64_t blocks_committed() const { return blocks_committed_.load(); }

 private:
  std::atomic<uint64_t> records_committed_{0};
  std::atomic<uint64_t> blocks_committed_{0};
  std::atomic<uint64_t> latency_count_{0};  // blocks observed in the latency histogram
  std::array<std::atomic<uint64_t>, kLatencyBucketsSeconds.size()> latency_buckets_{};
  std::atomic<uint64_t> latency_sum_ms_{0};
  std::atomic<uint64_t> sync_blocks_served_{0};
  std::atomic<uint64_t> sync_applied_{0};
  std::atomic<uint64_t> sync_skipped_{0};
  std::atomic<uint64_t> evidence_committed_{0};
  std::atomic<uint64_t> evidence_pending_{0};
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> http_requests_;  // GUARDED_BY(mu_)
  std::map<std::string, uint64_t, std::less<>> peer_bans_;         // GUARDED_BY(mu_)
  std::map<std::string, uint64_t, std::less<>> peer_refusals_;     // GUARDED_BY(mu_)
  std::map<std::string, uint64_t, std::less<>> peer_queued_;       // GUARDED_BY(mu_)
};

}  // namespace agritrace::node
