// Replica on a real ChainStore with fakes around it: what it does when its own disk fails
// (stops the node, blames no peer), whom block sync and the message intake ban, and that a
// lone validator commits through the same path.
#include "node/replication/replica.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "chain/base/hash.h"
#include "chain/base/limits.h"
#include "chain/consensus/evidence.h"
#include "chain/consensus/messages.h"
#include "chain/store/store.h"
#include "node/common/peer_limits.h"

namespace agritrace::node {
namespace {

using chain::Reason;
using chain::Status;

constexpr char kChain[] = "agritrace-replica-test";

chain::PrivateKey Key(int i) {
  return *chain::PrivateKey::FromBytes(
      chain::AsBytes(chain::Sha256("replica test key " + std::to_string(i))));
}

// A ChainStore whose writes can be made to fail as a failed fsync does: IO_ERROR, nothing
// written; and the signing state, in memory, failing the same way.
class FaultyStore final : public chain::BlockStore, public chain::SafetyStore {
 public:
  explicit FaultyStore(chain::ChainStore* store) : store_(store) {}
  std::optional<v1::LotState> GetLot(const std::string& key) const override {
    return store_->GetLot(key);
  }
  std::optional<v1::Participant> GetParticipant(const chain::PubKey& key) const override {
    return store_->GetParticipant(key);
  }
  std::optional<chain::PubKey> FindParticipantByName(const std::string& name) const override {
    return store_->FindParticipantByName(name);
  }
  bool HasNonce(const chain::PubKey& signer, uint64_t nonce) const override {
    return store_->HasNonce(signer, nonce);
  }
  bool HasRecord(const chain::Hash256& id) const override { return store_->HasRecord(id); }
  chain::ChainTip Tip() const override { return store_->Tip(); }
  chain::Result<v1::Block> GetBlock(uint64_t height) const override {
    return store_->GetBlock(height);
  }
  chain::Result<v1::Block> GetBlockHead(uint64_t height) const override {
    return store_->GetBlockHead(height);
  }
  Status CommitBlock(const chain::DecodedBlock& block,
                     const chain::StateOverlay& changes) override {
    if (fail_commits) return chain::Reject(Reason::kIoError, "fsync failed (test)");
    return store_->CommitBlock(block, changes);
  }
  Status CommitBlocks(const std::vector<const chain::DecodedBlock*>& blocks,
                      const chain::StateOverlay& changes) override {
    if (fail_commits) return chain::Reject(Reason::kIoError, "fsync failed (test)");
    return store_->CommitBlocks(blocks, changes);
  }
  std::optional<uint64_t> EvidenceHeight(const chain::Offence& offence) const override {
    return store_->EvidenceHeight(offence);
  }

  Status Put(const std::string& key, const std::string& value) override {
    if (fail_safety) return chain::Reject(Reason::kIoError, "fsync failed (test)");
    safety[key] = value;
    return Status::Ok();
  }
  std::optional<std::string> Get(const std::string& key) const override {
    auto it = safety.find(key);
    if (it == safety.end()) return std::nullopt;
    return it->second;
  }
  Status PutNodeState(const std::string& key, const std::string& value) override {
    if (fail_safety) return chain::Reject(Reason::kIoError, "fsync failed (test)");
    return store_->PutNodeState(key, value);
  }
  std::optional<std::string> GetNodeState(const std::string& key) const override {
    return store_->GetNodeState(key);
  }

  bool fail_commits = false;
  bool fail_safety = false;
  std::map<std::string, std::string> safety;

 private:
  chain::ChainStore* store_;
};

class FakeTransport final : public Transport {
 public:
  void Broadcast(SharedMessage message, const chain::PubKey*) override {
    broadcasts.push_back(std::move(message));
  }
  bool SendTo(const chain::PubKey& peer, SharedMessage message) override {
    sent.emplace_back(peer, std::move(message));
    return true;
  }
  void Ban(const chain::PubKey& peer, const Status& why) override { bans.emplace_back(peer, why); }
  void Refused(const chain::PubKey&, const Status& why) override { refused.push_back(why); }
  std::vector<chain::PubKey> ConnectedPeers() const override { return {}; }
  std::string PeerName(const chain::PubKey&) const override { return "peer"; }

