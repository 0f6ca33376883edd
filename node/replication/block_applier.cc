#include "node/replication/block_applier.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "chain/base/limits.h"
#include "chain/consensus/evidence.h"
#include "chain/model/validator_set.h"
#include "chain/rules/rules.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;

BlockApplier::BlockApplier(const chain::Genesis* genesis, chain::BlockStore* store,
                           VerifiedRecords* verified, const Clock* clock)
    : genesis_(genesis), store_(store), verified_(verified), clock_(clock) {
  RefreshValidators();
}

void BlockApplier::RefreshValidators() {
  auto known = std::make_shared<KnownValidators>(KnownValidators{
      chain::ValidatorSchedule(*genesis_, chain::GovernanceOf(*store_, *genesis_)),
      store_->Tip().height + chain::kValidatorChangeDelay});
  validators_.store(std::move(known));
}

std::shared_ptr<const BlockApplier::KnownValidators> BlockApplier::Validators() const {
  return validators_.load();
}

std::optional<chain::ValidatorSet> BlockApplier::ValidatorsAt(uint64_t height) const {
  auto known = Validators();
  if (height > known->known_until) return std::nullopt;
  return known->schedule.SetAt(height);
}

int64_t BlockApplier::BlockTimeMs(uint64_t height) const {
  if (height == 0) return genesis_->genesis_time_ms;
  auto block = store_->GetBlockHead(height);
  v1::BlockHeader header;
  if (!block.ok() || !header.ParseFromString(block->header())) return 0;
  return header.time_ms();
}

Status BlockApplier::EvidenceCommittable(uint64_t height, const chain::Offence& offence) const {
  const std::string what = std::string(chain::OffenceKindName(offence.kind)) + " of " +
                           chain::ToHex(offence.validator).substr(0, 16) + " at height " +
                           std::to_string(offence.height) + " round " +
                           std::to_string(offence.round);
  if (offence.height > height) {
    return Reject(Reason::kMalformed, "evidence of a " + what + " cannot be in block " +
                                          std::to_string(height) + ", before it");
  }
  if (height - offence.height > chain::kMaxEvidenceAgeHeights) {
    return Reject(Reason::kMalformed, "evidence of a " + what + " is too old for block " +
                                          std::to_string(height) + " (the window is " +
                                          std::to_string(chain::kMaxEvidenceAgeHeights) +
                                          " heights)");
  }
  if (auto committed = store_->EvidenceHeight(offence)) {
    return Reject(Reason::kReplay, "evidence of a " + what + " was committed in block " +
                                       std::to_string(*committed));
  }
  return Status::Ok();
}

// The block's evidence, shape already checked by DecodeBlock (one per offence), each verified
// with the validator set of its offence's height (at most the block's height, so known).
Status BlockApplier::CheckEvidence(const chain::DecodedBlock& block) const {
  const uint64_t height = block.header.height();
  auto known = Validators();
  for (int i = 0; i < block.block.evidence_size(); ++i) {
    auto offence = chain::VerifyEvidenceAt(
        block.block.evidence(i), genesis_->chain_id,
        [&](uint64_t h) { return known->schedule.SetAt(h); });
    Status status = offence.ok() ? EvidenceCommittable(height, *offence) : offence.status();
    if (!status.ok()) {
      return Reject(status.reason(), "block " + std::to_string(height) + " evidence " +
                                         std::to_string(i) + ": " + status.message());
    }
  }
  return Status::Ok();
}

