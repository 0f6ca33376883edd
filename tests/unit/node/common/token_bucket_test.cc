#include "node/common/token_bucket.h"

#include <gtest/gtest.h>

namespace agritrace::node {
namespace {

using std::chrono::milliseconds;
const TokenBucket::Clock::time_point kStart{};

TEST(TokenBucketTest, AllowsTheBurstThenRefusesUntilTimeRefills) {
  TokenBucket bucket(/*rate_per_second=*/10, /*burst=*/3, kStart);
  EXPECT_TRUE(bucket.TryTake(kStart));
  EXPECT_TRUE(bucket.TryTake(kStart));
  EXPECT_TRUE(bucket.TryTake(kStart));
  EXPECT_FALSE(bucket.TryTake(kStart));
  EXPECT_FALSE(bucket.TryTake(kStart + milliseconds(50)));  // half a token
  EXPECT_TRUE(bucket.TryTake(kStart + milliseconds(101)));
  EXPECT_FALSE(bucket.TryTake(kStart + milliseconds(101)));
}

TEST(TokenBucketTest, NeverHoldsMoreThanTheBurst) {
  TokenBucket bucket(10, 2, kStart);
  const auto later = kStart + std::chrono::hours(1);
  EXPECT_TRUE(bucket.TryTake(later));
  EXPECT_TRUE(bucket.TryTake(later));
  EXPECT_FALSE(bucket.TryTake(later));
}

TEST(TokenBucketTest, WaitTimeSaysWhenTheNextTokenArrives) {
  TokenBucket bucket(4, 1, kStart);
  EXPECT_EQ(bucket.WaitTime(kStart), TokenBucket::Clock::duration::zero());
  ASSERT_TRUE(bucket.TryTake(kStart));
  const auto wait = bucket.WaitTime(kStart);
  EXPECT_GT(wait, milliseconds(240));
  EXPECT_LE(wait, milliseconds(250));
  EXPECT_TRUE(bucket.TryTake(kStart + milliseconds(251)));
}

// The writer paces honest sends at kPeerSendPacing of the reader's limit: whatever the
// sender does within its own bucket, the receiver's bucket (same clock) never runs dry.
TEST(TokenBucketTest, PacedSenderNeverTripsTheReceiverLimit) {
  TokenBucket receiver(2000, 8000, kStart);
  TokenBucket sender(2000 * 0.9, 8000 * 0.9, kStart);
  auto now = kStart;
  for (int step = 0; step < 200'000; ++step) {
    now += std::chrono::microseconds(50);  // a sender trying to write 20,000 per second
    if (sender.TryTake(now)) ASSERT_TRUE(receiver.TryTake(now)) << "at step " << step;
  }
}

}  // namespace
}  // namespace agritrace::node
