// The ban policy: which rejections of what a peer sent prove the peer faulty. One place, used
// by the consensus driver, block sync and the replica's message intake, in the node and in
// the simulator alike.
//
// A peer is banned only for what no honest node ever sends or relays: honest nodes sign
// correctly, relay only proposals and votes their own engine accepted, gossip only records
// they admitted and serve only blocks they committed. A rejection that an honest peer can
// cause (a record overtaken by another, a block we cannot place yet) or that is our own
// failure (a disk error) bans nobody.
//
// Thread-safety: pure functions.
#pragma once

#include "chain/base/status.h"

namespace agritrace::node {

// What was rejected, as far as blame goes.
enum class PeerInput {
  // The message as such, before anything judges its content: an empty message, a record
  // batch over kMaxSubmitBatchRecords, a proposal or vote whose signer is not a genesis
  // validator. Every such rejection is a fault.
  kMessage,
  // A proposal or vote as the consensus engine judged it: MALFORMED, BAD_SIGNATURE,
  // WRONG_CHAIN and TOO_LARGE are faults. Others are not (a proposal of a validator that is
  // not the round's proposer is refused and logged, not banned).
  kConsensusMessage,
  // A gossiped record as admission judged it: the same four reasons. The rules' reasons are
  // not: an honest node may gossip a record that another overtook (REPLAY, LOT_EXISTS...).
  kRecord,
  // A certified block (a sync batch or a commit announcement) as BlockApplier judged it: every
  // reason but NOT_FOUND (we cannot place it yet) and our own failures (IO_ERROR and the other
  // operational reasons), since an honest peer serves only blocks it committed.
  kCertifiedBlock,
  // Gossiped equivocation evidence as chain::VerifyEvidence judged it: every reason is a
  // fault (the checks need no state, and honest nodes relay only evidence that verified).
  // Evidence already committed or out of the age window is dropped, never judged.
  kEvidence,
};

// Whether `reason` for rejecting `input` proves the sender faulty.
bool IsPeerFault(PeerInput input, chain::Reason reason);

// Whether `reason` is this node's own failure (storage, resources), never the peer's.
bool IsLocalFailure(chain::Reason reason);

}  // namespace agritrace::node
