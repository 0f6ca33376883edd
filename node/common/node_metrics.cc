#include "node/common/node_metrics.h"

#include <sstream>

namespace agritrace::node {

void NodeMetrics::OnBlockCommitted(uint64_t records, std::optional<int64_t> latency_ms) {
  records_committed_ += records;
  ++blocks_committed_;
  if (!latency_ms) return;
  ++latency_count_;
  latency_sum_ms_ += static_cast<uint64_t>(*latency_ms);
  const double seconds = static_cast<double>(*latency_ms) / 1000.0;
  for (size_t i = 0; i < kLatencyBucketsSeconds.size(); ++i) {
    if (seconds <= kLatencyBucketsSeconds[i]) ++latency_buckets_[i];
  }
}

void NodeMetrics::OnHttpRequest(const std::string& route, int status) {
  std::lock_guard lock(mu_);
  ++http_requests_[{route, status}];
}

void NodeMetrics::OnPeerBanned(std::string_view reason) {
  std::lock_guard lock(mu_);
  ++peer_bans_[std::string(reason)];
}

void NodeMetrics::OnPeerRefused(std::string_view why) {
  std::lock_guard lock(mu_);
  ++peer_refusals_[std::string(why)];
}

void NodeMetrics::OnPeerMessagesQueued(std::string_view kind, uint64_t copies) {
  if (copies == 0) return;
  std::lock_guard lock(mu_);
  auto it = peer_queued_.find(kind);
  if (it == peer_queued_.end()) it = peer_queued_.emplace(std::string(kind), 0).first;
  it->second += copies;
}

std::string NodeMetrics::RenderPrometheus(const Gauges& gauges) const {
  std::ostringstream out;
  out << "# HELP agritrace_height Height of the last committed block.\n"
      << "# TYPE agritrace_height gauge\n"
      << "agritrace_height " << gauges.height << "\n"
      << "# HELP agritrace_mempool_size Records waiting to be committed.\n"
      << "# TYPE agritrace_mempool_size gauge\n"
      << "agritrace_mempool_size " << gauges.mempool_size << "\n"
      << "# HELP agritrace_peers Connected peers.\n"
      << "# TYPE agritrace_peers gauge\n"
      << "agritrace_peers " << gauges.peers << "\n"
      << "# HELP agritrace_http_connections Open connections to the HTTP gateway.\n"
      << "# TYPE agritrace_http_connections gauge\n"
      << "agritrace_http_connections " << gauges.http_connections << "\n"
      << "# HELP agritrace_records_committed_total Records committed since the node started.\n"
      << "# TYPE agritrace_records_committed_total counter\n"
      << "agritrace_records_committed_total " << records_committed_.load() << "\n"
      << "# HELP agritrace_commit_latency_seconds Time from this node building a block, or first "
         "judging it as a proposal, to its durable commit (steady clock; synced blocks are not "
         "observed).\n"
      << "# TYPE agritrace_commit_latency_seconds histogram\n";
  // Buckets are counted individually (each observation increments every bucket it fits), so
  // the stored values are already cumulative as Prometheus requires.
  for (size_t i = 0; i < kLatencyBucketsSeconds.size(); ++i) {
    out << "agritrace_commit_latency_seconds_bucket{le=\"" << kLatencyBucketsSeconds[i] << "\"} "
        << latency_buckets_[i].load() << "\n";
  }
  const uint64_t count = latency_count_.load();
  out << "agritrace_commit_latency_seconds_bucket{le=\"+Inf\"} " << count << "\n"
      << "agritrace_commit_latency_seconds_sum " << latency_sum_ms_.load() / 1000.0 << "\n"
      << "agritrace_commit_latency_seconds_count " << count << "\n"
      << "# HELP agritrace_http_requests_total HTTP responses by route and status code.\n"
      << "# TYPE agritrace_http_requests_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, value] : http_requests_) {
    out << "agritrace_http_requests_total{route=\"" << key.first << "\",code=\"" << key.second
        << "\"} " << value << "\n";
  }
  out << "# HELP agritrace_sync_blocks_served_total Blocks sent to peers catching up.\n"
      << "# TYPE agritrace_sync_blocks_served_total counter\n"
      << "agritrace_sync_blocks_served_total " << sync_blocks_served_.load() << "\n"
      << "# HELP agritrace_sync_blocks_received_total Blocks received by block sync, by outcome.\n"
      << "# TYPE agritrace_sync_blocks_received_total counter\n"
      << "agritrace_sync_blocks_received_total{outcome=\"committed\"} " << sync_applied_.load()
      << "\n"
      << "agritrace_sync_blocks_received_total{outcome=\"skipped\"} " << sync_skipped_.load()
      << "\n";
  out << "# HELP agritrace_evidence_committed_total Equivocation evidence committed in blocks "
         "this node applied since it started.\n"
      << "# TYPE agritrace_evidence_committed_total counter\n"
      << "agritrace_evidence_committed_total " << evidence_committed_.load() << "\n"
      << "# HELP agritrace_evidence_pending Equivocation evidence verified and waiting for a "
         "block.\n"
      << "# TYPE agritrace_evidence_pending gauge\n"
      << "agritrace_evidence_pending " << evidence_pending_.load() << "\n";
  out << "# HELP agritrace_peer_bans_total Peers banned for misbehaviour, by reason.\n"
      << "# TYPE agritrace_peer_bans_total counter\n";
  for (const auto& [reason, value] : peer_bans_) {
    out << "agritrace_peer_bans_total{reason=\"" << reason << "\"} " << value << "\n";
  }
  out << "# HELP agritrace_peer_refusals_total Peer handshakes refused (banned, not listed).\n"
      << "# TYPE agritrace_peer_refusals_total counter\n";
  for (const auto& [why, value] : peer_refusals_) {
    out << "agritrace_peer_refusals_total{why=\"" << why << "\"} " << value << "\n";
  }
  out << "# HELP agritrace_peer_messages_queued_total Messages queued for peers, by kind.\n"
      << "# TYPE agritrace_peer_messages_queued_total counter\n";
  for (const auto& [kind, value] : peer_queued_) {
    out << "agritrace_peer_messages_queued_total{kind=\"" << kind << "\"} " << value << "\n";
  }
  return out.str();
}

}  // namespace agritrace::node
