#include "node/replication/evidence_pool.h"

#include <algorithm>

namespace agritrace::node {

EvidencePool::AddResult EvidencePool::Add(const chain::Offence& offence,
                                          const v1::Evidence& evidence) {
  if (pending_.count(offence)) return AddResult::kKnown;
  if (pending_.size() >= kMaxPendingEvidence) return AddResult::kFull;
  Entry entry{evidence, 0};
  entry.evidence.DiscardUnknownFields();
  entry.bytes = entry.evidence.ByteSizeLong();
  if (entry.bytes > kMaxPendingEvidenceBytes - bytes_) return AddResult::kFull;
  bytes_ += entry.bytes;
  pending_.emplace(offence, std::move(entry));
  return AddResult::kAdded;
}

std::vector<v1::Evidence> EvidencePool::Take(size_t max) const {
  std::vector<const std::pair<const chain::Offence, Entry>*> entries;
  for (const auto& entry : pending_) entries.push_back(&entry);
  std::stable_sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) {
    return a->first.height < b->first.height;
  });
  std::vector<v1::Evidence> out;
  for (size_t i = 0; i < entries.size() && i < max; ++i) {
    out.push_back(entries[i]->second.evidence);
  }
  return out;
}

bool EvidencePool::Remove(const chain::Offence& offence) {
  auto it = pending_.find(offence);
  if (it == pending_.end()) return false;
  bytes_ -= it->second.bytes;
  pending_.erase(it);
  return true;
}

size_t EvidencePool::DropBelow(uint64_t min_height) {
  size_t dropped = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->first.height >= min_height) {
      ++it;
      continue;
    }
    bytes_ -= it->second.bytes;
    it = pending_.erase(it);
    ++dropped;
  }
  return dropped;
}

// Each entry: its length as 4 bytes, little-endian, then the serialized v1::Evidence.
std::string EvidencePool::Serialize() const {
  std::string out;
  out.reserve(bytes_ + 4 * pending_.size());
  for (const auto& [offence, entry] : pending_) {
    const std::string bytes = entry.evidence.SerializeAsString();
    const auto size = static_cast<uint32_t>(bytes.size());
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>(size >> shift));
    out += bytes;
  }
  return out;
}

std::vector<v1::Evidence> EvidencePool::Parse(std::string_view serialized) {
  std::vector<v1::Evidence> out;
  while (serialized.size() >= 4 && out.size() < kMaxPendingEvidence) {
    uint32_t size = 0;
    for (int i = 0; i < 4; ++i) size |= uint32_t(static_cast<uint8_t>(serialized[i])) << (8 * i);
    serialized.remove_prefix(4);
    if (size > serialized.size() || size > kMaxPendingEvidenceBytes) break;
    v1::Evidence evidence;
    if (!evidence.ParseFromArray(serialized.data(), static_cast<int>(size))) break;
    out.push_back(std::move(evidence));
    serialized.remove_prefix(size);
  }
  return out;
}

}  // namespace agritrace::node
