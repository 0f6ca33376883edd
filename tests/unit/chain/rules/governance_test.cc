// Validator-set governance (governance.cc): every rejection leaves state unchanged, and a
// proposal approved by more than two thirds of the set in force is decided in that block.
#include <gtest/gtest.h>

#include "chain/model/validator_set.h"
#include "chain/rules/rules.h"
#include "tests/unit/chain/rules/rules_fixture.h"

namespace agritrace::chain {
namespace {

using namespace testing_rules;  // NOLINT: the shared fixture's helpers and constants

// A committed state that knows one piece of evidence against one validator.
class EvidenceReader : public StateReader {
 public:
  EvidenceReader(Hash256 id, PubKey validator) : id_(id), validator_(validator) {}
  std::optional<v1::LotState> GetLot(const std::string&) const override { return std::nullopt; }
  std::optional<v1::Participant> GetParticipant(const PubKey&) const override {
    return std::nullopt;
  }
  std::optional<PubKey> FindParticipantByName(const std::string&) const override {
    return std::nullopt;
  }
  bool HasNonce(const PubKey&, uint64_t) const override { return false; }
  bool HasRecord(const Hash256&) const override { return false; }
  bool HasEvidenceAgainst(const Hash256& id, const PubKey& validator) const override {
    return id == id_ && validator == validator_;
  }

 private:
  Hash256 id_;
  PubKey validator_;
};

class GovernanceTest : public RulesFixture {
 protected:
  GovernanceTest() {
    for (int i = 0; i < 4; ++i) {
      v1::ValidatorInfo* v = genesis_epoch_.add_validators();
      v->set_name("val" + std::to_string(i));
      v->set_pubkey(Pub(validators_[i]));
      v->set_address("val" + std::to_string(i) + ".example:7000");
    }
    genesis_epoch_.set_from_height(1);
    v1::ValidatorGovernance governance;
    *governance.add_epochs() = genesis_epoch_;
    state_.PutValidatorGovernance(governance);
  }

  v1::RecordBody ProposeBody(v1::ValidatorChangeKind kind, const std::string& name,
                             const std::string& pubkey = "", const std::string& address = "") {
    v1::RecordBody body = Body();
    v1::ProposeValidatorChange* p = body.mutable_propose_validator_change();
    p->set_kind(kind);
    p->set_name(name);
    p->set_pubkey(pubkey);
    p->set_address(address);
    return body;
  }
  v1::RecordBody AddBody(const std::string& name = "val4") {
    return ProposeBody(v1::VALIDATOR_CHANGE_ADD, name, Pub(newcomer_), name + ".example:7000");
  }
  v1::RecordBody ApproveBody(const std::string& id) {
    v1::RecordBody body = Body();
    body.mutable_approve_validator_change()->set_proposal_id(id);
    return body;
  }
  v1::RecordBody WithdrawBody(const std::string& id) {
    v1::RecordBody body = Body();
    body.mutable_withdraw_validator_proposal()->set_proposal_id(id);
    return body;
  }
  // Proposes as the admin; the proposal id.
  std::string Propose(const v1::RecordBody& body) {
    Record record = Sign(body, admin_);
    Status st = ApplySigned(record);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return AsBytes(record.id);
  }
  v1::ValidatorGovernance Governance() const {
    return state_.GetValidatorGovernance().value_or(v1::ValidatorGovernance());
  }
  // Approves `id` by validators [0, n) and checks the proposal is decided exactly at the last.
  void ApproveBy(const std::string& id, int n) {
    for (int i = 0; i < n; ++i) {
      ApplyOk(ApproveBody(id), validators_[i]);
      EXPECT_EQ(Governance().has_pending(), i + 1 < n) << "after approval " << i + 1;
    }
  }
  void MoveTo(uint64_t height) {
    ctx_.height = height;
    ctx_.index = 0;
  }

