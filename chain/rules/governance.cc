// Validator-set governance (issue 17, docs/governance.md): ProposeValidatorChange,
// ApproveValidatorChange and WithdrawValidatorProposal, their stateless checks and rules.
//
// The state is one v1::ValidatorGovernance (chain/model/validator_set.h). The store writes the
// initial one (genesis's set) when it creates a database, so a reader without one holds no
// validator set: approvals and proposals are refused there (NOT_AUTHORIZED).
#include <string>

#include "chain/base/limits.h"
#include "chain/model/validator_set.h"
#include "chain/rules/internal.h"

namespace agritrace::chain {
namespace rules_internal {
namespace {

constexpr size_t kIdBytes = 32;  // record and evidence ids (SHA-256)
// host:port of a peer endpoint: a DNS name (253) plus ":65535", with room for "[v6]".
constexpr size_t kMaxValidatorAddressBytes = 262;
// The free-text reason of a proposal, shown by `agritrace validators`.
constexpr size_t kMaxProposalReasonBytes = kMaxTextBytes;

std::string ShortHex(const std::string& bytes) { return ToHex(bytes).substr(0, 16) + "..."; }

Status CheckAddress(const std::string& address) {
  if (address.size() > kMaxValidatorAddressBytes) {
    return Reject(Reason::kTooLarge, "a validator address is at most " +
                                         std::to_string(kMaxValidatorAddressBytes) + " bytes");
  }
  const size_t colon = address.rfind(':');
  bool ok = colon != std::string::npos && colon > 0 && colon + 1 < address.size() &&
            address.size() - colon - 1 <= 5;
  uint32_t port = 0;
  for (size_t i = colon + 1; ok && i < address.size(); ++i) {
    ok = address[i] >= '0' && address[i] <= '9';
    port = port * 10 + static_cast<uint32_t>(address[i] - '0');
  }
  ok = ok && port >= 1 && port <= 65535;
  for (size_t i = 0; ok && i < colon; ++i) ok = address[i] > 0x20 && address[i] < 0x7f;
  if (ok) return Status::Ok();
  return Reject(Reason::kMalformed,
                "a validator address must be host:port (port 1 to 65535), e.g. "
                "node5.example.org:7000");
}

Status CheckId(const std::string& id, std::string_view what) {
  if (id.size() == kIdBytes) return Status::Ok();
  return Reject(Reason::kMalformed, "the " + std::string(what) + " must be 32 bytes; " +
                                        std::to_string(id.size()) + " were given");
}

Status CheckPropose(const v1::ProposeValidatorChange& p) {
  const v1::ValidatorChangeKind kind = p.kind();
  if (kind != v1::VALIDATOR_CHANGE_ADD && kind != v1::VALIDATOR_CHANGE_REMOVE &&
      kind != v1::VALIDATOR_CHANGE_ROTATE) {
    return Reject(Reason::kMalformed, "a validator change must add, remove or rotate");
  }
  AGRI_RETURN_IF_ERROR(CheckParticipantName(p.name()));
  if (kind == v1::VALIDATOR_CHANGE_REMOVE) {
    if (!p.pubkey().empty() || !p.address().empty() || !p.organization().empty()) {
      return Reject(Reason::kMalformed,
                    "removing a validator names it only; give no key, address or organisation");
    }
  } else {
    AGRI_RETURN_IF_ERROR(CheckPublicKey(p.pubkey(), "validator's node key"));
  }
  if (kind == v1::VALIDATOR_CHANGE_ADD) {
    if (p.address().empty()) {
      return Reject(Reason::kMalformed, "a new validator needs its peer address (host:port)");
    }
    AGRI_RETURN_IF_ERROR(CheckAddress(p.address()));
    if (p.organization().size() > kMaxTextBytes) {
      return Reject(Reason::kTooLarge, "the organisation is at most " +
                                           std::to_string(kMaxTextBytes) + " bytes");
    }
  }
  if (kind == v1::VALIDATOR_CHANGE_ROTATE) {
    if (!p.address().empty()) AGRI_RETURN_IF_ERROR(CheckAddress(p.address()));
    if (!p.organization().empty()) {
      return Reject(Reason::kMalformed, "a rotation keeps the validator's organisation");
    }
  }
  if (!p.evidence_id().empty()) {
    if (kind != v1::VALIDATOR_CHANGE_REMOVE) {
      return Reject(Reason::kMalformed, "only a removal may cite evidence");
    }
    AGRI_RETURN_IF_ERROR(CheckId(p.evidence_id(), "evidence id"));
  }
  if (p.reason().size() > kMaxProposalReasonBytes) {
    return Reject(Reason::kTooLarge, "the reason is " + std::to_string(p.reason().size()) +
                                         " bytes; the limit is " +
                                         std::to_string(kMaxProposalReasonBytes));
  }
  return Status::Ok();
}

// The epoch in force at `height`: the last one starting at or below it (epochs[0] covers all
// heights before the first change).
const v1::ValidatorEpoch& EpochAt(const v1::ValidatorGovernance& governance, uint64_t height) {
  int index = 0;
  for (int i = 1; i < governance.epochs_size(); ++i) {
    if (governance.epochs(i).from_height() <= height) index = i;
  }
  return governance.epochs(index);
}

Result<v1::ValidatorGovernance> LoadGovernance(const StateReader& state, std::string_view action) {
  std::optional<v1::ValidatorGovernance> governance = state.GetValidatorGovernance();
  if (!governance || governance->epochs_size() == 0) {
    return Reject(Reason::kNotAuthorized, "this state holds no validator set, so nobody can " +
                                              std::string(action));
  }
  return *std::move(governance);
}

Status RequireOpenProposal(const v1::ValidatorGovernance& governance, const std::string& id) {
  if (governance.has_pending() && governance.pending().proposal_id() == id) return Status::Ok();
  std::string open = governance.has_pending()
                         ? "; the open proposal is " + ToHex(governance.pending().proposal_id())
                         : "; no proposal is open";
  return Reject(Reason::kUnknownProposal,
                "proposal " + ToHex(id) + " is not the open validator-set proposal" + open);
}

// Moves the pending proposal into the history, dropping the oldest beyond the limit.
void ClosePending(v1::ValidatorGovernance& governance) {
  *governance.add_history() = governance.pending();
  governance.clear_pending();
  const int excess = governance.history_size() - static_cast<int>(kMaxGovernanceHistory);
  if (excess > 0) governance.mutable_history()->DeleteSubrange(0, excess);
}

int FindIndexByName(const v1::ValidatorEpoch& epoch, const std::string& name) {
  for (int i = 0; i < epoch.validators_size(); ++i) {
    if (epoch.validators(i).name() == name) return i;
  }
  return -1;
}

Status ApplyPropose(const EventEnv& env) {
  const v1::ProposeValidatorChange& change = env.record.body.propose_validator_change();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_ADMIN}, "propose validator changes"));
  Result<v1::ValidatorGovernance> governance =
      LoadGovernance(env.scratch, "change the validator set");
  if (!governance.ok()) return governance.status();
  if (governance->has_pending()) {
    return Reject(Reason::kProposalPending,
                  "proposal " + ToHex(governance->pending().proposal_id()) +
                      " is still open; it must be decided or withdrawn first");
  }
  const v1::ValidatorEpoch& last = governance->epochs(governance->epochs_size() - 1);
  if (last.from_height() > env.ctx.height) {
    return Reject(Reason::kProposalPending,
                  "the change decided at height " + std::to_string(last.decided_height()) +
                      " takes effect at height " + std::to_string(last.from_height()) +
                      "; propose again from then on");
  }
  const v1::ValidatorEpoch& current = EpochAt(*governance, env.ctx.height);
  Result<std::vector<v1::ValidatorInfo>> next = ApplyValidatorChange(current.validators(), change);
  if (!next.ok()) return next.status();
  if (!change.evidence_id().empty()) {
    const int index = FindIndexByName(current, change.name());  // the removal passed: found
    const PubKey key = ArrayFromCheckedBytes<32>(current.validators(index).pubkey());
    if (!env.scratch.HasEvidenceAgainst(ArrayFromCheckedBytes<32>(change.evidence_id()), key)) {
      return Reject(Reason::kUnknownEvidence, "no committed evidence " +
                                                  ToHex(change.evidence_id()) + " against " +
                                                  change.name() + " is on the chain");
    }
  }
  v1::ValidatorProposalState* pending = governance->mutable_pending();
  pending->set_proposal_id(AsBytes(env.record.id));
  *pending->mutable_change() = change;
  pending->set_proposer(AsBytes(env.record.signer));
  pending->set_proposed_height(env.ctx.height);
  env.scratch.PutValidatorGovernance(*std::move(governance));
  return Status::Ok();
}

