// Building a proof bundle (chain/bundle/bundle.h) from a node's store: the records of the lot
// and of every ancestor lot (lineage back to each harvest), each with its Merkle inclusion
// proof, plus the header bytes and commit certificate of every block involved and the
// participants named.
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

}  // namespace agritrace::chain
