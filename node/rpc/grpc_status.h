// Converting chain Status to gRPC status at the edge. The message is "REASON: sentence" and the
// reason code also travels in the trailing metadata key "agritrace-reason".
#pragma once

#include <grpcpp/grpcpp.h>

#include "chain/base/status.h"

namespace agritrace::node {

inline constexpr const char* kReasonMetadataKey = "agritrace-reason";

grpc::StatusCode GrpcCodeFor(chain::Reason reason);
// Converts and, when `context` is given, attaches the reason as trailing metadata.
grpc::Status ToGrpcStatus(const chain::Status& status, grpc::ServerContext* context);

}  // namespace agritrace::node
