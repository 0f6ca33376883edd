// The genesis file: a JSON document that fixes a network. Its SHA-256 over the exact file
// bytes is the genesis hash, the network's identity (and the prev_hash of block 1).
//
// {
//   "chain_format": 2,
//   "chain_id": "agritrace-dev-1a2b3c",
//   "genesis_time_ms": 1764331200000,
//   "validators": [{"name": "coop", "pubkey": "<hex>", "address": "127.0.0.1:7400"}],
//   "admins": ["<hex>"],
//   "participants": [{"name": "farmer", "pubkey": "<hex>", "roles": ["farmer"],
//                     "organization": "...", "gln": "...", "lat": 45.12, "lon": 127.45,
//                     "address": "...", "phone": "+86 ...", "tz_offset_min": 480}],
//   "params": {"max_record_age_ms": ..., "max_record_future_ms": ...,
//              "max_block_records": ..., "block_delay_ms": ..., "require_plot": true},
//   "plots": [{"id": "plot-1", "owner": "farmer", "area": "100mu", "crop": "rice",
//              "max_yield": "700kg/mu", "lat": 45.12, "lon": 127.45, "location_name": "...",
//              "season_start": "03-01"}]
// }
// "plots" and "require_plot" are optional (absent: none, false), so files written before
// plots existed load with their old meaning.
#pragma once

#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/model/block.h"
#include "chain/model/chain_params.h"
#include "chain/base/status.h"

namespace agritrace::chain {

// The record and state format this node speaks, written in genesis as "chain_format".
// 2: quantity-true custody (holdings, partial shipments, pallets, losses, event times).
inline constexpr int64_t kChainFormat = 2;

struct GenesisValidator {
  std::string name;
  PubKey pubkey{};
  std::string address;  // host:port of its peer endpoint
};

struct Genesis {
  std::string chain_id;
  int64_t genesis_time_ms = 0;
  std::vector<GenesisValidator> validators;
  std::vector<v1::Participant> participants;  // admins are participants with ROLE_ADMIN
  std::vector<v1::PlotState> plots;           // registered at genesis (owner: a participant)
  ChainParams params;
  uint32_t max_block_records = 1000;
  // A block closes this long after its first pending record. Short, for submit-to-commit
  // latency: under load a height starts as soon as the previous one commits (records pending),
  // so the delay only gathers the first records after an idle spell (a client's burst, its
  // gossip to the other validators) into one block (docs/performance.md, issue 18).
  uint32_t block_delay_ms = 10;
  Hash256 hash{};                 // SHA256 of the file bytes

  ValidatorSet validator_set() const;
};

// Parses and validates genesis JSON (MALFORMED with the field named on error).
Result<Genesis> ParseGenesis(const std::string& file_bytes);
// Renders a genesis as JSON text (what `agritrace-node init` writes).
std::string GenesisToJson(const Genesis& genesis);

// Role names as written in genesis and on the CLI: "admin", "farmer", "packer", ...
std::string_view RoleName(v1::Role role);
v1::Role RoleFromName(std::string_view name);  // ROLE_UNSPECIFIED when unknown

}  // namespace agritrace::chain
