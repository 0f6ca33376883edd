#include "chain/base/status.h"

#include <array>

namespace agritrace::chain {
namespace {

struct ReasonEntry {
  Reason reason;
  std::string_view name;
};

constexpr std::array kReasons = {
    ReasonEntry{Reason::kOk, "OK"},
    ReasonEntry{Reason::kMalformed, "MALFORMED"},
    ReasonEntry{Reason::kWrongChain, "WRONG_CHAIN"},
    ReasonEntry{Reason::kBadSignature, "BAD_SIGNATURE"},
    ReasonEntry{Reason::kUnknownSigner, "UNKNOWN_SIGNER"},
    ReasonEntry{Reason::kNotAuthorized, "NOT_AUTHORIZED"},
    ReasonEntry{Reason::kReplay, "REPLAY"},
    ReasonEntry{Reason::kLotExists, "LOT_EXISTS"},
    ReasonEntry{Reason::kUnknownLot, "UNKNOWN_LOT"},
    ReasonEntry{Reason::kNotCustodian, "NOT_CUSTODIAN"},
    ReasonEntry{Reason::kInsufficientQuantity, "INSUFFICIENT_QUANTITY"},
    ReasonEntry{Reason::kMassBalance, "MASS_BALANCE"},
    ReasonEntry{Reason::kBadGs1Key, "BAD_GS1_KEY"},
    ReasonEntry{Reason::kRecalled, "RECALLED"},
    ReasonEntry{Reason::kTooLarge, "TOO_LARGE"},
    ReasonEntry{Reason::kStaleTimestamp, "STALE_TIMESTAMP"},
    ReasonEntry{Reason::kInTransit, "IN_TRANSIT"},
    ReasonEntry{Reason::kNotInTransit, "NOT_IN_TRANSIT"},
    ReasonEntry{Reason::kUnknownParticipant, "UNKNOWN_PARTICIPANT"},
    ReasonEntry{Reason::kAlreadyRegistered, "ALREADY_REGISTERED"},
    ReasonEntry{Reason::kRevoked, "REVOKED"},
    ReasonEntry{Reason::kUnknownRecord, "UNKNOWN_RECORD"},
    ReasonEntry{Reason::kUnknownShipment, "UNKNOWN_SHIPMENT"},
    ReasonEntry{Reason::kOnPallet, "ON_PALLET"},
    ReasonEntry{Reason::kEventTime, "EVENT_TIME"},
    ReasonEntry{Reason::kUnknownPlot, "UNKNOWN_PLOT"},
    ReasonEntry{Reason::kPlotExists, "PLOT_EXISTS"},
    ReasonEntry{Reason::kPlotRetired, "PLOT_RETIRED"},
    ReasonEntry{Reason::kCropMismatch, "CROP_MISMATCH"},
    ReasonEntry{Reason::kYieldExceeded, "YIELD_EXCEEDED"},
    ReasonEntry{Reason::kPhiNotElapsed, "PHI_NOT_ELAPSED"},
    ReasonEntry{Reason::kIngredientBanned, "INGREDIENT_BANNED"},
    ReasonEntry{Reason::kClaimExceeded, "CLAIM_EXCEEDED"},
    ReasonEntry{Reason::kUnknownValidator, "UNKNOWN_VALIDATOR"},
    ReasonEntry{Reason::kValidatorExists, "VALIDATOR_EXISTS"},
    ReasonEntry{Reason::kProposalPending, "PROPOSAL_PENDING"},
    ReasonEntry{Reason::kUnknownProposal, "UNKNOWN_PROPOSAL"},
    ReasonEntry{Reason::kUnknownEvidence, "UNKNOWN_EVIDENCE"},
    ReasonEntry{Reason::kMempoolFull, "MEMPOOL_FULL"},
    ReasonEntry{Reason::kNotFound, "NOT_FOUND"},
    ReasonEntry{Reason::kIoError, "IO_ERROR"},
    ReasonEntry{Reason::kBadPassword, "BAD_PASSWORD"},
    ReasonEntry{Reason::kTimeout, "TIMEOUT"},
    ReasonEntry{Reason::kUnavailable, "UNAVAILABLE"},
    ReasonEntry{Reason::kInternal, "INTERNAL"},
};

}  // namespace

std::string_view ReasonName(Reason reason) {
  for (const auto& entry : kReasons) {
    if (entry.reason == reason) return entry.name;
  }
  return "INTERNAL";
}

Reason ReasonFromName(std::string_view name) {
  for (const auto& entry : kReasons) {
    if (entry.name == name) return entry.reason;
  }
  return Reason::kInternal;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(ReasonName(reason_)) + ": " + message_;
}

}  // namespace agritrace::chain
