// Node certificates tied to the node key (node/p2p/tls.h; docs/security.md, scenario 8).
#include "node/p2p/tls.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace agritrace::node {
namespace {

using chain::Reason;

// A self-signed certificate (PEM) with subjectAltName `sans` (openssl's syntax).
std::string CertificateWith(const std::string& sans) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, sans.c_str());
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  X509_sign(cert, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return pem;
}

std::string UriOf(const chain::PubKey& key) {
  return "URI:" + std::string(kNodeKeyUriPrefix) + chain::ToHex(key);
}

TEST(NodeCertificateTest, NamesTheNodeKeyInItsSubjectAltName) {
  const chain::PubKey node = chain::PrivateKey::Generate().public_key();
  const chain::PubKey other = chain::PrivateKey::Generate().public_key();
  const std::string pem = CertificateWith("DNS:localhost,IP:127.0.0.1," + UriOf(node));
  ASSERT_EQ(CertificateNodeKeys(pem), std::vector<chain::PubKey>{node});
  EXPECT_TRUE(CheckCertificateNamesKey(pem, node).ok());
  EXPECT_EQ(CheckCertificateNamesKey(pem, other).reason(), Reason::kNotAuthorized);
}

TEST(NodeCertificateTest, ACertificateWithoutAWellFormedNodeKeyNamesNone) {
  const chain::PubKey node = chain::PrivateKey::Generate().public_key();
  const std::vector<std::string> all_sans = {
      "DNS:localhost", "URI:urn:agritrace:node:abcd",
      "URI:urn:agritrace:node:" + chain::ToHex(node) + "00",
      "URI:urn:other:node:" + chain::ToHex(node), "DNS:" + chain::ToHex(node)};
  for (const std::string& sans : all_sans) {
    const std::string pem = CertificateWith(sans);
    EXPECT_TRUE(CertificateNodeKeys(pem).empty()) << sans;
    EXPECT_EQ(CheckCertificateNamesKey(pem, node).reason(), Reason::kNotAuthorized) << sans;
  }
  EXPECT_TRUE(CertificateNodeKeys("not a certificate").empty());
}

class OwnCertificatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-tls-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    config_.dir = dir_;
    config_.tls_enabled = true;
    config_.tls_ca_file = "ca.crt";
    config_.tls_cert_file = "server.crt";
    config_.tls_key_file = "server.key";
    config_.tls_client_cert_file = "client.crt";
    config_.tls_client_key_file = "client.key";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(std::filesystem::path(dir_) / name) << text;
  }

  std::string dir_;
  NodeConfig config_;
};

TEST_F(OwnCertificatesTest, BothCertificatesMustNameTheNodeKey) {
  const chain::PubKey node = chain::PrivateKey::Generate().public_key();
  const chain::PubKey other = chain::PrivateKey::Generate().public_key();
  const std::string server = CertificateWith("DNS:localhost," + UriOf(node));
  Write("server.crt", server);
  Write("client.crt", CertificateWith("DNS:localhost," + UriOf(other)));
  auto own = LoadOwnCertificates(config_, node);
  ASSERT_EQ(own.status().reason(), Reason::kNotAuthorized);
  EXPECT_NE(own.status().message().find("client_cert_file"), std::string::npos)
      << own.status().message();
  const std::string client = CertificateWith("DNS:localhost," + UriOf(node));
  Write("client.crt", client);
  own = LoadOwnCertificates(config_, node);
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  ASSERT_TRUE(own->has_value());
  EXPECT_EQ((*own)->server_hash, CertificateHash(server));
  EXPECT_EQ((*own)->client_hash, CertificateHash(client));
  EXPECT_NE((*own)->server_hash, (*own)->client_hash);
}

TEST_F(OwnCertificatesTest, TheClientCertificateIsRequiredWithTls) {
  const chain::PubKey node = chain::PrivateKey::Generate().public_key();
  Write("server.crt", CertificateWith(UriOf(node)));
  config_.tls_client_cert_file.clear();
  auto own = LoadOwnCertificates(config_, node);
  EXPECT_EQ(own.status().reason(), Reason::kMalformed);
  EXPECT_NE(own.status().message().find("tls.client_cert_file is required"), std::string::npos);
  config_.tls_enabled = false;
  own = LoadOwnCertificates(config_, node);
  ASSERT_TRUE(own.ok());
  EXPECT_FALSE(own->has_value());
}

}  // namespace
}  // namespace agritrace::node
