#include "node/p2p/peer_network.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "node/common/peer_limits.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;
using Clock = std::chrono::steady_clock;

namespace {

// A session that stayed up this long was healthy: the next dial starts from the shortest
// backoff again.
constexpr std::chrono::seconds kHealthySession{10};
// How often a dialer re-checks whether it is needed while a session is up or the peer banned.
constexpr std::chrono::milliseconds kDialerIdlePoll{250};
// Refusals of unlisted keys are logged at most this often (each is counted in the metrics).
constexpr std::chrono::seconds kUnlistedLogInterval{10};

// The other end's certificate on a TLS channel (empty without TLS).
std::string PemOf(const std::shared_ptr<const grpc::AuthContext>& auth) {
  if (!auth) return {};
  auto values = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (values.empty()) return {};
  return std::string(values.front().data(), values.front().size());
}

class ClientStream final : public PeerStream {
 public:
  explicit ClientStream(v1::Peer::Stub* stub) : rw_(stub->Connect(&context_)) {}
  bool Read(v1::PeerMessage* message) override { return rw_->Read(message); }
  bool Write(const v1::PeerMessage& message) override { return rw_->Write(message); }
  void Cancel() override { context_.TryCancel(); }
  std::string PeerCertificatePem() const override { return PemOf(context_.auth_context()); }
  void Finish() { (void)rw_->Finish(); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::PeerMessage, v1::PeerMessage>> rw_;
};

class ServerStream final : public PeerStream {
 public:
  ServerStream(grpc::ServerContext* context,
               grpc::ServerReaderWriter<v1::PeerMessage, v1::PeerMessage>* rw)
      : context_(context), rw_(rw) {}
  bool Read(v1::PeerMessage* message) override { return rw_->Read(message); }
  bool Write(const v1::PeerMessage& message) override { return rw_->Write(message); }
  void Cancel() override { context_->TryCancel(); }
  std::string PeerCertificatePem() const override { return PemOf(context_->auth_context()); }

 private:
  grpc::ServerContext* context_;
  grpc::ServerReaderWriter<v1::PeerMessage, v1::PeerMessage>* rw_;
};

// The PeerMessage field a message carries ("tip", "vote", ...), for the metrics.
std::string_view KindName(const v1::PeerMessage& message) {
  const auto* field = v1::PeerMessage::GetDescriptor()->FindFieldByNumber(message.kind_case());
  return field ? std::string_view(field->name()) : std::string_view("none");
}

// gRPC's peer string without the port: "ipv4:10.0.0.1:5000" -> "ipv4:10.0.0.1",
// "ipv6:[::1]:5000" -> "ipv6:[::1]". Streams from one host share a handshake budget.
std::string AddressWithoutPort(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  const size_t scheme = peer.find(':');
  if (colon == std::string::npos || colon == scheme) return peer;
  return peer.substr(0, colon);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                          std::shared_ptr<grpc::ChannelCredentials> credentials) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(kMaxPeerMessageBytes));
  args.SetMaxSendMessageSize(static_cast<int>(kMaxPeerMessageBytes));
  // Our own backoff decides when to dial; gRPC's (up to two minutes) must not delay it, and a
  // private subchannel pool keeps one dialer's failures from delaying another.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(kDialBackoffMin.count()));
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(kDialBackoffMin.count()));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(kDialBackoffMax.count()));
  if (!credentials) credentials = grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(address, credentials, args);
}

}  // namespace

PeerNetwork::PeerNetwork(const chain::Genesis& genesis, const chain::PrivateKey* key,
                         std::string our_name, PeerDirectory directory, uint32_t ban_seconds)
    : chain_id_(genesis.chain_id),
      genesis_hash_(genesis.hash),
      key_(key),
      our_name_(std::move(our_name)),
      directory_(std::make_shared<const PeerDirectory>(std::move(directory))),
      ban_time_(ban_seconds) {}

PeerNetwork::~PeerNetwork() { Stop(); }

void PeerNetwork::Start() {
  std::lock_guard lock(mu_);
  started_ = true;
  for (const auto& peer : directory_->entries()) {
    if (peer.pubkey == key_->public_key() || peer.address.empty()) continue;
    dialed_.insert(peer.pubkey);
    dialers_.emplace_back([this, peer] { DialLoop(peer); });
  }
}

