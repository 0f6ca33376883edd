#include "chain/model/state.h"

namespace agritrace::chain {

std::optional<v1::LotState> StateOverlay::GetLot(const std::string& lot_key) const {
  if (auto it = lots_.find(lot_key); it != lots_.end()) return it->second;
  return base_ ? base_->GetLot(lot_key) : std::nullopt;
}

std::optional<v1::Participant> StateOverlay::GetParticipant(const PubKey& pubkey) const {
  if (auto it = participants_.find(pubkey); it != participants_.end()) return it->second;
  return base_ ? base_->GetParticipant(pubkey) : std::nullopt;
}

std::optional<PubKey> StateOverlay::FindParticipantByName(const std::string& name) const {
  if (auto it = names_.find(name); it != names_.end()) return it->second;
  return base_ ? base_->FindParticipantByName(name) : std::nullopt;
}

bool StateOverlay::HasNonce(const PubKey& signer, uint64_t nonce) const {
  if (nonces_.count({signer, nonce})) return true;
  return base_ && base_->HasNonce(signer, nonce);
}

bool StateOverlay::HasRecord(const Hash256& record_id) const {
  if (records_.count(record_id)) return true;
  return base_ && base_->HasRecord(record_id);
}

std::optional<PubKey> StateOverlay::GetRecordSigner(const Hash256& record_id) const {
  if (auto it = record_signers_.find(record_id); it != record_signers_.end()) return it->second;
  return base_ ? base_->GetRecordSigner(record_id) : std::nullopt;
}

void StateOverlay::AddRecordSigner(const Hash256& record_id, const PubKey& signer) {
  record_signers_[record_id] = signer;
}

void StateOverlay::PutLot(const std::string& lot_key, v1::LotState lot) {
  lots_[lot_key] = std::move(lot);
}

void StateOverlay::PutParticipant(v1::Participant participant) {
  auto key = ArrayFromBytes<32>(participant.pubkey());
  if (!key) return;  // callers validate keys; an invalid one is never stored
  names_[participant.name()] = *key;
  participants_[*key] = std::move(participant);
}

void StateOverlay::PutRetiredParticipant(v1::Participant participant) {
  auto key = ArrayFromBytes<32>(participant.pubkey());
  if (!key) return;
  participants_[*key] = std::move(participant);
}

void StateOverlay::AddNonce(const PubKey& signer, uint64_t nonce) { nonces_.insert({signer, nonce}); }

void StateOverlay::AddRecord(const Hash256& record_id, uint64_t height, uint32_t index) {
  records_[record_id] = {height, index};
}

void StateOverlay::AddHistory(HistoryChange change) { history_.push_back(std::move(change)); }

void StateOverlay::AddLineage(const std::string& parent_key, const std::string& child_key,
                              const Hash256& record_id) {
  lineage_.push_back({parent_key, child_key, record_id});
}

void StateOverlay::MergeInto(StateOverlay& parent) {
  for (auto& [key, lot] : lots_) parent.lots_[key] = std::move(lot);
  for (auto& [key, participant] : participants_) parent.participants_[key] = std::move(participant);
  for (auto& [name, key] : names_) parent.names_[name] = key;
  parent.nonces_.insert(nonces_.begin(), nonces_.end());
  for (auto& [id, location] : records_) parent.records_[id] = location;
  for (auto& [id, signer] : record_signers_) parent.record_signers_[id] = signer;
  for (auto& change : history_) parent.history_.push_back(std::move(change));
  for (auto& edge : lineage_) parent.lineage_.push_back(std::move(edge));
  lots_.clear();
  participants_.clear();
  names_.clear();
  nonces_.clear();
  records_.clear();
  record_signers_.clear();
  history_.clear();
  lineage_.clear();
}

}  // namespace agritrace::chain
