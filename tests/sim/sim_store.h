// SimStore: one simulated node's disk, a chain::BlockStore in memory. It survives the node's
// crashes (the simulator keeps it while it drops everything else the node had in memory).
//
// Storage faults are injected per write (CommitBlock, Put) by a hook the simulator
// sets:
//   - kFsyncFails: the write returns IO_ERROR and nothing is written; the node goes on (what it
//     does about it is the node's own policy);
//   - kCrash: nothing is written and the node crashes at that instant: the write returns
//     IO_ERROR to code that no longer matters, every later write fails, and the simulator
//     drops whatever the node sends before it takes the node down.
// Writes are all or nothing, as ChainStore's synced WriteBatch is.
//
// Thread-safety: none needed; the simulator runs in one thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chain/consensus/engine.h"
#include "chain/model/block_store.h"
#include "chain/model/genesis.h"

namespace agritrace::sim {

enum class WriteFault { kNone, kFsyncFails, kCrash };

// It is also the node's chain::SafetyStore: the simulated disk keeps the signing state with the
// chain (a real node keeps it in a file beside its key), so a simulated node never restarts
// behind its signing state.
class SimStore final : public chain::BlockStore, public chain::SafetyStore {
 public:
  // A fresh disk holding the genesis state. `owner`: the node's key, whose signed consensus
  // messages persisted_signatures() collects.
  SimStore(const chain::Genesis& genesis, const chain::PubKey& owner);

  // Decides the fate of each write ("block" or "safety"); none when unset.
  void SetFaultHook(std::function<WriteFault(const char* what)> hook) { hook_ = std::move(hook); }
  // The node crashed at a write (kCrash) and has not been restarted.
  bool crashed() const { return crashed_; }
  // A new life of the node: writes are accepted again.
  void Restarted() { crashed_ = false; }
  // Whether a fault was injected since the last call (and forgets it).
  bool TakeInjectedFault();
  // The signatures of every proposal and vote of the owner that was ever part of a durably
  // written safety state: a signed message the node sends must be one of them.
  const std::set<std::string>& persisted_signatures() const { return persisted_signatures_; }

  // StateReader.
  std::optional<v1::LotState> GetLot(const std::string& lot_key) const override;
  std::optional<v1::Participant> GetParticipant(const chain::PubKey& pubkey) const override;
  std::optional<chain::PubKey> FindParticipantByName(const std::string& name) const override;
  bool HasNonce(const chain::PubKey& signer, uint64_t nonce) const override;
  bool HasRecord(const chain::Hash256& record_id) const override;
  std::optional<chain::PubKey> GetRecordSigner(const chain::Hash256& record_id) const override;
  std::optional<v1::PlotState> GetPlot(const std::string& plot_id) const override;
  std::optional<v1::IngredientBan> GetIngredientBan(const std::string& ban_key) const override;
  std::optional<v1::ClaimCert> GetClaimCert(const std::string& record_id) const override;
  v1::CertIndex GetCertIndex(const std::string& scope_key) const override;
  // Genesis's set as the first epoch from the start, as ChainStore::Open writes it.
  std::optional<v1::ValidatorGovernance> GetValidatorGovernance() const override;
  // Negative control of the simulator: later epochs keep every validator of earlier ones.
  void set_bug_keep_removed(bool on) { bug_keep_removed_ = on; }

  // BlockStore.
  chain::ChainTip Tip() const override { return tip_; }
  chain::Result<v1::Block> GetBlock(uint64_t height) const override;
  chain::Result<v1::Block> GetBlockHead(uint64_t height) const override;
  chain::Status CommitBlock(const chain::DecodedBlock& block,
                            const chain::StateOverlay& changes) override;
  chain::Status CommitBlocks(const std::vector<const chain::DecodedBlock*>& blocks,
                             const chain::StateOverlay& changes) override;
  std::optional<uint64_t> EvidenceHeight(const chain::Offence& offence) const override;
  // Every committed offence with the height of the block that holds it.
  const std::map<chain::Offence, uint64_t>& committed_evidence() const { return evidence_; }

  // SafetyStore.
  chain::Status Put(const std::string& key, const std::string& value) override;
  std::optional<std::string> Get(const std::string& key) const override;
  chain::Status PutNodeState(const std::string& key, const std::string& value) override;
  std::optional<std::string> GetNodeState(const std::string& key) const override;

 private:
  // Ok when the write may happen; IO_ERROR (and maybe crashed_) when it fails.
  chain::Status BeginWrite(const char* what);
  void NoteSignatures(const std::string& safety_state);

  const chain::PubKey owner_;
  std::function<WriteFault(const char*)> hook_;
  bool crashed_ = false;
  bool injected_ = false;

  chain::ChainTip tip_;
  std::vector<v1::Block> blocks_;  // height h at h - 1, with records and certificate
  std::map<std::string, v1::LotState> lots_;
  std::map<chain::PubKey, v1::Participant> participants_;
  std::map<std::string, chain::PubKey> names_;
  std::map<std::string, v1::PlotState> plots_;
  std::map<std::string, v1::IngredientBan> bans_;
  std::map<std::string, v1::ClaimCert> certs_;
  std::map<std::string, v1::CertIndex> cert_index_;
  std::set<std::pair<chain::PubKey, uint64_t>> nonces_;
  std::map<chain::Hash256, chain::PubKey> records_;  // id -> signer
  std::map<std::string, std::string> safety_;
  std::map<std::string, std::string> node_state_;  // PutNodeState
  std::map<chain::Offence, uint64_t> evidence_;  // offence -> committing height
  v1::ValidatorGovernance governance_;
  bool bug_keep_removed_ = false;
  std::set<std::string> persisted_signatures_;
};

}  // namespace agritrace::sim