std::shared_ptr<const PeerDirectory> PeerNetwork::directory() const {
  std::lock_guard lock(mu_);
  return directory_;
}

void PeerNetwork::SetDirectory(PeerDirectory directory) {
  auto next = std::make_shared<const PeerDirectory>(std::move(directory));
  std::lock_guard lock(mu_);
  directory_ = next;
  for (auto& [key, session] : sessions_) {
    if (!next->Find(key)) session->Close();
  }
  if (!started_ || stopping_) return;
  for (const auto& peer : next->entries()) {
    if (peer.pubkey == key_->public_key() || peer.address.empty()) continue;
    if (!dialed_.insert(peer.pubkey).second) continue;
    spdlog::info("dialing {} ({}) at {}", peer.name, PeerKindName(peer.kind), peer.address);
    dialers_.emplace_back([this, peer] { DialLoop(peer); });
  }
}

void PeerNetwork::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && dialers_.empty()) return;
    stopping_ = true;
    for (auto& [key, session] : sessions_) session->Close();
  }
  stop_cv_.notify_all();
  for (auto& dialer : dialers_) dialer.join();
  dialers_.clear();
}

SessionContext PeerNetwork::MakeContext(bool outbound) {
  SessionContext context;
  context.chain_id = chain_id_;
  context.genesis_hash = genesis_hash_;
  context.key = key_;
  context.our_name = our_name_;
  if (own_certificates_) {
    context.own_certificate_hash =
        outbound ? own_certificates_->client_hash : own_certificates_->server_hash;
  }
  context.on_refused = [this](std::string_view why, const Status& status) {
    RefusedChannel(why, status);
  };
  context.admit = [this](const chain::PubKey& key) { return Admit(key); };
  context.on_open = [this](PeerSession* s) { return OnOpen(s); };
  context.on_message = [this](PeerSession* s, v1::PeerMessage&& m) {
    return OnMessage(s, std::move(m));
  };
  context.on_close = [this](PeerSession* s) { OnClose(s); };
  context.on_fault = [this](PeerSession* s, const Status& why) { Ban(s->peer().pubkey, why); };
  return context;
}

chain::Result<PeerEntry> PeerNetwork::Admit(const chain::PubKey& key) {
  auto entry = directory()->Find(key);
  if (!entry) {
    Refused(key, chain::ToHex(key), /*banned=*/false);
    return Reject(Reason::kNotAuthorized,
                  "node " + chain::ToHex(key) + " is neither a validator nor a listed observer");
  }
  if (IsBanned(key)) {
    Refused(key, entry->name, /*banned=*/true);
    return Reject(Reason::kNotAuthorized, "peer " + entry->name + " is banned");
  }
  return *entry;
}

// Logs the first refusal of each ban (later redials are only counted) and unlisted keys at
// most every kUnlistedLogInterval.
void PeerNetwork::Refused(const chain::PubKey& key, const std::string& name, bool banned) {
  if (metrics_) metrics_->OnPeerRefused(banned ? "banned" : "not_listed");
  std::unique_lock lock(mu_);
  if (banned) {
    if (refusals_during_ban_[key]++ > 0) return;
    auto left = std::chrono::duration_cast<std::chrono::seconds>(banned_until_[key] - Clock::now());
    lock.unlock();
    spdlog::warn("refused peer {}: banned for {} more s", name, left.count());
    return;
  }
  const auto now = Clock::now();
  if (now - last_unlisted_log_ < kUnlistedLogInterval) return;
  last_unlisted_log_ = now;
  lock.unlock();
  spdlog::warn("refused peer {}: neither a validator nor a listed observer", name);
}

// A TLS end refused at the handshake for its certificate or its channel binding: counted, and
// logged at most every kUnlistedLogInterval (an outsider with a network certificate may repeat
// it). Nobody is banned: the key it claimed is not proven to be behind it.
void PeerNetwork::RefusedChannel(std::string_view why, const Status& status) {
  if (metrics_) metrics_->OnPeerRefused(why);
  {
    std::lock_guard lock(mu_);
    const auto now = Clock::now();
    if (now - last_channel_log_ < kUnlistedLogInterval) return;
    last_channel_log_ = now;
  }
  spdlog::warn("refused a peer at the handshake ({}): {}", why, status.ToString());
}

