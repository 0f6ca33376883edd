#include "node/replication/peer_fault.h"

namespace agritrace::node {

using chain::Reason;

namespace {

// Garbage, forgery or another chain's data: no honest node signs, relays or serves it.
bool IsGarbage(Reason reason) {
  return reason == Reason::kMalformed || reason == Reason::kBadSignature ||
         reason == Reason::kWrongChain || reason == Reason::kTooLarge;
}

}  // namespace

bool IsLocalFailure(Reason reason) {
  switch (reason) {
    case Reason::kIoError:
    case Reason::kInternal:
    case Reason::kUnavailable:
    case Reason::kTimeout:
    case Reason::kBadPassword:
    case Reason::kMempoolFull:
      return true;
    default:
      return false;
  }
}

bool IsPeerFault(PeerInput input, Reason reason) {
  if (reason == Reason::kOk) return false;
  switch (input) {
    case PeerInput::kMessage:
    case PeerInput::kEvidence:
      return !IsLocalFailure(reason);
    case PeerInput::kConsensusMessage:
    case PeerInput::kRecord:
      return IsGarbage(reason);
    case PeerInput::kCertifiedBlock:
      return reason != Reason::kNotFound && !IsLocalFailure(reason);
  }
  return false;
}

}  // namespace agritrace::node
