// The peer layer's pure parts: the handshake signature rule, who may peer (PeerDirectory),
// the once-per-node signature cache, and BlockApplier's checks on certified blocks that sync
// relies on (certificate, place on the chain, record signatures).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "chain/hash.h"
#include "node/block_applier.h"
#include "node/peer_directory.h"
#include "node/peer_handshake.h"
#include "node/verified_records.h"

namespace agritrace::node {
namespace {

using chain::Reason;

constexpr char kChain[] = "agritrace-peer-test";

chain::Genesis TestGenesis(const std::vector<chain::PrivateKey>& validators) {
  chain::Genesis genesis;
  genesis.chain_id = kChain;
  genesis.params.chain_id = kChain;
  for (size_t i = 0; i < validators.size(); ++i) {
    genesis.validators.push_back(
        {"v" + std::to_string(i), validators[i].public_key(), "127.0.0.1:" + std::to_string(i + 1)});
  }
  genesis.hash = chain::Sha256("peer test genesis");
  return genesis;
}

TEST(HandshakeTest, AcceptsTheKeyThatSignedOurChallenge) {
  auto alice = chain::PrivateKey::Generate(), bob = chain::PrivateKey::Generate();
  chain::Hash256 genesis = chain::Sha256("g"), alice_challenge{};
  v1::PeerHello hello = MakeHello(kChain, genesis, alice.public_key(), "alice", &alice_challenge);
  auto key = CheckHello(hello, kChain, genesis);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, alice.public_key());
  v1::PeerAuth auth = MakeAuth(bob, kChain, genesis, hello);  // bob answers alice's challenge
  EXPECT_TRUE(CheckAuth(auth, kChain, genesis, alice_challenge, bob.public_key(),
                        alice.public_key()).ok());
}

TEST(HandshakeTest, RejectsAnAnswerToAnotherChallenge) {
  auto alice = chain::PrivateKey::Generate(), bob = chain::PrivateKey::Generate();
  chain::Hash256 genesis = chain::Sha256("g"), first{}, second{};
  v1::PeerHello old_hello = MakeHello(kChain, genesis, alice.public_key(), "alice", &first);
  MakeHello(kChain, genesis, alice.public_key(), "alice", &second);
  v1::PeerAuth replayed = MakeAuth(bob, kChain, genesis, old_hello);
  EXPECT_EQ(CheckAuth(replayed, kChain, genesis, second, bob.public_key(), alice.public_key())
                .reason(),
            Reason::kBadSignature);
}

TEST(HandshakeTest, RejectsAKeyThatDidNotSign) {
  auto alice = chain::PrivateKey::Generate(), bob = chain::PrivateKey::Generate();
  auto mallory = chain::PrivateKey::Generate();
  chain::Hash256 genesis = chain::Sha256("g"), challenge{};
  v1::PeerHello hello = MakeHello(kChain, genesis, alice.public_key(), "alice", &challenge);
  v1::PeerAuth auth = MakeAuth(mallory, kChain, genesis, hello);
  // Mallory claims to be bob.
  EXPECT_EQ(CheckAuth(auth, kChain, genesis, challenge, bob.public_key(), alice.public_key())
                .reason(),
            Reason::kBadSignature);
}

TEST(HandshakeTest, RejectsAnotherNetwork) {
  auto alice = chain::PrivateKey::Generate();
  chain::Hash256 challenge{};
  v1::PeerHello hello =
      MakeHello("other-chain", chain::Sha256("g"), alice.public_key(), "a", &challenge);
  EXPECT_EQ(CheckHello(hello, kChain, chain::Sha256("g")).status().reason(), Reason::kWrongChain);
  hello = MakeHello(kChain, chain::Sha256("other genesis"), alice.public_key(), "a", &challenge);
  EXPECT_EQ(CheckHello(hello, kChain, chain::Sha256("g")).status().reason(), Reason::kWrongChain);
}

TEST(HandshakeTest, RejectsAMalformedHello) {
  auto alice = chain::PrivateKey::Generate();
  chain::Hash256 challenge{};
  v1::PeerHello hello = MakeHello(kChain, chain::Sha256("g"), alice.public_key(), "a", &challenge);
  hello.set_node_pubkey("short");
  EXPECT_EQ(CheckHello(hello, kChain, chain::Sha256("g")).status().reason(), Reason::kMalformed);
  hello = MakeHello(kChain, chain::Sha256("g"), alice.public_key(), "a", &challenge);
  hello.set_challenge("");
  EXPECT_EQ(CheckHello(hello, kChain, chain::Sha256("g")).status().reason(), Reason::kMalformed);
}

TEST(PeerDirectoryTest, AdmitsValidatorsAndListedObserversOnly) {
  auto v = chain::PrivateKey::Generate(), o = chain::PrivateKey::Generate();
  auto stranger = chain::PrivateKey::Generate();
  chain::Genesis genesis = TestGenesis({v});
  std::vector<PeerEntry> entries = {{"v0", PeerKind::kValidator, v.public_key(), "127.0.0.1:9"},
                                    {"obs", PeerKind::kObserver, o.public_key(), "127.0.0.1:8"}};
  auto directory = PeerDirectory::FromNetworkFile(genesis, NetworkFileJson(kChain, entries));
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  ASSERT_TRUE(directory->Find(v.public_key()));
  EXPECT_EQ(directory->Find(v.public_key())->address, "127.0.0.1:9");  // file overrides
  ASSERT_TRUE(directory->Find(o.public_key()));
  EXPECT_EQ(directory->Find(o.public_key())->kind, PeerKind::kObserver);
  EXPECT_FALSE(directory->Find(stranger.public_key()));
  EXPECT_FALSE(PeerDirectory(genesis).Find(o.public_key()));  // no file: validators only
}

TEST(PeerDirectoryTest, RejectsAValidatorThatGenesisDoesNotName) {
  auto v = chain::PrivateKey::Generate(), fake = chain::PrivateKey::Generate();
  std::vector<PeerEntry> entries = {{"fake", PeerKind::kValidator, fake.public_key(), "x:1"}};
  auto directory =
      PeerDirectory::FromNetworkFile(TestGenesis({v}), NetworkFileJson(kChain, entries));
  EXPECT_EQ(directory.status().reason(), Reason::kNotAuthorized);
}

TEST(PeerDirectoryTest, RejectsAnotherChainAndBadEntries) {
  auto v = chain::PrivateKey::Generate(), o = chain::PrivateKey::Generate();
  chain::Genesis genesis = TestGenesis({v});
  std::vector<PeerEntry> entries = {{"obs", PeerKind::kObserver, o.public_key(), "x:1"}};
  EXPECT_EQ(PeerDirectory::FromNetworkFile(genesis, NetworkFileJson("other", entries))
                .status().reason(),
            Reason::kWrongChain);
  EXPECT_EQ(PeerDirectory::FromNetworkFile(
                genesis, R"({"chain_id":"agritrace-peer-test","nodes":[{"name":"o",
                "kind":"observer","pubkey":"zz"}]})").status().reason(),
            Reason::kMalformed);
  EXPECT_EQ(PeerDirectory::FromNetworkFile(
                genesis, R"({"chain_id":"agritrace-peer-test","nodes":[{"name":1}]})")
                .status().reason(),
            Reason::kMalformed);
  EXPECT_EQ(PeerDirectory::FromNetworkFile(genesis, "not json").status().reason(),
            Reason::kMalformed);
  entries.push_back(entries[0]);
  EXPECT_EQ(PeerDirectory::FromNetworkFile(genesis, NetworkFileJson(kChain, entries))
                .status().reason(),
            Reason::kAlreadyRegistered);
}