namespace {

// The header carries exactly the change its records decide: none when they decide none.
Status CheckValidatorChange(const v1::BlockHeader& header,
                            const std::optional<v1::ValidatorSetChange>& decided) {
  const std::string where = "block " + std::to_string(header.height());
  if (!decided) {
    if (!header.has_validator_change()) return Status::Ok();
    return Reject(Reason::kMalformed,
                  where + " carries a validator-set change that its records do not decide");
  }
  if (!header.has_validator_change()) {
    return Reject(Reason::kMalformed, where + " decides validator-set change " +
                                          chain::ToHex(decided->proposal_id()) +
                                          " but its header does not carry it");
  }
  const v1::ValidatorSetChange& carried = header.validator_change();
  if (carried.proposal_id() != decided->proposal_id() ||
      carried.effective_height() != decided->effective_height() ||
      carried.validators_size() != decided->validators_size() ||
      chain::ValidatorSetHash(carried.validators()) !=
          chain::ValidatorSetHash(decided->validators())) {
    return Reject(Reason::kMalformed, where + "'s header carries a validator-set change other "
                                              "than the one its records decide");
  }
  return Status::Ok();
}

}  // namespace

v1::Block BlockApplier::Build(uint64_t height, int64_t now_ms, const chain::PubKey& proposer,
                              const std::vector<chain::RecordPtr>& candidates,
                              const std::vector<v1::Evidence>& evidence) const {
  const chain::ChainTip tip = store_->Tip();
  // Block times strictly increase, whatever the local clock says.
  const int64_t time_ms = std::max(now_ms, BlockTimeMs(tip.height) + 1);
  auto checked = std::make_shared<Checked>();
  checked->changes = std::make_unique<chain::StateOverlay>(store_);
  checked->parent = tip.hash;
  std::vector<v1::Envelope> included;
  included.reserve(candidates.size());
  checked->decoded.records.reserve(candidates.size());
  for (const auto& record : candidates) {
    chain::ApplyContext ctx{height, static_cast<uint32_t>(included.size()), time_ms};
    if (chain::ApplyRecord(*record, genesis_->params, ctx, *checked->changes).ok()) {
      included.push_back(record->envelope);
      checked->decoded.records.push_back(*record);
    }
  }
  std::vector<v1::Evidence> proven;
  for (const v1::Evidence& item : evidence) {
    if (proven.size() >= chain::kMaxBlockEvidence) break;
    auto offence = chain::CheckEvidenceShape(item);
    if (!offence.ok() || !EvidenceCommittable(height, *offence).ok()) continue;
    proven.push_back(item);
    checked->decoded.evidence.push_back(chain::DecodedEvidence{*offence, chain::EvidenceId(item)});
  }
  // The change the included records decide (at most one per block) goes in the header.
  const std::optional<v1::ValidatorSetChange> decided =
      chain::DecidedValidatorChange(*checked->changes, height);
  v1::Block block = chain::MakeBlock(genesis_->chain_id, height, tip.hash, time_ms, proposer,
                                     std::move(included), proven,
                                     decided ? &*decided : nullptr);
  if (checked->decoded.header.ParseFromString(block.header())) {
    checked->decoded.hash = chain::BlockHash(block.header());
    checked->decoded.block = block;
    NoteProposal(checked->decoded.hash);
    Remember(std::move(checked));
  }
  return block;
}

void BlockApplier::NoteProposal(const chain::Hash256& hash) const {
  for (const auto& [seen, at] : proposals_seen_) {
    if (seen == hash) return;
  }
  if (proposals_seen_.size() >= kMaxTrackedProposals) proposals_seen_.pop_front();
  proposals_seen_.emplace_back(hash, clock_->SteadyMs());
}

std::optional<int64_t> BlockApplier::TakeProposalAgeMs(const chain::Hash256& hash) const {
  for (auto it = proposals_seen_.begin(); it != proposals_seen_.end(); ++it) {
    if (it->first != hash) continue;
    const int64_t age_ms = clock_->SteadyMs() - it->second;
    // Older proposals can no longer commit: the chain moved past them.
    proposals_seen_.erase(proposals_seen_.begin(), it + 1);
    return age_ms;
  }
  return std::nullopt;
}

void BlockApplier::Remember(std::shared_ptr<Checked> checked) const {
  last_checked_ = std::move(checked);
}

