#include "chain/model/state.h"

namespace agritrace::chain {

std::string IngredientBanKey(const std::string& crop, const std::string& ingredient) {
  std::string key = crop + "/" + ingredient;
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::optional<v1::PlotState> StateOverlay::GetPlot(const std::string& plot_id) const {
  if (auto it = plots_.find(plot_id); it != plots_.end()) return it->second;
  return base_ ? base_->GetPlot(plot_id) : std::nullopt;
}

std::optional<v1::IngredientBan> StateOverlay::GetIngredientBan(const std::string& ban_key) const {
  if (auto it = bans_.find(ban_key); it != bans_.end()) return it->second;
  return base_ ? base_->GetIngredientBan(ban_key) : std::nullopt;
}

std::string CertScopeKey(const v1::ClaimCert& cert) {
  if (!cert.plot_id().empty()) return "plot/" + cert.plot_id();
  if (!cert.farmer().empty()) return "farmer/" + ToHex(cert.farmer());
  return "org/" + cert.organization();
}

std::optional<v1::ClaimCert> StateOverlay::GetClaimCert(const std::string& record_id) const {
  if (auto it = certs_.find(record_id); it != certs_.end()) return it->second;
  return base_ ? base_->GetClaimCert(record_id) : std::nullopt;
}

v1::CertIndex StateOverlay::GetCertIndex(const std::string& scope_key) const {
  if (auto it = cert_index_.find(scope_key); it != cert_index_.end()) return it->second;
  return base_ ? base_->GetCertIndex(scope_key) : v1::CertIndex();
}

std::optional<v1::ValidatorGovernance> StateOverlay::GetValidatorGovernance() const {
  if (governance_) return governance_;
  return base_ ? base_->GetValidatorGovernance() : std::nullopt;
}

bool StateOverlay::HasEvidenceAgainst(const Hash256& evidence_id, const PubKey& validator) const {
  return base_ && base_->HasEvidenceAgainst(evidence_id, validator);
}

void StateOverlay::PutValidatorGovernance(v1::ValidatorGovernance governance) {
  governance_ = std::move(governance);
}

void StateOverlay::PutClaimCert(v1::ClaimCert cert) {
  std::string id = cert.record();
  certs_[id] = std::move(cert);
}

void StateOverlay::PutCertIndex(const std::string& scope_key, v1::CertIndex index) {
  cert_index_[scope_key] = std::move(index);
}

void StateOverlay::PutPlot(v1::PlotState plot) {
  std::string id = plot.plot_id();
  plots_[id] = std::move(plot);
}

void StateOverlay::PutIngredientBan(const std::string& ban_key, v1::IngredientBan ban) {
  bans_[ban_key] = std::move(ban);
}

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
  for (auto& [id, plot] : plots_) parent.plots_[id] = std::move(plot);
  for (auto& [key, ban] : bans_) parent.bans_[key] = std::move(ban);
  for (auto& [id, cert] : certs_) parent.certs_[id] = std::move(cert);
  for (auto& [key, index] : cert_index_) parent.cert_index_[key] = std::move(index);
  if (governance_) parent.governance_ = std::move(governance_);
  parent.nonces_.insert(nonces_.begin(), nonces_.end());
  for (auto& [id, location] : records_) parent.records_[id] = location;
  for (auto& [id, signer] : record_signers_) parent.record_signers_[id] = signer;
  for (auto& change : history_) parent.history_.push_back(std::move(change));
  for (auto& edge : lineage_) parent.lineage_.push_back(std::move(edge));
  lots_.clear();
  participants_.clear();
  names_.clear();
  plots_.clear();
  bans_.clear();
  certs_.clear();
  cert_index_.clear();
  governance_.reset();
  nonces_.clear();
  records_.clear();
  record_signers_.clear();
  history_.clear();
  lineage_.clear();
}

}  // namespace agritrace::chain
