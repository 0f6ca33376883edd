// PeerNetwork: the sessions with other nodes of the network, both directions.
//
// It serves agritrace.v1.Peer (inbound streams), dials every other node of the PeerDirectory
// that has an address (one dialer thread each, reconnecting with exponential backoff while no
// session with that node is up), admits only listed keys that are not banned, and bans a peer
// for `ban_seconds` when the handler reports it sent invalid data or the session caught it
// breaking the protocol (flood, repeated handshake). Bans and refused handshakes are logged
// and counted in NodeMetrics. Broadcast sends one copy to every connected peer.
//
// Thread-safety: all public methods may be called from any thread. `mu_` guards the session
// table and the ban list; sessions have their own locks.
#pragma once

#include <grpcpp/security/credentials.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agritrace/v1/peer.grpc.pb.h"
#include "chain/model/genesis.h"
#include "chain/base/keys.h"
#include "node/common/node_metrics.h"
#include "node/p2p/peer_directory.h"
#include "node/p2p/peer_session.h"
#include "node/p2p/tls.h"

namespace grpc {
class ChannelCredentials;
}  // namespace grpc

namespace agritrace::node {

// What the network asks of the node: handle a message (non-ok: the peer misbehaved and is
// banned), and greet a peer that just connected. The handler may keep the message (move it).
class PeerHandler {
 public:
  virtual ~PeerHandler() = default;
  virtual chain::Status OnPeerMessage(const PeerEntry& from, v1::PeerMessage&& message) = 0;
  virtual void OnPeerConnected(const PeerEntry& peer) = 0;
};

class PeerNetwork final : public v1::Peer::Service {
 public:
  // `key`, `directory` and `handler` must outlive the network.
  PeerNetwork(const chain::Genesis& genesis, const chain::PrivateKey* key, std::string our_name,
              PeerDirectory directory, uint32_t ban_seconds);
  ~PeerNetwork() override;

  void SetHandler(PeerHandler* handler) { handler_ = handler; }
  // Counts bans and refusals (optional; must outlive the network). Call before Start().
  void SetMetrics(NodeMetrics* metrics) { metrics_ = metrics; }
  // Credentials for outgoing peer channels (mutual TLS); insecure when never set. Call
  // before Start().
  void SetChannelCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    channel_credentials_ = std::move(credentials);
  }
  // With TLS on: the hashes of our own certificates (LoadOwnCertificates, node/p2p/tls.h),
  // which bind every handshake to its TLS channel. Call before Start().
  void SetOwnCertificates(std::optional<OwnCertificates> own) { own_certificates_ = own; }
  // Starts the dialers. Call after the gRPC server serving this service is up.
  void Start();
  void Stop();

  // gRPC: one inbound stream; runs the session on the calling gRPC thread.
  grpc::Status Connect(grpc::ServerContext* context,
                       grpc::ServerReaderWriter<v1::PeerMessage, v1::PeerMessage>* stream) override;

  // The same message to every connected peer except `except` (the one it came from, if any);
  // every session queues the one shared copy.
  void Broadcast(std::shared_ptr<const v1::PeerMessage> message,
                 const chain::PubKey* except = nullptr);
  // To one peer; false when not connected.
  bool SendTo(const chain::PubKey& peer, std::shared_ptr<const v1::PeerMessage> message);
  // Disconnects the peer and refuses it for the ban time; `why` names the fault (its reason
  // code labels the metric).
  void Ban(const chain::PubKey& peer, const chain::Status& why);
  // The same with "REASON: sentence" text (Status::ToString()).
  void Ban(const chain::PubKey& peer, const std::string& why);

  bool IsBanned(const chain::PubKey& peer) const;
  size_t connected_peers() const;
  std::vector<PeerEntry> ConnectedPeers() const;
  // The directory in force (a snapshot; SetDirectory replaces it).
  std::shared_ptr<const PeerDirectory> directory() const;
  // Replaces the directory (the chain's validators changed, issue 17): dials entries not dialed
  // before, and closes sessions with keys no longer listed. A session keeps the kind it was
  // admitted with until it reconnects.
  void SetDirectory(PeerDirectory directory);

 private:
  SessionContext MakeContext(bool outbound);
  void RefusedChannel(std::string_view why, const chain::Status& status);
  chain::Result<PeerEntry> Admit(const chain::PubKey& key);
  void Refused(const chain::PubKey& key, const std::string& name, bool banned);
  bool OnOpen(PeerSession* session);
  void OnClose(PeerSession* session);
  chain::Status OnMessage(PeerSession* session, v1::PeerMessage&& message);
  void DialLoop(PeerEntry peer);
  bool HasSession(const chain::PubKey& key) const;
  // An inbound stream from `address` may start its handshake (kMaxPendingHandshakes,
  // kMaxPendingHandshakesPerAddress); not ok: refuse it now. Release when the handshake ends.
  chain::Status TakeHandshakeSlot(const std::string& address);
  void ReleaseHandshakeSlot(const std::string& address);
  bool SleepUnlessStopping(std::chrono::milliseconds duration);

  const std::string chain_id_;
  const chain::Hash256 genesis_hash_;
  const chain::PrivateKey* key_;
  const std::string our_name_;
  std::shared_ptr<const PeerDirectory> directory_;  // GUARDED_BY(mu_)
  std::set<chain::PubKey> dialed_;                   // GUARDED_BY(mu_)
  bool started_ = false;                             // GUARDED_BY(mu_)
  const std::chrono::seconds ban_time_;
  PeerHandler* handler_ = nullptr;
  NodeMetrics* metrics_ = nullptr;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;
  std::optional<OwnCertificates> own_certificates_;

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;                                        // GUARDED_BY(mu_)
  std::multimap<chain::PubKey, PeerSession*> sessions_;          // GUARDED_BY(mu_)
  std::map<chain::PubKey, std::chrono::steady_clock::time_point> banned_until_;  // GUARDED_BY(mu_)
  // Refusals logged since the ban began (the first is logged, the rest only counted), and
  // when an unlisted key's refusal was last logged: a redial loop must not flood the log.
  std::map<chain::PubKey, uint64_t> refusals_during_ban_;                  // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_unlisted_log_{};              // GUARDED_BY(mu_)
  // Inbound streams in their handshake, in all and by address (IP without port).
  size_t pending_handshakes_ = 0;                                          // GUARDED_BY(mu_)
  std::map<std::string, size_t> pending_by_address_;                      // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_pending_log_{};               // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_channel_log_{};               // GUARDED_BY(mu_)
  std::vector<std::thread> dialers_;
};

}  // namespace agritrace::node
