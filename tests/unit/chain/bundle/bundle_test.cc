// Proof bundles built from a real store (records applied by the real rules, blocks committed
// with certificates), verified against the genesis, and tampered with field by field.
#include "chain/bundle/bundle.h"
#include "chain/query/bundle_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <set>

#include "chain/model/gs1.h"
#include "chain/base/hash.h"
#include "chain/model/plot.h"
#include "chain/model/quantity.h"
#include "chain/rules/rules.h"

namespace agritrace::chain {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kChain[] = "agritrace-bundle-test";
constexpr int64_t kT0 = 1'764'331'200'000;
constexpr char kGtinBulk[] = "06901234567892";
constexpr char kGtinBag[] = "06901234567809";
const std::string kB1 = "01/06901234567892/10/B1";
const std::string kR1 = "01/06901234567809/10/R1";

v1::LotKey Lot(const char* gtin, const std::string& code) {
  v1::LotKey key;
  key.set_gtin(gtin);
  key.set_lot(code);
  return key;
}

v1::Quantity Qty(std::string_view text) { return *ParseQuantity(text); }

v1::Participant Member(const PrivateKey& key, const std::string& name, v1::Role role) {
  v1::Participant p;
  p.set_pubkey(AsBytes(key.public_key()));
  p.set_name(name);
  p.set_organization(name + " org");
  p.add_roles(role);
  return p;
}

// Any failure mentioning `text`.
::testing::AssertionResult FailsWith(const BundleVerdict& verdict, const std::string& text) {
  for (const std::string& failure : verdict.failures) {
    if (failure.find(text) != std::string::npos) return ::testing::AssertionSuccess();
  }
  std::string all;
  for (const std::string& failure : verdict.failures) all += "\n  " + failure;
  return ::testing::AssertionFailure() << "no failure mentions \"" << text << "\"; got:" << all;
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-bundle-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    genesis_.chain_id = kChain;
    genesis_.params.chain_id = kChain;
    genesis_.validators.push_back({"coop", validator_.public_key(), "127.0.0.1:1"});
    genesis_.participants = {Member(farmer_, "farmer", v1::ROLE_FARMER),
                             Member(packer_, "packer", v1::ROLE_PACKER),
                             Member(carrier_, "carrier", v1::ROLE_CARRIER),
                             Member(retailer_, "retailer", v1::ROLE_RETAILER),
                             Member(admin_, "admin", v1::ROLE_ADMIN),
                             Member(inspector_, "inspector", v1::ROLE_INSPECTOR)};
    genesis_.hash = Sha256("bundle test genesis");
    auto store = ChainStore::Open(dir_, genesis_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    RunJourney();
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  v1::Envelope Sign(const PrivateKey& key, const std::function<void(v1::RecordBody&)>& fill) {
    v1::RecordBody body;
    body.set_chain_id(kChain);
    body.set_timestamp_ms(kT0 + static_cast<int64_t>(nonce_) * 1000);
    body.set_nonce(++nonce_);
    fill(body);
    return SignRecord(body, key);
  }

  // Applies the records with the real rules and commits them as one certified block.
  void Commit(const std::vector<v1::Envelope>& envelopes) {
    ChainTip tip = store_->Tip();
    const uint64_t height = tip.height + 1;
    const int64_t time_ms = kT0 + 60'000 * static_cast<int64_t>(height);
    StateOverlay changes(store_.get());
    for (uint32_t i = 0; i < envelopes.size(); ++i) {
      Result<Record> record = DecodeRecord(envelopes[i]);
      ASSERT_TRUE(record.ok());
      Status applied = ApplyRecord(*record, genesis_.params, {height, i, time_ms}, changes);
      ASSERT_TRUE(applied.ok()) << applied.ToString();
    }
    v1::Block block =
        MakeBlock(kChain, height, tip.hash, time_ms, validator_.public_key(), envelopes);
    Result<DecodedBlock> decoded = DecodeBlock(block, kChain);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    v1::CommitCertificate* cert = decoded->block.mutable_certificate();
    cert->set_height(height);
    cert->set_block_hash(AsBytes(decoded->hash));
    *cert->add_signatures() = SignPrecommit(validator_, kChain, height, 0, decoded->hash);
    ASSERT_TRUE(store_->CommitBlock(*decoded, changes).ok());
  }

  v1::Envelope Ship(const PrivateKey& from, const std::string& lot_code, const char* gtin,
                    const PrivateKey& to) {
    return Sign(from, [&](v1::RecordBody& b) {
      *b.mutable_ship()->mutable_lot() = Lot(gtin, lot_code);
      b.mutable_ship()->set_receiver(AsBytes(to.public_key()));
      b.mutable_ship()->set_carrier(AsBytes(carrier_.public_key()));
    });
  }

  v1::Envelope Receive(const PrivateKey& by, const std::string& lot_code, const char* gtin) {
    return Sign(
        by, [&](v1::RecordBody& b) { *b.mutable_receive()->mutable_lot() = Lot(gtin, lot_code); });
  }

  // Harvest B1, ship to the packer, receive, pack 600 kg into R1 (and an unrelated harvest
  // in the same block, so proofs have siblings), ship R1 to the retailer, receive.
  void RunJourney() {
    v1::Envelope harvest = Sign(farmer_, [](v1::RecordBody& b) {
      v1::Harvest* h = b.mutable_harvest();
      *h->mutable_lot() = Lot(kGtinBulk, "B1");
      h->set_commodity("rice");
      h->set_variety("Wuchang");
      *h->mutable_quantity() = Qty("1000kg");
      h->set_harvest_time_ms(kT0);
      h->set_field("Plot 7");
    });
    v1::Envelope other = Sign(farmer_, [](v1::RecordBody& b) {
      v1::Harvest* h = b.mutable_harvest();
      *h->mutable_lot() = Lot(kGtinBulk, "X9");
      h->set_commodity("rice");
      *h->mutable_quantity() = Qty("5kg");
      h->set_field("Plot 8");
    });
    Commit({other, harvest});
    Commit({Ship(farmer_, "B1", kGtinBulk, packer_)});
    Commit({Receive(packer_, "B1", kGtinBulk)});
    v1::Envelope pack = Sign(packer_, [](v1::RecordBody& b) {
      v1::Transform* t = b.mutable_transform();
      t->set_kind(v1::TRANSFORM_KIND_PACK);
      v1::LotAmount* in = t->add_inputs();
      *in->mutable_lot() = Lot(kGtinBulk, "B1");
      *in->mutable_quantity() = Qty("600kg");
      v1::LotOutput* out = t->add_outputs();
      *out->mutable_lot() = Lot(kGtinBag, "R1");
      *out->mutable_quantity() = Qty("120pcs");
      *out->mutable_net_mass_per_unit() = Qty("5kg");
    });
    Commit({pack, Ship(packer_, "R1", kGtinBag, retailer_)});
    Commit({Receive(retailer_, "R1", kGtinBag)});
    Rebuild();
  }

  // A fresh, untampered bundle of R1.
  void Rebuild() {
    auto bundle = BuildProofBundle(*store_, genesis_, kR1);
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    bundle_ = std::move(bundle).value();
  }

  // Index of the first record of the given event kind.
  int RecordOf(v1::RecordBody::EventCase kind, int skip = 0) const {
    for (int i = 0; i < bundle_.records_size(); ++i) {
      v1::RecordBody body;
      body.ParseFromString(bundle_.records(i).envelope().body());
      if (body.event_case() == kind && skip-- == 0) return i;
    }
    ADD_FAILURE() << "no such record";
    return 0;
  }

  BundleVerdict Verify(const v1::ProofBundle& bundle) {
    return VerifyProofBundle(bundle, genesis_);
  }

  static void FlipByte(std::string* bytes, size_t at) {
    ASSERT_LT(at, bytes->size());
    (*bytes)[at] = static_cast<char>((*bytes)[at] ^ 0x01);
  }

  std::string dir_;
  Genesis genesis_;
  std::unique_ptr<ChainStore> store_;
  PrivateKey validator_ = PrivateKey::Generate();
  PrivateKey farmer_ = PrivateKey::Generate();
  PrivateKey packer_ = PrivateKey::Generate();
  PrivateKey carrier_ = PrivateKey::Generate();
  PrivateKey retailer_ = PrivateKey::Generate();
  PrivateKey admin_ = PrivateKey::Generate();
  PrivateKey inspector_ = PrivateKey::Generate();
  uint64_t nonce_ = 0;
  v1::ProofBundle bundle_;
};

TEST_F(BundleTest, HoldsTheLotAndItsAncestorsBackToTheHarvest) {
  // harvest B1, ship, receive, pack, ship R1, receive R1; not the unrelated X9 harvest.
  EXPECT_EQ(bundle_.records_size(), 6);
  EXPECT_EQ(bundle_.blocks_size(), 5);
  EXPECT_EQ(bundle_.lot(), kR1);
  EXPECT_EQ(bundle_.chain_id(), kChain);
  EXPECT_EQ(bundle_.participants_size(), 4);
  for (const v1::BundleRecord& record : bundle_.records()) {
    EXPECT_EQ(record.envelope().body().find("X9"), std::string::npos);
  }
}

TEST_F(BundleTest, VerifiesWithTheGenesisAlone) {
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(verdict.ok());
  EXPECT_THAT(verdict.failures, IsEmpty());
  for (const RecordVerdict& record : verdict.records) EXPECT_TRUE(record.verified) << record.label;
}

// Partial custody: part of B1 goes to the retailer directly and part of that is rejected
// back; R1's bags travel on a pallet and are sold bag by bag. The bundle of R1 holds every
// record that moved B1 or R1, and the verifier follows each quantity.
TEST_F(BundleTest, FollowsPartialShipmentsRejectionsLossesAndAPallet) {
  const std::string sscc = "106141411234567897";
  Commit({Sign(packer_, [&](v1::RecordBody& b) {
    *b.mutable_ship()->mutable_lot() = Lot(kGtinBulk, "B1");
    *b.mutable_ship()->mutable_quantity() = Qty("100kg");
    b.mutable_ship()->set_receiver(AsBytes(retailer_.public_key()));
  })});
  Commit({Sign(retailer_, [](v1::RecordBody& b) {
    *b.mutable_receive()->mutable_lot() = Lot(kGtinBulk, "B1");
    *b.mutable_receive()->mutable_reject() = Qty("30kg");
    b.mutable_receive()->set_reject_reason("wet");
  })});
  Commit({Receive(packer_, "B1", kGtinBulk)});
  Commit({Sign(packer_, [](v1::RecordBody& b) {
    *b.mutable_loss()->mutable_lot() = Lot(kGtinBulk, "B1");
    *b.mutable_loss()->mutable_quantity() = Qty("30kg");
    b.mutable_loss()->set_reason(v1::LOSS_REASON_SPOILAGE);
  })});
  Commit({Sign(retailer_, [&](v1::RecordBody& b) {
    b.mutable_aggregate()->set_sscc(sscc);
    v1::LotAmount* content = b.mutable_aggregate()->add_contents();
    *content->mutable_lot() = Lot(kGtinBag, "R1");
    *content->mutable_quantity() = Qty("60pcs");
  })});
  Commit({Sign(retailer_, [&](v1::RecordBody& b) { b.mutable_disaggregate()->set_sscc(sscc); })});
  Commit({Sign(retailer_, [](v1::RecordBody& b) {
    *b.mutable_sell()->mutable_lot() = Lot(kGtinBag, "R1");
    *b.mutable_sell()->mutable_quantity() = Qty("25pcs");
  })});
  Rebuild();
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(verdict.ok()) << ::testing::PrintToString(verdict.failures);
  // Without the receipt that sent 30 kg back, the packer receives a part never sent to it.
  v1::ProofBundle tampered = bundle_;
  const int rejecting = RecordOf(v1::RecordBody::kReceive, 2);
  tampered.mutable_records()->erase(tampered.mutable_records()->begin() + rejecting);
  EXPECT_TRUE(FailsWith(Verify(tampered), "receives lot " + kB1 + " that was shipped to someone"))
      << ::testing::PrintToString(Verify(tampered).failures);
}

TEST_F(BundleTest, JsonAndBinaryFormsRoundTrip) {
  std::string json_text = BundleToJson(bundle_).dump();
  Result<v1::ProofBundle> from_json = ParseBundle(json_text);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  EXPECT_TRUE(Verify(*from_json).ok());
  EXPECT_EQ(from_json->SerializeAsString(), bundle_.SerializeAsString());
  Result<v1::ProofBundle> from_binary = ParseBundle(bundle_.SerializeAsString());
  ASSERT_TRUE(from_binary.ok());
  EXPECT_TRUE(Verify(*from_binary).ok());
}

TEST_F(BundleTest, RejectsMalformedJson) {
  EXPECT_EQ(ParseBundle("{not json").status().reason(), Reason::kMalformed);
  nlohmann::json j = BundleToJson(bundle_);
  j["records"][0]["envelope"]["body"] = "zz";
  EXPECT_THAT(BundleFromJson(j).status().message(), HasSubstr("records[0].envelope.body"));
  j = BundleToJson(bundle_);
  j["chain_id"] = 7;
  EXPECT_EQ(BundleFromJson(j).status().reason(), Reason::kMalformed);
}

TEST_F(BundleTest, UnknownLotIsRefused) {
  EXPECT_EQ(BuildProofBundle(*store_, genesis_, "01/06901234567809/10/NOPE").status().reason(),
            Reason::kUnknownLot);
}

TEST_F(BundleTest, CatchesAChangedRecordBody) {
  const int pack = RecordOf(v1::RecordBody::kTransform);
  FlipByte(bundle_.mutable_records(pack)->mutable_envelope()->mutable_body(), 20);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_FALSE(verdict.ok());
  EXPECT_TRUE(FailsWith(verdict, "record " + std::to_string(pack)));
  EXPECT_FALSE(verdict.records[pack].verified);
}

TEST_F(BundleTest, CatchesAChangedSignature) {
  const int ship = RecordOf(v1::RecordBody::kShip);
  FlipByte(bundle_.mutable_records(ship)->mutable_envelope()->mutable_signature(), 5);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "record " + std::to_string(ship) + " (ship of " + kB1));
  EXPECT_TRUE(FailsWith(verdict, "BAD_SIGNATURE"));
}

