// How the simulator drives each engine (the same duties node/ has: see the driver contract in
// chain/consensus.h), the network, Byzantine behaviour, and the agreement/validity checks.
#include <algorithm>

#include "chain/consensus/messages.h"
#include "tests/sim/sim_world.h"

namespace agritrace::sim {
namespace {

// A sync response carries at most this many blocks (a real node pages its answers too).
constexpr uint64_t kMaxSyncBlocks = 16;
// A node answers PeerBehind hints at most this often, as a real node rate-limits sync.
constexpr int64_t kSyncAnswerIntervalMs = 100;
// The honest peer policy (node/peer_limits.h in spirit, scaled to the simulated traffic):
// messages per second per sender with a burst allowance, and how long a ban lasts.
constexpr double kSimPeerMessagesPerSecond = 200;
constexpr double kSimPeerBurstMessages = 400;
constexpr int64_t kSimBanMs = 10'000;
// A flooder sends each message this many times to every node: twice the burst, so that even
// with 30% loss and copies spread over the delivery delay the first flood exceeds the limit.
constexpr int kFloodCopies = 2 * static_cast<int>(kSimPeerBurstMessages);

// The reasons for which node/ bans the sender of a proposal or vote: no honest node signs or
// relays such a message.
bool IsPeerFault(chain::Reason reason) {
  return reason == chain::Reason::kMalformed || reason == chain::Reason::kBadSignature ||
         reason == chain::Reason::kWrongChain || reason == chain::Reason::kTooLarge ||
         reason == chain::Reason::kNotAuthorized;
}

bool IsHostileMode(ByzantineMode mode) {
  return mode == ByzantineMode::kForger || mode == ByzantineMode::kBadCertificate ||
         mode == ByzantineMode::kFlooder;
}
// After faults stop the network is clean but not instantaneous.
constexpr int64_t kCalmDelayMaxMs = 30;

std::string Short(const Hash256& hash) { return chain::ToHex(hash).substr(0, 12); }

template <typename M>
std::string Describe(const M& m) {
  return std::to_string(m.height()) + "/" + std::to_string(m.round());
}

}  // namespace

void World::Drive(SimNode& node, chain::ConsensusOutput output) {
  if (!output.status.ok()) Trace("engine-error", node.index, output.status.ToString());
  for (chain::ConsensusAction& action : output.actions) {
    if (auto* p = std::get_if<chain::BroadcastProposal>(&action)) {
      if (node.honest()) Broadcast(node.index, p->proposal);
      else ByzantineBroadcast(node, p->proposal);
    } else if (auto* v = std::get_if<chain::BroadcastVote>(&action)) {
      if (node.honest()) Broadcast(node.index, v->vote);
      else ByzantineBroadcast(node, v->vote);
    } else if (auto* t = std::get_if<chain::ScheduleTimeout>(&action)) {
      Push(Event{.at_ms = std::max(t->at_ms, now_ms_), .kind = EventKind::kTimer,
                 .node = node.index, .timer = *t, .epoch = node.epoch});
    } else if (auto* c = std::get_if<chain::CommitBlock>(&action)) {
      OnCommit(node, *c);
    } else if (auto* behind = std::get_if<chain::PeerBehind>(&action)) {
      if (now_ms_ - node.last_sync_sent_ms < kSyncAnswerIntervalMs) continue;
      auto it = std::find(config_.validators.validators.begin(),
                          config_.validators.validators.end(), behind->validator);
      int peer = static_cast<int>(it - config_.validators.validators.begin());
      SyncResponse response;
      for (uint64_t h = behind->height;
           h <= node.app.committed_height() && response.blocks.size() < kMaxSyncBlocks; ++h) {
        response.blocks.push_back(node.app.blocks[h - 1]);
      }
      if (!response.blocks.empty()) {
        node.last_sync_sent_ms = now_ms_;
        Send(node.index, peer, response);
      }
    } else if (std::get_if<chain::SyncNeeded>(&action)) {
      Broadcast(node.index, SyncRequest{node.app.committed_height() + 1});
    } else if (auto* m = std::get_if<chain::Misbehaviour>(&action)) {
      PubKey offender = *chain::ArrayFromBytes<32>(m->second.validator());
      Trace("evidence", node.index, Short(offender));
      // An honest validator equivocating means its safety state failed across a crash.
      auto it = std::find(config_.validators.validators.begin(),
                          config_.validators.validators.end(), offender);
      int index = static_cast<int>(it - config_.validators.validators.begin());
      if (nodes_[index].honest()) {
        Violation("safety: honest validator " + std::to_string(index) +
                  " signed two different votes for height " +
                  std::to_string(m->second.height()) + " round " +
                  std::to_string(m->second.round()));
      }
    }
  }
}

void World::Deliver(SimNode& node, int from, const SimMessage& message) {
  if (!Admit(node, from)) return;
  chain::ConsensusOutput out;
  if (const auto* p = std::get_if<v1::Proposal>(&message)) {
    Trace("proposal", node.index,
          std::to_string(from) + " " + Describe(*p) + " pol " + std::to_string(p->pol_round()) + " " +
              chain::ToHex(chain::BlockHash(p->block().header())).substr(0, 8));
    out = node.engine->OnProposal(*p, now_ms_);
  } else if (const auto* v = std::get_if<v1::Vote>(&message)) {
    Trace("vote", node.index,
          std::to_string(from) + " " + Describe(*v) + (v->type() == v1::VOTE_TYPE_PREVOTE ? " pv " : " pc ") +
              (v->block_hash().empty() ? "nil" : chain::ToHex(v->block_hash()).substr(0, 8)));
    out = node.engine->OnVote(*v, now_ms_);
  } else if (const auto* request = std::get_if<SyncRequest>(&message)) {
    SyncResponse response;
    for (uint64_t h = request->from_height;
         h <= node.app.committed_height() && response.blocks.size() < kMaxSyncBlocks; ++h) {
      response.blocks.push_back(node.app.blocks[h - 1]);
    }
    if (!response.blocks.empty()) Send(node.index, from, response);
    return;
  } else {
    ApplySynced(node, from, std::get<SyncResponse>(message));
    return;
  }
  if (!out.status.ok() && node.honest() && IsPeerFault(out.status.reason())) {
    Ban(node, from, out.status.ToString());
  }
  // Honest validators only sign well-formed messages: a rejection is a bug in the engine.
  if (!out.status.ok() && nodes_[from].honest() && out.status.reason() != chain::Reason::kIoError) {
    Violation("validity: node " + std::to_string(node.index) + " rejected a message of honest node " +
              std::to_string(from) + ": " + out.status.ToString());
  }
  Drive(node, std::move(out));
}

void World::OnCommit(SimNode& node, const chain::CommitBlock& commit) {
  CheckValidity(node, commit.block, commit.hash);
  RecordCommit(node, node.app.committed_height() + 1, commit.hash, commit.block);
}

void World::ApplySynced(SimNode& node, int from, const SyncResponse& response) {
  uint64_t last = 0;
  Hash256 last_hash{};
  for (const v1::Block& block : response.blocks) {
    chain::Result<chain::DecodedBlock> decoded = chain::DecodeBlock(block, kSimChainId);
    if (!decoded.ok()) {
      if (node.honest()) Ban(node, from, "synced block: " + decoded.status().ToString());
      return;
    }
    uint64_t height = decoded->header.height();
    if (height != node.app.committed_height() + 1) continue;
    // A real node verifies every certificate against genesis before applying a synced block,
    // and bans a peer that sends one that fails.
    chain::Status certified = chain::VerifyCertificate(block.certificate(), kSimChainId, height,
                                                       decoded->hash, config_.validators);
    if (!certified.ok()) {
      if (node.honest()) Ban(node, from, "synced block certificate: " + certified.ToString());
      break;
    }
    if (decoded->header.prev_hash() != chain::AsBytes(node.app.tip())) break;
    CheckValidity(node, block, decoded->hash);
    RecordCommit(node, height, decoded->hash, block);
    last = height;
    last_hash = decoded->hash;
  }
  if (last != 0 && node.up()) {
    Trace("synced", node.index, std::to_string(last));
    Drive(node, node.engine->OnSyncedCommit(last, last_hash, now_ms_));
  }
}

void World::CheckValidity(SimNode& node, const v1::Block& block, const Hash256& hash) {
  if (!node.honest()) return;
  uint64_t height = node.app.committed_height() + 1;
  std::string where = "validity: node " + std::to_string(node.index) + " height " +
                      std::to_string(height) + ": ";
  chain::Status status = node.app.ValidateBlock(height, block);
  if (!status.ok()) return Violation(where + "committed an invalid block: " + status.ToString());
  status = chain::VerifyCertificate(block.certificate(), kSimChainId, height, hash,
                                    config_.validators);
  if (!status.ok()) return Violation(where + "bad certificate: " + status.ToString());
  v1::BlockHeader header;
  header.ParseFromString(block.header());
  // The block was made by the proposer of some round up to the one that committed it.
  bool by_a_proposer = false;
  for (uint32_t r = 0; r <= block.certificate().round() && r < config_.validators.validators.size();
       ++r) {
    by_a_proposer |= header.proposer() ==
                     chain::AsBytes(chain::ProposerFor(config_.validators, height, r));
  }
  if (!by_a_proposer) Violation(where + "block not made by a proposer of its height");
}

void World::RecordCommit(SimNode& node, uint64_t height, const Hash256& hash,
                         const v1::Block& block) {
  node.app.Apply(block, hash);
  Trace("commit", node.index, std::to_string(height) + " " + Short(hash));
  if (!node.honest()) return;
  auto [it, inserted] = decided_.try_emplace(height, hash);
  if (!inserted && it->second != hash) {
    Violation("agreement: height " + std::to_string(height) + ": node " +
              std::to_string(node.index) + " committed " + Short(hash) +
              " but another honest node committed " + Short(it->second));
  }
}

void World::Send(int from, int to, const SimMessage& message) {
  if (from == to) return;
  if (nodes_[to].Bans(from, now_ms_)) return;  // the banned peer's connection is closed
  ++result_.messages;
  auto shared = std::make_shared<const SimMessage>(message);
  int copies = 1;
  int64_t max_delay = kCalmDelayMaxMs, min_delay = 1;
  if (faults_active_) {
    if (blocked_[from][to] || rng_.Chance(loss_)) return;
    if (rng_.Chance(duplicate_)) copies = 2;
    min_delay = delay_min_ms_;
    max_delay = delay_max_ms_;
  }
  for (int i = 0; i < copies; ++i) {
    Push(Event{.at_ms = now_ms_ + rng_.Uniform(min_delay, max_delay), .kind = EventKind::kDeliver,
               .node = to, .from = from, .message = shared});
  }
}

void World::Broadcast(int from, const SimMessage& message) {
  if (const auto* p = std::get_if<v1::Proposal>(&message)) {
    seen_blocks_.try_emplace({p->height(), p->round()}, chain::BlockHash(p->block().header()));
  }
  for (int to = 0; to < static_cast<int>(nodes_.size()); ++to) Send(from, to, message);
}

void World::ByzantineBroadcast(SimNode& node, const SimMessage& message) {
  ByzantineMode mode = *node.byzantine;
  if (IsHostileMode(mode)) {
    if (mode != ByzantineMode::kFlooder) Broadcast(node.index, message);
    HostileExtras(node, message);
    return;
  }
  bool equivocate = mode == ByzantineMode::kEquivocatingProposer || mode == ByzantineMode::kCollude;
  bool double_vote = mode == ByzantineMode::kDoubleVoter || mode == ByzantineMode::kCollude;
  if (const auto* p = std::get_if<v1::Proposal>(&message)) {
    if (!equivocate) return Broadcast(node.index, message);
    v1::BlockHeader header;
    header.ParseFromString(p->block().header());
    v1::Block other = chain::MakeBlock(kSimChainId, p->height(),
                                       *chain::ArrayFromBytes<32>(header.prev_hash()),
                                       header.time_ms() + 1, node.key.public_key(), {});
    v1::Proposal second =
        chain::SignProposal(node.key, kSimChainId, p->height(), p->round(), -1, other);
    split_[{p->height(), p->round()}] = {chain::BlockHash(p->block().header()),
                                         chain::BlockHash(other.header())};
    seen_blocks_.try_emplace({p->height(), p->round()}, chain::BlockHash(p->block().header()));
    for (const SimNode& to : nodes_) {
      Send(node.index, to.index, (to.honest() && to.side == 1) ? second : *p);
    }
    return;
  }
  const v1::Vote& vote = std::get<v1::Vote>(message);
  if (!double_vote) return Broadcast(node.index, message);
  for (const SimNode& to : nodes_) {
    Send(node.index, to.index, ConflictingVote(node, vote, to.honest() ? to.side : 0));
  }
}

v1::Vote World::ConflictingVote(SimNode& node, const v1::Vote& vote, int side) {
  auto split = split_.find({vote.height(), vote.round()});
  std::optional<Hash256> target;
  if (split != split_.end()) {
    target = split->second[side];  // colluders show each side the block that side got
  } else if (side == 0) {
    return vote;
  } else if (!vote.block_hash().empty()) {
    target = std::nullopt;  // the other side hears nil
  } else {
    auto seen = seen_blocks_.find({vote.height(), vote.round()});
    if (seen == seen_blocks_.end()) return vote;
    target = seen->second;
  }
  return chain::SignVote(node.key, kSimChainId, vote.height(), vote.round(), vote.type(), target);
}

// A hostile validator votes like an honest one (so that it is banned for what it adds, not
// for silence) and, on every vote, adds its hostility towards each honest node.
void World::HostileExtras(SimNode& node, const SimMessage& message) {
  const ByzantineMode mode = *node.byzantine;
  for (const SimNode& to : nodes_) {
    if (!to.honest()) continue;
    if (mode == ByzantineMode::kFlooder) {
      for (int i = 0; i < kFloodCopies; ++i) Send(node.index, to.index, message);
      continue;
    }
    const auto* vote = std::get_if<v1::Vote>(&message);
    if (!vote) continue;
    if (mode == ByzantineMode::kForger) {
      std::vector<v1::Vote> forged = ForgedVotes(node, *vote);
      Send(node.index, to.index, forged[rng_.Uniform(0, static_cast<int64_t>(forged.size()) - 1)]);
      // A proposal whose block header is garbage.
      v1::Proposal garbage;
      garbage.set_height(vote->height());
      garbage.set_round(vote->round());
      garbage.set_pol_round(-1);
      garbage.mutable_block()->set_header("\xff not a header");
      garbage.set_proposer(chain::AsBytes(node.key.public_key()));
      garbage.set_signature(std::string(64, '\x01'));
      if (rng_.Chance(0.2)) Send(node.index, to.index, garbage);
    } else if (mode == ByzantineMode::kBadCertificate && to.up()) {
      SyncResponse response;
      response.blocks.push_back(
          ForgedCertifiedBlock(node, to.app.committed_height() + 1, to.app.tip()));
      Send(node.index, to.index, response);
    }
  }
}

// Variants of our own vote that no honest node would send: a corrupted signature, another
// validator's name on our signature, a non-member's signature, a truncated key.
std::vector<v1::Vote> World::ForgedVotes(SimNode& node, const v1::Vote& vote) {
  std::vector<v1::Vote> forged(4, vote);
  (*forged[0].mutable_signature())[7] ^= 0x20;
  const PubKey& other =
      config_.validators.validators[(node.index + 1) % config_.validators.validators.size()];
  forged[1].set_validator(chain::AsBytes(other));
  const chain::PrivateKey outsider = DeterministicKey(1000 + node.index);
  forged[2] = chain::SignVote(outsider, kSimChainId, vote.height(), vote.round(), vote.type(),
                              chain::VoteBlockHash(vote));
  forged[3].set_validator(vote.validator().substr(0, 3));
  return forged;
}

// A block at `height` on `prev` whose certificate "has" every validator's precommit, all made
// with the hostile node's key.
v1::Block World::ForgedCertifiedBlock(SimNode& node, uint64_t height, const Hash256& prev) {
  v1::Block block =
      chain::MakeBlock(kSimChainId, height, prev, now_ms_ + 1, node.key.public_key(), {});
  const Hash256 hash = chain::BlockHash(block.header());
  v1::CommitCertificate* cert = block.mutable_certificate();
  cert->set_height(height);
  cert->set_round(0);
  cert->set_block_hash(chain::AsBytes(hash));
  for (const PubKey& validator : config_.validators.validators) {
    v1::CommitSig sig = chain::SignPrecommit(node.key, kSimChainId, height, 0, hash);
    sig.set_validator(chain::AsBytes(validator));
    *cert->add_signatures() = sig;
  }
  return block;
}

// An honest node takes a message from `from` unless it banned it, or `from` exceeded the rate
// limit just now (then it is banned).
bool World::Admit(SimNode& node, int from) {
  if (!node.honest()) return true;
  if (node.Bans(from, now_ms_)) return false;
  const auto now = agritrace::node::TokenBucket::Clock::time_point(std::chrono::milliseconds(now_ms_));
  auto [it, inserted] =
      node.limits.try_emplace(from, kSimPeerMessagesPerSecond, kSimPeerBurstMessages, now);
  if (it->second.TryTake(now)) return true;
  Ban(node, from, "TOO_LARGE: flood");
  return false;
}

void World::Ban(SimNode& node, int from, const std::string& why) {
  if (node.Bans(from, now_ms_)) return;
  node.banned_until_ms[from] = now_ms_ + kSimBanMs;
  node.ever_banned.insert(from);
  node.limits.erase(from);
  ++result_.bans;
  Trace("ban", node.index, std::to_string(from) + " " + why.substr(0, why.find(':')));
  if (nodes_[from].honest()) {
    Violation("ban: honest node " + std::to_string(node.index) + " banned honest node " +
              std::to_string(from) + ": " + why);
  }
}

// Every honest node must have banned every hostile one at least once: each sends its faults
// to every honest node on every vote, so a node that never banned it accepted them.
void World::CheckHostilesBanned() {
  for (const SimNode& hostile : nodes_) {
    if (hostile.honest() || !IsHostileMode(*hostile.byzantine)) continue;
    for (const SimNode& node : nodes_) {
      if (node.honest() && !node.ever_banned.count(hostile.index)) {
        Violation("hostile: honest node " + std::to_string(node.index) + " never banned " +
                  ByzantineModeName(*hostile.byzantine) + " node " +
                  std::to_string(hostile.index));
      }
    }
  }
}

}  // namespace agritrace::sim
