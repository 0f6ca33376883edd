// agritrace-hostile-peer: a misbehaving peer for tests. It dials one node's agritrace.v1.Peer
// service, performs the real handshake with a node key (one the network admits, e.g. a devnet
// validator's, or a fresh one with --random-key), then misbehaves according to --mode and
// reports how the node reacted.
//
//   agritrace-hostile-peer --target HOST:PORT --genesis genesis.json
//       (--key-file node_key.json | --random-key) --mode MODE [--wait-ms 5000]
//       [--tls-ca CA --tls-cert CERT --tls-key KEY [--trust-node]] [--count N] [--streams N]
//
// With TLS, the node's handshake proof is checked against our certificate as an honest peer
// does; --trust-node skips that check and goes on as if admitted, so that what the node itself
// decides about our proof shows (it greets us or ends the stream: "disconnected").
//
// Modes (what is sent after the handshake; repeated on every new tip until disconnected):
//   hold            nothing: stays connected (shows the key is admitted)
//   garbage         bytes that are not a PeerMessage
//   empty           a PeerMessage with no known field
//   rehello         a second hello
//   bad-record      a record whose body is garbage
//   forged-vote     a prevote for the current height in our name with a corrupted signature
//   nonmember-vote  a prevote signed by a key that is not a validator
//   bad-cert        a block at tip + 1 whose commit certificate holds forged signatures
//   double-vote     validly signed prevotes in our name for the node's next height, round 0:
//                   nil and a made-up block, alternately (equivocation: evidence, not a ban)
//   flood           tip messages as fast as the stream takes them
//   replay          fetches the node's blocks by sync, rebuilds precommits from their commit
//                   certificates (a precommit for a block is exactly a CommitSig), and replays
//                   --count of them (default 100,000) signed by one other validator, paced
//                   like an honest sender (below the per-peer rate limit): valid, old
//                   messages that no honest node may count as a fault. Reports the tips the
//                   node answered with.
//   sessions        opens --streams sessions (default 20) with the one key, each on its own
//                   connection, and reports how many the node admitted
//   idle            opens --streams Connect streams that never send a byte and reopens each
//                   as it ends, until --wait-ms; reports how many the node opened or refused
//
// Prints one line and exits: 0 "disconnected ..." (the node closed the stream), 3 "refused ..."
// (the node ended the handshake without proving its key: we are not admitted), 4 "still
// connected ..." (nothing happened within --wait-ms), 1 on a usage or setup error.
// The node's side (ban, reason) is in its log and /metrics.
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agritrace/v1/peer.pb.h"
#include "chain/base/hash.h"
#include "chain/model/block.h"
#include "chain/consensus/messages.h"
#include "chain/io/file_util.h"
#include "chain/io/genesis_file.h"
#include "chain/model/genesis.h"
#include "chain/keystore/keystore.h"
#include "node/p2p/peer_handshake.h"
#include "node/p2p/tls.h"
#include "node/common/peer_limits.h"
#include "node/common/token_bucket.h"

