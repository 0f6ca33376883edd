#include "node/replication/evidence_pool.h"

#include <gtest/gtest.h>

namespace agritrace::node {
namespace {

chain::Offence OffenceAt(uint64_t height, uint8_t validator = 1) {
  chain::Offence offence;
  offence.validator.fill(validator);
  offence.height = height;
  offence.kind = chain::OffenceKind::kDoublePrecommit;
  return offence;
}

v1::Evidence Tagged(uint32_t tag) {
  v1::Evidence evidence;
  evidence.mutable_double_vote()->mutable_first()->set_round(tag);
  return evidence;
}

TEST(EvidencePoolTest, KeepsOneEvidencePerOffence) {
  EvidencePool pool;
  EXPECT_EQ(pool.Add(OffenceAt(3), Tagged(1)), EvidencePool::AddResult::kAdded);
  EXPECT_EQ(pool.Add(OffenceAt(3), Tagged(2)), EvidencePool::AddResult::kKnown);
  ASSERT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.Take(10)[0].double_vote().first().round(), 1u) << "the first is kept";
}

TEST(EvidencePoolTest, RefusesNewOffencesWhenFull) {
  EvidencePool pool;
  for (uint64_t h = 1; h <= kMaxPendingEvidence; ++h) {
    ASSERT_EQ(pool.Add(OffenceAt(h), Tagged(0)), EvidencePool::AddResult::kAdded);
  }
  EXPECT_EQ(pool.Add(OffenceAt(kMaxPendingEvidence + 1), Tagged(0)),
            EvidencePool::AddResult::kFull);
  EXPECT_EQ(pool.size(), kMaxPendingEvidence);
  pool.Remove(OffenceAt(1));
  EXPECT_EQ(pool.Add(OffenceAt(kMaxPendingEvidence + 1), Tagged(0)),
            EvidencePool::AddResult::kAdded);
}

TEST(EvidencePoolTest, TakesTheOldestOffencesFirstAndDropsExpiredOnes) {
  EvidencePool pool;
  pool.Add(OffenceAt(9, 1), Tagged(9));
  pool.Add(OffenceAt(4, 2), Tagged(4));
  pool.Add(OffenceAt(6, 3), Tagged(6));
  std::vector<v1::Evidence> taken = pool.Take(2);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].double_vote().first().round(), 4u);
  EXPECT_EQ(taken[1].double_vote().first().round(), 6u);
  EXPECT_EQ(pool.size(), 3u) << "taking for a block keeps them until it commits";
  pool.DropBelow(6);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_FALSE(pool.Contains(OffenceAt(4, 2)));
}

}  // namespace
}  // namespace agritrace::node
