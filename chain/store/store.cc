#include "chain/store/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#include "chain/io/failpoint.h"
#include "chain/model/evidence.h"
#include "chain/model/validator_set.h"
#include "chain/store/codec.h"

namespace agritrace::chain {

using namespace store_internal;  // NOLINT: this file is the codec's only user

namespace {

// Column families, in the order they are opened; the index is the handle's position.
enum Cf : size_t {
  kDefault,
  kBlocks,
  kRecords,
  kLots,
  kParticipants,
  kNames,
  kNonces,
  kHistory,
  kLineage,
  kMeta,
  kSafety,  // node-local values (PutNodeState: pending evidence); the signing state moved to
            // node/replication/signing_state_file.h
  kOrigin,  // "plot/{id}" PlotState, "ban/{crop}/{ingredient}" IngredientBan, "cert/{record id}"
            // ClaimCert, "scope/{scope}" CertIndex
  kEvidence,  // added after the others: opening an older database creates it
  kCfCount,
};
constexpr const char* kCfNames[kCfCount] = {
    "default",  // rocksdb::kDefaultColumnFamilyName; RocksDB requires it to be opened
    "blocks",  "records", "lots",    "participants", "names",
    "nonces",  "history", "lineage", "meta",         "safety",  "origin", "evidence",
};
// Key prefixes in the origin column family.
constexpr const char* kPlotPrefix = "plot/";
constexpr const char* kBanPrefix = "ban/";
constexpr const char* kCertPrefix = "cert/";
constexpr const char* kScopePrefix = "scope/";

// RocksDB options, chosen by measuring `scripts/bench.sh --growth` (docs/performance.md,
// "Growth"): the record path's cost must not grow with the chain, and the node's memory must
// not either. Every byte RocksDB holds is bounded by a constant below: memtables by
// kWriteBufferBytes, data, index and filter blocks by kBlockCacheBytes, open table readers by
// kMaxOpenFiles.

// Data, index and filter blocks of every column family, together. Index and filter blocks are
// charged to it too (cache_index_and_filter_blocks), so the total stays this size however long
// the chain grows; without that every open SST file keeps its index and filter on the heap,
// outside any bound, and with max_open_files = -1 (RocksDB's default) every file stays open.
// Estimated for 5 million records: filters at 10 bits per key over ~16 million keys are about
// 20 MiB and indexes less, so 128 MiB holds them (partitioned, below: only the partitions in
// use) plus the working set of recent lots and blocks.
constexpr size_t kBlockCacheBytes = 128 << 20;
// Index and filter blocks go to the cache's high-priority pool, so a scan of cold data blocks
// (a sync peer reading old blocks) does not evict the filters every new record's lookups need.
constexpr double kBlockCacheHighPriRatio = 0.5;
// Every memtable together (RocksDB's write buffer manager flushes the largest column family
// when the sum passes it).
constexpr size_t kWriteBufferBytes = 128 << 20;
// One memtable of a column family that grows with every record (records, nonces, history,
// lots, blocks, lineage): about 80,000 records' worth (flushes measured at a median 30 MiB,
// 12 for 530,000 records). Before: with RocksDB's default (64 MiB each) and a memtable Bloom
// filter sized from it, the Bloom filters alone (6.4 MiB allocated when a memtable is created)
// used most of the old 64 MiB total, and the write buffer manager flushed memtables of 7 MiB
// (median; of which ~1 MiB data): 204 flushes for 530,000 records, each column family every
// ~16,000 records, each flush an L0 file that every lookup checks until compaction catches up,
// and compaction work on 2 cores.
constexpr size_t kLargeCfWriteBufferBytes = 32 << 20;
// The column families that stay small (names, participants, meta, safety, origin, evidence).
constexpr size_t kSmallCfWriteBufferBytes = 4 << 20;
// Ten bits per key gives about a 1% false-positive rate for point lookups (RocksDB's guide).
// Whole-key filtering (RocksDB's default): lookups are by exact key.
constexpr double kBloomBitsPerKey = 10;
// Memtable Bloom filter size as a fraction of the write buffer: 0.02 of 32 MiB is 5 Mbit, about
// 10 bits per key for the ~400,000 smallest (nonce) keys a memtable holds. It answers the
// lookups that miss (a new record's id, its nonce) without a skip-list walk.
constexpr double kMemtableBloomRatio = 0.02;
// SST files kept open (table readers and their metadata; blocks are in the cache). A
// 5-million-record chain is about 1.7 GB of SST files (330 B per record), some 30-100 files of
// up to 64 MiB, so this is not reached in practice and only bounds a pathological LSM tree.
constexpr int kMaxOpenFiles = 1000;
// Decoded participants kept in memory (a county has thousands; this bounds a hostile chain).
constexpr size_t kMaxCachedParticipants = 100'000;
// Two-core machines are the target; compaction must not starve consensus.
constexpr int kMaxBackgroundJobs = 2;

bool Supports(rocksdb::CompressionType type) {
  auto supported = rocksdb::GetSupportedCompressions();
  return std::find(supported.begin(), supported.end(), type) != supported.end();
}

// Column families read by exact key get a Bloom filter; prefix-scanned ones (history,
// lineage) and the tiny ones would gain nothing from it.
bool IsPointLookup(size_t cf) {
  return cf == kBlocks || cf == kRecords || cf == kLots || cf == kParticipants || cf == kNames ||
         cf == kNonces || cf == kOrigin;
}

// Column families that grow with every record or block.
bool GrowsWithChain(size_t cf) {
  return cf == kBlocks || cf == kRecords || cf == kLots || cf == kNonces || cf == kHistory ||
         cf == kLineage;
}

rocksdb::ColumnFamilyOptions CfOptions(size_t cf, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  options.write_buffer_size =
      GrowsWithChain(cf) ? kLargeCfWriteBufferBytes : kSmallCfWriteBufferBytes;
  // L0 and L1 hold the newest few tens of megabytes and are rewritten soon by compaction:
  // compressing them only spends CPU that verification needs. LZ4 below them is cheap; ZSTD
  // squeezes the bottom level, where most of a long chain's bytes end up (disk per record is a
  // target). Applies to files written from now on; older files keep theirs.
  const rocksdb::CompressionType middle =
      Supports(rocksdb::kLZ4Compression) ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  options.compression = middle;
  options.compression_per_level.assign(options.num_levels, middle);
  options.compression_per_level[0] = options.compression_per_level[1] = rocksdb::kNoCompression;
  if (Supports(rocksdb::kZSTD)) options.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks live in the bounded cache, not on the heap per open file. L0
  // files are checked by every lookup, so theirs are pinned (L0 is at most a few files).
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  if (IsPointLookup(cf)) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
    // Partitioned: a large file's index and filter are split into 4 KiB partitions loaded as
    // needed, with only the small top level pinned, so the cache need not hold a whole file's
    // filter to answer one lookup and memory stays bounded as files grow.
    table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    table.partition_filters = true;
    table.pin_top_level_index_and_filter = true;
    // Most lookups of a new record (its id, its signer's nonce) miss: a Bloom filter over
    // the memtable answers them without walking the skip list.
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = kMemtableBloomRatio;
    // Not optimize_filters_for_hits: it drops the bottom level's filters, which hold most
    // keys, and the record path's lookups are the misses those filters answer.
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

rocksdb::DBOptions DbOptions() {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.db_write_buffer_size = kWriteBufferBytes;
  options.max_background_jobs = kMaxBackgroundJobs;
  options.max_open_files = kMaxOpenFiles;
  options.keep_log_file_num = 5;  // info logs only; enough to debug the last few restarts
  return options;
}

std::shared_ptr<rocksdb::Cache> NewBlockCache() {
  rocksdb::LRUCacheOptions cache;
  cache.capacity = kBlockCacheBytes;
  cache.high_pri_pool_ratio = kBlockCacheHighPriRatio;
  return rocksdb::NewLRUCache(cache);
}

Status IoError(const std::string& what, const rocksdb::Status& status) {
  return Reject(Reason::kIoError, what + ": " + status.ToString());
}

Status Corrupt(const std::string& what) {
  return Reject(Reason::kInternal, "the chain database is corrupt: " + what);
}

// StateReader cannot report errors, and answering "absent" when the disk failed would let a
// node accept a replayed record or a second owner of a lot and fork from its peers. A node
// that cannot read its own state stops instead; it restarts and catches up once repaired.
[[noreturn]] void FailStop(const std::string& what) {
  std::fprintf(stderr, "agritrace: fatal: %s\n", what.c_str());
  std::abort();
}

bool StartsWith(const rocksdb::Slice& key, const std::string& prefix) {
  return key.size() >= prefix.size() && std::memcmp(key.data(), prefix.data(), prefix.size()) == 0;
}

template <typename Message>
std::string Serialize(const Message& message) {
  std::string out;
  message.SerializeToString(&out);
  return out;
}

// Genesis's set as the only epoch, nothing proposed.
v1::ValidatorGovernance InitialGovernance(const Genesis& genesis) {
  v1::ValidatorGovernance governance;
  *governance.add_epochs() = GenesisEpoch(genesis);
  return governance;
}

}  // namespace

struct ChainStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // owned; index = Cf
  std::shared_ptr<rocksdb::Cache> cache;