chain::Result<std::shared_ptr<BlockApplier::Checked>> BlockApplier::Check(
    uint64_t height, const v1::Block& block) const {
  const chain::Hash256 hash = chain::BlockHash(block.header());
  if (last_checked_ && last_checked_->decoded.hash == hash &&
      last_checked_->decoded.header.height() == height &&
      last_checked_->parent == store_->Tip().hash) {
    return last_checked_;
  }
  auto checked = CheckUncached(height, block);
  if (checked.ok()) Remember(*checked);
  return checked;
}

chain::Result<std::shared_ptr<BlockApplier::Checked>> BlockApplier::CheckUncached(
    uint64_t height, const v1::Block& block) const {
  auto decoded = chain::DecodeBlock(block, genesis_->chain_id);
  if (!decoded.ok()) return decoded.status();
  const chain::ChainTip tip = store_->Tip();
  if (decoded->header.height() != height || height != tip.height + 1) {
    return Reject(Reason::kNotFound, "block " + std::to_string(decoded->header.height()) +
                                         " does not extend our tip " + std::to_string(tip.height));
  }
  return CheckDecoded(std::move(*decoded), tip, BlockTimeMs(tip.height), store_,
                      /*signatures_verified=*/false);
}

chain::Result<std::shared_ptr<BlockApplier::Checked>> BlockApplier::CheckDecoded(
    chain::DecodedBlock decoded, const chain::ChainTip& parent, int64_t parent_time_ms,
    const chain::StateReader* base, bool signatures_verified) const {
  const uint64_t height = parent.height + 1;
  if (decoded.header.prev_hash() != chain::AsBytes(parent.hash)) {
    return Reject(Reason::kMalformed, "block " + std::to_string(height) +
                                          " does not build on our block " +
                                          std::to_string(parent.height));
  }
  if (decoded.header.time_ms() <= parent_time_ms) {
    return Reject(Reason::kMalformed, "block " + std::to_string(height) +
                                          " is not later than its parent");
  }
  auto checked = std::make_shared<Checked>(
      Checked{std::move(decoded), std::make_unique<chain::StateOverlay>(base), parent.hash});
  AGRI_RETURN_IF_ERROR(CheckEvidence(checked->decoded));
  const auto& records = checked->decoded.records;
  if (!signatures_verified) AGRI_RETURN_IF_ERROR(verified_->VerifyAll(records));
  for (size_t i = 0; i < records.size(); ++i) {
    chain::ApplyContext ctx{height, static_cast<uint32_t>(i), checked->decoded.header.time_ms()};
    Status applied = chain::ApplyRecord(records[i], genesis_->params, ctx, *checked->changes);
    if (!applied.ok()) {
      return Reject(applied.reason(), "block " + std::to_string(height) + " record " +
                                          std::to_string(i) + ": " + applied.message());
    }
  }
  AGRI_RETURN_IF_ERROR(CheckValidatorChange(checked->decoded.header,
                                            chain::DecidedValidatorChange(*checked->changes, height)));
  return checked;
}

Status BlockApplier::Validate(uint64_t height, const v1::Block& block, int64_t now_ms) const {
  auto checked = Check(height, block);
  if (!checked.ok()) return checked.status();
  // A proposer's clock may run ahead, but not further than a record's may: a block from far
  // in the future would make every honestly timed record after it STALE_TIMESTAMP. Certified
  // blocks are not judged by the local clock (a slow clock must not stall a node).
  const int64_t ahead_ms = (*checked)->decoded.header.time_ms() - now_ms;
  if (ahead_ms > genesis_->params.max_record_future_ms) {
    return Reject(Reason::kMalformed, "block " + std::to_string(height) + " is " +
                                          std::to_string(ahead_ms) + " ms ahead of our clock");
  }
  NoteProposal((*checked)->decoded.hash);
  return Status::Ok();
}