bool PeerNetwork::OnOpen(PeerSession* session) {
  const chain::PubKey& key = session->peer().pubkey;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    if (sessions_.size() >= kMaxPeerSessions || sessions_.count(key) >= kMaxSessionsPerPeer) {
      const bool per_key = sessions_.count(key) >= kMaxSessionsPerPeer;
      if (metrics_) metrics_->OnPeerRefused(per_key ? "sessions_per_key" : "sessions");
      spdlog::debug("refused a session with {}: {}", session->peer().name,
                    per_key ? "it already has " + std::to_string(kMaxSessionsPerPeer)
                            : std::string("too many sessions"));
      return false;
    }
    sessions_.emplace(key, session);
  }
  spdlog::info("peer {} ({}) connected ({})", session->peer().name,
               PeerKindName(session->peer().kind), session->outbound() ? "outbound" : "inbound");
  if (handler_) handler_->OnPeerConnected(session->peer());
  return true;
}

void PeerNetwork::OnClose(PeerSession* session) {
  std::lock_guard lock(mu_);
  auto range = sessions_.equal_range(session->peer().pubkey);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == session) {
      sessions_.erase(it);
      break;
    }
  }
}

Status PeerNetwork::OnMessage(PeerSession* session, v1::PeerMessage&& message) {
  if (!handler_) return Status::Ok();
  Status status = handler_->OnPeerMessage(session->peer(), std::move(message));
  if (!status.ok()) Ban(session->peer().pubkey, status.ToString());
  return status;
}

Status PeerNetwork::TakeHandshakeSlot(const std::string& address) {
  std::unique_lock lock(mu_);
  size_t& from_address = pending_by_address_[address];
  std::string why;
  if (pending_handshakes_ >= kMaxPendingHandshakes) {
    why =
        "too many peer streams in their handshake (" + std::to_string(kMaxPendingHandshakes) + ")";
  } else if (from_address >= kMaxPendingHandshakesPerAddress) {
    why = "too many peer streams in their handshake from " + address + " (" +
          std::to_string(kMaxPendingHandshakesPerAddress) + ")";
  }
  if (why.empty()) {
    ++pending_handshakes_;
    ++from_address;
    return Status::Ok();
  }
  if (from_address == 0) pending_by_address_.erase(address);
  const auto now = Clock::now();
  const bool log = now - last_pending_log_ >= kUnlistedLogInterval;
  if (log) last_pending_log_ = now;
  lock.unlock();
  if (metrics_) metrics_->OnPeerRefused("handshake_slots");
  if (log) spdlog::warn("refused a peer stream: {}", why);
  return Reject(Reason::kUnavailable, why);
}

void PeerNetwork::ReleaseHandshakeSlot(const std::string& address) {
  std::lock_guard lock(mu_);
  --pending_handshakes_;
  auto it = pending_by_address_.find(address);
  if (it != pending_by_address_.end() && --it->second == 0) pending_by_address_.erase(it);
}

// A stream holds this synchronous gRPC thread for its whole life. Before its handshake it is
// unauthenticated, so such streams get a small budget (TakeHandshakeSlot) and a short deadline
// (kHandshakeTimeout); one refused returns at once and holds nothing (scenario 2).
grpc::Status PeerNetwork::Connect(grpc::ServerContext* context,
                                  grpc::ServerReaderWriter<v1::PeerMessage, v1::PeerMessage>* rw) {
  const std::string address = AddressWithoutPort(context->peer());
  if (Status slot = TakeHandshakeSlot(address); !slot.ok()) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, slot.ToString());
  }
  ServerStream stream(context, rw);
  Status status;
  {
    SessionContext session_context = MakeContext(/*outbound=*/false);
    bool released = false;
    session_context.on_handshake_done = [this, &address, &released] {
      ReleaseHandshakeSlot(address);
      released = true;
    };
    PeerSession session(std::move(session_context), &stream, /*outbound=*/false);
    status = session.Run();
    if (!released) ReleaseHandshakeSlot(address);
  }
  if (!status.ok()) spdlog::debug("inbound peer session from {} ended: {}", context->peer(),
                                  status.ToString());
  return grpc::Status::OK;
}