TEST_F(BundleTest, CatchesAChangedSigner) {
  const int harvest = RecordOf(v1::RecordBody::kHarvest);
  bundle_.mutable_records(harvest)->mutable_envelope()->set_signer(AsBytes(packer_.public_key()));
  EXPECT_TRUE(FailsWith(Verify(bundle_), "(harvest of " + kB1));
}

TEST_F(BundleTest, CatchesAChangedProofHash) {
  const int harvest = RecordOf(v1::RecordBody::kHarvest);  // has a sibling (X9) in its block
  ASSERT_GT(bundle_.records(harvest).proof_size(), 0);
  FlipByte(bundle_.mutable_records(harvest)->mutable_proof(0), 0);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "Merkle proof: the record is not included in block 1"));
  EXPECT_FALSE(verdict.records[harvest].verified);
}

TEST_F(BundleTest, CatchesAChangedProofIndexAndLeafCount) {
  const int harvest = RecordOf(v1::RecordBody::kHarvest);
  bundle_.mutable_records(harvest)->set_index(0);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "Merkle proof"));
  Rebuild();
  bundle_.mutable_records(harvest)->set_leaf_count(1);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "claims 1 leaves but block 1 holds 2 records"));
}

TEST_F(BundleTest, CatchesAChangedHeader) {
  // Byte 5 lies inside the chain id string; the last bytes are the record count.
  FlipByte(bundle_.mutable_blocks(0)->mutable_header(), bundle_.blocks(0).header().size() - 1);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "block 1: certificate"));
  EXPECT_FALSE(verdict.records[RecordOf(v1::RecordBody::kHarvest)].verified);
}

