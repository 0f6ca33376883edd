// Optional mutual TLS for the node's gRPC port (client API and peer service) and for its
// outgoing peer channels, with one network CA (scripts/make-certs.sh writes one).
//
// With [tls] enabled = true the server asks every client for a certificate and accepts only
// ones signed by `ca_file` (GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY); a
// plaintext client or one with another CA's certificate fails the TLS handshake. Outgoing peer
// channels present `cert_file`/`key_file` and verify the other node against the same CA (and
// its certificate's names against the address dialed). TLS admits organisations' machines;
// which nodes may peer is still decided by the node-key handshake (PeerDirectory).
//
// Disabled (the default): insecure credentials, as before. Pure functions; any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "chain/base/bytes.h"
#include "chain/base/status.h"
#include "node/common/config.h"

namespace grpc {
class ServerCredentials;
class ChannelCredentials;
}  // namespace grpc

namespace agritrace::node {

// The CA, certificate and key are read when the node starts; a missing or unreadable file is
// an error (MALFORMED / NOT_FOUND naming the file), never a silent fallback to plaintext.
chain::Result<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const NodeConfig& config);
chain::Result<std::shared_ptr<grpc::ChannelCredentials>> PeerChannelCredentials(
    const NodeConfig& config);

// SHA-256 of the DER of the first certificate in `pem`; nullopt when there is none.
std::optional<chain::Hash256> CertificateHash(const std::string& pem);
// The hash of this node's own certificate (tls.cert_file) when TLS is on, nullopt when off:
// what peers' handshake signatures must be bound to (peer_handshake.h).
chain::Result<std::optional<chain::Hash256>> OwnCertificateHash(const NodeConfig& config);

}  // namespace agritrace::node
