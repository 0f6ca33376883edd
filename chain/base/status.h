// Status and Result<T>: errors as values across module boundaries.
//
// A Status carries a stable reason code (the Reason enum below; ReasonName gives the code,
// e.g. "NOT_CUSTODIAN") and a sentence a person can act on. Reason codes are part of the
// protocol: their names never change once released (README.md, "Participants", lists them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "chain/base/check.h"

namespace agritrace::chain {

enum class Reason {
  kOk = 0,
  // Record and block rejections.
  kMalformed,
  kWrongChain,
  kBadSignature,
  kUnknownSigner,
  kNotAuthorized,
  kReplay,
  kLotExists,
  kUnknownLot,
  kNotCustodian,
  kInsufficientQuantity,
  kMassBalance,
  kBadGs1Key,
  kRecalled,
  kTooLarge,
  kStaleTimestamp,
  kInTransit,           // the lot is shipped and not yet received
  kNotInTransit,        // receiving a lot that was not shipped
  kUnknownParticipant,  // a named receiver/carrier/participant is not registered
  kAlreadyRegistered,   // a public key or participant name is taken
  kRevoked,             // the signer, device or named party was revoked by an admin
  kUnknownRecord,       // a record id named by a correction is not on the chain
  kUnknownShipment,     // no such shipment of the lot on its way (or it is not the signer's)
  kOnPallet,            // the quantity is on a pallet: it moves only with the pallet
  kEventTime,           // event time in the future, or before the event it depends on
  // Origin backed by land.
  kUnknownPlot,         // the plot named is not registered (or a harvest names none where required)
  kPlotExists,          // a plot id is taken
  kPlotRetired,         // the plot was retired: no harvests or inputs on it
  kCropMismatch,        // the harvest's commodity is not the plot's crop
  kYieldExceeded,       // the season's harvests of the plot would pass area x max yield
  kPhiNotElapsed,       // a pre-harvest interval of an application on the plot has not passed
  kIngredientBanned,    // the active ingredient is banned for the plot's crop
  kClaimExceeded,       // a claim certificate's tonnage would be passed
  // Validator-set governance.
  kUnknownValidator,    // no validator of that name in the set in force
  kValidatorExists,     // a validator name or node key is already in the set
  kProposalPending,     // a proposal is open, or a decided change is not yet in force
  kUnknownProposal,     // no open validator-set proposal with that id
  kUnknownEvidence,     // no committed evidence with that id against that validator
  kMempoolFull,
  // Operational failures.
  kNotFound,
  kIoError,
  kBadPassword,
  kTimeout,
  kUnavailable,
  kInternal,
};

// The stable code, e.g. "NOT_CUSTODIAN".
std::string_view ReasonName(Reason reason);
// Inverse of ReasonName; kInternal for unknown names.
Reason ReasonFromName(std::string_view name);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Reason reason, std::string message) : reason_(reason), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return reason_ == Reason::kOk; }
  Reason reason() const { return reason_; }
  const std::string& message() const { return message_; }
  // "REASON: sentence", or "OK".
  std::string ToString() const;

 private:
  Reason reason_ = Reason::kOk;
  std::string message_;
};

inline Status Reject(Reason reason, std::string message) {
  return Status(reason, std::move(message));
}

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {}  // NOLINT: must not be ok

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(value_);
  }
  // The value; asking a failed Result for it is a broken invariant (AGRI_CHECK): test ok() first.
  T& value() & { return *Checked(std::get_if<T>(&value_)); }
  const T& value() const& { return *Checked(std::get_if<T>(&value_)); }
  T&& value() && { return std::move(*Checked(std::get_if<T>(&value_))); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  template <typename P>
  static P* Checked(P* value) {
    AGRI_CHECK_MSG(value != nullptr, "the value of a failed Result");
    return value;
  }

  std::variant<T, Status> value_;
};

}  // namespace agritrace::chain

// Propagate a failed Status from an expression returning Status.
#define AGRI_RETURN_IF_ERROR(expr)             \
  do {                                         \
    ::agritrace::chain::Status _st = (expr);   \
    if (!_st.ok()) return _st;                 \
  } while (0)