  // Every record's rules look up its signer, so participants are kept decoded in memory.
  // A reader fills an entry only if no commit happened since it started reading
  // (`participants_generation`), so a value read before a commit never outlives it.
  std::mutex participants_mu;
  std::map<PubKey, v1::Participant> participants;  // GUARDED_BY(participants_mu)
  uint64_t participants_generation = 0;            // GUARDED_BY(participants_mu)

  ~Impl() {
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
    if (db) db->Close().PermitUncheckedError();
  }

  rocksdb::ColumnFamilyHandle* cf(Cf which) const { return handles[which]; }

  // nullopt when absent; IO_ERROR when RocksDB fails.
  Result<std::optional<std::string>> Get(Cf which, std::string_view key) const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cf(which), key, &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return IoError(std::string("reading ") + kCfNames[which], s);
    return std::optional<std::string>(std::move(value));
  }

  std::optional<std::string> GetOrFail(Cf which, std::string_view key) const {
    Result<std::optional<std::string>> value = Get(which, key);
    if (!value.ok()) FailStop(value.status().ToString());
    return std::move(value).value();
  }

  Result<ChainTip> ReadTip() const {
    Result<std::optional<std::string>> value = Get(kMeta, kTipKey);
    if (!value.ok()) return value.status();
    ChainTip tip;
    if (!value->has_value() || !DecodeTip(**value, &tip.height, &tip.hash)) {
      return Corrupt("the chain tip is missing or damaged");
    }
    return tip;
  }