TEST_F(BundleTest, CatchesAChangedCertificate) {
  v1::CommitCertificate* cert = bundle_.mutable_blocks(2)->mutable_certificate();
  FlipByte(cert->mutable_signatures(0)->mutable_signature(), 10);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "block 3: certificate: BAD_SIGNATURE"));
  Rebuild();
  // A certificate signed by a key that is not a genesis validator.
  PrivateKey stranger = PrivateKey::Generate();
  cert = bundle_.mutable_blocks(2)->mutable_certificate();
  Hash256 hash = BlockHash(bundle_.blocks(2).header());
  *cert->mutable_signatures(0) = SignPrecommit(stranger, kChain, 3, 0, hash);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "block 3: certificate: NOT_AUTHORIZED"));
  Rebuild();
  bundle_.mutable_blocks(2)->mutable_certificate()->clear_signatures();
  EXPECT_TRUE(FailsWith(Verify(bundle_), "block 3: certificate"));
}

TEST_F(BundleTest, CatchesAMissingBlock) {
  bundle_.mutable_blocks()->DeleteSubrange(1, 1);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "block 2 is not in the bundle"));
}

TEST_F(BundleTest, CatchesAnOmittedReceive) {
  // Without the packer's receipt, the packer packs a lot still in transit.
  bundle_.mutable_records()->DeleteSubrange(RecordOf(v1::RecordBody::kReceive), 1);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "(transform of " + kR1));
  EXPECT_TRUE(FailsWith(verdict, "transforms lot " + kB1 + " while it is in transit"));
}

