#include "node/p2p/peer_directory.h"

#include <nlohmann/json.hpp>

#include "chain/io/file_util.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using nlohmann::json;

namespace {

// A network file lists a handful of nodes; this bounds what we read.
constexpr size_t kMaxNetworkFileBytes = 1024 * 1024;
constexpr size_t kMaxObservers = 1000;

chain::Result<PeerEntry> ParseEntryUnchecked(const json& node) {
  if (!node.is_object()) return Reject(Reason::kMalformed, "network file: a node is not an object");
  PeerEntry entry;
  entry.name = node.value("name", "");
  entry.address = node.value("address", "");
  std::string kind = node.value("kind", "");
  if (kind == "validator") {
    entry.kind = PeerKind::kValidator;
  } else if (kind == "observer") {
    entry.kind = PeerKind::kObserver;
  } else {
    return Reject(Reason::kMalformed, "network file: node '" + entry.name +
                                          "' has kind '" + kind + "' (validator or observer)");
  }
  auto key_bytes = chain::FromHex(node.value("pubkey", ""));
  auto key = key_bytes ? chain::ArrayFromBytes<32>(*key_bytes) : std::nullopt;
  if (!key || !chain::IsValidPubKey(*key)) {
    return Reject(Reason::kMalformed, "network file: node '" + entry.name + "' has no valid pubkey");
  }
  entry.pubkey = *key;
  return entry;
}

// json::value throws on a field of the wrong type; a config typo must not crash the node.
chain::Result<PeerEntry> ParseEntry(const json& node) {
  try {
    return ParseEntryUnchecked(node);
  } catch (const json::exception& e) {
    return Reject(Reason::kMalformed, std::string("network file: ") + e.what());
  }
}

}  // namespace

std::string_view PeerKindName(PeerKind kind) {
  return kind == PeerKind::kValidator ? "validator" : "observer";
}

PeerDirectory::PeerDirectory(const chain::Genesis& genesis) {
  for (const auto& v : genesis.validators) {
    entries_.push_back({v.name, PeerKind::kValidator, v.pubkey, v.address});
  }
}

chain::Result<PeerDirectory> PeerDirectory::FromNetworkFile(const chain::Genesis& genesis,
                                                            const std::string& json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("nodes") || !doc["nodes"].is_array()) {
    return Reject(Reason::kMalformed, "network file: expected an object with a 'nodes' array");
  }
  const json& chain_id = doc["chain_id"];
  if (!chain_id.is_string() || chain_id.get<std::string>() != genesis.chain_id) {
    return Reject(Reason::kWrongChain, "network file is not for chain '" + genesis.chain_id + "'");
  }
  PeerDirectory directory(genesis);
  size_t observers = 0;
  for (const auto& node : doc["nodes"]) {
    auto entry = ParseEntry(node);
    if (!entry.ok()) return entry.status();
    directory.file_entries_.push_back(*entry);
    auto existing = directory.Find(entry->pubkey);
    if (entry->kind == PeerKind::kValidator) {
      if (!existing || existing->kind != PeerKind::kValidator) {
        return Reject(Reason::kNotAuthorized, "network file: '" + entry->name +
                                                  "' is listed as a validator but is not one in genesis");
      }
      for (auto& e : directory.entries_) {
        if (e.pubkey == entry->pubkey && !entry->address.empty()) e.address = entry->address;
      }
      continue;
    }
    if (existing) {
      return Reject(Reason::kAlreadyRegistered, "network file: key of '" + entry->name +
                                                    "' is listed twice");
    }
    if (++observers > kMaxObservers) {
      return Reject(Reason::kTooLarge, "network file: more than " +
                                           std::to_string(kMaxObservers) + " observers");
    }
    directory.entries_.push_back(std::move(*entry));
  }
  return directory;
}

chain::Result<PeerDirectory> PeerDirectory::Load(const chain::Genesis& genesis,
                                                 const std::string& path) {
  auto text = chain::ReadFile(path, kMaxNetworkFileBytes);
  if (!text.ok()) return text.status();
  return FromNetworkFile(genesis, *text);
}

PeerDirectory PeerDirectory::ForValidators(
    const google::protobuf::RepeatedPtrField<v1::ValidatorInfo>& validators) const {
  PeerDirectory out;
  out.file_entries_ = file_entries_;
  auto listed = [&](const chain::PubKey& key) -> const PeerEntry* {
    for (const PeerEntry& e : file_entries_) {
      if (e.pubkey == key) return &e;
    }
    return nullptr;
  };
  for (const v1::ValidatorInfo& v : validators) {
    auto key = chain::ArrayFromBytes<32>(v.pubkey());
    if (!key || out.Find(*key)) continue;
    PeerEntry entry{v.name(), PeerKind::kValidator, *key, v.address()};
    if (const PeerEntry* file = listed(*key); file && !file->address.empty()) {
      entry.address = file->address;
    }
    out.entries_.push_back(std::move(entry));
  }
  for (const PeerEntry& e : file_entries_) {
    if (e.kind == PeerKind::kObserver && !out.Find(e.pubkey)) out.entries_.push_back(e);
  }
  return out;
}

std::optional<PeerEntry> PeerDirectory::Find(const chain::PubKey& key) const {
  for (const auto& e : entries_) {
    if (e.pubkey == key) return e;
  }
  return std::nullopt;
}

std::string NetworkFileJson(const std::string& chain_id, const std::vector<PeerEntry>& entries) {
  json nodes = json::array();
  for (const auto& e : entries) {
    nodes.push_back({{"name", e.name},
                     {"kind", std::string(PeerKindName(e.kind))},
                     {"pubkey", chain::ToHex(e.pubkey)},
                     {"address", e.address}});
  }
  return json{{"chain_id", chain_id}, {"nodes", nodes}}.dump(2) + "\n";
}

}  // namespace agritrace::node