  // Every value under `prefix` in a column family, with the key's remainder.
  std::vector<std::pair<std::string, std::string>> Scan(Cf which, const std::string& prefix) const {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf(which)));
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
      out.emplace_back(it->key().ToString().substr(prefix.size()), it->value().ToString());
    }
    if (!it->status().ok())
      FailStop("scanning " + std::string(kCfNames[which]) + ": " + it->status().ToString());
    return out;
  }

  Status Write(rocksdb::WriteBatch& batch, const std::string& what) {
    rocksdb::WriteOptions options;
    options.sync = true;  // a committed block survives power loss, not just a process crash
    rocksdb::Status s = db->Write(options, &batch);
    return s.ok() ? Status::Ok() : IoError(what, s);
  }

  Status Initialize(const Genesis& genesis);
  Status CheckGenesis(const Genesis& genesis);
};

Status ChainStore::Impl::Initialize(const Genesis& genesis) {
  rocksdb::WriteBatch batch;
  for (v1::Participant participant : genesis.participants) {
    participant.set_registered_height(0);
    batch.Put(cf(kNames), participant.name(), participant.pubkey());
    batch.Put(cf(kParticipants), participant.pubkey(), Serialize(participant));
  }
  for (const v1::PlotState& plot : genesis.plots) {
    batch.Put(cf(kOrigin), kPlotPrefix + plot.plot_id(), Serialize(plot));
  }
  batch.Put(cf(kMeta), kTipKey, EncodeTip(0, genesis.hash));
  batch.Put(cf(kMeta), kGovernanceKey, Serialize(InitialGovernance(genesis)));
  // Written last in the same batch: its presence means the genesis state is complete.
  batch.Put(cf(kMeta), kGenesisKey, AsBytes(genesis.hash));
  return Write(batch, "writing the genesis state");
}

