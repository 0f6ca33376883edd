// Runs a pre-signed workload against nodes over gRPC and measures submit-to-commit latency.
//
// Submitter threads send each journey's records in order (no-wait submits); a watcher follows
// new blocks and notes when each record is first seen committed. Latency = seen committed -
// submitted, so it includes the watcher's polling interval (kPollInterval, a few ms).
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
  double rate = 0;                 // records/s offered in total; 0 = as fast as possible
  uint32_t commit_timeout_ms = 60'000;
};

struct RunReport {
  size_t submitted = 0;
  size_t accepted = 0;
  size_t committed = 0;
  double submit_seconds = 0;       // first submit to last submit
  double commit_seconds = 0;       // first submit to last commit seen
  std::map<std::string, size_t> failures;  // reason code -> count
  std::vector<double> latencies_ms;        // sorted
  double Percentile(double p) const;
};

RunReport RunLoad(const std::vector<std::vector<v1::Envelope>>& journeys, const RunOptions& options);

// Submits records (no wait) one by one to `node`, then waits until the last is committed.
// Returns the number that failed; stops at the first failure when `stop_on_failure`.
size_t SubmitAndWait(const std::string& node, const std::vector<v1::Envelope>& records,
                     std::map<std::string, size_t>& failures);

// BIP-340 verifications per second on `threads` threads, measured for `seconds`.
double MeasureRawVerifyRate(unsigned threads, double seconds);

}  // namespace agritrace::bench