TEST_F(BundleTest, CatchesAnOmittedShip) {
  bundle_.mutable_records()->DeleteSubrange(RecordOf(v1::RecordBody::kShip, 1), 1);
  EXPECT_TRUE(
      FailsWith(Verify(bundle_), "receives lot " + kR1 + " that no earlier record shipped"));
}

TEST_F(BundleTest, CatchesAnOmittedHarvest) {
  bundle_.mutable_records()->DeleteSubrange(RecordOf(v1::RecordBody::kHarvest), 1);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "lot " + kB1 + " (an ancestor of " + kR1 +
                                     "): no record in the bundle shows how it was made"));
}

TEST_F(BundleTest, CatchesRecordsOutOfOrder) {
  bundle_.mutable_records()->SwapElements(0, 1);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "records are not in chain order"));
}

TEST_F(BundleTest, CatchesAnotherChainsGenesis) {
  Genesis other = genesis_;
  other.chain_id = "another-chain";
  other.hash = Sha256("another genesis");
  BundleVerdict verdict = VerifyProofBundle(bundle_, other);
  EXPECT_TRUE(FailsWith(verdict, "the bundle is for chain"));
  EXPECT_TRUE(FailsWith(verdict, "block 1: the header is for chain"));
}

TEST_F(BundleTest, CatchesAnotherValidatorSet) {
  Genesis other = genesis_;
  other.validators[0].pubkey = PrivateKey::Generate().public_key();
  EXPECT_TRUE(FailsWith(VerifyProofBundle(bundle_, other), "block 1: certificate: NOT_AUTHORIZED"));
}

