#include "chain/export/governance_json.h"

#include "chain/base/bytes.h"

namespace agritrace::chain {

using nlohmann::json;

const char* ValidatorChangeKindName(v1::ValidatorChangeKind kind) {
  switch (kind) {
    case v1::VALIDATOR_CHANGE_ADD: return "add";
    case v1::VALIDATOR_CHANGE_REMOVE: return "remove";
    case v1::VALIDATOR_CHANGE_ROTATE: return "rotate";
    default: break;
  }
  return "unspecified";
}

json ValidatorInfoToJson(const v1::ValidatorInfo& validator) {
  json out = {{"name", validator.name()},
              {"pubkey", ToHex(validator.pubkey())},
              {"address", validator.address()}};
  if (!validator.organization().empty()) out["organization"] = validator.organization();
  return out;
}

static json ChangeToJson(const v1::ProposeValidatorChange& change) {
  json out = {{"kind", ValidatorChangeKindName(change.kind())}, {"name", change.name()}};
  if (!change.pubkey().empty()) out["pubkey"] = ToHex(change.pubkey());
  if (!change.address().empty()) out["address"] = change.address();
  if (!change.organization().empty()) out["organization"] = change.organization();
  if (!change.evidence_id().empty()) out["evidence_id"] = ToHex(change.evidence_id());
  if (!change.reason().empty()) out["reason"] = change.reason();
  return out;
}

json GovernanceEventToJson(const v1::RecordBody& body) {
  switch (body.event_case()) {
    case v1::RecordBody::kProposeValidatorChange:
      return ChangeToJson(body.propose_validator_change());
    case v1::RecordBody::kApproveValidatorChange:
      return {{"proposal_id", ToHex(body.approve_validator_change().proposal_id())}};
    case v1::RecordBody::kWithdrawValidatorProposal:
      return {{"proposal_id", ToHex(body.withdraw_validator_proposal().proposal_id())}};
    default: break;
  }
  return json::object();
}

json ValidatorProposalToJson(const v1::ValidatorProposalState& proposal) {
  json out = ChangeToJson(proposal.change());
  out["proposal_id"] = ToHex(proposal.proposal_id());
  out["proposer"] = ToHex(proposal.proposer());
  out["proposed_height"] = proposal.proposed_height();
  json approvals = json::array();
  for (const v1::ValidatorApprovalEntry& a : proposal.approvals()) {
    approvals.push_back(
        {{"validator", ToHex(a.validator())}, {"name", a.name()}, {"height", a.height()}});
  }
  out["approvals"] = std::move(approvals);
  if (proposal.decided_height() != 0) {
    out["decided_height"] = proposal.decided_height();
    out["effective_height"] = proposal.effective_height();
  }
  if (proposal.withdrawn_height() != 0) out["withdrawn_height"] = proposal.withdrawn_height();
  return out;
}

json ValidatorGovernanceToJson(const v1::ValidatorGovernance& governance) {
  json epochs = json::array();
  for (const v1::ValidatorEpoch& epoch : governance.epochs()) {
    json validators = json::array();
    for (const v1::ValidatorInfo& v : epoch.validators()) validators.push_back(ValidatorInfoToJson(v));
    json e = {{"from_height", epoch.from_height()}, {"validators", std::move(validators)}};
    if (epoch.decided_height() != 0) {
      e["decided_height"] = epoch.decided_height();
      e["proposal_id"] = ToHex(epoch.proposal_id());
    }
    epochs.push_back(std::move(e));
  }
  json history = json::array();
  for (const v1::ValidatorProposalState& p : governance.history()) {
    history.push_back(ValidatorProposalToJson(p));
  }
  return {{"epochs", std::move(epochs)},
          {"pending", governance.has_pending() ? ValidatorProposalToJson(governance.pending())
                                               : json(nullptr)},
          {"history", std::move(history)}};
}

}  // namespace agritrace::chain