v1::Envelope TestRecord(const chain::PrivateKey& signer, uint64_t nonce) {
  v1::RecordBody body;
  body.set_chain_id(kChain);
  body.set_timestamp_ms(1'764'331'200'000);
  body.set_nonce(nonce);
  body.mutable_harvest()->mutable_lot()->set_gtin("09506000134352");
  body.mutable_harvest()->mutable_lot()->set_lot("L1");
  return chain::SignRecord(body, signer);
}

TEST(VerifiedRecordsTest, VerifiesEachRecordOnceAndRejectsForgeries) {
  auto farmer = chain::PrivateKey::Generate();
  auto record = chain::DecodeRecord(TestRecord(farmer, 1));
  ASSERT_TRUE(record.ok());
  VerifiedRecords verified(10);
  EXPECT_TRUE(verified.Verify(*record).ok());
  EXPECT_TRUE(verified.Verify(*record).ok());
  EXPECT_EQ(verified.verifications(), 1u);  // the second arrival reuses the result
  v1::Envelope forged = record->envelope;
  std::string signature = forged.signature();
  signature[5] ^= 1;
  forged.set_signature(signature);
  auto bad = chain::DecodeRecord(forged);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(verified.Verify(*bad).reason(), Reason::kBadSignature);
  EXPECT_EQ(verified.Verify(*bad).reason(), Reason::kBadSignature);  // failures not cached
}

