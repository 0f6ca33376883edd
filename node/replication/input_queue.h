// ReplicaInputQueue: the peer messages waiting for the replica's thread (node/replica_runner.h),
// bounded by count and by bytes, and by count for the kinds that carry whole blocks.
//
// A message beyond a limit is dropped, not queued: the engine's rebroadcasts, tip
// announcements and block sync recover what is lost, so a flood cannot grow memory without
// bound (docs/security.md, scenario 3).
//
// Thread-safety: not thread-safe; ReplicaRunner holds its lock around every call.
#pragma once

#include <cstddef>
#include <deque>
#include <string_view>

#include "chain/base/keys.h"
#include "node/replication/transport.h"

namespace agritrace::node {

// Inputs waiting beyond this are dropped.
inline constexpr size_t kMaxReplicaInputs = 20'000;
// Bytes of the inputs waiting (their serialized size). The count alone would let 20,000
// proposals of up to a block each (kMaxPeerMessageBytes) wait at once. 256 MiB holds eight
// maximum-size blocks (commits, sync responses or proposals) besides thousands of votes; an
// honest network's queue holds kilobytes, as the thread takes the whole queue each turn.
inline constexpr size_t kMaxReplicaInputBytes = 256 * 1024 * 1024;
// Of those, messages that carry whole blocks, which the session threads handed over instead of
// handling them in place: commit announcements (each is normally handled at once; more waiting
// means the thread is busy, and tips and sync make up for any dropped) and sync responses (one
// is asked for at a time, plus the next range; more are unsolicited, and sync asks again when
// one is dropped).
inline constexpr size_t kMaxQueuedCommits = 64;
inline constexpr size_t kMaxQueuedSyncResponses = 8;

class ReplicaInputQueue {
 public:
  struct Input {
    chain::PubKey from;
    SharedMessage message;
    size_t bytes = 0;
  };

  // Queues `message` of `bytes` (its serialized size); false, with the limit it would pass in
  // `why`, when it is dropped.
  bool Push(const chain::PubKey& from, SharedMessage message, size_t bytes,
            std::string_view* why = nullptr);
  // Everything queued, oldest first; the queue is then empty.
  std::deque<Input> TakeAll();

  size_t size() const { return inputs_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  std::deque<Input> inputs_;
  size_t bytes_ = 0;
  size_t commits_ = 0;
  size_t sync_responses_ = 0;
};

}  // namespace agritrace::node
