// ChainStore: the RocksDB database of one node.
//
// Column families: blocks (height -> stored block), records (id -> envelope + location),
// lots, participants, names, nonces, history (lot + height + index -> id), lineage
// (parent -> child and child -> parent), meta (tip, genesis hash), safety (consensus signing
// state), origin (plots, banned ingredients), evidence (offence key -> the block that
// committed it and the evidence; the key starts with the validator, so one validator's
// offences are one prefix scan). A block and every state change it causes are one synced WriteBatch, so a crash
// leaves either all of it or none of it.
//
// Thread-safety: reads may run concurrently with each other and with CommitBlock (RocksDB
// guarantees it); CommitBlock calls must be serialized by the caller (one committer).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/model/block.h"
#include "chain/model/block_store.h"
#include "chain/model/genesis.h"
#include "chain/model/merkle.h"
#include "chain/model/state.h"
#include "chain/base/status.h"

namespace agritrace::chain {

struct StoredEvidence {
  Offence offence;
  uint64_t committed_height = 0;
  v1::Evidence evidence;
};

struct StoredRecord {
  v1::Envelope envelope;
  Hash256 id{};
  uint64_t height = 0;
  uint32_t index = 0;
};

class ChainStore : public BlockStore {
 public:
  // Opens or creates the database in `dir`. On first open, records the genesis hash and
  // writes the genesis participants; later opens fail (MALFORMED) if the genesis differs.
  static Result<std::unique_ptr<ChainStore>> Open(const std::string& dir, const Genesis& genesis);
  ~ChainStore() override;

  // StateReader over committed state.
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
  // Written with the genesis state (genesis's set as the first epoch), so never nullopt.
  std::optional<v1::ValidatorGovernance> GetValidatorGovernance() const override;
  bool HasEvidenceAgainst(const Hash256& evidence_id, const PubKey& validator) const override;

  // BlockStore. CommitBlock and CommitBlocks write one synced WriteBatch; GetBlockHead is one read, where
  // GetBlock reads every record.
  Status CommitBlock(const DecodedBlock& block, const StateOverlay& changes) override;
  Status CommitBlocks(const std::vector<const DecodedBlock*>& blocks,
                      const StateOverlay& changes) override;
  ChainTip Tip() const override;
  Result<v1::Block> GetBlock(uint64_t height) const override;
  Result<v1::Block> GetBlockHead(uint64_t height) const override;
  Result<StoredRecord> GetRecord(const Hash256& record_id) const;
  // Every record that touched the lot, in chain order.
  Result<std::vector<StoredRecord>> GetLotHistory(const std::string& lot_key) const;
  // Lineage edges of a lot: lots it was made from / lots made from it.
  std::vector<std::string> GetParents(const std::string& lot_key) const;
  std::vector<std::string> GetChildren(const std::string& lot_key) const;
  // The same edges with the record that made the child (for lineage traces). One prefix scan.
  struct LineageLink {
    std::string lot_key;
    Hash256 record_id{};
  };
  std::vector<LineageLink> GetParentLinks(const std::string& lot_key) const;
  std::vector<LineageLink> GetChildLinks(const std::string& lot_key) const;
  // Calls `visit` with each lot (and pallet) whose key starts with `key_prefix`, in key order,
  // until it returns false. Reads one lot at a time (callers bound the walk).
  void ForEachLot(const std::string& key_prefix,
                  const std::function<bool(const v1::LotState&)>& visit) const;
  // Inclusion proof of a committed record in its block.
  Result<MerkleProof> GetRecordProof(const Hash256& record_id) const;

  std::optional<uint64_t> EvidenceHeight(const Offence& offence) const override;
  // Committed evidence in key order (validator, then offence height, round, kind), of one
  // validator or all, at most `limit`; `*truncated` says whether more matched.
  std::vector<StoredEvidence> ListEvidence(const std::optional<PubKey>& validator, size_t limit,
                                           bool* truncated) const;

  // Small persisted node-local values (synced writes), in the `safety` column family.
  Status PutNodeState(const std::string& key, const std::string& value) override;
  std::optional<std::string> GetNodeState(const std::string& key) const override;

 private:
  struct Impl;
  explicit ChainStore(std::unique_ptr<Impl> impl);
  // The stored block at `height` (header, certificate) and its record ids.
  Result<v1::Block> ReadStoredBlock(uint64_t height, std::vector<Hash256>* ids) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agritrace::chain