Status ChainStore::Impl::CheckGenesis(const Genesis& genesis) {
  Result<std::optional<std::string>> stored = Get(kMeta, kGenesisKey);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Initialize(genesis);
  if (**stored != AsBytes(genesis.hash)) {
    return Reject(Reason::kMalformed,
                  "this data directory belongs to another network: it was created with genesis " +
                      ToHex(**stored) + ", not " + ToHex(genesis.hash) +
                      "; use a fresh data directory or the original genesis file");
  }
  // A database created before validator-set governance: its set is still genesis's.
  Result<std::optional<std::string>> governance = Get(kMeta, kGovernanceKey);
  if (!governance.ok()) return governance.status();
  if (governance->has_value()) return Status::Ok();
  rocksdb::WriteBatch batch;
  batch.Put(cf(kMeta), kGovernanceKey, Serialize(InitialGovernance(genesis)));
  return Write(batch, "writing the initial validator governance");
}

Result<std::unique_ptr<ChainStore>> ChainStore::Open(const std::string& dir,
                                                     const Genesis& genesis) {
  auto impl = std::make_unique<Impl>();
  impl->cache = NewBlockCache();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (size_t i = 0; i < kCfCount; ++i) {
    descriptors.emplace_back(kCfNames[i], CfOptions(i, impl->cache));
  }
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(DbOptions(), dir, descriptors, &impl->handles, &db);
  if (!s.ok()) return IoError("cannot open the chain database in " + dir, s);
  impl->db.reset(db);
  AGRI_RETURN_IF_ERROR(impl->CheckGenesis(genesis));
  return std::unique_ptr<ChainStore>(new ChainStore(std::move(impl)));
}

ChainStore::ChainStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChainStore::~ChainStore() = default;

std::optional<v1::LotState> ChainStore::GetLot(const std::string& lot_key) const {
  std::optional<std::string> value = impl_->GetOrFail(kLots, lot_key);
  if (!value) return std::nullopt;
  v1::LotState lot;
  if (!lot.ParseFromString(*value)) FailStop("the stored lot " + lot_key + " is damaged");
  return lot;
}

std::optional<v1::Participant> ChainStore::GetParticipant(const PubKey& pubkey) const {
  uint64_t generation;
  {
    std::lock_guard lock(impl_->participants_mu);
    if (auto it = impl_->participants.find(pubkey); it != impl_->participants.end()) {
      return it->second;
    }
    generation = impl_->participants_generation;
  }
  std::optional<std::string> value = impl_->GetOrFail(kParticipants, AsBytes(pubkey));
  if (!value) return std::nullopt;
  v1::Participant participant;
  if (!participant.ParseFromString(*value)) {
    FailStop("the stored participant " + ToHex(pubkey) + " is damaged");
  }
  std::lock_guard lock(impl_->participants_mu);
  if (generation == impl_->participants_generation &&
      impl_->participants.size() < kMaxCachedParticipants) {
    impl_->participants.emplace(pubkey, participant);
  }
  return participant;
}

std::optional<PubKey> ChainStore::FindParticipantByName(const std::string& name) const {
  std::optional<std::string> value = impl_->GetOrFail(kNames, name);
  if (!value) return std::nullopt;
  auto key = ArrayFromBytes<32>(*value);
  if (!key) FailStop("the stored name " + name + " is damaged");
  return key;
}