TEST_F(BundleTest, CatchesARenamedParticipant) {
  bundle_.mutable_participants(0)->set_name("Honest Farms Ltd");
  EXPECT_TRUE(FailsWith(Verify(bundle_), "the bundle calls it \"Honest Farms Ltd\""));
}

// Key rotation (RotateKey): B2 is shipped to the packer's old key, received by its new key,
// which is rotated again before it ships B2 on. The bundle carries both rotation records so
// the custody story holds; without them it does not.
class BundleRotationTest : public BundleTest {
 protected:
  v1::Envelope Rotate(const PrivateKey& from, const PrivateKey& to) {
    return Sign(admin_, [&](v1::RecordBody& b) {
      b.mutable_rotate_key()->set_old_pubkey(AsBytes(from.public_key()));
      b.mutable_rotate_key()->set_new_pubkey(AsBytes(to.public_key()));
      b.mutable_rotate_key()->set_reason("key lost");
    });
  }
  void RotatedJourney() {
    Commit({Sign(farmer_, [](v1::RecordBody& b) {
      v1::Harvest* h = b.mutable_harvest();
      *h->mutable_lot() = Lot(kGtinBulk, "B2");
      h->set_commodity("rice");
      *h->mutable_quantity() = Qty("10kg");
      h->set_field("Plot 9");
    })});
    Commit({Ship(farmer_, "B2", kGtinBulk, packer_)});
    Commit({Rotate(packer_, packer2_)});
    Commit({Receive(packer2_, "B2", kGtinBulk)});
    Commit({Rotate(packer2_, packer3_)});
    Commit({Ship(packer3_, "B2", kGtinBulk, retailer_)});
    Commit({Receive(retailer_, "B2", kGtinBulk)});
    auto bundle = BuildProofBundle(*store_, genesis_, kB2);
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    bundle_ = std::move(bundle).value();
  }
  const std::string kB2 = "01/06901234567892/10/B2";
  PrivateKey packer2_ = PrivateKey::Generate();
  PrivateKey packer3_ = PrivateKey::Generate();
};

TEST_F(BundleRotationTest, CarriesTheRotationsAndVerifiesAcrossThem) {
  RotatedJourney();
  EXPECT_EQ(bundle_.records_size(), 7);  // harvest, ship, rotate, receive, rotate, ship, receive
  RecordOf(v1::RecordBody::kRotateKey, 1);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_THAT(verdict.failures, IsEmpty());
  std::set<std::string> names;
  for (const v1::Participant& p : bundle_.participants()) names.insert(p.pubkey());
  EXPECT_EQ(names.count(AsBytes(packer3_.public_key())), 1u);
  EXPECT_EQ(names.count(AsBytes(admin_.public_key())), 1u);
}

TEST_F(BundleRotationTest, CatchesAnOmittedRotation) {
  RotatedJourney();
  bundle_.mutable_records()->DeleteSubrange(RecordOf(v1::RecordBody::kRotateKey, 1), 1);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "ships lot " + kB2 + " without holding it"));
  bundle_.mutable_records()->DeleteSubrange(RecordOf(v1::RecordBody::kRotateKey), 1);
  EXPECT_TRUE(
      FailsWith(Verify(bundle_), "receives lot " + kB2 + " that was shipped to someone else"));
}

}  // namespace
}  // namespace agritrace::chain