namespace {

using agritrace::chain::Hash256;
using agritrace::chain::PrivateKey;
namespace chain = agritrace::chain;
namespace node = agritrace::node;
namespace v1 = agritrace::v1;
using Clock = std::chrono::steady_clock;
using RawStream = grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>;

constexpr int kExitDisconnected = 0;
constexpr int kExitError = 1;
constexpr int kExitRefused = 3;
constexpr int kExitStillConnected = 4;
// How often an attack is repeated (on the newest tip) while the node keeps the stream open.
constexpr std::chrono::milliseconds kAttackInterval{300};

struct Args {
  std::string target, genesis, key_file, mode, tls_ca, tls_cert, tls_key;
  bool random_key = false;
  bool trust_node = false;  // do not check the node's handshake proof
  int wait_ms = 5000;
  uint64_t count = 100'000;  // replay: messages to send
  int streams = 20;          // sessions, idle: streams to open
};

int Fail(const std::string& why) {
  std::fprintf(stderr, "agritrace-hostile-peer: %s\n", why.c_str());
  return kExitError;
}

bool ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--random-key") {
      args.random_key = true;
      continue;
    }
    if (flag == "--trust-node") {
      args.trust_node = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    std::string value = argv[++i];
    if (flag == "--target") args.target = value;
    else if (flag == "--genesis") args.genesis = value;
    else if (flag == "--key-file") args.key_file = value;
    else if (flag == "--mode") args.mode = value;
    else if (flag == "--wait-ms") args.wait_ms = std::atoi(value.c_str());
    else if (flag == "--tls-ca") args.tls_ca = value;
    else if (flag == "--tls-cert") args.tls_cert = value;
    else if (flag == "--tls-key") args.tls_key = value;
    else if (flag == "--streams") args.streams = std::atoi(value.c_str());
    else if (flag == "--count") args.count = std::strtoull(value.c_str(), nullptr, 10);
    else return false;
  }
  return !args.target.empty() && !args.genesis.empty() && !args.mode.empty() &&
         (args.random_key || !args.key_file.empty());
}

std::string ReadText(const std::string& path) {
  auto text = chain::ReadFile(path, 1024 * 1024);
  return text.ok() ? *text : std::string();
}

std::shared_ptr<grpc::Channel> MakeChannel(const Args& args, bool own_connection = false) {
  grpc::ChannelArguments channel_args;
  if (own_connection) channel_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  channel_args.SetMaxSendMessageSize(static_cast<int>(node::kMaxPeerMessageBytes));
  channel_args.SetMaxReceiveMessageSize(static_cast<int>(node::kMaxPeerMessageBytes));
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!args.tls_ca.empty()) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadText(args.tls_ca);
    options.pem_cert_chain = ReadText(args.tls_cert);
    options.pem_private_key = ReadText(args.tls_key);
    credentials = grpc::SslCredentials(options);
  }
  return grpc::CreateCustomChannel(args.target, credentials, channel_args);
}

// The peer stream with raw bytes on the wire, so that "garbage" can be sent at all.
class Wire {
 public:
  explicit Wire(std::shared_ptr<grpc::Channel> channel)
      : channel_(std::move(channel)),
        method_("/agritrace.v1.Peer/Connect", grpc::internal::RpcMethod::BIDI_STREAMING),
        stream_(grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::
                    Create(channel_.get(), method_, &context_)) {}
  ~Wire() { Cancel(); }
  // The node's TLS certificate as this end sees it (empty without TLS); after a first Read.
  std::string PeerCertificatePem() const {
    auto auth = context_.auth_context();
    if (!auth) return {};
    auto values = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
    if (values.empty()) return {};
    return std::string(values.front().data(), values.front().size());
  }
  // Ends the stream; a blocked Read returns false.
  void Cancel() { context_.TryCancel(); }

