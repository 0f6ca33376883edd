#include "chain/keystore/keystore.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <system_error>

#include "chain/io/file_util.h"

namespace agritrace::chain {
namespace {

using Json = nlohmann::ordered_json;  // keeps the documented field order in files we write

constexpr int kFormatVersion = 1;
constexpr const char* kKdfName = "scrypt";
constexpr const char* kCipherName = "aes-256-gcm";
constexpr size_t kSaltBytes = 16;  // 128 bits, as recommended for scrypt (RFC 7914)
constexpr size_t kIvBytes = 12;    // the GCM nonce size that needs no extra hashing (SP 800-38D)
constexpr size_t kTagBytes = 16;   // full-length GCM tag
constexpr size_t kAesKeyBytes = 32;
constexpr size_t kSecretBytes = 32;
// A key file is a few hundred bytes; anything far larger is not one of ours.
constexpr size_t kMaxKeyFileBytes = 64 * 1024;
constexpr size_t kMaxNameChars = 64;
// OpenSSL's scrypt needs 128*r*(n+2) bytes for V plus 128*r*p for B; the slack covers B and
// the +2 blocks so that every parameter set within our caps is accepted.
constexpr uint64_t kScryptMaxMem = kMaxScryptMemoryBytes + 4 * 1024 * 1024;

// Wipes a buffer of secrets when it goes out of scope, whichever path returns.
template <size_t N>
struct SecretBuffer {
  std::array<uint8_t, N> bytes{};
  ~SecretBuffer() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

std::string_view AsView(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Caps first (TOO_LARGE), then scrypt's own rules (MALFORMED). Takes 64-bit values so a file's
// huge r or p is judged before narrowing; runs before any derivation, so a hostile file cannot
// make us allocate.
Status CheckScryptLimits(uint64_t n, uint64_t r, uint64_t p) {
  // Short-circuit order matters: the product is only formed once n and r are known small.
  if (n > kMaxScryptN || r > kMaxScryptR || p > kMaxScryptP ||
      128 * n * r > kMaxScryptMemoryBytes) {
    return Reject(Reason::kTooLarge,
                  "the key file asks for scrypt n=" + std::to_string(n) +
                      " r=" + std::to_string(r) + " p=" + std::to_string(p) +
                      "; the limits are n<=2^20, r<=16, p<=4 and 256 MiB of memory");
  }
  bool power_of_two = n >= 2 && (n & (n - 1)) == 0;
  if (!power_of_two || r == 0 || p == 0) {
    return Reject(Reason::kMalformed,
                  "scrypt needs n a power of two of at least 2 and r, p of at least 1");
  }
  return Status::Ok();
}

Status CheckScryptParams(const ScryptParams& params) {
  return CheckScryptLimits(params.n, params.r, params.p);
}

bool DeriveKey(const std::string& password, std::string_view salt, const ScryptParams& params,
               std::array<uint8_t, kAesKeyBytes>& out) {
  return EVP_PBE_scrypt(password.data(), password.size(),
                        reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), params.n,
                        params.r, params.p, kScryptMaxMem, out.data(), out.size()) == 1;
}

// AES-256-GCM over the 32-byte secret, with the public key as additional data.
bool Seal(const std::array<uint8_t, kAesKeyBytes>& key, std::string_view iv, std::string_view aad,
          std::string_view plaintext, std::string& ciphertext, std::string& tag) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  ciphertext.assign(plaintext.size(), '\0');
  tag.assign(kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(ciphertext.data());
  return ctx &&
         EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(),
                            reinterpret_cast<const unsigned char*>(iv.data())) == 1 &&
         EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                           reinterpret_cast<const unsigned char*>(aad.data()),
                           static_cast<int>(aad.size())) == 1 &&
         EVP_EncryptUpdate(ctx.get(), out, &len,
                           reinterpret_cast<const unsigned char*>(plaintext.data()),
                           static_cast<int>(plaintext.size())) == 1 &&
         EVP_EncryptFinal_ex(ctx.get(), out + len, &len) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                             tag.data()) == 1;
}

// False when the tag does not authenticate (wrong key or altered data). `tag` is a copy because
// OpenSSL takes the expected tag through a non-const pointer.
bool Open(const std::array<uint8_t, kAesKeyBytes>& key, std::string_view iv, std::string_view aad,
          std::string_view ciphertext, std::string tag, std::array<uint8_t, kSecretBytes>& out) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  return ctx && ciphertext.size() == out.size() &&
         EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(),
                            reinterpret_cast<const unsigned char*>(iv.data())) == 1 &&
         EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                           reinterpret_cast<const unsigned char*>(aad.data()),
                           static_cast<int>(aad.size())) == 1 &&
         EVP_DecryptUpdate(ctx.get(), out.data(), &len,
                           reinterpret_cast<const unsigned char*>(ciphertext.data()),
                           static_cast<int>(ciphertext.size())) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()),
                             tag.data()) == 1 &&
         EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &len) == 1;
}

// A key file's fields, checked for type and length but not decrypted.
struct ParsedKeyFile {
  std::string name;
  PubKey pubkey{};
  ScryptParams params;
  std::string salt, iv, ciphertext, tag;
};

