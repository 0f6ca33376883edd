// The simulated network: delivery with delays, loss, duplication and partitions; the session
// policy of honest nodes (rate limits and bans, as node/p2p applies them); the checks on what
// honest validators sign and send; and what Byzantine validators send instead.
#include <algorithm>

#include "chain/consensus/messages.h"
#include "chain/model/evidence.h"
#include "node/common/peer_limits.h"
#include "tests/sim/sim_world.h"

namespace agritrace::sim {
namespace {

// How long an honest node refuses a peer it banned (node.toml peer.ban_seconds, scaled to
// the length of a run).
constexpr int64_t kSimBanMs = 10'000;
// A flooder sends each message this many times to every node: twice the burst, so that even
// with 30% loss and copies spread over the delivery delay the first flood exceeds the limit.
constexpr int kFloodCopies = 2 * static_cast<int>(node::kPeerBurstMessages);
// After faults stop the network is clean but not instantaneous.
constexpr int64_t kCalmDelayMaxMs = 30;
// The kinds of signed consensus messages in the record of what each validator sent.
constexpr int kSignedProposal = 0;

bool IsHostileMode(ByzantineMode mode) {
  return mode == ByzantineMode::kForger || mode == ByzantineMode::kBadCertificate ||
         mode == ByzantineMode::kFlooder;
}

std::string Short(const std::string& hash_bytes) {
  return hash_bytes.empty() ? "nil" : chain::ToHex(hash_bytes).substr(0, 8);
}

template <typename M>
std::string Describe(const M& m) {
  return std::to_string(m.height()) + "/" + std::to_string(m.round());
}

// One line for the trace.
std::string Describe(const v1::PeerMessage& message) {
  switch (message.kind_case()) {
    case v1::PeerMessage::kProposal:
      return "proposal " + Describe(message.proposal()) + " pol " +
             std::to_string(message.proposal().pol_round()) + " " +
             Short(chain::AsBytes(chain::BlockHash(message.proposal().block().header())));
    case v1::PeerMessage::kVote:
      return "vote " + Describe(message.vote()) +
             (message.vote().type() == v1::VOTE_TYPE_PREVOTE ? " pv " : " pc ") +
             Short(message.vote().block_hash());
    case v1::PeerMessage::kCommit:
      return "commit " + Short(chain::AsBytes(chain::BlockHash(message.commit().header())));
    case v1::PeerMessage::kTip:
      return "tip " + std::to_string(message.tip().height());
    case v1::PeerMessage::kSyncRequest:
      return "sync-request " + std::to_string(message.sync_request().from_height());
    case v1::PeerMessage::kSyncResponse:
      return "sync-response " + std::to_string(message.sync_response().blocks_size());
    case v1::PeerMessage::kRecords:
      return "records " + std::to_string(message.records().envelopes_size());
    case v1::PeerMessage::kEvidence:
      return "evidence " + chain::ToHex(chain::EvidenceId(message.evidence())).substr(0, 8);
    default:
      return "other";
  }
}

node::SharedMessage Wrap(v1::Proposal proposal) {
  v1::PeerMessage message;
  *message.mutable_proposal() = std::move(proposal);
  return node::Share(std::move(message));
}

node::SharedMessage Wrap(v1::Vote vote) {
  v1::PeerMessage message;
  *message.mutable_vote() = std::move(vote);
  return node::Share(std::move(message));
}

}  // namespace

// --- Delivery

void World::Send(int from, int to, const node::SharedMessage& message) {
  if (from == to) return;
  if (nodes_[to].Bans(from, now_ms_)) return;  // the banned peer's connection is closed
  ++result_.messages;
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
               .node = to, .from = from, .message = message});
  }
}

// A session exists between two nodes that are up and do not ban each other.
bool World::Connected(int from, int to) const {
  return from != to && nodes_[from].up() && nodes_[to].up() && !nodes_[from].Bans(to, now_ms_) &&
         !nodes_[to].Bans(from, now_ms_);
}

std::vector<chain::PubKey> World::ConnectedPeers(int node) const {
  std::vector<chain::PubKey> peers;
  for (const SimNode& peer : nodes_) {
    if (Connected(node, peer.index)) peers.push_back(peer.key.public_key());
  }
  return peers;
}

void World::Broadcast(int from, const node::SharedMessage& message,
                      const chain::PubKey* except) {
  SimNode& node = nodes_[from];
  if (node.failed()) return;  // down from this instant: nothing more leaves
  if (message->has_proposal()) {
    seen_blocks_.try_emplace({message->proposal().height(), message->proposal().round()},
                             chain::BlockHash(message->proposal().block().header()));
  }
  const int skip = except ? IndexOf(*except) : -1;
  if (!node.honest()) return ByzantineSend(node, message, skip);
  CheckSent(node, *message);
  NoteEvidence(node, *message);
  for (int to = 0; to < static_cast<int>(nodes_.size()); ++to) {
    if (to != skip) Send(from, to, message);
  }
}

