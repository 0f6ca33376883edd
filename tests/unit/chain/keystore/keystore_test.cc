// Encrypted key files and the keystore directory.
#include "chain/keystore/keystore.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "chain/base/bytes.h"
#include "chain/io/file_util.h"

namespace agritrace::chain {
namespace {

using nlohmann::json;

// Cheap parameters so the suite stays fast; one test below uses the defaults.
constexpr ScryptParams kFast{1024, 8, 1};
constexpr const char* kPassword = "correct horse battery staple";

std::string Tamper(const std::string& file, const std::function<void(json&)>& edit) {
  json j = json::parse(file);
  edit(j);
  return j.dump();
}

// Flips the last hex digit of a hex string, keeping it valid hex of the same length.
std::string FlipHex(std::string hex) {
  hex.back() = hex.back() == '0' ? '1' : '0';
  return hex;
}

TEST(KeyFileTest, RoundTrips) {
  PrivateKey key = PrivateKey::Generate();
  std::string file = EncryptKey(key, "farmer", kPassword, kFast);
  auto decrypted = DecryptKey(file, kPassword);
  ASSERT_TRUE(decrypted.ok()) << decrypted.status().ToString();
  EXPECT_EQ(decrypted->bytes(), key.bytes());
  EXPECT_EQ(decrypted->public_key(), key.public_key());
}

TEST(KeyFileTest, FileHasDocumentedFieldsAndNoPlaintextSecret) {
  PrivateKey key = PrivateKey::Generate();
  std::string file = EncryptKey(key, "farmer", kPassword, kFast);
  json j = json::parse(file);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["name"], "farmer");
  EXPECT_EQ(j["pubkey"], ToHex(key.public_key()));
  EXPECT_EQ(j["kdf"], "scrypt");
  EXPECT_EQ(j["kdfparams"]["n"], 1024);
  EXPECT_EQ(j["kdfparams"]["r"], 8);
  EXPECT_EQ(j["kdfparams"]["p"], 1);
  EXPECT_EQ(j["kdfparams"]["salt"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["cipher"], "aes-256-gcm");
  EXPECT_EQ(j["iv"].get<std::string>().size(), 24u);
  EXPECT_EQ(j["ciphertext"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["tag"].get<std::string>().size(), 32u);
  EXPECT_EQ(file.find(ToHex(key.bytes())), std::string::npos);
}

TEST(KeyFileTest, SaltAndIvAreFreshEachTime) {
  PrivateKey key = PrivateKey::Generate();
  json a = json::parse(EncryptKey(key, "farmer", kPassword, kFast));
  json b = json::parse(EncryptKey(key, "farmer", kPassword, kFast));
  EXPECT_NE(a["kdfparams"]["salt"], b["kdfparams"]["salt"]);
  EXPECT_NE(a["iv"], b["iv"]);
  EXPECT_NE(a["ciphertext"], b["ciphertext"]);
}

// Decrypts a key file with OpenSSL directly, proving the format is what the header says:
// scrypt(password, salt) -> AES-256-GCM key; the public key bytes are the additional data.
TEST(KeyFileTest, DecryptsIndependentlyWithOpenSsl) {
  PrivateKey key = PrivateKey::Generate();
  json j = json::parse(EncryptKey(key, "farmer", kPassword, kFast));
  std::string salt = *FromHex(j["kdfparams"]["salt"].get<std::string>());
  std::string iv = *FromHex(j["iv"].get<std::string>());
  std::string ciphertext = *FromHex(j["ciphertext"].get<std::string>());
  std::string tag = *FromHex(j["tag"].get<std::string>());
  std::string aad = *FromHex(j["pubkey"].get<std::string>());
  unsigned char aes_key[32];
  ASSERT_EQ(EVP_PBE_scrypt(kPassword, std::strlen(kPassword),
                           reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), 1024,
                           8, 1, 0, aes_key, sizeof(aes_key)),
            1);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  unsigned char plain[32];
  int len = 0;
  auto u = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  ASSERT_EQ(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, aes_key, u(iv)), 1);
  ASSERT_EQ(EVP_DecryptUpdate(ctx, nullptr, &len, u(aad), static_cast<int>(aad.size())), 1);
  ASSERT_EQ(EVP_DecryptUpdate(ctx, plain, &len, u(ciphertext), 32), 1);
  ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.data()), 1);
  EXPECT_EQ(EVP_DecryptFinal_ex(ctx, plain + len, &len), 1);
  EVP_CIPHER_CTX_free(ctx);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(plain), 32), key.bytes());
}