  v1::ValidatorEpoch genesis_epoch_;
  const PrivateKey validators_[4] = {PrivateKey::Generate(), PrivateKey::Generate(),
                                     PrivateKey::Generate(), PrivateKey::Generate()};
  const PrivateKey newcomer_ = PrivateKey::Generate();
};

TEST_F(GovernanceTest, StatelessChecksRefuseMalformedProposals) {
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_UNSPECIFIED, "val4", Pub(newcomer_), "h:1"),
                 admin_, Reason::kMalformed);
  ExpectRejected(AddBody("bad name!"), admin_, Reason::kMalformed);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_ADD, "val4", "", "h:1"), admin_,
                 Reason::kMalformed);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_ADD, "val4", std::string(32, '\xff'), "h:1"),
                 admin_, Reason::kMalformed);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_ADD, "val4", Pub(newcomer_)), admin_,
                 Reason::kMalformed);
  for (const char* address : {"nohost", ":7000", "h:", "h:0", "h:65536", "h:7x", "a b:1"}) {
    ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_ADD, "val4", Pub(newcomer_), address), admin_,
                   Reason::kMalformed);
  }
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1", Pub(newcomer_)), admin_,
                 Reason::kMalformed);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_ROTATE, "val1"), admin_, Reason::kMalformed);
  v1::RecordBody evidence_on_add = AddBody();
  evidence_on_add.mutable_propose_validator_change()->set_evidence_id(std::string(32, 'e'));
  ExpectRejected(evidence_on_add, admin_, Reason::kMalformed);
  v1::RecordBody short_evidence = ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1");
  short_evidence.mutable_propose_validator_change()->set_evidence_id("short");
  ExpectRejected(short_evidence, admin_, Reason::kMalformed);
  v1::RecordBody long_reason = ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1");
  long_reason.mutable_propose_validator_change()->set_reason(std::string(kMaxTextBytes + 1, 'r'));
  ExpectRejected(long_reason, admin_, Reason::kTooLarge);
  ExpectRejected(ApproveBody("short"), validators_[0], Reason::kMalformed);
  ExpectRejected(WithdrawBody(""), admin_, Reason::kMalformed);
  EXPECT_FALSE(Governance().has_pending());
}

TEST_F(GovernanceTest, OnlyAnAdminProposesOrWithdraws) {
  ExpectRejected(AddBody(), farmer_, Reason::kNotAuthorized);
  const std::string id = Propose(AddBody());
  ExpectRejected(WithdrawBody(id), farmer_, Reason::kNotAuthorized);
  // A validator key is no participant: it cannot propose.
  ExpectRejected(AddBody("val5"), validators_[0], Reason::kUnknownSigner);
}

TEST_F(GovernanceTest, ProposalsAreCheckedAgainstTheSetInForce) {
  ExpectRejected(AddBody("val2"), admin_, Reason::kValidatorExists);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_ADD, "val9", Pub(validators_[1]), "h:1"),
                 admin_, Reason::kValidatorExists);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "nobody"), admin_,
                 Reason::kUnknownValidator);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_ROTATE, "nobody", Pub(newcomer_)), admin_,
                 Reason::kUnknownValidator);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_ROTATE, "val0", Pub(validators_[1])), admin_,
                 Reason::kValidatorExists);
  v1::RecordBody cited = ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1");
  cited.mutable_propose_validator_change()->set_evidence_id(std::string(32, 'e'));
  ExpectRejected(cited, admin_, Reason::kUnknownEvidence);
}

TEST_F(GovernanceTest, ARemovalMayCiteCommittedEvidenceAgainstThatValidatorOnly) {
  Hash256 evidence{};
  evidence.fill(0xee);
  EvidenceReader committed(evidence, validators_[1].public_key());
  StateOverlay state(&committed);
  state.PutParticipant(*state_.GetParticipant(admin_.public_key()));
  state.PutValidatorGovernance(Governance());
  v1::RecordBody against_other = ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val2");
  against_other.mutable_propose_validator_change()->set_evidence_id(AsBytes(evidence));
  Status st = ApplyRecord(Sign(against_other, admin_), params_, ctx_, state);
  EXPECT_EQ(st.reason(), Reason::kUnknownEvidence) << st.ToString();
  v1::RecordBody cited = ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1");
  cited.mutable_propose_validator_change()->set_evidence_id(AsBytes(evidence));
  st = ApplyRecord(Sign(cited, admin_), params_, ctx_, state);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(state.GetValidatorGovernance()->pending().change().evidence_id(), AsBytes(evidence));
}

