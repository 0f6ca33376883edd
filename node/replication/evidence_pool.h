// EvidencePool: equivocation evidence this node verified and holds until a block commits it.
//
// One entry per offence (chain::Offence), first evidence kept: a second pair of messages for
// the same offence adds nothing. Bounded by kMaxPendingEvidence; when full, new offences are
// refused (the ones held are committed first, and a byzantine validator's fresh offences
// cannot push out older ones). Entries leave when a block commits their offence, or when they
// fall out of the window a block may still commit them in (kMaxEvidenceAgeHeights).
//
// Thread-safety: not thread-safe; the replica's thread owns it (in ConsensusDriver).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/model/evidence.h"

namespace agritrace::node {

// Offences held at once: every offence of a few rounds by f validators of a large set, and a
// few hundred KiB at most (evidence is under 1 KiB).
inline constexpr size_t kMaxPendingEvidence = 256;

class EvidencePool {
 public:
  enum class AddResult { kAdded, kKnown, kFull };
  AddResult Add(const chain::Offence& offence, const v1::Evidence& evidence);
  bool Contains(const chain::Offence& offence) const { return pending_.count(offence) > 0; }
  // Up to `max` entries for a block, lowest offence height first (the oldest expire first).
  std::vector<v1::Evidence> Take(size_t max) const;
  // Forgets `offence` (committed).
  void Remove(const chain::Offence& offence) { pending_.erase(offence); }
  // Forgets offences below `min_height` (too old to commit).
  void DropBelow(uint64_t min_height);
  size_t size() const { return pending_.size(); }
  bool empty() const { return pending_.empty(); }

 private:
  std::map<chain::Offence, v1::Evidence> pending_;
};

}  // namespace agritrace::node
