// RateLimiter (the per-client token buckets behind the gRPC and HTTP rate limits) and the
// address parsing that picks its keys.
#include "node/common/rate_limiter.h"

#include <gtest/gtest.h>

namespace agritrace::node {
namespace {

using std::chrono::milliseconds;
using Clock = RateLimiter::Clock;

const Clock::time_point kT0{};

TEST(RateLimiterTest, AllowsTheBurstThenRefuses) {
  RateLimiter limiter(/*rate=*/10, /*burst=*/5, /*max_clients=*/100);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Allow("1.2.3.4", 1, kT0).allowed) << i;
  auto refused = limiter.Allow("1.2.3.4", 1, kT0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, milliseconds(100));  // one token at 10 per second
}

TEST(RateLimiterTest, RefillsAtTheRateButNeverBeyondTheBurst) {
  RateLimiter limiter(10, 5, 100);
  for (int i = 0; i < 5; ++i) limiter.Allow("a", 1, kT0);
  EXPECT_FALSE(limiter.Allow("a", 1, kT0 + milliseconds(50)).allowed);
  EXPECT_TRUE(limiter.Allow("a", 1, kT0 + milliseconds(100)).allowed);
  // An hour idle buys only the burst.
  const auto later = kT0 + std::chrono::hours(1);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Allow("a", 1, later).allowed) << i;
  EXPECT_FALSE(limiter.Allow("a", 1, later).allowed);
}

TEST(RateLimiterTest, OneFloodingClientDoesNotLimitAnother) {
  RateLimiter limiter(1, 3, 100);
  for (int i = 0; i < 100; ++i) limiter.Allow("flooder", 1, kT0);
  EXPECT_FALSE(limiter.Allow("flooder", 1, kT0).allowed);
  EXPECT_TRUE(limiter.Allow("honest", 1, kT0).allowed);
}

TEST(RateLimiterTest, ExpensiveCallsCostMoreTokens) {
  RateLimiter limiter(10, 10, 100);
  EXPECT_TRUE(limiter.Allow("a", 7, kT0).allowed);
  auto refused = limiter.Allow("a", 7, kT0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, milliseconds(400));  // 4 tokens missing at 10 per second
}

TEST(RateLimiterTest, ACallDearerThanTheBurstPassesOnlyWithAFullBucket) {
  RateLimiter limiter(10, 10, 100);
  EXPECT_TRUE(limiter.Allow("a", 1000, kT0).allowed);  // charged the whole burst
  EXPECT_FALSE(limiter.Allow("a", 1000, kT0 + milliseconds(500)).allowed);
  EXPECT_TRUE(limiter.Allow("a", 1000, kT0 + milliseconds(1000)).allowed);
}

TEST(RateLimiterTest, TheClientTableStaysBoundedForgettingTheLeastRecent) {
  RateLimiter limiter(1, 1, /*max_clients=*/3);
  for (const char* client : {"a", "b", "c"}) EXPECT_TRUE(limiter.Allow(client, 1, kT0).allowed);
  EXPECT_FALSE(limiter.Allow("a", 1, kT0).allowed);  // "a" is now the most recent
  EXPECT_TRUE(limiter.Allow("d", 1, kT0).allowed);   // evicts "b", the least recent
  EXPECT_EQ(limiter.tracked_clients(), 3u);
  EXPECT_FALSE(limiter.Allow("a", 1, kT0).allowed);  // still remembered, still empty
  EXPECT_TRUE(limiter.Allow("b", 1, kT0).allowed);   // forgotten: a fresh bucket
  EXPECT_EQ(limiter.tracked_clients(), 3u);
}

TEST(RateLimiterTest, ZeroRateTurnsLimitingOff) {
  RateLimiter limiter(0, 1, 10);
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Allow("a", 1, kT0).allowed);
  EXPECT_EQ(limiter.tracked_clients(), 0u);
}

TEST(RateLimiterTest, ABackwardClockMintsNoTokens) {
  RateLimiter limiter(10, 1, 10);
  EXPECT_TRUE(limiter.Allow("a", 1, kT0 + std::chrono::seconds(5)).allowed);
  EXPECT_FALSE(limiter.Allow("a", 1, kT0).allowed);
}

TEST(ClientAddressTest, StripsSchemePortAndBrackets) {
  EXPECT_EQ(ClientAddressOf("ipv4:10.1.2.3:45678"), "10.1.2.3");
  EXPECT_EQ(ClientAddressOf("ipv6:[::1]:45678"), "::1");
  EXPECT_EQ(ClientAddressOf("ipv6:%5B2001:db8::7%5D:45678"), "2001:db8::7");
  EXPECT_EQ(ClientAddressOf("ipv6:%5B::ffff:127.0.0.1%5D:45678"), "127.0.0.1");
  EXPECT_EQ(ClientAddressOf("192.168.0.9"), "192.168.0.9");
  EXPECT_EQ(ClientAddressOf("fe80::1"), "fe80::1");
  EXPECT_EQ(ClientAddressOf("unix:/tmp/sock"), "unix:/tmp/sock");
}

TEST(ClientAddressTest, LoopbackIs127Slash8AndV6One) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.2"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("::2"));
}

}  // namespace
}  // namespace agritrace::node
