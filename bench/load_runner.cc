#include "bench/load_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "chain/base/hash.h"
#include "chain/base/limits.h"
#include "chain/model/record.h"
#include "wallet-cli/node_client.h"

namespace agritrace::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(5);
constexpr uint32_t kCallTimeoutMs = 30'000;
// MEMPOOL_FULL: pause, then send again; give up after this many calls in a row without progress.
constexpr int kMaxFullRetries = 2000;
constexpr auto kFullBackoff = std::chrono::milliseconds(5);
// Under rate control a batch holds at most this much of a thread's schedule, so the offered
// load arrives smoothly rather than in bursts of `batch`.
constexpr double kMaxBatchWindowS = 0.020;
const std::string kMempoolFull(chain::ReasonName(chain::Reason::kMempoolFull));

std::string IdOf(const v1::Envelope& e) {
  return chain::AsBytes(chain::ComputeRecordId(e.body(), e.signer(), e.signature()));
}

struct Shared {
  std::mutex mu;
  std::unordered_map<std::string, Clock::time_point> submitted;  // GUARDED_BY(mu)
  std::map<std::string, size_t> failures;                        // GUARDED_BY(mu)
  Clock::time_point last_submit;                                 // GUARDED_BY(mu)
  std::atomic<size_t> accepted{0};
  std::atomic<size_t> outcomes{0};  // accepted + failed journeys
  std::atomic<size_t> calls{0};
  std::atomic<size_t> full_retries{0};
  std::atomic<size_t> committed{0};  // records the watcher has seen committed
  std::atomic<bool> submitting_done{false};
  std::atomic<bool> stop_watcher{false};
};

// A journey in flight on one submitter thread: `next` is its first record not yet admitted.
struct Cursor {
  const std::vector<v1::Envelope>* records;
  size_t next = 0;
  bool dead = false;  // a record was rejected; the rest depends on it
  bool done() const { return dead || next == records->size(); }
};

// One call: SubmitRecord for a single record (the classic path), SubmitRecords otherwise.
// Returns one reason per envelope, empty = admitted; a failed call (transport, deadline)
// gives every envelope its reason.
std::vector<std::string> Send(wallet::NodeClient& client, bool unary,
                              const std::vector<v1::Envelope>& batch) {
  auto reason_of = [](const chain::Status& s) {
    return std::string(chain::ReasonName(s.reason()));
  };
  if (unary) {
    auto r = client.SubmitRecord(batch.front(), /*wait_for_commit=*/false);
    return {r.ok() ? "" : reason_of(r.status())};
  }
  auto r = client.SubmitRecords(batch);
  if (!r.ok()) return std::vector<std::string>(batch.size(), reason_of(r.status()));
  if (static_cast<size_t>(r->results_size()) != batch.size()) {
    return std::vector<std::string>(batch.size(), "BAD_RESPONSE");
  }
  std::vector<std::string> reasons;
  for (const auto& result : r->results()) reasons.push_back(result.reason());
  return reasons;
}

class Submitter {
 public:
  Submitter(size_t index, const std::vector<std::vector<v1::Envelope>>& journeys,
            const RunOptions& options, Clock::time_point start, Shared& shared)
      : journeys_(journeys),
        options_(options),
        start_(start),
        shared_(shared),
        client_(options.nodes[index % options.nodes.size()], kCallTimeoutMs),
        next_journey_(index) {
    per_thread_rate_ = options.rate / options.threads;
    max_batch_ = std::min(std::max<size_t>(1, options.batch), chain::kMaxSubmitBatchRecords);
    if (per_thread_rate_ > 0) {
      max_batch_ = std::min(max_batch_, std::max<size_t>(1, per_thread_rate_ * kMaxBatchWindowS));
    }
  }

  void Run() {
    int full_streak = 0;
    for (;;) {
      Fill();
      if (batch_.empty()) return;
      Pace();
      const auto t = Clock::now();
      const std::vector<std::string> reasons = Send(client_, options_.batch <= 1, batch_);
      shared_.calls++;
      const size_t admitted = Settle(reasons, t);
      full_streak = admitted > 0 || deferred_ == 0 ? 0 : full_streak + 1;
      if (full_streak > kMaxFullRetries) return GiveUp();
      if (deferred_ > 0) std::this_thread::sleep_for(kFullBackoff);
    }
  }

