// The chain state as the rules see it: lots, participants, replay guards, indexes.
//
// Rules read state only through StateReader and write only into a StateOverlay; the RocksDB
// store implements StateReader and persists an overlay's changes with the block that caused
// them, in one WriteBatch. Not thread-safe: one overlay belongs to one block being built or
// checked.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"

namespace agritrace::chain {

class StateReader {
 public:
  virtual ~StateReader() = default;
  // `lot_key` is the text form "01/{gtin}/10/{lot}".
  virtual std::optional<v1::LotState> GetLot(const std::string& lot_key) const = 0;
  virtual std::optional<v1::Participant> GetParticipant(const PubKey& pubkey) const = 0;
  virtual std::optional<PubKey> FindParticipantByName(const std::string& name) const = 0;
  // True when a record with this (signer, nonce) has been applied.
  virtual bool HasNonce(const PubKey& signer, uint64_t nonce) const = 0;
  // True when a record with this id has been applied.
  virtual bool HasRecord(const Hash256& record_id) const = 0;
  // Who signed an applied record (corrections may come only from the original signer);
  // nullopt when unknown. The default keeps readers that do not need it small.
  virtual std::optional<PubKey> GetRecordSigner(const Hash256& record_id) const {
    (void)record_id;
    return std::nullopt;
  }
  // Origin (plots, banned ingredients). The defaults answer "none": a reader that keeps no
  // plots makes every harvest naming one fail with UNKNOWN_PLOT, never pass unchecked.
  virtual std::optional<v1::PlotState> GetPlot(const std::string& plot_id) const {
    (void)plot_id;
    return std::nullopt;
  }
  // `ban_key` is IngredientBanKey(crop, active ingredient).
  virtual std::optional<v1::IngredientBan> GetIngredientBan(const std::string& ban_key) const {
    (void)ban_key;
    return std::nullopt;
  }
  // A claim certificate by its Certify record id (raw bytes).
  virtual std::optional<v1::ClaimCert> GetClaimCert(const std::string& record_id) const {
    (void)record_id;
    return std::nullopt;
  }
  // The claim certificates of a scope (CertScopeKey); empty when none.
  virtual v1::CertIndex GetCertIndex(const std::string& scope_key) const {
    (void)scope_key;
    return v1::CertIndex();
  }
  // Validator-set governance (chain/model/validator_set.h): the sets in force and the open
  // proposal. nullopt: no change was ever decided or proposed, so genesis's set is in force
  // (GovernanceOf fills that in).
  virtual std::optional<v1::ValidatorGovernance> GetValidatorGovernance() const {
    return std::nullopt;
  }
  // True when evidence with this id (EvidenceId) against `validator` is committed. The
  // default answers "none", so a removal naming evidence fails with UNKNOWN_EVIDENCE.
  virtual bool HasEvidenceAgainst(const Hash256& evidence_id, const PubKey& validator) const {
    (void)evidence_id;
    (void)validator;
    return false;
  }
};

// "plot/{id}", "farmer/{hex key}" or "org/{name}": the scope a claim certificate covers.
std::string CertScopeKey(const v1::ClaimCert& cert);

// "crop/ingredient", both lower-cased (ASCII): bans match whatever case a record uses.
std::string IngredientBanKey(const std::string& crop, const std::string& ingredient);

// One entry of a lot's history: the record that touched it and where that record lives.
struct HistoryChange {
  std::string lot_key;
  Hash256 record_id{};
  uint64_t height = 0;
  uint32_t index = 0;
};

// Pending changes on top of a base reader. Reads see the pending changes first.
class StateOverlay : public StateReader {
 public:
  explicit StateOverlay(const StateReader* base) : base_(base) {}

  std::optional<v1::LotState> GetLot(const std::string& lot_key) const override;
  std::optional<v1::Participant> GetParticipant(const PubKey& pubkey) const override;
  std::optional<PubKey> FindParticipantByName(const std::string& name) const override;
  bool HasNonce(const PubKey& signer, uint64_t nonce) const override;
  bool HasRecord(const Hash256& record_id) const override;
  std::optional<PubKey> GetRecordSigner(const Hash256& record_id) const override;
  std::optional<v1::PlotState> GetPlot(const std::string& plot_id) const override;
  std::optional<v1::IngredientBan> GetIngredientBan(const std::string& ban_key) const override;
  std::optional<v1::ClaimCert> GetClaimCert(const std::string& record_id) const override;
  v1::CertIndex GetCertIndex(const std::string& scope_key) const override;
  std::optional<v1::ValidatorGovernance> GetValidatorGovernance() const override;
  bool HasEvidenceAgainst(const Hash256& evidence_id, const PubKey& validator) const override;

