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
  // [mempool] Bounded so a flood cannot exhaust memory; beyond it submits get MEMPOOL_FULL.
  uint32_t mempool_max_records = 50'000;
  uint64_t mempool_max_bytes = 64ull * 1024 * 1024;
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