// BlockApplier over a real store with a 4-validator genesis.
class BlockApplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-applier-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    for (int i = 0; i < 4; ++i) keys_.push_back(chain::PrivateKey::Generate());
    genesis_ = TestGenesis(keys_);
    auto store = chain::ChainStore::Open(dir_, genesis_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    applier_ = std::make_unique<BlockApplier>(&genesis_, store_.get(), &verified_);
  }
  void TearDown() override {
    applier_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // The next block, certified by the first `signers` validators.
  v1::Block Certified(size_t signers, std::vector<v1::Envelope> records = {}) {
    chain::ChainTip tip = store_->Tip();
    v1::Block block = chain::MakeBlock(kChain, tip.height + 1, tip.hash, 1000 + tip.height,
                                       keys_[0].public_key(), records);
    chain::Hash256 hash = chain::BlockHash(block.header());
    auto* cert = block.mutable_certificate();
    cert->set_height(tip.height + 1);
    cert->set_block_hash(chain::AsBytes(hash));
    for (size_t i = 0; i < signers; ++i) {
      *cert->add_signatures() = chain::SignPrecommit(keys_[i], kChain, tip.height + 1, 0, hash);
    }
    return block;
  }

  std::string dir_;
  std::vector<chain::PrivateKey> keys_;
  chain::Genesis genesis_;
  std::unique_ptr<chain::ChainStore> store_;
  VerifiedRecords verified_{100};
  std::unique_ptr<BlockApplier> applier_;
};

TEST_F(BlockApplierTest, CommitsABlockWithAQuorumCertificateOnce) {
  v1::Block block = Certified(3);
  auto committed = applier_->CommitCertified(block);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_TRUE(*committed);
  EXPECT_EQ(store_->Tip().height, 1u);
  committed = applier_->CommitCertified(block);  // again, e.g. from a second peer
  ASSERT_TRUE(committed.ok());
  EXPECT_FALSE(*committed);
}