  void PutValidatorGovernance(v1::ValidatorGovernance governance);
  void PutClaimCert(v1::ClaimCert cert);
  void PutCertIndex(const std::string& scope_key, v1::CertIndex index);
  void PutPlot(v1::PlotState plot);
  void PutIngredientBan(const std::string& ban_key, v1::IngredientBan ban);
  void PutLot(const std::string& lot_key, v1::LotState lot);
  void PutParticipant(v1::Participant participant);
  // Stores a participant without pointing its name at it: a rotated-out key, whose name now
  // belongs to its successor (PutParticipant of the successor claims it).
  void PutRetiredParticipant(v1::Participant participant);
  void AddNonce(const PubKey& signer, uint64_t nonce);
  void AddRecord(const Hash256& record_id, uint64_t height, uint32_t index);
  // Remembered for GetRecordSigner within the block being built; the store keeps envelopes.
  void AddRecordSigner(const Hash256& record_id, const PubKey& signer);
  void AddHistory(HistoryChange change);
  // Lineage edge: `child_key` was made from `parent_key` by `record_id`.
  void AddLineage(const std::string& parent_key, const std::string& child_key,
                  const Hash256& record_id);

  // Moves every pending change into `parent` (which must be this overlay's base).
  void MergeInto(StateOverlay& parent);

  // What the store persists.
  // Unordered: the store writes them into one WriteBatch, where order does not matter.
  const std::unordered_map<std::string, v1::LotState>& lots() const { return lots_; }
  const std::unordered_map<PubKey, v1::Participant, BytesHash>& participants() const {
    return participants_;
  }
  // Name -> key entries of the names index to write (a rotated name moves to the new key).
  const std::map<std::string, PubKey>& names() const { return names_; }
  const std::map<std::string, v1::PlotState>& plots() const { return plots_; }
  const std::map<std::string, v1::IngredientBan>& ingredient_bans() const { return bans_; }
  const std::map<std::string, v1::ClaimCert>& claim_certs() const { return certs_; }
  const std::map<std::string, v1::CertIndex>& cert_indexes() const { return cert_index_; }
  // Set when a record of this overlay changed the governance state (the whole new value).
  const std::optional<v1::ValidatorGovernance>& validator_governance() const {
    return governance_;
  }
  const std::unordered_set<std::pair<PubKey, uint64_t>, BytesHash>& nonces() const {
    return nonces_;
  }
  const std::unordered_map<Hash256, std::pair<uint64_t, uint32_t>, BytesHash>& records() const {
    return records_;
  }
  const std::vector<HistoryChange>& history() const { return history_; }
  struct LineageEdge {
    std::string parent_key;
    std::string child_key;
    Hash256 record_id{};
  };
  const std::vector<LineageEdge>& lineage() const { return lineage_; }

 private:
  const StateReader* base_;  // not owned; may be null (empty base)
  std::unordered_map<std::string, v1::LotState> lots_;
  std::unordered_map<PubKey, v1::Participant, BytesHash> participants_;
  std::map<std::string, PubKey> names_;
  std::map<std::string, v1::PlotState> plots_;       // by plot id
  std::map<std::string, v1::IngredientBan> bans_;    // by IngredientBanKey
  std::map<std::string, v1::ClaimCert> certs_;       // by record id bytes
  std::map<std::string, v1::CertIndex> cert_index_;  // by CertScopeKey
  std::optional<v1::ValidatorGovernance> governance_;
  std::unordered_set<std::pair<PubKey, uint64_t>, BytesHash> nonces_;
  std::unordered_map<Hash256, std::pair<uint64_t, uint32_t>, BytesHash> records_;
  std::unordered_map<Hash256, PubKey, BytesHash> record_signers_;
  std::vector<HistoryChange> history_;
  std::vector<LineageEdge> lineage_;
};

}  // namespace agritrace::chain