std::shared_ptr<chain::DecodedBlock> BlockApplier::PreVerify(const v1::Block& block) const {
  auto decoded = chain::DecodeBlock(block, genesis_->chain_id);
  if (!decoded.ok()) return nullptr;
  // Records of a block whose certificate does not verify are never worth verifying. Beyond
  // tip + kValidatorChangeDelay the set is the one in force unless a block not committed yet
  // changes it; a wrong guess only leaves the records to StageCertified.
  const uint64_t height = decoded->header.height();
  if (!chain::VerifyCertificate(block.certificate(), genesis_->chain_id, height, decoded->hash,
                                Validators()->schedule.SetAt(height))
           .ok()) {
    return nullptr;
  }
  std::vector<const chain::Record*> records;
  records.reserve(decoded->records.size());
  for (const auto& record : decoded->records) records.push_back(&record);
  for (const Status& status : verified_->VerifyEach(records)) {
    if (!status.ok()) return nullptr;  // StageCertified decodes it again and says why
  }
  return std::make_shared<chain::DecodedBlock>(std::move(*decoded));
}

chain::ChainTip BlockApplier::StagedTip() const {
  if (staged_.empty()) return store_->Tip();
  return chain::ChainTip{staged_.back()->decoded.header.height(), staged_.back()->decoded.hash};
}

chain::Result<bool> BlockApplier::StageCertified(const v1::Block& block,
                                                 std::shared_ptr<chain::DecodedBlock> decoded) {
  v1::BlockHeader parsed;
  if (!decoded && !parsed.ParseFromString(block.header())) {
    return Reject(Reason::kMalformed, "block header does not parse");
  }
  const v1::BlockHeader& header = decoded ? decoded->header : parsed;
  const uint64_t height = header.height();
  const chain::ChainTip tip = StagedTip();
  if (height >= 1 && height <= tip.height) {
    const uint64_t committed = tip.height - staged_.size();
    bool same = false;
    if (height > committed) {
      same = staged_[height - committed - 1]->decoded.block.header() == block.header();
    } else {
      auto stored = store_->GetBlockHead(height);
      same = stored.ok() && stored->header() == block.header();
    }
    if (same) return false;
    spdlog::critical("FORK: a certified block {} differs from ours; refusing it", height);
    return Reject(Reason::kNotAuthorized, "certified block " + std::to_string(height) +
                                              " conflicts with our committed block");
  }
  if (height != tip.height + 1) {
    return Reject(Reason::kNotFound, "block " + std::to_string(height) +
                                         " is not the next block (tip " +
                                         std::to_string(tip.height) + ")");
  }
  // The certificate first (see CommitCertified). No staged block changed the validator sets
  // (FlushStaged ran after any that did), so the committed schedule holds for this height.
  const chain::Hash256 hash = decoded ? decoded->hash : chain::BlockHash(block.header());
  AGRI_RETURN_IF_ERROR(chain::VerifyCertificate(block.certificate(), genesis_->chain_id, height,
                                                hash, Validators()->schedule.SetAt(height)));
  // PreVerify hands over only blocks whose every record signature it verified.
  const bool pre_verified = decoded != nullptr;
  if (!decoded) {
    auto fresh = chain::DecodeBlock(block, genesis_->chain_id);
    if (!fresh.ok()) return fresh.status();
    decoded = std::make_shared<chain::DecodedBlock>(std::move(*fresh));
  }
  const int64_t parent_time_ms =
      staged_.empty() ? BlockTimeMs(tip.height) : staged_.back()->decoded.header.time_ms();
  if (!staged_changes_) staged_changes_ = std::make_unique<chain::StateOverlay>(store_);
  auto checked = CheckDecoded(std::move(*decoded), tip, parent_time_ms, staged_changes_.get(),
                              pre_verified);
  decoded.reset();
  if (!checked.ok()) return checked.status();
  const bool changes_sets = (*checked)->changes->validator_governance().has_value() ||
                            !(*checked)->decoded.evidence.empty();
  (*checked)->changes->MergeInto(*staged_changes_);
  staged_bytes_ += block.ByteSizeLong();
  staged_.push_back(std::move(*checked));
  if (changes_sets || staged_.size() >= kMaxStagedBlocks || staged_bytes_ >= kMaxStagedBytes) {
    AGRI_RETURN_IF_ERROR(FlushStaged());
  }
  return true;
}