TEST_F(BlockApplierTest, RejectsACertificateOfOnlyTwoThirds) {
  EXPECT_FALSE(applier_->CommitCertified(Certified(2)).ok());
  EXPECT_FALSE(applier_->CommitCertified(Certified(0)).ok());
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(BlockApplierTest, RejectsACertificateThatCountsAValidatorTwice) {
  v1::Block block = Certified(2);
  *block.mutable_certificate()->add_signatures() = block.certificate().signatures(0);
  EXPECT_FALSE(applier_->CommitCertified(block).ok());
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(BlockApplierTest, RejectsARecordWithABadSignatureEvenWhenCertified) {
  v1::Envelope record = TestRecord(chain::PrivateKey::Generate(), 1);
  std::string signature = record.signature();
  signature[0] ^= 1;
  record.set_signature(signature);
  auto committed = applier_->CommitCertified(Certified(4, {record}));
  EXPECT_EQ(committed.status().reason(), Reason::kBadSignature);
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(BlockApplierTest, RejectsABlockThatDoesNotBuildOnOurTip) {
  v1::Block block = Certified(3);
  ASSERT_TRUE(applier_->CommitCertified(block).ok());
  // Same height 2 but built on another parent.
  v1::Block stray = chain::MakeBlock(kChain, 2, chain::Sha256("elsewhere"), 5000,
                                     keys_[0].public_key(), {});
  chain::Hash256 hash = chain::BlockHash(stray.header());
  for (int i = 0; i < 4; ++i) {
    *stray.mutable_certificate()->add_signatures() = chain::SignPrecommit(keys_[i], kChain, 2, 0, hash);
  }
  stray.mutable_certificate()->set_height(2);
  stray.mutable_certificate()->set_block_hash(chain::AsBytes(hash));
  EXPECT_EQ(applier_->CommitCertified(stray).status().reason(), Reason::kMalformed);
  // A block far ahead cannot be placed yet: not the sender's fault.
  v1::Block ahead = chain::MakeBlock(kChain, 9, chain::Sha256("x"), 5000, keys_[0].public_key(), {});
  EXPECT_EQ(applier_->CommitCertified(ahead).status().reason(), Reason::kNotFound);
}

TEST_F(BlockApplierTest, RejectsAConflictingBlockAtACommittedHeight) {
  ASSERT_TRUE(applier_->CommitCertified(Certified(3)).ok());
  v1::Block other = chain::MakeBlock(kChain, 1, genesis_.hash, 777, keys_[1].public_key(), {});
  EXPECT_EQ(applier_->CommitCertified(other).status().reason(), Reason::kNotAuthorized);
}

TEST_F(BlockApplierTest, RefusesAProposalTimedFurtherAheadThanARecordMayBe) {
  const int64_t now_ms = 1000;  // Certified() stamps the block at 1000
  const int64_t limit = genesis_.params.max_record_future_ms;
  v1::Block block = Certified(0);
  EXPECT_TRUE(applier_->Validate(1, block, now_ms).ok());
  EXPECT_TRUE(applier_->Validate(1, block, now_ms - limit).ok());
  EXPECT_EQ(applier_->Validate(1, block, now_ms - limit - 1).reason(), Reason::kMalformed);
  // Certified, the same block commits whatever our clock says.
  EXPECT_TRUE(applier_->CommitCertified(Certified(3)).ok());
}

// Build remembers what it applied, so Validate and CommitCertified of that very block reuse it;
// a block that differs in any header byte is checked afresh.
TEST_F(BlockApplierTest, ABlockItBuiltValidatesAndCommits) {
  v1::Block built = applier_->Build(1, 2000, keys_[0].public_key(), {});
  ASSERT_TRUE(applier_->Validate(1, built, 2000).ok());
  v1::Block other = applier_->Build(1, 3000, keys_[0].public_key(), {});
  EXPECT_NE(chain::BlockHash(other.header()), chain::BlockHash(built.header()));
  EXPECT_EQ(applier_->Validate(2, built, 2000).reason(), Reason::kNotFound);
  chain::Hash256 hash = chain::BlockHash(built.header());
  for (int i = 0; i < 3; ++i) {
    *built.mutable_certificate()->add_signatures() = chain::SignPrecommit(keys_[i], kChain, 1, 0, hash);
  }
  built.mutable_certificate()->set_height(1);
  built.mutable_certificate()->set_block_hash(chain::AsBytes(hash));
  auto committed = applier_->CommitCertified(built);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(store_->Tip().height, 1u);
  EXPECT_EQ(store_->Tip().hash, hash);
  // The tip moved: the remembered check no longer applies to a block on the old parent.
  EXPECT_FALSE(applier_->Validate(1, other, 3000).ok());
}

}  // namespace
}  // namespace agritrace::node