TEST(KeyFileTest, DefaultParamsRoundTrip) {
  PrivateKey key = PrivateKey::Generate();
  std::string file = EncryptKey(key, "node", kDevPassword);
  EXPECT_EQ(json::parse(file)["kdfparams"]["n"], 32768);
  auto decrypted = DecryptKey(file, kDevPassword);
  ASSERT_TRUE(decrypted.ok()) << decrypted.status().ToString();
  EXPECT_EQ(decrypted->public_key(), key.public_key());
}

TEST(KeyFileTest, WrongPasswordIsBadPassword) {
  std::string file = EncryptKey(PrivateKey::Generate(), "farmer", kPassword, kFast);
  auto result = DecryptKey(file, "Correct horse battery staple");
  EXPECT_EQ(result.status().reason(), Reason::kBadPassword);
  EXPECT_EQ(result.status().message(),
            "wrong password for key 'farmer', or the key file was altered");
  EXPECT_EQ(DecryptKey(file, "").status().reason(), Reason::kBadPassword);
}

class KeyFileTamperTest : public ::testing::TestWithParam<std::string> {};

// Each authenticated input, altered while staying well-formed, must be refused.
TEST_P(KeyFileTamperTest, IsRefusedAsBadPassword) {
  std::string file = EncryptKey(PrivateKey::Generate(), "farmer", kPassword, kFast);
  const std::string field = GetParam();
  std::string tampered = Tamper(file, [&](json& j) {
    if (field == "salt") {
      j["kdfparams"]["salt"] = FlipHex(j["kdfparams"]["salt"]);
    } else if (field == "n") {
      j["kdfparams"]["n"] = 2048;
    } else if (field == "pubkey") {
      j["pubkey"] = ToHex(PrivateKey::Generate().public_key());
    } else {
      j[field] = FlipHex(j[field]);
    }
  });
  ASSERT_NE(tampered, json::parse(file).dump());
  EXPECT_EQ(DecryptKey(tampered, kPassword).status().reason(), Reason::kBadPassword);
}

INSTANTIATE_TEST_SUITE_P(Fields, KeyFileTamperTest,
                         ::testing::Values("ciphertext", "tag", "iv", "salt", "pubkey", "n"));

TEST(KeyFileTest, FirstByteOfCiphertextTamperedIsRefused) {
  std::string file = EncryptKey(PrivateKey::Generate(), "farmer", kPassword, kFast);
  std::string tampered = Tamper(file, [](json& j) {
    std::string hex = j["ciphertext"];
    hex[0] = hex[0] == 'f' ? 'e' : 'f';
    j["ciphertext"] = hex;
  });
  EXPECT_EQ(DecryptKey(tampered, kPassword).status().reason(), Reason::kBadPassword);
}

