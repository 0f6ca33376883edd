#include "node/replication/evidence_pool.h"

#include <google/protobuf/unknown_field_set.h>
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

TEST(EvidencePoolTest, IsBoundedInBytesAndKeepsNoUnknownFields) {
  EvidencePool pool;
  v1::Evidence padded = Tagged(1);
  // Unknown fields (a peer may add any) are not kept: what was signed is all evidence needs.
  v1::Vote* first = padded.mutable_double_vote()->mutable_first();
  first->GetReflection()->MutableUnknownFields(first)->AddLengthDelimited(
      999, std::string(100'000, 'u'));
  ASSERT_EQ(pool.Add(OffenceAt(1), padded), EvidencePool::AddResult::kAdded);
  EXPECT_LT(pool.bytes(), 1000u);
  // Evidence whose known fields are large fills the byte budget before the count.
  v1::Evidence big = Tagged(2);
  big.mutable_double_vote()->mutable_first()->set_signature(
      std::string(kMaxPendingEvidenceBytes / 4, 's'));
  size_t added = 0;
  for (uint64_t h = 2; h < 10; ++h) {
    added += pool.Add(OffenceAt(h), big) == EvidencePool::AddResult::kAdded;
  }
  EXPECT_EQ(added, 3u);
  EXPECT_LE(pool.bytes(), kMaxPendingEvidenceBytes);
  EXPECT_TRUE(pool.Remove(OffenceAt(2)));
  EXPECT_EQ(pool.Add(OffenceAt(20), big), EvidencePool::AddResult::kAdded);
}

TEST(EvidencePoolTest, ItsDurableFormGivesBackWhatItHeld) {
  EvidencePool pool;
  for (uint32_t i = 1; i <= 5; ++i) pool.Add(OffenceAt(i), Tagged(i));
  const std::string saved = pool.Serialize();
  std::vector<v1::Evidence> back = EvidencePool::Parse(saved);
  ASSERT_EQ(back.size(), 5u);
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(back[i].double_vote().first().round(), i + 1);
  EXPECT_TRUE(EvidencePool::Parse("").empty());
  // A damaged copy gives what parses before the damage, and never more than it holds.
  EXPECT_EQ(EvidencePool::Parse(saved.substr(0, saved.size() - 1)).size(), 4u);
  EXPECT_TRUE(EvidencePool::Parse(std::string("\xff\xff\xff\x7f", 4) + "x").empty());
}

}  // namespace
}  // namespace agritrace::node