TEST_F(GovernanceTest, NoValidatorSetInStateRefusesGovernance) {
  StateOverlay bare(nullptr);
  bare.PutParticipant(*state_.GetParticipant(admin_.public_key()));
  Status st = ApplyRecord(Sign(AddBody(), admin_), params_, ctx_, bare);
  EXPECT_EQ(st.reason(), Reason::kNotAuthorized) << st.ToString();
  st = ApplyRecord(Sign(ApproveBody(std::string(32, 'p')), validators_[0]), params_, ctx_, bare);
  EXPECT_EQ(st.reason(), Reason::kNotAuthorized) << st.ToString();
  EXPECT_FALSE(bare.validator_governance().has_value());
}

TEST_F(GovernanceTest, OneProposalAtATime) {
  const std::string id = Propose(AddBody());
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1"), admin_,
                 Reason::kProposalPending);
  ApproveBy(id, 3);  // decided at height 7, in force from 9
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1"), admin_,
                 Reason::kProposalPending);
  MoveTo(8);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1"), admin_,
                 Reason::kProposalPending);
  MoveTo(9);
  Propose(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1"));
}

TEST_F(GovernanceTest, ApprovalsComeFromValidatorsInForceOnce) {
  ExpectRejected(ApproveBody(std::string(32, 'p')), validators_[0], Reason::kUnknownProposal);
  const std::string id = Propose(AddBody());
  ExpectRejected(ApproveBody(id), admin_, Reason::kNotAuthorized);
  ExpectRejected(ApproveBody(id), newcomer_, Reason::kNotAuthorized);
  ExpectRejected(ApproveBody(std::string(32, 'p')), validators_[0], Reason::kUnknownProposal);
  v1::RecordBody first = ApproveBody(id);
  ApplyOk(first, validators_[0]);
  ExpectRejected(ApproveBody(id), validators_[0], Reason::kReplay);  // a second approval
  EXPECT_EQ(Governance().pending().approvals_size(), 1);
}

TEST_F(GovernanceTest, ANonceOfAValidatorIsAReplayGuard) {
  const std::string id = Propose(AddBody());
  v1::RecordBody first = ApproveBody(id);
  ApplyOk(first, validators_[0]);
  // The same nonce from the same validator key, another body: REPLAY by the nonce.
  v1::RecordBody again = ApproveBody(std::string(32, 'q'));
  again.set_nonce(first.nonce());
  ExpectRejected(again, validators_[0], Reason::kReplay);
}

TEST_F(GovernanceTest, WithdrawClosesTheOpenProposal) {
  ExpectRejected(WithdrawBody(std::string(32, 'p')), admin_, Reason::kUnknownProposal);
  const std::string id = Propose(AddBody());
  ExpectRejected(WithdrawBody(std::string(32, 'p')), admin_, Reason::kUnknownProposal);
  ApplyOk(WithdrawBody(id), admin_);
  const v1::ValidatorGovernance governance = Governance();
  EXPECT_FALSE(governance.has_pending());
  ASSERT_EQ(governance.history_size(), 1);
  EXPECT_EQ(governance.history(0).withdrawn_height(), 7u);
  EXPECT_EQ(governance.history(0).decided_height(), 0u);
  EXPECT_EQ(governance.epochs_size(), 1);
  ExpectRejected(ApproveBody(id), validators_[0], Reason::kUnknownProposal);
  EXPECT_FALSE(DecidedValidatorChange(state_, 7).has_value());
}

