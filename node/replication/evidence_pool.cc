#include "node/replication/evidence_pool.h"

#include <algorithm>

namespace agritrace::node {

EvidencePool::AddResult EvidencePool::Add(const chain::Offence& offence,
                                          const v1::Evidence& evidence) {
  if (pending_.count(offence)) return AddResult::kKnown;
  if (pending_.size() >= kMaxPendingEvidence) return AddResult::kFull;
  pending_.emplace(offence, evidence);
  return AddResult::kAdded;
}

std::vector<v1::Evidence> EvidencePool::Take(size_t max) const {
  std::vector<const std::pair<const chain::Offence, v1::Evidence>*> entries;
  for (const auto& entry : pending_) entries.push_back(&entry);
  std::stable_sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) {
    return a->first.height < b->first.height;
  });
  std::vector<v1::Evidence> out;
  for (size_t i = 0; i < entries.size() && i < max; ++i) out.push_back(entries[i]->second);
  return out;
}

void EvidencePool::DropBelow(uint64_t min_height) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->first.height < min_height ? pending_.erase(it) : std::next(it);
  }
}

}  // namespace agritrace::node