namespace agritrace::chain {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kMgPerKg = 1'000'000;
const std::string kR7 = "01/06901234567809/10/R7";

// The Origin card: plot-9 registered and certified organic (50 t), an application 20 days
// before the harvest of B7 (1000 kg) with a 14-day interval, B7 packed 600 kg with 400 kg of
// an uncertified N7 into R7 (1000 kg, so 60% organic), and R7's compliance certificate.
class BundleOriginTest : public BundleTest {
 protected:
  void SetUp() override {
    BundleTest::SetUp();
    Commit({Sign(inspector_, [&](v1::RecordBody& b) {
      v1::RegisterPlot* plot = b.mutable_register_plot();
      plot->set_plot_id("plot-9");
      plot->set_owner(AsBytes(farmer_.public_key()));
      *plot->mutable_area() = *ParseArea("10mu");
      plot->set_crop("rice");
      *plot->mutable_max_yield() = Qty("700kg");
      plot->set_max_yield_per("mu");
      plot->mutable_location()->set_lat_e6(45'120'300);
      plot->mutable_location()->set_lon_e6(127'450'400);
    })});
    Commit({Sign(inspector_, [&](v1::RecordBody& b) {
      v1::Certify* cert = b.mutable_certify();
      cert->set_plot_id("plot-9");
      cert->set_standard("GB/T 19630 organic");
      cert->set_claim("organic");
      *cert->mutable_tonnage() = Qty("50t");
      cert->set_certificate_id("ORG-2026-0042");
      cert->set_outcome(v1::CERT_OUTCOME_PASS);
    })});
    Commit({Apply(20, 14)});
    Commit({Sign(farmer_, [](v1::RecordBody& b) {
              v1::Harvest* h = b.mutable_harvest();
              *h->mutable_lot() = Lot(kGtinBulk, "B7");
              h->set_commodity("rice");
              *h->mutable_quantity() = Qty("1000kg");
              h->set_harvest_time_ms(kT0);
              h->set_plot("plot-9");
            }),
            Sign(farmer_, [](v1::RecordBody& b) {
              v1::Harvest* h = b.mutable_harvest();
              *h->mutable_lot() = Lot(kGtinBulk, "N7");
              h->set_commodity("rice");
              *h->mutable_quantity() = Qty("400kg");
              h->set_harvest_time_ms(kT0);
            })});
    Commit({Ship(farmer_, "B7", kGtinBulk, packer_), Ship(farmer_, "N7", kGtinBulk, packer_)});
    Commit({Receive(packer_, "B7", kGtinBulk), Receive(packer_, "N7", kGtinBulk)});
    Commit({Sign(packer_, [](v1::RecordBody& b) {
      v1::Transform* t = b.mutable_transform();
      t->set_kind(v1::TRANSFORM_KIND_PACK);
      for (auto [code, qty] : {std::pair{"B7", "600kg"}, std::pair{"N7", "400kg"}}) {
        v1::LotAmount* in = t->add_inputs();
        *in->mutable_lot() = Lot(kGtinBulk, code);
        *in->mutable_quantity() = Qty(qty);
      }
      v1::LotOutput* out = t->add_outputs();
      *out->mutable_lot() = Lot(kGtinBag, "R7");
      *out->mutable_quantity() = Qty("200pcs");
      *out->mutable_net_mass_per_unit() = Qty("5kg");
    })});
    Commit({Sign(packer_, [](v1::RecordBody& b) {
      *b.mutable_compliance_cert()->mutable_lot() = Lot(kGtinBag, "R7");
      b.mutable_compliance_cert()->set_basis(v1::COMPLIANCE_BASIS_SELF_COMMITMENT);
    })});
    BuildR7();
  }

  // The farmer's application on plot-9, `days_before` the harvest, with a `phi_days` interval.
  v1::Envelope Apply(int64_t days_before, uint32_t phi_days) {
    return Sign(farmer_, [&](v1::RecordBody& b) {
      b.set_event_time_ms(kT0 - days_before * kDayMs);
      v1::InputApplication* input = b.mutable_input_application();
      input->set_plot_id("plot-9");
      input->set_product("Coragen 20% SC");
      input->set_active_ingredient("chlorantraniliprole");
      input->set_phi_days(phi_days);
    });
  }

