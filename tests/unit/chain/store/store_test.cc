#include "chain/store/store.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>

#include "chain/base/hash.h"

namespace agritrace::chain {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kChain[] = "agritrace-store-test";
const std::string kLot1 = "01/09506000134352/10/L1";
// kLot1 is a prefix of kLot10: scans must not mix them up.
const std::string kLot10 = "01/09506000134352/10/L10";
const std::string kLot2 = "01/09506000134352/10/L2";

v1::LotKey LotKeyOf(const std::string& code) {
  v1::LotKey key;
  key.set_gtin("09506000134352");
  key.set_lot(code);
  return key;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-store-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    genesis_ = MakeGenesis("genesis A");
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Genesis MakeGenesis(const std::string& seed) {
    Genesis genesis;
    genesis.chain_id = kChain;
    genesis.params.chain_id = kChain;
    genesis.validators.push_back({"v0", validator_.public_key(), "127.0.0.1:1"});
    v1::Participant farmer;
    farmer.set_pubkey(AsBytes(farmer_.public_key()));
    farmer.set_name("farmer");
    farmer.add_roles(v1::ROLE_FARMER);
    genesis.participants.push_back(farmer);
    genesis.hash = Sha256(seed);
    return genesis;
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<ChainStore>> store = ChainStore::Open(dir_, genesis_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  v1::Envelope Harvest(const std::string& lot_code) {
    v1::RecordBody body;
    body.set_chain_id(kChain);
    body.set_timestamp_ms(1'764'331'200'000);
    body.set_nonce(++nonce_);
    *body.mutable_harvest()->mutable_lot() = LotKeyOf(lot_code);
    return SignRecord(body, farmer_);
  }

  // A certified block at `height` over `records`; `fill` adds state changes beyond the
  // record index, which is filled in for every record.
  Result<DecodedBlock> Build(uint64_t height, const Hash256& prev,
                             const std::vector<v1::Envelope>& records) {
    v1::Block block =
        MakeBlock(kChain, height, prev, 1000 + height, validator_.public_key(), records);
    Hash256 hash = BlockHash(block.header());
    block.mutable_certificate()->set_height(height);
    block.mutable_certificate()->set_block_hash(AsBytes(hash));
    *block.mutable_certificate()->add_signatures() =
        SignPrecommit(validator_, kChain, height, 0, hash);
    return DecodeBlock(block, kChain);
  }

  Status Commit(const std::vector<v1::Envelope>& records,
                const std::function<void(const DecodedBlock&, StateOverlay&)>& fill = nullptr) {
    ChainTip tip = store_->Tip();
    Result<DecodedBlock> block = Build(tip.height + 1, tip.hash, records);
    if (!block.ok()) return block.status();
    StateOverlay changes(store_.get());
    for (uint32_t i = 0; i < block->records.size(); ++i) {
      changes.AddRecord(block->records[i].id, tip.height + 1, i);
      changes.AddNonce(block->records[i].signer, block->records[i].body.nonce());
    }
    if (fill) fill(*block, changes);
    return store_->CommitBlock(*block, changes);
  }

  // Harvests of `codes` in one block, each creating its lot and first history entry.
  Status CommitHarvests(const std::vector<std::string>& codes) {
    std::vector<v1::Envelope> records;
    for (const std::string& code : codes) records.push_back(Harvest(code));
    return Commit(records, [&](const DecodedBlock& block, StateOverlay& changes) {
      for (uint32_t i = 0; i < codes.size(); ++i) {
        std::string key = "01/09506000134352/10/" + codes[i];
        v1::LotState lot;
        *lot.mutable_lot() = LotKeyOf(codes[i]);
        v1::Holding* holding = lot.add_holdings();
        holding->set_participant(AsBytes(farmer_.public_key()));
        holding->set_milli(1'000'000);
        lot.set_created_by_record(AsBytes(block.records[i].id));
        lot.set_created_height(block.header.height());
        changes.PutLot(key, lot);
        changes.AddHistory({key, block.records[i].id, block.header.height(), i});
      }
    });
  }

  std::vector<Hash256> HistoryIds(const std::string& lot_key) {
    Result<std::vector<StoredRecord>> history = store_->GetLotHistory(lot_key);
    EXPECT_TRUE(history.ok()) << history.status().ToString();
    std::vector<Hash256> ids;
    if (history.ok()) {
      for (const StoredRecord& r : *history) ids.push_back(r.id);
    }
    return ids;
  }

  std::string dir_;
  PrivateKey validator_ = PrivateKey::Generate();
  PrivateKey farmer_ = PrivateKey::Generate();
  Genesis genesis_;
  std::unique_ptr<ChainStore> store_;
  uint64_t nonce_ = 0;
};

TEST_F(StoreTest, FirstOpenWritesGenesis) {
  ChainTip tip = store_->Tip();
  EXPECT_EQ(tip.height, 0u);
  EXPECT_EQ(tip.hash, genesis_.hash);
  std::optional<v1::Participant> farmer = store_->GetParticipant(farmer_.public_key());
  ASSERT_TRUE(farmer.has_value());
  EXPECT_EQ(farmer->name(), "farmer");
  EXPECT_EQ(farmer->registered_height(), 0u);
  EXPECT_EQ(store_->FindParticipantByName("farmer"), farmer_.public_key());
  EXPECT_FALSE(store_->FindParticipantByName("nobody").has_value());
  EXPECT_FALSE(store_->GetParticipant(validator_.public_key()).has_value());
}

TEST_F(StoreTest, CommittedStateSurvivesReopen) {
  ASSERT_TRUE(CommitHarvests({"L1", "L2"}).ok());
  v1::Block committed = *store_->GetBlock(1);
  Hash256 id0 = ComputeRecordId(committed.records(0).body(), committed.records(0).signer(),
                                committed.records(0).signature());
  Reopen();
  ChainTip tip = store_->Tip();
  EXPECT_EQ(tip.height, 1u);
  EXPECT_EQ(tip.hash, BlockHash(committed.header()));
  Result<v1::Block> block = store_->GetBlock(1);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_TRUE(MessageDifferencer::Equals(*block, committed));
  EXPECT_EQ(block->records_size(), 2);
  EXPECT_EQ(block->certificate().signatures_size(), 1);
  std::optional<v1::LotState> lot = store_->GetLot(kLot1);
  ASSERT_TRUE(lot.has_value());
  EXPECT_EQ(lot->created_by_record(), AsBytes(id0));
  EXPECT_TRUE(store_->GetLot(kLot2).has_value());
  EXPECT_FALSE(store_->GetLot(kLot10).has_value());
  EXPECT_THAT(HistoryIds(kLot1), ElementsAre(id0));
  Result<StoredRecord> record = store_->GetRecord(id0);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->height, 1u);
  EXPECT_EQ(record->index, 0u);
  EXPECT_EQ(record->envelope.body(), committed.records(0).body());
  EXPECT_TRUE(store_->HasRecord(id0));
  EXPECT_TRUE(store_->HasNonce(farmer_.public_key(), 1));
  EXPECT_TRUE(store_->HasNonce(farmer_.public_key(), 2));
  EXPECT_FALSE(store_->HasNonce(farmer_.public_key(), 3));
  EXPECT_FALSE(store_->HasNonce(validator_.public_key(), 1));
}

// The options RocksDB writes its files with changed (partitioned index and filters, index and
// filter blocks in the block cache, no compression at L0-L1, explicit write buffers): a data
// directory whose files were all written with the earlier options must still open and answer.
// Every SST file records its own format, so only the files written from now on change.
TEST_F(StoreTest, OpensFilesWrittenWithTheEarlierOptions) {
  ASSERT_TRUE(CommitHarvests({"L1", "L2"}).ok());
  v1::Block committed = *store_->GetBlock(1);
  Hash256 id0 = ComputeRecordId(committed.records(0).body(), committed.records(0).signer(),
                                committed.records(0).signature());
  store_.reset();
  {  // Rewrite every file with the earlier options: one full-filter, unpartitioned table format,
     // LZ4 everywhere, memtable Bloom at 0.1 of RocksDB's default write buffer, all files open.
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      rocksdb::ColumnFamilyOptions cf;
      cf.compression = rocksdb::kLZ4Compression;
      cf.memtable_whole_key_filtering = true;
      cf.memtable_prefix_bloom_size_ratio = 0.1;
      rocksdb::BlockBasedTableOptions table;
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
      descriptors.emplace_back(name, cf);
    }
    rocksdb::DBOptions options;
    options.db_write_buffer_size = 64 << 20;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_, descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (auto* handle : handles) {
      ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), handle).ok());
      ASSERT_TRUE(db->CompactRange(compact, handle, nullptr, nullptr).ok());
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    ASSERT_TRUE(db->Close().ok());
  }
  Reopen();
  EXPECT_EQ(store_->Tip().height, 1u);
  EXPECT_TRUE(store_->HasRecord(id0));
  EXPECT_FALSE(store_->HasRecord(Sha256("never committed")));
  EXPECT_TRUE(store_->HasNonce(farmer_.public_key(), 2));
  EXPECT_FALSE(store_->HasNonce(farmer_.public_key(), 3));
  EXPECT_TRUE(store_->GetLot(kLot1).has_value());
  EXPECT_FALSE(store_->GetLot(kLot10).has_value());
  ASSERT_TRUE(CommitHarvests({"L10"}).ok());
  Reopen();
  EXPECT_EQ(store_->Tip().height, 2u);
  EXPECT_TRUE(store_->GetLot(kLot10).has_value());
  EXPECT_TRUE(store_->HasNonce(farmer_.public_key(), 3));
  EXPECT_THAT(HistoryIds(kLot1), ElementsAre(id0));
  Result<v1::Block> block = store_->GetBlock(1);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_TRUE(MessageDifferencer::Equals(*block, committed));
}