std::optional<v1::PlotState> ChainStore::GetPlot(const std::string& plot_id) const {
  std::optional<std::string> value = impl_->GetOrFail(kOrigin, kPlotPrefix + plot_id);
  if (!value) return std::nullopt;
  v1::PlotState plot;
  if (!plot.ParseFromString(*value)) FailStop("the stored plot " + plot_id + " is damaged");
  return plot;
}

std::optional<v1::IngredientBan> ChainStore::GetIngredientBan(const std::string& ban_key) const {
  std::optional<std::string> value = impl_->GetOrFail(kOrigin, kBanPrefix + ban_key);
  if (!value) return std::nullopt;
  v1::IngredientBan ban;
  if (!ban.ParseFromString(*value)) FailStop("the stored ban " + ban_key + " is damaged");
  return ban;
}

std::optional<v1::ClaimCert> ChainStore::GetClaimCert(const std::string& record_id) const {
  std::optional<std::string> value = impl_->GetOrFail(kOrigin, kCertPrefix + record_id);
  if (!value) return std::nullopt;
  v1::ClaimCert cert;
  if (!cert.ParseFromString(*value)) FailStop("the stored certificate " + ToHex(record_id) + " is damaged");
  return cert;
}

v1::CertIndex ChainStore::GetCertIndex(const std::string& scope_key) const {
  v1::CertIndex index;
  std::optional<std::string> value = impl_->GetOrFail(kOrigin, kScopePrefix + scope_key);
  if (value && !index.ParseFromString(*value)) FailStop("the stored index " + scope_key + " is damaged");
  return index;
}

bool ChainStore::HasNonce(const PubKey& signer, uint64_t nonce) const {
  return impl_->GetOrFail(kNonces, NonceKey(signer, nonce)).has_value();
}

bool ChainStore::HasRecord(const Hash256& record_id) const {
  return impl_->GetOrFail(kRecords, AsBytes(record_id)).has_value();
}

std::optional<PubKey> ChainStore::GetRecordSigner(const Hash256& record_id) const {
  Result<StoredRecord> record = GetRecord(record_id);
  if (!record.ok()) return std::nullopt;
  return ArrayFromBytes<32>(record->envelope.signer());
}

ChainTip ChainStore::Tip() const {
  Result<ChainTip> tip = impl_->ReadTip();
  if (!tip.ok()) FailStop(tip.status().ToString());
  return *tip;
}

namespace {

// The overlay's record index must agree with the block: it is what the history entries point
// through, and a mismatch means the state was computed for a different block.
// Every record the changes place is in one of `blocks` (consecutive heights), at its index.
Status CheckOverlayRecords(const std::vector<const DecodedBlock*>& blocks,
                           const StateOverlay& changes) {
  const uint64_t first = blocks.front()->header.height();
  for (const auto& [id, location] : changes.records()) {
    auto [height, index] = location;
    const DecodedBlock* block =
        height >= first && height - first < blocks.size() ? blocks[height - first] : nullptr;
    if (block == nullptr || index >= block->records.size() || block->records[index].id != id) {
      return Reject(Reason::kMalformed, "the state changes place record " + ToHex(id) +
                                            " at height " + std::to_string(height) + " index " +
                                            std::to_string(index) +
                                            ", where these blocks do not hold it");
    }
  }
  return Status::Ok();
}

Status CheckExtendsTip(const DecodedBlock& block, const ChainTip& tip) {
  if (block.header.height() != tip.height + 1) {
    return Reject(Reason::kMalformed,
                  "the block is at height " + std::to_string(block.header.height()) +
                      " but the next height to commit is " + std::to_string(tip.height + 1));
  }
  if (block.header.prev_hash() != AsBytes(tip.hash)) {
    return Reject(Reason::kMalformed,
                  "the block's previous hash is not the committed tip " + ToHex(tip.hash));
  }
  if (block.records.size() != static_cast<size_t>(block.block.records_size())) {
    return Reject(Reason::kMalformed, "the decoded records do not match the block's records");
  }
  if (block.evidence.size() != static_cast<size_t>(block.block.evidence_size())) {
    return Reject(Reason::kMalformed, "the decoded evidence does not match the block's evidence");
  }
  return Status::Ok();
}

}  // namespace

