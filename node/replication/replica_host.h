// ReplicaHost: what replication needs of the node it runs in: its pending records, where
// gossiped records go, what to do after a commit, and what to do when it cannot go on. Node
// (node/node.h) implements it over its mutex-guarded mempool; the simulator over a plain one.
//
// Thread-safety: the node's implementation may be called from any thread. The replica calls
// AfterCommit and Fatal from its own thread; AdmitPeerRecords from the thread that received
// the records.
#pragma once

#include <cstddef>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/status.h"
#include "chain/model/record.h"
#include "node/replication/block_applier.h"

namespace agritrace::node {

class ReplicaHost {
 public:
  virtual ~ReplicaHost() = default;
  virtual size_t mempool_size() const = 0;
  // Up to `max_records` pending records from the front of the mempool (for a proposal).
  virtual std::vector<chain::RecordPtr> PendingRecords(size_t max_records, size_t max_bytes) const = 0;
  // Records a peer gossiped: admitted as a client's are, but not gossiped on (validators are
  // a full mesh). One status per envelope, in order: why it failed a check that needs no
  // state (AdmissionVerdict::stateless), else Ok. A rejection by the rules against state is
  // no one's fault: honest nodes may disagree on it while blocks are in flight.
  virtual std::vector<chain::Status> AdmitPeerRecords(
      const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) = 0;
  // After every committed block (consensus or sync), in order: drop its records from the
  // mempool, re-check the rest, wake whoever waits.
  virtual void AfterCommit(const CommittedBlock& block) = 0;
  // The node cannot go on: a certified block could not be stored (IO_ERROR), so its state
  // would disagree with the chain. The node stops the process (it restarts from its tip);
  // the simulator crashes the node and restarts it later. The replica does nothing more in
  // the call that reported it, and must not be called again.
  virtual void Fatal(const chain::Status& why) = 0;
};

}  // namespace agritrace::node
