// Mempool: records accepted by this node and not yet in a block, in arrival order.
//
// Every record is checked against the committed state plus all records ahead of it, so a
// client may submit a harvest and the pack that consumes it back to back without waiting for
// a block. Bounded by count and bytes (MEMPOOL_FULL beyond).
//
// Not thread-safe: the owning Node guards it with its mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "chain/model/record.h"
#include "chain/rules/rules.h"
#include "chain/model/state.h"

namespace agritrace::node {

struct MempoolLimits {
  size_t max_records = 50'000;
  size_t max_bytes = 64 * 1024 * 1024;
};

class Mempool {
 public:
  // `committed` must outlive the mempool.
  Mempool(const chain::StateReader* committed, chain::ChainParams params, MempoolLimits limits);

  // Checks a signature-verified record against committed + pending state and queues it.
  // `next_height` is the height the next block will have.
  chain::Status Add(chain::Record record, int64_t now_ms, uint64_t next_height);

  // Up to `max_records` records from the front whose sizes sum to at most `max_bytes`; shared,
  // not copied.
  std::vector<chain::RecordPtr> Front(size_t max_records, size_t max_bytes) const;

  // After a block: drops the block's records `done` (in block order) and re-checks the rest
  // against the new committed state. Returns the records that no longer apply, with the reason.
  //
  // When every record of the block was queued here (the usual case: gossip reaches every
  // validator before the block), nothing is re-checked: the pending state already holds the
  // effect of those records, and applying the same records in the proposer's order instead of
  // ours (an order that was valid too) leaves what the rules read, such as quantities, custody
  // and replay guards, the same. The rest is re-checked in full once more records than twice
  // the queue have been committed since the last full check, which bounds both the overlay's
  // memory and any drift. The mempool only filters admission; blocks are always built and
  // validated from committed state, so a drift can delay a record, never admit a bad block.
  std::vector<std::pair<chain::Hash256, chain::Status>> Rebase(
      const std::vector<chain::Hash256>& done, int64_t now_ms, uint64_t next_height);

  bool Contains(const chain::Hash256& id) const { return ids_.count(id) > 0; }
  // Whether `signer` is a participant in committed plus pending state.
  bool KnowsSigner(const chain::PubKey& signer) const {
    return pending_->GetParticipant(signer).has_value();
  }
  // OK when `signer` is the node key of a validator in force at `next_height` (committed plus
  // pending governance); NOT_AUTHORIZED otherwise. For records signed by validators
  // (chain::IsValidatorSigned).
  chain::Status CheckValidator(const chain::PubKey& signer, uint64_t next_height) const;
  size_t size() const { return records_.size(); }
  size_t bytes() const { return bytes_; }
  bool empty() const { return records_.empty(); }
  // When the oldest pending record arrived (ms); meaningful only when not empty.
  int64_t oldest_arrival_ms() const { return oldest_arrival_ms_; }

 private:
  using IdSet = std::unordered_set<chain::Hash256, chain::BytesHash>;
  struct Entry {
    chain::RecordPtr record;
    int64_t arrival_ms;
    size_t bytes;
  };
  chain::Status Check(const chain::Record& record, int64_t now_ms, uint64_t next_height);
  bool HoldsAll(const std::vector<chain::Hash256>& done) const;
  void Remove(const IdSet& done);
  std::vector<std::pair<chain::Hash256, chain::Status>> Recheck(
      const IdSet& done, int64_t now_ms, uint64_t next_height);

  const chain::StateReader* committed_;
  chain::ChainParams params_;
  MempoolLimits limits_;
  std::deque<Entry> records_;
  IdSet ids_;
  size_t bytes_ = 0;
  int64_t oldest_arrival_ms_ = 0;
  std::unique_ptr<chain::StateOverlay> pending_;  // committed + every queued record
  size_t popped_since_recheck_ = 0;  // records committed from the front since pending_ was built
};

}  // namespace agritrace::node
