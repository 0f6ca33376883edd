#include "node/common/config.h"

#include <filesystem>
#include <sstream>
#include <type_traits>
#include <toml++/toml.h>

namespace agritrace::node {
namespace {

using chain::Reason;
using chain::Reject;

// Every known key, as "table.key". Anything else in the file is a typo.
constexpr const char* kKnownKeys[] = {
    "node.name",           "node.genesis",          "node.key_file",
    "node.data_dir",       "grpc.addr",             "grpc.max_message_bytes",
    "grpc.submit_wait_default_ms", "grpc.submit_wait_max_ms", "http.addr",
    "mempool.max_records", "mempool.max_bytes",     "log.level",
    "http.base_url",       "http.threads",          "http.max_request_bytes",
    "http.read_timeout_ms", "http.write_timeout_ms",
    "grpc.client_calls_per_second", "grpc.client_burst_calls", "grpc.rate_limit_loopback",
    "grpc.memory_quota_bytes",      "http.max_connections_per_address",
    "http.client_requests_per_second", "http.client_burst_requests", "http.rate_limit_loopback",
    "peer.network",        "peer.ban_seconds",      "consensus.propose_timeout_ms",
    "consensus.vote_timeout_ms", "consensus.timeout_delta_ms",
    "tls.enabled",         "tls.ca_file",           "tls.cert_file",         "tls.key_file",
};

chain::Status CheckKnownKeys(const toml::table& root) {
  for (const auto& [table_name, node] : root) {
    const toml::table* table = node.as_table();
    if (!table) {
      return Reject(Reason::kMalformed, "config: unexpected top-level key '" +
                                            std::string(table_name.str()) + "'");
    }
    for (const auto& [key, value] : *table) {
      std::string full = std::string(table_name.str()) + "." + std::string(key.str());
      bool known = false;
      for (const char* k : kKnownKeys) known = known || full == k;
      if (!known) return Reject(Reason::kMalformed, "config: unknown option '" + full + "'");
    }
  }
  return chain::Status::Ok();
}

template <typename T>
void Read(const toml::table& root, const char* table, const char* key, T& out) {
  // Integer options take TOML integers only: toml++ 3.3 converts a float such as 1e99 to an
  // integer with undefined behaviour before range-checking it (found by tests/fuzz/fuzz_config).
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!root[table][key].is_integer()) return;
  }
  if (auto value = root[table][key].value<T>()) out = *value;
}

}  // namespace

std::string NodeConfig::Resolve(const std::string& path) const {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(dir) / path).string();
}

chain::Result<NodeConfig> LoadConfig(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "config " << path << ": " << e.description() << " at line " << e.source().begin.line;
    return Reject(Reason::kMalformed, msg.str());
  }
  AGRI_RETURN_IF_ERROR(CheckKnownKeys(root));
  NodeConfig config;
  config.dir = std::filesystem::absolute(path).parent_path().string();
  Read(root, "node", "name", config.name);
  Read(root, "node", "genesis", config.genesis_file);
  Read(root, "node", "key_file", config.key_file);
  Read(root, "node", "data_dir", config.data_dir);
  Read(root, "grpc", "addr", config.grpc_addr);
  Read(root, "grpc", "max_message_bytes", config.grpc_max_message_bytes);
  Read(root, "grpc", "submit_wait_default_ms", config.submit_wait_default_ms);
  Read(root, "grpc", "submit_wait_max_ms", config.submit_wait_max_ms);
  Read(root, "grpc", "client_calls_per_second", config.grpc_client_calls_per_second);
  Read(root, "grpc", "client_burst_calls", config.grpc_client_burst_calls);
  Read(root, "grpc", "rate_limit_loopback", config.grpc_rate_limit_loopback);
  Read(root, "grpc", "memory_quota_bytes", config.grpc_memory_quota_bytes);
  Read(root, "http", "addr", config.http_addr);
  Read(root, "http", "max_connections_per_address", config.http_max_connections_per_address);
  Read(root, "http", "client_requests_per_second", config.http_client_requests_per_second);
  Read(root, "http", "client_burst_requests", config.http_client_burst_requests);
  Read(root, "http", "rate_limit_loopback", config.http_rate_limit_loopback);
  Read(root, "http", "base_url", config.http_base_url);
  Read(root, "http", "threads", config.http_threads);
  Read(root, "http", "max_request_bytes", config.http_max_request_bytes);
  Read(root, "http", "read_timeout_ms", config.http_read_timeout_ms);
  Read(root, "http", "write_timeout_ms", config.http_write_timeout_ms);
  Read(root, "mempool", "max_records", config.mempool_max_records);
  Read(root, "mempool", "max_bytes", config.mempool_max_bytes);
  Read(root, "peer", "network", config.peer_network_file);
  Read(root, "peer", "ban_seconds", config.peer_ban_seconds);
  Read(root, "consensus", "propose_timeout_ms", config.consensus_propose_timeout_ms);
  Read(root, "consensus", "vote_timeout_ms", config.consensus_vote_timeout_ms);
  Read(root, "consensus", "timeout_delta_ms", config.consensus_timeout_delta_ms);
  Read(root, "tls", "enabled", config.tls_enabled);
  Read(root, "tls", "ca_file", config.tls_ca_file);
  Read(root, "tls", "cert_file", config.tls_cert_file);
  Read(root, "tls", "key_file", config.tls_key_file);
  Read(root, "log", "level", config.log_level);
  return config;
}

