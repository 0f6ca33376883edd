#include "node/rpc/grpc_status.h"

namespace agritrace::node {

using chain::Reason;

grpc::StatusCode GrpcCodeFor(Reason reason) {
  switch (reason) {
    case Reason::kOk: return grpc::StatusCode::OK;
    case Reason::kMalformed:
    case Reason::kWrongChain:
    case Reason::kBadSignature:
    case Reason::kBadGs1Key:
    case Reason::kEventTime:
    case Reason::kStaleTimestamp: return grpc::StatusCode::INVALID_ARGUMENT;
    case Reason::kUnknownSigner:
    case Reason::kNotAuthorized:
    case Reason::kRevoked:
    case Reason::kBadPassword: return grpc::StatusCode::PERMISSION_DENIED;
    case Reason::kReplay:
    case Reason::kLotExists:
    case Reason::kPlotExists:
    case Reason::kAlreadyRegistered: return grpc::StatusCode::ALREADY_EXISTS;
    case Reason::kUnknownLot:
    case Reason::kUnknownParticipant:
    case Reason::kUnknownRecord:
    case Reason::kUnknownShipment:
    case Reason::kUnknownPlot:
    case Reason::kUnknownValidator:
    case Reason::kUnknownProposal:
    case Reason::kUnknownEvidence:
    case Reason::kNotFound: return grpc::StatusCode::NOT_FOUND;
    case Reason::kNotCustodian:
    case Reason::kInsufficientQuantity:
    case Reason::kMassBalance:
    case Reason::kRecalled:
    case Reason::kInTransit:
    case Reason::kOnPallet:
    case Reason::kPlotRetired:
    case Reason::kCropMismatch:
    case Reason::kYieldExceeded:
    case Reason::kPhiNotElapsed:
    case Reason::kIngredientBanned:
    case Reason::kClaimExceeded:
    case Reason::kValidatorExists:
    case Reason::kProposalPending:
    case Reason::kNotInTransit: return grpc::StatusCode::FAILED_PRECONDITION;
    case Reason::kTooLarge:
    case Reason::kMempoolFull: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case Reason::kTimeout: return grpc::StatusCode::DEADLINE_EXCEEDED;
    case Reason::kUnavailable: return grpc::StatusCode::UNAVAILABLE;
    case Reason::kIoError:
    case Reason::kInternal: break;
  }
  return grpc::StatusCode::INTERNAL;
}

grpc::Status ToGrpcStatus(const chain::Status& status, grpc::ServerContext* context) {
  if (status.ok()) return grpc::Status::OK;
  if (context) {
    context->AddTrailingMetadata(kReasonMetadataKey, std::string(chain::ReasonName(status.reason())));
  }
  return grpc::Status(GrpcCodeFor(status.reason()), status.ToString());
}

}  // namespace agritrace::node