TEST_F(StoreTest, BlockExtendsTheChainOfHashes) {
  ASSERT_TRUE(CommitHarvests({"L1"}).ok());
  Hash256 first = store_->Tip().hash;
  ASSERT_TRUE(Commit({}).ok());
  v1::BlockHeader header;
  ASSERT_TRUE(header.ParseFromString(store_->GetBlock(2)->header()));
  EXPECT_EQ(header.prev_hash(), AsBytes(first));
  EXPECT_EQ(store_->Tip().height, 2u);
}

TEST_F(StoreTest, RejectsWrongHeightAndWritesNothing) {
  Result<DecodedBlock> block = Build(2, genesis_.hash, {Harvest("L1")});
  ASSERT_TRUE(block.ok());
  StateOverlay changes(store_.get());
  v1::LotState lot;
  changes.PutLot(kLot1, lot);
  changes.AddNonce(farmer_.public_key(), 1);
  Status s = store_->CommitBlock(*block, changes);
  EXPECT_EQ(s.reason(), Reason::kMalformed);
  EXPECT_THAT(s.message(), HasSubstr("next height to commit is 1"));
  Reopen();
  EXPECT_EQ(store_->Tip().height, 0u);
  EXPECT_FALSE(store_->GetLot(kLot1).has_value());
  EXPECT_FALSE(store_->HasNonce(farmer_.public_key(), 1));
  EXPECT_FALSE(store_->HasRecord(block->records[0].id));
  EXPECT_EQ(store_->GetBlock(2).status().reason(), Reason::kNotFound);
}

