#include "node/rpc/grpc_limits.h"

#include <grpcpp/resource_quota.h>

#include "node/common/client_limits.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;

chain::Status CheckGrpcLimits(const NodeConfig& config) {
  if (config.grpc_max_message_bytes < kMinGrpcMaxMessageBytes) {
    return Reject(Reason::kMalformed,
                  "grpc.max_message_bytes must be at least " +
                      std::to_string(kMinGrpcMaxMessageBytes) +
                      " (a peer's largest message carries a whole block)");
  }
  if (config.submit_wait_max_ms > kMaxSubmitWaitMs) {
    return Reject(Reason::kMalformed, "grpc.submit_wait_max_ms must be at most " +
                                          std::to_string(kMaxSubmitWaitMs));
  }
  return chain::Status::Ok();
}

void ApplyGrpcLimits(const NodeConfig& config, grpc::ServerBuilder& builder) {
  // One limit for both services (see client_limits.h); Ledger requests get a smaller one
  // from LedgerGuard. Larger messages are refused by gRPC with RESOURCE_EXHAUSTED.
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.grpc_max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.grpc_max_message_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kGrpcMaxConcurrentStreams);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             static_cast<int>(kGrpcKeepaliveTime.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             static_cast<int>(kGrpcKeepaliveTimeout.count()));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             static_cast<int>(kGrpcMinClientPingInterval.count()));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, kGrpcMaxPingStrikes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             static_cast<int>(kGrpcMaxConnectionIdle.count()));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             static_cast<int>(kGrpcMaxConnectionAge.count()));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             static_cast<int>(kGrpcMaxConnectionAgeGrace.count()));
  grpc::ResourceQuota quota("agritrace-grpc");
  quota.Resize(static_cast<size_t>(config.grpc_memory_quota_bytes));
  quota.SetMaxThreads(kGrpcMaxThreads);
  builder.SetResourceQuota(quota);
}

LedgerGuard::Options LedgerGuardOptions(const NodeConfig& config) {
  LedgerGuard::Options options;
  options.calls_per_second = config.grpc_client_calls_per_second;
  options.burst_calls = std::max(config.grpc_client_burst_calls, 1u);
  options.limit_loopback = config.grpc_rate_limit_loopback;
  options.max_request_bytes = kMaxLedgerRequestBytes;
  options.max_in_flight = kMaxLedgerCallsInFlight;
  options.max_in_flight_per_client = kMaxLedgerCallsInFlightPerClient;
  return options;
}

}  // namespace agritrace::node