// A file whose tag is valid but whose secret belongs to another public key: only a buggy or
// hostile writer with the password can make one.
TEST(KeyFileTest, SecretNotMatchingPublicKeyIsMalformed) {
  PrivateKey real = PrivateKey::Generate();
  PrivateKey claimed = PrivateKey::Generate();
  json j = json::parse(EncryptKey(real, "farmer", kPassword, kFast));
  std::string salt = *FromHex(j["kdfparams"]["salt"].get<std::string>());
  std::string iv = *FromHex(j["iv"].get<std::string>());
  unsigned char aes_key[32];
  ASSERT_EQ(EVP_PBE_scrypt(kPassword, std::strlen(kPassword),
                           reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), 1024,
                           8, 1, 0, aes_key, sizeof(aes_key)),
            1);
  auto u = [](std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  PubKey claimed_pub = claimed.public_key();
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  unsigned char out[32];
  char tag[16];
  int len = 0;
  ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, aes_key, u(iv)), 1);
  ASSERT_EQ(EVP_EncryptUpdate(ctx, nullptr, &len, claimed_pub.data(), 32), 1);
  ASSERT_EQ(EVP_EncryptUpdate(ctx, out, &len, u(real.bytes()), 32), 1);
  ASSERT_EQ(EVP_EncryptFinal_ex(ctx, out + len, &len), 1);
  ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
  EVP_CIPHER_CTX_free(ctx);
  j["pubkey"] = ToHex(claimed_pub);
  j["ciphertext"] = ToHex(std::string_view(reinterpret_cast<char*>(out), 32));
  j["tag"] = ToHex(std::string_view(tag, 16));
  auto result = DecryptKey(j.dump(), kPassword);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().reason(), Reason::kMalformed);
}

struct OversizeCase {
  uint64_t n;
  uint64_t r;
  uint64_t p;
};

class KeyFileOversizeTest : public ::testing::TestWithParam<OversizeCase> {};

// A hostile file must be refused before scrypt runs: n=2^30 with r=1000 would need terabytes.
TEST_P(KeyFileOversizeTest, IsTooLargeAndRefusedQuickly) {
  std::string file = EncryptKey(PrivateKey::Generate(), "farmer", kPassword, kFast);
  OversizeCase c = GetParam();
  std::string hostile = Tamper(file, [&](json& j) {
    j["kdfparams"]["n"] = c.n;
    j["kdfparams"]["r"] = c.r;
    j["kdfparams"]["p"] = c.p;
  });
  auto start = std::chrono::steady_clock::now();
  auto result = DecryptKey(hostile, kPassword);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.status().reason(), Reason::kTooLarge) << result.status().ToString();
  EXPECT_LT(elapsed, std::chrono::milliseconds(100));
}

INSTANTIATE_TEST_SUITE_P(
    Params, KeyFileOversizeTest,
    ::testing::Values(OversizeCase{1ull << 30, 1000, 100}, OversizeCase{1ull << 30, 8, 1},
                      OversizeCase{1024, 1000, 1}, OversizeCase{1024, 8, 100},
                      OversizeCase{1ull << 20, 16, 1},  // each within its cap; 2 GiB in total
                      OversizeCase{~0ull, ~0ull, ~0ull}));

TEST(KeyFileTest, InvalidScryptShapesAreMalformed) {
  std::string file = EncryptKey(PrivateKey::Generate(), "farmer", kPassword, kFast);
  for (auto [n, r, p] : {std::tuple{1000, 8, 1}, std::tuple{1, 8, 1}, std::tuple{0, 8, 1},
                         std::tuple{1024, 0, 1}, std::tuple{1024, 8, 0}}) {
    std::string bad = Tamper(file, [&, n = n, r = r, p = p](json& j) {
      j["kdfparams"]["n"] = n;
      j["kdfparams"]["r"] = r;
      j["kdfparams"]["p"] = p;
    });
    EXPECT_EQ(DecryptKey(bad, kPassword).status().reason(), Reason::kMalformed)
        << n << " " << r << " " << p;
  }
}

