// JSON renderings of the validator-set governance records and state (chain/model/
// validator_set.h), shared by the wallet CLI and the node. Conventions as record_json.h: keys
// as hex, heights as numbers.
//
// Pure functions; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "agritrace/v1/records.pb.h"

namespace agritrace::chain {

// "add", "remove", "rotate" ("unspecified" for anything else).
const char* ValidatorChangeKindName(v1::ValidatorChangeKind kind);

// {"name", "pubkey", "address", "organization"?}
nlohmann::json ValidatorInfoToJson(const v1::ValidatorInfo& validator);

// The event fields of propose_validator_change, approve_validator_change and
// withdraw_validator_proposal records; {} for any other event.
nlohmann::json GovernanceEventToJson(const v1::RecordBody& body);

// {"proposal_id", "kind", "name", "pubkey"?, "address"?, "organization"?, "evidence_id"?,
//  "reason"?, "proposer", "proposed_height", "approvals": [{"validator", "name", "height"}],
//  "decided_height"?, "effective_height"?, "withdrawn_height"?}
nlohmann::json ValidatorProposalToJson(const v1::ValidatorProposalState& proposal);

// {"epochs": [{"from_height", "decided_height"?, "proposal_id"?, "validators": [...]}],
//  "pending": {...}|null, "history": [...]}
nlohmann::json ValidatorGovernanceToJson(const v1::ValidatorGovernance& governance);

}  // namespace agritrace::chain
