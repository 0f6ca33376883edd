// Runs a node: opens it, serves the gRPC API (with server reflection) and stops cleanly on
// SIGINT/SIGTERM.
#pragma once

#include "chain/base/status.h"
#include "node/common/config.h"

namespace agritrace::node {

// Blocks until SIGINT or SIGTERM. Returns a Status when the node cannot start.
chain::Status RunNode(const NodeConfig& config, const std::string& password);

}  // namespace agritrace::node