Status ChainStore::CommitBlock(const DecodedBlock& block, const StateOverlay& changes) {
  return CommitBlocks({&block}, changes);
}

// One WriteBatch for every block and the state they change: a crash leaves all or none.
Status ChainStore::CommitBlocks(const std::vector<const DecodedBlock*>& blocks,
                                const StateOverlay& changes) {
  if (blocks.empty()) return Reject(Reason::kMalformed, "no block to commit");
  if (blocks.size() > kMaxBlocksPerCommit) {
    return Reject(Reason::kTooLarge, std::to_string(blocks.size()) +
                                         " blocks in one commit; at most " +
                                         std::to_string(kMaxBlocksPerCommit));
  }
  Result<ChainTip> tip = impl_->ReadTip();
  if (!tip.ok()) return tip.status();
  ChainTip next = *tip;
  for (const DecodedBlock* block : blocks) {
    AGRI_RETURN_IF_ERROR(CheckExtendsTip(*block, next));
    next = ChainTip{block->header.height(), BlockHash(block->block.header())};
  }
  AGRI_RETURN_IF_ERROR(CheckOverlayRecords(blocks, changes));
  Impl& db = *impl_;
  rocksdb::WriteBatch batch;
  std::vector<Hash256> ids;
  for (const DecodedBlock* block : blocks) {
    const uint64_t height = block->header.height();
    ids.clear();
    for (uint32_t i = 0; i < block->records.size(); ++i) {
      const Record& record = block->records[i];
      ids.push_back(record.id);
      batch.Put(db.cf(kRecords), AsBytes(record.id),
                EncodeStoredRecord(height, i, record.envelope));
    }
    batch.Put(db.cf(kBlocks), HeightKey(height), EncodeStoredBlock(block->block, ids));
    for (size_t i = 0; i < block->evidence.size(); ++i) {
      batch.Put(db.cf(kEvidence), block->evidence[i].offence.Key(),
                EncodeStoredEvidence(height, block->block.evidence(static_cast<int>(i))));
    }
  }
  for (const auto& [key, lot] : changes.lots()) batch.Put(db.cf(kLots), key, Serialize(lot));
  for (const auto& [key, participant] : changes.participants()) {
    batch.Put(db.cf(kParticipants), AsBytes(key), Serialize(participant));
  }
  // From the names map, not the participants: a rotated-out key keeps its name for display
  // while the name itself now finds its successor.
  for (const auto& [name, key] : changes.names()) batch.Put(db.cf(kNames), name, AsBytes(key));
  for (const auto& [id, plot] : changes.plots()) {
    batch.Put(db.cf(kOrigin), kPlotPrefix + id, Serialize(plot));
  }
  for (const auto& [key, ban] : changes.ingredient_bans()) {
    batch.Put(db.cf(kOrigin), kBanPrefix + key, Serialize(ban));
  }
  for (const auto& [id, cert] : changes.claim_certs()) {
    batch.Put(db.cf(kOrigin), kCertPrefix + id, Serialize(cert));
  }
  for (const auto& [key, index] : changes.cert_indexes()) {
    batch.Put(db.cf(kOrigin), kScopePrefix + key, Serialize(index));
  }
  for (const auto& [signer, nonce] : changes.nonces()) {
    batch.Put(db.cf(kNonces), NonceKey(signer, nonce), rocksdb::Slice());
  }
  for (const HistoryChange& change : changes.history()) {
    batch.Put(db.cf(kHistory), HistoryKey(change.lot_key, change.height, change.index),
              AsBytes(change.record_id));
  }
  for (const StateOverlay::LineageEdge& edge : changes.lineage()) {
    batch.Put(db.cf(kLineage), ChildrenPrefix(edge.parent_key) + edge.child_key,
              AsBytes(edge.record_id));
    batch.Put(db.cf(kLineage), ParentsPrefix(edge.child_key) + edge.parent_key,
              AsBytes(edge.record_id));
  }
  if (changes.validator_governance()) {
    batch.Put(db.cf(kMeta), kGovernanceKey, Serialize(*changes.validator_governance()));
  }
  batch.Put(db.cf(kMeta), kTipKey, EncodeTip(next.height, next.hash));
  FailPoint("commit-before-write");
  const std::string what = blocks.size() == 1
                               ? "committing block " + std::to_string(next.height)
                               : "committing blocks " +
                                     std::to_string(blocks.front()->header.height()) + " to " +
                                     std::to_string(next.height);
  Status written = db.Write(batch, what);
  FailPoint("commit-after-write");
  std::lock_guard lock(db.participants_mu);
  ++db.participants_generation;
  for (const auto& [key, participant] : changes.participants()) db.participants.erase(key);
  return written;
}