Status BlockApplier::FlushStaged() {
  if (staged_.empty()) return Status::Ok();
  std::vector<std::shared_ptr<Checked>> run = std::move(staged_);
  std::unique_ptr<chain::StateOverlay> changes = std::move(staged_changes_);
  staged_.clear();
  staged_bytes_ = 0;
  std::vector<const chain::DecodedBlock*> blocks;
  blocks.reserve(run.size());
  for (const auto& checked : run) blocks.push_back(&checked->decoded);
  Status written = store_->CommitBlocks(blocks, *changes);
  Remember(nullptr);
  if (written.ok()) RefreshValidators();
  if (written.ok() && listener_) {
    for (const auto& checked : run) {
      CommittedBlock committed;
      committed.height = checked->decoded.header.height();
      committed.hash = checked->decoded.hash;
      committed.time_ms = checked->decoded.header.time_ms();
      committed.record_ids.reserve(checked->decoded.records.size());
      for (const auto& record : checked->decoded.records) {
        committed.record_ids.push_back(record.id);
      }
      for (const auto& evidence : checked->decoded.evidence) {
        committed.evidence.push_back(evidence.offence);
      }
      listener_(committed);
    }
  }
  // The run's blocks and changes are large (a 1,000-record block holds its records twice):
  // freed elsewhere when a releaser is set.
  if (releaser_) {
    releaser_(std::make_shared<std::pair<decltype(run), decltype(changes)>>(std::move(run),
                                                                           std::move(changes)));
  }
  return written;
}

chain::Result<bool> BlockApplier::CommitCertified(const v1::Block& block) {
  v1::BlockHeader header;
  if (!header.ParseFromString(block.header())) {
    return Reject(Reason::kMalformed, "block header does not parse");
  }
  const uint64_t height = header.height();
  if (height >= 1 && height <= store_->Tip().height) {
    auto stored = store_->GetBlockHead(height);
    if (stored.ok() && stored->header() == block.header()) return false;
    spdlog::critical("FORK: a certified block {} differs from ours; refusing it", height);
    return Reject(Reason::kNotAuthorized, "certified block " + std::to_string(height) +
                                              " conflicts with our committed block");
  }
  // A block we cannot place yet is nobody's fault, certified or not (Check says the same).
  if (height != store_->Tip().height + 1) {
    return Reject(Reason::kNotFound, "block " + std::to_string(height) +
                                         " is not the next block (tip " +
                                         std::to_string(store_->Tip().height) + ")");
  }
  // The certificate first: it costs at most one signature per validator, while the records
  // may cost thousands, so a block nobody certified costs no record verification (scenario 6).
  // The set of the next height is always known (tip + 1 <= tip + kValidatorChangeDelay).
  AGRI_RETURN_IF_ERROR(chain::VerifyCertificate(block.certificate(), genesis_->chain_id, height,
                                                chain::BlockHash(block.header()),
                                                Validators()->schedule.SetAt(height)));
  auto result = Check(height, block);
  if (!result.ok()) return result.status();
  Checked* checked = result->get();
  *checked->decoded.block.mutable_certificate() = block.certificate();
  AGRI_RETURN_IF_ERROR(store_->CommitBlock(checked->decoded, *checked->changes));
  CommittedBlock committed;
  committed.height = height;
  committed.hash = checked->decoded.hash;
  committed.time_ms = checked->decoded.header.time_ms();
  committed.proposal_to_commit_ms = TakeProposalAgeMs(committed.hash);
  for (const auto& record : checked->decoded.records) committed.record_ids.push_back(record.id);
  for (const auto& evidence : checked->decoded.evidence) {
    committed.evidence.push_back(evidence.offence);
  }
  Remember(nullptr);  // its overlay is now committed state
  RefreshValidators();  // a change it decided is in force kValidatorChangeDelay later
  if (listener_) listener_(committed);
  return true;
}

}  // namespace agritrace::node
