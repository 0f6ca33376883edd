// The world: setup, the fault schedule, the event loop, the client workload and the checks.
#include "tests/sim/simulator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "chain/consensus/evidence.h"
#include "chain/model/quantity.h"
#include "tests/sim/sim_world.h"

namespace agritrace::sim {
namespace {

// Timeouts of the simulated validators: short, so that a run covers many heights, and in the
// same proportions as the defaults.
constexpr chain::ConsensusTimeouts kSimTimeouts{
    .propose_ms = 1000, .vote_ms = 500, .delta_ms = 250, .commit_delay_ms = 200,
    .rebroadcast_ms = 1000};
// A block closes this long after its first pending record (genesis block_delay_ms).
constexpr uint32_t kSimBlockDelayMs = 100;
constexpr int kMaxPartitions = 3, kMaxCrashes = 3;
// A node that crashed at a write or stopped itself comes back this long after.
constexpr int64_t kRestartMinMs = 200, kRestartMaxMs = 2000;
// Storage faults: the chance per write, drawn per seed from 1 up to these (percent).
constexpr int kMaxFsyncFailPercent = 5, kMaxWriteCrashPercent = 3;
// The client workload: every 50-500 ms, 1-3 harvests to one honest node that is up.
constexpr int64_t kSubmitGapMinMs = 50, kSubmitGapMaxMs = 500;
constexpr int kMaxRecordsPerSubmit = 3;
constexpr char kSimGtin[] = "06901234567892";

// The sim admin of the governance scenario: a participant with ROLE_ADMIN.
chain::PrivateKey SimAdmin() {
  return *chain::PrivateKey::FromBytes(chain::AsBytes(chain::Sha256("agritrace-sim admin")));
}

chain::Genesis SimGenesis(int validators, const chain::PrivateKey& farmer, bool governance) {
  chain::Genesis genesis;
  genesis.chain_id = kSimChainId;
  genesis.genesis_time_ms = kSimEpochMs;
  for (int i = 0; i < validators; ++i) {
    genesis.validators.push_back({"v" + std::to_string(i), DeterministicKey(i).public_key(), ""});
  }
  v1::Participant participant;
  participant.set_pubkey(chain::AsBytes(farmer.public_key()));
  participant.set_name("sim-farm");
  participant.add_roles(v1::ROLE_FARMER);
  genesis.participants.push_back(participant);
  if (governance) {
    v1::Participant admin;
    admin.set_pubkey(chain::AsBytes(SimAdmin().public_key()));
    admin.set_name("sim-admin");
    admin.add_roles(v1::ROLE_ADMIN);
    genesis.participants.push_back(admin);
  }
  genesis.params.chain_id = kSimChainId;
  genesis.block_delay_ms = kSimBlockDelayMs;
  genesis.hash = chain::Sha256("agritrace-sim genesis " + std::to_string(validators));
  return genesis;
}

std::string Short(const Hash256& hash) { return chain::ToHex(hash).substr(0, 12); }

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
    : seed_(seed),
      options_(options),
      rng_(seed),
      farmer_(*chain::PrivateKey::FromBytes(
          chain::AsBytes(chain::Sha256("agritrace-sim farmer")))),
      signed_(NodeCount(options)) {
  genesis_ = SimGenesis(options.validators, farmer_, options.governance);
  for (int i = 0; i < NodeCount(options); ++i) index_of_[DeterministicKey(i).public_key()] = i;
  schedule_.emplace(genesis_);
  admin_ = SimAdmin();
}

const chain::ConsensusTimeouts& World::timeouts() const { return kSimTimeouts; }

int World::IndexOf(const chain::PubKey& key) const {
  auto it = index_of_.find(key);
  return it == index_of_.end() ? -1 : it->second;
}

void World::Push(Event event) {
  event.seq = seq_++;
  queue_.push(std::move(event));
}

void World::SetUpNodes() {
  const int total = NodeCount(options_);
  nodes_.resize(total);
  for (int i = 0; i < total; ++i) {
    nodes_[i].index = i;
    nodes_[i].key = DeterministicKey(i);
    nodes_[i].store = std::make_unique<SimStore>(genesis_, nodes_[i].key.public_key());
    nodes_[i].store->set_bug_keep_removed(options_.bug_keep_removed);
  }
  // Byzantine behaviour goes to genesis validators only; the governance scenario's extra
  // nodes (observers until added) are honest.
  int n = options_.validators;
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
  blocked_.assign(total, std::vector<bool>(total, false));
  for (SimNode& node : nodes_) {
    if (!node.honest()) continue;
    node.store->SetFaultHook([this, &node](const char* what) { return StorageFault(node, what); });
  }
}

void World::ScheduleFaults() {
  loss_ = rng_.Uniform(0, 30) / 100.0;
  duplicate_ = rng_.Uniform(0, 10) / 100.0;
  delay_min_ms_ = rng_.Uniform(1, 20);
  delay_max_ms_ = delay_min_ms_ + rng_.Uniform(10, 300);
  if (options_.storage_faults) {
    fsync_fail_ = rng_.Uniform(1, kMaxFsyncFailPercent) / 100.0;
    write_crash_ = rng_.Uniform(1, kMaxWriteCrashPercent) / 100.0;
  }
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
  Push(Event{.at_ms = rng_.Uniform(0, kSubmitGapMaxMs), .kind = EventKind::kSubmit});
  if (options_.governance) Push(Event{.at_ms = 100, .kind = EventKind::kGovern});
}

// Only honest nodes' disks fail, and only while faults are on.
WriteFault World::StorageFault(SimNode& node, const char* what) {
  if (!faults_active_ || (fsync_fail_ == 0 && write_crash_ == 0)) return WriteFault::kNone;
  WriteFault fault = WriteFault::kNone;
  if (rng_.Chance(write_crash_)) {
    fault = WriteFault::kCrash;
  } else if (rng_.Chance(fsync_fail_)) {
    fault = WriteFault::kFsyncFails;
  }
  if (fault != WriteFault::kNone) {
    ++result_.storage_faults;
    Trace(fault == WriteFault::kCrash ? "storage-crash" : "storage-fsync-fails", node.index,
          what);
  }
  return fault;
}

SimResult World::Run() {
  spdlog::set_level(spdlog::level::off);  // the nodes' logs; the trace says what happened
  SetUpNodes();
  ScheduleFaults();
  for (SimNode& node : nodes_) {
    if (node.byzantine != ByzantineMode::kSilent) Start(node, /*restart=*/false);
  }
  while (!queue_.empty() && result_.ok) {
    Event event = queue_.top();
    queue_.pop();
    now_ms_ = event.at_ms;
    if (faults_active_ && now_ms_ >= options_.fault_ms) {
      faults_active_ = false;
      for (auto& row : blocked_) std::fill(row.begin(), row.end(), false);
      for (SimNode& node : nodes_) {
        if (!node.up() && node.byzantine != ByzantineMode::kSilent) Start(node, true);
      }
      liveness_target_ = MaxHonestHeight() + options_.liveness_blocks;
      liveness_deadline_ms_ = now_ms_ + options_.liveness_ms;
    }
    NoteEvidenceDue();
    if (!faults_active_ && (LivenessReached() || now_ms_ > liveness_deadline_ms_)) break;
    Handle(event);
  }
  if (result_.ok) CheckHostilesBanned();
  if (result_.ok) CheckEvidenceCommitted();
  if (result_.ok) CheckGovernanceDone();
  if (result_.ok && MinHonestHeight() < liveness_target_) {  // evidence due: reported above
    Violation("liveness: after faults stopped at " + std::to_string(options_.fault_ms) +
              " ms, honest nodes reached only height " + std::to_string(MinHonestHeight()) +
              " of " + std::to_string(liveness_target_) + " within " +
              std::to_string(options_.liveness_ms) + " ms");
  }
  result_.trace_hash = chain::ToHex(trace_.Finish());
  result_.min_height = MinHonestHeight();
  result_.max_height = MaxHonestHeight();
  result_.end_ms = now_ms_;
  result_.records = committed_records_.size();
  result_.evidence = committed_offences_.size();
  return result_;
}

void World::Handle(const Event& event) {
  SimNode& node = nodes_[event.node];
  switch (event.kind) {
    case EventKind::kDeliver:
      if (!node.up()) break;
      Deliver(node, event.from, event.message);
      AfterCall(node);
      break;
    case EventKind::kTick:
      if (!node.up() || event.epoch != node.epoch || event.at_ms != node.tick_at_ms) break;
      node.tick_at_ms = kNever;
      node.life->replica->Tick();
      AfterCall(node);
      break;
    case EventKind::kCrash:
      if (faults_active_ && node.up()) Crash(node, "");
      break;
    case EventKind::kRestart:
      if (!node.up() && node.byzantine != ByzantineMode::kSilent) Start(node, true);
      break;
    case EventKind::kPartition:
      if (faults_active_) StartPartition(event.from == 1);
      break;
    case EventKind::kHeal:
      for (auto& row : blocked_) std::fill(row.begin(), row.end(), false);
      Trace("heal", 0, "");
      break;
    case EventKind::kSubmit:
      SubmitRecords();
      break;
    case EventKind::kGovern:
      Govern();
      break;
  }
}

// A node comes up from its disk: committed chain and consensus safety state.
void World::Start(SimNode& node, bool restart) {
  node.store->Restarted();
  node.fatal.reset();
  node.life = std::make_unique<NodeLife>(this, &node);
  Trace(restart ? "restart" : "start", node.index, std::to_string(node.store->Tip().height));
  node.life->replica->Start();
  AfterCall(node);
}

void World::Crash(SimNode& node, std::string_view why) {
  node.life.reset();
  node.banned_until_ms.clear();  // bans and rate limits live in memory
  node.limits.clear();
  ++node.epoch;
  node.tick_at_ms = kNever;
  Trace("crash", node.index, why);
}

void World::AfterCall(SimNode& node) {
  if (!node.up()) return;
  const bool injected = node.store->TakeInjectedFault();
  if (!node.failed()) return ScheduleTick(node);
  if (node.fatal && node.honest() && !injected) {
    Violation("fatal: honest node " + std::to_string(node.index) +
              " stopped without an injected storage fault: " + node.fatal->ToString());
  }
  Crash(node, node.fatal ? node.fatal->ToString() : "at a write");
  node.fatal.reset();
  Push(Event{.at_ms = now_ms_ + rng_.Uniform(kRestartMinMs, kRestartMaxMs),
             .kind = EventKind::kRestart, .node = node.index});
}

void World::ScheduleTick(SimNode& node) {
  const int64_t at = std::max(now_ms_, node.life->replica->NextDeadlineMs());
  if (at >= node.tick_at_ms) return;  // a tick at least as early is queued
  node.tick_at_ms = at;
  Push(Event{.at_ms = at, .kind = EventKind::kTick, .node = node.index, .epoch = node.epoch});
}

void World::StartPartition(bool symmetric) {
  int n = static_cast<int>(nodes_.size());
  std::vector<int> group(n);
  for (int i = 0; i < n; ++i) group[i] = static_cast<int>(rng_.Uniform(0, 1));
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      blocked_[a][b] = symmetric ? group[a] != group[b] : (group[a] == 0 && group[b] == 1);
    }
  }
  Trace(symmetric ? "partition" : "partition-asym", 0, "");
}

