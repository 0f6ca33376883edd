#include "chain/consensus/votes.h"

#include <algorithm>

#include "chain/consensus/messages.h"

namespace agritrace::chain {

RoundVotes::AddResult RoundVotes::Add(const PubKey& validator, const v1::Vote& vote,
                                      const v1::Vote** first) {
  std::vector<v1::Vote>& mine = by_validator_[validator];
  for (const v1::Vote& known : mine) {
    // Signatures are deterministic, but compare what was voted for: a re-signed identical
    // vote is a duplicate, not equivocation.
    if (known.block_hash() == vote.block_hash()) return AddResult::kDuplicate;
  }
  const size_t before = mine.size();
  if (before < kMaxVotesPerValidator) {
    mine.push_back(vote);
    ++counts_[VoteBlockHash(vote)];
  }
  if (before == 0) return AddResult::kAdded;
  if (before > 1) return AddResult::kKnownConflict;
  *first = &mine.front();
  return AddResult::kConflict;
}

size_t RoundVotes::CountFor(const VoteValue& value) const {
  auto it = counts_.find(value);
  return it == counts_.end() ? 0 : it->second;
}

std::vector<Hash256> RoundVotes::BlocksWithQuorum(size_t quorum) const {
  std::vector<Hash256> out;
  for (const auto& [value, count] : counts_) {
    if (value && count >= quorum) out.push_back(*value);
  }
  return out;
}

const v1::Vote* RoundVotes::VoteOf(const PubKey& validator) const {
  auto it = by_validator_.find(validator);
  return it == by_validator_.end() ? nullptr : &it->second.front();
}

std::vector<const v1::Vote*> RoundVotes::VotesFor(const Hash256& hash) const {
  std::vector<const v1::Vote*> out;
  for (const auto& [validator, votes] : by_validator_) {
    for (const v1::Vote& vote : votes) {
      if (VoteBlockHash(vote) == VoteValue(hash)) out.push_back(&vote);
    }
  }
  return out;
}

const RoundVotes* HeightVotes::Find(uint32_t round, v1::VoteType type) const {
  auto it = votes_.find({round, type});
  return it == votes_.end() ? nullptr : &it->second;
}

std::vector<uint32_t> HeightVotes::PrecommitRounds() const {
  std::vector<uint32_t> out;
  for (const auto& [key, votes] : votes_) {
    if (key.second == v1::VOTE_TYPE_PRECOMMIT) out.push_back(key.first);
  }
  return out;
}

std::vector<v1::Vote> HeightVotes::VotesBefore(const PubKey& validator, uint32_t round,
                                               size_t limit) const {
  std::vector<v1::Vote> out;
  for (auto it = votes_.rbegin(); it != votes_.rend() && out.size() < limit; ++it) {
    if (it->first.first >= round) continue;
    if (const v1::Vote* vote = it->second.VoteOf(validator)) out.push_back(*vote);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<uint32_t> HeightVotes::HighestRoundWithSenders(uint32_t round, size_t count) const {
  for (auto it = senders_.rbegin(); it != senders_.rend() && it->first > round; ++it) {
    if (it->second.size() >= count) return it->first;
  }
  return std::nullopt;
}

}  // namespace agritrace::chain
