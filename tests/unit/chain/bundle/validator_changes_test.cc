// Proof bundles across validator-set changes (issue 17): a bundle carries the header and
// certificate of every block that decided a change, each certified by the set in force at its
// height, so genesis alone verifies a lot committed after an add, a remove and a rotation; and
// forged, reordered or missing changes, removed validators and rotated-out keys are refused.
// Blocks are built here with MakeBlock(..., &change) and certified with test keys; the records
// (harvests) go through the real rules and a real store. The browser's verifier (web/verify.js
// under Node) is run on the same bundles and must agree.
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "chain/base/hash.h"
#include "chain/bundle/bundle.h"
#include "chain/model/quantity.h"
#include "chain/model/validator_set.h"
#include "chain/query/bundle_builder.h"
#include "chain/rules/rules.h"

namespace agritrace::chain {
namespace {

constexpr char kChain[] = "agritrace-validator-changes-test";
constexpr int64_t kT0 = 1'764'331'200'000;
constexpr char kGtin[] = "06901234567892";

std::string LotKeyOf(const std::string& code) { return "01/" + std::string(kGtin) + "/10/" + code; }

::testing::AssertionResult FailsWith(const BundleVerdict& verdict, const std::string& text) {
  for (const std::string& failure : verdict.failures) {
    if (failure.find(text) != std::string::npos) return ::testing::AssertionSuccess();
  }
  std::string all;
  for (const std::string& failure : verdict.failures) all += "\n  " + failure;
  return ::testing::AssertionFailure() << "no failure mentions \"" << text << "\"; got:" << all;
}

// Genesis: validators v0..v3. Block 2 adds v4 (in force from 4), block 5 removes v0 (from 7),
// block 8 rotates v1 to a new key (from 10). Lots: A0 (block 1), ADD (4), INCHANGE (5, the
// block deciding the removal), REMOVE (7), ROTATE (10); the other blocks hold a filler harvest.
class ValidatorChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-valchanges-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    genesis_.chain_id = kChain;
    genesis_.params.chain_id = kChain;
    for (int i = 0; i < 4; ++i) {
      genesis_.validators.push_back(
          {"v" + std::to_string(i), keys_[i].public_key(), "127.0.0.1:" + std::to_string(i + 1)});
    }
    v1::Participant farmer;
    farmer.set_pubkey(AsBytes(farmer_.public_key()));
    farmer.set_name("farmer");
    farmer.add_roles(v1::ROLE_FARMER);
    genesis_.participants = {farmer};
    genesis_.hash = Sha256("validator changes test genesis");
    governance_.add_epochs()->CopyFrom(GenesisEpoch(genesis_));
    auto store = ChainStore::Open(dir_, genesis_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();

    Commit("A0", {&keys_[0], &keys_[1], &keys_[2]});
    Commit("F2", {&keys_[0], &keys_[1], &keys_[2]}, Change(v1::VALIDATOR_CHANGE_ADD, "v4", v4_));
    Commit("F3", {&keys_[0], &keys_[1], &keys_[2]});
    Commit("ADD", {&keys_[1], &keys_[2], &keys_[3], &v4_});  // 4 of 5
    Commit("INCHANGE", {&keys_[1], &keys_[2], &keys_[3], &v4_},
           Change(v1::VALIDATOR_CHANGE_REMOVE, "v0", std::nullopt));
    Commit("F6", {&keys_[1], &keys_[2], &keys_[3], &v4_});
    Commit("REMOVE", {&keys_[1], &keys_[2], &keys_[3]});  // 3 of 4
    Commit("F8", {&keys_[1], &keys_[2], &keys_[3]},
           Change(v1::VALIDATOR_CHANGE_ROTATE, "v1", v1_new_));
    Commit("F9", {&keys_[1], &keys_[2], &keys_[3]});
    Commit("ROTATE", {&v1_new_, &keys_[2], &keys_[3]});
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The change `kind` of validator `name` applied to the set in force at the tip.
  std::optional<v1::ValidatorSetChange> Change(v1::ValidatorChangeKind kind,
                                               const std::string& name,
                                               std::optional<PrivateKey> key) {
    v1::ProposeValidatorChange propose;
    propose.set_kind(kind);
    propose.set_name(name);
    if (key) propose.set_pubkey(AsBytes(key->public_key()));
    if (kind == v1::VALIDATOR_CHANGE_ADD) propose.set_address("127.0.0.1:9");
    auto next = ApplyValidatorChange(governance_.epochs().rbegin()->validators(), propose);
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    v1::ValidatorSetChange change;
    change.set_proposal_id(AsBytes(Sha256("proposal " + name)));
    for (const v1::ValidatorInfo& v : *next) *change.add_validators() = v;
    return change;
  }

  // Harvests lot `code` in the next block, carrying `change` (its effective height filled in),
  // certified by `signers`.
  void Commit(const std::string& code, const std::vector<const PrivateKey*>& signers,
              std::optional<v1::ValidatorSetChange> change = std::nullopt) {
    const ChainTip tip = store_->Tip();
    const uint64_t height = tip.height + 1;
    const int64_t time_ms = kT0 + 60'000 * static_cast<int64_t>(height);
    v1::RecordBody body;
    body.set_chain_id(kChain);
    body.set_timestamp_ms(kT0 + static_cast<int64_t>(height) * 1000);
    body.set_nonce(height);
    v1::Harvest* h = body.mutable_harvest();
    h->mutable_lot()->set_gtin(kGtin);
    h->mutable_lot()->set_lot(code);
    h->set_commodity("rice");
    *h->mutable_quantity() = *ParseQuantity("100kg");
    const v1::Envelope envelope = SignRecord(body, farmer_);
    StateOverlay changes(store_.get());
    Result<Record> record = DecodeRecord(envelope);
    ASSERT_TRUE(record.ok());
    Status applied = ApplyRecord(*record, genesis_.params, {height, 0, time_ms}, changes);
    ASSERT_TRUE(applied.ok()) << applied.ToString();
    if (change) {
      change->set_effective_height(height + kValidatorChangeDelay);
      v1::ValidatorEpoch* epoch = governance_.add_epochs();
      epoch->set_from_height(change->effective_height());
      *epoch->mutable_validators() = change->validators();
      epoch->set_proposal_id(change->proposal_id());
      epoch->set_decided_height(height);
      changes.PutValidatorGovernance(governance_);
    }
    v1::Block block = MakeBlock(kChain, height, tip.hash, time_ms, keys_[1].public_key(),
                                {envelope}, {}, change ? &*change : nullptr);
    *block.mutable_certificate() = Certify(height, block.header(), signers);
    Result<DecodedBlock> decoded = DecodeBlock(block, kChain);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    ASSERT_TRUE(store_->CommitBlock(*decoded, changes).ok());
  }

  static v1::CommitCertificate Certify(uint64_t height, const std::string& header,
                                       const std::vector<const PrivateKey*>& signers) {
    v1::CommitCertificate cert;
    cert.set_height(height);
    cert.set_block_hash(AsBytes(BlockHash(header)));
    for (const PrivateKey* key : signers) {
      *cert.add_signatures() = SignPrecommit(*key, kChain, height, 0, BlockHash(header));
    }
    return cert;
  }

  // The bundle of lot `code` with every change, as the builder reads them from the store.
  v1::ProofBundle Bundle(const std::string& code) {
    auto bundle = BuildProofBundle(*store_, genesis_, LotKeyOf(code));
    EXPECT_TRUE(bundle.ok()) << bundle.status().ToString();
    return *bundle;
  }

  BundleVerdict Verify(const v1::ProofBundle& bundle) {
    return VerifyProofBundle(bundle, genesis_);
  }

  // web/verify.js run by Node on the bundle's JSON form, as the product page runs it
  // (tests/integration/verify_bundle.js with a page carrying genesis's validators): its
  // {ok, failures, problems, records}.
  nlohmann::json VerifyInBrowser(const v1::ProofBundle& bundle) {
    const std::string src = std::string(AGRITRACE_TESTDATA) + "/../..";
    nlohmann::json validators = nlohmann::json::array();
    for (const GenesisValidator& v : genesis_.validators) {
      validators.push_back({{"name", v.name}, {"pubkey", ToHex(v.pubkey)}});
    }
    const nlohmann::json config = {{"chain_id", kChain},
                                   {"genesis_hash", ToHex(genesis_.hash)},
                                   {"validators", validators},
                                   {"genesis_plots", nlohmann::json::array()}};
    std::ofstream(dir_ + "/page.html")
        << "<script type=\"application/json\" id=\"agritrace-config\">" << config.dump()
        << "</script>\n";
    std::ofstream(dir_ + "/bundle.json") << BundleToJson(bundle).dump();
    const std::string command = "node " + src + "/tests/integration/verify_bundle.js " + src +
                                "/web " + dir_ + "/page.html " + dir_ + "/bundle.json 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return {{"error", "cannot run " + command}};
    std::string output;
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    pclose(pipe);
    nlohmann::json result = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
    if (result.is_discarded()) return {{"error", output}};
    return result;
  }

  // Both verifiers accept the bundle.
  void ExpectVerified(const v1::ProofBundle& bundle, const std::string& what) {
    BundleVerdict verdict = Verify(bundle);
    EXPECT_TRUE(verdict.ok()) << what << ": " << verdict.failures.front();
    nlohmann::json browser = VerifyInBrowser(bundle);
    EXPECT_EQ(browser.value("ok", false), true) << what << " (web/verify.js): " << browser.dump();
  }

  // Both verifiers refuse the bundle with failures containing every text of `both`; the C++
  // verifier also names `cpp_only` (its reason codes and full sentences).
  void ExpectRefused(const v1::ProofBundle& bundle, const std::vector<std::string>& both,
                     const std::vector<std::string>& cpp_only = {}) {
    BundleVerdict verdict = Verify(bundle);
    for (const std::string& text : both) EXPECT_TRUE(FailsWith(verdict, text));
    for (const std::string& text : cpp_only) EXPECT_TRUE(FailsWith(verdict, text));
    nlohmann::json browser = VerifyInBrowser(bundle);
    EXPECT_EQ(browser.value("ok", true), false) << browser.dump();
    for (const std::string& text : both) {
      bool found = false;
      for (const nlohmann::json& failure : browser.value("failures", nlohmann::json::array())) {
        found = found || failure.get<std::string>().find(text) != std::string::npos;
      }
      EXPECT_TRUE(found) << "web/verify.js names no \"" << text << "\": " << browser.dump();
    }
  }

  static int IndexOf(const google::protobuf::RepeatedPtrField<v1::BundleBlock>& blocks,
                     uint64_t height) {
    for (int i = 0; i < blocks.size(); ++i) {
      v1::BlockHeader header;
      header.ParseFromString(blocks.Get(i).header());
      if (header.height() == height) return i;
    }
    ADD_FAILURE() << "no block " << height;
    return 0;
  }

  // The bundle's entry for block `height` (blocks or validator_changes), re-certified.
  static void Recertify(v1::BundleBlock* block, uint64_t height,
                        const std::vector<const PrivateKey*>& signers) {
    *block->mutable_certificate() = Certify(height, block->header(), signers);
  }

  std::string dir_;
  Genesis genesis_;
  std::unique_ptr<ChainStore> store_;
  v1::ValidatorGovernance governance_;
  PrivateKey keys_[4] = {PrivateKey::Generate(), PrivateKey::Generate(), PrivateKey::Generate(),
                         PrivateKey::Generate()};
  PrivateKey v4_ = PrivateKey::Generate();
  PrivateKey v1_new_ = PrivateKey::Generate();
  PrivateKey attacker_ = PrivateKey::Generate();
  PrivateKey farmer_ = PrivateKey::Generate();
};

TEST_F(ValidatorChangesTest, CarriesEveryChangeInHeightOrder) {
  v1::ProofBundle bundle = Bundle("A0");
  ASSERT_EQ(bundle.validator_changes_size(), 3);
  for (int i = 0; i < 3; ++i) {
    v1::BlockHeader header;
    ASSERT_TRUE(header.ParseFromString(bundle.validator_changes(i).header()));
    EXPECT_EQ(header.height(), 2u + 3u * i);
    EXPECT_TRUE(header.has_validator_change());
  }
  BundleVerdict verdict = Verify(bundle);
  EXPECT_TRUE(verdict.ok()) << verdict.failures.front();
  ASSERT_EQ(verdict.validator_sets.size(), 4u);
  EXPECT_EQ(verdict.validator_sets[1].validators_size(), 5);
  EXPECT_EQ(verdict.validator_sets[2].validators_size(), 4);
  EXPECT_EQ(verdict.validator_sets[3].from_height(), 10u);
}

TEST_F(ValidatorChangesTest, TheBuilderReadsTheChangesFromTheStoresGovernance) {
  ASSERT_TRUE(store_->GetValidatorGovernance());
  auto bundle = BuildProofBundle(*store_, genesis_, LotKeyOf("ROTATE"));
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(bundle->validator_changes_size(), 3);
  EXPECT_TRUE(Verify(*bundle).ok());
}

TEST_F(ValidatorChangesTest, ALotAfterAnAddARemoveOrARotationVerifiesWithGenesisAlone) {
  for (const char* lot : {"A0", "ADD", "INCHANGE", "REMOVE", "ROTATE"}) {
    ExpectVerified(Bundle(lot), lot);
  }
}

TEST_F(ValidatorChangesTest, WithoutTheChangesTheLaterBlocksFail) {
  v1::ProofBundle bundle = Bundle("ADD");
  bundle.clear_validator_changes();
  ExpectRefused(bundle, {"block 4: certificate: "}, {"block 4: certificate: NOT_AUTHORIZED"});
}

TEST_F(ValidatorChangesTest, RefusesAMissingChange) {
  v1::ProofBundle bundle = Bundle("ROTATE");
  bundle.mutable_validator_changes()->DeleteSubrange(2, 1);  // the rotation
  ExpectRefused(bundle, {"block 10: certificate: "}, {"block 10: certificate: NOT_AUTHORIZED"});
}

TEST_F(ValidatorChangesTest, RefusesABlockDecidingAChangeTheBundleLeavesOut) {
  v1::ProofBundle bundle = Bundle("INCHANGE");
  bundle.mutable_validator_changes()->DeleteSubrange(1, 1);
  ExpectRefused(bundle, {"block 5: it decides a validator-set change that the bundle's "
                         "validator_changes leave out"});
}

TEST_F(ValidatorChangesTest, RefusesAChangeHeaderAlteredAfterSigning) {
  v1::ProofBundle bundle = Bundle("ADD");
  v1::BlockHeader header;
  ASSERT_TRUE(header.ParseFromString(bundle.validator_changes(0).header()));
  v1::ValidatorInfo* forged = header.mutable_validator_change()->add_validators();
  forged->set_name("mallory");
  forged->set_pubkey(AsBytes(attacker_.public_key()));
  header.SerializeToString(bundle.mutable_validator_changes(0)->mutable_header());
  ExpectRefused(bundle,
                {"validator-set change in block 2: certificate: ", "block 4: certificate: "},
                {"validator-set change in block 2: certificate: MALFORMED"});
}

TEST_F(ValidatorChangesTest, RefusesAChangeCertifiedByASetNotInForce) {
  v1::ProofBundle bundle = Bundle("ROTATE");
  // A quorum of genesis's four, but block 5 is under the five of the add: 3 of the 4 needed.
  Recertify(bundle.mutable_validator_changes(1), 5, {&keys_[0], &keys_[1], &keys_[2]});
  ExpectRefused(bundle, {"validator-set change in block 5: certificate: "},
                {"validator-set change in block 5: certificate: NOT_AUTHORIZED: the certificate "
                 "has 3 of the 4"});
  // A made-up set's own change.
  bundle = Bundle("ROTATE");
  v1::BlockHeader header;
  header.ParseFromString(bundle.validator_changes(0).header());
  v1::ValidatorInfo* mallory = header.mutable_validator_change()->mutable_validators(0);
  mallory->set_pubkey(AsBytes(attacker_.public_key()));
  header.SerializeToString(bundle.mutable_validator_changes(0)->mutable_header());
  Recertify(bundle.mutable_validator_changes(0), 2, {&attacker_});
  ExpectRefused(bundle, {"validator-set change in block 2: certificate: "},
                {"validator-set change in block 2: certificate: NOT_AUTHORIZED: validator " +
                 ToHex(attacker_.public_key())});
}

TEST_F(ValidatorChangesTest, RefusesACertificateByARemovedValidator) {
  v1::ProofBundle bundle = Bundle("REMOVE");
  Recertify(bundle.mutable_blocks(IndexOf(bundle.blocks(), 7)), 7,
            {&keys_[0], &keys_[1], &keys_[2]});
  ExpectRefused(
      bundle,
      {"block 7: certificate: ", "v0's key " + ToHex(keys_[0].public_key()).substr(0, 16) +
                                     "... left the validator set at height 7"},
      {"block 7: certificate: NOT_AUTHORIZED"});
  // And a change certified with the removed validator's signature.
  bundle = Bundle("ROTATE");
  Recertify(bundle.mutable_validator_changes(2), 8, {&keys_[0], &keys_[1], &keys_[2]});
  ExpectRefused(bundle, {"validator-set change in block 8: certificate: ", "v0's key"},
                {"validator-set change in block 8: certificate: NOT_AUTHORIZED"});
}

TEST_F(ValidatorChangesTest, RefusesTheOldKeyAfterARotation) {
  v1::ProofBundle bundle = Bundle("ROTATE");
  Recertify(bundle.mutable_blocks(IndexOf(bundle.blocks(), 10)), 10,
            {&keys_[1], &keys_[2], &keys_[3]});
  ExpectRefused(
      bundle,
      {"block 10: certificate: ", "v1's key " + ToHex(keys_[1].public_key()).substr(0, 16) +
                                      "... left the validator set at height 10"},
      {"block 10: certificate: NOT_AUTHORIZED"});
}

TEST_F(ValidatorChangesTest, RefusesChangesOutOfOrderOrListedTwice) {
  v1::ProofBundle bundle = Bundle("ROTATE");
  bundle.mutable_validator_changes()->SwapElements(0, 1);
  ExpectRefused(bundle, {"validator-set change in block 2: not in ascending height order"});
  bundle = Bundle("ROTATE");
  *bundle.add_validator_changes() = bundle.validator_changes(2);
  ExpectRefused(bundle, {"validator-set change in block 8: listed twice"});
}

TEST_F(ValidatorChangesTest, RefusesAChangeTakingEffectAtAnotherHeight) {
  v1::ProofBundle bundle = Bundle("ADD");
  v1::BlockHeader header;
  header.ParseFromString(bundle.validator_changes(0).header());
  header.mutable_validator_change()->set_effective_height(5);
  header.SerializeToString(bundle.mutable_validator_changes(0)->mutable_header());
  Recertify(bundle.mutable_validator_changes(0), 2, {&keys_[0], &keys_[1], &keys_[2]});
  ExpectRefused(bundle, {"validator-set change in block 2: it takes effect at height 5, not 4"});
}

TEST_F(ValidatorChangesTest, RefusesAnEntryThatDecidesNoChange) {
  v1::ProofBundle bundle = Bundle("ADD");
  v1::BundleBlock plain;
  plain.set_header(store_->GetBlockHead(3)->header());
  *plain.mutable_certificate() = store_->GetBlockHead(3)->certificate();
  auto* changes = bundle.mutable_validator_changes();  // blocks 2, 5, 8 -> 2, 3, 5, 8
  const v1::BundleBlock c5 = changes->Get(1), c8 = changes->Get(2);
  *changes->Mutable(1) = plain;
  *changes->Mutable(2) = c5;
  *changes->Add() = c8;
  ExpectRefused(bundle, {"validator-set change in block 3: the header carries no validator-set "
                         "change"});
}

TEST_F(ValidatorChangesTest, TheJsonFormCarriesTheChanges) {
  v1::ProofBundle bundle = Bundle("ROTATE");
  const std::string text = BundleToJson(bundle).dump();
  Result<v1::ProofBundle> parsed = ParseBundle(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->validator_changes_size(), 3);
  EXPECT_EQ(parsed->SerializeAsString(), bundle.SerializeAsString());
  EXPECT_TRUE(Verify(*parsed).ok());
  // A bundle without the field (from before issue 17) still reads, with none.
  nlohmann::json json = BundleToJson(Bundle("A0"));
  json.erase("validator_changes");
  Result<v1::ProofBundle> old = BundleFromJson(json);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->validator_changes_size(), 0);
}

}  // namespace
}  // namespace agritrace::chain