  bool BroadcastSigned() const {
    for (const auto& message : broadcasts) {
      if (message->has_proposal() || message->has_vote()) return true;
    }
    return false;
  }

  std::vector<SharedMessage> broadcasts;
  std::vector<std::pair<chain::PubKey, SharedMessage>> sent;
  std::vector<std::pair<chain::PubKey, Status>> bans;
  std::vector<Status> refused;
};

class FakeHost final : public ReplicaHost {
 public:
  size_t mempool_size() const override { return pending; }
  std::vector<chain::RecordPtr> PendingRecords(size_t, size_t) const override { return {}; }
  std::vector<Status> AdmitPeerRecords(
      const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) override {
    return std::vector<Status>(envelopes.size(), admit_result);
  }
  void AfterCommit(const CommittedBlock& block) override { commits.push_back(block.height); }
  void Fatal(const Status& why) override { fatal = why; }

  size_t pending = 0;
  Status admit_result;
  std::vector<uint64_t> commits;
  std::optional<Status> fatal;
};

class ManualClock final : public Clock {
 public:
  int64_t WallMs() const override { return 1'000'000 + now_ms; }
  int64_t SteadyMs() const override { return now_ms; }
  int64_t now_ms = 0;
};

class ReplicaTest : public ::testing::Test {
 protected:
  void TearDown() override {
    replica_.reset();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // A network of `validators`; this node is validator `me`, or an observer when me < 0.
  void Make(int validators, int me) {
    char dir_template[] = "/tmp/agritrace-replica-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    genesis_.chain_id = genesis_.params.chain_id = kChain;
    for (int i = 0; i < validators; ++i) {
      genesis_.validators.push_back({"v" + std::to_string(i), Key(i).public_key(), ""});
    }
    genesis_.hash = chain::Sha256("replica test genesis");
    me_ = me;
    Open();
  }
  // Opens the store in dir_ and builds the replica on it (Make, Restart).
  void Open() {
    auto store = chain::ChainStore::Open(dir_, genesis_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    faulty_ = std::make_unique<FaultyStore>(store_.get());
    ReplicaParts parts;
    parts.genesis = &genesis_;
    if (me_ >= 0) parts.key = Key(me_);
    parts.host = &host_;
    parts.store = faulty_.get();
    parts.safety = faulty_.get();
    parts.guard = guard_;
    parts.verified = &verified_;
    parts.transport = &transport_;
    parts.clock = &clock_;
    parts.background = &background_;
    replica_ = std::make_unique<Replica>(std::move(parts));
  }
  // The node stops (nothing but the store survives) and starts again on the same directory.
  void Restart() {
    replica_.reset();
    faulty_.reset();
    store_.reset();
    Open();
  }
  // Block `height` on our tip, certified by validators 0 .. signers - 1.
  v1::Block Certified(uint64_t height, size_t signers) {
    const chain::ChainTip tip = store_->Tip();
    v1::Block block =
        chain::MakeBlock(kChain, height, tip.hash, 1000 + height, Key(0).public_key(), {});
    const chain::Hash256 hash = chain::BlockHash(block.header());
    auto* cert = block.mutable_certificate();
    cert->set_height(height);
    cert->set_block_hash(chain::AsBytes(hash));
    for (size_t i = 0; i < signers; ++i) {
      *cert->add_signatures() = chain::SignPrecommit(Key(i), kChain, height, 0, hash);
    }
    return block;
  }
  // A peer message carrying validator `i`'s double prevote at `height`.
  SharedMessage EvidenceOf(int i, uint64_t height, bool forged = false) {
    v1::PeerMessage message;
    *message.mutable_evidence() = chain::DoubleVoteEvidence(
        chain::SignVote(Key(i), kChain, height, 0, v1::VOTE_TYPE_PREVOTE, chain::Hash256{1}),
        chain::SignVote(Key(i), kChain, height, 0, v1::VOTE_TYPE_PREVOTE, chain::Hash256{2}));
    if (forged) {
      (*message.mutable_evidence()->mutable_double_vote()->mutable_first()->mutable_signature())
          [9] ^= 1;
    }
    return Share(std::move(message));
  }
  size_t EvidenceBroadcasts() const {
    size_t count = 0;
    for (const auto& message : transport_.broadcasts) count += message->has_evidence();
    return count;
  }
  // Blocks 1 .. count on our tip, each certified by validators first .. first + signers - 1.
  std::vector<v1::Block> Chain(uint64_t count, int first, int signers) {
    return Chain(std::vector<int>(count, first), signers);
  }
  // Block h + 1 certified by validators firsts[h] .. firsts[h] + signers - 1.
  std::vector<v1::Block> Chain(const std::vector<int>& firsts, int signers) {
    std::vector<v1::Block> blocks;
    chain::Hash256 prev = store_->Tip().hash;
    for (uint64_t height = 1; height <= firsts.size(); ++height) {
      const int first = firsts[height - 1];
      v1::Block block =
          chain::MakeBlock(kChain, height, prev, 1000 + height, Key(0).public_key(), {});
      prev = chain::BlockHash(block.header());
      auto* cert = block.mutable_certificate();
      cert->set_height(height);
      cert->set_block_hash(chain::AsBytes(prev));
      for (int i = first; i < first + signers; ++i) {
        *cert->add_signatures() = chain::SignPrecommit(Key(i), kChain, height, 0, prev);
      }
      blocks.push_back(std::move(block));
    }
    return blocks;
  }
  // `from` says its tip is `peer_tip`, then answers sync's requests with `blocks`, one each.
  void Deliver(const chain::PubKey& from, const std::vector<v1::Block>& blocks,
               uint64_t peer_tip) {
    Tip(from, peer_tip);
    for (const v1::Block& block : blocks) {
      v1::PeerMessage message;
      message.mutable_sync_response()->set_tip_height(peer_tip);
      *message.mutable_sync_response()->add_blocks() = block;
      replica_->OnMessage(from, Share(std::move(message)));
    }
  }
  // This validator's saved signing state: deciding `height`, a prevote signed in round 0.
  v1::Vote SaveSigningState(int me, uint64_t height) {
    v1::ConsensusSafetyState saved;
    saved.set_height(height);
    saved.set_step(static_cast<uint32_t>(chain::ConsensusStep::kPrevote));
    saved.set_locked_round(-1);
    saved.set_valid_round(-1);
    *saved.mutable_prevote() = chain::SignVote(Key(me), kChain, height, 0, v1::VOTE_TYPE_PREVOTE,
                                               chain::Hash256{7});
    faulty_->safety[std::string(chain::kConsensusSafetyKey)] = saved.SerializeAsString();
    return saved.prevote();
  }
  std::vector<v1::Vote> SignedVotes() const {
    std::vector<v1::Vote> votes;
    for (const auto& message : transport_.broadcasts) {
      if (message->has_vote()) votes.push_back(message->vote());
    }
    return votes;
  }

  // `from` says it has block 1 (so sync asks it), then answers with `block`.
  void Sync(const chain::PubKey& from, const v1::Block& block) {
    Tip(from, 1);
    v1::PeerMessage message;
    message.mutable_sync_response()->set_tip_height(1);
    *message.mutable_sync_response()->add_blocks() = block;
    replica_->OnMessage(from, Share(std::move(message)));
  }

  void Tip(const chain::PubKey& from, uint64_t height) {
    v1::PeerMessage tip;
    tip.mutable_tip()->set_height(height);
    replica_->OnMessage(from, Share(std::move(tip)));
  }
  // The last sync request sent since `since` (an index into transport_.sent).
  std::optional<std::pair<chain::PubKey, v1::SyncRequest>> LastRequest(size_t since) const {
    for (size_t i = transport_.sent.size(); i > since; --i) {
      const auto& [peer, message] = transport_.sent[i - 1];
      if (message->has_sync_request()) return std::make_pair(peer, message->sync_request());
    }
    return std::nullopt;
  }

  std::string dir_;
  int me_ = -1;
  chain::Genesis genesis_;
  std::unique_ptr<chain::ChainStore> store_;
  std::unique_ptr<FaultyStore> faulty_;
  VerifiedRecords verified_{100};
  FakeHost host_;
  FakeTransport transport_;
  ManualClock clock_;
  InlineBackground background_;
  SigningGuard guard_;  // set before Make
  std::unique_ptr<Replica> replica_;
};

TEST_F(ReplicaTest, ALoneValidatorCommitsThroughTheSamePath) {
  Make(1, 0);
  host_.pending = 1;
  replica_->Start();
  EXPECT_EQ(store_->Tip().height, 1u);
  EXPECT_EQ(host_.commits, std::vector<uint64_t>{1});
  EXPECT_FALSE(host_.fatal);
}

TEST_F(ReplicaTest, StopsTheNodeAndSendsNothingSignedWhenTheSafetyStateCannotBeWritten) {
  Make(1, 0);
  faulty_->fail_safety = true;
  host_.pending = 1;
  replica_->Start();
  ASSERT_TRUE(host_.fatal);
  EXPECT_EQ(host_.fatal->reason(), Reason::kIoError);
  EXPECT_FALSE(transport_.BroadcastSigned());
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(ReplicaTest, StopsTheNodeWhenADecidedBlockCannotBeStored) {
  Make(1, 0);
  faulty_->fail_commits = true;
  host_.pending = 1;
  replica_->Start();
  ASSERT_TRUE(host_.fatal);
  EXPECT_EQ(host_.fatal->reason(), Reason::kIoError);
  EXPECT_EQ(store_->Tip().height, 0u);
  for (const auto& message : transport_.broadcasts) EXPECT_FALSE(message->has_commit());
}

TEST_F(ReplicaTest, SyncAppliesACertifiedBlock) {
  Make(4, -1);
  replica_->Start();
  Sync(Key(1).public_key(), Certified(1, 3));
  EXPECT_EQ(store_->Tip().height, 1u);
  EXPECT_EQ(host_.commits, std::vector<uint64_t>{1});
  EXPECT_TRUE(transport_.bans.empty());
}

TEST_F(ReplicaTest, SyncStopsTheNodeWithoutBlamingThePeerWhenItsOwnDiskFails) {
  Make(4, -1);
  replica_->Start();
  faulty_->fail_commits = true;
  Sync(Key(1).public_key(), Certified(1, 3));
  EXPECT_TRUE(transport_.bans.empty());
  ASSERT_TRUE(host_.fatal);
  EXPECT_EQ(host_.fatal->reason(), Reason::kIoError);
  EXPECT_EQ(store_->Tip().height, 0u);
}

TEST_F(ReplicaTest, SyncBansAPeerThatSendsAForgedOrWeakCertificate) {
  Make(4, -1);
  replica_->Start();
  v1::Block forged = Certified(1, 3);
  (*forged.mutable_certificate()->mutable_signatures(1)->mutable_signature())[3] ^= 1;
  Sync(Key(1).public_key(), forged);
  Sync(Key(2).public_key(), Certified(1, 2));
  ASSERT_EQ(transport_.bans.size(), 2u);
  EXPECT_EQ(transport_.bans[0].first, Key(1).public_key());
  EXPECT_EQ(transport_.bans[0].second.reason(), Reason::kBadSignature);
  EXPECT_EQ(transport_.bans[1].first, Key(2).public_key());
  EXPECT_EQ(transport_.bans[1].second.reason(), Reason::kNotAuthorized);
  EXPECT_EQ(store_->Tip().height, 0u);
  EXPECT_FALSE(host_.fatal);
}

TEST_F(ReplicaTest, SyncDoesNotBlameAPeerForABlockWeCannotPlaceYet) {
  Make(4, -1);
  replica_->Start();
  v1::Block ahead =
      chain::MakeBlock(kChain, 3, chain::Sha256("elsewhere"), 5000, Key(0).public_key(), {});
  Sync(Key(1).public_key(), ahead);
  EXPECT_TRUE(transport_.bans.empty());
  EXPECT_FALSE(host_.fatal);
}

// Issue 16, scenario 6. Two peers have 130 blocks we lack. One withholds: it answers every
// request with a single valid block just before the request would time out. Sync moves on
// to the other peer and catches up at its pace (before: it kept asking the withholder, one
// block per 4.9 s, about ten minutes for 130 blocks).
TEST_F(ReplicaTest, SyncIsNotThrottledByAPeerThatAnswersSlowlyAndShort) {
  Make(4, -1);
  replica_->Start();
  constexpr uint64_t kBlocks = 130;
  std::vector<v1::Block> chain_blocks;
  chain::Hash256 parent = store_->Tip().hash;
  for (uint64_t h = 1; h <= kBlocks; ++h) {
    v1::Block block = chain::MakeBlock(kChain, h, parent, 1000 + h, Key(0).public_key(), {});
    parent = chain::BlockHash(block.header());
    auto* cert = block.mutable_certificate();
    cert->set_height(h);
    cert->set_block_hash(chain::AsBytes(parent));
    for (int i = 0; i < 3; ++i) {
      *cert->add_signatures() = chain::SignPrecommit(Key(i), kChain, h, 0, parent);
    }
    chain_blocks.push_back(std::move(block));
  }
  const chain::PubKey withholder = Key(1).public_key(), honest = Key(2).public_key();
  Tip(withholder, kBlocks);  // asked first: it is the only peer known to be ahead
  Tip(honest, kBlocks);
  size_t seen = 0;
  while (store_->Tip().height < kBlocks && clock_.now_ms < 60'000) {
    auto request = LastRequest(seen);
    seen = transport_.sent.size();
    if (!request) {  // nothing in flight: let time pass for retries
      clock_.now_ms += kSyncTickMs;
      replica_->Tick();
      continue;
    }
    const auto& [peer, asked] = *request;
    const bool withholding = peer == withholder;
    clock_.now_ms += withholding ? kSyncRequestTimeout.count() - 100 : 10;
    replica_->Tick();
    v1::PeerMessage answer;
    answer.mutable_sync_response()->set_tip_height(kBlocks);
    const uint64_t count = withholding ? 1 : asked.max_blocks();
    for (uint64_t h = asked.from_height(); h < asked.from_height() + count && h <= kBlocks; ++h) {
      *answer.mutable_sync_response()->add_blocks() = chain_blocks[h - 1];
    }
    replica_->OnMessage(peer, Share(std::move(answer)));
  }
  EXPECT_EQ(store_->Tip().height, kBlocks);
  EXPECT_LT(clock_.now_ms, 15'000) << "catch-up took " << clock_.now_ms << " ms of virtual time";
  EXPECT_TRUE(transport_.bans.empty());
}

// Blocks nobody asked for are dropped unread, even valid ones.
TEST_F(ReplicaTest, SyncDropsAResponseItDidNotAskFor) {
  Make(4, -1);
  replica_->Start();
  v1::PeerMessage message;
  message.mutable_sync_response()->set_tip_height(1);
  *message.mutable_sync_response()->add_blocks() = Certified(1, 3);
  replica_->OnMessage(Key(1).public_key(), Share(std::move(message)));
  EXPECT_EQ(store_->Tip().height, 0u);
  EXPECT_TRUE(transport_.bans.empty());
}

TEST_F(ReplicaTest, IntakeRefusesMessagesNoHonestPeerSends) {
  Make(4, 0);
  const chain::PubKey peer = Key(1).public_key();
  EXPECT_EQ(replica_->Receive(peer, v1::PeerMessage()).status().reason(), Reason::kMalformed);
  v1::PeerMessage outsider_vote;
  *outsider_vote.mutable_vote() =
      chain::SignVote(Key(9), kChain, 1, 0, v1::VOTE_TYPE_PREVOTE, std::nullopt);
  EXPECT_EQ(replica_->Receive(peer, outsider_vote).status().reason(), Reason::kNotAuthorized);
  v1::PeerMessage member_vote;
  *member_vote.mutable_vote() =
      chain::SignVote(Key(2), kChain, 1, 0, v1::VOTE_TYPE_PREVOTE, std::nullopt);
  auto pass_on = replica_->Receive(peer, member_vote);
  ASSERT_TRUE(pass_on.ok());
  EXPECT_TRUE(*pass_on) << "a member's vote goes on to the engine";
  v1::PeerMessage too_many;
  for (size_t i = 0; i <= chain::kMaxSubmitBatchRecords; ++i) {
    too_many.mutable_records()->add_envelopes();
  }
  EXPECT_EQ(replica_->Receive(peer, too_many).status().reason(), Reason::kTooLarge);
}

TEST_F(ReplicaTest, IntakeBlamesARecordSenderOnlyForGarbage) {
  Make(4, 0);
  const chain::PubKey peer = Key(1).public_key();
  v1::PeerMessage records;
  records.mutable_records()->add_envelopes();
  host_.admit_result = chain::Reject(Reason::kReplay, "already on the chain");
  auto pass_on = replica_->Receive(peer, records);
  ASSERT_TRUE(pass_on.ok()) << "an honest peer may gossip a record that was overtaken";
  EXPECT_FALSE(*pass_on);
  host_.admit_result = chain::Reject(Reason::kBadSignature, "forged");
  EXPECT_EQ(replica_->Receive(peer, records).status().reason(), Reason::kBadSignature);
}

TEST_F(ReplicaTest, IntakeServesSyncRequestsFromTheStore) {
  Make(1, 0);
  host_.pending = 1;
  replica_->Start();  // commits block 1
  v1::PeerMessage request;
  request.mutable_sync_request()->set_from_height(1);
  request.mutable_sync_request()->set_max_blocks(10);
  auto pass_on = replica_->Receive(Key(5).public_key(), request);
  ASSERT_TRUE(pass_on.ok());
  EXPECT_FALSE(*pass_on);
  ASSERT_FALSE(transport_.sent.empty());
  const v1::PeerMessage& answer = *transport_.sent.back().second;
  ASSERT_TRUE(answer.has_sync_response());
  EXPECT_EQ(answer.sync_response().blocks_size(), 1);
  EXPECT_EQ(answer.sync_response().tip_height(), 1u);
}

// Evidence from a peer is verified, relayed once, and committed in the next block even with
// no record pending (evidence is work to commit, as records are).
TEST_F(ReplicaTest, GossipedEvidenceIsRelayedOnceAndCommittedWithoutRecords) {
  Make(1, 0);
  replica_->Start();
  EXPECT_EQ(store_->Tip().height, 0u) << "no records, no block";
  const chain::PubKey peer = Key(7).public_key();
  SharedMessage evidence = EvidenceOf(0, 1);
  auto pass_on = replica_->Receive(peer, *evidence);
  ASSERT_TRUE(pass_on.ok());
  ASSERT_TRUE(*pass_on);
  replica_->OnMessage(peer, evidence);
  replica_->OnMessage(peer, evidence);  // a second copy, from another path
  EXPECT_EQ(EvidenceBroadcasts(), 1u);
  EXPECT_EQ(replica_->pending_evidence(), 1u);
  clock_.now_ms = replica_->NextDeadlineMs();
  replica_->Tick();
  ASSERT_EQ(store_->Tip().height, 1u);
  auto offence = chain::CheckEvidenceShape(evidence->evidence());
  ASSERT_TRUE(offence.ok());
  EXPECT_EQ(store_->EvidenceHeight(*offence), 1u);
  EXPECT_EQ(replica_->pending_evidence(), 0u) << "committed evidence leaves the pool";
  // Offered again once committed: dropped, nobody blamed, nothing relayed.
  replica_->OnMessage(peer, evidence);
  EXPECT_EQ(EvidenceBroadcasts(), 1u);
  EXPECT_EQ(replica_->pending_evidence(), 0u);
  EXPECT_TRUE(transport_.bans.empty());
}

// Issue 16: pending evidence lived in memory only. It is stored with every change, so a
// validator restarted before a block committed it still proposes it.
TEST_F(ReplicaTest, PendingEvidenceSurvivesARestartAndIsStillProposed) {
  Make(1, 0);
  replica_->Start();
  SharedMessage evidence = EvidenceOf(0, 1);
  replica_->OnMessage(Key(7).public_key(), evidence);
  ASSERT_EQ(replica_->pending_evidence(), 1u);
  ASSERT_EQ(store_->Tip().height, 0u) << "not committed before the restart";
  Restart();
  // The restored evidence is work to commit: the lone validator proposes it as it starts.
  replica_->Start();
  ASSERT_EQ(store_->Tip().height, 1u);
  auto offence = chain::CheckEvidenceShape(evidence->evidence());
  ASSERT_TRUE(offence.ok());
  EXPECT_EQ(store_->EvidenceHeight(*offence), 1u);
  EXPECT_EQ(replica_->pending_evidence(), 0u);
  // Committed evidence is gone from the stored pool too.
  Restart();
  replica_->Start();
  EXPECT_EQ(replica_->pending_evidence(), 0u);
}

TEST_F(ReplicaTest, ForgedEvidenceBansItsSenderAndGoesNoFurther) {
  Make(4, 0);
  replica_->Start();
  const chain::PubKey peer = Key(1).public_key();
  replica_->OnMessage(peer, EvidenceOf(2, 1, /*forged=*/true));
  ASSERT_EQ(transport_.bans.size(), 1u);
  EXPECT_EQ(transport_.bans[0].first, peer);
  EXPECT_EQ(transport_.bans[0].second.reason(), Reason::kBadSignature);
  EXPECT_EQ(EvidenceBroadcasts(), 0u);
  EXPECT_EQ(replica_->pending_evidence(), 0u);
  // Evidence against a non-validator proves the sender faulty as well.
  replica_->OnMessage(peer, EvidenceOf(9, 1));
  ASSERT_EQ(transport_.bans.size(), 2u);
  EXPECT_EQ(transport_.bans[1].second.reason(), Reason::kNotAuthorized);
}

TEST_F(ReplicaTest, EvidenceOfAHeightAheadOfUsIsDroppedWithoutBlame) {
  Make(4, 0);
  replica_->Start();
  replica_->OnMessage(Key(1).public_key(), EvidenceOf(2, 5));
  EXPECT_TRUE(transport_.bans.empty());
  EXPECT_EQ(replica_->pending_evidence(), 0u);
  EXPECT_EQ(EvidenceBroadcasts(), 0u);
}

}  // namespace
}  // namespace agritrace::node

namespace agritrace::node {
namespace {

// A data directory restored from a backup: the chain is at 0, the signing state at height 3.
TEST_F(ReplicaTest, FollowsWithoutSigningUntilItsChainReachesItsSigningState) {
  guard_.double_sign_check_blocks = 10;
  Make(4, 0);
  const v1::Vote signed_before = SaveSigningState(0, 3);
  host_.pending = 1;
  replica_->Start();
  EXPECT_TRUE(replica_->following());
  const std::vector<v1::Block> blocks = Chain(2, 0, 3);
  Deliver(Key(1).public_key(), {blocks[0]}, 1);
  replica_->Tick();
  EXPECT_EQ(store_->Tip().height, 1u);
  EXPECT_TRUE(replica_->following());
  EXPECT_FALSE(transport_.BroadcastSigned());
  // Block 2: the engine resumes at height 3 and resends exactly what it signed there.
  Deliver(Key(1).public_key(), {blocks[1]}, 2);
  EXPECT_EQ(store_->Tip().height, 2u);
  EXPECT_FALSE(replica_->following());
  EXPECT_FALSE(host_.fatal);
  const std::vector<v1::Vote> votes = SignedVotes();
  ASSERT_FALSE(votes.empty());
  for (const v1::Vote& vote : votes) {
    if (vote.height() == 3 && vote.type() == v1::VOTE_TYPE_PREVOTE && vote.round() == 0) {
      EXPECT_EQ(vote.signature(), signed_before.signature());
    }
    EXPECT_GE(vote.height(), 3u);
  }
}

TEST_F(ReplicaTest, ANewKeyFollowsUntilAPeerHasToldItsTip) {
  guard_.follow_until_caught_up = true;
  Make(4, 0);
  replica_->Start();
  replica_->Tick();
  EXPECT_TRUE(replica_->following());
  Tip(Key(1).public_key(), 0);
  replica_->Tick();
  EXPECT_FALSE(replica_->following());
}

TEST_F(ReplicaTest, ANewKeyFollowsWhileAPeerIsAhead) {
  guard_.follow_until_caught_up = true;
  Make(4, 0);
  replica_->Start();
  const std::vector<v1::Block> blocks = Chain(2, 1, 3);
  Deliver(Key(1).public_key(), {blocks[0]}, 2);
  replica_->Tick();
  EXPECT_TRUE(replica_->following());
  Deliver(Key(1).public_key(), {blocks[1]}, 2);
  EXPECT_FALSE(replica_->following());
  EXPECT_FALSE(host_.fatal);
}

// Another process holds this key: its precommit at height 2 is above our signing state (1).
TEST_F(ReplicaTest, StopsBeforeSigningWhenItsOwnPrecommitIsOnChainAboveItsSigningState) {
  guard_.follow_until_caught_up = true;
  guard_.double_sign_check_blocks = 10;
  Make(4, 0);
  SaveSigningState(0, 1);
  replica_->Start();
  Deliver(Key(1).public_key(), Chain(2, 0, 3), 2);
  ASSERT_TRUE(host_.fatal);
  EXPECT_EQ(host_.fatal->reason(), Reason::kNotAuthorized);
  EXPECT_NE(host_.fatal->message().find("double-sign check: block 2 "), std::string::npos)
      << host_.fatal->message();
  EXPECT_FALSE(transport_.BroadcastSigned());
}

TEST_F(ReplicaTest, TheDoubleSignCheckLooksOnlyAsFarBackAsConfigured) {
  guard_.follow_until_caught_up = true;
  guard_.double_sign_check_blocks = 1;  // block 3 only, which we did not sign
  Make(4, 0);
  SaveSigningState(0, 1);
  replica_->Start();
  Deliver(Key(1).public_key(), Chain({0, 0, 1}, 3), 3);
  EXPECT_EQ(store_->Tip().height, 3u);
  EXPECT_FALSE(host_.fatal);
  EXPECT_FALSE(replica_->following());
}

TEST_F(ReplicaTest, NoDoubleSignCheckWhenTurnedOff) {
  guard_.follow_until_caught_up = true;
  guard_.double_sign_check_blocks = 0;
  Make(4, 0);
  SaveSigningState(0, 1);
  replica_->Start();
  Deliver(Key(1).public_key(), Chain(2, 0, 3), 2);
  EXPECT_FALSE(host_.fatal);
  EXPECT_FALSE(replica_->following());
}

}  // namespace
}  // namespace agritrace::node
