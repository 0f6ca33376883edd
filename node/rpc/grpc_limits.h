// The gRPC server's defences against hostile clients, from client_limits.h and node.toml:
// message sizes, keepalive enforcement, concurrent streams, connection age and idle limits,
// a ResourceQuota (memory and threads), and the per-client LedgerGuard options.
#pragma once

#include <grpcpp/grpcpp.h>

#include "chain/base/status.h"
#include "node/common/config.h"
#include "node/rpc/ledger_guard.h"

namespace agritrace::node {

// MALFORMED when the config's gRPC limits are unusable (a message limit below what peers
// send, a submit wait above kMaxSubmitWaitMs).
chain::Status CheckGrpcLimits(const NodeConfig& config);

// Sets every server-wide limit on `builder` (call before BuildAndStart).
void ApplyGrpcLimits(const NodeConfig& config, grpc::ServerBuilder& builder);

// The per-call limits of the Ledger client API.
LedgerGuard::Options LedgerGuardOptions(const NodeConfig& config);

}  // namespace agritrace::node