 private:
  // Builds the next call: the remaining records of journeys in flight, then new journeys.
  void Fill() {
    std::erase_if(active_, [](const Cursor& c) { return c.done(); });
    batch_.clear();
    parts_.clear();
    for (size_t i = 0;; ++i) {
      if (i == active_.size()) {
        if (next_journey_ >= journeys_.size()) break;
        active_.push_back(Cursor{&journeys_[next_journey_], 0});
        next_journey_ += options_.threads;
        if (active_.back().done()) continue;  // an empty journey (cut to zero records)
      }
      Cursor& c = active_[i];
      const size_t take = std::min(c.records->size() - c.next, max_batch_ - batch_.size());
      parts_.push_back({i, take});
      batch_.insert(batch_.end(), c.records->begin() + c.next, c.records->begin() + c.next + take);
      if (batch_.size() == max_batch_) break;
    }
  }

  void Pace() {
    if (per_thread_rate_ <= 0) return;
    std::this_thread::sleep_until(start_ +
                                  std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(sent_ / per_thread_rate_)));
    sent_ += batch_.size();
  }

  // Applies one call's outcome to the cursors; returns how many records were admitted.
  size_t Settle(const std::vector<std::string>& reasons, Clock::time_point t) {
    std::lock_guard lock(shared_.mu);
    shared_.last_submit = std::max(shared_.last_submit, Clock::now());
    size_t admitted = 0, first = 0;
    deferred_ = 0;
    for (const auto& [cursor, count] : parts_) {
      Cursor& c = active_[cursor];
      for (size_t k = 0; k < count; ++k) {
        const std::string& reason = reasons[first + k];
        if (reason.empty()) {
          shared_.submitted[IdOf(batch_[first + k])] = t;
          shared_.accepted++;
          shared_.outcomes++;
          ++admitted;
          ++c.next;
          continue;
        }
        if (reason == kMempoolFull) {
          // This record and the rest of its journey in the batch go again, in order.
          ++deferred_;
          shared_.full_retries += count - k;
        } else {
          shared_.failures[reason]++;
          shared_.outcomes++;
          c.dead = true;
        }
        break;
      }
      first += count;
    }
    return admitted;
  }

  void GiveUp() {
    std::lock_guard lock(shared_.mu);
    for (const Cursor& c : active_) {
      if (c.done()) continue;
      shared_.failures[kMempoolFull]++;
      shared_.outcomes++;
    }
  }

  const std::vector<std::vector<v1::Envelope>>& journeys_;
  const RunOptions& options_;
  const Clock::time_point start_;
  Shared& shared_;
  wallet::NodeClient client_;
  double per_thread_rate_ = 0;
  size_t max_batch_ = 1;
  size_t next_journey_;
  size_t sent_ = 0;      // records sent, for pacing
  size_t deferred_ = 0;  // journeys deferred by MEMPOOL_FULL in the last call
  std::vector<Cursor> active_;
  std::vector<v1::Envelope> batch_;
  std::vector<std::pair<size_t, size_t>> parts_;  // (cursor in active_, records) per batch slice
};

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

RunReport RunLoad(const std::vector<std::vector<v1::Envelope>>& journeys,
                  const RunOptions& options) {
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
    submitters.emplace_back([&, i] { Submitter(i, journeys, options, start, shared).Run(); });
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
  report.submitted = shared.outcomes;
  report.calls = shared.calls;
  report.full_retries = shared.full_retries;
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
                     std::map<std::string, size_t>& failures, size_t batch, uint64_t* height) {
  if (records.empty()) return 0;
  wallet::NodeClient client(node, kCallTimeoutMs);
  size_t failed = 0;
  auto fail = [&](const std::string& reason) {
    failures[reason]++;
    ++failed;
  };
  // Everything but the last record without waiting, then the last one waiting for its commit:
  // the node commits in order, so the rest is on the chain by then.
  const size_t step = std::clamp<size_t>(batch, 1, chain::kMaxSubmitBatchRecords);
  for (size_t i = 0; i + 1 < records.size(); i += step) {
    const size_t end = std::min(i + step, records.size() - 1);
    std::vector<v1::Envelope> chunk(records.begin() + i, records.begin() + end);
    for (const std::string& reason : Send(client, step == 1, chunk)) {
      if (!reason.empty()) fail(reason);
    }
  }
  auto r = client.SubmitRecord(records.back(), /*wait_for_commit=*/true);
  if (!r.ok()) fail(std::string(chain::ReasonName(r.status().reason())));
  if (r.ok() && height) *height = r->height();
  return failed;
}

bool WaitForHeight(const std::vector<std::string>& nodes, uint64_t height, uint32_t timeout_ms) {
  const auto give_up = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (const std::string& node : nodes) {
    wallet::NodeClient client(node, kCallTimeoutMs);
    for (;;) {
      auto status = client.Status();
      if (status.ok() && status->height() >= height) break;
      if (Clock::now() > give_up) return false;
      std::this_thread::sleep_for(kPollInterval);
    }
  }
  return true;
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