Status ApplyApprove(const EventEnv& env) {
  const std::string& id = env.record.body.approve_validator_change().proposal_id();
  Result<v1::ValidatorGovernance> governance = LoadGovernance(env.scratch, "approve changes");
  if (!governance.ok()) return governance.status();
  AGRI_RETURN_IF_ERROR(RequireOpenProposal(*governance, id));
  const v1::ValidatorEpoch& current = EpochAt(*governance, env.ctx.height);
  v1::ValidatorProposalState* pending = governance->mutable_pending();
  const std::string signer = AsBytes(env.record.signer);
  size_t approvals = 0;
  for (const v1::ValidatorApprovalEntry& approval : pending->approvals()) {
    if (approval.validator() == signer) {
      return Reject(Reason::kReplay, env.signer.name() + " already approved proposal " +
                                         ToHex(id) + " at height " +
                                         std::to_string(approval.height()));
    }
  }
  v1::ValidatorApprovalEntry* added = pending->add_approvals();
  added->set_validator(signer);
  added->set_name(env.signer.name());
  added->set_height(env.ctx.height);
  // Only approvals by members of the set in force count (the set cannot change while a
  // proposal is open, but the count does not rely on it).
  for (const v1::ValidatorApprovalEntry& approval : pending->approvals()) {
    for (const v1::ValidatorInfo& v : current.validators()) {
      if (v.pubkey() == approval.validator()) ++approvals;
    }
  }
  const size_t quorum = ToValidatorSet(current.validators()).Quorum();
  if (approvals >= quorum) {
    Result<std::vector<v1::ValidatorInfo>> next =
        ApplyValidatorChange(current.validators(), pending->change());
    if (!next.ok()) return next.status();
    const uint64_t effective = env.ctx.height + kValidatorChangeDelay;
    v1::ValidatorEpoch* epoch = governance->add_epochs();
    epoch->set_from_height(effective);
    for (v1::ValidatorInfo& v : *next) *epoch->add_validators() = std::move(v);
    epoch->set_proposal_id(id);
    epoch->set_decided_height(env.ctx.height);
    pending->set_decided_height(env.ctx.height);
    pending->set_effective_height(effective);
    ClosePending(*governance);
  }
  env.scratch.PutValidatorGovernance(*std::move(governance));
  return Status::Ok();
}

