#include "node/replication/replica.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "chain/base/limits.h"
#include "node/replication/peer_fault.h"

namespace agritrace::node {

using chain::Reason;
using chain::Status;

Replica::Replica(ReplicaParts parts)
    : host_(parts.host),
      transport_(parts.transport),
      applier_(parts.genesis, parts.store, parts.verified, parts.clock),
      sync_(parts.store, &applier_, parts.transport, parts.clock, parts.background),
      driver_(parts.genesis, std::move(parts.key), parts.host, parts.store, parts.safety,
              parts.guard, &applier_, parts.transport, parts.clock, parts.timeouts) {
  sync_.SetMetrics(parts.metrics);
  driver_.SetMetrics(parts.metrics);
  applier_.SetCommitListener([this](const CommittedBlock& block) { AfterCommit(block); });
  sync_.SetSyncedListener([this](uint64_t height, const chain::Hash256& hash) {
    driver_.OnSyncedCommit(height, hash);
  });
  sync_.SetFatalHandler([this](const Status& why) { host_->Fatal(why); });
  driver_.SetSyncRequester([this](uint64_t height) { sync_.Want(height); });
  driver_.SetCaughtUpProbe([this] { return sync_.CaughtUp(); });
}

void Replica::Start() {
  driver_.Start();
  sync_.Start();
}

void Replica::AfterCommit(const CommittedBlock& block) {
  driver_.OnCommitted(block);
  host_->AfterCommit(block);
  if (commit_observer_) commit_observer_(block);
  spdlog::info("committed block {} with {} records hash {}", block.height, block.record_ids.size(),
               chain::ToHex(block.hash).substr(0, 16));
}

void Replica::OnMessage(const chain::PubKey& from, const SharedMessage& message) {
  if (halted()) return;
  switch (message->kind_case()) {
    case v1::PeerMessage::kProposal:
      driver_.OnProposal(from, message);
      return;
    case v1::PeerMessage::kVote:
      driver_.OnVote(from, message);
      return;
    case v1::PeerMessage::kEvidence:
      driver_.OnEvidence(from, message);
      return;
    case v1::PeerMessage::kCommit:
      sync_.OnCommitAnnounce(from, message->commit());
      return;
    case v1::PeerMessage::kTip:
      sync_.OnPeerTip(from, message->tip());
      return;
    case v1::PeerMessage::kSyncResponse:
      sync_.OnSyncResponse(from, message->sync_response());
      return;
    default:
      return;  // Receive() handled it
  }
}

void Replica::OnRecordsAvailable(int64_t at_steady_ms) {
  if (!halted()) driver_.OnRecordsAvailable(at_steady_ms);
}

void Replica::Tick() {
  if (!halted()) driver_.Tick();
  if (!halted()) sync_.Tick();
}

int64_t Replica::NextDeadlineMs() const {
  return std::min(driver_.NextDeadlineMs(), sync_.NextDeadlineMs());
}

chain::Result<bool> Replica::Receive(const chain::PubKey& from, const v1::PeerMessage& message) {
  switch (message.kind_case()) {
    case v1::PeerMessage::kRecord:
      AGRI_RETURN_IF_ERROR(ReceiveRecords(from, google::protobuf::RepeatedPtrField<v1::Envelope>(
                                                    &message.record(), &message.record() + 1)));
      return false;
    case v1::PeerMessage::kRecords:
      AGRI_RETURN_IF_ERROR(ReceiveRecords(from, message.records().envelopes()));
      return false;
    case v1::PeerMessage::kSyncRequest:
      sync_.ServeRequest(from, message.sync_request());
      return false;
    case v1::PeerMessage::kProposal:
      AGRI_RETURN_IF_ERROR(CheckSigner(from, message.proposal().proposer(),
                                       message.proposal().height(), "proposal"));
      return true;
    case v1::PeerMessage::kVote:
      AGRI_RETURN_IF_ERROR(CheckSigner(from, message.vote().validator(), message.vote().height(),
                                       "vote"));
      return true;
    case v1::PeerMessage::kCommit:
    case v1::PeerMessage::kTip:
    case v1::PeerMessage::kSyncResponse:
    case v1::PeerMessage::kEvidence:  // verified by the driver, on the replica's thread
      return true;
    default:
      return chain::Reject(Reason::kMalformed,
                           "peer " + transport_->PeerName(from) + " sent an empty message");
  }
}

// A peer that sends a record no honest node would have admitted (garbage, a bad signature,
// another chain's) is at fault; one that is merely stale or already known is not.
Status Replica::ReceiveRecords(const chain::PubKey& from,
                               const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) {
  const std::string name = transport_->PeerName(from);
  if (static_cast<size_t>(envelopes.size()) > chain::kMaxSubmitBatchRecords) {
    return chain::Reject(Reason::kTooLarge, "record batch from " + name + " holds " +
                                                std::to_string(envelopes.size()) + " records");
  }
  for (const Status& result : host_->AdmitPeerRecords(envelopes)) {
    if (!IsPeerFault(PeerInput::kRecord, result.reason())) continue;
    return chain::Reject(result.reason(), "record from " + name + ": " + result.message());
  }
  return Status::Ok();
}

// Only the validators of a height sign its proposals and votes, and honest nodes relay only
// what their engine accepted: a message naming anyone else is forged by the sender
// (PeerInput::kMessage). The set of the message's height decides (issue 17); a height whose
// set we do not know yet (we are behind) is left to the engine, which does not ban for it.
// Checked before the replica's thread; signatures are the engine's job.
Status Replica::CheckSigner(const chain::PubKey& from, const std::string& signer,
                            uint64_t height, const char* what) const {
  auto key = chain::ArrayFromBytes<32>(signer);
  if (!key) return chain::Reject(Reason::kMalformed, std::string(what) + " signer is not a key");
  const auto known = applier_.Validators();  // no copy of the set per message
  if (height <= known->known_until && !known->schedule.SetAt(height).Contains(*key)) {
    return chain::Reject(Reason::kNotAuthorized,
                         std::string(what) + " from " + transport_->PeerName(from) +
                             " is signed by " + chain::ToHex(*key).substr(0, 16) +
                             ", not a validator at height " + std::to_string(height));
  }
  return Status::Ok();
}

void Replica::OnPeerConnected(const chain::PubKey& peer) { sync_.SendTipTo(peer); }

void Replica::Gossip(const std::vector<const v1::Envelope*>& envelopes) {
  for (size_t start = 0; start < envelopes.size(); start += chain::kMaxSubmitBatchRecords) {
    const size_t end = std::min(envelopes.size(), start + chain::kMaxSubmitBatchRecords);
    v1::PeerMessage message;
    for (size_t i = start; i < end; ++i)
      *message.mutable_records()->add_envelopes() = *envelopes[i];
    transport_->Broadcast(Share(std::move(message)));
  }
}

}  // namespace agritrace::node
