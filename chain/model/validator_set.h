// The validator sets of a chain over its heights (issue 17, docs/governance.md).
//
// Genesis fixes the first set. A decided change (ProposeValidatorChange approved by more than
// two thirds of the set in force, chain/rules/governance.cc) is carried in the header of the
// block that decided it (BlockHeader.validator_change, the whole new set) and is in force from
// kValidatorChangeDelay heights after that block. So the set of height h + kValidatorChangeDelay
// is known once block h is committed, and every certificate is checked against the set of its
// own height: by consensus, block sync, BlockApplier, proof bundles and every verifier.
//
// The state keeps the sets as epochs (v1::ValidatorGovernance.epochs): epochs[0] is genesis's
// set from height 1; each later epoch starts at its change's effective height.
//
// Thread-safety: a ValidatorSchedule is a value; const methods are safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"
#include "chain/model/block.h"
#include "chain/model/genesis.h"
#include "chain/model/state.h"

namespace agritrace::chain {

// Heights between the block that decides a change and the first height certified by the new
// set. At least 1, so the set of the height being decided is always known from committed
// state; 2 leaves a block of margin for a node that builds or gossips height h + 1 while h
// commits (a pipelined proposer, issue 18).
inline constexpr uint64_t kValidatorChangeDelay = 2;

// Closed proposals kept in ValidatorGovernance.history (oldest dropped first): decades of
// changes of a county network; the chain's blocks keep every one for good.
inline constexpr size_t kMaxGovernanceHistory = 256;

// Genesis's validators as the first epoch (from height 1).
v1::ValidatorEpoch GenesisEpoch(const Genesis& genesis);
// The governance state `state` holds, or the initial one (genesis's set only, nothing open).
v1::ValidatorGovernance GovernanceOf(const StateReader& state, const Genesis& genesis);

// The public keys of `validators`, in order (proposer order).
ValidatorSet ToValidatorSet(const google::protobuf::RepeatedPtrField<v1::ValidatorInfo>& validators);

// The set after `change` is applied to `current` (proposer order: an added validator goes
// last, a removed one leaves a gap closed up, a rotated one keeps its place). UNKNOWN_VALIDATOR
// for a remove/rotate of a name not in `current`, VALIDATOR_EXISTS for an add of a name or key
// already in it or a rotate to a key in it, NOT_AUTHORIZED for removing the last validator,
// TOO_LARGE beyond kMaxValidators, MALFORMED for an unspecified kind.
Result<std::vector<v1::ValidatorInfo>> ApplyValidatorChange(
    const google::protobuf::RepeatedPtrField<v1::ValidatorInfo>& current,
    const v1::ProposeValidatorChange& change);

// A hash of a set (names, keys, addresses, organisations, in order), for logs and for checking
// that two descriptions of a set agree.
Hash256 ValidatorSetHash(const google::protobuf::RepeatedPtrField<v1::ValidatorInfo>& validators);

class ValidatorSchedule {
 public:
  // Genesis's set only.
  explicit ValidatorSchedule(const Genesis& genesis);
  // The epochs of a governance state (GovernanceOf); none: genesis's set only.
  ValidatorSchedule(const Genesis& genesis, const v1::ValidatorGovernance& governance);

  // Adds the change decided in block `decided_height` (a verified header's validator_change):
  // MALFORMED unless its effective height is decided_height + kValidatorChangeDelay, above
  // every epoch's start, and its set is non-empty and well formed.
  Status Add(const v1::ValidatorSetChange& change, uint64_t decided_height);

  // The epoch in force at `height` (>= 1; height 0 answers genesis's).
  const v1::ValidatorEpoch& EpochAt(uint64_t height) const;
  // The keys of EpochAt(height), decoded once per epoch: replicas check every peer message's
  // signer against it.
  const ValidatorSet& SetAt(uint64_t height) const;
  // The validator named by `key` at `height`; nullptr when it is not in that set.
  const v1::ValidatorInfo* FindAt(uint64_t height, const PubKey& key) const;
  const std::vector<v1::ValidatorEpoch>& epochs() const { return epochs_; }

 private:
  size_t IndexAt(uint64_t height) const;

  std::vector<v1::ValidatorEpoch> epochs_;  // ascending from_height; [0] genesis's from 1
  std::vector<ValidatorSet> sets_;          // sets_[i]: the keys of epochs_[i]
};

}  // namespace agritrace::chain
