#include "chain/model/merkle.h"

#include <gtest/gtest.h>

#include "chain/base/hash.h"

namespace agritrace::chain {
namespace {

Hash256 Filled(uint8_t byte) {
  Hash256 h;
  h.fill(byte);
  return h;
}

std::vector<Hash256> Ids(size_t n) {
  std::vector<Hash256> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back(Sha256("record " + std::to_string(i)));
  return ids;
}

// An independent rendering of the RFC 6962 definition over byte strings, used as the oracle.
std::string Mth(const std::vector<Hash256>& ids, size_t begin, size_t end) {
  if (end - begin == 1) return AsBytes(Sha256(std::string(1, '\0') + AsBytes(ids[begin])));
  size_t k = 1;
  while (k << 1 < end - begin) k <<= 1;
  return AsBytes(Sha256("\x01" + Mth(ids, begin, begin + k) + Mth(ids, begin + k, end)));
}

TEST(MerkleTest, EmptyTreeRootIsHashOfNothing) {
  EXPECT_EQ(ToHex(MerkleRoot({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// Vectors computed with Python's hashlib straight from the definition in merkle.h.
TEST(MerkleTest, KnownVectorsForOneTwoAndThreeLeaves) {
  Hash256 a = Filled(0), b = Filled(1), c = Filled(2);
  EXPECT_EQ(ToHex(MerkleRoot({a})),
            "7f9c9e31ac8256ca2f258583df262dbc7d6f68f2a03043d5c99a4ae5a7396ce9");
  EXPECT_EQ(ToHex(MerkleLeafHash(a)), ToHex(MerkleRoot({a})));
  EXPECT_EQ(ToHex(MerkleRoot({a, b})),
            "28fb81e496897e0ce886f08602392e9239b65c659041e5202163e58ad898f444");
  EXPECT_EQ(ToHex(MerkleRoot({a, b, c})),
            "ba8d94b7fbcecae7b81c4c80574fe24734a6917bf9c1ecd66ff3e0c34ead4620");
}

TEST(MerkleTest, RootsMatchTheDefinitionForOneToSeventeenLeaves) {
  for (size_t n = 1; n <= 17; ++n) {
    std::vector<Hash256> ids = Ids(n);
    EXPECT_EQ(AsBytes(MerkleRoot(ids)), Mth(ids, 0, n)) << n << " leaves";
  }
}

TEST(MerkleTest, RootDependsOnOrder) {
  std::vector<Hash256> ids = Ids(2);
  EXPECT_NE(MerkleRoot(ids), MerkleRoot({ids[1], ids[0]}));
}

TEST(MerkleTest, EveryProofVerifiesForOneToSeventeenLeaves) {
  for (size_t n = 1; n <= 17; ++n) {
    std::vector<Hash256> ids = Ids(n);
    Hash256 root = MerkleRoot(ids);
    for (uint32_t i = 0; i < n; ++i) {
      MerkleProof proof = BuildMerkleProof(ids, i);
      EXPECT_EQ(proof.index, i);
      EXPECT_EQ(proof.leaf_count, n);
      EXPECT_TRUE(VerifyMerkleProof(ids[i], proof, root)) << "leaf " << i << " of " << n;
    }
  }
}

TEST(MerkleTest, SingleLeafProofIsEmpty) {
  std::vector<Hash256> ids = Ids(1);
  MerkleProof proof = BuildMerkleProof(ids, 0);
  EXPECT_TRUE(proof.path.empty());
  EXPECT_TRUE(VerifyMerkleProof(ids[0], proof, MerkleRoot(ids)));
}

TEST(MerkleTest, TamperedProofsFail) {
  for (size_t n = 2; n <= 17; ++n) {
    std::vector<Hash256> ids = Ids(n);
    Hash256 root = MerkleRoot(ids);
    for (uint32_t i = 0; i < n; ++i) {
      MerkleProof proof = BuildMerkleProof(ids, i);
      // Another leaf at this position.
      EXPECT_FALSE(VerifyMerkleProof(ids[(i + 1) % n], proof, root));
      // Each path element flipped.
      for (size_t p = 0; p < proof.path.size(); ++p) {
        MerkleProof bad = proof;
        bad.path[p][0] ^= 1;
        EXPECT_FALSE(VerifyMerkleProof(ids[i], bad, root)) << n << "/" << i << "/" << p;
      }
      // Another index.
      MerkleProof moved = proof;
      moved.index = (i + 1) % n;
      EXPECT_FALSE(VerifyMerkleProof(ids[i], moved, root)) << n << "/" << i;
      // Truncated and extended paths.
      MerkleProof shorter = proof;
      shorter.path.pop_back();
      EXPECT_FALSE(VerifyMerkleProof(ids[i], shorter, root));
      MerkleProof longer = proof;
      longer.path.push_back(root);
      EXPECT_FALSE(VerifyMerkleProof(ids[i], longer, root));
    }
  }
}

TEST(MerkleTest, RejectsIndexOutsideTheTree) {
  std::vector<Hash256> ids = Ids(4);
  MerkleProof proof = BuildMerkleProof(ids, 3);
  proof.index = 4;
  EXPECT_FALSE(VerifyMerkleProof(ids[3], proof, MerkleRoot(ids)));
  proof.index = 0;
  proof.leaf_count = 0;
  EXPECT_FALSE(VerifyMerkleProof(ids[0], proof, MerkleRoot(ids)));
}

// A verifier compares leaf_count with the header's record_count; a proof that claims a larger
// tree than its path climbs must not verify.
TEST(MerkleTest, RejectsLeafCountLargerThanThePathClimbs) {
  std::vector<Hash256> ids = Ids(4);
  MerkleProof proof = BuildMerkleProof(ids, 0);
  proof.leaf_count = 5;
  EXPECT_FALSE(VerifyMerkleProof(ids[0], proof, MerkleRoot(ids)));
}

TEST(MerkleTest, RejectsWrongRoot) {
  std::vector<Hash256> ids = Ids(5);
  MerkleProof proof = BuildMerkleProof(ids, 2);
  EXPECT_FALSE(VerifyMerkleProof(ids[2], proof, MerkleRoot(Ids(6))));
}

// A leaf must not pass for an inner node: the two children of a 2-leaf tree, taken as a
// "record id", do not prove anything under its root.
TEST(MerkleTest, InnerNodeCannotPassAsLeaf) {
  std::vector<Hash256> ids = Ids(4);
  Hash256 root = MerkleRoot(ids);
  Hash256 inner = MerkleRoot({ids[0], ids[1]});
  MerkleProof proof;
  proof.index = 0;
  proof.leaf_count = 2;
  proof.path = {MerkleRoot({ids[2], ids[3]})};
  EXPECT_FALSE(VerifyMerkleProof(inner, proof, root));
}

}  // namespace
}  // namespace agritrace::chain
