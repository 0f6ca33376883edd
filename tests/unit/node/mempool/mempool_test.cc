// Mempool: bounds (MEMPOOL_FULL leaves the queue as it was) and the rebase after a block.
#include "node/mempool/mempool.h"

#include <gtest/gtest.h>

#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::node {
namespace {

using chain::Reason;
using chain::testing_rules::kNow;

class MempoolTest : public chain::testing_rules::RulesFixture {
 protected:
  chain::Record Harvest(const std::string& code) {
    return Sign(HarvestBody(code, "100kg"), farmer_);
  }
};

TEST_F(MempoolTest, RefusesARecordBeyondItsCountLimitAndKeepsTheQueue) {
  Mempool mempool(&state_, params_, MempoolLimits{2, 1 << 20});
  ASSERT_TRUE(mempool.Add(Harvest("M1"), kNow, 8).ok());
  ASSERT_TRUE(mempool.Add(Harvest("M2"), kNow, 8).ok());
  chain::Record third = Harvest("M3");
  EXPECT_EQ(mempool.Add(third, kNow, 8).reason(), Reason::kMempoolFull);
  EXPECT_EQ(mempool.size(), 2u);
  EXPECT_FALSE(mempool.Contains(third.id));
}

TEST_F(MempoolTest, RefusesARecordBeyondItsByteLimit) {
  chain::Record first = Harvest("M1");
  const size_t one = first.envelope.body().size() + 96;
  Mempool mempool(&state_, params_, MempoolLimits{100, one + one / 2});
  ASSERT_TRUE(mempool.Add(first, kNow, 8).ok());
  EXPECT_EQ(mempool.Add(Harvest("M2"), kNow, 8).reason(), Reason::kMempoolFull);
  EXPECT_EQ(mempool.size(), 1u);
}

TEST_F(MempoolTest, DropsCommittedRecordsAndKeepsTheRest) {
  Mempool mempool(&state_, params_, MempoolLimits{});
  chain::Record a = Harvest("M1"), b = Harvest("M2"), c = Harvest("M3");
  for (const auto& r : {a, b, c}) ASSERT_TRUE(mempool.Add(r, kNow, 8).ok());
  // A block holding b then a (another proposer's order), all queued here: no re-check.
  EXPECT_TRUE(mempool.Rebase({b.id, a.id}, kNow, 9).empty());
  EXPECT_EQ(mempool.size(), 1u);
  EXPECT_TRUE(mempool.Contains(c.id));
  // A block with a record never queued here: the rest is re-checked, and still applies.
  EXPECT_TRUE(mempool.Rebase({Harvest("X9").id}, kNow, 10).empty());
  EXPECT_TRUE(mempool.Contains(c.id));
  EXPECT_TRUE(mempool.Rebase({c.id}, kNow, 11).empty());
  EXPECT_TRUE(mempool.empty());
}

}  // namespace
}  // namespace agritrace::node
