#include "chain/query/bundle_builder.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "chain/model/gs1.h"
#include "chain/model/plot.h"
#include "chain/model/record.h"
#include "chain/model/validator_set.h"
#include "chain/base/limits.h"

namespace agritrace::chain {
namespace {

// The lot and every ancestor, breadth first from the lot (lineage edges from the store).
Result<std::vector<std::string>> LotAndAncestors(const ChainStore& store,
                                                 const std::string& lot_key) {
  std::vector<std::string> out;
  std::set<std::string> seen = {lot_key};
  std::deque<std::string> queue = {lot_key};
  while (!queue.empty()) {
    std::string lot = std::move(queue.front());
    queue.pop_front();
    out.push_back(lot);
    for (std::string& parent : store.GetParents(lot)) {
      if (!seen.insert(parent).second) continue;
      if (seen.size() > kMaxBundleLots) {
        return Reject(Reason::kTooLarge, "lot " + lot_key + " has more than " +
                                             std::to_string(kMaxBundleLots) +
                                             " ancestor lots; too many for one bundle");
      }
      queue.push_back(std::move(parent));
    }
  }
  return out;
}

// Every record touching the lots, each once, in chain order.
Result<std::vector<StoredRecord>> RecordsOf(const ChainStore& store,
                                            const std::vector<std::string>& lots) {
  std::map<std::pair<uint64_t, uint32_t>, StoredRecord> ordered;
  for (const std::string& lot : lots) {
    Result<std::vector<StoredRecord>> history = store.GetLotHistory(lot);
    if (!history.ok()) return history.status();
    for (StoredRecord& record : *history) {
      ordered.emplace(std::make_pair(record.height, record.index), std::move(record));
    }
    if (ordered.size() > kMaxBundleRecords) {
      return Reject(Reason::kTooLarge, "the journey has more than " +
                                           std::to_string(kMaxBundleRecords) +
                                           " records; too many for one bundle");
    }
  }
  std::vector<StoredRecord> out;
  out.reserve(ordered.size());
  for (auto& [place, record] : ordered) out.push_back(std::move(record));
  return out;
}

Status AddRecord(const ChainStore& store, const StoredRecord& stored, v1::ProofBundle& bundle) {
  Result<MerkleProof> proof = store.GetRecordProof(stored.id);
  if (!proof.ok()) return proof.status();
  v1::BundleRecord* record = bundle.add_records();
  *record->mutable_envelope() = stored.envelope;
  record->set_height(stored.height);
  record->set_index(stored.index);
  record->set_leaf_count(proof->leaf_count);
  for (const Hash256& sibling : proof->path) record->add_proof(AsBytes(sibling));
  return Status::Ok();
}

Status AddBlock(const ChainStore& store, uint64_t height, v1::ProofBundle& bundle) {
  Result<v1::Block> block = store.GetBlockHead(height);
  if (!block.ok()) return block.status();
  v1::BundleBlock* out = bundle.add_blocks();
  out->set_header(block->header());
  *out->mutable_certificate() = block->certificate();
  return Status::Ok();
}

// Keys a record names as acting parties: its signer, and a shipment's receiver and carrier.
void CollectParties(const v1::Envelope& envelope, std::set<std::string>& keys) {
  keys.insert(envelope.signer());
  v1::RecordBody body;
  if (!body.ParseFromString(envelope.body()) || !body.has_ship()) return;
  keys.insert(body.ship().receiver());
  if (!body.ship().carrier().empty()) keys.insert(body.ship().carrier());
}

// The RotateKey records that link a party's old key to the key that acted later, so the
// verifier's custody story can follow a lot across a key rotation. Merged into `records` in
// chain order; the successors join `parties` for their names.
Status AddRotations(const ChainStore& store, std::set<std::string>& parties,
                    std::vector<StoredRecord>& records) {
  std::map<std::pair<uint64_t, uint32_t>, StoredRecord> ordered;
  for (StoredRecord& record : records) {
    ordered.emplace(std::make_pair(record.height, record.index), std::move(record));
  }
  const std::set<std::string> named = parties;
  for (const std::string& key : named) {
    auto pubkey = ArrayFromBytes<32>(key);
    std::optional<v1::Participant> p = pubkey ? store.GetParticipant(*pubkey) : std::nullopt;
    for (uint32_t hop = 0; p && !p->rotated_to().empty() && hop < kMaxKeyRotations; ++hop) {
      auto id = ArrayFromBytes<32>(p->rotation_record());
      if (!id) break;
      Result<StoredRecord> rotation = store.GetRecord(*id);
      if (!rotation.ok()) return rotation.status();
      parties.insert(p->rotated_to());
      parties.insert(rotation->envelope.signer());  // the admin, named on the page
      ordered.emplace(std::make_pair(rotation->height, rotation->index),
                      std::move(rotation).value());
      auto next = ArrayFromBytes<32>(p->rotated_to());
      p = next ? store.GetParticipant(*next) : std::nullopt;
    }
  }
  if (ordered.size() > kMaxBundleRecords) {
    return Reject(Reason::kTooLarge, "the journey has more than " +
                                         std::to_string(kMaxBundleRecords) +
                                         " records; too many for one bundle");
  }
  records.clear();
  for (auto& [place, record] : ordered) records.push_back(std::move(record));
  return Status::Ok();
}

// Adds the record `id` (32 bytes) to `ordered` unless it is there already.
Status AddRecordById(const ChainStore& store, const std::string& id,
                     std::map<std::pair<uint64_t, uint32_t>, StoredRecord>& ordered) {
  auto hash = ArrayFromBytes<32>(id);
  if (!hash) return Status::Ok();  // no record named: nothing to prove
  Result<StoredRecord> record = store.GetRecord(*hash);
  if (!record.ok()) return record.status();
  ordered.emplace(std::make_pair(record->height, record->index), std::move(record).value());
  return Status::Ok();
}

// The origin records behind the lots (bundle.proto): each plot's RegisterPlot, kept
// TransferPlot/RetirePlot records and kept InputApplications, and the Certify record of every claim. Merged into `records` in chain
// order, at most kMaxBundleOriginRecords of them.
Status AddOrigin(const ChainStore& store, const std::vector<std::string>& lots,
                 std::vector<StoredRecord>& records) {
  std::map<std::pair<uint64_t, uint32_t>, StoredRecord> ordered;
  for (StoredRecord& record : records) {
    ordered.emplace(std::make_pair(record.height, record.index), std::move(record));
  }
  const size_t before = ordered.size();
  std::set<std::string> plots;
  for (const std::string& lot_key : lots) {
    std::optional<v1::LotState> lot = store.GetLot(lot_key);
    if (!lot) continue;
    if (!lot->plot().empty()) plots.insert(lot->plot());
    for (const v1::LotClaim& claim : lot->claims()) {
      AGRI_RETURN_IF_ERROR(AddRecordById(store, claim.certificate(), ordered));
    }
  }
  for (const std::string& plot_id : plots) {
    std::optional<v1::PlotState> plot = store.GetPlot(plot_id);
    if (!plot) continue;
    AGRI_RETURN_IF_ERROR(AddRecordById(store, plot->register_record(), ordered));
    for (const std::string& change : plot->change_records()) {
      AGRI_RETURN_IF_ERROR(AddRecordById(store, change, ordered));
    }
    for (const v1::PlotInput& input : plot->inputs()) {
      AGRI_RETURN_IF_ERROR(AddRecordById(store, input.record(), ordered));
    }
  }
  if (ordered.size() - before > kMaxBundleOriginRecords || ordered.size() > kMaxBundleRecords) {
    return Reject(Reason::kTooLarge, "the lot's origin has more than " +
                                         std::to_string(kMaxBundleOriginRecords) +
                                         " plot and certificate records; too many for one bundle");
  }
  records.clear();
  for (auto& [place, record] : ordered) records.push_back(std::move(record));
  return Status::Ok();
}

// For each plot and season of the bundle's harvests, the plot's whole season total as this
// store holds it now (bundle.proto PlotSeasonTotal: stated, not proven).
void AddPlotSeasons(const ChainStore& store, v1::ProofBundle& bundle) {
  const uint64_t height = store.Tip().height;  // the totals read below are at least this new
  std::set<std::pair<std::string, int32_t>> done;
  for (const v1::BundleRecord& record : bundle.records()) {
    v1::RecordBody body;
    if (!body.ParseFromString(record.envelope().body()) || !body.has_harvest() ||
        body.harvest().plot().empty()) {
      continue;
    }
    std::optional<v1::PlotState> plot = store.GetPlot(body.harvest().plot());
    if (!plot) continue;
    const int64_t harvest_ms = body.harvest().harvest_time_ms() != 0
                                   ? body.harvest().harvest_time_ms()
                                   : EventTimeOf(body);
    const int32_t season = SeasonYear(*plot, harvest_ms, body.event_tz_offset_min());
    if (done.size() >= kMaxBundlePlotSeasons || !done.insert({plot->plot_id(), season}).second) {
      continue;
    }
    v1::PlotSeasonTotal& total = *bundle.add_plot_seasons();
    total.set_plot_id(plot->plot_id());
    total.set_season(season);
    total.set_harvested_mg(HarvestedInSeason(*plot, season));
    total.set_as_of_height(height);
  }
}

void AddParticipants(const ChainStore& store, const std::set<std::string>& keys,
                     v1::ProofBundle& bundle) {
  for (const std::string& key : keys) {
    auto pubkey = ArrayFromBytes<32>(key);
    if (!pubkey) continue;
    std::optional<v1::Participant> participant = store.GetParticipant(*pubkey);
    if (participant && bundle.participants_size() < static_cast<int>(kMaxBundleParticipants)) {
      *bundle.add_participants() = std::move(*participant);
    }
  }
}

}  // namespace

Status SetValidatorChanges(const ChainStore& store, const v1::ValidatorGovernance& governance,
                           v1::ProofBundle& bundle) {
  bundle.clear_validator_changes();
  // epochs[0] is genesis's set; every later epoch was decided in a block whose header carries it.
  const int changes = std::max(governance.epochs_size() - 1, 0);
  if (static_cast<size_t>(changes) > kMaxBundleValidatorChanges) {
    return Reject(Reason::kTooLarge, "the chain has had " + std::to_string(changes) +
                                         " validator-set changes; a bundle carries at most " +
                                         std::to_string(kMaxBundleValidatorChanges));
  }
  for (int i = 1; i < governance.epochs_size(); ++i) {
    const uint64_t height = governance.epochs(i).decided_height();
    Result<v1::Block> block = store.GetBlockHead(height);
    if (!block.ok()) return block.status();
    v1::BundleBlock* out = bundle.add_validator_changes();
    out->set_header(block->header());
    *out->mutable_certificate() = block->certificate();
  }
  return Status::Ok();
}

Result<v1::ProofBundle> BuildProofBundle(const ChainStore& store, const Genesis& genesis,
                                         const std::string& lot_key, const std::string& serial) {
  if (!store.GetLot(lot_key)) {
    return Reject(Reason::kUnknownLot, "there is no lot " + lot_key + " on this chain");
  }
  Result<std::vector<std::string>> lots = LotAndAncestors(store, lot_key);
  if (!lots.ok()) return lots.status();
  Result<std::vector<StoredRecord>> records = RecordsOf(store, *lots);
  if (!records.ok()) return records.status();
  AGRI_RETURN_IF_ERROR(AddOrigin(store, *lots, *records));
  std::set<std::string> parties;
  for (const StoredRecord& stored : *records) CollectParties(stored.envelope, parties);
  AGRI_RETURN_IF_ERROR(AddRotations(store, parties, *records));
  v1::ProofBundle bundle;
  bundle.set_version(kBundleVersion);
  bundle.set_chain_id(genesis.chain_id);
  bundle.set_genesis_hash(AsBytes(genesis.hash));
  bundle.set_lot(lot_key);
  bundle.set_serial(serial);
  uint64_t last_height = 0;
  for (const StoredRecord& stored : *records) {
    AGRI_RETURN_IF_ERROR(AddRecord(store, stored, bundle));
    // Records are in chain order, so a new height is a block not yet added.
    if (stored.height != last_height) AGRI_RETURN_IF_ERROR(AddBlock(store, stored.height, bundle));
    last_height = stored.height;
  }
  AddParticipants(store, parties, bundle);
  AddPlotSeasons(store, bundle);
  AGRI_RETURN_IF_ERROR(SetValidatorChanges(store, GovernanceOf(store, genesis), bundle));
  if (std::optional<v1::LotState> lot = store.GetLot(lot_key)) {
    for (const v1::LotClaim& claim : lot->claims()) *bundle.add_claims() = claim;
  }
  return bundle;
}

}  // namespace agritrace::chain
