// BlockApplier: the one place where blocks become committed chain state.
//
// Every block that enters the store passes here, whether consensus decided it or block sync
// fetched it: its shape, its place on the chain (height, previous hash, time), its commit
// certificate against the validator set of its height (issue 17: ValidatorSchedule over the
// committed governance state, refreshed after each commit), every record (signature, through the
// VerifiedRecords cache, and every rule through chain::ApplyRecord) and every evidence
// (chain::VerifyEvidence, its offence not committed before, and within the age window,
// EvidenceCommittable) are checked before
// BlockStore::CommitBlock writes it, all or nothing. It also builds proposals and judges
// proposed blocks, with the same rules.
//
// Thread-safety: not thread-safe; the replica's thread makes every call (the node's
// ReplicaRunner, or the simulator), which also makes check-then-commit atomic and keeps one
// committer, as BlockStore requires. PreVerify alone may run beside it on another thread: it
// reads only the genesis and the validator sets (Validators, an atomic snapshot) and fills
// VerifiedRecords (thread-safe).
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "chain/model/block_store.h"
#include "chain/model/genesis.h"
#include "chain/model/validator_set.h"
#include "node/mempool/verified_records.h"
#include "node/replication/clock.h"

namespace agritrace::node {

struct CommittedBlock {
  uint64_t height = 0;
  chain::Hash256 hash{};
  int64_t time_ms = 0;
  std::vector<chain::Hash256> record_ids;  // in block order
  std::vector<chain::Offence> evidence;    // the offences its evidence proves, in block order
  // Time from when this node built the block or first judged it as a proposal to its durable
  // commit, on this node's steady clock; unset for a block it first saw certified (synced or
  // announced), whose age says nothing about this node's commit path.
  std::optional<int64_t> proposal_to_commit_ms;
};

// Proposals whose first sighting is remembered for CommittedBlock::proposal_to_commit_ms: a
// few rounds' worth, so a byzantine proposer's stream of blocks cannot grow the map.
inline constexpr size_t kMaxTrackedProposals = 64;

// A run of synced blocks is written in one commit of at most this many blocks and about this
// many bytes of blocks (the last block may pass it): fewer synced writes, bounded memory.
inline constexpr size_t kMaxStagedBlocks = chain::kMaxBlocksPerCommit;
inline constexpr size_t kMaxStagedBytes = 16 * 1024 * 1024;

class BlockApplier {
 public:
  // All pointers must outlive the applier.
  BlockApplier(const chain::Genesis* genesis, chain::BlockStore* store, VerifiedRecords* verified,
               const Clock* clock);

  // The validator sets of the committed chain: every height up to `known_until` (tip +
  // kValidatorChangeDelay) is certified by schedule.SetAt(height).
  struct KnownValidators {
    chain::ValidatorSchedule schedule;
    uint64_t known_until = 0;
  };
  // A snapshot, refreshed after each commit; thread-safe.
  std::shared_ptr<const KnownValidators> Validators() const;
  // The set of `height`; nullopt when it is not known yet (height > tip +
  // kValidatorChangeDelay). Thread-safe.
  std::optional<chain::ValidatorSet> ValidatorsAt(uint64_t height) const;

  // Called after every commit, in commit order.
  void SetCommitListener(std::function<void(const CommittedBlock&)> listener) {
    listener_ = std::move(listener);
  }

  // A block for `height` from `candidates` (in order), skipping any that no longer apply, with
  // the verified `evidence` (up to kMaxBlockEvidence) whose offences are still to commit.
  v1::Block Build(uint64_t height, int64_t now_ms, const chain::PubKey& proposer,
                  const std::vector<chain::RecordPtr>& candidates,
                  const std::vector<v1::Evidence>& evidence = {}) const;
  // Whether a block at `height` may commit evidence of `offence`: not committed before, at
  // most `height`, and at most kMaxEvidenceAgeHeights below it. REPLAY when it is committed,
  // MALFORMED when out of the window.
  chain::Status EvidenceCommittable(uint64_t height, const chain::Offence& offence) const;
  // Whether an uncertified block is a valid next block at `height` (records and place), and
  // its time at most max_record_future_ms ahead of `now_ms`.
  chain::Status Validate(uint64_t height, const v1::Block& block, int64_t now_ms) const;

