// Vote bookkeeping for one height of consensus (internal to the consensus engine).
//
// Counts, for each value, the distinct validators that signed a vote for it in a (round, type).
// A validator that signs two different votes is equivocating: it is reported, and each of its
// votes still counts for its own value (up to kMaxVotesPerValidator values). This is the
// paper's rule ("2f + 1 PREVOTE messages for v from distinct processes"), and it is safe:
// two quorums for different values in one round would need more than f equivocators. It is
// also needed for liveness: an honest validator that first heard an equivocator's vote for X
// must still be able to verify a proof of lock that contains its vote for Y.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "agritrace/v1/consensus.pb.h"
#include "chain/base/bytes.h"

namespace agritrace::chain {

// nullopt is nil.
using VoteValue = std::optional<Hash256>;

// Different votes kept per validator and (round, type): one per proposal a round can hold,
// plus nil. More from one validator are dropped. The offence is reported once, on its second
// value (docs/security.md, scenario 5): further values are the same offence.
inline constexpr size_t kMaxVotesPerValidator = 5;

// The votes of one (height, round, type).
class RoundVotes {
 public:
  // kConflict: the validator's second value in this (round, type), reported once;
  // kKnownConflict: a further value of an offence already reported (kept up to the limit).
  enum class AddResult { kAdded, kDuplicate, kConflict, kKnownConflict };
  // Adds `vote` (already verified) by `validator`. On kConflict, `*first` is its first vote.
  AddResult Add(const PubKey& validator, const v1::Vote& vote, const v1::Vote** first);

  size_t total() const { return by_validator_.size(); }  // distinct validators
  size_t CountFor(const VoteValue& value) const;
  // Block hashes (never nil) with at least `quorum` votes.
  std::vector<Hash256> BlocksWithQuorum(size_t quorum) const;
  const v1::Vote* VoteOf(const PubKey& validator) const;  // its first vote
  // The votes for `hash`, in validator key order (deterministic).
  std::vector<const v1::Vote*> VotesFor(const Hash256& hash) const;

 private:
  std::map<PubKey, std::vector<v1::Vote>> by_validator_;  // distinct values, first first
  std::map<VoteValue, size_t> counts_;
};

// All votes of one height, and who has been heard from in each round (for round skips).
class HeightVotes {
 public:
  RoundVotes& At(uint32_t round, v1::VoteType type) { return votes_[{round, type}]; }
  const RoundVotes* Find(uint32_t round, v1::VoteType type) const;
  // Rounds that have precommits, ascending.
  std::vector<uint32_t> PrecommitRounds() const;
  void NoteSender(uint32_t round, const PubKey& validator) { senders_[round].insert(validator); }
  // The highest round above `round` heard from at least `count` distinct validators.
  std::optional<uint32_t> HighestRoundWithSenders(uint32_t round, size_t count) const;
  // The votes of `validator` in rounds below `round`, most recent `limit`, in round order.
  std::vector<v1::Vote> VotesBefore(const PubKey& validator, uint32_t round, size_t limit) const;
  bool empty() const { return senders_.empty(); }
  void Clear() {
    votes_.clear();
    senders_.clear();
  }

 private:
  std::map<std::pair<uint32_t, v1::VoteType>, RoundVotes> votes_;
  std::map<uint32_t, std::set<PubKey>> senders_;
};

}  // namespace agritrace::chain
