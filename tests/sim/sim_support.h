// The simulator's deterministic validator keys and chain id, and test doubles of the consensus
// engine's unit tests (tests/unit/chain/consensus): an in-memory safety store and a fake
// application whose blocks are deterministic (empty record lists, header time = proposal
// time) on top of its committed chain. The simulator itself runs the node's real replication
// code (node::Replica) and uses neither double. Header-only so that unit tests need no extra
// library.
#pragma once

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chain/model/block.h"
#include "chain/consensus/engine.h"
#include "chain/base/hash.h"
#include "chain/base/keys.h"

namespace agritrace::sim {

using chain::Hash256;
using chain::PubKey;
using chain::Status;

inline constexpr char kSimChainId[] = "agritrace-sim-1";

// Validator i's key, the same in every run.
inline chain::PrivateKey DeterministicKey(int i) {
  return *chain::PrivateKey::FromBytes(
      chain::AsBytes(chain::Sha256("agritrace-sim validator " + std::to_string(i))));
}

// The set of validators `indices` (DeterministicKey), in that order.
inline chain::ValidatorSet DeterministicSet(const std::vector<int>& indices) {
  chain::ValidatorSet set;
  for (int i : indices) set.validators.push_back(DeterministicKey(i).public_key());
  return set;
}
// Validators 0..n-1.
inline chain::ValidatorSet DeterministicSet(int n) {
  std::vector<int> indices;
  for (int i = 0; i < n; ++i) indices.push_back(i);
  return DeterministicSet(indices);
}

// A map standing in for the synced RocksDB safety state. The simulator keeps it across a
// node's crash, as a disk would. `fail` makes every Put fail (fault injection).
class MemorySafetyStore : public chain::SafetyStore {
 public:
  Status Put(const std::string& key, const std::string& value) override {
    if (fail) return chain::Reject(chain::Reason::kIoError, "injected write failure");
    values_[key] = value;
    ++puts;
    return Status::Ok();
  }
  std::optional<std::string> Get(const std::string& key) const override {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  bool fail = false;
  int puts = 0;

 private:
  std::map<std::string, std::string> values_;
};

// The committed chain of one node plus the application rules the fake enforces: a block is
// valid when it extends the tip at the right height, and (to model an application that
// rejects some proposals) its time is not marked invalid.
class FakeApplication : public chain::Application {
 public:
  v1::Block ProposeBlock(uint64_t height, int64_t now_ms, const PubKey& proposer) override {
    ++proposals_made;
    return chain::MakeBlock(kSimChainId, height, tip(), now_ms, proposer, {});
  }
  Status ValidateBlock(uint64_t height, const v1::Block& block) override {
    ++validations;
    v1::BlockHeader header;
    if (!header.ParseFromString(block.header())) {
      return chain::Reject(chain::Reason::kMalformed, "header");
    }
    if (header.height() != height || height != hashes.size() + 1) {
      return chain::Reject(chain::Reason::kMalformed, "wrong height");
    }
    if (header.prev_hash() != chain::AsBytes(tip())) {
      return chain::Reject(chain::Reason::kMalformed, "does not extend the tip");
    }
    if (reject_all) return chain::Reject(chain::Reason::kMalformed, "application says no");
    return Status::Ok();
  }
  bool HasPendingRecords() override { return pending; }
  // The set whose start is the highest at or below `height` (sets[1] when nothing is set:
  // validators 0..3).
  chain::ValidatorSet ValidatorsAt(uint64_t height) override {
    ++validator_queries;
    max_validators_height = std::max(max_validators_height, height);
    auto it = sets.upper_bound(height);
    if (it == sets.begin()) return chain::ValidatorSet{};
    return std::prev(it)->second;
  }

  // The driver applies a committed block.
  void Apply(const v1::Block& block, const Hash256& hash) {
    blocks.push_back(block);
    hashes.push_back(hash);
  }
  Hash256 tip() const { return hashes.empty() ? Hash256{} : hashes.back(); }
  uint64_t committed_height() const { return hashes.size(); }

  bool pending = true;
  bool reject_all = false;
  // The validator set from each height on (a governance change, issue 17).
  std::map<uint64_t, chain::ValidatorSet> sets;
  int validator_queries = 0;
  uint64_t max_validators_height = 0;
  int proposals_made = 0;
  int validations = 0;
  std::vector<v1::Block> blocks;  // committed, with certificates
  std::vector<Hash256> hashes;
};

}  // namespace agritrace::sim
