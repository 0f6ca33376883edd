// The deterministic simulator: n validators, each running the node's own replication code
// (node::Replica: consensus driver and engine, block sync, block applier, mempool, admission
// checks) in one thread, with a virtual clock, a seeded network (delays, loss, duplication,
// reordering, partitions), an in-memory store per node with optional storage faults (a failed
// fsync, a crash that loses the write in progress), crashes with restart from each node's
// store, a client workload of real signed records, and Byzantine validators. Everything
// random comes from the seed, so a failing seed replays exactly (same trace hash).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agritrace::sim {

enum class ByzantineMode {
  kSilent,                // never sends anything
  kEquivocatingProposer,  // as proposer, sends one block to some validators, another to others
  kDoubleVoter,           // sends conflicting votes to different validators
  kCollude,               // both of the above, split consistently with the other Byzantines
  // Hostile peers: each also votes honestly, so it is banned for what it adds.
  kForger,          // also sends forged votes (corrupted signature, another validator's name,
                    // a non-member's key) and malformed ones (truncated key, garbage header)
  kBadCertificate,  // also announces to every node blocks whose certificates are forged
  kFlooder,         // sends every message hundreds of times, past the per-peer rate limit
};
std::string ByzantineModeName(ByzantineMode mode);

struct SimOptions {
  int validators = 4;
  int byzantine = 0;
  // When unset, each seed picks a mode (kCollude when byzantine >= 2, so that colluders
  // actually try to fork; otherwise rotating through all modes).
  bool fixed_mode = false;
  ByzantineMode mode = ByzantineMode::kCollude;
  // Storage faults during the fault phase: failed fsyncs and crashes at a write.
  bool storage_faults = false;
  int64_t fault_ms = 12'000;     // faults (loss, partitions, crashes) happen before this
  int64_t liveness_ms = 60'000;  // after faults stop, every honest node must gain...
  uint64_t liveness_blocks = 3;  // ...this many blocks within liveness_ms
  bool verbose = false;
  // Validator-set governance (issue 17): two extra nodes start as observers (keys
  // DeterministicKey(validators), (validators + 1)); a sim admin proposes, and the validators
  // in force approve, by real records: add the first, remove v0, rotate v1's key to the second.
  // The run fails unless every change took effect; each certificate is checked against the
  // set of its height as the committed headers define it.
  bool governance = false;
  // Negative control: every node's store forgets removals (a removed validator stays in the
  // later sets), so a removed validator's signature is counted: the checker must see it.
  bool bug_keep_removed = false;
};

struct SimResult {
  bool ok = true;
  std::vector<std::string> violations;  // "agreement: ...", "validity: ...", "safety: ", ...
  std::string trace_hash;               // hex SHA-256 over every event of the run
  uint64_t min_height = 0;              // lowest committed height among honest nodes at the end
  uint64_t max_height = 0;
  uint64_t messages = 0;
  int64_t end_ms = 0;
  uint64_t bans = 0;  // peers banned by honest nodes (only hostile ones, or it is a violation)
  uint64_t records = 0;         // records committed (each once, on every honest node)
  uint64_t evidence = 0;        // offences committed (each once, on every honest node)
  uint64_t storage_faults = 0;  // writes failed or crashed by injection
  uint64_t validator_changes = 0;  // governance changes decided on the chain
};

SimResult RunSimulation(uint64_t seed, const SimOptions& options);
// Nodes of a run: the validators, plus kGovernanceExtraNodes with `governance`.
inline constexpr int kGovernanceExtraNodes = 2;
int NodeCount(const SimOptions& options);

}  // namespace agritrace::sim
