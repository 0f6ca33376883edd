// Global options and the per-invocation context every command runs with: the password, the
// signing key, the node client and name lookups, created lazily so that commands that need
// none of them (e.g. `record show`) never touch the keystore or the network.
//
// Not thread-safe; one Context per process invocation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "chain/base/keys.h"
#include "chain/keystore/keystore.h"
#include "chain/base/status.h"
#include "wallet-cli/node_client.h"
#include "wallet-cli/output.h"
#include "wallet-cli/participants.h"

namespace agritrace::wallet {

inline constexpr const char* kDefaultNode = "127.0.0.1:7400";
inline constexpr uint32_t kDefaultTimeoutMs = 30000;

// Options valid before or after any subcommand.
struct GlobalOptions {
  std::string node;            // HOST:PORT; default $AGRITRACE_NODE or kDefaultNode
  std::string keystore_dir;    // default $AGRITRACE_KEYSTORE or $HOME/.agritrace/keystore
  std::string key_name;        // signing key; default $AGRITRACE_KEY
  bool json = false;
  std::string password_file;   // else $AGRITRACE_PASSWORD, else a TTY prompt
  std::string chain_id;        // for offline signing; else the node's
  uint32_t timeout_ms = kDefaultTimeoutMs;
  // TLS to a node with [tls] enabled: the network CA, our certificate and key (PEM files);
  // defaults $AGRITRACE_TLS_CA, $AGRITRACE_TLS_CERT, $AGRITRACE_TLS_KEY.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
};

// Defaults filled from the environment as documented above.
GlobalOptions DefaultGlobalOptions();

// Reads a password file: its first line, without the line ending.
chain::Result<std::string> ReadPasswordFile(const std::string& path);

class Context {
 public:
  Context(GlobalOptions options, Output& out) : options_(std::move(options)), out_(out) {}

  GlobalOptions& options() { return options_; }
  Output& out() { return out_; }
  chain::Keystore keystore() const { return chain::Keystore(options_.keystore_dir); }

  // The keystore password from --password-file, $AGRITRACE_PASSWORD or a prompt (typed twice
  // when `confirm`); BAD_PASSWORD when none is available. Cached.
  chain::Result<std::string> Password(bool confirm = false);
  // Decrypts the --key key (NOT_FOUND when no key is named or it is missing).
  chain::Result<chain::PrivateKey> SigningKey();
  // Reads the --tls-* files (MALFORMED when only some are given or one is unreadable). Call
  // once before node().
  chain::Status LoadTls();
  // The node client for --node.
  NodeClient& node();
  // --chain-id when given, else the node's Status.
  chain::Result<std::string> ChainId();
  // Keystore name, 64-hex key, or on-chain name (asking the node).
  chain::Result<chain::PubKey> ResolveParticipant(const std::string& who);
  // A display name for a public key (raw bytes): the on-chain name, else the keystore name,
  // else "". Cached; never fails.
  std::string NameOf(const std::string& pubkey_bytes);
  // The UTC offset (minutes east) events are recorded in when --at names none: `signer`'s time
  // zone from its participant record (asked from the node unless `offline`), else this
  // machine's at `at_ms`. Never fails: a node that cannot answer leaves the machine's.
  int32_t DefaultTzOffset(const chain::PubKey& signer, bool offline, int64_t at_ms);
  // This machine's UTC offset at `at_ms` (daylight saving included).
  static int32_t LocalTzOffset(int64_t at_ms);
  // Now, in Unix ms.
  static int64_t NowMs();

 private:
  GlobalOptions options_;
  Output& out_;
  std::optional<std::string> password_;
  std::unique_ptr<NodeClient> node_;
  ClientTls tls_;
  std::map<std::string, std::string> names_;  // pubkey bytes -> display name
  bool node_unreachable_ = false;             // stop asking for names once a call failed
  std::optional<int32_t> signer_tz_;          // the signer's time zone, once asked
};

}  // namespace agritrace::wallet
