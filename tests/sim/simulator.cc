#include "tests/sim/simulator.h"

#include <algorithm>
#include <cstdio>

#include "tests/sim/sim_world.h"

namespace agritrace::sim {
namespace {

// Timeouts of the simulated validators: short, so that a run covers many heights, and in the
// same proportions as the defaults.
constexpr chain::ConsensusTimeouts kSimTimeouts{
    .propose_ms = 1000, .vote_ms = 500, .delta_ms = 250, .commit_delay_ms = 200,
    .rebroadcast_ms = 1000};
constexpr int kMaxPartitions = 3, kMaxCrashes = 3;

}  // namespace

std::string ByzantineModeName(ByzantineMode mode) {
  switch (mode) {
    case ByzantineMode::kSilent: return "silent";
    case ByzantineMode::kEquivocatingProposer: return "equivocating-proposer";
    case ByzantineMode::kDoubleVoter: return "double-voter";
    case ByzantineMode::kCollude: return "collude";
    case ByzantineMode::kForger: return "forger";
    case ByzantineMode::kBadCertificate: return "bad-certificate";
    case ByzantineMode::kFlooder: return "flooder";
  }
  return "unknown";
}

World::World(uint64_t seed, const SimOptions& options)
    : seed_(seed), options_(options), rng_(seed) {
  config_.chain_id = kSimChainId;
  config_.timeouts = kSimTimeouts;
  for (int i = 0; i < options.validators; ++i) {
    config_.validators.validators.push_back(DeterministicKey(i).public_key());
  }
}

void World::Push(Event event) {
  event.seq = seq_++;
  queue_.push(std::move(event));
}

void World::SetUpNodes() {
  int n = options_.validators;
  nodes_.resize(n);
  for (int i = 0; i < n; ++i) {
    nodes_[i].index = i;
    nodes_[i].key = DeterministicKey(i);
    nodes_[i].app.pending = false;
  }
  static constexpr ByzantineMode kRotation[] = {
      ByzantineMode::kSilent, ByzantineMode::kEquivocatingProposer, ByzantineMode::kDoubleVoter,
      ByzantineMode::kCollude};
  ByzantineMode mode = options_.fixed_mode        ? options_.mode
                       : options_.byzantine >= 2 ? ByzantineMode::kCollude
                                                 : kRotation[seed_ % 4];
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = n - 1; i > 0; --i) std::swap(order[i], order[rng_.Uniform(0, i)]);
  for (int k = 0; k < std::min(options_.byzantine, n); ++k) nodes_[order[k]].byzantine = mode;
  // Honest nodes alternate sides in shuffled order, so both sides have one when possible.
  int next_side = 0;
  for (int k = options_.byzantine; k < n; ++k) nodes_[order[k]].side = (next_side++) % 2;
  blocked_.assign(n, std::vector<bool>(n, false));
}

void World::ScheduleFaults() {
  loss_ = rng_.Uniform(0, 30) / 100.0;
  duplicate_ = rng_.Uniform(0, 10) / 100.0;
  delay_min_ms_ = rng_.Uniform(1, 20);
  delay_max_ms_ = delay_min_ms_ + rng_.Uniform(10, 300);
  int64_t span = options_.fault_ms;
  int partitions = static_cast<int>(rng_.Uniform(0, kMaxPartitions));
  for (int i = 0; i < partitions; ++i) {
    Event start{.at_ms = rng_.Uniform(0, span - 1), .kind = EventKind::kPartition};
    start.from = rng_.Chance(0.5) ? 1 : 0;  // symmetric?
    Event heal{.at_ms = start.at_ms + rng_.Uniform(500, 4000), .kind = EventKind::kHeal};
    Push(start);
    Push(heal);
  }
  std::vector<int> honest;
  for (const SimNode& node : nodes_) {
    if (node.honest()) honest.push_back(node.index);
  }
  int crashes = honest.empty() ? 0 : static_cast<int>(rng_.Uniform(0, kMaxCrashes));
  for (int i = 0; i < crashes; ++i) {
    int node = honest[rng_.Uniform(0, static_cast<int64_t>(honest.size()) - 1)];
    int64_t at = rng_.Uniform(0, span - 1);
    Push(Event{.at_ms = at, .kind = EventKind::kCrash, .node = node});
    Push(Event{.at_ms = at + rng_.Uniform(200, 5000), .kind = EventKind::kRestart, .node = node});
  }
  if (!honest.empty()) {
    int node = honest[rng_.Uniform(0, static_cast<int64_t>(honest.size()) - 1)];
    Push(Event{.at_ms = rng_.Uniform(0, 500), .kind = EventKind::kRecords, .node = node});
  }
}