// A client hands a few harvests to one honest node that is up, which gossips them.
void World::SubmitRecords() {
  std::vector<int> up;
  for (const SimNode& node : nodes_) {
    if (node.honest() && node.up()) up.push_back(node.index);
  }
  if (!up.empty()) {
    SimNode& node = nodes_[up[rng_.Uniform(0, static_cast<int64_t>(up.size()) - 1)]];
    google::protobuf::RepeatedPtrField<v1::Envelope> envelopes;
    const int count = static_cast<int>(rng_.Uniform(1, kMaxRecordsPerSubmit));
    for (int i = 0; i < count; ++i) *envelopes.Add() = NextRecord();
    Trace("submit", node.index, std::to_string(count) + " to " + std::to_string(records_made_));
    node.life->host.Submit(envelopes);
    AfterCall(node);
  }
  Push(Event{.at_ms = now_ms_ + rng_.Uniform(kSubmitGapMinMs, kSubmitGapMaxMs),
             .kind = EventKind::kSubmit});
}

// A harvest of a new lot, signed with auxiliary data derived from its number: the same seed
// signs the same bytes.
v1::Envelope World::NextRecord() {
  const uint64_t n = ++records_made_;
  v1::RecordBody body;
  body.set_chain_id(kSimChainId);
  body.set_timestamp_ms(clock_.WallMs());
  body.set_nonce(n);
  v1::Harvest* harvest = body.mutable_harvest();
  harvest->mutable_lot()->set_gtin(kSimGtin);
  harvest->mutable_lot()->set_lot("S" + std::to_string(n));
  harvest->set_commodity("rice");
  harvest->set_field("sim-field");
  *harvest->mutable_quantity() = *chain::ParseQuantity("10kg");
  v1::Envelope envelope;
  body.SerializeToString(envelope.mutable_body());
  const chain::Signature signature = farmer_.SignWithAux(
      chain::RecordSigningHash(envelope.body()), chain::Sha256("sim aux " + std::to_string(n)));
  envelope.set_signer(chain::AsBytes(farmer_.public_key()));
  envelope.set_signature(chain::AsBytes(signature));
  submitted_.insert(chain::ComputeRecordId(envelope.body(), envelope.signer(),
                                           envelope.signature()));
  return envelope;
}