Status ApplyWithdraw(const EventEnv& env) {
  const std::string& id = env.record.body.withdraw_validator_proposal().proposal_id();
  AGRI_RETURN_IF_ERROR(RequireRole(env.signer, {v1::ROLE_ADMIN}, "withdraw validator proposals"));
  Result<v1::ValidatorGovernance> governance =
      LoadGovernance(env.scratch, "change the validator set");
  if (!governance.ok()) return governance.status();
  AGRI_RETURN_IF_ERROR(RequireOpenProposal(*governance, id));
  governance->mutable_pending()->set_withdrawn_height(env.ctx.height);
  ClosePending(*governance);
  env.scratch.PutValidatorGovernance(*std::move(governance));
  return Status::Ok();
}

}  // namespace

Status CheckGovernanceEvent(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kProposeValidatorChange:
      return CheckPropose(body.propose_validator_change());
    case v1::RecordBody::kApproveValidatorChange:
      return CheckId(body.approve_validator_change().proposal_id(), "proposal id");
    case v1::RecordBody::kWithdrawValidatorProposal:
      return CheckId(body.withdraw_validator_proposal().proposal_id(), "proposal id");
    default:
      break;
  }
  return Reject(Reason::kMalformed, "not a validator-set governance record");
}

Status ApplyGovernanceEvent(const EventEnv& env) {
  switch (env.record.body.event_case()) {
    case v1::RecordBody::kProposeValidatorChange:
      return ApplyPropose(env);
    case v1::RecordBody::kApproveValidatorChange:
      return ApplyApprove(env);
    case v1::RecordBody::kWithdrawValidatorProposal:
      return ApplyWithdraw(env);
    default:
      break;
  }
  return Reject(Reason::kMalformed, "not a validator-set governance record");
}

Result<v1::Participant> ValidatorSigner(const StateReader& state, const PubKey& key,
                                        uint64_t height) {
  Result<v1::ValidatorGovernance> governance = LoadGovernance(state, "approve changes");
  if (!governance.ok()) return governance.status();
  const std::string bytes = AsBytes(key);
  for (const v1::ValidatorInfo& v : EpochAt(*governance, height).validators()) {
    if (v.pubkey() != bytes) continue;
    v1::Participant signer;  // a stand-in for messages: validators are not participants
    signer.set_pubkey(bytes);
    signer.set_name(v.name());
    return signer;
  }
  return Reject(Reason::kNotAuthorized,
                "key " + ShortHex(bytes) + " is not the node key of a validator in force at height " +
                    std::to_string(height) + "; only validators approve validator-set changes");
}

}  // namespace rules_internal

std::optional<v1::ValidatorSetChange> DecidedValidatorChange(const StateReader& state,
                                                             uint64_t height) {
  std::optional<v1::ValidatorGovernance> governance = state.GetValidatorGovernance();
  if (!governance || governance->epochs_size() < 2) return std::nullopt;
  const v1::ValidatorEpoch& last = governance->epochs(governance->epochs_size() - 1);
  if (last.decided_height() != height) return std::nullopt;
  v1::ValidatorSetChange change;
  change.set_proposal_id(last.proposal_id());
  change.set_effective_height(last.from_height());
  *change.mutable_validators() = last.validators();
  return change;
}

bool IsValidatorSigned(const v1::RecordBody& body) { return body.has_approve_validator_change(); }

Status CheckValidatorSigner(const StateReader& state, const PubKey& key, uint64_t height) {
  Result<v1::Participant> signer = rules_internal::ValidatorSigner(state, key, height);
  return signer.ok() ? Status::Ok() : signer.status();
}

}  // namespace agritrace::chain