SimResult World::Run() {
  SetUpNodes();
  ScheduleFaults();
  for (SimNode& node : nodes_) {
    if (node.byzantine == ByzantineMode::kSilent) continue;
    node.engine = std::make_unique<chain::ConsensusEngine>(config_, node.key, 0, &node.app,
                                                           &node.store);
    Drive(node, node.engine->Start(0));
  }
  while (!queue_.empty() && result_.ok) {
    Event event = queue_.top();
    queue_.pop();
    now_ms_ = event.at_ms;
    if (faults_active_ && now_ms_ >= options_.fault_ms) {
      faults_active_ = false;
      for (auto& row : blocked_) std::fill(row.begin(), row.end(), false);
      for (SimNode& node : nodes_) {
        if (node.honest() && !node.up()) Restart(node);
      }
      liveness_target_ = MaxHonestHeight() + options_.liveness_blocks;
      liveness_deadline_ms_ = now_ms_ + options_.liveness_ms;
    }
    if (!faults_active_ && (LivenessReached() || now_ms_ > liveness_deadline_ms_)) break;
    Handle(event);
  }
  if (result_.ok) CheckHostilesBanned();
  if (result_.ok && !LivenessReached()) {
    Violation("liveness: after faults stopped at " + std::to_string(options_.fault_ms) +
              " ms, honest nodes reached only height " + std::to_string(MinHonestHeight()) +
              " of " + std::to_string(liveness_target_) + " within " +
              std::to_string(options_.liveness_ms) + " ms");
  }
  result_.trace_hash = chain::ToHex(trace_.Finish());
  result_.min_height = MinHonestHeight();
  result_.max_height = MaxHonestHeight();
  result_.end_ms = now_ms_;
  return result_;
}

void World::Handle(const Event& event) {
  SimNode& node = nodes_[event.node];
  switch (event.kind) {
    case EventKind::kDeliver:
      if (node.up()) Deliver(node, event.from, *event.message);
      break;
    case EventKind::kTimer:
      if (node.up() && event.epoch == node.epoch) {
        Drive(node, node.engine->OnTimeout(event.timer, now_ms_));
      }
      break;
    case EventKind::kCrash:
      if (faults_active_ && node.up()) Crash(node);
      break;
    case EventKind::kRestart:
      if (!node.up() && node.honest()) Restart(node);
      break;
    case EventKind::kPartition:
      if (faults_active_) StartPartition(event.from == 1);
      break;
    case EventKind::kHeal:
      for (auto& row : blocked_) std::fill(row.begin(), row.end(), false);
      Trace("heal", 0, "");
      break;
    case EventKind::kRecords:
      for (SimNode& each : nodes_) each.app.pending = true;
      if (node.up()) Drive(node, node.engine->OnRecordsAvailable(now_ms_));
      break;
  }
}

void World::Crash(SimNode& node) {
  node.engine.reset();
  node.banned_until_ms.clear();  // bans and rate limits live in memory
  node.limits.clear();
  ++node.epoch;
  Trace("crash", node.index, "");
}

void World::Restart(SimNode& node) {
  node.engine = std::make_unique<chain::ConsensusEngine>(
      config_, node.key, node.app.committed_height(), &node.app, &node.store);
  Trace("restart", node.index, std::to_string(node.app.committed_height()));
  Drive(node, node.engine->Start(now_ms_));
}

void World::StartPartition(bool symmetric) {
  int n = options_.validators;
  std::vector<int> group(n);
  for (int i = 0; i < n; ++i) group[i] = static_cast<int>(rng_.Uniform(0, 1));
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      blocked_[a][b] = symmetric ? group[a] != group[b] : (group[a] == 0 && group[b] == 1);
    }
  }
  Trace(symmetric ? "partition" : "partition-asym", 0, "");
}

uint64_t World::MinHonestHeight() const {
  uint64_t low = UINT64_MAX;
  for (const SimNode& node : nodes_) {
    if (node.honest()) low = std::min(low, node.app.committed_height());
  }
  return low == UINT64_MAX ? 0 : low;
}

uint64_t World::MaxHonestHeight() const {
  uint64_t high = 0;
  for (const SimNode& node : nodes_) {
    if (node.honest()) high = std::max(high, node.app.committed_height());
  }
  return high;
}

bool World::LivenessReached() const {
  return !faults_active_ && MinHonestHeight() >= liveness_target_;
}

void World::Violation(const std::string& what) {
  result_.ok = false;
  result_.violations.push_back(what);
}

void World::Trace(std::string_view kind, int node, std::string_view data) {
  std::string line = std::to_string(now_ms_) + " " + std::string(kind) + " " +
                     std::to_string(node) + " " + std::string(data) + "\n";
  trace_.Add(line);
  if (options_.verbose) std::fputs(line.c_str(), stdout);
}

SimResult RunSimulation(uint64_t seed, const SimOptions& options) {
  World world(seed, options);
  return world.Run();
}

}  // namespace agritrace::sim
