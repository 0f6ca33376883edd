// Clock: the time replication reads. The node passes the system clocks (node/system_clock.h);
// the simulator passes virtual time, so a whole network runs in one thread and a run replays
// exactly from its seed.
//
// Thread-safety: implementations are read from any thread.
#pragma once

#include <cstdint>

namespace agritrace::node {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch: block and record times, the consensus engine's now.
  virtual int64_t WallMs() const = 0;
  // Monotonic milliseconds from any origin: timers, request timeouts, durations.
  virtual int64_t SteadyMs() const = 0;
};

}  // namespace agritrace::node
