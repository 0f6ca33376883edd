// The peer handshake's signing rule: each side proves its node key by signing the challenge the
// other side sent, bound to the network (chain id and genesis hash) and to both keys, so a
// signature can be replayed neither on another network nor towards another peer.
//
//   TaggedHash("agritrace/handshake/v1", u8 len(chain_id) || chain_id || genesis_hash
//              || challenge || signer || verifier [|| channel_binding])
//
// With TLS on, channel_binding is the SHA-256 of the verifier's TLS certificate (DER) as the
// signer's end of the TLS channel sees it, and the verifier checks it against the certificate
// it presented on that channel (its server certificate inbound, its client certificate
// outbound): a relay that terminates TLS (with a certificate of its own) cannot pass one
// node's proof on to another (docs/security.md, scenario 8). gRPC C++ exposes no TLS exporter
// (RFC 5705) to bind to instead. Without TLS it is omitted.
//
// Pure functions; safe from any thread.
#pragma once

#include <string>

#include "agritrace/v1/peer.pb.h"
#include "chain/base/bytes.h"
#include "chain/base/keys.h"
#include "chain/base/status.h"

namespace agritrace::node {

inline constexpr std::string_view kHandshakeTag = "agritrace/handshake/v1";

chain::Hash256 HandshakeSigningHash(const std::string& chain_id, const chain::Hash256& genesis_hash,
                                    const chain::Hash256& challenge, const chain::PubKey& signer,
                                    const chain::PubKey& verifier,
                                    const chain::Hash256& channel_binding = {});

// Our hello: a fresh random challenge, remembered in `challenge_out` to check the answer.
v1::PeerHello MakeHello(const std::string& chain_id, const chain::Hash256& genesis_hash,
                        const chain::PubKey& our_key, const std::string& name,
                        chain::Hash256* challenge_out);

// Checks the other side's hello: WRONG_CHAIN for another network, MALFORMED for bad shapes.
// Returns the peer's key (membership is the caller's policy).
chain::Result<chain::PubKey> CheckHello(const v1::PeerHello& hello, const std::string& chain_id,
                                        const chain::Hash256& genesis_hash);

// Our answer to the peer's hello.
v1::PeerAuth MakeAuth(const chain::PrivateKey& key, const std::string& chain_id,
                      const chain::Hash256& genesis_hash, const v1::PeerHello& their_hello,
                      const chain::Hash256& channel_binding = {});

// BAD_SIGNATURE unless `auth` is the peer's signature over the challenge we sent.
chain::Status CheckAuth(const v1::PeerAuth& auth, const std::string& chain_id,
                        const chain::Hash256& genesis_hash, const chain::Hash256& our_challenge,
                        const chain::PubKey& peer_key, const chain::PubKey& our_key,
                        const chain::Hash256& channel_binding = {});

}  // namespace agritrace::node