void World::OnCommitted(SimNode& node, const node::CommittedBlock& block) {
  Trace("commit", node.index,
        std::to_string(block.height) + " " + Short(block.hash) + " " +
            std::to_string(block.record_ids.size()));
  if (!node.honest()) return;
  CheckValidity(node, block);
  auto [it, inserted] = decided_.try_emplace(block.height, block.hash);
  if (inserted) {
    // The first honest commit of each height comes in height order: the sets it defines
    // (from height + kValidatorChangeDelay) are known before any block they certify.
    auto stored = node.store->GetBlock(block.height);
    v1::BlockHeader header;
    if (stored.ok() && header.ParseFromString(stored->header())) {
      NoteValidatorChange(header, block.height);
    }
  }
  if (!inserted && it->second != block.hash) {
    Violation("agreement: height " + std::to_string(block.height) + ": node " +
              std::to_string(node.index) + " committed " + Short(block.hash) +
              " but another honest node committed " + Short(it->second));
  }
}

// The applier already checked the block against the rules; this checks what the run knows
// beyond one node: a quorum certificate, a proposer of the height, and records that a client
// submitted, each committed at one height only.
// Committed evidence verifies, names a byzantine validator, and each offence is committed
// once: at one height on every honest node, never again on a node that holds it.
void World::CheckEvidence(SimNode& node, const node::CommittedBlock& committed,
                          const v1::Block& block, const std::string& where) {
  if (committed.evidence.size() != static_cast<size_t>(block.evidence_size())) {
    return Violation(where + "the applier reported other evidence than the block holds");
  }
  for (int i = 0; i < block.evidence_size(); ++i) {
    auto offence = chain::VerifyEvidenceAt(block.evidence(i), kSimChainId,
                                           [this](uint64_t h) { return schedule_->SetAt(h); });
    if (!offence.ok()) return Violation(where + "evidence that does not verify: " +
                                        offence.status().ToString());
    if (nodes_[IndexOf(offence->validator)].honest()) {
      Violation(where + "evidence against honest validator " +
                std::to_string(IndexOf(offence->validator)));
    }
    if (node.store->EvidenceHeight(*offence) != committed.height) {
      Violation(where + "an offence committed again (first at height " +
                std::to_string(node.store->EvidenceHeight(*offence).value_or(0)) + ")");
    }
    auto [it, inserted] = committed_offences_.try_emplace(*offence, committed.height);
    if (!inserted && it->second != committed.height) {
      Violation(where + "an offence another honest node committed at height " +
                std::to_string(it->second));
    }
  }
}

