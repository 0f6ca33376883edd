#include "node/p2p/tls.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/pem.h>
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

chain::Result<TlsMaterial> LoadMaterial(const NodeConfig& config) {
  auto ca = ReadPem(config, config.tls_ca_file, "ca_file");
  if (!ca.ok()) return ca.status();
  auto cert = ReadPem(config, config.tls_cert_file, "cert_file");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(config, config.tls_key_file, "key_file");
  if (!key.ok()) return key.status();
  return TlsMaterial{std::move(*ca), std::move(*cert), std::move(*key)};
}

}  // namespace

chain::Result<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const NodeConfig& config) {
  if (!config.tls_enabled) return grpc::InsecureServerCredentials();
  auto material = LoadMaterial(config);
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
  auto material = LoadMaterial(config);
  if (!material.ok()) return material.status();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = material->ca;
  options.pem_private_key = material->key;
  options.pem_cert_chain = material->cert;
  return grpc::SslCredentials(options);
}

std::optional<chain::Hash256> CertificateHash(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return std::nullopt;
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
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

chain::Result<std::optional<chain::Hash256>> OwnCertificateHash(const NodeConfig& config) {
  if (!config.tls_enabled) return std::optional<chain::Hash256>();
  auto cert = ReadPem(config, config.tls_cert_file, "cert_file");
  if (!cert.ok()) return cert.status();
  auto hash = CertificateHash(*cert);
  if (!hash) {
    return Reject(Reason::kMalformed, "tls.cert_file: " + config.Resolve(config.tls_cert_file) +
                                          " holds no certificate");
  }
  return std::optional<chain::Hash256>(*hash);
}

}  // namespace agritrace::node