Status Malformed(const std::string& what) {
  return Reject(Reason::kMalformed, "the key file is malformed: " + what);
}

// The field `key` as exactly `size` bytes of hex.
std::optional<std::string> HexField(const Json& json, const char* key, size_t size) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string()) return std::nullopt;
  auto bytes = FromHex(it->get<std::string>());
  if (!bytes || bytes->size() != size) return std::nullopt;
  return bytes;
}

bool StringFieldIs(const Json& json, const char* key, std::string_view expected) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() && it->get<std::string>() == expected;
}

std::optional<uint64_t> UnsignedField(const Json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<uint64_t>();
}

Result<Json> ParseJson(const std::string& file_json) {
  if (file_json.size() > kMaxKeyFileBytes) {
    return Reject(Reason::kTooLarge, "the key file is " + std::to_string(file_json.size()) +
                                         " bytes; a key file is at most " +
                                         std::to_string(kMaxKeyFileBytes));
  }
  Json json = Json::parse(file_json, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Malformed("not a JSON object");
  auto version = UnsignedField(json, "version");
  if (!version || *version != kFormatVersion) return Malformed("unsupported version");
  return json;
}

// Name and public key: what ReadKeyFileInfo needs.
Status ParseHeader(const Json& json, ParsedKeyFile& out) {
  auto name = json.find("name");
  if (name == json.end() || !name->is_string()) return Malformed("missing name");
  out.name = name->get<std::string>();
  auto pubkey = HexField(json, "pubkey", 32);
  if (!pubkey) return Malformed("pubkey must be 32 bytes of hex");
  out.pubkey = ArrayFromCheckedBytes<32>(*pubkey);
  return Status::Ok();
}

Status ParseKdf(const Json& json, ParsedKeyFile& out) {
  if (!StringFieldIs(json, "kdf", kKdfName)) return Malformed("kdf must be \"scrypt\"");
  auto params = json.find("kdfparams");
  if (params == json.end() || !params->is_object()) return Malformed("missing kdfparams");
  auto n = UnsignedField(*params, "n");
  auto r = UnsignedField(*params, "r");
  auto p = UnsignedField(*params, "p");
  if (!n || !r || !p) return Malformed("kdfparams n, r, p must be unsigned integers");
  AGRI_RETURN_IF_ERROR(CheckScryptLimits(*n, *r, *p));
  out.params = {*n, static_cast<uint32_t>(*r), static_cast<uint32_t>(*p)};
  auto salt = HexField(*params, "salt", kSaltBytes);
  if (!salt) return Malformed("salt must be 16 bytes of hex");
  out.salt = *salt;
  return Status::Ok();
}

Status ParseCipher(const Json& json, ParsedKeyFile& out) {
  if (!StringFieldIs(json, "cipher", kCipherName)) return Malformed("cipher must be aes-256-gcm");
  auto iv = HexField(json, "iv", kIvBytes);
  auto ciphertext = HexField(json, "ciphertext", kSecretBytes);
  auto tag = HexField(json, "tag", kTagBytes);
  if (!iv) return Malformed("iv must be 12 bytes of hex");
  if (!ciphertext) return Malformed("ciphertext must be 32 bytes of hex");
  if (!tag) return Malformed("tag must be 16 bytes of hex");
  out.iv = *iv;
  out.ciphertext = *ciphertext;
  out.tag = *tag;
  return Status::Ok();
}

Result<ParsedKeyFile> ParseKeyFile(const std::string& file_json) {
  auto json = ParseJson(file_json);
  if (!json.ok()) return json.status();
  ParsedKeyFile parsed;
  AGRI_RETURN_IF_ERROR(ParseHeader(*json, parsed));
  AGRI_RETURN_IF_ERROR(ParseKdf(*json, parsed));
  AGRI_RETURN_IF_ERROR(ParseCipher(*json, parsed));
  return parsed;
}

bool IsValidName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameChars) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

Status CheckName(const std::string& name) {
  if (IsValidName(name)) return Status::Ok();
  return Reject(Reason::kMalformed,
                "key name '" + name + "' is invalid: use 1 to 64 of A-Z a-z 0-9 _ . -");
}

// Creates the keystore directory owner-only; an existing directory keeps its mode.
Status EnsureDirectory(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  std::filesystem::create_directories(dir, ec);
  if (ec || ::chmod(dir.c_str(), 0700) != 0) {
    return Reject(Reason::kIoError,
                  "cannot create keystore directory " + dir + (ec ? ": " + ec.message() : ""));
  }
  return Status::Ok();
}

}  // namespace

