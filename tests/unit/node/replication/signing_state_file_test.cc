// SigningStateFile: the validator's signing state in its own file, refused when it cannot be
// trusted.
#include "node/replication/signing_state_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "agritrace/v1/consensus.pb.h"
#include "chain/base/hash.h"
#include "chain/base/keys.h"
#include "chain/io/file_util.h"

namespace agritrace::node {
namespace {

using chain::Reason;

std::string State(uint64_t height) {
  v1::ConsensusSafetyState saved;
  saved.set_height(height);
  saved.set_round(2);
  return saved.SerializeAsString();
}

class SigningStateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/agritrace-signing-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    path_ = dir_ + "/signing_state.bin";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Bytes() const { return *chain::ReadFile(path_); }
  void Overwrite(const std::string& bytes) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  }
  void ExpectRefused(const std::string& why) const {
    auto opened = SigningStateFile::Open(path_, key_.public_key());
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().reason(), Reason::kMalformed);
    EXPECT_NE(opened.status().message().find(path_), std::string::npos);
    EXPECT_NE(opened.status().message().find(why), std::string::npos)
        << opened.status().message();
  }

  std::string dir_;
  std::string path_;
  chain::PrivateKey key_ = chain::PrivateKey::Generate();
};

TEST_F(SigningStateFileTest, AStateWrittenIsReadBackAfterReopening) {
  auto created = SigningStateFile::Create(path_, key_.public_key());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_FALSE((*created)->Get(std::string(chain::kConsensusSafetyKey)).has_value());
  EXPECT_FALSE((*created)->signed_height().has_value());
  ASSERT_TRUE((*created)->Put(std::string(chain::kConsensusSafetyKey), State(7)).ok());
  EXPECT_EQ((*created)->signed_height(), 7u);

  auto reopened = SigningStateFile::Open(path_, key_.public_key());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->Get(std::string(chain::kConsensusSafetyKey)), State(7));
  EXPECT_EQ((*reopened)->signed_height(), 7u);
}

TEST_F(SigningStateFileTest, AMissingFileIsNotFound) {
  auto opened = SigningStateFile::Open(path_, key_.public_key());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().reason(), Reason::kNotFound);
}

TEST_F(SigningStateFileTest, ReplacesTheWholeFileAndLeavesNoTempFile) {
  auto file = SigningStateFile::Create(path_, key_.public_key());
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Put(std::string(chain::kConsensusSafetyKey), State(3)).ok());
  ASSERT_TRUE((*file)->Put(std::string(chain::kConsensusSafetyKey), State(4)).ok());
  EXPECT_EQ(Bytes(), EncodeSigningState(key_.public_key(), State(4)));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
  EXPECT_EQ(std::filesystem::status(path_).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

TEST_F(SigningStateFileTest, AFailedWriteKeepsTheOldStateAndSaysSo) {
  auto file = SigningStateFile::Create(path_, key_.public_key());
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Put(std::string(chain::kConsensusSafetyKey), State(3)).ok());
  // The temp file cannot be created: a directory stands in its way.
  std::filesystem::create_directory(path_ + ".tmp");
  chain::Status status = (*file)->Put(std::string(chain::kConsensusSafetyKey), State(4));
  EXPECT_EQ(status.reason(), Reason::kIoError);
  EXPECT_EQ((*file)->signed_height(), 3u);
  EXPECT_EQ(Bytes(), EncodeSigningState(key_.public_key(), State(3)));
}

TEST_F(SigningStateFileTest, RefusesAnotherKey) {
  auto file = SigningStateFile::Create(path_, key_.public_key());
  ASSERT_TRUE(file.ok());
  chain::PrivateKey other = chain::PrivateKey::Generate();
  auto opened = SigningStateFile::Open(path_, other.public_key());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().reason(), Reason::kMalformed);
  EXPECT_NE(opened.status().message().find("belongs to key " + chain::ToHex(key_.public_key())),
            std::string::npos);
}

TEST_F(SigningStateFileTest, RefusesAFlippedBit) {
  std::string bytes = EncodeSigningState(key_.public_key(), State(9));
  bytes[bytes.size() / 2] ^= 0x10;
  Overwrite(bytes);
  ExpectRefused("fails its checksum");
}

TEST_F(SigningStateFileTest, RefusesATruncatedFile) {
  const std::string bytes = EncodeSigningState(key_.public_key(), State(9));
  Overwrite(bytes.substr(0, bytes.size() - 1));
  ExpectRefused("fails its checksum");
  Overwrite(bytes.substr(0, 20));
  ExpectRefused("is truncated");
  Overwrite("");
  ExpectRefused("is truncated");
}

TEST_F(SigningStateFileTest, RefusesAnotherFormat) {
  Overwrite(std::string(200, 'x'));
  ExpectRefused("is not a signing-state file");
}

TEST_F(SigningStateFileTest, RefusesAnotherVersion) {
  std::string bytes = EncodeSigningState(key_.public_key(), State(9));
  bytes[8] = 2;  // the version, after the magic; the checksum is then redone to match
  bytes.resize(bytes.size() - 32);
  const chain::Hash256 checksum = chain::Sha256(bytes);
  bytes.append(reinterpret_cast<const char*>(checksum.data()), checksum.size());
  Overwrite(bytes);
  ExpectRefused("has version 2");
}

TEST_F(SigningStateFileTest, RefusesAStateThatDoesNotParse) {
  Overwrite(EncodeSigningState(key_.public_key(), std::string("\xff\xff\xff", 3)));
  ExpectRefused("does not parse");
}

TEST_F(SigningStateFileTest, HoldsOnlyTheEnginesKey) {
  auto file = SigningStateFile::Create(path_, key_.public_key());
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->Put("other", "x").reason(), Reason::kInternal);
}

}  // namespace
}  // namespace agritrace::node