void PeerNetwork::DialLoop(PeerEntry peer) {
  auto backoff = kDialBackoffMin;
  while (true) {
    // A peer the chain no longer lists (a removed validator) is not dialed while unlisted.
    if (HasSession(peer.pubkey) || IsBanned(peer.pubkey) || !directory()->Find(peer.pubkey)) {
      if (!SleepUnlessStopping(kDialerIdlePoll)) return;
      continue;
    }
    auto stub = v1::Peer::NewStub(MakeChannel(peer.address, channel_credentials_));
    auto started = Clock::now();
    Status status;
    {
      ClientStream stream(stub.get());
      {
        PeerSession session(MakeContext(/*outbound=*/true), &stream, /*outbound=*/true);
        status = session.Run();
      }
      stream.Finish();
    }
    if (!status.ok()) spdlog::debug("dial {} at {}: {}", peer.name, peer.address, status.ToString());
    backoff = Clock::now() - started > kHealthySession ? kDialBackoffMin
                                                       : std::min(backoff * 2, kDialBackoffMax);
    if (!SleepUnlessStopping(backoff)) return;
  }
}

bool PeerNetwork::SleepUnlessStopping(std::chrono::milliseconds duration) {
  std::unique_lock lock(mu_);
  return !stop_cv_.wait_for(lock, duration, [&] { return stopping_; });
}

bool PeerNetwork::HasSession(const chain::PubKey& key) const {
  std::lock_guard lock(mu_);
  return sessions_.count(key) > 0;
}

bool PeerNetwork::IsBanned(const chain::PubKey& peer) const {
  std::lock_guard lock(mu_);
  auto it = banned_until_.find(peer);
  return it != banned_until_.end() && Clock::now() < it->second;
}

void PeerNetwork::Ban(const chain::PubKey& peer, const std::string& why) {
  const size_t colon = why.find(':');
  if (colon == std::string::npos) return Ban(peer, Status(Reason::kInternal, why));
  std::string sentence = why.substr(colon + 1);
  if (!sentence.empty() && sentence.front() == ' ') sentence.erase(0, 1);
  Ban(peer, Status(chain::ReasonFromName(why.substr(0, colon)), sentence));
}

void PeerNetwork::Ban(const chain::PubKey& peer, const Status& why) {
  const auto entry = directory()->Find(peer);
  const std::string name = entry ? entry->name : chain::ToHex(peer);
  {
    std::lock_guard lock(mu_);
    banned_until_[peer] = Clock::now() + ban_time_;
    refusals_during_ban_.erase(peer);
    auto range = sessions_.equal_range(peer);
    for (auto it = range.first; it != range.second; ++it) it->second->Close();
  }
  spdlog::warn("banning peer {} for {} s: {}", name, ban_time_.count(), why.ToString());
  if (metrics_) metrics_->OnPeerBanned(chain::ReasonName(why.reason()));
}

void PeerNetwork::Broadcast(std::shared_ptr<const v1::PeerMessage> shared,
                            const chain::PubKey* except) {
  uint64_t copies = 0;
  {
    std::lock_guard lock(mu_);
    const chain::PubKey* last = nullptr;
    for (auto& [key, session] : sessions_) {
      if ((except && key == *except) || (last && *last == key)) continue;  // one copy per peer
      last = &key;
      copies += session->Send(shared) ? 1 : 0;
    }
  }
  if (metrics_) metrics_->OnPeerMessagesQueued(KindName(*shared), copies);
}

bool PeerNetwork::SendTo(const chain::PubKey& peer,
                         std::shared_ptr<const v1::PeerMessage> message) {
  const std::string_view kind = KindName(*message);
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    // The newest session with the peer: a greeting (OnPeerConnected) reaches the session that
    // just opened, and the one that stays when an older duplicate ends.
    auto range = sessions_.equal_range(peer);
    if (range.first == range.second) return false;
    queued = std::prev(range.second)->second->Send(std::move(message));
  }
  if (metrics_ && queued) metrics_->OnPeerMessagesQueued(kind, 1);
  return queued;
}

size_t PeerNetwork::connected_peers() const {
  std::lock_guard lock(mu_);
  std::set<chain::PubKey> keys;
  for (const auto& [key, session] : sessions_) keys.insert(key);
  return keys.size();
}

std::vector<PeerEntry> PeerNetwork::ConnectedPeers() const {
  std::lock_guard lock(mu_);
  std::vector<PeerEntry> out;
  for (const auto& [key, session] : sessions_) {
    if (out.empty() || out.back().pubkey != key) out.push_back(session->peer());
  }
  return out;
}

}  // namespace agritrace::node