TEST(KeyFileTest, MalformedFilesAreMalformed) {
  std::string file = EncryptKey(PrivateKey::Generate(), "farmer", kPassword, kFast);
  std::vector<std::function<void(json&)>> edits = {
      [](json& j) { j.erase("pubkey"); },
      [](json& j) { j["pubkey"] = "zz"; },
      [](json& j) { j["pubkey"] = std::string(62, 'a'); },
      [](json& j) { j["version"] = 2; },
      [](json& j) { j["version"] = "1"; },
      [](json& j) { j.erase("name"); },
      [](json& j) { j["kdf"] = "pbkdf2"; },
      [](json& j) { j["cipher"] = "aes-128-gcm"; },
      [](json& j) { j.erase("kdfparams"); },
      [](json& j) { j["kdfparams"]["n"] = "1024"; },
      [](json& j) { j["kdfparams"]["n"] = -1024; },
      [](json& j) { j["kdfparams"]["n"] = 1024.5; },
      [](json& j) { j["kdfparams"]["salt"] = "abc"; },
      [](json& j) { j["kdfparams"].erase("salt"); },
      [](json& j) { j["iv"] = std::string(j["iv"]) + "00"; },
      [](json& j) { j["ciphertext"] = std::string(j["ciphertext"]).substr(2); },
      [](json& j) { j["tag"] = 5; },
      [](json& j) { j.erase("tag"); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    auto result = DecryptKey(Tamper(file, edits[i]), kPassword);
    EXPECT_EQ(result.status().reason(), Reason::kMalformed)
        << "edit " << i << ": " << result.status().ToString();
  }
  for (const char* text : {"", "not json", "[]", "{}", "null", "{\"version\": 1}"}) {
    EXPECT_EQ(DecryptKey(text, kPassword).status().reason(), Reason::kMalformed) << text;
    EXPECT_EQ(ReadKeyFileInfo(text).status().reason(), Reason::kMalformed) << text;
  }
}

TEST(KeyFileTest, HugeFileIsTooLarge) {
  std::string huge = "{\"pad\": \"" + std::string(100 * 1024, 'a') + "\"}";
  EXPECT_EQ(DecryptKey(huge, kPassword).status().reason(), Reason::kTooLarge);
}

TEST(KeyFileTest, InfoReadsNameAndKeyWithoutPassword) {
  PrivateKey key = PrivateKey::Generate();
  auto info = ReadKeyFileInfo(EncryptKey(key, "packer-1", kPassword, kFast));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->name, "packer-1");
  EXPECT_EQ(info->pubkey, key.public_key());
}

class KeystoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = std::filesystem::temp_directory_path() /
            ("agritrace-keystore-" + std::to_string(::getpid()) + "-" + test->name());
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path root_;
};

mode_t ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST_F(KeystoreTest, SaveCreatesPrivateDirectoryAndFile) {
  Keystore keystore((root_ / "wallet" / "keys").string());
  ASSERT_TRUE(keystore.Save("farmer", PrivateKey::Generate(), kPassword, kFast).ok());
  EXPECT_EQ(ModeOf(keystore.dir()), 0700u);
  EXPECT_EQ(ModeOf(keystore.PathOf("farmer")), 0600u);
  EXPECT_EQ(keystore.PathOf("farmer"), keystore.dir() + "/farmer.json");
}

TEST_F(KeystoreTest, SavesAndLoads) {
  Keystore keystore(root_.string());
  PrivateKey key = PrivateKey::Generate();
  ASSERT_TRUE(keystore.Save("farmer", key, kPassword, kFast).ok());
  auto loaded = keystore.Load("farmer", kPassword);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->bytes(), key.bytes());
  EXPECT_EQ(keystore.Load("farmer", "wrong").status().reason(), Reason::kBadPassword);
  EXPECT_EQ(keystore.Load("nobody", kPassword).status().reason(), Reason::kNotFound);
  auto info = keystore.Info("farmer");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "farmer");
  EXPECT_EQ(info->pubkey, key.public_key());
  EXPECT_EQ(keystore.Info("nobody").status().reason(), Reason::kNotFound);
}

