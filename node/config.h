// Node configuration: one TOML file per node, every option also a command-line flag.
#pragma once

#include <cstdint>
#include <string>

#include "chain/status.h"

namespace agritrace::node {

struct NodeConfig {
  // [node]
  std::string dir;                           // base directory; relative paths below resolve here
  std::string name = "validator";
  std::string genesis_file = "genesis.json";
  std::string key_file = "node_key.json";    // encrypted node (validator) key
  std::string data_dir = "data";             // RocksDB
  // [grpc]
  std::string grpc_addr = "127.0.0.1:7400";
  // Largest gRPC message accepted or sent; a block must fit (see chain::kMaxBlockBytes).
  uint32_t grpc_max_message_bytes = 40 * 1024 * 1024;
  // Longest a SubmitRecord may wait for its commit when the client sets no timeout.
  uint32_t submit_wait_default_ms = 30'000;
  uint32_t submit_wait_max_ms = 120'000;
  // [http]
  std::string http_addr = "127.0.0.1:7480";
  // Prefix of the GS1 Digital Link URIs the node prints (QR codes, page links); empty means
  // "http://" + http_addr. Behind a load balancer: the public https://host.
  std::string http_base_url;
  // Worker threads serving HTTP; a page scan costs a few store reads, so a handful suffice.
  uint32_t http_threads = 8;
  // Largest request (headers + body) accepted; the gateway only serves GETs.
  uint64_t http_max_request_bytes = 64 * 1024;
  // A slow client is cut off after these, so it cannot hold a worker thread.
  uint32_t http_read_timeout_ms = 5'000;
  uint32_t http_write_timeout_ms = 10'000;
  // [mempool] Bounded so a flood cannot exhaust memory; beyond it submits get MEMPOOL_FULL.
  uint32_t mempool_max_records = 50'000;
  uint64_t mempool_max_bytes = 64ull * 1024 * 1024;
  // [peer] The network file (observers and peer addresses); empty: genesis validators only.
  std::string peer_network_file;
  // How long a peer that sent invalid data is refused.
  uint32_t peer_ban_seconds = 60;
  // [consensus] Round timeouts (local policy; see chain::ConsensusTimeouts). Shorter ones
  // recover faster from a dead proposer on a LAN; longer ones suit slow links.
  uint32_t consensus_propose_timeout_ms = 3000;
  uint32_t consensus_vote_timeout_ms = 1000;
  uint32_t consensus_timeout_delta_ms = 500;
  // [log]
  std::string log_level = "info";

  std::string Resolve(const std::string& path) const;  // absolute, or relative to `dir`
};

// Reads `path` (TOML). Unknown keys are an error so a typo never silently falls back to a
// default. MALFORMED with the key named.
chain::Result<NodeConfig> LoadConfig(const std::string& path);
// The TOML text of `config` (what `agritrace-node init` writes).
std::string ConfigToToml(const NodeConfig& config);

}  // namespace agritrace::node
