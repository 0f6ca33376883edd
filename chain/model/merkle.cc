#include "chain/model/merkle.h"

#include "chain/base/check.h"
#include "chain/base/hash.h"

namespace agritrace::chain {
namespace {

// Domain-separation prefixes from RFC 6962: a leaf can never be passed off as an inner node.
constexpr char kLeafPrefix = 0x00;
constexpr char kInnerPrefix = 0x01;

Hash256 InnerHash(const Hash256& left, const Hash256& right) {
  return Sha256Builder().Add(std::string_view(&kInnerPrefix, 1)).Add(left).Add(right).Finish();
}

// The largest power of two strictly below n (n >= 2): where RFC 6962 splits a tree.
size_t SplitPoint(size_t n) {
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Root of leaves[begin, end), end > begin.
Hash256 SubtreeRoot(const std::vector<Hash256>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return leaves[begin];
  size_t k = SplitPoint(end - begin);
  return InnerHash(SubtreeRoot(leaves, begin, begin + k), SubtreeRoot(leaves, begin + k, end));
}

// RFC 6962 PATH(m, D[begin:end]): siblings from the leaf up, so they are appended after the
// recursion into the half holding the leaf returns.
void AppendPath(const std::vector<Hash256>& leaves, size_t index, size_t begin, size_t end,
                std::vector<Hash256>& path) {
  if (end - begin <= 1) return;
  size_t k = SplitPoint(end - begin);
  if (index < begin + k) {
    AppendPath(leaves, index, begin, begin + k, path);
    path.push_back(SubtreeRoot(leaves, begin + k, end));
  } else {
    AppendPath(leaves, index, begin + k, end, path);
    path.push_back(SubtreeRoot(leaves, begin, begin + k));
  }
}

std::vector<Hash256> LeafHashes(const std::vector<Hash256>& record_ids) {
  std::vector<Hash256> leaves;
  leaves.reserve(record_ids.size());
  for (const Hash256& id : record_ids) leaves.push_back(MerkleLeafHash(id));
  return leaves;
}

}  // namespace

Hash256 MerkleLeafHash(const Hash256& record_id) {
  return Sha256Builder().Add(std::string_view(&kLeafPrefix, 1)).Add(record_id).Finish();
}

Hash256 MerkleRoot(const std::vector<Hash256>& record_ids) {
  if (record_ids.empty()) return Sha256("");
  std::vector<Hash256> leaves = LeafHashes(record_ids);
  return SubtreeRoot(leaves, 0, leaves.size());
}

MerkleProof BuildMerkleProof(const std::vector<Hash256>& record_ids, uint32_t index) {
  AGRI_CHECK(index < record_ids.size());
  MerkleProof proof;
  proof.index = index;
  proof.leaf_count = static_cast<uint32_t>(record_ids.size());
  std::vector<Hash256> leaves = LeafHashes(record_ids);
  AppendPath(leaves, index, 0, leaves.size(), proof.path);
  return proof;
}

// RFC 9162 section 2.1.3.2. fn walks the leaf's position up the tree and sn the last
// position; where fn == sn and fn is even, the node has no right sibling at this level and is
// promoted unchanged, hence the extra shifts.
bool VerifyMerkleProof(const Hash256& record_id, const MerkleProof& proof, const Hash256& root) {
  if (proof.index >= proof.leaf_count) return false;
  uint64_t fn = proof.index;
  uint64_t sn = proof.leaf_count - 1;
  Hash256 r = MerkleLeafHash(record_id);
  for (const Hash256& sibling : proof.path) {
    if (sn == 0) return false;  // a longer path than the tree is tall
    if ((fn & 1) || fn == sn) {
      r = InnerHash(sibling, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = InnerHash(r, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

}  // namespace agritrace::chain
