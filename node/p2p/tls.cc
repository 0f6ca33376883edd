#include "node/p2p/tls.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>

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
  if (path.empty()) return Reject(Reason::kMalformed, std::string("config: tls.") + option +
                                                          " is required when tls.enabled");
  auto text = chain::ReadFile(config.Resolve(path), kMaxPemBytes);
  if (!text.ok()) {
    return Reject(text.status().reason(), std::string("tls.") + option + ": " +
                                              text.status().message());
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

}  // namespace agritrace::node
