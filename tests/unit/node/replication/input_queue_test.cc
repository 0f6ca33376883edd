// The replica's input queue: bounded by count, by bytes and per block-carrying kind
// (docs/security.md, scenario 3).
#include "node/replication/input_queue.h"

#include <gtest/gtest.h>

namespace agritrace::node {
namespace {

SharedMessage Vote() {
  v1::PeerMessage message;
  message.mutable_vote()->set_height(1);
  return Share(std::move(message));
}

SharedMessage Commit() {
  v1::PeerMessage message;
  message.mutable_commit()->set_header("h");
  return Share(std::move(message));
}

const chain::PubKey kPeer{1};

TEST(ReplicaInputQueueTest, DropsWhatWouldPassTheByteLimitAndCountsBytesAgainAfterTaking) {
  ReplicaInputQueue queue;
  // Proposal-sized inputs (a block each): the count limit would admit 20,000 of them.
  const size_t block = kMaxReplicaInputBytes / 8;
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(queue.Push(kPeer, Vote(), block));
  std::string_view why;
  EXPECT_FALSE(queue.Push(kPeer, Vote(), block, &why));
  EXPECT_EQ(why, "kMaxReplicaInputBytes");
  EXPECT_FALSE(queue.Push(kPeer, Vote(), 1));
  EXPECT_EQ(queue.size(), 8u);
  EXPECT_EQ(queue.bytes(), kMaxReplicaInputBytes);
  EXPECT_EQ(queue.TakeAll().size(), 8u);
  EXPECT_EQ(queue.bytes(), 0u);
  EXPECT_TRUE(queue.Push(kPeer, Vote(), block));
}

TEST(ReplicaInputQueueTest, DropsBeyondTheCountLimit) {
  ReplicaInputQueue queue;
  for (size_t i = 0; i < kMaxReplicaInputs; ++i) ASSERT_TRUE(queue.Push(kPeer, Vote(), 100));
  std::string_view why;
  EXPECT_FALSE(queue.Push(kPeer, Vote(), 100, &why));
  EXPECT_EQ(why, "kMaxReplicaInputs");
}

TEST(ReplicaInputQueueTest, CapsQueuedCommitsButNotOtherInputs) {
  ReplicaInputQueue queue;
  for (size_t i = 0; i < kMaxQueuedCommits; ++i) ASSERT_TRUE(queue.Push(kPeer, Commit(), 100));
  std::string_view why;
  EXPECT_FALSE(queue.Push(kPeer, Commit(), 100, &why));
  EXPECT_EQ(why, "kMaxQueuedCommits");
  EXPECT_TRUE(queue.Push(kPeer, Vote(), 100));
  queue.TakeAll();
  EXPECT_TRUE(queue.Push(kPeer, Commit(), 100));
}

}  // namespace
}  // namespace agritrace::node
