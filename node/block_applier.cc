#include "node/block_applier.h"

#include <spdlog/spdlog.h>

#include "chain/limits.h"
#include "chain/rules.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;

BlockApplier::BlockApplier(const chain::Genesis* genesis, chain::ChainStore* store,
                           VerifiedRecords* verified)
    : genesis_(genesis), store_(store), verified_(verified) {}

int64_t BlockApplier::BlockTimeMs(uint64_t height) const {
  if (height == 0) return genesis_->genesis_time_ms;
  auto block = store_->GetBlock(height);
  v1::BlockHeader header;
  if (!block.ok() || !header.ParseFromString(block->header())) return 0;
  return header.time_ms();
}

v1::Block BlockApplier::Build(uint64_t height, int64_t now_ms, const chain::PubKey& proposer,
                              const std::vector<chain::Record>& candidates) const {
  const chain::ChainTip tip = store_->Tip();
  // Block times strictly increase, whatever the local clock says.
  const int64_t time_ms = std::max(now_ms, BlockTimeMs(tip.height) + 1);
  chain::StateOverlay changes(store_);
  std::vector<v1::Envelope> included;
  for (const auto& record : candidates) {
    chain::ApplyContext ctx{height, static_cast<uint32_t>(included.size()), time_ms};
    if (chain::ApplyRecord(record, genesis_->params, ctx, changes).ok()) {
      included.push_back(record.envelope);
    }
  }
  return chain::MakeBlock(genesis_->chain_id, height, tip.hash, time_ms, proposer, included);
}

chain::Result<BlockApplier::Checked> BlockApplier::Check(uint64_t height,
                                                         const v1::Block& block) const {
  auto decoded = chain::DecodeBlock(block, genesis_->chain_id);
  if (!decoded.ok()) return decoded.status();
  const chain::ChainTip tip = store_->Tip();
  if (decoded->header.height() != height || height != tip.height + 1) {
    return Reject(Reason::kNotFound, "block " + std::to_string(decoded->header.height()) +
                                         " does not extend our tip " + std::to_string(tip.height));
  }
  if (decoded->header.prev_hash() != chain::AsBytes(tip.hash)) {
    return Reject(Reason::kMalformed, "block " + std::to_string(height) +
                                          " does not build on our block " +
                                          std::to_string(tip.height));
  }
  if (decoded->header.time_ms() <= BlockTimeMs(tip.height)) {
    return Reject(Reason::kMalformed, "block " + std::to_string(height) +
                                          " is not later than its parent");
  }
  Checked checked{std::move(*decoded), std::make_unique<chain::StateOverlay>(store_)};
  const auto& records = checked.decoded.records;
  for (size_t i = 0; i < records.size(); ++i) {
    AGRI_RETURN_IF_ERROR(verified_->Verify(records[i]));
    chain::ApplyContext ctx{height, static_cast<uint32_t>(i), checked.decoded.header.time_ms()};
    Status applied = chain::ApplyRecord(records[i], genesis_->params, ctx, *checked.changes);
    if (!applied.ok()) {
      return Reject(applied.reason(), "block " + std::to_string(height) + " record " +
                                          std::to_string(i) + ": " + applied.message());
    }
  }
  return checked;
}

Status BlockApplier::Validate(uint64_t height, const v1::Block& block) const {
  auto checked = Check(height, block);
  return checked.ok() ? Status::Ok() : checked.status();
}

chain::Result<bool> BlockApplier::CommitCertified(const v1::Block& block) {
  CommittedBlock committed;
  {
    std::lock_guard lock(commit_mu_);
    v1::BlockHeader header;
    if (!header.ParseFromString(block.header())) {
      return Reject(Reason::kMalformed, "block header does not parse");
    }
    const uint64_t height = header.height();
    if (height >= 1 && height <= store_->Tip().height) {
      auto stored = store_->GetBlock(height);
      if (stored.ok() && stored->header() == block.header()) return false;
      spdlog::critical("FORK: a certified block {} differs from ours; refusing it", height);
      return Reject(Reason::kNotAuthorized, "certified block " + std::to_string(height) +
                                                " conflicts with our committed block");
    }
    auto checked = Check(height, block);
    if (!checked.ok()) return checked.status();
    AGRI_RETURN_IF_ERROR(chain::VerifyCertificate(block.certificate(), genesis_->chain_id, height,
                                                  checked->decoded.hash,
                                                  genesis_->validator_set()));
    *checked->decoded.block.mutable_certificate() = block.certificate();
    AGRI_RETURN_IF_ERROR(store_->CommitBlock(checked->decoded, *checked->changes));
    committed.height = height;
    committed.hash = checked->decoded.hash;
    committed.time_ms = checked->decoded.header.time_ms();
    for (const auto& record : checked->decoded.records) committed.record_ids.insert(record.id);
  }
  if (listener_) listener_(committed);
  return true;
}

}  // namespace agritrace::node