// Evidence honest nodes found reaches the chain (and so every honest node's, by agreement
// and CheckEvidence). Offences found once the network is healthy (up to the height target)
// are all committed; found during faults, a finder may crash before its gossip arrives
// (pending evidence is held in memory), so then at least one must be.
void World::CheckEvidenceCommitted() {
  if (!found_evidence_.empty() && committed_offences_.empty()) {
    Violation("evidence: honest nodes found " + std::to_string(found_evidence_.size()) +
              " offences but none was committed");
  }
  if (!evidence_due_) return;  // the liveness check reports the height not reached
  for (const chain::Offence& offence : *evidence_due_) {
    if (!committed_offences_.count(offence)) {
      Violation("evidence: a " + std::string(chain::OffenceKindName(offence.kind)) +
                " at height " + std::to_string(offence.height) +
                " found after faults stopped was never committed");
    }
  }
}

void World::NoteEvidence(const SimNode& node, const v1::PeerMessage& message) {
  if (!node.honest() || !message.has_evidence()) return;
  auto offence = chain::CheckEvidenceShape(message.evidence());
  if (offence.ok()) found_evidence_.try_emplace(*offence, now_ms_);
}

void World::CheckValidity(SimNode& node, const node::CommittedBlock& committed) {
  const uint64_t height = committed.height;
  std::string where = "validity: node " + std::to_string(node.index) + " height " +
                      std::to_string(height) + ": ";
  auto block = node.store->GetBlock(height);
  v1::BlockHeader header;
  if (!block.ok() || !header.ParseFromString(block->header())) {
    return Violation(where + "the committed block is not in its store");
  }
  // The set of this height as the committed headers define it (not the node's own view).
  const chain::ValidatorSet validators = schedule_->SetAt(height);
  chain::Status status = chain::VerifyCertificate(block->certificate(), kSimChainId, height,
                                                  committed.hash, validators);
  if (!status.ok()) return Violation(where + "bad certificate: " + status.ToString());
  // The block was made by the proposer of some round up to the one that committed it.
  bool by_a_proposer = false;
  for (uint32_t r = 0; r <= block->certificate().round() && r < validators.validators.size();
       ++r) {
    by_a_proposer |=
        header.proposer() == chain::AsBytes(chain::ProposerFor(validators, height, r));
  }
  if (!by_a_proposer) Violation(where + "block not made by a proposer of its height");
  CheckEvidence(node, committed, *block, where);
  for (const Hash256& id : committed.record_ids) {
    if (!submitted_.count(id)) Violation(where + "a record no client submitted " + Short(id));
    auto [it, inserted] = committed_records_.try_emplace(id, height);
    if (!inserted && it->second != height) {
      Violation(where + "record " + Short(id) + " was committed at height " +
                std::to_string(it->second) + " already");
    }
  }
}

