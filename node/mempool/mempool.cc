#include "node/mempool/mempool.h"

#include <algorithm>

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;

namespace {
size_t RecordBytes(const chain::Record& record) {
  return record.envelope.body().size() + record.envelope.signer().size() +
         record.envelope.signature().size();
}
}  // namespace

Mempool::Mempool(const chain::StateReader* committed, chain::ChainParams params,
                 MempoolLimits limits)
    : committed_(committed),
      params_(std::move(params)),
      limits_(limits),
      pending_(std::make_unique<chain::StateOverlay>(committed)) {}

Status Mempool::Check(const chain::Record& record, int64_t now_ms, uint64_t next_height) {
  chain::ApplyContext ctx{next_height, static_cast<uint32_t>(records_.size()), now_ms};
  return chain::ApplyRecord(record, params_, ctx, *pending_);
}

Status Mempool::Add(chain::Record record, int64_t now_ms, uint64_t next_height) {
  if (ids_.count(record.id)) {
    return Reject(Reason::kReplay, "this signed record is already waiting to be committed");
  }
  size_t size = RecordBytes(record);
  if (records_.size() >= limits_.max_records || bytes_ + size > limits_.max_bytes) {
    return Reject(Reason::kMempoolFull,
                  "the node has " + std::to_string(records_.size()) +
                      " records waiting, its limit; try again in a few seconds");
  }
  AGRI_RETURN_IF_ERROR(Check(record, now_ms, next_height));
  if (records_.empty()) oldest_arrival_ms_ = now_ms;
  ids_.insert(record.id);
  bytes_ += size;
  records_.push_back({std::make_shared<const chain::Record>(std::move(record)), now_ms, size});
  return Status::Ok();
}

std::vector<chain::RecordPtr> Mempool::Front(size_t max_records, size_t max_bytes) const {
  std::vector<chain::RecordPtr> out;
  out.reserve(std::min(max_records, records_.size()));
  size_t total = 0;
  for (const auto& entry : records_) {
    if (out.size() >= max_records || total + entry.bytes > max_bytes) break;
    total += entry.bytes;
    out.push_back(entry.record);
  }
  return out;
}

bool Mempool::HoldsAll(const std::vector<chain::Hash256>& done) const {
  for (const auto& id : done) {
    if (!ids_.count(id)) return false;
  }
  return true;
}

void Mempool::Remove(const IdSet& done) {
  // A block usually holds the front of the queue in queue order: those go first, one by one.
  size_t left = done.size();
  while (left > 0 && !records_.empty() && done.count(records_.front().record->id)) {
    ids_.erase(records_.front().record->id);
    bytes_ -= records_.front().bytes;
    records_.pop_front();
    --left;
  }
  if (left > 0) {
    std::deque<Entry> kept;
    for (auto& entry : records_) {
      if (done.count(entry.record->id)) {
        ids_.erase(entry.record->id);
        bytes_ -= entry.bytes;
      } else {
        kept.push_back(std::move(entry));
      }
    }
    records_.swap(kept);
  }
  if (!records_.empty()) oldest_arrival_ms_ = records_.front().arrival_ms;
  popped_since_recheck_ += done.size();
}

std::vector<std::pair<chain::Hash256, Status>> Mempool::Rebase(
    const std::vector<chain::Hash256>& done, int64_t now_ms, uint64_t next_height) {
  const IdSet done_set(done.begin(), done.end());
  if (HoldsAll(done)) {
    Remove(done_set);
    if (records_.empty()) {
      pending_ = std::make_unique<chain::StateOverlay>(committed_);
      popped_since_recheck_ = 0;
      return {};
    }
    if (popped_since_recheck_ <= 2 * records_.size()) return {};
  }
  return Recheck(done_set, now_ms, next_height);
}

std::vector<std::pair<chain::Hash256, Status>> Mempool::Recheck(
    const IdSet& done, int64_t now_ms, uint64_t next_height) {
  std::deque<Entry> remaining;
  remaining.swap(records_);
  ids_.clear();
  bytes_ = 0;
  popped_since_recheck_ = 0;
  pending_ = std::make_unique<chain::StateOverlay>(committed_);
  std::vector<std::pair<chain::Hash256, Status>> dropped;
  for (auto& entry : remaining) {
    if (done.count(entry.record->id)) continue;
    Status status = Check(*entry.record, now_ms, next_height);
    if (!status.ok()) {
      dropped.emplace_back(entry.record->id, status);
      continue;
    }
    if (records_.empty()) oldest_arrival_ms_ = entry.arrival_ms;
    ids_.insert(entry.record->id);
    bytes_ += entry.bytes;
    records_.push_back(std::move(entry));
  }
  return dropped;
}

chain::Status Mempool::CheckValidator(const chain::PubKey& signer, uint64_t next_height) const {
  return chain::CheckValidatorSigner(*pending_, signer, next_height);
}

}  // namespace agritrace::node
