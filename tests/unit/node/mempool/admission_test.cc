// Admission (node/mempool/admission.h): signatures are checked only once the signer is known
// (docs/security.md, "signatures after signers"), and only rejections that need no state are
// marked as the relaying peer's fault (scenario 1).
#include "node/mempool/admission.h"

#include <gtest/gtest.h>

#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::node {
namespace {

using chain::Reason;
using chain::testing_rules::kNow;

class AdmissionTest : public chain::testing_rules::RulesFixture {
 protected:
  google::protobuf::RepeatedPtrField<v1::Envelope> Batch(const std::vector<chain::Record>& records) {
    google::protobuf::RepeatedPtrField<v1::Envelope> batch;
    for (const chain::Record& record : records) *batch.Add() = record.envelope;
    return batch;
  }

  std::vector<AdmissionVerdict> Admit(const std::vector<chain::Record>& records) {
    std::vector<PreparedRecord> prepared =
        PrepareRecords(Batch(records), params_, state_, kNow, verified_);
    std::vector<AdmissionVerdict> verdicts;
    for (PreparedRecord& entry : prepared) {
      verdicts.push_back(AdmitPrepared(entry, mempool_, verified_, kNow, 8));
    }
    return verdicts;
  }

  static chain::Record WithBadSignature(chain::Record record) {
    std::string signature = record.envelope.signature();
    signature[5] ^= 0x01;
    record.envelope.set_signature(signature);
    auto decoded = chain::DecodeRecord(record.envelope);
    EXPECT_TRUE(decoded.ok());
    return *decoded;
  }

