// node.toml: unknown keys and wrong types are refused with the key named, never ignored.
#include "node/common/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace agritrace::node {
namespace {

using chain::Reason;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-config-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  chain::Result<NodeConfig> Load(const std::string& text) {
    const std::string path = dir_ + "/node.toml";
    std::ofstream(path) << text;
    return LoadConfig(path);
  }
  std::string dir_;
};

TEST_F(ConfigTest, RefusesAnUnknownKeyNamingIt) {
  auto config = Load("[grpc]\nadress = \"127.0.0.1:1\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().reason(), Reason::kMalformed);
  EXPECT_NE(config.status().message().find("adress"), std::string::npos)
      << config.status().message();
}

TEST_F(ConfigTest, RefusesAnUnknownSection) {
  auto config = Load("[grcp]\naddr = \"127.0.0.1:1\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().reason(), Reason::kMalformed);
}

TEST_F(ConfigTest, RefusesTomlThatDoesNotParse) {
  auto config = Load("[grpc\naddr = \n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().reason(), Reason::kMalformed);
}

}  // namespace
}  // namespace agritrace::node
