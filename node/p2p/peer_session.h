// PeerSession: one authenticated bidirectional gRPC stream with another node.
//
// The same class serves both ends: the dialer's (client) stream and the listener's (server)
// stream are wrapped in a PeerStream. Run() does the handshake (hello + signed challenge), then
// reads messages and hands each to the owner's callback until the stream ends, the peer
// misbehaves or Close() is called. Outgoing messages go through a bounded queue drained by a
// writer thread, so a slow peer never blocks the caller of Send(). The reader enforces the
// per-peer message rate (kPeerMessagesPerSecond); the writer paces our own sends below it
// (kPeerSendPacing), so an honest peer never trips the other side's limit.
//
// Thread-safety: Send() and Close() may be called from any thread; Run() from the one thread
// that owns the stream. The session lives until Run() returns.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "agritrace/v1/peer.pb.h"
#include "chain/base/keys.h"
#include "chain/base/status.h"
#include "node/p2p/peer_directory.h"
#include "node/common/token_bucket.h"

namespace agritrace::node {

// The read/write side of one gRPC stream (client or server).
class PeerStream {
 public:
  virtual ~PeerStream() = default;
  virtual bool Read(v1::PeerMessage* message) = 0;
  virtual bool Write(const v1::PeerMessage& message) = 0;
  // Makes a blocked Read/Write return false; callable from any thread.
  virtual void Cancel() = 0;
  // The other end's TLS certificate (PEM) as this end of the channel sees it; empty without
  // TLS. Valid once the first message was read.
  virtual std::string PeerCertificatePem() const { return {}; }
};

// What a session knows and asks of its owner (PeerNetwork).
struct SessionContext {
  std::string chain_id;
  chain::Hash256 genesis_hash{};
  const chain::PrivateKey* key = nullptr;  // our node key; outlives the session
  std::string our_name;
  // With TLS on: SHA-256 of the certificate we present on this channel (our server
  // certificate inbound, our client certificate outbound), to which the peer's proof must be
  // bound (and the peer's certificate as we see it is bound into ours); the peer's certificate
  // must also name the node key it authenticates with. Nullopt without TLS.
  std::optional<chain::Hash256> own_certificate_hash;
  // Called when the handshake refuses the other end for its TLS channel: "certificate_key"
  // (its certificate does not name its key) or "channel_binding" (its proof is bound to
  // another channel: a relay). Optional; for the metrics and the log.
  std::function<void(std::string_view why, const chain::Status&)> on_refused;
  // Policy: may this key peer now (listed and not banned)? Returns its entry.
  std::function<chain::Result<PeerEntry>(const chain::PubKey&)> admit;
  // Called once when the handshake ends, whether it succeeded or not (optional).
  std::function<void()> on_handshake_done;
  // Called once after the handshake; false refuses the session (e.g. too many sessions).
  std::function<bool(class PeerSession*)> on_open;
  // Called for every message after the handshake (the callee may move the message); a non-ok
  // status bans the peer.
  std::function<chain::Status(class PeerSession*, v1::PeerMessage&&)> on_message;
  // Called when the authenticated peer broke the protocol itself (flooded past the rate
  // limit, repeated its handshake); the session then ends. The owner bans the peer.
  std::function<void(class PeerSession*, const chain::Status&)> on_fault;
  // Called once when a session that was opened ends.
  std::function<void(class PeerSession*)> on_close;
};

class PeerSession {
 public:
  PeerSession(SessionContext context, PeerStream* stream, bool outbound);
  ~PeerSession();

  // Handshake, then the read loop. Returns why the session ended (ok: the stream closed).
  chain::Status Run();
  // Queues a message (shared: a broadcast queues one copy for every peer); false (and the
  // session closes) when the queue is full.
  bool Send(std::shared_ptr<const v1::PeerMessage> message);
  void Close();

  const PeerEntry& peer() const { return peer_; }  // valid after the handshake
  bool outbound() const { return outbound_; }

 private:
  chain::Status Handshake();
  chain::Status ReadLoop();
  void WriterLoop();
  void StartHandshakeWatchdog();
  // The handshake refuses the other end for its TLS channel (SessionContext::on_refused).
  chain::Status Refused(std::string_view why, chain::Status status);
  // A protocol violation by the authenticated peer: reported to the owner, ends the session.
  chain::Status Fault(chain::Status status);

  SessionContext context_;
  PeerStream* stream_;  // not owned
  const bool outbound_;
  PeerEntry peer_;
  std::atomic<bool> authenticated_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<const v1::PeerMessage>> queue_;  // GUARDED_BY(mu_)
  size_t queue_bytes_ = 0;          // GUARDED_BY(mu_)
  bool closed_ = false;             // GUARDED_BY(mu_)
  std::thread writer_;
  std::thread watchdog_;

  TokenBucket receive_limit_;  // reader thread only
  TokenBucket send_pacing_;    // writer thread only
};

}  // namespace agritrace::node
