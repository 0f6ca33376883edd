// Optional mutual TLS for the node's gRPC port (client API and peer service) and for its
// outgoing peer channels, with one network CA (scripts/make-certs.sh writes one).
//
// With [tls] enabled = true the server asks every client for a certificate and accepts only
// ones signed by `ca_file` (GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY); a
// plaintext client or one with another CA's certificate fails the TLS handshake. Outgoing peer
// channels present `client_cert_file`/`client_key_file` (a certificate for client use only;
// the server's `cert_file` is for server use only, scripts/make-certs.sh issues both) and verify
// the other node against the same CA (and its certificate's names against the address dialed).
// TLS admits organisations' machines; which nodes may peer is still decided by the node-key
// handshake (PeerDirectory), and a node's certificates must name its node key as the URI
// `urn:agritrace:node:<64 hex>` in subjectAltName (kNodeKeyUriPrefix): a peer whose TLS
// certificate does not name the key it authenticates with is refused at the handshake.
//
// Disabled (the default): insecure credentials, as before. Pure functions; any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chain/base/bytes.h"
#include "chain/base/keys.h"
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

inline constexpr std::string_view kNodeKeyUriPrefix = "urn:agritrace:node:";

// SHA-256 of the DER of the first certificate in `pem`; nullopt when there is none.
std::optional<chain::Hash256> CertificateHash(const std::string& pem);
// The node keys the first certificate in `pem` names (subjectAltName URIs
// urn:agritrace:node:<hex>; malformed ones are skipped). Empty when none or no certificate.
std::vector<chain::PubKey> CertificateNodeKeys(const std::string& pem);
// NOT_AUTHORIZED unless the certificate in `pem` names `key` (CertificateNodeKeys).
chain::Status CheckCertificateNamesKey(const std::string& pem, const chain::PubKey& key);

// This node's own certificates when TLS is on: the hashes peers' handshake signatures must be
// bound to (peer_handshake.h), the server certificate's for inbound sessions and the client
// certificate's for outgoing ones.
struct OwnCertificates {
  chain::Hash256 server_hash{};
  chain::Hash256 client_hash{};
};
// Nullopt when TLS is off. With TLS on, both certificates must name `node_key`
// (NOT_AUTHORIZED otherwise: peers would refuse every session), and be readable PEM.
chain::Result<std::optional<OwnCertificates>> LoadOwnCertificates(const NodeConfig& config,
                                                                  const chain::PubKey& node_key);

}  // namespace agritrace::node