  // Verifies a certified block and commits it at tip + 1. Returns true when committed, false
  // when the very same block is already stored. Fails (and commits nothing) when the block is
  // invalid, does not extend the tip (NOT_FOUND when it is not the next height), conflicts
  // with a stored block (a fork: reason NOT_AUTHORIZED, logged loudly, as only more than f
  // faulty validators can cause it), or the store cannot write it (IO_ERROR).
  chain::Result<bool> CommitCertified(const v1::Block& block);
  // Decodes a block and checks the signatures of its records ahead of its StageCertified, so
  // that a syncing node verifies the next blocks (on all cores) while it applies earlier ones,
  // and only once its certificate verifies with the validator set the committed chain puts in
  // force at its height (a set changed by a block not committed yet only makes it skip the
  // records). Fills the VerifiedRecords cache and returns the decoded block, every record
  // signature verified, for StageCertified to use instead of decoding and checking it again;
  // nullptr when the block does not decode, its certificate does not verify or a signature is
  // bad (StageCertified then decodes it and reports why).
  std::shared_ptr<chain::DecodedBlock> PreVerify(const v1::Block& block) const;

  // Block sync's path: a run of certified blocks, each checked like CommitCertified's (the
  // certificate, then every record's signature and every rule) on the state the staged blocks
  // before it leave, and written together by FlushStaged in one BlockStore::CommitBlocks.
  // `decoded` is PreVerify's result for `block` (or nullptr), trusted as such: the
  // certificate is verified again (a few signatures), the record signatures not. Returns true when staged, false
  // when the very same block is already stored or staged; fails like CommitCertified (then
  // nothing of `block` is staged; the blocks staged before it stay staged). Flushes by itself
  // when kMaxStagedBlocks or kMaxStagedBytes is reached and after a block with evidence or
  // a validator-governance change (later blocks' certificates and evidence depend on them);
  // a failed flush (IO_ERROR) is returned.
  chain::Result<bool> StageCertified(const v1::Block& block,
                                     std::shared_ptr<chain::DecodedBlock> decoded);
  // Writes the staged blocks in one write, all or nothing, then calls the commit listener for
  // each in order. Ok when none is staged. On failure none is committed and the run is dropped.
  chain::Status FlushStaged();
  // Heap memory of written blocks is handed here to be freed off the replica's thread
  // (optional; must outlive the applier). Called once per flush with what to drop.
  void SetReleaser(std::function<void(std::shared_ptr<void>)> releaser) {
    releaser_ = std::move(releaser);
  }

 private:
  struct Checked {
    chain::DecodedBlock decoded;
    std::unique_ptr<chain::StateOverlay> changes;
    chain::Hash256 parent{};  // the tip it was checked on
  };
  // Decodes `block`, checks it extends the current tip, verifies and applies every record.
  // A block built or checked here on the same tip is not checked twice: the last result is
  // kept (a block hash binds height, parent and the Merkle root over the record ids, and an
  // unchanged tip means unchanged state, so the outcome would be the same).
  chain::Result<std::shared_ptr<Checked>> Check(uint64_t height, const v1::Block& block) const;
  chain::Result<std::shared_ptr<Checked>> CheckUncached(uint64_t height,
                                                        const v1::Block& block) const;
  // Checks a decoded block as the next one after `parent` (whose time is `parent_time_ms`)
  // with its changes over `base`; the records' signatures too unless `signatures_verified`
  // (PreVerify verified every one of them in this process).
  chain::Result<std::shared_ptr<Checked>> CheckDecoded(chain::DecodedBlock decoded,
                                                        const chain::ChainTip& parent,
                                                        int64_t parent_time_ms,
                                                        const chain::StateReader* base,
                                                        bool signatures_verified) const;
  // The tip with the staged blocks on it.
  chain::ChainTip StagedTip() const;
  void Remember(std::shared_ptr<Checked> checked) const;
  int64_t BlockTimeMs(uint64_t height) const;
  chain::Status CheckEvidence(const chain::DecodedBlock& block) const;
  // Remembers when block `hash` was first built or judged here (kMaxTrackedProposals).
  void NoteProposal(const chain::Hash256& hash) const;
  std::optional<int64_t> TakeProposalAgeMs(const chain::Hash256& hash) const;

  // Reads the governance state of the store (after each commit).
  void RefreshValidators();

  const chain::Genesis* genesis_;
  chain::BlockStore* store_;
  // Replaced whole after each commit; read from any thread (PreVerify, the replica's
  // signer check) without a lock.
  std::atomic<std::shared_ptr<const KnownValidators>> validators_;
  VerifiedRecords* verified_;
  const Clock* clock_;
  std::function<void(const CommittedBlock&)> listener_;
  mutable std::shared_ptr<Checked> last_checked_;
  // Block sync's run (StageCertified): checked blocks not written yet, in height order, and
  // their changes together over the store.
  std::vector<std::shared_ptr<Checked>> staged_;
  std::unique_ptr<chain::StateOverlay> staged_changes_;
  size_t staged_bytes_ = 0;
  std::function<void(std::shared_ptr<void>)> releaser_;
  // Block hash -> when first built or judged here (steady ms), oldest first.
  mutable std::deque<std::pair<chain::Hash256, int64_t>> proposals_seen_;
};

}  // namespace agritrace::node
