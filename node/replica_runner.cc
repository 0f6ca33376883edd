#include "node/replica_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace agritrace::node {

using SteadyClock = std::chrono::steady_clock;

int64_t SystemClock::WallMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t SystemClock::SteadyMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

void ThreadBackground::Start(std::function<void()> work) {
  Wait();
  thread_ = std::thread(std::move(work));
}

void ThreadBackground::Wait() {
  if (thread_.joinable()) thread_.join();
}

void ReplicaRunner::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void ReplicaRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReplicaRunner::Post(const chain::PubKey& from, SharedMessage message) {
  const size_t bytes = message->ByteSizeLong();  // outside the lock: a block takes a while
  {
    std::unique_lock lock(mu_);
    std::string_view why;
    if (!inputs_.Push(from, std::move(message), bytes, &why)) {
      // Logged at most once a second: a flood must not flood the log too.
      const auto now = std::chrono::steady_clock::now();
      if (now - last_drop_log_ < std::chrono::seconds(1)) return;
      last_drop_log_ = now;
      lock.unlock();
      spdlog::warn("replica input queue full ({}); dropping a message", why);
      return;
    }
  }
  cv_.notify_all();
}

// The block delay runs from the first pending record's arrival, not from when the thread
// gets to it.
void ReplicaRunner::PostRecordsAvailable() {
  {
    std::lock_guard lock(mu_);
    if (records_at_ms_) return;
    records_at_ms_ = clock_.SteadyMs();
  }
  cv_.notify_all();
}

void ReplicaRunner::Loop() {
  replica_->Start();
  for (;;) {
    const int64_t wake_ms =
        std::min(replica_->NextDeadlineMs(), clock_.SteadyMs() + kMaxReplicaIdle.count());
    const SteadyClock::time_point deadline{std::chrono::milliseconds(wake_ms)};
    std::deque<ReplicaInputQueue::Input> batch;
    std::optional<int64_t> records_at;
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, deadline, [&] {
        return stopping_ || inputs_.size() > 0 || records_at_ms_.has_value();
      });
      if (stopping_) return;
      batch = inputs_.TakeAll();
      records_at.swap(records_at_ms_);
    }
    if (records_at) replica_->OnRecordsAvailable(*records_at);
    replica_->Tick();
    for (const ReplicaInputQueue::Input& input : batch) {
      replica_->OnMessage(input.from, input.message);
    }
  }
}

}  // namespace agritrace::node