bool World::SendTo(int from, const chain::PubKey& peer, const node::SharedMessage& message) {
  SimNode& node = nodes_[from];
  const int to = IndexOf(peer);
  if (node.failed() || to < 0 || !Connected(from, to)) return false;
  if (node.honest()) CheckSent(node, *message);
  Send(from, to, message);
  return true;
}

// What the node's session and PeerNetwork::OnMessage do with a message, then the replica.
void World::Deliver(SimNode& node, int from, const node::SharedMessage& message) {
  if (!Admit(node, from)) return;
  Trace("deliver", node.index, std::to_string(from) + " " + Describe(*message));
  node::Replica& replica = *node.life->replica;
  const chain::PubKey sender = nodes_[from].key.public_key();
  auto pass_on = replica.Receive(sender, *message);
  if (!pass_on.ok()) return Ban(node, from, pass_on.status());
  if (*pass_on && !node.failed()) replica.OnMessage(sender, message);
}

// An honest node takes a message from `from` unless it banned it, or `from` exceeded the rate
// limit just now (then it is banned, as PeerSession reports a flood).
bool World::Admit(SimNode& node, int from) {
  if (!node.honest()) return true;
  if (node.Bans(from, now_ms_)) return false;
  const auto now =
      node::TokenBucket::Clock::time_point(std::chrono::milliseconds(now_ms_));
  auto [it, inserted] = node.limits.try_emplace(from, node::kPeerMessagesPerSecond,
                                                node::kPeerBurstMessages, now);
  if (it->second.TryTake(now)) return true;
  Ban(node, from, chain::Reject(chain::Reason::kTooLarge, "flood"));
  return false;
}

void World::Ban(SimNode& node, int from, const chain::Status& why) {
  if (!node.honest() || node.Bans(from, now_ms_)) return;
  node.banned_until_ms[from] = now_ms_ + kSimBanMs;
  node.ever_banned.insert(from);
  node.limits.erase(from);
  ++result_.bans;
  Trace("ban", node.index,
        std::to_string(from) + " " + std::string(chain::ReasonName(why.reason())));
  if (nodes_[from].honest()) {
    Violation("ban: honest node " + std::to_string(node.index) + " banned honest node " +
              std::to_string(from) + ": " + why.ToString());
  }
}

// Honest validators sign only well-formed messages and relay only accepted ones.
void World::Refused(SimNode& node, int from, const chain::Status& why) {
  if (node.honest() && nodes_[from].honest()) {
    Violation("validity: node " + std::to_string(node.index) +
              " refused a message of honest node " + std::to_string(from) + ": " + why.ToString());
  }
}

// What an honest validator signs and sends: only what its safety state held durably first,
// and never two different messages for one height, round and step (across its crashes too).
void World::CheckSent(SimNode& node, const v1::PeerMessage& message) {
  const std::string me = chain::AsBytes(node.key.public_key());
  std::tuple<uint64_t, uint32_t, int> slot;
  std::string named, signature, what;
  if (message.has_proposal() && message.proposal().proposer() == me) {
    const v1::Proposal& p = message.proposal();
    slot = {p.height(), p.round(), kSignedProposal};
    named = chain::AsBytes(chain::BlockHash(p.block().header())) + std::to_string(p.pol_round());
    signature = p.signature();
    what = "proposal " + Describe(p);
  } else if (message.has_vote() && message.vote().validator() == me) {
    const v1::Vote& v = message.vote();
    slot = {v.height(), v.round(), static_cast<int>(v.type())};
    named = v.block_hash();
    signature = v.signature();
    what = v1::VoteType_Name(v.type()) + " " + Describe(v);
  } else {
    return;
  }
  const std::string who = "safety: validator " + std::to_string(node.index) + " ";
  if (!node.store->persisted_signatures().count(signature)) {
    Violation(who + "sent a " + what + " that its safety state never held");
  }
  auto [it, inserted] = signed_[node.index].try_emplace(slot, named);
  if (!inserted && it->second != named) {
    Violation(who + "signed two different messages for " + what);
  }
}

// --- Byzantine validators: their own Replica runs; what it signs is replaced or added to.

