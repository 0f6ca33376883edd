#include "node/replication/input_queue.h"

namespace agritrace::node {

bool ReplicaInputQueue::Push(const chain::PubKey& from, SharedMessage message, size_t bytes,
                             std::string_view* why) {
  const bool commit = message->has_commit();
  const bool sync_response = message->has_sync_response();
  std::string_view limit;
  if (inputs_.size() >= kMaxReplicaInputs) {
    limit = "kMaxReplicaInputs";
  } else if (bytes > kMaxReplicaInputBytes - bytes_) {
    limit = "kMaxReplicaInputBytes";
  } else if (commit && commits_ >= kMaxQueuedCommits) {
    limit = "kMaxQueuedCommits";
  } else if (sync_response && sync_responses_ >= kMaxQueuedSyncResponses) {
    limit = "kMaxQueuedSyncResponses";
  }
  if (!limit.empty()) {
    if (why) *why = limit;
    return false;
  }
  commits_ += commit;
  sync_responses_ += sync_response;
  bytes_ += bytes;
  inputs_.push_back(Input{from, std::move(message), bytes});
  return true;
}

std::deque<ReplicaInputQueue::Input> ReplicaInputQueue::TakeAll() {
  std::deque<Input> out;
  out.swap(inputs_);
  bytes_ = commits_ = sync_responses_ = 0;
  return out;
}

}  // namespace agritrace::node
