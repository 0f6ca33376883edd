// BlockApplier and validator-set governance: a block whose records decide a change carries it
// in its header (Build), and a header that differs from what its records decide, either way,
// is MALFORMED (Validate, CommitCertified). The decided change is committed with the block.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "chain/base/hash.h"
#include "chain/model/validator_set.h"
#include "chain/store/store.h"
#include "node/mempool/verified_records.h"
#include "node/replication/block_applier.h"

namespace agritrace::node {
namespace {

// Build takes the mempool's shared records.
std::vector<chain::RecordPtr> Shared(const std::vector<chain::Record>& records) {
  std::vector<chain::RecordPtr> shared;
  for (const auto& record : records) shared.push_back(std::make_shared<const chain::Record>(record));
  return shared;
}

using chain::Reason;

constexpr char kChain[] = "agritrace-governance-applier-test";
constexpr int64_t kTimeMs = 1'764'331'200'000;

class FixedClock final : public Clock {
 public:
  int64_t WallMs() const override { return kTimeMs; }
  int64_t SteadyMs() const override { return 0; }
};

class GovernanceApplierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-gov-applier-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    genesis_.chain_id = kChain;
    genesis_.params.chain_id = kChain;
    for (int i = 0; i < 4; ++i) {
      keys_.push_back(chain::PrivateKey::Generate());
      genesis_.validators.push_back({"v" + std::to_string(i), keys_[i].public_key(),
                                     "127.0.0.1:" + std::to_string(7000 + i)});
    }
    v1::Participant admin;
    admin.set_pubkey(chain::AsBytes(admin_.public_key()));
    admin.set_name("coop-admin");
    admin.add_roles(v1::ROLE_ADMIN);
    genesis_.participants.push_back(admin);
    genesis_.hash = chain::Sha256("governance applier test genesis");
    auto store = chain::ChainStore::Open(dir_, genesis_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    applier_ = std::make_unique<BlockApplier>(&genesis_, store_.get(), &verified_, &clock_);
  }
  void TearDown() override {
    applier_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  chain::Record Signed(v1::RecordBody body, const chain::PrivateKey& key) {
    body.set_chain_id(kChain);
    body.set_timestamp_ms(kTimeMs);
    body.set_nonce(next_nonce_++);
    auto record = chain::DecodeRecord(chain::SignRecord(body, key));
    EXPECT_TRUE(record.ok());
    return *record;
  }
  chain::Record ProposeAdd() {
    v1::RecordBody body;
    v1::ProposeValidatorChange* p = body.mutable_propose_validator_change();
    p->set_kind(v1::VALIDATOR_CHANGE_ADD);
    p->set_name("v4");
    p->set_pubkey(chain::AsBytes(newcomer_.public_key()));
    p->set_address("127.0.0.1:7004");
    return Signed(body, admin_);
  }
  chain::Record Approve(const chain::Record& proposal, int validator) {
    v1::RecordBody body;
    body.mutable_approve_validator_change()->set_proposal_id(chain::AsBytes(proposal.id));
    return Signed(body, keys_[validator]);
  }
  // A proposal and `approvals` approvals of it.
  std::vector<chain::Record> Governance(int approvals) {
    std::vector<chain::Record> records{ProposeAdd()};
    for (int i = 0; i < approvals; ++i) records.push_back(Approve(records[0], i));
    return records;
  }
  // Block 1 over `records` with `change` in its header, certified by three validators.
  v1::Block Block1(const std::vector<chain::Record>& records,
                   const v1::ValidatorSetChange* change) {
    std::vector<v1::Envelope> envelopes;
    for (const chain::Record& r : records) envelopes.push_back(r.envelope);
    v1::Block block = chain::MakeBlock(kChain, 1, store_->Tip().hash, kTimeMs,
                                       keys_[0].public_key(), envelopes, {}, change);
    Certify(block);
    return block;
  }
  void Certify(v1::Block& block) {
    const chain::Hash256 hash = chain::BlockHash(block.header());
    auto* cert = block.mutable_certificate();
    cert->set_height(1);
    cert->set_block_hash(chain::AsBytes(hash));
    for (int i = 0; i < 3; ++i) {
      *cert->add_signatures() = chain::SignPrecommit(keys_[i], kChain, 1, 0, hash);
    }
  }
  static v1::ValidatorSetChange HeaderChange(const v1::Block& block) {
    v1::BlockHeader header;
    EXPECT_TRUE(header.ParseFromString(block.header()));
    return header.validator_change();
  }

  std::string dir_;
  std::vector<chain::PrivateKey> keys_;
  const chain::PrivateKey admin_ = chain::PrivateKey::Generate();
  const chain::PrivateKey newcomer_ = chain::PrivateKey::Generate();
  uint64_t next_nonce_ = 1;
  chain::Genesis genesis_;
  std::unique_ptr<chain::ChainStore> store_;
  VerifiedRecords verified_{100};
  FixedClock clock_;
  std::unique_ptr<BlockApplier> applier_;
};

TEST_F(GovernanceApplierTest, TheStoreStartsWithGenesissSet) {
  std::optional<v1::ValidatorGovernance> governance = store_->GetValidatorGovernance();
  ASSERT_TRUE(governance.has_value());
  ASSERT_EQ(governance->epochs_size(), 1);
  EXPECT_EQ(governance->epochs(0).validators_size(), 4);
  EXPECT_EQ(governance->epochs(0).from_height(), 1u);
}

TEST_F(GovernanceApplierTest, BuildPutsTheDecidedChangeInTheHeaderAndCommitsIt) {
  const std::vector<chain::Record> records = Governance(3);
  v1::Block built = applier_->Build(1, kTimeMs, keys_[0].public_key(), Shared(records));
  ASSERT_EQ(built.records_size(), 4);
  const v1::ValidatorSetChange change = HeaderChange(built);
  EXPECT_EQ(change.proposal_id(), chain::AsBytes(records[0].id));
  EXPECT_EQ(change.effective_height(), 1 + chain::kValidatorChangeDelay);
  ASSERT_EQ(change.validators_size(), 5);
  EXPECT_EQ(change.validators(4).name(), "v4");
  ASSERT_TRUE(applier_->Validate(1, built, kTimeMs).ok());
  Certify(built);
  auto committed = applier_->CommitCertified(built);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  std::optional<v1::ValidatorGovernance> governance = store_->GetValidatorGovernance();
  ASSERT_TRUE(governance.has_value());
  ASSERT_EQ(governance->epochs_size(), 2);
  EXPECT_EQ(governance->epochs(1).from_height(), 3u);
  EXPECT_EQ(governance->epochs(1).validators_size(), 5);
  EXPECT_FALSE(governance->has_pending());
  ASSERT_EQ(governance->history_size(), 1);
  EXPECT_EQ(governance->history(0).approvals_size(), 3);
}

TEST_F(GovernanceApplierTest, BelowTheQuorumTheHeaderCarriesNothing) {
  const std::vector<chain::Record> records = Governance(2);
  v1::Block built = applier_->Build(1, kTimeMs, keys_[0].public_key(), Shared(records));
  ASSERT_EQ(built.records_size(), 3);
  EXPECT_FALSE(HeaderChange(built).validators_size() > 0);
  Certify(built);
  ASSERT_TRUE(applier_->CommitCertified(built).ok());
  std::optional<v1::ValidatorGovernance> governance = store_->GetValidatorGovernance();
  ASSERT_TRUE(governance.has_value());
  EXPECT_TRUE(governance->has_pending());
  EXPECT_EQ(governance->pending().approvals_size(), 2);
}

TEST_F(GovernanceApplierTest, AHeaderWithoutTheDecidedChangeIsMalformed) {
  v1::Block block = Block1(Governance(3), nullptr);
  chain::Status status = applier_->Validate(1, block, kTimeMs);
  EXPECT_EQ(status.reason(), Reason::kMalformed) << status.ToString();
  EXPECT_FALSE(applier_->CommitCertified(block).ok());
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(GovernanceApplierTest, AForgedChangeIsMalformed) {
  const std::vector<chain::Record> records = Governance(3);
  v1::ValidatorSetChange honest =
      HeaderChange(applier_->Build(1, kTimeMs, keys_[0].public_key(), Shared(records)));
  v1::ValidatorSetChange other_key = honest;
  other_key.mutable_validators(4)->set_pubkey(chain::AsBytes(chain::PrivateKey::Generate().public_key()));
  v1::ValidatorSetChange later = honest;
  later.set_effective_height(honest.effective_height() + 1);
  v1::ValidatorSetChange other_id = honest;
  other_id.set_proposal_id(std::string(32, 'x'));
  for (const v1::ValidatorSetChange* forged : {&other_key, &later, &other_id}) {
    v1::Block block = Block1(records, forged);
    chain::Status status = applier_->Validate(1, block, kTimeMs);
    EXPECT_EQ(status.reason(), Reason::kMalformed) << status.ToString();
  }
  // A change in a block whose records decide none.
  v1::Block block = Block1(Governance(2), &honest);
  chain::Status status = applier_->Validate(1, block, kTimeMs);
  EXPECT_EQ(status.reason(), Reason::kMalformed) << status.ToString();
  EXPECT_FALSE(applier_->CommitCertified(block).ok());
  EXPECT_EQ(store_->Tip().height, 0u);
  // The honest header passes.
  EXPECT_TRUE(applier_->Validate(1, Block1(records, &honest), kTimeMs).ok());
}

}  // namespace
}  // namespace agritrace::node
