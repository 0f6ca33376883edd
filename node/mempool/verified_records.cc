#include "node/mempool/verified_records.h"

#include "chain/model/record_verify.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace agritrace::node {

namespace {
// Below this many unknown signatures a second thread costs more than it saves (thread start
// is tens of microseconds, a verification about 30).
constexpr size_t kMinParallelVerifications = 64;
// Threads one VerifyAll may use, whatever the machine has.
constexpr unsigned kMaxVerifyThreads = 16;
}  // namespace

chain::Status VerifiedRecords::VerifyAll(const std::vector<chain::Record>& records) {
  std::vector<const chain::Record*> pointers;
  for (const auto& record : records) pointers.push_back(&record);
  for (const auto& result : VerifyEach(pointers)) AGRI_RETURN_IF_ERROR(result);
  return chain::Status::Ok();
}

std::vector<chain::Status> VerifiedRecords::VerifyEach(
    const std::vector<const chain::Record*>& records, unsigned max_threads) {
  std::vector<size_t> unknown;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i] && !Contains(records[i]->id)) unknown.push_back(i);
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned threads = std::min<unsigned>(
      {max_threads > 0 ? max_threads : cores, kMaxVerifyThreads,
       static_cast<unsigned>(unknown.size() / kMinParallelVerifications + 1)});
  std::vector<chain::Status> results(records.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k = next++; k < unknown.size(); k = next++) {
      results[unknown[k]] = Verify(*records[unknown[k]]);
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
  return results;
}

chain::Status VerifiedRecords::Verify(const chain::Record& record) {
  if (Contains(record.id)) return chain::Status::Ok();
  {
    std::lock_guard lock(mu_);
    ++verifications_;
  }
  // Outside the lock: verification is the expensive part and needs no shared state.
  const std::optional<chain::ParsedPubKey> signer = ParsedSigner(record.signer);
  AGRI_RETURN_IF_ERROR(signer ? chain::VerifyRecordSignature(record, *signer)
                              : chain::VerifyRecordSignature(record));  // not on the curve
  Remember(record.id);
  return chain::Status::Ok();
}

unsigned VerifiedRecords::AllCoresButOne() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1u, cores - 1);
}

std::optional<chain::ParsedPubKey> VerifiedRecords::ParsedSigner(const chain::PubKey& signer) {
  ParsedKeyShard& shard = parsed_keys_[chain::BytesHash()(signer) % kParsedKeyShards];
  {
    std::lock_guard lock(shard.mu);
    if (auto it = shard.keys.find(signer); it != shard.keys.end()) return it->second;
  }
  std::optional<chain::ParsedPubKey> parsed = chain::ParsePubKey(signer);
  if (!parsed) return std::nullopt;
  std::lock_guard lock(shard.mu);
  if (shard.keys.size() >= kParsedKeysPerShard) shard.keys.clear();
  shard.keys.emplace(signer, *parsed);
  return parsed;
}

bool VerifiedRecords::Contains(const chain::Hash256& id) const {
  std::lock_guard lock(mu_);
  return ids_.count(id) > 0;
}

uint64_t VerifiedRecords::verifications() const {
  std::lock_guard lock(mu_);
  return verifications_;
}

void VerifiedRecords::Remember(const chain::Hash256& id) {
  std::lock_guard lock(mu_);
  if (!ids_.insert(id).second) return;
  order_.push_back(id);
  while (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace agritrace::node
