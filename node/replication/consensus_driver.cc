#include "node/replication/consensus_driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "chain/base/check.h"
#include "chain/base/limits.h"
#include "chain/consensus/evidence.h"
#include "node/replication/peer_fault.h"

namespace agritrace::node {

using chain::Status;

namespace {

std::string ShortHash(const std::string& bytes) {
  return bytes.empty() ? "nil" : chain::ToHex(bytes).substr(0, 16);
}

}  // namespace

ConsensusDriver::ConsensusDriver(const chain::Genesis* genesis,
                                 std::optional<chain::PrivateKey> key, ReplicaHost* host,
                                 chain::BlockStore* store, chain::SafetyStore* safety,
                                 SigningGuard guard, BlockApplier* applier,
                                 Transport* transport, const Clock* clock,
                                 chain::ConsensusTimeouts timeouts)
    : genesis_(genesis),
      key_(std::move(key)),
      host_(host),
      store_(store),
      safety_(safety),
      guard_(guard),
      applier_(applier),
      transport_(transport),
      clock_(clock),
      timeouts_(timeouts),
      block_delay_ms_(genesis->block_delay_ms) {}

ConsensusDriver::~ConsensusDriver() = default;

void ConsensusDriver::Start() {
  RestoreEvidence();
  // Any node with a key may come to sign: the engine signs at a height only when that
  // height's set holds the key (an observer added by governance starts at its effective height).
  if (!key_) {
    BuildEngine(false);
    return;
  }
  AGRI_CHECK(safety_ != nullptr);
  if (std::optional<std::string> bytes = safety_->Get(std::string(chain::kConsensusSafetyKey))) {
    v1::ConsensusSafetyState saved;
    if (saved.ParseFromString(*bytes)) signed_height_ = saved.height();
  }
  const uint64_t tip = store_->Tip().height;
  following_ = guard_.follow_until_caught_up || (signed_height_ && *signed_height_ > tip + 1);
  if (!following_) {
    if (DoubleSignCheck()) BuildEngine(true);
    return;
  }
  if (signed_height_ && *signed_height_ > tip + 1) {
    spdlog::warn("the signing state is at height {} but the chain here only at {} (a restored "
                 "or new data directory): following without signing until the chain has "
                 "reached height {} and caught up with the network",
                 *signed_height_, tip, *signed_height_ - 1);
  } else {
    spdlog::info("a new signing state: following without signing until caught up with the "
                 "network (tip {})", tip);
  }
  BuildEngine(false);
  MaybeStartSigning();  // a lone validator has nobody to wait for
}

void ConsensusDriver::BuildEngine(bool signing) {
  chain::ConsensusConfig config{genesis_->chain_id, timeouts_};
  // A new engine: the old one's timers mean nothing to it.
  timers_ = {};
  engine_ = std::make_unique<chain::ConsensusEngine>(
      config, signing ? key_ : std::nullopt, store_->Tip().height, this, safety_);
  Execute(engine_->Start(clock_->WallMs()));
}

// Called between engine calls only (never while carrying out an engine's actions).
void ConsensusDriver::MaybeStartSigning() {
  if (!following_ || halted_) return;
  const uint64_t tip = store_->Tip().height;
  if (signed_height_ && tip + 1 < *signed_height_) return;
  // A lone validator has nobody to catch up with.
  if (genesis_->validators.size() > 1 && caught_up_ && !caught_up_()) return;
  following_ = false;
  if (!DoubleSignCheck()) return;
  spdlog::info("caught up at height {}: this validator signs again from height {}", tip,
               tip + 1);
  BuildEngine(true);
}

// CometBFT's double_sign_check_height. Our own precommits can only be on chain at heights up
// to the one our signing state was deciding (we persist before we send); one above it was
// signed by somebody else holding this key.
bool ConsensusDriver::DoubleSignCheck() {
  const uint64_t blocks = guard_.double_sign_check_blocks;
  const uint64_t tip = store_->Tip().height;
  if (blocks == 0 || tip == 0) return true;
  const uint64_t lowest = std::max<uint64_t>(tip > blocks ? tip - blocks + 1 : 1,
                                             signed_height_.value_or(0) + 1);
  const std::string me = chain::AsBytes(key_->public_key());
  for (uint64_t height = tip; height >= lowest && height > 0; --height) {
    auto head = store_->GetBlockHead(height);
    if (!head.ok()) {
      spdlog::error("double-sign check: {}", head.status().ToString());
      continue;
    }
    for (const v1::CommitSig& sig : head->certificate().signatures()) {
      if (sig.validator() != me) continue;
      const Status why = chain::Reject(
          chain::Reason::kNotAuthorized,
          "double-sign check: block " + std::to_string(height) +
              " carries a precommit signed by this node's key " +
              chain::ToHex(key_->public_key()) + ", above the height its signing state last "
              "signed (" + std::to_string(signed_height_.value_or(0)) +
              "): another node is running with this key, or the signing-state file is an old "
              "copy. Stop every other node holding this key, and start this one only with the "
              "signing-state file of the server the key last ran on (docs/deployment.md)");
      spdlog::critical("{}", why.ToString());
      halted_ = true;
      host_->Fatal(why);
      return false;
    }
  }
  return true;
}

void ConsensusDriver::OnProposal(const chain::PubKey& from, const SharedMessage& message) {
  if (halted_) return;
  const uint64_t height = engine_->height();
  Execute(engine_->OnProposal(message->proposal(), clock_->WallMs()),
          FromPeer{&from, &message, height});
}

void ConsensusDriver::OnVote(const chain::PubKey& from, const SharedMessage& message) {
  if (halted_) return;
  const uint64_t height = engine_->height();
  Execute(engine_->OnVote(message->vote(), clock_->WallMs()), FromPeer{&from, &message, height});
}

void ConsensusDriver::OnRecordsAvailable(int64_t at_steady_ms) {
  if (!records_ready_at_ms_) records_ready_at_ms_ = at_steady_ms + block_delay_ms_;
}

void ConsensusDriver::OnSyncedCommit(uint64_t height, const chain::Hash256& hash) {
  if (halted_) return;
  Execute(engine_->OnSyncedCommit(height, hash, clock_->WallMs()));
  MaybeStartSigning();
}

void ConsensusDriver::Tick() {
  MaybeStartSigning();
  const int64_t now = clock_->SteadyMs();
  while (!halted_ && !timers_.empty() && timers_.top().at_ms <= now) {
    chain::ScheduleTimeout timeout = timers_.top().timeout;
    timers_.pop();
    Execute(engine_->OnTimeout(timeout, clock_->WallMs()));
  }
  if (halted_ || !records_ready_at_ms_ || *records_ready_at_ms_ > now) return;
  records_ready_at_ms_.reset();
  if (HasPendingRecords()) Execute(engine_->OnRecordsAvailable(clock_->WallMs()));
}

int64_t ConsensusDriver::NextDeadlineMs() const {
  int64_t next = std::numeric_limits<int64_t>::max();
  if (!timers_.empty()) next = timers_.top().at_ms;
  if (records_ready_at_ms_) next = std::min(next, *records_ready_at_ms_);
  return next;
}

bool ConsensusDriver::FirstRelay(const std::string& signature) {
  if (!relayed_.insert(signature).second) return false;
  relayed_order_.push_back(signature);
  while (relayed_order_.size() > kMaxRelayedMessages) {
    relayed_.erase(relayed_order_.front());
    relayed_order_.pop_front();
  }
  return true;
}

// The engine accepts (status ok) messages of past heights, which it only answers with
// PeerBehind, and of future heights, which it buffers or counts towards a sync target.
// Relaying those helps nobody: a node at a past height catches up by sync, and one at a
// later height has the messages of its own height from their signers. And every precommit of
// a past height can be rebuilt from a block certificate, so relaying them would let any peer
// make us forward millions of valid messages. Only the height being decided is relayed.
bool ConsensusDriver::Relayable(const v1::PeerMessage& message, uint64_t height) {
  const uint64_t message_height =
      message.has_proposal() ? message.proposal().height() : message.vote().height();
  return message_height == height;
}

// Tells a validator that is behind our tip, at most every kTipAnswerIntervalMs; its block
// sync then asks us for the blocks it lacks.
void ConsensusDriver::AnswerPeerBehind(const chain::PeerBehind& behind) {
  const int64_t now = clock_->SteadyMs();
  auto [it, first] = tip_answered_at_ms_.emplace(behind.validator, now);
  if (!first) {
    if (now - it->second < kTipAnswerIntervalMs) return;
    it->second = now;
  }
  const chain::ChainTip tip = store_->Tip();
  v1::PeerMessage message;
  message.mutable_tip()->set_height(tip.height);
  message.mutable_tip()->set_tip_hash(chain::AsBytes(tip.hash));
  transport_->SendTo(behind.validator, Share(std::move(message)));
}

// A rejected peer message bans its sender only for a fault no honest node commits. A failure
// of our own is the safety state not made durable: the engine signed nothing in that step, but
// it has left the step, so this validator would stay silent for the rest of the round (which
// can stall it when its vote is needed for a quorum), and a store whose sync failed cannot be
// trusted with the next write either. The node stops; it restarts from its last durable state
// and signs again from there.
bool ConsensusDriver::Judge(const Status& status, std::optional<FromPeer> peer) {
  if (status.ok()) {
    if (!peer) return true;
    const v1::PeerMessage& message = **peer->message;
    const std::string& signature =
        message.has_proposal() ? message.proposal().signature() : message.vote().signature();
    if (Relayable(message, peer->height) && FirstRelay(signature)) {
      transport_->Broadcast(*peer->message, peer->from);  // gossip, once
    }
  } else if (IsLocalFailure(status.reason())) {
    spdlog::critical("consensus: {}", status.ToString());
    halted_ = true;
    host_->Fatal(status);
    return false;
  } else if (!peer) {
    spdlog::error("consensus: {}", status.ToString());
  } else if (IsPeerFault(PeerInput::kConsensusMessage, status.reason())) {
    transport_->Ban(*peer->from, status);
  } else {
    transport_->Refused(*peer->from, status);
  }
  return true;
}

// `peer`: for a message from a peer, who sent it and the message (relayed if accepted).
void ConsensusDriver::Execute(chain::ConsensusOutput output, std::optional<FromPeer> peer) {
  if (!Judge(output.status, peer)) return;
  for (auto& action : output.actions) {
    if (!Carry(action)) return;
  }
}

void ConsensusDriver::SendSigned(v1::PeerMessage message) {
  const std::string& signature =
      message.has_proposal() ? message.proposal().signature() : message.vote().signature();
  FirstRelay(signature);
  transport_->Broadcast(Share(std::move(message)));
}

bool ConsensusDriver::Carry(chain::ConsensusAction& action) {
  if (auto* a = std::get_if<chain::BroadcastProposal>(&action)) {
    spdlog::info("signed proposal h={} r={} block={}", a->proposal.height(), a->proposal.round(),
                 ShortHash(chain::AsBytes(chain::BlockHash(a->proposal.block().header()))));
    v1::PeerMessage message;
    *message.mutable_proposal() = std::move(a->proposal);
    SendSigned(std::move(message));
  } else if (auto* a = std::get_if<chain::BroadcastVote>(&action)) {
    spdlog::info("signed vote h={} r={} type={} block={}", a->vote.height(), a->vote.round(),
                 v1::VoteType_Name(a->vote.type()), ShortHash(a->vote.block_hash()));
    v1::PeerMessage message;
    *message.mutable_vote() = std::move(a->vote);
    SendSigned(std::move(message));
  } else if (auto* a = std::get_if<chain::ScheduleTimeout>(&action)) {
    Schedule(*a);
  } else if (auto* a = std::get_if<chain::CommitBlock>(&action)) {
    return DoCommit(*a);
  } else if (auto* a = std::get_if<chain::PeerBehind>(&action)) {
    AnswerPeerBehind(*a);
  } else if (auto* a = std::get_if<chain::SyncNeeded>(&action)) {
    if (request_sync_) request_sync_(a->height);
  } else if (auto* a = std::get_if<chain::Misbehaviour>(&action)) {
    OnMisbehaviour(*a);
  }
  return true;
}

void ConsensusDriver::OnMisbehaviour(const chain::Misbehaviour& misbehaviour) {
  // The engine verified both messages; verifying again costs two signatures per offence and
  // keeps what enters the pool to one rule.
  auto offence = chain::VerifyEvidenceAt(misbehaviour.evidence, genesis_->chain_id,
                                         [this](uint64_t h) { return ValidatorsAt(h); });
  if (!offence.ok()) {
    spdlog::error("evidence the engine found does not verify: {}", offence.status().ToString());
    return;
  }
  spdlog::warn("evidence: validator {} committed a {} at h={} r={}",
               chain::ToHex(offence->validator).substr(0, 16),
               chain::OffenceKindName(offence->kind), offence->height, offence->round);
  if (!Offer(*offence, misbehaviour.evidence)) return;
  v1::PeerMessage message;
  *message.mutable_evidence() = misbehaviour.evidence;
  transport_->Broadcast(Share(std::move(message)));
}

void ConsensusDriver::OnEvidence(const chain::PubKey& from, const SharedMessage& message) {
  if (halted_) return;
  // Every peer relays an offence once, and a peer may resend it: an offence already pending or
  // committed costs no signature verification (its shape is all it takes to name it).
  auto shape = chain::CheckEvidenceShape(message->evidence());
  if (shape.ok() && (evidence_.Contains(*shape) || store_->EvidenceHeight(*shape))) return;
  // Offences of heights whose set is not known yet are dropped (not the sender's fault: it is
  // ahead of us); they cannot commit before we get there, and it gossips them again.
  if (shape.ok() && !applier_->ValidatorsAt(shape->height)) return;
  auto offence = chain::VerifyEvidenceAt(message->evidence(), genesis_->chain_id,
                                         [this](uint64_t h) { return ValidatorsAt(h); });
  if (!offence.ok()) {
    const Status why(offence.status().reason(), "evidence from " + transport_->PeerName(from) +
                                                    ": " + offence.status().message());
    if (IsPeerFault(PeerInput::kEvidence, why.reason())) {
      transport_->Ban(from, why);
    } else {
      transport_->Refused(from, why);
    }
    return;
  }
  if (Offer(*offence, message->evidence())) transport_->Broadcast(message, &from);  // once
}

bool ConsensusDriver::Offer(const chain::Offence& offence, const v1::Evidence& evidence) {
  // Committed already, or not (or no longer) committable in the next block: nothing to do.
  // Not the sender's fault: a peer ahead of or behind us judges against another tip.
  if (!applier_->EvidenceCommittable(store_->Tip().height + 1, offence).ok()) return false;
  if (evidence_.Add(offence, evidence) != EvidencePool::AddResult::kAdded) return false;
  PersistEvidence();
  UpdateEvidenceGauge();
  // Pending evidence is work to commit: start a height waiting for records.
  OnRecordsAvailable(clock_->SteadyMs());
  return true;
}

void ConsensusDriver::OnCommitted(const CommittedBlock& block) {
  size_t removed = 0;
  for (const chain::Offence& offence : block.evidence) removed += evidence_.Remove(offence);
  if (block.height + 1 > chain::kMaxEvidenceAgeHeights) {
    removed += evidence_.DropBelow(block.height + 1 - chain::kMaxEvidenceAgeHeights);
  }
  if (removed > 0) PersistEvidence();
  if (metrics_) metrics_->OnEvidenceCommitted(block.evidence.size());
  UpdateEvidenceGauge();
}

// Pending evidence survives a restart (kPendingEvidenceKey): a validator that found an offence
// and crashed before a block committed it still proposes it. Losing the copy costs no safety
// (another node may hold the same offence), so a failed write is logged, not fatal.
void ConsensusDriver::PersistEvidence() {
  Status written = store_->PutNodeState(std::string(kPendingEvidenceKey), evidence_.Serialize());
  if (!written.ok()) spdlog::warn("cannot save pending evidence: {}", written.ToString());
}

// What was saved is verified again (the store is ours, but the validator set is the rule) and
// pooled if still committable; it is not gossiped again here (no peer is connected yet).
void ConsensusDriver::RestoreEvidence() {
  auto saved = store_->GetNodeState(std::string(kPendingEvidenceKey));
  if (!saved) return;
  const std::vector<v1::Evidence> held = EvidencePool::Parse(*saved);
  const uint64_t next_height = store_->Tip().height + 1;
  for (const v1::Evidence& evidence : held) {
    auto offence = chain::VerifyEvidenceAt(evidence, genesis_->chain_id,
                                           [this](uint64_t h) { return ValidatorsAt(h); });
    if (!offence.ok() || !applier_->EvidenceCommittable(next_height, *offence).ok()) continue;
    evidence_.Add(*offence, evidence);
  }
  if (evidence_.size() != held.size()) PersistEvidence();
  if (!evidence_.empty()) {
    spdlog::info("restored {} pending evidence", evidence_.size());
    OnRecordsAvailable(clock_->SteadyMs());
  }
  UpdateEvidenceGauge();
}

void ConsensusDriver::UpdateEvidenceGauge() {
  if (metrics_) metrics_->SetEvidencePending(evidence_.size());
}

bool ConsensusDriver::DoCommit(chain::CommitBlock& commit) {
  auto committed = applier_->CommitCertified(commit.block);
  if (!committed.ok()) {
    // Only a bug or a disk failure gets here: the engine decided a block that ValidateBlock
    // accepted. Stopping is safer than running on with state that disagrees with consensus.
    spdlog::critical("cannot commit decided block {}: {}", chain::ToHex(commit.hash),
                     committed.status().ToString());
    halted_ = true;
    host_->Fatal(committed.status());
    return false;
  }
  v1::PeerMessage message;
  *message.mutable_commit() = std::move(commit.block);
  transport_->Broadcast(Share(std::move(message)));
  return true;
}

void ConsensusDriver::Schedule(const chain::ScheduleTimeout& timeout) {
  const int64_t delay_ms = std::max<int64_t>(0, timeout.at_ms - clock_->WallMs());
  timers_.push(Timer{clock_->SteadyMs() + delay_ms, timeout});
}

v1::Block ConsensusDriver::ProposeBlock(uint64_t height, int64_t now_ms,
                                        const chain::PubKey& proposer) {
  const size_t max_records = std::min<size_t>(genesis_->max_block_records, chain::kMaxBlockRecords);
  return applier_->Build(height, now_ms, proposer,
                         host_->PendingRecords(max_records, chain::kMaxBlockBytes / 2),
                         evidence_.Take(chain::kMaxBlockEvidence));
}

Status ConsensusDriver::ValidateBlock(uint64_t height, const v1::Block& block) {
  return applier_->Validate(height, block, clock_->WallMs());
}

chain::ValidatorSet ConsensusDriver::ValidatorsAt(uint64_t height) {
  auto known = applier_->Validators();
  // Beyond the known heights the latest known set is the best guess; the engine never asks
  // that far (a message of a later height only counts towards a sync target).
  return known->schedule.SetAt(std::min(height, known->known_until));
}

bool ConsensusDriver::HasPendingRecords() {
  return host_->mempool_size() > 0 || !evidence_.empty();
}

}  // namespace agritrace::node