TEST_F(StoreTest, RejectsBlockNotOnTheTip) {
  Result<DecodedBlock> block = Build(1, Sha256("another genesis"), {Harvest("L1")});
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(store_->CommitBlock(*block, StateOverlay(store_.get())).reason(), Reason::kMalformed);
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(StoreTest, RejectsChangesForAnotherBlock) {
  Status s = Commit({Harvest("L1")}, [](const DecodedBlock&, StateOverlay& changes) {
    changes.AddRecord(Sha256("not in the block"), 1, 0);
  });
  EXPECT_EQ(s.reason(), Reason::kMalformed);
  EXPECT_EQ(store_->Tip().height, 0u);
}

// Block sync writes a run of blocks in one write: all of them or, when any does not follow
// its predecessor, none.
TEST_F(StoreTest, CommitBlocksWritesARunAllOrNothing) {
  Result<DecodedBlock> b1 = Build(1, genesis_.hash, {Harvest("L1")});
  ASSERT_TRUE(b1.ok());
  Result<DecodedBlock> b2 = Build(2, BlockHash(b1->block.header()), {Harvest("L2")});
  ASSERT_TRUE(b2.ok());
  Result<DecodedBlock> stray = Build(3, Sha256("elsewhere"), {});
  ASSERT_TRUE(stray.ok());
  StateOverlay changes(store_.get());
  changes.AddRecord(b1->records[0].id, 1, 0);
  changes.AddRecord(b2->records[0].id, 2, 0);
  changes.AddNonce(farmer_.public_key(), 2);
  v1::LotState lot;
  *lot.mutable_lot() = LotKeyOf("L2");
  changes.PutLot(kLot2, lot);
  changes.AddHistory({kLot2, b2->records[0].id, 2, 0});

  Status refused = store_->CommitBlocks({&*b1, &*b2, &*stray}, changes);
  EXPECT_EQ(refused.reason(), Reason::kMalformed);
  EXPECT_EQ(store_->Tip().height, 0u);
  EXPECT_FALSE(store_->HasRecord(b1->records[0].id)) << "nothing of the run is written";
  EXPECT_EQ(store_->CommitBlocks({}, changes).reason(), Reason::kMalformed);
  EXPECT_EQ(store_->CommitBlocks({&*b2}, changes).reason(), Reason::kMalformed);

  ASSERT_TRUE(store_->CommitBlocks({&*b1, &*b2}, changes).ok());
  Reopen();
  EXPECT_EQ(store_->Tip().height, 2u);
  EXPECT_EQ(store_->Tip().hash, BlockHash(b2->block.header()));
  EXPECT_EQ(store_->GetRecord(b1->records[0].id)->height, 1u);
  EXPECT_EQ(store_->GetRecord(b2->records[0].id)->height, 2u);
  EXPECT_EQ(store_->GetBlock(1)->records_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(*store_->GetBlock(2), b2->block));
  EXPECT_TRUE(store_->GetLot(kLot2).has_value());
  EXPECT_THAT(HistoryIds(kLot2), ElementsAre(b2->records[0].id));
  EXPECT_TRUE(store_->HasNonce(farmer_.public_key(), 2));
}

TEST_F(StoreTest, CommitBlocksRejectsChangesOutsideTheRun) {
  Result<DecodedBlock> b1 = Build(1, genesis_.hash, {Harvest("L1")});
  ASSERT_TRUE(b1.ok());
  StateOverlay changes(store_.get());
  changes.AddRecord(b1->records[0].id, 2, 0);  // placed in a block the run does not hold
  EXPECT_EQ(store_->CommitBlocks({&*b1}, changes).reason(), Reason::kMalformed);
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(StoreTest, RejectsDataDirectoryOfAnotherNetwork) {
  store_.reset();
  Result<std::unique_ptr<ChainStore>> other = ChainStore::Open(dir_, MakeGenesis("genesis B"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().reason(), Reason::kMalformed);
  EXPECT_THAT(other.status().message(), HasSubstr("belongs to another network"));
  Reopen();  // the original genesis still opens it
  EXPECT_EQ(store_->Tip().hash, genesis_.hash);
}

TEST_F(StoreTest, OpenFailsWithIoErrorWhereNoDirectoryCanBe) {
  Result<std::unique_ptr<ChainStore>> store = ChainStore::Open("/proc/agritrace/db", genesis_);
  EXPECT_EQ(store.status().reason(), Reason::kIoError);
}

TEST_F(StoreTest, HistoryIsInChainOrderAndPerLot) {
  ASSERT_TRUE(CommitHarvests({"L10", "L1"}).ok());
  std::vector<Hash256> created = HistoryIds(kLot1);
  ASSERT_EQ(created.size(), 1u);
  // Later records touching L1: one in block 2 at index 1, one in block 3 at index 0. They are
  // added out of order to show the store, not the caller, orders them.
  std::vector<Hash256> later;
  for (int height = 2; height <= 3; ++height) {
    std::vector<v1::Envelope> records = {Harvest("X" + std::to_string(height)),
                                         Harvest("Y" + std::to_string(height))};
    uint32_t index = height == 2 ? 1 : 0;
    ASSERT_TRUE(
        Commit(records, [&](const DecodedBlock& block, StateOverlay& changes) {
          changes.AddHistory(
              {kLot2, block.records[1 - index].id, block.header.height(), 1 - index});
          changes.AddHistory({kLot1, block.records[index].id, block.header.height(), index});
          later.push_back(block.records[index].id);
        }).ok());
  }
  Reopen();
  EXPECT_THAT(HistoryIds(kLot1), ElementsAre(created[0], later[0], later[1]));
  EXPECT_EQ(HistoryIds(kLot10).size(), 1u);
  EXPECT_EQ(HistoryIds(kLot2).size(), 2u);
  EXPECT_THAT(HistoryIds("01/09506000134352/10/NONE"), IsEmpty());
  Result<std::vector<StoredRecord>> history = store_->GetLotHistory(kLot1);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ((*history)[1].height, 2u);
  EXPECT_EQ((*history)[1].index, 1u);
  EXPECT_EQ((*history)[2].height, 3u);
}

TEST_F(StoreTest, LineageRecordsParentsAndChildren) {
  const std::string a = kLot1, b = kLot2, c = "01/09506000134352/10/C", d = kLot10;
  ASSERT_TRUE(Commit({Harvest("T")}, [&](const DecodedBlock& block, StateOverlay& changes) {
                Hash256 id = block.records[0].id;
                changes.AddLineage(a, c, id);
                changes.AddLineage(b, c, id);
                changes.AddLineage(c, d, id);
              }).ok());
  Reopen();
  EXPECT_THAT(store_->GetParents(c), ElementsAre(a, b));
  EXPECT_THAT(store_->GetChildren(c), ElementsAre(d));
  EXPECT_THAT(store_->GetChildren(a), ElementsAre(c));
  EXPECT_THAT(store_->GetParents(a), IsEmpty());
  // L10 is made from C only: L1's scan must not pick up L10's edges.
  EXPECT_THAT(store_->GetParents(d), ElementsAre(c));
  EXPECT_THAT(store_->GetChildren(d), IsEmpty());
}

TEST_F(StoreTest, ParticipantsRegisteredInABlockPersist) {
  PrivateKey packer = PrivateKey::Generate();
  ASSERT_TRUE(Commit({Harvest("R")}, [&](const DecodedBlock&, StateOverlay& changes) {
                v1::Participant p;
                p.set_pubkey(AsBytes(packer.public_key()));
                p.set_name("packer");
                p.add_roles(v1::ROLE_PACKER);
                p.set_registered_height(1);
                changes.PutParticipant(p);
              }).ok());
  Reopen();
  std::optional<v1::Participant> p = store_->GetParticipant(packer.public_key());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->registered_height(), 1u);
  EXPECT_EQ(store_->FindParticipantByName("packer"), packer.public_key());
  EXPECT_TRUE(store_->GetParticipant(farmer_.public_key()).has_value());
}

// A key rotation stores two participants with one name; the names index must follow the
// successor whatever the order of the keys (the overlay's names map, not the participants).
TEST_F(StoreTest, RotatedNameFindsTheSuccessorKeyAfterReopen) {
  for (int i = 0; i < 8; ++i) {  // random keys: both orders of old and new key occur
    PrivateKey old_key = PrivateKey::Generate(), new_key = PrivateKey::Generate();
    const std::string name = "grower-" + std::to_string(i);
    ASSERT_TRUE(Commit({Harvest("N" + std::to_string(i))},
                       [&](const DecodedBlock&, StateOverlay& changes) {
                         v1::Participant p;
                         p.set_pubkey(AsBytes(new_key.public_key()));
                         p.set_name(name);
                         v1::Participant retired = p;
                         retired.set_pubkey(AsBytes(old_key.public_key()));
                         retired.set_revoked(true);
                         retired.set_rotated_to(p.pubkey());
                         changes.PutRetiredParticipant(retired);
                         changes.PutParticipant(p);
                       })
                    .ok());
    Reopen();
    EXPECT_EQ(store_->FindParticipantByName(name), new_key.public_key());
    ASSERT_TRUE(store_->GetParticipant(old_key.public_key()).has_value());
    EXPECT_EQ(store_->GetParticipant(old_key.public_key())->name(), name);
  }
}

TEST_F(StoreTest, RecordProofsVerifyAgainstHeaderRoot) {
  ASSERT_TRUE(CommitHarvests({"P1", "P2", "P3", "P4", "P5"}).ok());
  Reopen();
  Result<v1::Block> block = store_->GetBlock(1);
  ASSERT_TRUE(block.ok());
  v1::BlockHeader header;
  ASSERT_TRUE(header.ParseFromString(block->header()));
  Hash256 root = *ArrayFromBytes<32>(header.records_root());
  for (const v1::Envelope& envelope : block->records()) {
    Hash256 id = ComputeRecordId(envelope.body(), envelope.signer(), envelope.signature());
    Result<MerkleProof> proof = store_->GetRecordProof(id);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(proof->leaf_count, 5u);
    EXPECT_TRUE(VerifyMerkleProof(id, *proof, root));
  }
  EXPECT_EQ(store_->GetRecordProof(Sha256("unknown")).status().reason(), Reason::kNotFound);
}

TEST_F(StoreTest, MissingThingsAreNotFound) {
  EXPECT_EQ(store_->GetBlock(0).status().reason(), Reason::kNotFound);
  EXPECT_EQ(store_->GetBlock(1).status().reason(), Reason::kNotFound);
  EXPECT_EQ(store_->GetRecord(Sha256("x")).status().reason(), Reason::kNotFound);
  EXPECT_FALSE(store_->HasRecord(Sha256("x")));
}

}  // namespace
}  // namespace agritrace::chain