  void BuildR7() {
    auto bundle = BuildProofBundle(*store_, genesis_, kR7);
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    bundle_ = std::move(bundle).value();
  }
};

TEST_F(BundleOriginTest, CarriesThePlotTheApplicationTheCertificateAndTheComplianceCert) {
  for (auto kind : {v1::RecordBody::kRegisterPlot, v1::RecordBody::kInputApplication,
                    v1::RecordBody::kCertify, v1::RecordBody::kComplianceCert}) {
    RecordOf(kind);  // fails the test when absent
  }
  ASSERT_EQ(bundle_.claims_size(), 1);
  EXPECT_EQ(bundle_.claims(0).claimed_mg(), 600 * kMgPerKg);
  Result<v1::ProofBundle> parsed = BundleFromJson(BundleToJson(bundle_));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->SerializeAsString(), bundle_.SerializeAsString());
}

TEST_F(BundleOriginTest, RecomputesTheOriginCardFromTheVerifiedRecords) {
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_THAT(verdict.failures, IsEmpty());
  ASSERT_EQ(verdict.origin.plots.size(), 1u);
  const OriginPlot& plot = verdict.origin.plots[0];
  EXPECT_EQ(plot.plot_id, "plot-9");
  EXPECT_EQ(plot.cap_mg, 7000 * kMgPerKg);
  EXPECT_EQ(plot.harvested_mg, 1000 * kMgPerKg);
  EXPECT_EQ(plot.owner_hex, ToHex(farmer_.public_key()));
  EXPECT_EQ(plot.place, "45.120300,127.450400");
  ASSERT_EQ(verdict.origin.intervals.size(), 1u);
  EXPECT_TRUE(verdict.origin.intervals[0].respected);
  EXPECT_EQ(verdict.origin.intervals[0].phi_days, 14u);
  ASSERT_EQ(verdict.origin.claims.size(), 1u);
  const OriginClaim& claim = verdict.origin.claims[0];
  EXPECT_TRUE(claim.backed) << claim.why;
  EXPECT_EQ(claim.backed_mg, 600 * kMgPerKg);  // 60% of R7's 1000 kg
  EXPECT_EQ(claim.tonnage_mg, 50'000 * kMgPerKg);
  EXPECT_EQ(claim.certificate_id, "ORG-2026-0042");
  EXPECT_EQ(verdict.origin.compliance_basis, "self-commitment");
  EXPECT_EQ(verdict.origin.compliance_producer_hex, ToHex(packer_.public_key()));
}

// Another harvest of plot-9 in the same season, outside R7's lineage: the bundle cannot prove
// it, but states the whole plot's season total, which the card shows with the remaining cap.
TEST_F(BundleOriginTest, StatesThePlotsWholeSeasonTotalAndChecksItAgainstItsOwnHarvests) {
  Commit({Sign(farmer_, [](v1::RecordBody& b) {
    v1::Harvest* h = b.mutable_harvest();
    *h->mutable_lot() = Lot(kGtinBulk, "X7");
    h->set_commodity("rice");
    *h->mutable_quantity() = Qty("2000kg");
    h->set_harvest_time_ms(kT0);
    h->set_plot("plot-9");
  })});
  BuildR7();
  ASSERT_EQ(bundle_.plot_seasons_size(), 1);
  const v1::PlotSeasonTotal& stated = bundle_.plot_seasons(0);
  EXPECT_EQ(stated.plot_id(), "plot-9");
  EXPECT_EQ(stated.harvested_mg(), 3000 * kMgPerKg);
  EXPECT_EQ(stated.as_of_height(), store_->Tip().height);
  Result<v1::ProofBundle> parsed = BundleFromJson(BundleToJson(bundle_));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->SerializeAsString(), bundle_.SerializeAsString());

  BundleVerdict verdict = Verify(bundle_);
  EXPECT_THAT(verdict.failures, IsEmpty());
  ASSERT_EQ(verdict.origin.plots.size(), 1u);
  const OriginPlot& plot = verdict.origin.plots[0];
  EXPECT_EQ(plot.season, stated.season());
  EXPECT_EQ(plot.season_start, "01-01");
  EXPECT_EQ(plot.season_proven_mg, 1000 * kMgPerKg);  // B7, the bundle's own
  EXPECT_EQ(plot.season_total_mg, 3000 * kMgPerKg);
  EXPECT_EQ(plot.season_as_of_height, stated.as_of_height());

  // A total below the bundle's own harvests, or above the cap, is a false statement.
  bundle_.mutable_plot_seasons(0)->set_harvested_mg(999 * kMgPerKg);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "less than its own verified harvests on the plot"));
  bundle_.mutable_plot_seasons(0)->set_harvested_mg(7001 * kMgPerKg);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "more than the plot's cap"));
  // Without a statement the card has no season total, and the bundle still verifies.
  bundle_.clear_plot_seasons();
  verdict = Verify(bundle_);
  EXPECT_THAT(verdict.failures, IsEmpty());
  EXPECT_EQ(verdict.origin.plots.at(0).season_total_mg, -1);
}