std::string EncryptKey(const PrivateKey& key, const std::string& name, const std::string& password,
                       const ScryptParams& params) {
  // Parameters come from our own code or config, not from a file: bad ones are a bug.
  Status params_ok = CheckScryptParams(params);
  if (!params_ok.ok()) {
    std::fprintf(stderr, "EncryptKey: %s\n", params_ok.ToString().c_str());
    std::abort();
  }
  std::array<uint8_t, kSaltBytes> salt;
  std::array<uint8_t, kIvBytes> iv;
  RandomBytes(salt.data(), salt.size());
  RandomBytes(iv.data(), iv.size());
  SecretBuffer<kAesKeyBytes> aes_key;
  std::string ciphertext, tag;
  PubKey pubkey = key.public_key();
  if (!DeriveKey(password, AsView(salt.data(), salt.size()), params, aes_key.bytes) ||
      !Seal(aes_key.bytes, AsView(iv.data(), iv.size()), AsView(pubkey.data(), pubkey.size()),
            key.bytes(), ciphertext, tag)) {
    std::fprintf(stderr, "EncryptKey: OpenSSL scrypt or AES-GCM failed\n");
    std::abort();  // out of memory or a broken OpenSSL: nothing sensible to return
  }
  Json json = {
      {"version", kFormatVersion},
      {"name", name},
      {"pubkey", ToHex(pubkey)},
      {"kdf", kKdfName},
      {"kdfparams", {{"n", params.n}, {"r", params.r}, {"p", params.p}, {"salt", ToHex(salt)}}},
      {"cipher", kCipherName},
      {"iv", ToHex(iv)},
      {"ciphertext", ToHex(ciphertext)},
      {"tag", ToHex(tag)}};
  return json.dump(2) + "\n";
}

Result<PrivateKey> DecryptKey(const std::string& file_json, const std::string& password) {
  auto parsed = ParseKeyFile(file_json);
  if (!parsed.ok()) return parsed.status();
  SecretBuffer<kAesKeyBytes> aes_key;
  if (!DeriveKey(password, parsed->salt, parsed->params, aes_key.bytes)) {
    return Reject(Reason::kInternal, "scrypt key derivation failed (out of memory?)");
  }
  SecretBuffer<kSecretBytes> secret;
  if (!Open(aes_key.bytes, parsed->iv, AsView(parsed->pubkey.data(), parsed->pubkey.size()),
            parsed->ciphertext, parsed->tag, secret.bytes)) {
    return Reject(Reason::kBadPassword,
                  "wrong password for key '" + parsed->name + "', or the key file was altered");
  }
  auto key = PrivateKey::FromBytes(AsView(secret.bytes.data(), secret.bytes.size()));
  // The tag authenticated the secret, so a mismatch means the file was written wrongly.
  if (!key || key->public_key() != parsed->pubkey) {
    return Malformed("the decrypted secret key of '" + parsed->name +
                     "' does not match its public key");
  }
  return *key;
}

Result<KeyFileInfo> ReadKeyFileInfo(const std::string& file_json) {
  auto json = ParseJson(file_json);
  if (!json.ok()) return json.status();
  ParsedKeyFile parsed;
  AGRI_RETURN_IF_ERROR(ParseHeader(*json, parsed));
  return KeyFileInfo{parsed.name, parsed.pubkey};
}

Status Keystore::Save(const std::string& name, const PrivateKey& key, const std::string& password,
                      const ScryptParams& params) {
  AGRI_RETURN_IF_ERROR(CheckName(name));
  AGRI_RETURN_IF_ERROR(CheckScryptParams(params));
  AGRI_RETURN_IF_ERROR(EnsureDirectory(dir_));
  std::error_code ec;
  // Not atomic against a concurrent Save of the same name; keystores have one user at a time.
  if (std::filesystem::exists(PathOf(name), ec)) {
    return Reject(Reason::kAlreadyRegistered,
                  "a key named '" + name + "' already exists in " + dir_);
  }
  return WriteFileAtomic(PathOf(name), EncryptKey(key, name, password, params),
                         /*private_mode=*/true);
}

Result<PrivateKey> Keystore::Load(const std::string& name, const std::string& password) const {
  AGRI_RETURN_IF_ERROR(CheckName(name));
  auto file = ReadFile(PathOf(name), kMaxKeyFileBytes);
  if (!file.ok() && file.status().reason() == Reason::kNotFound) {
    return Reject(Reason::kNotFound, "no key named '" + name + "' in " + dir_);
  }
  if (!file.ok()) return file.status();
  return DecryptKey(*file, password);
}

Result<KeyFileInfo> Keystore::Info(const std::string& name) const {
  AGRI_RETURN_IF_ERROR(CheckName(name));
  auto file = ReadFile(PathOf(name), kMaxKeyFileBytes);
  if (!file.ok() && file.status().reason() == Reason::kNotFound) {
    return Reject(Reason::kNotFound, "no key named '" + name + "' in " + dir_);
  }
  if (!file.ok()) return file.status();
  return ReadKeyFileInfo(*file);
}

std::vector<std::string> Keystore::List() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const auto& path = entry.path();
    if (path.extension() != ".json" || !entry.is_regular_file(ec)) continue;
    std::string name = path.stem().string();
    if (IsValidName(name)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> Keystore::FindByPubKey(const PubKey& pubkey) const {
  for (const auto& name : List()) {
    auto info = Info(name);
    if (info.ok() && info->pubkey == pubkey) return name;
  }
  return std::nullopt;
}

}  // namespace agritrace::chain
