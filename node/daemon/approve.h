// `agritrace-node approve --dir DIR PROPOSAL`: a validator's operator approves the open
// validator-set proposal (docs/governance.md) with the node's own key.
#pragma once

#include <ostream>
#include <string>

#include "chain/base/status.h"

namespace agritrace::node {

// How long the command waits for the approval's block (the node caps it at its
// submit_wait_max_ms).
inline constexpr uint32_t kApproveWaitMs = 60'000;

// Loads DIR/node.toml, the genesis and the encrypted node key (`password`), signs
// ApproveValidatorChange{proposal} (64 hex) with a fresh nonce, submits it to the node's own
// gRPC address and waits for its commit, printing the outcome to `out`. The rejection's
// Status (its reason as the node gave it) when the approval is refused.
chain::Status ApproveProposal(const std::string& dir, const std::string& proposal_hex,
                              const std::string& password, std::ostream& out);

}  // namespace agritrace::node
