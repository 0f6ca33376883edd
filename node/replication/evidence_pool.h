// EvidencePool: equivocation evidence this node verified and holds until a block commits it.
//
// One entry per offence (chain::Offence), first evidence kept: a second pair of messages for
// the same offence adds nothing. Bounded by kMaxPendingEvidence; when full, new offences are
// refused (the ones held are committed first, and a byzantine validator's fresh offences
// cannot push out older ones). Entries leave when a block commits their offence, or when they
// fall out of the window a block may still commit them in (kMaxEvidenceAgeHeights).
// Evidence is kept without unknown protobuf fields (what was signed is all it needs), and the
// pool is bounded in bytes too (kMaxPendingEvidenceBytes).
//
// Serialize()/Parse() give the pool's durable form: the consensus driver stores it under
// kPendingEvidenceKey after every change and restores it at start, so a restarted validator
// still proposes the evidence it held (docs/security.md, scenario 5).
//
// Thread-safety: not thread-safe; the replica's thread owns it (in ConsensusDriver).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/model/evidence.h"

namespace agritrace::node {

// Offences held at once: every offence of a few rounds by f validators of a large set, and a
// few hundred KiB at most (evidence is under 1 KiB).
inline constexpr size_t kMaxPendingEvidence = 256;
// Bytes of the evidence held (its serialized size): 4 KiB per offence on average, four times
// a double proposal's known fields, so the pool and its durable copy stay within 1 MiB.
inline constexpr size_t kMaxPendingEvidenceBytes = kMaxPendingEvidence * 4096;
// The store key (BlockStore safety state) of the pool's durable copy.
inline constexpr std::string_view kPendingEvidenceKey = "evidence/pending/v1";

class EvidencePool {
 public:
  enum class AddResult { kAdded, kKnown, kFull };  // kFull: by count or by bytes
  AddResult Add(const chain::Offence& offence, const v1::Evidence& evidence);
  bool Contains(const chain::Offence& offence) const { return pending_.count(offence) > 0; }
  // Up to `max` entries for a block, lowest offence height first (the oldest expire first).
  std::vector<v1::Evidence> Take(size_t max) const;
  // Forgets `offence` (committed); true when it was held.
  bool Remove(const chain::Offence& offence);
  // Forgets offences below `min_height` (too old to commit); how many were dropped.
  size_t DropBelow(uint64_t min_height);
  size_t size() const { return pending_.size(); }
  size_t bytes() const { return bytes_; }
  bool empty() const { return pending_.empty(); }

  // The evidence held, as one string (each serialized, length-prefixed).
  std::string Serialize() const;
  // The evidence in Serialize()'s output; stops at the first malformed entry, and at
  // kMaxPendingEvidence entries. Each must still be verified and offered again.
  static std::vector<v1::Evidence> Parse(std::string_view serialized);

 private:
  struct Entry {
    v1::Evidence evidence;
    size_t bytes = 0;
  };
  std::map<chain::Offence, Entry> pending_;
  size_t bytes_ = 0;
};

}  // namespace agritrace::node