  bool WriteBytes(const std::string& bytes) {
    std::lock_guard lock(write_mu_);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    return stream_->Write(buffer);
  }
  bool Write(const v1::PeerMessage& message) { return WriteBytes(message.SerializeAsString()); }
  bool Read(v1::PeerMessage* message) {
    grpc::ByteBuffer buffer;
    if (!stream_->Read(&buffer)) return false;
    std::vector<grpc::Slice> slices;
    if (!buffer.Dump(&slices).ok()) return false;
    std::string bytes;
    for (const auto& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    return message->ParseFromString(bytes);
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::internal::RpcMethod method_;
  grpc::ClientContext context_;
  std::unique_ptr<RawStream> stream_;
  std::mutex write_mu_;
};

// What the node told us after the handshake (its tip), gathered by a reader thread.
struct NodeView {
  std::mutex mu;
  uint64_t height = 0;
  Hash256 tip_hash{};
  bool have_tip = false;
  std::vector<v1::Vote> precommits;  // rebuilt from the certificates of synced blocks
  bool have_blocks = false;
  std::atomic<uint64_t> tips{0};
  std::atomic<bool> closed{false};
};

// Every CommitSig of a block's certificate is a precommit its validator signed.
void CollectPrecommits(const v1::SyncResponse& response, NodeView* view) {
  std::lock_guard lock(view->mu);
  for (const v1::Block& block : response.blocks()) {
    const v1::CommitCertificate& cert = block.certificate();
    for (const v1::CommitSig& sig : cert.signatures()) {
      v1::Vote vote;
      vote.set_height(cert.height());
      vote.set_round(cert.round());
      vote.set_type(v1::VOTE_TYPE_PRECOMMIT);
      vote.set_block_hash(cert.block_hash());
      vote.set_validator(sig.validator());
      vote.set_signature(sig.signature());
      view->precommits.push_back(std::move(vote));
    }
  }
  view->have_blocks = true;
}

void ReadLoop(Wire* wire, NodeView* view) {
  v1::PeerMessage message;
  while (wire->Read(&message)) {
    if (message.has_sync_response()) CollectPrecommits(message.sync_response(), view);
    if (!message.has_tip()) continue;
    ++view->tips;
    auto hash = chain::ArrayFromBytes<32>(message.tip().tip_hash());
    if (!hash) continue;
    std::lock_guard lock(view->mu);
    view->height = message.tip().height();
    view->tip_hash = *hash;
    view->have_tip = true;
  }
  view->closed = true;
}

// One attack message for the node's current tip (nullopt: nothing to send yet).
std::optional<std::string> Attack(const std::string& mode, const chain::Genesis& genesis,
                                  const PrivateKey& key, uint64_t height, const Hash256& tip) {
  v1::PeerMessage message;
  const uint64_t next = height + 1;
  if (mode == "garbage") return std::string("\x0f\xff\xff\xff garbage, not a PeerMessage");
  if (mode == "empty") return std::string("\xa2\x06\x01x", 4);  // field 100 only
  if (mode == "rehello") {
    Hash256 challenge{};
    *message.mutable_hello() = node::MakeHello(genesis.chain_id, genesis.hash, key.public_key(),
                                               "hostile", &challenge);
  } else if (mode == "bad-record") {
    message.mutable_record()->set_body("\x01garbage body");
    message.mutable_record()->set_signer(chain::AsBytes(key.public_key()));
    message.mutable_record()->set_signature(std::string(64, '\x01'));
  } else if (mode == "forged-vote" || mode == "nonmember-vote") {
    const PrivateKey signer = mode == "forged-vote" ? key : PrivateKey::Generate();
    *message.mutable_vote() = chain::SignVote(signer, genesis.chain_id, next, 0,
                                              v1::VOTE_TYPE_PREVOTE, std::nullopt);
    if (mode == "forged-vote") (*message.mutable_vote()->mutable_signature())[5] ^= 0x5a;
  } else if (mode == "double-vote") {
    static bool for_block = false;  // the two values take turns
    for_block = !for_block;
    std::optional<Hash256> value;
    if (for_block) value = chain::Sha256("hostile double vote " + std::to_string(next));
    *message.mutable_vote() =
        chain::SignVote(key, genesis.chain_id, next, 0, v1::VOTE_TYPE_PREVOTE, value);
  } else if (mode == "bad-cert") {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    v1::Block block = chain::MakeBlock(genesis.chain_id, next, tip, now_ms, key.public_key(), {});
    const Hash256 hash = chain::BlockHash(block.header());
    v1::CommitCertificate* cert = block.mutable_certificate();
    cert->set_height(next);
    cert->set_round(0);
    cert->set_block_hash(chain::AsBytes(hash));
    // Every validator "signed", but with a key that is not theirs.
    const PrivateKey forger = PrivateKey::Generate();
    for (const auto& validator : genesis.validator_set().validators) {
      v1::CommitSig sig = chain::SignPrecommit(forger, genesis.chain_id, next, 0, hash);
      sig.set_validator(chain::AsBytes(validator));
      *cert->add_signatures() = sig;
    }
    *message.mutable_commit() = block;
  } else {
    return std::nullopt;  // hold and flood: handled by the caller
  }
  return message.SerializeAsString();
}

// The precommits of the validator (neither us nor the node we talk to) that signed most of the
// certificates we fetched: replaying one signer's votes aims every answer at one victim.
std::vector<v1::Vote> VictimPrecommits(NodeView& view, const chain::PubKey& ours,
                                       const chain::PubKey& theirs) {
  std::lock_guard lock(view.mu);
  std::map<std::string, std::vector<v1::Vote>> by_signer;
  for (const v1::Vote& vote : view.precommits) {
    if (vote.validator() == chain::AsBytes(ours) || vote.validator() == chain::AsBytes(theirs)) {
      continue;
    }
    by_signer[vote.validator()].push_back(vote);
  }
  std::vector<v1::Vote> best;
  for (auto& [signer, votes] : by_signer) {
    if (votes.size() > best.size()) best = std::move(votes);
  }
  return best;
}

// replay: fetch blocks, then send `count` old precommits as fast as an honest sender may.
// Returns false when there was nothing to replay.
bool Replay(const Args& args, Wire& wire, NodeView& view, const chain::PubKey& ours,
            const chain::PubKey& theirs, Clock::time_point deadline, uint64_t* sent) {
  v1::PeerMessage request;
  request.mutable_sync_request()->set_from_height(1);
  request.mutable_sync_request()->set_max_blocks(node::kSyncBatchBlocks);
  if (!wire.Write(request)) return false;
  while (Clock::now() < deadline && !view.closed) {
    {
      std::lock_guard lock(view.mu);
      if (view.have_blocks) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::vector<v1::Vote> votes = VictimPrecommits(view, ours, theirs);
  if (votes.empty()) return false;
  std::vector<std::string> wire_bytes;
  for (const v1::Vote& vote : votes) {
    v1::PeerMessage message;
    *message.mutable_vote() = vote;
    wire_bytes.push_back(message.SerializeAsString());
  }
  node::TokenBucket pacing(node::kPeerMessagesPerSecond * node::kPeerSendPacing,
                           node::kPeerBurstMessages * node::kPeerSendPacing, Clock::now());
  while (*sent < args.count && Clock::now() < deadline && !view.closed) {
    if (auto wait = pacing.WaitTime(Clock::now()); wait.count() > 0) {
      std::this_thread::sleep_for(wait);
      continue;
    }
    (void)pacing.TryTake(Clock::now());
    if (!wire.WriteBytes(wire_bytes[*sent % wire_bytes.size()])) break;
    ++*sent;
  }
  std::printf("replayed %llu precommits (%zu distinct, one signer)\n",
              static_cast<unsigned long long>(*sent), wire_bytes.size());
  return true;
}

// Returns the exit code after the handshake succeeded.
int Misbehave(const Args& args, Wire& wire, const chain::Genesis& genesis, const PrivateKey& key,
              const chain::PubKey& their_key) {
  NodeView view;
  std::thread reader(ReadLoop, &wire, &view);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::milliseconds(args.wait_ms);
  uint64_t sent = 0;
  auto report = [&](int code, const char* what) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    std::printf("%s after %llu %s messages in %lld ms (%llu tips received)\n", what,
                static_cast<unsigned long long>(sent), args.mode.c_str(),
                static_cast<long long>(ms), static_cast<unsigned long long>(view.tips.load()));
    std::fflush(stdout);
    return code;
  };
  int code = kExitStillConnected;
  while (Clock::now() < deadline) {
    if (view.closed) {
      code = kExitDisconnected;
      break;
    }
    uint64_t height;
    Hash256 tip;
    {
      std::lock_guard lock(view.mu);
      height = view.height;
      tip = view.tip_hash;
      if (!view.have_tip && args.mode != "garbage" && args.mode != "empty") {
        height = UINT64_MAX;  // wait for the tip before height-bound attacks
      }
    }
    if (args.mode == "replay" && height != UINT64_MAX) {
      if (!Replay(args, wire, view, key.public_key(), their_key, deadline, &sent)) {
        wire.Cancel();
        reader.join();
        return Fail("nothing to replay: the node sent no certificate of another validator");
      }
      break;
    }
    if (args.mode == "flood") {
      v1::PeerMessage message;
      message.mutable_tip()->set_height(height == UINT64_MAX ? 0 : height);
      message.mutable_tip()->set_tip_hash(chain::AsBytes(tip));
      const std::string bytes = message.SerializeAsString();
      while (Clock::now() < deadline && wire.WriteBytes(bytes)) ++sent;
      continue;
    }
    if (height != UINT64_MAX && args.mode != "hold") {
      auto bytes = Attack(args.mode, genesis, key, height, tip);
      if (bytes && wire.WriteBytes(*bytes)) ++sent;
    }
    std::this_thread::sleep_for(args.mode == "hold" ? std::chrono::milliseconds(50)
                                                     : kAttackInterval);
  }
  if (view.closed) code = kExitDisconnected;
  code = report(code, code == kExitDisconnected ? "disconnected" : "still connected");
  wire.Cancel();
  reader.join();
  return code;
}

// The handshake, as node/p2p/peer_session.cc does it: hello both ways, then each side's auth.
// kHandshakeDone, or the exit code to report.
constexpr int kHandshakeDone = -1;
int Handshake(const Args& args, Wire& wire, const chain::Genesis& genesis, const PrivateKey& key,
              chain::PubKey* their_key_out) {
  Hash256 challenge{};
  v1::PeerMessage hello;
  *hello.mutable_hello() = node::MakeHello(genesis.chain_id, genesis.hash, key.public_key(),
                                           "hostile", &challenge);
  v1::PeerMessage theirs;
  if (!wire.Write(hello) || !wire.Read(&theirs) || !theirs.has_hello()) {
    std::printf("refused before hello (no connection, TLS failure or not a peer port)\n");
    return kExitRefused;
  }
  auto their_key = node::CheckHello(theirs.hello(), genesis.chain_id, genesis.hash);
  if (!their_key.ok()) return Fail("their hello: " + their_key.status().ToString());
  // With TLS, bound to the channel as node/p2p/peer_session.cc does it.
  Hash256 their_binding{}, our_binding{};
  if (!args.tls_ca.empty()) {
    their_binding = node::CertificateHash(wire.PeerCertificatePem()).value_or(Hash256{});
    our_binding = node::CertificateHash(ReadText(args.tls_cert)).value_or(Hash256{});
  }
  v1::PeerMessage auth;
  *auth.mutable_auth() =
      node::MakeAuth(key, genesis.chain_id, genesis.hash, theirs.hello(), their_binding);
  v1::PeerMessage their_auth;
  if (!wire.Write(auth) || !wire.Read(&their_auth) || !their_auth.has_auth()) {
    std::printf("refused at handshake: %s did not accept our key\n", args.target.c_str());
    return kExitRefused;
  }
  if (!args.trust_node &&
      !node::CheckAuth(their_auth.auth(), genesis.chain_id, genesis.hash, challenge, *their_key,
                       key.public_key(), our_binding)
           .ok()) {
    // Through a relay the node's proof is bound to the relay's certificate, not ours.
    std::printf("refused at handshake: the node's proof is not bound to our TLS channel\n");
    return kExitRefused;
  }
  *their_key_out = *their_key;
  return kHandshakeDone;
}

// sessions: --streams sessions with our one key, each handshaken; a session is admitted when
// the node greets it with its tip (it does on every session it opens), refused when the node
// ends the stream instead. All are held until every one is decided.
int OpenSessions(const Args& args, const chain::Genesis& genesis, const PrivateKey& key) {
  std::vector<std::unique_ptr<Wire>> wires;
  int admitted = 0, refused = 0;
  for (int i = 0; i < args.streams; ++i) {
    // Each on its own connection, as separate dialers would.
    wires.push_back(std::make_unique<Wire>(MakeChannel(args, /*own_connection=*/true)));
    chain::PubKey their_key{};
    if (Handshake(args, *wires.back(), genesis, key, &their_key) != kHandshakeDone) {
      ++refused;
      continue;
    }
    v1::PeerMessage message;
    bool greeted = false;
    while (wires.back()->Read(&message)) {
      if (message.has_tip()) {
        greeted = true;
        break;
      }
    }
    ++(greeted ? admitted : refused);
  }
  std::printf("admitted %d of %d sessions with one key (%d refused)\n", admitted, args.streams,
              refused);
  return kExitDisconnected;
}

// idle: --streams Connect streams that never send a byte, spread over connections, each
// reopened as soon as it ends, until --wait-ms. Counts the streams the node opened (it sent
// its hello) and those it refused at once.
int HoldIdleStreams(const Args& args) {
  constexpr int kStreamsPerConnection = 90;  // below the server's 100 concurrent streams
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < (args.streams + kStreamsPerConnection - 1) / kStreamsPerConnection; ++i) {
    channels.push_back(MakeChannel(args, /*own_connection=*/true));
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(args.wait_ms);
  std::atomic<uint64_t> opened{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < args.streams; ++i) {
    threads.emplace_back([&, channel = channels[i / kStreamsPerConnection]] {
      while (Clock::now() < deadline) {
        Wire wire(channel);
        v1::PeerMessage hello;
        if (!wire.Read(&hello)) {
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
        ++opened;
        std::thread cancel([&] {
          while (Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
          wire.Cancel();
        });
        while (wire.Read(&hello)) {
        }
        cancel.join();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::printf("idle streams: %llu opened by the node, %llu refused at once\n",
              static_cast<unsigned long long>(opened.load()),
              static_cast<unsigned long long>(refused.load()));
  return kExitDisconnected;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, args)) {
    return Fail("usage: --target HOST:PORT --genesis FILE (--key-file FILE | --random-key) "
                "--mode MODE [--wait-ms MS] [--tls-ca F --tls-cert F --tls-key F]");
  }
  static const char* kModes[] = {"hold",        "garbage",        "empty",    "rehello",
                                 "bad-record",  "forged-vote",    "nonmember-vote",
                                 "bad-cert",    "flood",          "replay",
                                 "sessions",    "idle",           "double-vote"};
  bool known = false;
  for (const char* mode : kModes) known = known || args.mode == mode;
  if (!known) return Fail("unknown mode " + args.mode);
  auto genesis = chain::LoadGenesis(args.genesis);
  if (!genesis.ok()) return Fail(genesis.status().ToString());
  std::optional<PrivateKey> key;
  if (args.random_key) {
    key = PrivateKey::Generate();
  } else {
    const char* password = std::getenv("AGRITRACE_PASSWORD");
    auto file = chain::ReadFile(args.key_file, 64 * 1024);
    if (!file.ok()) return Fail(file.status().ToString());
    auto decrypted = chain::DecryptKey(*file, password ? password : "agritrace-dev");
    if (!decrypted.ok()) return Fail(decrypted.status().ToString());
    key = *decrypted;
  }

  if (args.mode == "idle") return HoldIdleStreams(args);
  if (args.mode == "sessions") return OpenSessions(args, *genesis, *key);
  Wire wire(MakeChannel(args));
  chain::PubKey their_key{};
  if (int code = Handshake(args, wire, *genesis, *key, &their_key); code != kHandshakeDone) {
    return code;
  }
  return Misbehave(args, wire, *genesis, *key, their_key);
}
