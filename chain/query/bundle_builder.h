// Building a proof bundle (chain/bundle/bundle.h) from a node's store: the records of the lot
// and of every ancestor lot (lineage back to each harvest), each with its Merkle inclusion
// proof, plus the header bytes and commit certificate of every block involved and the
// participants named; and the header and certificate of every block that decided a
// validator-set change, so a verifier holding only genesis knows the set of every height.
//
// Reads committed state only; safe wherever ChainStore reads are.
#pragma once

#include <string>

#include "chain/bundle/bundle.h"
#include "chain/model/genesis.h"
#include "chain/store/store.h"

namespace agritrace::chain {

// UNKNOWN_LOT when the store has no such lot; TOO_LARGE past the limits above. `serial` is
// recorded as scanned (it does not change what is proven).
Result<v1::ProofBundle> BuildProofBundle(const ChainStore& store, const Genesis& genesis,
                                         const std::string& lot_key,
                                         const std::string& serial = "");

// Sets bundle.validator_changes (replacing what it held) to the header bytes and certificate of
// the block that decided each change of `governance` after genesis's set (epochs[1..], read
// by BuildProofBundle through GovernanceOf), ascending. Every change of the chain, not only
// those below the bundle's highest block: the list is short (one entry per change), and with
// all of them a verifier also knows the set of any later block. TOO_LARGE past
// kMaxBundleValidatorChanges; NOT_FOUND when a deciding block is missing from the store.
Status SetValidatorChanges(const ChainStore& store, const v1::ValidatorGovernance& governance,
                           v1::ProofBundle& bundle);

}  // namespace agritrace::chain
