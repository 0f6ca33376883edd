#include "tests/sim/sim_store.h"

#include "agritrace/v1/consensus.pb.h"
#include "chain/consensus/engine.h"
#include "chain/model/validator_set.h"

namespace agritrace::sim {

using chain::Reason;
using chain::Reject;
using chain::Status;

SimStore::SimStore(const chain::Genesis& genesis, const chain::PubKey& owner) : owner_(owner) {
  tip_.hash = genesis.hash;
  for (v1::Participant participant : genesis.participants) {
    participant.set_registered_height(0);
    auto key = chain::ArrayFromBytes<32>(participant.pubkey());
    if (!key) continue;
    names_[participant.name()] = *key;
    participants_[*key] = std::move(participant);
  }
  for (const v1::PlotState& plot : genesis.plots) plots_[plot.plot_id()] = plot;
  *governance_.add_epochs() = chain::GenesisEpoch(genesis);
}

std::optional<v1::ValidatorGovernance> SimStore::GetValidatorGovernance() const {
  if (!bug_keep_removed_) return governance_;
  v1::ValidatorGovernance buggy = governance_;
  for (int e = 1; e < buggy.epochs_size(); ++e) {
    const v1::ValidatorEpoch before = buggy.epochs(e - 1);
    v1::ValidatorEpoch* epoch = buggy.mutable_epochs(e);
    for (const v1::ValidatorInfo& old : before.validators()) {
      bool kept = false;
      for (const v1::ValidatorInfo& v : epoch->validators()) kept |= v.name() == old.name();
      if (!kept) *epoch->add_validators() = old;
    }
  }
  return buggy;
}

std::optional<v1::PlotState> SimStore::GetPlot(const std::string& plot_id) const {
  if (auto it = plots_.find(plot_id); it != plots_.end()) return it->second;
  return std::nullopt;
}

std::optional<v1::ClaimCert> SimStore::GetClaimCert(const std::string& record_id) const {
  if (auto it = certs_.find(record_id); it != certs_.end()) return it->second;
  return std::nullopt;
}

v1::CertIndex SimStore::GetCertIndex(const std::string& scope_key) const {
  if (auto it = cert_index_.find(scope_key); it != cert_index_.end()) return it->second;
  return v1::CertIndex();
}

std::optional<v1::IngredientBan> SimStore::GetIngredientBan(const std::string& ban_key) const {
  if (auto it = bans_.find(ban_key); it != bans_.end()) return it->second;
  return std::nullopt;
}

bool SimStore::TakeInjectedFault() {
  const bool injected = injected_;
  injected_ = false;
  return injected;
}

Status SimStore::BeginWrite(const char* what) {
  if (crashed_) return Reject(Reason::kIoError, "the node crashed");
  switch (hook_ ? hook_(what) : WriteFault::kNone) {
    case WriteFault::kNone:
      return Status::Ok();
    case WriteFault::kFsyncFails:
      injected_ = true;
      return Reject(Reason::kIoError, std::string("injected: fsync failed writing ") + what);
    case WriteFault::kCrash:
      injected_ = true;
      crashed_ = true;
      return Reject(Reason::kIoError, std::string("injected: crashed writing ") + what);
  }
  return Status::Ok();
}

std::optional<v1::LotState> SimStore::GetLot(const std::string& lot_key) const {
  auto it = lots_.find(lot_key);
  if (it == lots_.end()) return std::nullopt;
  return it->second;
}

std::optional<v1::Participant> SimStore::GetParticipant(const chain::PubKey& pubkey) const {
  auto it = participants_.find(pubkey);
  if (it == participants_.end()) return std::nullopt;
  return it->second;
}

std::optional<chain::PubKey> SimStore::FindParticipantByName(const std::string& name) const {
  auto it = names_.find(name);
  if (it == names_.end()) return std::nullopt;
  return it->second;
}

bool SimStore::HasNonce(const chain::PubKey& signer, uint64_t nonce) const {
  return nonces_.count({signer, nonce}) > 0;
}

bool SimStore::HasRecord(const chain::Hash256& record_id) const {
  return records_.count(record_id) > 0;
}

std::optional<chain::PubKey> SimStore::GetRecordSigner(const chain::Hash256& record_id) const {
  auto it = records_.find(record_id);
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

chain::Result<v1::Block> SimStore::GetBlock(uint64_t height) const {
  if (height == 0 || height > blocks_.size()) {
    return Reject(Reason::kNotFound, "no block at height " + std::to_string(height));
  }
  return blocks_[height - 1];
}

chain::Result<v1::Block> SimStore::GetBlockHead(uint64_t height) const {
  if (height == 0 || height > blocks_.size()) {
    return Reject(Reason::kNotFound, "no block at height " + std::to_string(height));
  }
  v1::Block head;
  head.set_header(blocks_[height - 1].header());
  *head.mutable_certificate() = blocks_[height - 1].certificate();
  return head;
}

Status SimStore::CommitBlock(const chain::DecodedBlock& block, const chain::StateOverlay& changes) {
  return CommitBlocks({&block}, changes);
}

// The same preconditions as ChainStore::CommitBlocks, then every change at once.
Status SimStore::CommitBlocks(const std::vector<const chain::DecodedBlock*>& blocks,
                              const chain::StateOverlay& changes) {
  if (blocks.empty() || blocks.size() > chain::kMaxBlocksPerCommit) {
    return Reject(Reason::kMalformed, "no block or too many blocks to commit");
  }
  chain::ChainTip next = tip_;
  for (const chain::DecodedBlock* block : blocks) {
    const uint64_t height = block->header.height();
    if (height != next.height + 1 || block->header.prev_hash() != chain::AsBytes(next.hash)) {
      return Reject(Reason::kMalformed, "block " + std::to_string(height) +
                                            " does not extend the stored tip " +
                                            std::to_string(next.height));
    }
    next = chain::ChainTip{height, block->hash};
  }
  const uint64_t first = blocks.front()->header.height();
  for (const auto& [id, location] : changes.records()) {
    const chain::DecodedBlock* block = location.first >= first && location.first - first < blocks.size()
                                           ? blocks[location.first - first]
                                           : nullptr;
    if (block == nullptr || location.second >= block->records.size() ||
        block->records[location.second].id != id) {
      return Reject(Reason::kMalformed, "the state changes do not belong to these blocks");
    }
  }
  AGRI_RETURN_IF_ERROR(BeginWrite("block"));
  for (const chain::DecodedBlock* block : blocks) {
    for (const chain::Record& record : block->records) records_[record.id] = record.signer;
    for (const chain::DecodedEvidence& evidence : block->evidence) {
      evidence_.emplace(evidence.offence, block->header.height());
    }
    blocks_.push_back(block->block);
  }
  for (const auto& [key, lot] : changes.lots()) lots_[key] = lot;
  for (const auto& [key, participant] : changes.participants()) participants_[key] = participant;
  for (const auto& [id, plot] : changes.plots()) plots_[id] = plot;
  for (const auto& [key, ban] : changes.ingredient_bans()) bans_[key] = ban;
  for (const auto& [id, cert] : changes.claim_certs()) certs_[id] = cert;
  for (const auto& [key, index] : changes.cert_indexes()) cert_index_[key] = index;
  for (const auto& [name, key] : changes.names()) names_[name] = key;
  for (const auto& nonce : changes.nonces()) nonces_.insert(nonce);
  if (changes.validator_governance()) governance_ = *changes.validator_governance();
  tip_ = next;
  return Status::Ok();
}

std::optional<uint64_t> SimStore::EvidenceHeight(const chain::Offence& offence) const {
  auto it = evidence_.find(offence);
  if (it == evidence_.end()) return std::nullopt;
  return it->second;
}

Status SimStore::Put(const std::string& key, const std::string& value) {
  AGRI_RETURN_IF_ERROR(BeginWrite("safety state"));
  safety_[key] = value;
  if (key == chain::kConsensusSafetyKey) NoteSignatures(value);
  return Status::Ok();
}

std::optional<std::string> SimStore::Get(const std::string& key) const {
  auto it = safety_.find(key);
  if (it == safety_.end()) return std::nullopt;
  return it->second;
}

void SimStore::NoteSignatures(const std::string& safety_state) {
  v1::ConsensusSafetyState saved;
  if (!saved.ParseFromString(safety_state)) return;
  const std::string owner = chain::AsBytes(owner_);
  auto note_vote = [&](const v1::Vote& vote) {
    if (vote.validator() == owner) persisted_signatures_.insert(vote.signature());
  };
  if (saved.has_proposal() && saved.proposal().proposer() == owner) {
    persisted_signatures_.insert(saved.proposal().signature());
  }
  if (saved.has_prevote()) note_vote(saved.prevote());
  if (saved.has_precommit()) note_vote(saved.precommit());
  for (const v1::Vote& vote : saved.valid_pol()) note_vote(vote);
  for (const v1::Vote& vote : saved.earlier_votes()) note_vote(vote);
}

Status SimStore::PutNodeState(const std::string& key, const std::string& value) {
  AGRI_RETURN_IF_ERROR(BeginWrite("node state"));
  node_state_[key] = value;
  return Status::Ok();
}

std::optional<std::string> SimStore::GetNodeState(const std::string& key) const {
  auto it = node_state_.find(key);
  if (it == node_state_.end()) return std::nullopt;
  return it->second;
}

}  // namespace agritrace::sim