Result<v1::Block> ChainStore::GetBlockHead(uint64_t height) const {
  std::vector<Hash256> ids;
  return ReadStoredBlock(height, &ids);
}

Result<v1::Block> ChainStore::ReadStoredBlock(uint64_t height, std::vector<Hash256>* ids) const {
  Result<std::optional<std::string>> value = impl_->Get(kBlocks, HeightKey(height));
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return Reject(Reason::kNotFound, "no block at height " + std::to_string(height) +
                                         " (the tip is " + std::to_string(Tip().height) + ")");
  }
  v1::Block block;
  if (!DecodeStoredBlock(**value, &block, ids)) {
    return Corrupt("block " + std::to_string(height) + " is damaged");
  }
  return block;
}

Result<v1::Block> ChainStore::GetBlock(uint64_t height) const {
  std::vector<Hash256> ids;
  Result<v1::Block> block = ReadStoredBlock(height, &ids);
  if (!block.ok()) return block;
  for (const Hash256& id : ids) {
    Result<StoredRecord> record = GetRecord(id);
    if (!record.ok())
      return Corrupt("block " + std::to_string(height) + " lost record " + ToHex(id));
    *block->add_records() = std::move(record->envelope);
  }
  return block;
}

Result<StoredRecord> ChainStore::GetRecord(const Hash256& record_id) const {
  Result<std::optional<std::string>> value = impl_->Get(kRecords, AsBytes(record_id));
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return Reject(Reason::kNotFound, "no committed record " + ToHex(record_id));
  }
  StoredRecord record;
  record.id = record_id;
  if (!DecodeStoredRecord(**value, &record.height, &record.index, &record.envelope)) {
    return Corrupt("record " + ToHex(record_id) + " is damaged");
  }
  return record;
}

Result<std::vector<StoredRecord>> ChainStore::GetLotHistory(const std::string& lot_key) const {
  std::vector<StoredRecord> out;
  for (const auto& [suffix, id_bytes] : impl_->Scan(kHistory, HistoryPrefix(lot_key))) {
    auto id = ArrayFromBytes<32>(id_bytes);
    if (!id) return Corrupt("the history of lot " + lot_key + " is damaged");
    Result<StoredRecord> record = GetRecord(*id);
    if (!record.ok()) return record.status();
    out.push_back(std::move(record).value());
  }
  return out;
}

std::vector<std::string> ChainStore::GetParents(const std::string& lot_key) const {
  std::vector<std::string> out;
  for (auto& [parent, id] : impl_->Scan(kLineage, ParentsPrefix(lot_key))) out.push_back(parent);
  return out;
}

std::vector<std::string> ChainStore::GetChildren(const std::string& lot_key) const {
  std::vector<std::string> out;
  for (auto& [child, id] : impl_->Scan(kLineage, ChildrenPrefix(lot_key))) out.push_back(child);
  return out;
}

namespace {
std::vector<ChainStore::LineageLink> ToLinks(
    const std::vector<std::pair<std::string, std::string>>& rows) {
  std::vector<ChainStore::LineageLink> out;
  out.reserve(rows.size());
  for (const auto& [lot_key, id] : rows) {
    ChainStore::LineageLink link;
    link.lot_key = lot_key;
    if (auto hash = ArrayFromBytes<32>(id)) link.record_id = *hash;
    out.push_back(std::move(link));
  }
  return out;
}
}  // namespace

