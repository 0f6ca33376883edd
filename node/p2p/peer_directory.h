// Who may peer, and where to dial them.
//
// Validators come from genesis (keys, names, addresses). Observers come from the network file
// (`peer.network` in node.toml), a JSON document shared by every node of a network:
//
// {"chain_id": "agritrace-dev-1a2b3c",
//  "nodes": [{"name": "validator-1", "kind": "validator", "pubkey": "<hex>",
//             "address": "127.0.0.1:7401"},
//            {"name": "observer-1", "kind": "observer", "pubkey": "<hex>",
//             "address": "127.0.0.1:7405"}]}
//
// A validator listed in the file must match genesis (a file cannot add validators); its
// address there overrides the genesis one (e.g. inside a private network). Immutable after
// construction, so safe to read from any thread.
//
// Governance changes the validators (issue 17): ForValidators makes the directory of the sets
// the chain has in force or scheduled. A validator added by the chain is a validator there
// (dialed at the network file's address when it lists it, e.g. as an observer before, else at
// the chain's); a removed one is no longer a validator (it stays only if the file lists it as
// an observer).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/model/genesis.h"
#include "chain/base/status.h"

namespace agritrace::node {

enum class PeerKind { kValidator, kObserver };

struct PeerEntry {
  std::string name;
  PeerKind kind = PeerKind::kObserver;
  chain::PubKey pubkey{};
  std::string address;  // host:port of its gRPC endpoint; empty: never dialed
};

class PeerDirectory {
 public:
  // Validators of genesis only.
  explicit PeerDirectory(const chain::Genesis& genesis);
  // Validators of genesis plus the observers of the network file text.
  static chain::Result<PeerDirectory> FromNetworkFile(const chain::Genesis& genesis,
                                                      const std::string& json_text);
  static chain::Result<PeerDirectory> Load(const chain::Genesis& genesis, const std::string& path);

  // This directory with `validators` (the chain's sets) as the validators in place of
  // genesis's, and the network file's observers that are not among them.
  PeerDirectory ForValidators(
      const google::protobuf::RepeatedPtrField<v1::ValidatorInfo>& validators) const;

  // The entry for a key allowed to peer, or nullopt.
  std::optional<PeerEntry> Find(const chain::PubKey& key) const;
  const std::vector<PeerEntry>& entries() const { return entries_; }

 private:
  PeerDirectory() = default;
  std::vector<PeerEntry> entries_;
  std::vector<PeerEntry> file_entries_;  // the network file's nodes as listed
};

// The network file text for `entries` (what `agritrace-node init --validators` writes).
std::string NetworkFileJson(const std::string& chain_id, const std::vector<PeerEntry>& entries);
std::string_view PeerKindName(PeerKind kind);

}  // namespace agritrace::node
