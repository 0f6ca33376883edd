#include "node/p2p/tls.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <openssl/x509.h>

#include "chain/base/hash.h"
#include "chain/io/file_util.h"

namespace agritrace::node {
namespace {

using chain::Reason;
using chain::Reject;

// PEM files are small; a bigger one is not what the config meant.
constexpr size_t kMaxPemBytes = 1024 * 1024;

struct TlsMaterial {
  std::string ca;
  std::string cert;
  std::string key;
};

chain::Result<std::string> ReadPem(const NodeConfig& config, const std::string& path,
                                   const char* option) {
  if (path.empty())
    return Reject(Reason::kMalformed,
                  std::string("config: tls.") + option + " is required when tls.enabled");
  auto text = chain::ReadFile(config.Resolve(path), kMaxPemBytes);
  if (!text.ok()) {
    return Reject(text.status().reason(),
                  std::string("tls.") + option + ": " + text.status().message());
  }
  if (text->find("-----BEGIN ") == std::string::npos) {
    return Reject(Reason::kMalformed,
                  std::string("tls.") + option + ": " + config.Resolve(path) + " is not PEM");
  }
  return *text;
}

// The server's material (`client` false) or the outgoing channels' (`client` true).
chain::Result<TlsMaterial> LoadMaterial(const NodeConfig& config, bool client) {
  auto ca = ReadPem(config, config.tls_ca_file, "ca_file");
  if (!ca.ok()) return ca.status();
  auto cert = client ? ReadPem(config, config.tls_client_cert_file, "client_cert_file")
                     : ReadPem(config, config.tls_cert_file, "cert_file");
  if (!cert.ok()) return cert.status();
  auto key = client ? ReadPem(config, config.tls_client_key_file, "client_key_file")
                    : ReadPem(config, config.tls_key_file, "key_file");
  if (!key.ok()) return key.status();
  return TlsMaterial{std::move(*ca), std::move(*cert), std::move(*key)};
}

X509* ParseCertificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return nullptr;
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

// One of our own certificates: readable, and naming our node key.
chain::Result<chain::Hash256> OwnCertificateHash(const NodeConfig& config,
                                                 const std::string& path, const char* option,
                                                 const chain::PubKey& key) {
  auto pem = ReadPem(config, path, option);
  if (!pem.ok()) return pem.status();
  auto hash = CertificateHash(*pem);
  if (!hash) {
    return Reject(Reason::kMalformed, std::string("tls.") + option + ": " + config.Resolve(path) +
                                          " holds no certificate");
  }
  if (chain::Status named = CheckCertificateNamesKey(*pem, key); !named.ok()) {
    return Reject(Reason::kNotAuthorized,
                  std::string("tls.") + option + ": " + config.Resolve(path) +
                      " does not name this node's key (issue it with scripts/make-certs.sh "
                      "DIR NAME=" + chain::ToHex(key) + "): peers would refuse it");
  }
  return *hash;
}

}  // namespace

chain::Result<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const NodeConfig& config) {
  if (!config.tls_enabled) return grpc::InsecureServerCredentials();
  auto material = LoadMaterial(config, /*client=*/false);
  if (!material.ok()) return material.status();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = material->ca;
  options.pem_key_cert_pairs.push_back({material->key, material->cert});
  return grpc::SslServerCredentials(options);
}

chain::Result<std::shared_ptr<grpc::ChannelCredentials>> PeerChannelCredentials(
    const NodeConfig& config) {
  if (!config.tls_enabled) return grpc::InsecureChannelCredentials();
  auto material = LoadMaterial(config, /*client=*/true);
  if (!material.ok()) return material.status();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = material->ca;
  options.pem_private_key = material->key;
  options.pem_cert_chain = material->cert;
  return grpc::SslCredentials(options);
}

std::optional<chain::Hash256> CertificateHash(const std::string& pem) {
  X509* cert = ParseCertificate(pem);
  if (!cert) return std::nullopt;
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  X509_free(cert);
  if (length <= 0) return std::nullopt;
  const chain::Hash256 hash =
      chain::Sha256(std::string(reinterpret_cast<const char*>(der), static_cast<size_t>(length)));
  OPENSSL_free(der);
  return hash;
}

std::vector<chain::PubKey> CertificateNodeKeys(const std::string& pem) {
  std::vector<chain::PubKey> keys;
  X509* cert = ParseCertificate(pem);
  if (!cert) return keys;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                          static_cast<size_t>(ASN1_STRING_length(uri)));
    if (text.substr(0, kNodeKeyUriPrefix.size()) != kNodeKeyUriPrefix) continue;
    auto key = chain::ArrayFromHex<32>(text.substr(kNodeKeyUriPrefix.size()));
    if (key) keys.push_back(*key);
  }
  GENERAL_NAMES_free(names);
  X509_free(cert);
  return keys;
}

chain::Status CheckCertificateNamesKey(const std::string& pem, const chain::PubKey& key) {
  for (const chain::PubKey& named : CertificateNodeKeys(pem)) {
    if (named == key) return chain::Status::Ok();
  }
  return Reject(Reason::kNotAuthorized,
                "the TLS certificate does not name node key " + chain::ToHex(key) + " (" +
                    std::string(kNodeKeyUriPrefix) + "<key> in subjectAltName)");
}

chain::Result<std::optional<OwnCertificates>> LoadOwnCertificates(const NodeConfig& config,
                                                                  const chain::PubKey& node_key) {
  if (!config.tls_enabled) return std::optional<OwnCertificates>();
  OwnCertificates own;
  auto server = OwnCertificateHash(config, config.tls_cert_file, "cert_file", node_key);
  if (!server.ok()) return server.status();
  auto client =
      OwnCertificateHash(config, config.tls_client_cert_file, "client_cert_file", node_key);
  if (!client.ok()) return client.status();
  own.server_hash = *server;
  own.client_hash = *client;
  return std::optional<OwnCertificates>(own);
}

}  // namespace agritrace::node