TEST_F(GovernanceTest, AddIsDecidedAtMoreThanTwoThirds) {
  const std::string id = Propose(AddBody());
  ApplyOk(ApproveBody(id), validators_[0]);
  ApplyOk(ApproveBody(id), validators_[1]);
  EXPECT_TRUE(Governance().has_pending());  // 2 of 4 is not more than two thirds
  EXPECT_FALSE(DecidedValidatorChange(state_, 7).has_value());
  ApplyOk(ApproveBody(id), validators_[2]);  // 3 of 4 is
  const v1::ValidatorGovernance governance = Governance();
  EXPECT_FALSE(governance.has_pending());
  ASSERT_EQ(governance.epochs_size(), 2);
  const v1::ValidatorEpoch& epoch = governance.epochs(1);
  EXPECT_EQ(epoch.from_height(), 7 + kValidatorChangeDelay);
  EXPECT_EQ(epoch.decided_height(), 7u);
  EXPECT_EQ(epoch.proposal_id(), id);
  ASSERT_EQ(epoch.validators_size(), 5);
  EXPECT_EQ(epoch.validators(4).name(), "val4");  // added last
  EXPECT_EQ(epoch.validators(4).pubkey(), Pub(newcomer_));
  ASSERT_EQ(governance.history_size(), 1);
  EXPECT_EQ(governance.history(0).decided_height(), 7u);
  EXPECT_EQ(governance.history(0).effective_height(), 9u);
  EXPECT_EQ(governance.history(0).approvals_size(), 3);
  std::optional<v1::ValidatorSetChange> change = DecidedValidatorChange(state_, 7);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->proposal_id(), id);
  EXPECT_EQ(change->effective_height(), 9u);
  EXPECT_EQ(change->validators_size(), 5);
  EXPECT_FALSE(DecidedValidatorChange(state_, 8).has_value());
  // Before height 9 the old set approves; from 9 the newcomer is a validator.
  MoveTo(9);
  const std::string next = Propose(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val0"));
  ApplyOk(ApproveBody(next), newcomer_);
}

TEST_F(GovernanceTest, RemoveClosesUpAndRotateKeepsPlace) {
  std::string id = Propose(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val1"));
  ApproveBy(id, 3);
  v1::ValidatorGovernance governance = Governance();
  ASSERT_EQ(governance.epochs_size(), 2);
  ASSERT_EQ(governance.epochs(1).validators_size(), 3);
  EXPECT_EQ(governance.epochs(1).validators(0).name(), "val0");
  EXPECT_EQ(governance.epochs(1).validators(1).name(), "val2");
  EXPECT_EQ(governance.epochs(1).validators(2).name(), "val3");

  MoveTo(9);  // set {val0, val2, val3}: quorum 3 of 3; val1 no longer approves
  v1::RecordBody rotate = ProposeBody(v1::VALIDATOR_CHANGE_ROTATE, "val2", Pub(newcomer_));
  id = Propose(rotate);
  ExpectRejected(ApproveBody(id), validators_[1], Reason::kNotAuthorized);
  ApplyOk(ApproveBody(id), validators_[0]);
  ApplyOk(ApproveBody(id), validators_[2]);
  EXPECT_TRUE(Governance().has_pending());
  ApplyOk(ApproveBody(id), validators_[3]);
  governance = Governance();
  ASSERT_EQ(governance.epochs_size(), 3);
  const v1::ValidatorEpoch& epoch = governance.epochs(2);
  EXPECT_EQ(epoch.from_height(), 11u);
  ASSERT_EQ(epoch.validators_size(), 3);
  EXPECT_EQ(epoch.validators(1).name(), "val2");  // same place, new key, old address
  EXPECT_EQ(epoch.validators(1).pubkey(), Pub(newcomer_));
  EXPECT_EQ(epoch.validators(1).address(), "val2.example:7000");
}

TEST_F(GovernanceTest, RemovingTheLastValidatorIsRefused) {
  v1::ValidatorGovernance governance;
  v1::ValidatorEpoch* epoch = governance.add_epochs();
  epoch->set_from_height(1);
  *epoch->add_validators() = genesis_epoch_.validators(0);
  state_.PutValidatorGovernance(governance);
  ExpectRejected(ProposeBody(v1::VALIDATOR_CHANGE_REMOVE, "val0"), admin_,
                 Reason::kNotAuthorized);
}

TEST_F(GovernanceTest, HistoryKeepsTheNewestClosedProposals) {
  std::string last;
  for (size_t i = 0; i < kMaxGovernanceHistory + 2; ++i) {
    last = Propose(AddBody());
    ApplyOk(WithdrawBody(last), admin_);
  }
  const v1::ValidatorGovernance governance = Governance();
  ASSERT_EQ(governance.history_size(), static_cast<int>(kMaxGovernanceHistory));
  EXPECT_EQ(governance.history(governance.history_size() - 1).proposal_id(), last);
}

}  // namespace
}  // namespace agritrace::chain
