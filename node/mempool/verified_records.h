// Record ids whose BIP-340 signature this node has already verified.
//
// A record id is SHA-256 over the exact body, signer and signature bytes, so an id seen here
// stands for byte-identical envelopes: a record verified when it arrived by gossip or submit
// needs no second verification when it arrives again inside a proposal, a commit or a sync
// batch. Bounded (oldest forgotten first); forgetting only costs a re-verification.
//
// Thread-safe (one internal mutex).
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chain/base/parsed_key.h"
#include "chain/model/record.h"

namespace agritrace::node {

class VerifiedRecords {
 public:
  explicit VerifiedRecords(size_t capacity) : capacity_(capacity) {}

  // Verifies the record's signature unless already known good; remembers success.
  chain::Status Verify(const chain::Record& record);
  // Verify() for every record, on all cores when many are unknown (a synced block, a proposal
  // whose records were not gossiped here). Fails with the first bad record in `records` order.
  chain::Status VerifyAll(const std::vector<chain::Record>& records);
  // Verify() for each record (nullptr entries skipped, result Ok), in parallel as VerifyAll,
  // on at most `max_threads` threads counting the caller's (0: one per core).
  std::vector<chain::Status> VerifyEach(const std::vector<const chain::Record*>& records,
                                        unsigned max_threads = 0);
  bool Contains(const chain::Hash256& id) const;
  // A thread count for VerifyEach that leaves one core to the caller's other work.
  static unsigned AllCoresButOne();
  // Number of signature verifications actually run (for tests and metrics).
  uint64_t verifications() const;

 private:
  void Remember(const chain::Hash256& id);
  // The signer's parsed key, from the cache (kParsedKeyShards x kParsedKeysPerShard at most);
  // nullopt for a key that is not on the curve.
  std::optional<chain::ParsedPubKey> ParsedSigner(const chain::PubKey& signer);

  // Parsed keys, sharded so that the verifying threads rarely wait on one another; a shard is
  // emptied when full (participants who sign are few; forgetting costs one parse).
  static constexpr size_t kParsedKeyShards = 16;
  static constexpr size_t kParsedKeysPerShard = 1024;
  struct ParsedKeyShard {
    std::mutex mu;
    std::unordered_map<chain::PubKey, chain::ParsedPubKey, chain::BytesHash> keys;  // GUARDED_BY(mu)
  };
  ParsedKeyShard parsed_keys_[kParsedKeyShards];

  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_set<chain::Hash256, chain::BytesHash> ids_;  // GUARDED_BY(mu_)
  std::deque<chain::Hash256> order_;   // GUARDED_BY(mu_)
  uint64_t verifications_ = 0;         // GUARDED_BY(mu_)
};

}  // namespace agritrace::node