std::vector<ChainStore::LineageLink> ChainStore::GetParentLinks(const std::string& lot_key) const {
  return ToLinks(impl_->Scan(kLineage, ParentsPrefix(lot_key)));
}

std::vector<ChainStore::LineageLink> ChainStore::GetChildLinks(const std::string& lot_key) const {
  return ToLinks(impl_->Scan(kLineage, ChildrenPrefix(lot_key)));
}

void ChainStore::ForEachLot(const std::string& key_prefix,
                            const std::function<bool(const v1::LotState&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kLots)));
  for (it->Seek(key_prefix); it->Valid() && StartsWith(it->key(), key_prefix); it->Next()) {
    v1::LotState lot;
    if (!lot.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      FailStop("lot " + it->key().ToString() + " is damaged");
    }
    if (!visit(lot)) return;
  }
  if (!it->status().ok()) FailStop("scanning lots: " + it->status().ToString());
}

Result<MerkleProof> ChainStore::GetRecordProof(const Hash256& record_id) const {
  Result<StoredRecord> record = GetRecord(record_id);
  if (!record.ok()) return record.status();
  std::vector<Hash256> ids;
  Result<v1::Block> block = ReadStoredBlock(record->height, &ids);
  if (!block.ok() && block.status().reason() != Reason::kNotFound) return block.status();
  if (!block.ok() || record->index >= ids.size() || ids[record->index] != record_id) {
    return Corrupt("block " + std::to_string(record->height) + " does not hold record " +
                   ToHex(record_id) + " where the index says");
  }
  return BuildMerkleProof(ids, record->index);
}

std::optional<uint64_t> ChainStore::EvidenceHeight(const Offence& offence) const {
  std::optional<std::string> value = impl_->GetOrFail(kEvidence, offence.Key());
  if (!value) return std::nullopt;
  if (value->size() < 8) FailStop("the stored evidence " + ToHex(offence.Key()) + " is damaged");
  return ReadBigEndian64(*value);
}

std::optional<v1::ValidatorGovernance> ChainStore::GetValidatorGovernance() const {
  std::optional<std::string> value = impl_->GetOrFail(kMeta, kGovernanceKey);
  if (!value) return std::nullopt;
  v1::ValidatorGovernance governance;
  if (!governance.ParseFromString(*value)) FailStop("the stored validator governance is damaged");
  return governance;
}

bool ChainStore::HasEvidenceAgainst(const Hash256& evidence_id, const PubKey& validator) const {
  bool truncated = false;
  for (const StoredEvidence& stored : ListEvidence(validator, SIZE_MAX, &truncated)) {
    if (EvidenceId(stored.evidence) == evidence_id) return true;
  }
  return false;
}

std::vector<StoredEvidence> ChainStore::ListEvidence(const std::optional<PubKey>& validator,
                                                     size_t limit, bool* truncated) const {
  std::vector<StoredEvidence> out;
  *truncated = false;
  const std::string prefix = validator ? AsBytes(*validator) : std::string();
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kEvidence)));
  for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
    if (out.size() >= limit) {
      *truncated = true;
      break;
    }
    StoredEvidence stored;
    if (!Offence::FromKey(it->key().ToStringView(), &stored.offence) ||
        !DecodeStoredEvidence(it->value().ToStringView(), &stored.committed_height,
                              &stored.evidence)) {
      FailStop("the stored evidence " + ToHex(it->key().ToString()) + " is damaged");
    }
    out.push_back(std::move(stored));
  }
  if (!it->status().ok()) FailStop("scanning evidence: " + it->status().ToString());
  return out;
}

Status ChainStore::PutNodeState(const std::string& key, const std::string& value) {
  rocksdb::WriteBatch batch;
  batch.Put(impl_->cf(kSafety), key, value);
  return impl_->Write(batch, "saving node state " + key);
}

std::optional<std::string> ChainStore::GetNodeState(const std::string& key) const {
  return impl_->GetOrFail(kSafety, key);
}

}  // namespace agritrace::chain
