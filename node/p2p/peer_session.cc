#include "node/p2p/peer_session.h"

#include <spdlog/spdlog.h>

#include "node/p2p/peer_handshake.h"
#include "node/p2p/tls.h"
#include "node/common/peer_limits.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;

PeerSession::PeerSession(SessionContext context, PeerStream* stream, bool outbound)
    : context_(std::move(context)),
      stream_(stream),
      outbound_(outbound),
      receive_limit_(kPeerMessagesPerSecond, kPeerBurstMessages, TokenBucket::Clock::now()),
      send_pacing_(kPeerMessagesPerSecond * kPeerSendPacing, kPeerBurstMessages * kPeerSendPacing,
                   TokenBucket::Clock::now()) {}

PeerSession::~PeerSession() {
  Close();
  if (writer_.joinable()) writer_.join();
  if (watchdog_.joinable()) watchdog_.join();
}

Status PeerSession::Run() {
  StartHandshakeWatchdog();
  Status status = Handshake();
  if (context_.on_handshake_done) context_.on_handshake_done();
  if (!status.ok()) {
    Close();
    return status;
  }
  if (!context_.on_open(this)) {
    Close();
    return Reject(Reason::kUnavailable, "session with " + peer_.name + " refused");
  }
  writer_ = std::thread([this] { WriterLoop(); });
  status = ReadLoop();
  Close();
  context_.on_close(this);
  return status;
}

// The stream is cancelled if the handshake has not finished in time, so a silent dialer
// cannot hold a server thread.
void PeerSession::StartHandshakeWatchdog() {
  watchdog_ = std::thread([this] {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kHandshakeTimeout, [&] { return closed_ || authenticated_.load(); });
    if (!closed_ && !authenticated_) {
      lock.unlock();
      stream_->Cancel();
    }
  });
}

Status PeerSession::Handshake() {
  chain::Hash256 challenge{};
  v1::PeerMessage hello;
  *hello.mutable_hello() = MakeHello(context_.chain_id, context_.genesis_hash,
                                     context_.key->public_key(), context_.our_name, &challenge);
  if (!stream_->Write(hello)) return Reject(Reason::kUnavailable, "peer closed the stream");
  v1::PeerMessage theirs;
  if (!stream_->Read(&theirs)) return Reject(Reason::kUnavailable, "peer sent no hello");
  if (!theirs.has_hello()) return Reject(Reason::kMalformed, "peer did not start with a hello");
  auto key = CheckHello(theirs.hello(), context_.chain_id, context_.genesis_hash);
  if (!key.ok()) return key.status();
  if (*key == context_.key->public_key()) return Reject(Reason::kMalformed, "connected to self");
  // With TLS on, the other end's certificate must name the key it claims (a relay's names its
  // own), and each proof is bound to the channel it travels on (peer_handshake.h).
  chain::Hash256 their_binding{}, our_binding{};
  if (context_.own_certificate_hash) {
    const std::string pem = stream_->PeerCertificatePem();
    auto theirs_seen = CertificateHash(pem);
    if (!theirs_seen) return Reject(Reason::kMalformed, "peer presented no TLS certificate");
    if (Status named = CheckCertificateNamesKey(pem, *key); !named.ok()) {
      return Refused("certificate_key", named);
    }
    their_binding = *theirs_seen;
    our_binding = *context_.own_certificate_hash;
  }
  auto entry = context_.admit(*key);
  if (!entry.ok()) return entry.status();
  v1::PeerMessage auth;
  *auth.mutable_auth() = MakeAuth(*context_.key, context_.chain_id, context_.genesis_hash,
                                  theirs.hello(), their_binding);
  if (!stream_->Write(auth)) return Reject(Reason::kUnavailable, "peer closed the stream");
  v1::PeerMessage their_auth;
  if (!stream_->Read(&their_auth) || !their_auth.has_auth()) {
    return Reject(Reason::kMalformed, "peer sent no auth");
  }
  if (Status proof = CheckAuth(their_auth.auth(), context_.chain_id, context_.genesis_hash,
                               challenge, *key, context_.key->public_key(), our_binding);
      !proof.ok()) {
    return context_.own_certificate_hash ? Refused("channel_binding", proof) : proof;
  }
  peer_ = std::move(*entry);
  authenticated_ = true;
  cv_.notify_all();
  return Status::Ok();
}

Status PeerSession::Refused(std::string_view why, Status status) {
  if (context_.on_refused) context_.on_refused(why, status);
  return status;
}

Status PeerSession::Fault(Status status) {
  if (context_.on_fault) context_.on_fault(this, status);
  return status;
}

Status PeerSession::ReadLoop() {
  v1::PeerMessage message;
  while (stream_->Read(&message)) {
    if (!receive_limit_.TryTake(TokenBucket::Clock::now())) {
      return Fault(Reject(Reason::kTooLarge, "flood: more than " +
                                                 std::to_string(int(kPeerMessagesPerSecond)) +
                                                 " messages per second"));
    }
    if (message.has_hello() || message.has_auth()) {
      return Fault(Reject(Reason::kMalformed, "repeated its handshake"));
    }
    // Handed over, not copied: a block-carrying message may be queued for the replica. The
    // next Read() parses into the moved-from message, which protobuf leaves valid and empty.
    Status status = context_.on_message(this, std::move(message));
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

bool PeerSession::Send(std::shared_ptr<const v1::PeerMessage> message) {
  size_t bytes = message->ByteSizeLong();
  bool overflow = false;
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (queue_.size() >= kMaxPeerSendQueue || queue_bytes_ + bytes > kMaxPeerSendQueueBytes) {
      closed_ = true;
      overflow = true;
    } else {
      queue_.push_back(std::move(message));
      queue_bytes_ += bytes;
    }
  }
  cv_.notify_all();
  if (overflow) {
    spdlog::warn("peer {}: send queue full; disconnecting (it will resync)", peer_.name);
    stream_->Cancel();
  }
  return !overflow;
}

void PeerSession::WriterLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
    if (closed_) return;
    // Pacing: wait for a token (Close() wakes the wait); meanwhile the queue absorbs bursts.
    if (auto wait = send_pacing_.WaitTime(TokenBucket::Clock::now()); wait.count() > 0) {
      cv_.wait_for(lock, wait, [&] { return closed_; });
      continue;
    }
    (void)send_pacing_.TryTake(TokenBucket::Clock::now());
    auto message = std::move(queue_.front());
    queue_.pop_front();
    queue_bytes_ -= std::min(queue_bytes_, message->ByteSizeLong());
    lock.unlock();
    bool written = stream_->Write(*message);
    lock.lock();
    if (!written) {
      closed_ = true;
      lock.unlock();
      stream_->Cancel();
      cv_.notify_all();
      return;
    }
  }
}

void PeerSession::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
  stream_->Cancel();
}

}  // namespace agritrace::node