  VerifiedRecords verified_{1000};
  Mempool mempool_{&state_, params_, MempoolLimits{}};
};

TEST_F(AdmissionTest, RecordsFromUnknownKeysCostNoSignatureVerification) {
  std::vector<chain::Record> strangers;
  for (int i = 0; i < 50; ++i) {
    strangers.push_back(Sign(HarvestBody("S" + std::to_string(i), "1kg"),
                             chain::PrivateKey::Generate()));
  }
  for (const AdmissionVerdict& verdict : Admit(strangers)) {
    EXPECT_EQ(verdict.status.reason(), Reason::kUnknownSigner);
    EXPECT_FALSE(verdict.stateless);
  }
  EXPECT_EQ(verified_.verifications(), 0u);
  EXPECT_TRUE(mempool_.empty());
}

TEST_F(AdmissionTest, ASignerRegisteredByAPendingRecordIsVerifiedThen) {
  const chain::PrivateKey newcomer = chain::PrivateKey::Generate();
  chain::Record registration = Sign(RegisterBody(newcomer, "new-farm", {v1::ROLE_FARMER}), admin_);
  chain::Record harvest = Sign(HarvestBody("N1", "5kg"), newcomer);
  std::vector<AdmissionVerdict> verdicts = Admit({registration, harvest});
  ASSERT_TRUE(verdicts[0].status.ok()) << verdicts[0].status.ToString();
  ASSERT_TRUE(verdicts[1].status.ok()) << verdicts[1].status.ToString();
  EXPECT_EQ(verdicts[1].id, harvest.id);
  EXPECT_EQ(verified_.verifications(), 2u);
  EXPECT_EQ(mempool_.size(), 2u);
}

TEST_F(AdmissionTest, ABadSignatureIsStatelessWhetherTheSignerIsCommittedOrPending) {
  const chain::PrivateKey newcomer = chain::PrivateKey::Generate();
  chain::Record registration = Sign(RegisterBody(newcomer, "new-farm", {v1::ROLE_FARMER}), admin_);
  std::vector<AdmissionVerdict> verdicts =
      Admit({WithBadSignature(Sign(HarvestBody("B1", "1kg"), farmer_)), registration,
             WithBadSignature(Sign(HarvestBody("B2", "1kg"), newcomer))});
  EXPECT_EQ(verdicts[0].status.reason(), Reason::kBadSignature);
  EXPECT_TRUE(verdicts[0].stateless);
  EXPECT_EQ(verdicts[2].status.reason(), Reason::kBadSignature);
  EXPECT_TRUE(verdicts[2].stateless);
  EXPECT_EQ(mempool_.size(), 1u);
}

TEST_F(AdmissionTest, GarbageIsStateless) {
  chain::Record record = Sign(HarvestBody("G1", "1kg"), farmer_);
  record.envelope.set_body("not a record body");
  google::protobuf::RepeatedPtrField<v1::Envelope> batch;
  *batch.Add() = record.envelope;
  std::vector<PreparedRecord> prepared = PrepareRecords(batch, params_, state_, kNow, verified_);
  AdmissionVerdict verdict = AdmitPrepared(prepared[0], mempool_, verified_, kNow, 8);
  EXPECT_EQ(verdict.status.reason(), Reason::kMalformed);
  EXPECT_TRUE(verdict.stateless);
}

// Scenario 1: the same lot harvested in kg at one node and in pcs at another; a pack of it in
// kg is MALFORMED only against the pcs state. That verdict depends on state, so it must not
// count against the peer that relayed the pack.
TEST_F(AdmissionTest, ARuleThatDependsOnStateIsNeverTheRelayingPeersFault) {
  v1::RecordBody counted = HarvestBody("L1", "100pcs");
  *counted.mutable_harvest()->mutable_net_mass_per_unit() = chain::testing_rules::Qty("1kg");
  AdmissionVerdict harvest = Admit({Sign(counted, farmer_)})[0];
  ASSERT_TRUE(harvest.status.ok()) << harvest.status.ToString();
  // Custody to the packer, as the fixture's journeys do, in the pending state.
  ASSERT_TRUE(Admit({Sign(ShipBody("L1", Pub(packer_)), farmer_)})[0].status.ok());
  ASSERT_TRUE(Admit({Sign(ReceiveBody("L1"), packer_)})[0].status.ok());
  AdmissionVerdict pack = Admit({Sign(PackBody("L1", "10kg", "P1", "10kg"), packer_)})[0];
  EXPECT_EQ(pack.status.reason(), Reason::kMalformed) << pack.status.ToString();
  EXPECT_FALSE(pack.stateless);
}

// An approval of a validator-set change is signed by a validator's node key, no participant:
// admission accepts it when that key is in force at the next height, and refuses any other
// key (NOT_AUTHORIZED) before verifying its signature.
TEST_F(AdmissionTest, ApprovalsAreSignedByValidatorsInForceAtTheNextHeight) {
  const chain::PrivateKey validator = chain::PrivateKey::Generate();
  v1::ValidatorGovernance governance;
  v1::ValidatorEpoch* epoch = governance.add_epochs();
  epoch->set_from_height(1);
  v1::ValidatorInfo* info = epoch->add_validators();
  info->set_name("val0");
  info->set_pubkey(Pub(validator));
  info->set_address("val0.example:7000");
  state_.PutValidatorGovernance(governance);

  v1::RecordBody propose = Body();
  propose.mutable_propose_validator_change()->set_kind(v1::VALIDATOR_CHANGE_ADD);
  propose.mutable_propose_validator_change()->set_name("val1");
  propose.mutable_propose_validator_change()->set_pubkey(Pub(chain::PrivateKey::Generate()));
  propose.mutable_propose_validator_change()->set_address("val1.example:7000");
  chain::Record proposal = Sign(propose, admin_);
  v1::RecordBody approve = Body();
  approve.mutable_approve_validator_change()->set_proposal_id(chain::AsBytes(proposal.id));
  v1::RecordBody stranger_approval = approve;
  stranger_approval.set_nonce(approve.nonce() + 100);

  std::vector<AdmissionVerdict> verdicts =
      Admit({proposal, Sign(stranger_approval, stranger_), Sign(approve, validator)});
  ASSERT_TRUE(verdicts[0].status.ok()) << verdicts[0].status.ToString();
  EXPECT_EQ(verdicts[1].status.reason(), Reason::kNotAuthorized) << verdicts[1].status.ToString();
  ASSERT_TRUE(verdicts[2].status.ok()) << verdicts[2].status.ToString();
  EXPECT_EQ(verified_.verifications(), 2u);  // the proposal and the validator's approval
  EXPECT_EQ(mempool_.size(), 2u);
}

}  // namespace
}  // namespace agritrace::node