std::string ConfigToToml(const NodeConfig& c) {
  std::ostringstream out;
  out << "# AgriTrace node configuration. Every option is also a flag of `agritrace-node run`.\n"
      << "# Relative paths resolve against this file's directory.\n\n"
      << "[node]\n"
      << "name = \"" << c.name << "\"\n"
      << "genesis = \"" << c.genesis_file << "\"\n"
      << "key_file = \"" << c.key_file << "\"   # encrypted; password from AGRITRACE_PASSWORD\n"
      << "data_dir = \"" << c.data_dir << "\"\n\n"
      << "[grpc]\n"
      << "addr = \"" << c.grpc_addr << "\"\n"
      << "max_message_bytes = " << c.grpc_max_message_bytes << "\n"
      << "submit_wait_default_ms = " << c.submit_wait_default_ms << "\n"
      << "submit_wait_max_ms = " << c.submit_wait_max_ms << "\n"
      << "client_calls_per_second = " << c.grpc_client_calls_per_second
      << "   # per client address; 0 = off\n"
      << "client_burst_calls = " << c.grpc_client_burst_calls << "\n"
      << "rate_limit_loopback = " << (c.grpc_rate_limit_loopback ? "true" : "false") << "\n"
      << "memory_quota_bytes = " << c.grpc_memory_quota_bytes << "\n\n"
      << "[http]\n"
      << "addr = \"" << c.http_addr << "\"\n"
      << "base_url = \"" << c.http_base_url << "\"   # QR codes and links; empty: http://addr\n"
      << "threads = " << c.http_threads << "\n"
      << "max_request_bytes = " << c.http_max_request_bytes << "\n"
      << "read_timeout_ms = " << c.http_read_timeout_ms << "\n"
      << "write_timeout_ms = " << c.http_write_timeout_ms << "\n"
      << "max_connections_per_address = " << c.http_max_connections_per_address << "\n"
      << "client_requests_per_second = " << c.http_client_requests_per_second
      << "   # per client address; 0 = off\n"
      << "client_burst_requests = " << c.http_client_burst_requests << "\n"
      << "rate_limit_loopback = " << (c.http_rate_limit_loopback ? "true" : "false") << "\n\n"
      << "[mempool]\n"
      << "max_records = " << c.mempool_max_records << "\n"
      << "max_bytes = " << c.mempool_max_bytes << "\n\n"
      << "[peer]\n"
      << "network = \"" << c.peer_network_file << "\"   # observers + peer addresses; empty: genesis only\n"
      << "ban_seconds = " << c.peer_ban_seconds << "\n\n"
      << "[consensus]\n"
      << "propose_timeout_ms = " << c.consensus_propose_timeout_ms << "\n"
      << "vote_timeout_ms = " << c.consensus_vote_timeout_ms << "\n"
      << "timeout_delta_ms = " << c.consensus_timeout_delta_ms << "\n\n"
      << "[tls]   # mutual TLS with a network CA (scripts/make-certs.sh); paths relative here\n"
      << "enabled = " << (c.tls_enabled ? "true" : "false") << "\n"
      << "ca_file = \"" << c.tls_ca_file << "\"\n"
      << "cert_file = \"" << c.tls_cert_file << "\"\n"
      << "key_file = \"" << c.tls_key_file << "\"\n\n"
      << "[log]\n"
      << "level = \"" << c.log_level << "\"   # trace, debug, info, warn, error\n";
  return out.str();
}

}  // namespace agritrace::node