void World::ByzantineSend(SimNode& node, const node::SharedMessage& message, int except) {
  const std::string me = chain::AsBytes(node.key.public_key());
  const bool own = (message->has_proposal() && message->proposal().proposer() == me) ||
                   (message->has_vote() && message->vote().validator() == me);
  auto plain = [&] {
    for (int to = 0; to < static_cast<int>(nodes_.size()); ++to) {
      if (to != except) Send(node.index, to, message);
    }
  };
  if (!own) return plain();  // relays, tips, commits and sync go out unchanged
  const ByzantineMode mode = *node.byzantine;
  if (IsHostileMode(mode)) {
    if (mode != ByzantineMode::kFlooder) plain();
    HostileExtras(node, *message);
    return;
  }
  bool equivocate = mode == ByzantineMode::kEquivocatingProposer || mode == ByzantineMode::kCollude;
  bool double_vote = mode == ByzantineMode::kDoubleVoter || mode == ByzantineMode::kCollude;
  if (message->has_proposal()) {
    if (!equivocate) return plain();
    const v1::Proposal& p = message->proposal();
    v1::BlockHeader header;
    header.ParseFromString(p.block().header());
    v1::Block other = chain::MakeBlock(kSimChainId, p.height(),
                                       *chain::ArrayFromBytes<32>(header.prev_hash()),
                                       header.time_ms() + 1, node.key.public_key(), {});
    node::SharedMessage second =
        Wrap(chain::SignProposal(node.key, kSimChainId, p.height(), p.round(), -1, other));
    split_[{p.height(), p.round()}] = {chain::BlockHash(p.block().header()),
                                       chain::BlockHash(other.header())};
    for (const SimNode& to : nodes_) {
      Send(node.index, to.index, (to.honest() && to.side == 1) ? second : message);
    }
    return;
  }
  if (!double_vote) return plain();
  const std::array<node::SharedMessage, 2> by_side = {
      Wrap(ConflictingVote(node, message->vote(), 0)),
      Wrap(ConflictingVote(node, message->vote(), 1))};
  for (const SimNode& to : nodes_) Send(node.index, to.index, by_side[to.honest() ? to.side : 0]);
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
void World::HostileExtras(SimNode& node, const v1::PeerMessage& message) {
  const ByzantineMode mode = *node.byzantine;
  const node::SharedMessage shared = node::Share(message);
  for (const SimNode& to : nodes_) {
    if (!to.honest()) continue;
    if (mode == ByzantineMode::kFlooder) {
      for (int i = 0; i < kFloodCopies; ++i) Send(node.index, to.index, shared);
      continue;
    }
    if (!message.has_vote()) continue;
    const v1::Vote& vote = message.vote();
    if (mode == ByzantineMode::kForger) {
      std::vector<v1::Vote> forged = ForgedVotes(node, vote);
      Send(node.index, to.index,
           Wrap(forged[rng_.Uniform(0, static_cast<int64_t>(forged.size()) - 1)]));
      // A proposal whose block header is garbage.
      v1::Proposal garbage;
      garbage.set_height(vote.height());
      garbage.set_round(vote.round());
      garbage.set_pol_round(-1);
      garbage.mutable_block()->set_header("\xff not a header");
      garbage.set_proposer(chain::AsBytes(node.key.public_key()));
      garbage.set_signature(std::string(64, '\x01'));
      if (rng_.Chance(0.2)) Send(node.index, to.index, Wrap(garbage));
    } else if (mode == ByzantineMode::kBadCertificate) {
      // Announced as just committed: block sync judges it (an unsolicited sync response
      // would be dropped unread, docs/security.md scenario 6).
      const chain::ChainTip tip = to.store->Tip();
      v1::PeerMessage announce;
      *announce.mutable_commit() = ForgedCertifiedBlock(node, tip.height + 1, tip.hash);
      Send(node.index, to.index, node::Share(std::move(announce)));
    }
  }
}

// Variants of our own vote that no honest node would send: a corrupted signature, another
// validator's name on our signature, a non-member's signature, a truncated key.
std::vector<v1::Vote> World::ForgedVotes(SimNode& node, const v1::Vote& vote) {
  const chain::ValidatorSet validators = genesis_.validator_set();
  std::vector<v1::Vote> forged(4, vote);
  (*forged[0].mutable_signature())[7] ^= 0x20;
  const PubKey& other = validators.validators[(node.index + 1) % validators.validators.size()];
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
  v1::Block block = chain::MakeBlock(kSimChainId, height, prev, clock_.WallMs() + 1,
                                     node.key.public_key(), {});
  const Hash256 hash = chain::BlockHash(block.header());
  v1::CommitCertificate* cert = block.mutable_certificate();
  cert->set_height(height);
  cert->set_round(0);
  cert->set_block_hash(chain::AsBytes(hash));
  for (const PubKey& validator : genesis_.validator_set().validators) {
    v1::CommitSig sig = chain::SignPrecommit(node.key, kSimChainId, height, 0, hash);
    sig.set_validator(chain::AsBytes(validator));
    *cert->add_signatures() = sig;
  }
  return block;
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
