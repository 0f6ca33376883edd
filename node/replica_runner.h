// The node's side of running a Replica (node/replication/replica.h): the system clock, a
// thread for side work, and the replica's own thread with its input queue.
//
// ReplicaRunner owns the replica's thread. Peer messages (proposals, votes, commits, tips,
// sync responses) and "records available" are posted from any thread; the thread hands them
// to the replica in arrival order and calls Replica::Tick when its next deadline comes, so
// the replica itself needs no lock. It replaces the consensus driver's thread and block sync's
// loop thread of earlier versions with one.
//
// Thread-safety: Post* from any thread; Start and Stop from the owner. `mu_` guards the queue.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "node/replication/background.h"
#include "node/replication/clock.h"
#include "node/replication/input_queue.h"
#include "node/replication/replica.h"

namespace agritrace::node {

// Wall time from the system clock; steady time from std::chrono::steady_clock, in ms since its
// epoch (ReplicaRunner waits on that clock for the replica's deadlines).
class SystemClock final : public Clock {
 public:
  int64_t WallMs() const override;
  int64_t SteadyMs() const override;
};

// Side work on a thread of its own (block sync's signature pre-checks).
class ThreadBackground final : public Background {
 public:
  ~ThreadBackground() override { Wait(); }
  void Start(std::function<void()> work) override;
  void Wait() override;

 private:
  std::thread thread_;
};

// The input queue's limits (count, bytes, block-carrying kinds) are in
// node/replication/input_queue.h.
// The longest the thread sleeps with nothing due.
inline constexpr std::chrono::milliseconds kMaxReplicaIdle{1000};

class ReplicaRunner {
 public:
  // `replica` must outlive the runner; its deadlines are in SystemClock::SteadyMs.
  explicit ReplicaRunner(Replica* replica) : replica_(replica) {}
  ~ReplicaRunner() { Stop(); }

  // Starts the thread, which first calls Replica::Start.
  void Start();
  // Stops and joins the thread; inputs still queued are dropped.
  void Stop();

  // A message Replica::Receive passed on.
  void Post(const chain::PubKey& from, SharedMessage message);
  // A record entered the mempool.
  void PostRecordsAvailable();

 private:
  void Loop();

  Replica* replica_;
  SystemClock clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  ReplicaInputQueue inputs_;              // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_drop_log_{};  // GUARDED_BY(mu_)
  std::optional<int64_t> records_at_ms_;  // GUARDED_BY(mu_); steady, first post pending
  bool stopping_ = false;                 // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace agritrace::node
