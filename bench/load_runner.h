// Runs a pre-signed workload against nodes over gRPC and measures submit-to-commit latency.
//
// Submitter threads each own every threads-th journey and one node (round-robin over
// `nodes`), so a journey's records always reach the same node, in order. With batch = 1 every
// record is one SubmitRecord call (no wait), the next record of a journey only after the
// previous was admitted. With batch > 1 a thread sends Ledger.SubmitRecords calls of up to
// `batch` records that hold whole remaining journeys back to back: the node admits a batch in
// order, so a record may depend on an earlier one in the same call.
//
// MEMPOOL_FULL is back-pressure, not failure: the record (and whatever of its journey came
// after it in the batch) is sent again after a short pause. Any other rejection ends the
// journey: it counts once in `failures` under its reason, and the journey's later records,
// which depend on it, are neither sent again nor counted.
//
// A watcher follows new blocks on `nodes.front()` and notes when each record is first seen
// committed. Latency = seen committed - the submit call that admitted the record, so it
// includes the watcher's polling interval (kPollInterval, a few ms).
//
// Rate control (`rate` > 0): each thread paces its records to rate / threads per second; a
// batch then holds at most the records of kMaxBatchWindowMs so the offered load stays smooth.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/load_workload.h"

namespace agritrace::bench {

struct RunOptions {
  std::vector<std::string> nodes;  // gRPC addresses; journeys spread over them round-robin
  size_t threads = 32;
  size_t batch = 1;  // records per call; 1 = SubmitRecord, > 1 = SubmitRecords
  double rate = 0;   // records/s offered in total; 0 = as fast as possible
  uint32_t commit_timeout_ms = 60'000;
};

struct RunReport {
  size_t submitted = 0;  // distinct records whose outcome counts (accepted or failed)
  size_t accepted = 0;
  size_t calls = 0;         // submit calls made
  size_t full_retries = 0;  // records sent again after MEMPOOL_FULL
  size_t committed = 0;
  double submit_seconds = 0;               // first submit to last submit
  double commit_seconds = 0;               // first submit to last commit seen
  std::map<std::string, size_t> failures;  // reason code -> count
  std::vector<double> latencies_ms;        // sorted
  double Percentile(double p) const;
};

RunReport RunLoad(const std::vector<std::vector<v1::Envelope>>& journeys,
                  const RunOptions& options);

// Submits records in order (no wait, batches of up to `batch`) to `node`, then waits until the
// last is committed; `height` (when given) gets the height of that commit. Returns the number
// that failed.
size_t SubmitAndWait(const std::string& node, const std::vector<v1::Envelope>& records,
                     std::map<std::string, size_t>& failures, size_t batch = 1,
                     uint64_t* height = nullptr);

// Waits until every node's chain reaches `height`; false after `timeout_ms`.
bool WaitForHeight(const std::vector<std::string>& nodes, uint64_t height, uint32_t timeout_ms);

// BIP-340 verifications per second on `threads` threads, measured for `seconds`.
double MeasureRawVerifyRate(unsigned threads, double seconds);

}  // namespace agritrace::bench
