// The ban policy, reason by reason: what proves a peer faulty for each kind of input.
#include "node/replication/peer_fault.h"

#include <gtest/gtest.h>

#include <set>

namespace agritrace::node {
namespace {

using chain::Reason;

std::vector<Reason> AllReasons() {
  std::vector<Reason> all;
  for (int r = static_cast<int>(Reason::kOk); r <= static_cast<int>(Reason::kInternal); ++r) {
    all.push_back(static_cast<Reason>(r));
  }
  return all;
}

const std::set<Reason> kGarbage = {Reason::kMalformed, Reason::kBadSignature, Reason::kWrongChain,
                                   Reason::kTooLarge};
const std::set<Reason> kOurs = {Reason::kIoError, Reason::kInternal,    Reason::kUnavailable,
                                Reason::kTimeout, Reason::kBadPassword, Reason::kMempoolFull};

TEST(PeerFaultTest, ConsensusMessagesAndRecordsBanOnlyForGarbage) {
  for (Reason reason : AllReasons()) {
    const bool garbage = kGarbage.count(reason) > 0;
    EXPECT_EQ(IsPeerFault(PeerInput::kConsensusMessage, reason), garbage)
        << chain::ReasonName(reason);
    EXPECT_EQ(IsPeerFault(PeerInput::kRecord, reason), garbage) << chain::ReasonName(reason);
  }
  // Named because the simulator's old copy banned for it: the node never did.
  EXPECT_FALSE(IsPeerFault(PeerInput::kConsensusMessage, Reason::kNotAuthorized));
}

TEST(PeerFaultTest, CertifiedBlocksBanForAnyFaultButPlacementAndOurOwnFailures) {
  for (Reason reason : AllReasons()) {
    const bool fault = reason != Reason::kOk && reason != Reason::kNotFound && !kOurs.count(reason);
    EXPECT_EQ(IsPeerFault(PeerInput::kCertifiedBlock, reason), fault) << chain::ReasonName(reason);
  }
  EXPECT_TRUE(IsPeerFault(PeerInput::kCertifiedBlock, Reason::kNotAuthorized));  // weak or fork
  EXPECT_TRUE(IsPeerFault(PeerInput::kCertifiedBlock, Reason::kNotCustodian));   // bad records
  EXPECT_FALSE(IsPeerFault(PeerInput::kCertifiedBlock, Reason::kIoError));       // our disk
}

TEST(PeerFaultTest, AMessageRefusedAsSuchAlwaysBans) {
  for (Reason reason : AllReasons()) {
    EXPECT_EQ(IsPeerFault(PeerInput::kMessage, reason),
              reason != Reason::kOk && !kOurs.count(reason))
        << chain::ReasonName(reason);
  }
}

// Every reason chain::VerifyEvidence gives is stateless: evidence that fails it was forged or
// mangled by whoever sent it (honest nodes relay only evidence that verified).
TEST(PeerFaultTest, EvidenceThatDoesNotVerifyAlwaysBans) {
  for (Reason reason : AllReasons()) {
    EXPECT_EQ(IsPeerFault(PeerInput::kEvidence, reason),
              reason != Reason::kOk && !kOurs.count(reason))
        << chain::ReasonName(reason);
  }
  EXPECT_TRUE(IsPeerFault(PeerInput::kEvidence, Reason::kNotAuthorized));  // not a validator
  EXPECT_TRUE(IsPeerFault(PeerInput::kEvidence, Reason::kBadSignature));
}

TEST(PeerFaultTest, LocalFailuresAreTheOperationalReasons) {
  for (Reason reason : AllReasons()) {
    EXPECT_EQ(IsLocalFailure(reason), kOurs.count(reason) > 0) << chain::ReasonName(reason);
  }
}

}  // namespace
}  // namespace agritrace::node
