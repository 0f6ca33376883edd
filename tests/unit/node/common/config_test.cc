// node.toml: unknown keys, values of the wrong type and integers out of range are refused with
// the key named, never ignored; what ConfigToToml writes, LoadConfig reads back equal.
#include "node/common/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <variant>

namespace agritrace::node {
namespace {

using chain::Reason;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-config-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    path_ = dir_ + "/node.toml";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  chain::Result<NodeConfig> Load(const std::string& text) {
    std::ofstream(path_) << text;
    return LoadConfig(path_);
  }
  // The message LoadConfig gives for `text`, which it must refuse as MALFORMED.
  std::string Refusal(const std::string& text) {
    auto config = Load(text);
    if (config.ok()) return "(accepted)";
    EXPECT_EQ(config.status().reason(), Reason::kMalformed) << config.status().ToString();
    return config.status().message();
  }
  std::string dir_;
  std::string path_;
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

TEST_F(ConfigTest, RefusesAKeyOutsideAnySection) {
  EXPECT_EQ(Refusal("name = \"v\"\n"), "config: unexpected top-level key 'name'");
}

TEST_F(ConfigTest, RefusesTomlThatDoesNotParse) {
  auto config = Load("[grpc\naddr = \n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().reason(), Reason::kMalformed);
}

TEST_F(ConfigTest, RefusesAStringForAnIntegerNamingKeyTypeAndValue) {
  EXPECT_EQ(Refusal("[grpc]\nmax_message_bytes = \"big\"\n"),
            path_ + ": [grpc] max_message_bytes must be an integer (uint32), got string \"big\"");
}

TEST_F(ConfigTest, RefusesAnIntegerForAString) {
  EXPECT_EQ(Refusal("[grpc]\naddr = 7400\n"),
            path_ + ": [grpc] addr must be a string, got integer 7400");
}

TEST_F(ConfigTest, RefusesAStringForABoolean) {
  EXPECT_EQ(Refusal("[tls]\nenabled = \"yes\"\n"),
            path_ + ": [tls] enabled must be a boolean (true or false), got string \"yes\"");
}

TEST_F(ConfigTest, RefusesAnIntegerForABoolean) {
  EXPECT_EQ(Refusal("[http]\nrate_limit_loopback = 1\n"),
            path_ + ": [http] rate_limit_loopback must be a boolean (true or false), got "
                    "integer 1");
}

// toml++ would convert 1e99 to an integer with undefined behaviour; it is never asked to.
TEST_F(ConfigTest, RefusesAFloatForAnInteger) {
  EXPECT_EQ(Refusal("[http]\nthreads = 1e99\n"),
            path_ + ": [http] threads must be an integer (uint32), got float 1e+99");
}

TEST_F(ConfigTest, RefusesATableForAString) {
  EXPECT_EQ(Refusal("[node]\nname = { first = \"a\" }\n"),
            path_ + ": [node] name must be a string, got a table");
}

TEST_F(ConfigTest, RefusesANegativeInteger) {
  EXPECT_EQ(Refusal("[http]\nthreads = -1\n"),
            path_ + ": [http] threads must be an integer (uint32) from 0 to 4294967295, got "
                    "integer -1");
}

TEST_F(ConfigTest, RefusesANegativeUint64) {
  EXPECT_EQ(Refusal("[mempool]\nmax_bytes = -5\n"),
            path_ + ": [mempool] max_bytes must be an integer (uint64) from 0 to "
                    "18446744073709551615, got integer -5");
}

TEST_F(ConfigTest, RefusesAnIntegerAboveItsTypesMaximum) {
  EXPECT_EQ(Refusal("[grpc]\nmax_message_bytes = 4294967296\n"),
            path_ + ": [grpc] max_message_bytes must be an integer (uint32) from 0 to "
                    "4294967295, got integer 4294967296");
}

TEST_F(ConfigTest, AcceptsTheBoundsOfAnIntegerType) {
  auto config = Load("[grpc]\nmax_message_bytes = 4294967295\n[peer]\nban_seconds = 0\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->grpc_max_message_bytes, 4294967295u);
  EXPECT_EQ(config->peer_ban_seconds, 0u);
}

TEST_F(ConfigTest, QuotesOnlyTheStartOfALongValue) {
  const std::string message = Refusal("[http]\nthreads = \"" + std::string(5000, 'x') + "\"\n");
  EXPECT_EQ(message, path_ + ": [http] threads must be an integer (uint32), got string \"" +
                         std::string(64, 'x') + "...\"");
}

TEST_F(ConfigTest, AbsentKeysKeepTheirDefaults) {
  auto config = Load("[grpc]\naddr = \"127.0.0.1:1\"\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  NodeConfig expected;
  expected.dir = dir_;
  expected.grpc_addr = "127.0.0.1:1";
  EXPECT_EQ(*config, expected);
}

TEST_F(ConfigTest, ReadsBackTheDefaultsItWrites) {
  auto config = Load(ConfigToToml(NodeConfig{}));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  NodeConfig expected;
  expected.dir = dir_;
  EXPECT_EQ(*config, expected);
}

// Every option set away from its default, to its type's extreme, with strings that need
// escaping: each is written under its own key and read back into its own field.
TEST_F(ConfigTest, ReadsBackEveryOptionItWrites) {
  NodeConfig written;
  for (const ConfigEntry& entry : ConfigSchema()) {
    std::visit(
        [&](auto member) {
          auto& value = written.*member;
          using T = std::remove_cvref_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string>) {
            value = std::string(entry.key) + " \"q\" \\ tab\t nl\n del\x7f caf\u00e9";
          } else if constexpr (std::is_same_v<T, bool>) {
            value = !value;
          } else {
            // A TOML integer is an int64: a uint64 option holds at most its maximum.
            value = std::min<uint64_t>(std::numeric_limits<T>::max(),
                                       std::numeric_limits<int64_t>::max());
          }
        },
        entry.member);
  }
  written.dir = dir_;
  auto config = Load(ConfigToToml(written));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(*config, written);
}

TEST(ConfigSchemaTest, NamesEachOptionAndFlagOnce) {
  std::set<std::string> keys, flags;
  for (const ConfigEntry& entry : ConfigSchema()) {
    EXPECT_TRUE(keys.insert(std::string(entry.section) + "." + std::string(entry.key)).second)
        << entry.key;
    if (entry.flag.empty()) continue;
    EXPECT_TRUE(entry.flag.starts_with("--")) << entry.flag;
    EXPECT_TRUE(flags.insert(std::string(entry.flag)).second) << entry.flag;
  }
}

TEST(ConfigSchemaTest, PutsEveryOptionInAListedSectionAndNoSectionIsEmpty) {
  std::set<std::string_view> sections, used;
  for (const ConfigSection& section : ConfigSections()) sections.insert(section.name);
  for (const ConfigEntry& entry : ConfigSchema()) {
    EXPECT_TRUE(sections.contains(entry.section)) << entry.section;
    used.insert(entry.section);
  }
  EXPECT_EQ(used, sections);
}

// A comment is one line in node.toml and one cell of the README table; tls_test.sh replaces
// [tls] up to the next '['.
TEST(ConfigSchemaTest, CommentsAreSingleLinesThatFitATableCell) {
  for (const ConfigEntry& entry : ConfigSchema()) {
    EXPECT_FALSE(entry.comment.empty()) << entry.key;
    EXPECT_EQ(entry.comment.find_first_of("\n|[]`"), std::string_view::npos) << entry.key;
  }
  for (const ConfigSection& section : ConfigSections()) {
    EXPECT_EQ(section.comment.find_first_of("\n|[]`"), std::string_view::npos) << section.name;
  }
}

TEST(ConfigSchemaTest, CopiesOneOptionOnly) {
  NodeConfig from;
  from.grpc_addr = "10.0.0.1:1";
  from.peer_ban_seconds = 7;
  NodeConfig to;
  for (const ConfigEntry& entry : ConfigSchema()) {
    if (entry.section == "grpc" && entry.key == "addr") CopyConfigValue(entry, from, &to);
  }
  NodeConfig expected;
  expected.grpc_addr = "10.0.0.1:1";
  EXPECT_EQ(to, expected);
}

TEST(ConfigSchemaTest, NamesTheTypeOfEachField) {
  for (const ConfigEntry& entry : ConfigSchema()) {
    const std::string_view type = ConfigTypeName(entry);
    EXPECT_FALSE(type.empty()) << entry.key;  // a field of a new type needs a kTypeName
    if (entry.key == "addr") EXPECT_EQ(type, "string");
    if (entry.key == "max_message_bytes") EXPECT_EQ(type, "uint32");
    if (entry.key == "memory_quota_bytes") EXPECT_EQ(type, "uint64");
    if (entry.key == "enabled") EXPECT_EQ(type, "boolean");
  }
}

}  // namespace
}  // namespace agritrace::node
