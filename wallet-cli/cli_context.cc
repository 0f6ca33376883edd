#include "wallet-cli/cli_context.h"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <iostream>

#include "chain/io/file_util.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;
using chain::Reject;

// A password file holds one short line; anything bigger is the wrong file.
constexpr size_t kMaxPasswordFileBytes = 4096;
// A CA, certificate or key file; real ones are a few KiB.
constexpr size_t kMaxPemBytes = 1024 * 1024;

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string DefaultKeystoreDir() {
  const char* home = std::getenv("HOME");
  const std::string base = home != nullptr && *home != '\0' ? home : ".";
  return base + "/.agritrace/keystore";
}

// Reads one line from the terminal with echo off.
std::optional<std::string> PromptNoEcho(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios old_mode{};
  const bool have_mode = tcgetattr(STDIN_FILENO, &old_mode) == 0;
  if (have_mode) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (have_mode) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
  std::cerr << '\n';
  if (!got) return std::nullopt;
  return line;
}

chain::Result<std::string> PromptPassword(bool confirm) {
  auto first = PromptNoEcho("keystore password: ");
  if (!first) return Reject(Reason::kBadPassword, "no password was entered");
  if (confirm) {
    auto second = PromptNoEcho("repeat password: ");
    if (!second || *second != *first) {
      return Reject(Reason::kBadPassword, "the two passwords differ");
    }
  }
  return *first;
}

}  // namespace

GlobalOptions DefaultGlobalOptions() {
  GlobalOptions options;
  options.node = EnvOr("AGRITRACE_NODE", kDefaultNode);
  options.keystore_dir = EnvOr("AGRITRACE_KEYSTORE", DefaultKeystoreDir());
  options.key_name = EnvOr("AGRITRACE_KEY", "");
  options.tls_ca = EnvOr("AGRITRACE_TLS_CA", "");
  options.tls_cert = EnvOr("AGRITRACE_TLS_CERT", "");
  options.tls_key = EnvOr("AGRITRACE_TLS_KEY", "");
  return options;
}

chain::Status Context::LoadTls() {
  const GlobalOptions& o = options_;
  if (o.tls_ca.empty() && o.tls_cert.empty() && o.tls_key.empty()) return chain::Status::Ok();
  if (o.tls_ca.empty() || o.tls_cert.empty() || o.tls_key.empty()) {
    return chain::Status(chain::Reason::kMalformed,
                         "TLS needs all of --tls-ca, --tls-cert and --tls-key");
  }
  const std::pair<const std::string*, std::string*> files[] = {
      {&o.tls_ca, &tls_.ca_pem}, {&o.tls_cert, &tls_.cert_pem}, {&o.tls_key, &tls_.key_pem}};
  for (auto [path, pem] : files) {
    auto text = chain::ReadFile(*path, kMaxPemBytes);
    if (!text.ok()) {
      return chain::Status(text.status().reason(),
                           "cannot read " + *path + ": " + text.status().message());
    }
    *pem = std::move(*text);
  }
  return chain::Status::Ok();
}

chain::Result<std::string> ReadPasswordFile(const std::string& path) {
  auto text = chain::ReadFile(path, kMaxPasswordFileBytes);
  if (!text.ok()) {
    return chain::Status(text.status().reason(),
                         "cannot read the password file " + path + ": " + text.status().message());
  }
  std::string password = *text;
  const size_t end = password.find_first_of("\r\n");
  if (end != std::string::npos) password.resize(end);
  return password;
}

chain::Result<std::string> Context::Password(bool confirm) {
  if (password_) return *password_;
  if (!options_.password_file.empty()) {
    auto from_file = ReadPasswordFile(options_.password_file);
    if (!from_file.ok()) return from_file.status();
    password_ = *from_file;
  } else if (const char* env = std::getenv("AGRITRACE_PASSWORD"); env != nullptr) {
    password_ = env;
  } else if (isatty(STDIN_FILENO)) {
    auto typed = PromptPassword(confirm);
    if (!typed.ok()) return typed.status();
    password_ = *typed;
  } else {
    return Reject(Reason::kBadPassword,
                  "no password: set AGRITRACE_PASSWORD or pass --password-file");
  }
  return *password_;
}

chain::Result<chain::PrivateKey> Context::SigningKey() {
  if (options_.key_name.empty()) {
    return Reject(Reason::kNotFound,
                  "no signing key: pass --key NAME or set AGRITRACE_KEY (see `agritrace key list`)");
  }
  const chain::Keystore store = keystore();
  if (auto info = store.Info(options_.key_name); !info.ok()) {
    return chain::Status(info.status().reason(), "key '" + options_.key_name + "' in " +
                                                     store.dir() + ": " + info.status().message());
  }
  auto password = Password();
  if (!password.ok()) return password.status();
  return store.Load(options_.key_name, *password);
}

NodeClient& Context::node() {
  if (!node_) {
    node_ = std::make_unique<NodeClient>(options_.node, options_.timeout_ms);
    node_->SetTls(tls_);
  }
  return *node_;
}

chain::Result<std::string> Context::ChainId() {
  if (!options_.chain_id.empty()) return options_.chain_id;
  auto status = node().Status();
  if (!status.ok()) {
    if (status.status().reason() == Reason::kUnavailable) {
      return chain::Status(Reason::kUnavailable,
                           status.status().message() + " (to sign offline pass --chain-id)");
    }
    return status.status();
  }
  options_.chain_id = status->chain_id();
  return options_.chain_id;
}

chain::Result<chain::PubKey> Context::ResolveParticipant(const std::string& who) {
  ParticipantLookup lookup = [this](const std::string& name) {
    return node().GetParticipantByName(name);
  };
  return wallet::ResolveParticipant(who, keystore(), lookup);
}

std::string Context::NameOf(const std::string& pubkey_bytes) {
  if (pubkey_bytes.empty()) return "";
  if (auto it = names_.find(pubkey_bytes); it != names_.end()) return it->second;
  std::string name;
  if (!node_unreachable_) {
    auto participant = node().GetParticipantByKey(pubkey_bytes);
    if (participant.ok()) {
      name = participant->name();
    } else if (participant.status().reason() == Reason::kUnavailable ||
               participant.status().reason() == Reason::kTimeout) {
      node_unreachable_ = true;
    }
  }
  if (name.empty()) {
    if (auto key = chain::ArrayFromBytes<32>(pubkey_bytes)) {
      name = keystore().FindByPubKey(*key).value_or("");
    }
  }
  names_[pubkey_bytes] = name;
  return name;
}

int32_t Context::DefaultTzOffset(const chain::PubKey& signer, bool offline, int64_t at_ms) {
  if (signer_tz_) return *signer_tz_;
  if (!offline && !node_unreachable_) {
    auto participant = node().GetParticipantByKey(chain::AsBytes(signer));
    if (participant.ok() && participant->contact().has_tz_offset_min()) {
      signer_tz_ = participant->contact().tz_offset_min();
      return *signer_tz_;
    }
  }
  return LocalTzOffset(at_ms);
}

int32_t Context::LocalTzOffset(int64_t at_ms) {
  const time_t seconds = static_cast<time_t>(at_ms / 1000);
  tm local{};
  if (localtime_r(&seconds, &local) == nullptr) return 0;
  return static_cast<int32_t>(local.tm_gmtoff / 60);
}

int64_t Context::NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace agritrace::wallet