TEST_F(KeystoreTest, RefusesDuplicateNameAndKeepsTheOriginal) {
  Keystore keystore(root_.string());
  PrivateKey first = PrivateKey::Generate();
  ASSERT_TRUE(keystore.Save("farmer", first, kPassword, kFast).ok());
  Status again = keystore.Save("farmer", PrivateKey::Generate(), kPassword, kFast);
  EXPECT_EQ(again.reason(), Reason::kAlreadyRegistered);
  auto loaded = keystore.Load("farmer", kPassword);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->public_key(), first.public_key());
}

TEST_F(KeystoreTest, RefusesBadNames) {
  Keystore keystore(root_.string());
  PrivateKey key = PrivateKey::Generate();
  // Strings, not pointers: a c_str() of a temporary would dangle inside the list (ASan).
  const std::vector<std::string> names = {"",           "../evil", "a/b", "with space",
                                          "semi;colon", "ü",       std::string(65, 'a')};
  for (const std::string& name : names) {
    EXPECT_EQ(keystore.Save(name, key, kPassword, kFast).reason(), Reason::kMalformed) << name;
    EXPECT_EQ(keystore.Load(name, kPassword).status().reason(), Reason::kMalformed) << name;
  }
  EXPECT_TRUE(keystore.Save(std::string(64, 'a'), key, kPassword, kFast).ok());
  EXPECT_TRUE(keystore.Save("Node_1.backup-2", key, kPassword, kFast).ok());
  EXPECT_FALSE(std::filesystem::exists(root_.parent_path() / "evil.json"));
}

TEST_F(KeystoreTest, RefusesOversizeParamsBeforeWriting) {
  Keystore keystore(root_.string());
  Status status = keystore.Save("farmer", PrivateKey::Generate(), kPassword, {1ull << 30, 8, 1});
  EXPECT_EQ(status.reason(), Reason::kTooLarge);
  EXPECT_FALSE(std::filesystem::exists(keystore.PathOf("farmer")));
}

TEST_F(KeystoreTest, ListsSortedNamesOnly) {
  Keystore keystore(root_.string());
  EXPECT_TRUE(keystore.List().empty());  // no directory yet
  for (const char* name : {"retailer", "farmer", "packer"}) {
    ASSERT_TRUE(keystore.Save(name, PrivateKey::Generate(), kPassword, kFast).ok());
  }
  ASSERT_TRUE(WriteFileAtomic((root_ / "notes.txt").string(), "x", true).ok());
  std::filesystem::create_directory(root_ / "dir.json");
  EXPECT_EQ(keystore.List(), (std::vector<std::string>{"farmer", "packer", "retailer"}));
}

TEST_F(KeystoreTest, FindsNameByPublicKey) {
  Keystore keystore(root_.string());
  PrivateKey farmer = PrivateKey::Generate();
  PrivateKey packer = PrivateKey::Generate();
  ASSERT_TRUE(keystore.Save("farmer", farmer, kPassword, kFast).ok());
  ASSERT_TRUE(keystore.Save("packer", packer, kPassword, kFast).ok());
  EXPECT_EQ(keystore.FindByPubKey(packer.public_key()), "packer");
  EXPECT_EQ(keystore.FindByPubKey(farmer.public_key()), "farmer");
  EXPECT_EQ(keystore.FindByPubKey(PrivateKey::Generate().public_key()), std::nullopt);
}

TEST_F(KeystoreTest, LoadRejectsAlteredFileOnDisk) {
  Keystore keystore(root_.string());
  ASSERT_TRUE(keystore.Save("farmer", PrivateKey::Generate(), kPassword, kFast).ok());
  auto file = ReadFile(keystore.PathOf("farmer"));
  ASSERT_TRUE(file.ok());
  std::string altered = Tamper(*file, [](json& j) { j["tag"] = FlipHex(j["tag"]); });
  ASSERT_TRUE(WriteFileAtomic(keystore.PathOf("farmer"), altered, true).ok());
  EXPECT_EQ(keystore.Load("farmer", kPassword).status().reason(), Reason::kBadPassword);
}

}  // namespace
}  // namespace agritrace::chain
