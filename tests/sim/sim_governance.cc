// The simulator's governance scenario (issue 17): a sim admin proposes validator-set changes
// and the validators in force approve them, by real signed records submitted to the nodes like
// any client's, while the network loses, duplicates and partitions messages and nodes crash.
// The checker keeps the sets the committed headers define (schedule_) and verifies every
// certificate with the set of its height (World::CheckValidity).
#include "chain/base/hash.h"
#include "chain/model/record.h"
#include "tests/sim/sim_world.h"

namespace agritrace::sim {
namespace {

// How often the admin and the validators look at the chain and (re)send their records.
constexpr int64_t kGovernIntervalMs = 300;

struct PlannedChange {
  v1::ValidatorChangeKind kind;
  const char* name;
  int key_offset;  // the new key: DeterministicKey(validators + key_offset); -1: none
};
// Add the first extra node, remove v0, rotate v1's key to the second extra node.
constexpr PlannedChange kPlan[] = {
    {v1::VALIDATOR_CHANGE_ADD, nullptr, 0},
    {v1::VALIDATOR_CHANGE_REMOVE, "v0", -1},
    {v1::VALIDATOR_CHANGE_ROTATE, "v1", 1},
};
constexpr size_t kPlanSize = sizeof(kPlan) / sizeof(kPlan[0]);

}  // namespace

v1::Envelope World::SignRecord(const chain::PrivateKey& key, v1::RecordBody body) {
  const uint64_t nonce = ++governance_nonces_[key.public_key()];
  body.set_chain_id(kSimChainId);
  body.set_timestamp_ms(clock_.WallMs());
  body.set_nonce(nonce);
  v1::Envelope envelope;
  body.SerializeToString(envelope.mutable_body());
  const chain::Signature signature =
      key.SignWithAux(chain::RecordSigningHash(envelope.body()),
                      chain::Sha256("sim governance aux " + std::to_string(nonce)));
  envelope.set_signer(chain::AsBytes(key.public_key()));
  envelope.set_signature(chain::AsBytes(signature));
  submitted_.insert(
      chain::ComputeRecordId(envelope.body(), envelope.signer(), envelope.signature()));
  return envelope;
}

void World::SubmitToSomeNode(const v1::Envelope& envelope) {
  std::vector<int> up;
  for (const SimNode& node : nodes_) {
    if (node.honest() && node.up()) up.push_back(node.index);
  }
  if (up.empty()) return;
  SimNode& node = nodes_[up[rng_.Uniform(0, static_cast<int64_t>(up.size()) - 1)]];
  google::protobuf::RepeatedPtrField<v1::Envelope> envelopes;
  *envelopes.Add() = envelope;
  node.life->host.Submit(envelopes);
  AfterCall(node);
}

void World::Govern() {
  Push(Event{.at_ms = now_ms_ + kGovernIntervalMs, .kind = EventKind::kGovern});
  if (governance_step_ >= kPlanSize) return;
  // The most advanced honest node's committed governance.
  const SimNode* best = nullptr;
  for (const SimNode& node : nodes_) {
    if (node.honest() && (!best || node.store->Tip().height > best->store->Tip().height)) {
      best = &node;
    }
  }
  if (!best) return;
  const uint64_t tip = best->store->Tip().height;
  const v1::ValidatorGovernance governance = chain::GovernanceOf(*best->store, genesis_);
  if (proposal_) {
    const std::string id = chain::AsBytes(chain::ComputeRecordId(
        proposal_->body(), proposal_->signer(), proposal_->signature()));
    for (const v1::ValidatorProposalState& closed : governance.history()) {
      if (closed.proposal_id() != id) continue;
      Trace("governance-decided", 0,
            std::to_string(governance_step_) + " at " + std::to_string(closed.decided_height()));
      ++governance_step_;
      proposal_.reset();
      approvals_.clear();
      return;
    }
    if (governance.has_pending() && governance.pending().proposal_id() == id) {
      // Every validator in force at the next height approves (its record resent as it is).
      const chain::ValidatorSchedule schedule(genesis_, governance);
      for (const chain::PubKey& key : schedule.SetAt(tip + 1).validators) {
        const int index = IndexOf(key);
        if (index < 0) continue;
        auto it = approvals_.find(index);
        if (it == approvals_.end()) {
          v1::RecordBody body;
          body.mutable_approve_validator_change()->set_proposal_id(id);
          it = approvals_.emplace(index, SignRecord(nodes_[index].key, std::move(body))).first;
        }
        SubmitToSomeNode(it->second);
      }
      return;
    }
    SubmitToSomeNode(*proposal_);  // not committed yet: resend
    return;
  }
  // A new proposal only when none is open and the last decided change is in force.
  if (governance.has_pending()) return;
  if (governance.epochs_size() > 0 &&
      governance.epochs(governance.epochs_size() - 1).from_height() > tip + 1) {
    return;
  }
  const PlannedChange& change = kPlan[governance_step_];
  v1::RecordBody body;
  v1::ProposeValidatorChange* propose = body.mutable_propose_validator_change();
  propose->set_kind(change.kind);
  const int key_index = change.key_offset < 0 ? -1 : options_.validators + change.key_offset;
  propose->set_name(change.name ? change.name : "v" + std::to_string(key_index));
  if (key_index >= 0) {
    propose->set_pubkey(chain::AsBytes(DeterministicKey(key_index).public_key()));
  }
  if (change.kind == v1::VALIDATOR_CHANGE_ADD) {
    propose->set_address("v" + std::to_string(key_index) + ".sim:7000");
  }
  propose->set_reason("simulated governance step " + std::to_string(governance_step_));
  proposal_ = SignRecord(admin_, std::move(body));
  Trace("governance-propose", 0, std::to_string(governance_step_));
  SubmitToSomeNode(*proposal_);
}

void World::NoteValidatorChange(const v1::BlockHeader& header, uint64_t height) {
  if (!header.has_validator_change()) return;
  chain::Status added = schedule_->Add(header.validator_change(), height);
  if (!added.ok()) {
    Violation("governance: height " + std::to_string(height) +
              " carries a change the schedule refuses: " + added.ToString());
    return;
  }
  ++result_.validator_changes;
  Trace("validator-change", 0,
        std::to_string(height) + " from " +
            std::to_string(header.validator_change().effective_height()));
}

bool World::GovernanceDone() const {
  if (!options_.governance) return true;
  if (governance_step_ < kPlanSize) return false;
  const auto& epochs = schedule_->epochs();
  return MinHonestHeight() >= epochs.back().from_height();
}

void World::CheckGovernanceDone() {
  if (GovernanceDone()) return;
  Violation("governance: " + std::to_string(governance_step_) + " of " +
            std::to_string(kPlanSize) + " changes decided and in force on every honest node " +
            "(honest nodes at height " + std::to_string(MinHonestHeight()) + ")");
}

}  // namespace agritrace::sim
