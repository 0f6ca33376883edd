// Background: one piece of work that runs beside the replica's thread while it goes on, and
// that it then waits for (block sync checks the signatures of a batch's later blocks while it
// applies the earlier ones). The node runs the work on a thread (node/replica_runner.h); the
// simulator runs it at once, inline (InlineBackground), so that a run stays deterministic.
//
// Thread-safety: Start and Wait are called by the replica's thread; the work must only touch
// what is safe to share (BlockApplier::PreVerify is).
#pragma once

#include <functional>

namespace agritrace::node {

class Background {
 public:
  virtual ~Background() = default;
  // Starts `work`; at most one at a time.
  virtual void Start(std::function<void()> work) = 0;
  // Returns once the work started last has finished (at once when there is none).
  virtual void Wait() = 0;
};

// Runs the work inside Start.
class InlineBackground final : public Background {
 public:
  void Start(std::function<void()> work) override { work(); }
  void Wait() override {}
};

}  // namespace agritrace::node
