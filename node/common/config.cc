#include "node/common/config.h"

#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>
#include <type_traits>
#include <toml++/toml.h>

namespace agritrace::node {
namespace {

using chain::Reason;
using chain::Reject;

using N = NodeConfig;

// The schema. A comment is one line of plain text (no '|', which would split the README's
// table row; no '[', which tests/integration/tls_test.sh reads as the next section).
constexpr ConfigSection kSections[] = {
    {"node", ""},
    {"grpc", ""},
    {"http", ""},
    {"mempool", ""},
    {"peer", ""},
    {"consensus", ""},
    {"tls", "mutual TLS with a network CA (scripts/make-certs.sh); paths relative here"},
    {"log", ""},
};

constexpr ConfigEntry kSchema[] = {
    {"node", "name", &N::name, "this node's name in its log", ""},
    {"node", "genesis", &N::genesis_file,
     "the network's genesis file; its SHA-256 is the network identity", "--genesis"},
    {"node", "key_file", &N::key_file,
     "this node's key, encrypted; password from --password-file or AGRITRACE_PASSWORD",
     "--key-file"},
    {"node", "data_dir", &N::data_dir, "RocksDB directory", "--data-dir"},

    {"grpc", "addr", &N::grpc_addr, "client API and peer address", "--grpc-addr"},
    {"grpc", "max_message_bytes", &N::grpc_max_message_bytes,
     "largest gRPC message in or out; a block must fit", ""},
    {"grpc", "submit_wait_default_ms", &N::submit_wait_default_ms,
     "how long a submit waits for its commit when the client sets no timeout", ""},
    {"grpc", "submit_wait_max_ms", &N::submit_wait_max_ms,
     "longest a client may ask a submit to wait (at most 300000)", ""},
    {"grpc", "client_calls_per_second", &N::grpc_client_calls_per_second,
     "Ledger calls a second per client address (1 + 1 per 64 KiB each), then "
     "RESOURCE_EXHAUSTED; 0 = off",
     ""},
    {"grpc", "client_burst_calls", &N::grpc_client_burst_calls,
     "calls a client address may save up beyond client_calls_per_second", ""},
    {"grpc", "rate_limit_loopback", &N::grpc_rate_limit_loopback,
     "also rate-limit 127.0.0.0/8 and ::1 (the operator's own tools are exempt by default)", ""},
    {"grpc", "memory_quota_bytes", &N::grpc_memory_quota_bytes,
     "memory gRPC may use for connections and messages in flight", ""},

    {"http", "addr", &N::http_addr,
     "HTTP gateway (product page, Digital Link resolver, bundles, EPCIS query, /metrics); empty turns it off", "--http-addr"},
    {"http", "base_url", &N::http_base_url,
     "prefix of Digital Link URIs (QR codes, links), e.g. https://trace.example.com behind a "
     "load balancer; empty: http:// + addr",
     "--http-base-url"},
    {"http", "threads", &N::http_threads,
     "worker threads running request handlers; connections hold none (an event loop waits on them)",
     ""},
    {"http", "max_connections", &N::http_max_connections,
     "connections open at once, all clients; more get 503", ""},
    {"http", "max_request_bytes", &N::http_max_request_bytes,
     "largest request body accepted (413 beyond; headers: 16 KiB, 400 beyond)", ""},
    {"http", "read_timeout_ms", &N::http_read_timeout_ms,
     "a whole request must arrive within this of its first byte: slow clients are cut off", ""},
    {"http", "write_timeout_ms", &N::http_write_timeout_ms,
     "a response must be sent within this: slow readers are cut off", ""},
    {"http", "max_connections_per_address", &N::http_max_connections_per_address,
     "connections open at once per client address; more get 429", ""},
    {"http", "client_requests_per_second", &N::http_client_requests_per_second,
     "requests a second per client address, then 429 with Retry-After; 0 = off", ""},
    {"http", "client_burst_requests", &N::http_client_burst_requests,
     "requests a client address may save up beyond client_requests_per_second", ""},
    {"http", "rate_limit_loopback", &N::http_rate_limit_loopback,
     "also limit loopback addresses (a local reverse proxy is exempt by default)", ""},

    {"mempool", "max_records", &N::mempool_max_records,
     "pending records at most (MEMPOOL_FULL beyond)", "--mempool-max-records"},
    {"mempool", "max_bytes", &N::mempool_max_bytes,
     "pending record bytes at most (MEMPOOL_FULL beyond)", ""},

    {"peer", "network", &N::peer_network_file,
     "network file: observers and peer addresses; empty: genesis validators only", "--network"},
    {"peer", "ban_seconds", &N::peer_ban_seconds,
     "how long a peer that sent invalid data is refused", "--ban-seconds"},

    {"consensus", "propose_timeout_ms", &N::consensus_propose_timeout_ms,
     "wait for the proposal of round 0 (shorter: faster past a dead proposer)", ""},
    {"consensus", "vote_timeout_ms", &N::consensus_vote_timeout_ms,
     "wait after a quorum of mixed prevotes or precommits", ""},
    {"consensus", "timeout_delta_ms", &N::consensus_timeout_delta_ms,
     "added to both per round, so rounds eventually outlast network delays", ""},
    {"consensus", "signing_state_file", &N::consensus_signing_state_file,
     "what this validator last signed, kept with its key and never in data_dir; empty: "
     "signing_state.bin beside key_file",
     "--signing-state-file"},
    {"consensus", "double_sign_check_blocks", &N::consensus_double_sign_check_blocks,
     "before signing, exit if this key's precommit is in one of this many latest blocks above "
     "its signing state (another copy running); 0 = off",
     "--double-sign-check-blocks"},

    {"tls", "enabled", &N::tls_enabled,
     "mutual TLS on the gRPC port and outgoing peer channels; any --tls-* file flag turns it on",
     ""},
    {"tls", "ca_file", &N::tls_ca_file, "the network CA (PEM)", "--tls-ca"},
    {"tls", "cert_file", &N::tls_cert_file,
     "this node's server certificate (serverAuth, names the node key), signed by the CA (PEM)",
     "--tls-cert"},
    {"tls", "key_file", &N::tls_key_file, "the server certificate's key (PEM)", "--tls-key"},
    {"tls", "client_cert_file", &N::tls_client_cert_file,
     "this node's client certificate for outgoing peer channels (clientAuth, names the node key)",
     "--tls-client-cert"},
    {"tls", "client_key_file", &N::tls_client_key_file, "the client certificate's key (PEM)",
     "--tls-client-key"},

    {"log", "level", &N::log_level, "trace, debug, info, warn, error", "--log-level"},
};

// A value quoted in an error message is cut after this many bytes: the message names the
// value, it need not repeat a megabyte of it.
constexpr size_t kMaxQuotedValueBytes = 64;

template <typename T>
constexpr std::string_view kTypeName = "";
template <>
constexpr std::string_view kTypeName<std::string> = "string";
template <>
constexpr std::string_view kTypeName<bool> = "boolean";
template <>
constexpr std::string_view kTypeName<uint32_t> = "uint32";
template <>
constexpr std::string_view kTypeName<uint64_t> = "uint64";

// `text` as a TOML basic string: quoted, with '"', '\' and control characters escaped.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// At most kMaxQuotedValueBytes of `text`, cut on a UTF-8 character boundary.
std::string Shorten(std::string_view text) {
  if (text.size() <= kMaxQuotedValueBytes) return std::string(text);
  size_t end = kMaxQuotedValueBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

// What the file holds where a value was expected, for an error: `string "big"`, `integer -1`.
std::string Describe(const toml::node& node) {
  std::ostringstream out;
  switch (node.type()) {
    case toml::node_type::string:
      return "string " + Quote(Shorten(node.as_string()->get()));
    case toml::node_type::integer:
      return "integer " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point:
      out << "float " << node.as_floating_point()->get();
      return out.str();
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "boolean true" : "boolean false";
    case toml::node_type::date:
      out << "date " << *node.as_date();
      return out.str();
    case toml::node_type::time:
      out << "time " << *node.as_time();
      return out.str();
    case toml::node_type::date_time:
      out << "date-time " << *node.as_date_time();
      return out.str();
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::none:
      return "nothing";
  }
  return "an unknown TOML value";
}

// The option at `entry` in the file at `path`, and the value it holds there.
struct Found {
  const std::string& path;
  const ConfigEntry& entry;
  const toml::node& value;
};

chain::Status Refuse(const Found& found, std::string_view wants) {
  std::string message = found.path + ": [" + std::string(found.entry.section) + "] ";
  message += std::string(found.entry.key) + " must be " + std::string(wants);
  return Reject(Reason::kMalformed, message + ", got " + Describe(found.value));
}

chain::Status Read(const Found& found, std::string& out) {
  if (!found.value.is_string()) return Refuse(found, "a string");
  out = found.value.as_string()->get();
  return chain::Status::Ok();
}

chain::Status Read(const Found& found, bool& out) {
  if (!found.value.is_boolean()) return Refuse(found, "a boolean (true or false)");
  out = found.value.as_boolean()->get();
  return chain::Status::Ok();
}

// Integer options take TOML integers only: toml++ 3.3 converts a float such as 1e99 to an
// integer with undefined behaviour before range-checking it (found by tests/fuzz/fuzz_config).
// (bool and std::string fields take the exact overloads above.)
template <typename Int>
chain::Status Read(const Found& found, Int& out) {
  static_assert(std::is_unsigned_v<Int>);
  const std::string wants = "an integer (" + std::string(kTypeName<Int>) + ")";
  if (!found.value.is_integer()) return Refuse(found, wants);
  const int64_t value = found.value.as_integer()->get();
  constexpr uint64_t kMax = std::numeric_limits<Int>::max();
  if (value < 0 || static_cast<uint64_t>(value) > kMax) {
    return Refuse(found, wants + " from 0 to " + std::to_string(kMax));
  }
  out = static_cast<Int>(value);
  return chain::Status::Ok();
}

const ConfigEntry* FindEntry(std::string_view section, std::string_view key) {
  for (const ConfigEntry& entry : kSchema) {
    if (entry.section == section && entry.key == key) return &entry;
  }
  return nullptr;
}

chain::Status CheckKnownKeys(const toml::table& root) {
  for (const auto& [table_name, node] : root) {
    const toml::table* table = node.as_table();
    if (!table) {
      return Reject(Reason::kMalformed, "config: unexpected top-level key '" +
                                            std::string(table_name.str()) + "'");
    }
    for (const auto& [key, value] : *table) {
      if (FindEntry(table_name.str(), key.str()) == nullptr) {
        return Reject(Reason::kMalformed, "config: unknown option '" +
                                              std::string(table_name.str()) + "." +
                                              std::string(key.str()) + "'");
      }
    }
  }
  return chain::Status::Ok();
}

// "   # comment", or nothing for an empty comment.
std::string TomlComment(std::string_view comment) {
  return comment.empty() ? "" : "   # " + std::string(comment);
}

}  // namespace

std::span<const ConfigSection> ConfigSections() { return kSections; }

std::span<const ConfigEntry> ConfigSchema() { return kSchema; }

std::string_view ConfigTypeName(const ConfigEntry& entry) {
  return std::visit(
      [](auto member) {
        return kTypeName<std::remove_cvref_t<decltype(std::declval<NodeConfig>().*member)>>;
      },
      entry.member);
}

std::string ConfigValueToToml(const ConfigEntry& entry, const NodeConfig& config) {
  return std::visit(
      [&config](auto member) -> std::string {
        const auto& value = config.*member;
        using T = std::remove_cvref_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return Quote(value);
        } else if constexpr (std::is_same_v<T, bool>) {
          return value ? "true" : "false";
        } else {
          return std::to_string(value);
        }
      },
      entry.member);
}

void CopyConfigValue(const ConfigEntry& entry, const NodeConfig& from, NodeConfig* to) {
  std::visit([&](auto member) { to->*member = from.*member; }, entry.member);
}

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
  for (const ConfigEntry& entry : kSchema) {
    const toml::node* value = root[entry.section][entry.key].node();
    if (value == nullptr) continue;  // absent: the default
    const Found found{path, entry, *value};
    AGRI_RETURN_IF_ERROR(
        std::visit([&](auto member) { return Read(found, config.*member); }, entry.member));
  }
  return config;
}

std::string ConfigToToml(const NodeConfig& config) {
  std::ostringstream out;
  out << "# AgriTrace node configuration. `agritrace-node run --help` lists the flags that\n"
      << "# override it. Relative paths resolve against this file's directory.\n";
  for (const ConfigSection& section : kSections) {
    out << "\n[" << section.name << "]" << TomlComment(section.comment) << "\n";
    for (const ConfigEntry& entry : kSchema) {
      if (entry.section != section.name) continue;
      out << entry.key << " = " << ConfigValueToToml(entry, config) << TomlComment(entry.comment)
          << "\n";
    }
  }
  return out.str();
}

}  // namespace agritrace::node