uint64_t World::MinHonestHeight() const {
  uint64_t low = UINT64_MAX;
  for (const SimNode& node : nodes_) {
    if (node.honest()) low = std::min(low, node.store->Tip().height);
  }
  return low == UINT64_MAX ? 0 : low;
}

uint64_t World::MaxHonestHeight() const {
  uint64_t high = 0;
  for (const SimNode& node : nodes_) {
    if (node.honest()) high = std::max(high, node.store->Tip().height);
  }
  return high;
}

// Also the evidence due committed: what honest nodes found between the end of faults and the
// height target (byzantine validators keep offending, so "nothing pending" may never come).
bool World::LivenessReached() const {
  if (faults_active_ || MinHonestHeight() < liveness_target_ || !evidence_due_) return false;
  if (!GovernanceDone()) return false;
  for (const chain::Offence& offence : *evidence_due_) {
    if (!committed_offences_.count(offence)) return false;
  }
  return true;
}

void World::NoteEvidenceDue() {
  if (faults_active_ || evidence_due_ || MinHonestHeight() < liveness_target_) return;
  evidence_due_.emplace();
  for (const auto& [offence, found_ms] : found_evidence_) {
    if (found_ms >= options_.fault_ms) evidence_due_->insert(offence);
  }
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

int NodeCount(const SimOptions& options) {
  return options.validators + (options.governance ? kGovernanceExtraNodes : 0);
}

SimResult RunSimulation(uint64_t seed, const SimOptions& options) {
  World world(seed, options);
  return world.Run();
}

}  // namespace agritrace::sim
