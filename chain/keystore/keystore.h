// Encrypted key files (wallet keystore and node key): scrypt + AES-256-GCM via OpenSSL.
//
// A key file is JSON:
// {"version": 1, "name": "farmer", "pubkey": "<hex>",
//  "kdf": "scrypt", "kdfparams": {"n": 32768, "r": 8, "p": 1, "salt": "<hex>"},
//  "cipher": "aes-256-gcm", "iv": "<hex>", "ciphertext": "<hex>", "tag": "<hex>"}
// The public key is authenticated as GCM additional data. KDF parameters read from a file are
// capped before deriving, so a hostile file cannot make us allocate gigabytes.
//
// A keystore is a directory holding one `NAME.json` file per key.
#pragma once

#include <string>
#include <vector>

#include "chain/base/keys.h"
#include "chain/base/status.h"

namespace agritrace::chain {

struct ScryptParams {
  uint64_t n = 1 << 15;
  uint32_t r = 8;
  uint32_t p = 1;
};
// Caps: n <= 2^20, r <= 16, p <= 4, and 128 * n * r <= 256 MiB.
inline constexpr uint64_t kMaxScryptN = 1 << 20;
inline constexpr uint32_t kMaxScryptR = 16;
inline constexpr uint32_t kMaxScryptP = 4;
inline constexpr uint64_t kMaxScryptMemoryBytes = 256ull * 1024 * 1024;

// The dev default password for `agritrace-node init` networks when AGRITRACE_PASSWORD is unset.
inline constexpr const char* kDevPassword = "agritrace-dev";

std::string EncryptKey(const PrivateKey& key, const std::string& name, const std::string& password,
                       const ScryptParams& params = {});
// BAD_PASSWORD on a wrong password or tampered file, MALFORMED on a bad file, TOO_LARGE when
// the KDF parameters exceed the caps.
Result<PrivateKey> DecryptKey(const std::string& file_json, const std::string& password);
// The public key and name recorded in a key file, without decrypting.
struct KeyFileInfo {
  std::string name;
  PubKey pubkey{};
};
Result<KeyFileInfo> ReadKeyFileInfo(const std::string& file_json);

// Directory of NAME.json files.
class Keystore {
 public:
  explicit Keystore(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  // ALREADY_REGISTERED if NAME exists; MALFORMED for names outside [A-Za-z0-9_.-]{1,64}.
  Status Save(const std::string& name, const PrivateKey& key, const std::string& password,
              const ScryptParams& params = {});
  Result<PrivateKey> Load(const std::string& name, const std::string& password) const;
  Result<KeyFileInfo> Info(const std::string& name) const;
  // Names, sorted.
  std::vector<std::string> List() const;
  // Finds the name whose key is `pubkey`.
  std::optional<std::string> FindByPubKey(const PubKey& pubkey) const;
  std::string PathOf(const std::string& name) const { return dir_ + "/" + name + ".json"; }

 private:
  std::string dir_;
};

}  // namespace agritrace::chain
