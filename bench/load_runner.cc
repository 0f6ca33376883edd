#include "bench/load_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "chain/hash.h"
#include "chain/record.h"
#include "wallet-cli/node_client.h"

namespace agritrace::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(5);
constexpr uint32_t kCallTimeoutMs = 30'000;
// MEMPOOL_FULL is back-pressure, not failure: retry after a pause, a bounded number of times.
constexpr int kMaxFullRetries = 2000;
constexpr auto kFullBackoff = std::chrono::milliseconds(5);

std::string IdOf(const v1::Envelope& e) {
  return chain::AsBytes(chain::ComputeRecordId(e.body(), e.signer(), e.signature()));
}

struct Shared {
  std::mutex mu;
  std::unordered_map<std::string, Clock::time_point> submitted;  // GUARDED_BY(mu)
  std::map<std::string, size_t> failures;                        // GUARDED_BY(mu)
  std::atomic<size_t> accepted{0};
  std::atomic<size_t> sent{0};
  std::atomic<size_t> committed{0};  // records the watcher has seen committed
  std::atomic<bool> submitting_done{false};
  std::atomic<bool> stop_watcher{false};
  Clock::time_point last_submit;  // GUARDED_BY(mu)
};

chain::Status SubmitWithRetry(wallet::NodeClient& client, const v1::Envelope& e) {
  for (int attempt = 0;; ++attempt) {
    auto r = client.SubmitRecord(e, /*wait_for_commit=*/false);
    if (r.ok()) return chain::Status::Ok();
    if (r.status().reason() != chain::Reason::kMempoolFull || attempt >= kMaxFullRetries) {
      return r.status();
    }
    std::this_thread::sleep_for(kFullBackoff);
  }
}

void Submitter(size_t index, const std::vector<std::vector<v1::Envelope>>& journeys,
               const RunOptions& options, Clock::time_point start, Shared& shared) {
  wallet::NodeClient client(options.nodes[index % options.nodes.size()], kCallTimeoutMs);
  const double per_thread_rate = options.rate / options.threads;
  size_t sent_here = 0;
  for (size_t j = index; j < journeys.size(); j += options.threads) {
    for (const v1::Envelope& e : journeys[j]) {
      if (per_thread_rate > 0) {
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(sent_here / per_thread_rate)));
      }
      ++sent_here;
      const auto t = Clock::now();
      shared.sent++;
      chain::Status status = SubmitWithRetry(client, e);
      std::lock_guard lock(shared.mu);
      shared.last_submit = std::max(shared.last_submit, Clock::now());
      if (!status.ok()) {
        shared.failures[std::string(chain::ReasonName(status.reason()))]++;
        break;  // the rest of this journey depends on this record
      }
      shared.submitted[IdOf(e)] = t;
      shared.accepted++;
    }
  }
}

// Follows new blocks on `node` and notes when each record id is first seen committed.
void Watcher(const std::string& node, uint64_t from_height, Shared& shared,
             std::unordered_map<std::string, Clock::time_point>& committed) {
  wallet::NodeClient client(node, kCallTimeoutMs);
  uint64_t height = from_height;
  while (!shared.stop_watcher) {
    if (shared.submitting_done && shared.committed >= shared.accepted) return;
    auto status = client.Status();
    if (status.ok()) {
      for (; height < status->height(); ++height) {
        auto block = client.GetBlock(height + 1);
        if (!block.ok()) break;
        const auto seen = Clock::now();
        for (const auto& e : block->block().records()) committed.emplace(IdOf(e), seen);
        shared.committed = committed.size();
      }
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

double RunReport::Percentile(double p) const {
  if (latencies_ms.empty()) return 0;
  size_t i = static_cast<size_t>(p / 100.0 * (latencies_ms.size() - 1) + 0.5);
  return latencies_ms[std::min(i, latencies_ms.size() - 1)];
}

RunReport RunLoad(const std::vector<std::vector<v1::Envelope>>& journeys, const RunOptions& options) {
  Shared shared;
  std::unordered_map<std::string, Clock::time_point> committed;
  wallet::NodeClient probe(options.nodes.front(), kCallTimeoutMs);
  auto status = probe.Status();
  const uint64_t from_height = status.ok() ? status->height() : 0;
  const auto start = Clock::now();
  shared.last_submit = start;
  std::thread watcher(Watcher, options.nodes.front(), from_height, std::ref(shared),
                      std::ref(committed));
  std::vector<std::thread> submitters;
  for (size_t i = 0; i < options.threads; ++i) {
    submitters.emplace_back(Submitter, i, std::cref(journeys), std::cref(options), start,
                            std::ref(shared));
  }
  for (auto& t : submitters) t.join();
  shared.submitting_done = true;
  // The watcher returns once everything accepted is committed; bound the wait.
  const auto give_up = Clock::now() + std::chrono::milliseconds(options.commit_timeout_ms);
  while (Clock::now() < give_up && shared.committed < shared.accepted) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  shared.stop_watcher = true;
  watcher.join();

  RunReport report;
  report.submitted = shared.sent;
  report.failures = shared.failures;
  Clock::time_point last_commit = start;
  for (const auto& [id, t_submit] : shared.submitted) {
    report.accepted++;
    auto it = committed.find(id);
    if (it == committed.end()) {
      report.failures["NOT_COMMITTED"]++;
      continue;
    }
    report.committed++;
    last_commit = std::max(last_commit, it->second);
    report.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(it->second - t_submit).count());
  }
  std::sort(report.latencies_ms.begin(), report.latencies_ms.end());
  report.submit_seconds = std::chrono::duration<double>(shared.last_submit - start).count();
  report.commit_seconds = std::chrono::duration<double>(last_commit - start).count();
  return report;
}

size_t SubmitAndWait(const std::string& node, const std::vector<v1::Envelope>& records,
                     std::map<std::string, size_t>& failures) {
  wallet::NodeClient client(node, kCallTimeoutMs);
  size_t failed = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const bool last = i + 1 == records.size();
    auto r = client.SubmitRecord(records[i], /*wait_for_commit=*/last);
    if (!r.ok()) {
      failures[std::string(chain::ReasonName(r.status().reason()))]++;
      ++failed;
    }
  }
  return failed;
}

double MeasureRawVerifyRate(unsigned threads, double seconds) {
  constexpr size_t kSamples = 64;
  std::vector<std::tuple<chain::PubKey, chain::Hash256, chain::Signature>> samples;
  for (size_t i = 0; i < kSamples; ++i) {
    chain::PrivateKey key = chain::PrivateKey::Generate();
    chain::Hash256 msg = chain::Sha256(std::to_string(i));
    samples.emplace_back(key.public_key(), msg, key.Sign(msg));
  }
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  const auto stop = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(seconds));
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      uint64_t n = 0;
      while (Clock::now() < stop) {
        const auto& [pub, msg, sig] = samples[n % kSamples];
        if (!chain::VerifySchnorr(pub, msg, sig)) failed = true;
        ++n;
      }
      total += n;
    });
  }
  for (auto& w : workers) w.join();
  return failed ? 0 : total / seconds;
}

}  // namespace agritrace::bench
