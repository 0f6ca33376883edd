#include "node/daemon/init_network.h"

#include <chrono>
#include <filesystem>

#include "chain/io/file_util.h"
#include "chain/model/genesis.h"
#include "chain/keystore/keystore.h"
#include "chain/base/limits.h"
#include "node/p2p/peer_directory.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
namespace fs = std::filesystem;

namespace {

// Far more than a devnet needs; bounds the files and processes one command can create.
constexpr uint32_t kMaxDevObservers = 16;

chain::Status CheckOptions(const NetworkInitOptions& o) {
  const size_t total = o.validators + o.observers;
  if (o.validators < 1 || o.validators > chain::kMaxValidators) {
    return Reject(Reason::kMalformed, "--validators must be 1 to " +
                                          std::to_string(chain::kMaxValidators));
  }
  if (o.observers > kMaxDevObservers) {
    return Reject(Reason::kMalformed, "--observers must be at most " +
                                          std::to_string(kMaxDevObservers));
  }
  if ((!o.grpc_addrs.empty() && o.grpc_addrs.size() != total) ||
      (!o.http_addrs.empty() && o.http_addrs.size() != total)) {
    return Reject(Reason::kMalformed, "give one gRPC and one HTTP address per node (" +
                                          std::to_string(total) + ")");
  }
  if (o.base_port + 80 + total > 65535) return Reject(Reason::kMalformed, "--base-port too high");
  const uint64_t n = o.base.scrypt_n;
  if (n < 2 || n > chain::kMaxScryptN || (n & (n - 1)) != 0) {
    return Reject(Reason::kMalformed, "--scrypt-n must be a power of two from 2 to " +
                                          std::to_string(chain::kMaxScryptN));
  }
  return chain::Status::Ok();
}

std::string RandomChainId() {
  uint8_t bytes[3];
  chain::RandomBytes(bytes, sizeof(bytes));
  return "agritrace-dev-" + chain::ToHex(std::string_view(reinterpret_cast<char*>(bytes), 3));
}

// Writes one node's directory and returns its peer entry.
chain::Result<PeerEntry> WriteNode(const NetworkInitOptions& o, const InitializedNode& node) {
  std::error_code ec;
  fs::create_directories(node.dir, ec);
  if (ec) return Reject(Reason::kIoError, "cannot create " + node.dir + ": " + ec.message());
  chain::PrivateKey key = chain::PrivateKey::Generate();
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic(
      (fs::path(node.dir) / "node_key.json").string(),
      chain::EncryptKey(key, node.name, o.base.password, {o.base.scrypt_n, 8, 1}), true));
  NodeConfig config = o.consensus_defaults;
  config.name = node.name;
  config.genesis_file = "../genesis.json";
  config.peer_network_file = "../network.json";
  config.grpc_addr = node.grpc_addr;
  config.http_addr = node.http_addr;
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic((fs::path(node.dir) / "node.toml").string(),
                                              ConfigToToml(config), false));
  return PeerEntry{node.name, node.validator ? PeerKind::kValidator : PeerKind::kObserver,
                   key.public_key(), node.grpc_addr};
}

}  // namespace

chain::Result<std::vector<InitializedNode>> InitMultiNetwork(const NetworkInitOptions& o) {
  AGRI_RETURN_IF_ERROR(CheckOptions(o));
  const fs::path dir = fs::absolute(o.base.dir);
  if (fs::exists(dir / "genesis.json")) {
    return Reject(Reason::kAlreadyRegistered,
                  (dir / "genesis.json").string() + " exists; init never overwrites a network");
  }
  chain::Genesis genesis;
  genesis.chain_id = o.base.chain_id.empty() ? RandomChainId() : o.base.chain_id;
  genesis.genesis_time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<InitializedNode> nodes;
  std::vector<PeerEntry> entries;
  for (uint32_t i = 0; i < o.validators + o.observers; ++i) {
    InitializedNode node;
    node.validator = i < o.validators;
    node.name = node.validator ? "validator-" + std::to_string(i + 1)
                               : "observer-" + std::to_string(i - o.validators + 1);
    node.dir = (dir / node.name).string();
    node.grpc_addr = o.grpc_addrs.empty() ? "127.0.0.1:" + std::to_string(o.base_port + i)
                                          : o.grpc_addrs[i];
    node.http_addr = o.http_addrs.empty() ? "127.0.0.1:" + std::to_string(o.base_port + 80 + i)
                                          : o.http_addrs[i];
    auto entry = WriteNode(o, node);
    if (!entry.ok()) return entry.status();
    if (node.validator) genesis.validators.push_back({node.name, entry->pubkey, node.grpc_addr});
    entries.push_back(*entry);
    nodes.push_back(std::move(node));
  }
  AGRI_RETURN_IF_ERROR(AddSampleParticipants((dir / "keystore").string(), o.base, &genesis));
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic((dir / "network.json").string(),
                                              NetworkFileJson(genesis.chain_id, entries), false));
  AGRI_RETURN_IF_ERROR(chain::WriteFileAtomic((dir / "genesis.json").string(),
                                              chain::GenesisToJson(genesis), false));
  return nodes;
}

}  // namespace agritrace::node
