// Node configuration: one TOML file per node (node.toml). Its schema is one table,
// ConfigSchema(): section, key, NodeConfig field (whose initializer is the default), type (the
// field's), one-line comment and the `agritrace-node run` flag that overrides it, if any. The
// table drives parsing, the node.toml that `init` writes, the run flags and the README's
// configuration table (tests/unit/node/common/config_readme_test.cc keeps them equal).
// Thread-safety: the schema is immutable static data; the functions keep no state.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "chain/base/status.h"
#include "node/common/client_limits.h"

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
  uint32_t submit_wait_max_ms = 120'000;  // at most kMaxSubmitWaitMs (client_limits.h)
  // Ledger calls per second one client address may make, and the burst it may save up (a
  // call costs one token plus one per 64 KiB of request). 0 turns the limit off. Loopback
  // clients (the operator's own tools, a local proxy) are exempt unless rate_limit_loopback.
  uint32_t grpc_client_calls_per_second = 1000;
  uint32_t grpc_client_burst_calls = 2000;
  bool grpc_rate_limit_loopback = false;
  // Memory gRPC may use for connections and messages in flight (its ResourceQuota).
  uint64_t grpc_memory_quota_bytes = 1024ull * 1024 * 1024;
  // [http]
  std::string http_addr = "127.0.0.1:7480";
  // Prefix of the GS1 Digital Link URIs the node prints (QR codes, page links); empty means
  // "http://" + http_addr. Behind a load balancer: the public https://host.
  std::string http_base_url;
  // Worker threads running HTTP requests' handlers (store reads; a page scan costs a few, so a
  // handful suffice). Connections wait on the gateway's event loop and hold no thread.
  uint32_t http_threads = 8;
  // Connections open at once, all clients; more get 503 (see client_limits.h).
  uint32_t http_max_connections = static_cast<uint32_t>(kDefaultHttpMaxConnections);
  // Connections open at once from one address; more get 429 (see client_limits.h).
  uint32_t http_max_connections_per_address =
      static_cast<uint32_t>(kDefaultHttpConnectionsPerAddress);
  // Requests per second per client address, and the burst; beyond: 429 with Retry-After.
  // 0 turns it off. Loopback (e.g. a local reverse proxy) is exempt unless rate_limit_loopback.
  uint32_t http_client_requests_per_second = 20;
  uint32_t http_client_burst_requests = 100;
  bool http_rate_limit_loopback = false;
  // Largest request (headers + body) accepted; the gateway only serves GETs.
  uint64_t http_max_request_bytes = 64 * 1024;
  // A request must arrive whole (headers and body) within read_timeout_ms of its first byte,
  // and its response be written within write_timeout_ms, so a slow client cannot hold a worker.
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
  // The validator's signing state (what it last signed), kept beside its key and never in
  // data_dir; empty: signing_state.bin in the directory of key_file (node/signing_state_open.h).
  std::string consensus_signing_state_file;
  // Before its first signature (after catching up), a validator looks for its own precommits
  // in this many latest certificates; one newer than its signing state means another copy of
  // its key is running, and it exits (CometBFT's double_sign_check_height). 0: no check.
  uint32_t consensus_double_sign_check_blocks = 10;
  // [tls] Optional mutual TLS on the gRPC port and outgoing peer channels (see node/tls.h):
  // PEM files of the network CA, this node's server certificate (signed by it) and its key,
  // and a separate client certificate and key for outgoing peer channels (each certificate is
  // for its own use only, and names the node key: scripts/make-certs.sh). Off by default:
  // loopback devnets and nodes behind a TLS-terminating proxy need none.
  bool tls_enabled = false;
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_cert_file;
  std::string tls_client_key_file;
  // [log]
  std::string log_level = "info";

  std::string Resolve(const std::string& path) const;  // absolute, or relative to `dir`
  bool operator==(const NodeConfig&) const = default;
};

// One option of node.toml. Its type is the type of `member`; its default is NodeConfig's.
struct ConfigEntry {
  using Member = std::variant<std::string NodeConfig::*, bool NodeConfig::*,
                              uint32_t NodeConfig::*, uint64_t NodeConfig::*>;
  std::string_view section;  // the TOML table, e.g. "grpc"
  std::string_view key;      // e.g. "max_message_bytes"
  Member member;
  std::string_view comment;  // one line for node.toml, `run --help` and the README
  std::string_view flag;     // the `agritrace-node run` flag, e.g. "--grpc-addr"; empty: none
};

// A TOML table of node.toml, in the order written, with the comment on its header line.
struct ConfigSection {
  std::string_view name;
  std::string_view comment;  // empty: none
};

std::span<const ConfigSection> ConfigSections();
// Every option, in the order ConfigToToml writes them (grouped by section).
std::span<const ConfigEntry> ConfigSchema();
// "string", "boolean", "uint32" or "uint64".
std::string_view ConfigTypeName(const ConfigEntry& entry);
// The option's value in `config` as a TOML value ("genesis.json" quoted and escaped, 60, true).
std::string ConfigValueToToml(const ConfigEntry& entry, const NodeConfig& config);
// Sets the option in `to` to its value in `from` (how `run` applies the flags it was given).
void CopyConfigValue(const ConfigEntry& entry, const NodeConfig& from, NodeConfig* to);

// Reads `path` (TOML). MALFORMED, naming the key, for anything the schema does not allow: an
// unknown section or key (so a typo never silently falls back to a default), a value of the
// wrong type, an integer outside its type's range. Cross-field and operational limits are
// checked where they are used (e.g. node/rpc/grpc_limits.h).
chain::Result<NodeConfig> LoadConfig(const std::string& path);
// The TOML text of `config` (what `agritrace-node init` writes); LoadConfig reads it back equal
// (apart from `dir`, which is where the file is).
std::string ConfigToToml(const NodeConfig& config);

}  // namespace agritrace::node
