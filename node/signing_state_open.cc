#include "node/signing_state_open.h"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace agritrace::node {

using chain::Reason;
using chain::Reject;

std::string SigningStatePath(const NodeConfig& config) {
  if (!config.consensus_signing_state_file.empty()) {
    return config.Resolve(config.consensus_signing_state_file);
  }
  const std::filesystem::path key(config.Resolve(config.key_file));
  return (key.parent_path() / kSigningStateFileName).string();
}

std::optional<uint64_t> FindOwnSignature(const chain::ChainStore& store,
                                         const chain::PubKey& key) {
  bool truncated = false;
  std::vector<chain::StoredEvidence> evidence = store.ListEvidence(key, 1, &truncated);
  if (!evidence.empty()) return evidence.front().committed_height;
  const std::string me = chain::AsBytes(key);
  const uint64_t tip = store.Tip().height;
  const uint64_t lowest = tip > kSignedBeforeScanBlocks ? tip - kSignedBeforeScanBlocks + 1 : 1;
  for (uint64_t height = tip; height >= lowest && height > 0; --height) {
    auto head = store.GetBlockHead(height);
    if (!head.ok()) continue;
    for (const v1::CommitSig& sig : head->certificate().signatures()) {
      if (sig.validator() == me) return height;
    }
  }
  return std::nullopt;
}

chain::Result<OpenedSigningState> OpenSigningState(const std::string& path,
                                                   const chain::PubKey& owner,
                                                   const chain::ChainStore& store) {
  auto opened = SigningStateFile::Open(path, owner);
  if (opened.ok()) {
    const bool never_signed = !(*opened)->signed_height().has_value();
    return OpenedSigningState{std::move(*opened), never_signed};
  }
  if (opened.status().reason() != Reason::kNotFound) return opened.status();
  if (std::optional<uint64_t> height = FindOwnSignature(store, owner)) {
    return Reject(Reason::kNotFound,
                  "no signing-state file " + path + ", but this node's key " +
                      chain::ToHex(owner) + " has signed on this chain (block " +
                      std::to_string(*height) +
                      "): restore signing_state.bin from the server this key last ran on "
                      "(docs/deployment.md). Never start it without: it could sign twice");
  }
  auto created = SigningStateFile::Create(path, owner);
  if (!created.ok()) return created.status();
  spdlog::info("new signing-state file {} (this key has not signed on the local chain)", path);
  return OpenedSigningState{std::move(*created), true};
}

}  // namespace agritrace::node
