// The validator key at rest (permissioning): `init` writes it encrypted and readable
// by its owner only, and a node opened with the wrong password stops with BAD_PASSWORD before
// it opens its store.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "chain/base/bytes.h"
#include "chain/io/file_util.h"
#include "chain/keystore/keystore.h"
#include "node/common/config.h"
#include "node/daemon/init.h"
#include "node/node.h"

namespace agritrace::node {
namespace {

namespace fs = std::filesystem;

class NodeKeyAtRestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-nodekey-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    InitOptions options;
    options.dir = dir_ + "/net";
    options.chain_id = "nodekey-test";
    options.password = "correct horse";
    options.scrypt_n = 1024;  // fast; the format and checks are the same as with the default
    chain::Status init = InitDevNetwork(options);
    ASSERT_TRUE(init.ok()) << init.ToString();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string KeyFile() const { return dir_ + "/net/node_key.json"; }
  std::string dir_;
};

TEST_F(NodeKeyAtRestTest, InitWritesTheNodeKeyEncryptedAndOwnerOnly) {
  chain::Result<std::string> file = chain::ReadFile(KeyFile(), 64 * 1024);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  nlohmann::json j = nlohmann::json::parse(*file);
  EXPECT_EQ(j["kdf"], "scrypt");
  EXPECT_EQ(j["cipher"], "aes-256-gcm");
  chain::Result<chain::PrivateKey> key = chain::DecryptKey(*file, "correct horse");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(file->find(chain::ToHex(key->bytes())), std::string::npos)
      << "the secret key is in the file in clear";
  const fs::perms perms = fs::status(KeyFile()).permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST_F(NodeKeyAtRestTest, WrongPasswordIsBadPasswordBeforeTheStoreIsOpened) {
  chain::Result<NodeConfig> config = LoadConfig(dir_ + "/net/node.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto node = Node::Open(*config, "not the password");
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().reason(), chain::Reason::kBadPassword) << node.status().ToString();
  EXPECT_NE(node.status().message().find("wrong password"), std::string::npos);
  EXPECT_FALSE(fs::exists(config->Resolve(config->data_dir)));
}

}  // namespace
}  // namespace agritrace::node
