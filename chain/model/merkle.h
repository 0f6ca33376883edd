// Merkle tree over record ids (RFC 6962 shape), with domain-separated hashes:
//   leaf  = SHA256(0x00 || record_id)
//   inner = SHA256(0x01 || left || right)
// A tree of n leaves splits at the largest power of two below n. The root of no leaves is
// SHA256("").
#pragma once

#include <cstdint>
#include <vector>

#include "chain/base/bytes.h"

namespace agritrace::chain {

struct MerkleProof {
  uint32_t index = 0;           // the leaf's position
  uint32_t leaf_count = 0;      // leaves in the tree
  std::vector<Hash256> path;    // sibling hashes, from the leaf up
};

Hash256 MerkleLeafHash(const Hash256& record_id);
Hash256 MerkleRoot(const std::vector<Hash256>& record_ids);
// Requires index < record_ids.size().
MerkleProof BuildMerkleProof(const std::vector<Hash256>& record_ids, uint32_t index);
// True when `proof` places `record_id` under `root`.
bool VerifyMerkleProof(const Hash256& record_id, const MerkleProof& proof, const Hash256& root);

}  // namespace agritrace::chain