TEST_F(BundleOriginTest, AnOmittedCertificateLeavesTheClaimUnbacked) {
  bundle_.mutable_records()->DeleteSubrange(RecordOf(v1::RecordBody::kCertify), 1);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "claim organic of lot " + kR7));
  EXPECT_TRUE(FailsWith(verdict, "is not among the bundle's verified records"));
  ASSERT_EQ(verdict.origin.claims.size(), 1u);
  EXPECT_FALSE(verdict.origin.claims[0].backed);
}

TEST_F(BundleOriginTest, ATamperedCertificateLeavesTheClaimUnbacked) {
  v1::Envelope* cert = bundle_.mutable_records(RecordOf(v1::RecordBody::kCertify))
                           ->mutable_envelope();
  const size_t at = cert->body().find("ORG-2026");
  ASSERT_NE(at, std::string::npos);
  FlipByte(cert->mutable_body(), at);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "signature"));
  EXPECT_TRUE(FailsWith(verdict, "cannot be backed"));
  EXPECT_FALSE(verdict.origin.claims.at(0).backed);
}

TEST_F(BundleOriginTest, AStatedClaimBeyondItsShareIsUnbacked) {
  bundle_.mutable_claims(0)->set_claimed_mg(1000 * kMgPerKg);  // 100% instead of 60%
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "back 600 kg of it, not 1000 kg"));
  EXPECT_FALSE(verdict.origin.claims.at(0).backed);
}

TEST_F(BundleOriginTest, AnOmittedPlotRecordIsNamed) {
  bundle_.mutable_records()->DeleteSubrange(RecordOf(v1::RecordBody::kRegisterPlot), 1);
  EXPECT_TRUE(FailsWith(Verify(bundle_), "plot plot-9 is named but its RegisterPlot record"));
}

// An application recorded after the harvest but dated 5 days before it, with a 14-day
// interval: the chain could not refuse the harvest, and the card must not call it respected.
TEST_F(BundleOriginTest, DetectsAHarvestWithinAnApplicationsInterval) {
  Commit({Apply(5, 14)});
  BuildR7();
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_TRUE(FailsWith(verdict, "within the 14-day pre-harvest interval of Coragen 20% SC"));
  ASSERT_EQ(verdict.origin.intervals.size(), 2u);
  EXPECT_TRUE(verdict.origin.intervals[0].respected);
  EXPECT_FALSE(verdict.origin.intervals[1].respected);
}

}  // namespace
}  // namespace agritrace::chain

namespace agritrace::chain {
namespace {

// A transfer and a retirement of plot-9 after the harvest: the bundle carries both records,
// and the card names the new owner and shows the plot retired.
TEST_F(BundleOriginTest, CarriesTheTransferAndTheRetirementOfThePlot) {
  PrivateKey farmer2 = PrivateKey::Generate();
  Commit({Sign(admin_, [&](v1::RecordBody& b) {
    v1::RegisterParticipant* p = b.mutable_register_participant();
    p->set_pubkey(AsBytes(farmer2.public_key()));
    p->set_name("farmer2");
    p->add_roles(v1::ROLE_FARMER);
  })});
  Commit({Sign(farmer_, [&](v1::RecordBody& b) {
    b.mutable_transfer_plot()->set_plot_id("plot-9");
    b.mutable_transfer_plot()->set_new_owner(AsBytes(farmer2.public_key()));
  })});
  Commit({Sign(inspector_, [](v1::RecordBody& b) {
    b.mutable_retire_plot()->set_plot_id("plot-9");
    b.mutable_retire_plot()->set_reason("re-surveyed");
  })});
  BuildR7();
  RecordOf(v1::RecordBody::kTransferPlot);
  RecordOf(v1::RecordBody::kRetirePlot);
  BundleVerdict verdict = Verify(bundle_);
  EXPECT_THAT(verdict.failures, IsEmpty());
  ASSERT_EQ(verdict.origin.plots.size(), 1u);
  EXPECT_EQ(verdict.origin.plots[0].owner_hex, ToHex(farmer2.public_key()));
  EXPECT_TRUE(verdict.origin.plots[0].retired);
}

}  // namespace
}  // namespace agritrace::chain
