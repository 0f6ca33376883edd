// What `agritrace` asks of libagritrace-wallet-net.so, the shared module that holds the CLI's
// network clients: gRPC (one unary call to the node's Ledger service, as bytes) and HTTP (one
// GET, for `agritrace verify URL`).
//
// The module is loaded with dlopen on the first command that talks to a node
// (wallet-cli/module_loader.h), so the offline commands (`verify FILE`, keys, offline signing,
// `record show`) start without mapping gRPC, abseil, OpenSSL's libssl or cpp-httplib. The
// module holds none of our code: requests and responses cross as serialized protobuf bytes, so
// the generated messages live once in the process (the executable), and the module is only
// the transport. Both sides are built together; `abi_version` refuses a stale module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace agritrace::wallet::net {

// Bumped whenever anything in this header changes.
inline constexpr int kNetModuleAbiVersion = 1;

// TLS for a channel, as PEM text (all empty: plaintext).
struct ChannelTls {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
};

// The outcome of one unary call: gRPC's status code (0 is OK) and message, the
// "agritrace-reason" trailing metadata when the node sent it, and the response bytes.
struct CallResult {
  int grpc_code = 0;
  std::string message;
  std::string reason;
  std::string response;
};

// A channel to one node. Not thread-safe: one call at a time.
class LedgerChannel {
 public:
  virtual ~LedgerChannel() = default;
  // `method` is the full gRPC path ("/agritrace.v1.Ledger/Status").
  virtual CallResult Call(const std::string& method, const std::string& request,
                          uint32_t deadline_ms) = 0;
};

struct HttpGetOptions {
  std::string accept;              // the Accept header
  size_t max_body_bytes = 0;       // a longer body stops the transfer: too_large
  int64_t connect_timeout_s = 0;
  int64_t read_timeout_s = 0;
};

struct HttpResult {
  std::string transport_error;  // non-empty when no response arrived
  bool too_large = false;
  int status = 0;
  std::string body;
};

struct NetModule {
  int abi_version;
  // `address` is HOST:PORT; the channel connects on its first call.
  std::unique_ptr<LedgerChannel> (*open_ledger)(const std::string& address, const ChannelTls& tls);
  // GET `url` (http:// or https://), following redirects.
  HttpResult (*http_get)(const std::string& url, const HttpGetOptions& options);
};

// The module's one exported symbol, resolved with dlsym.
inline constexpr const char* kNetModuleEntry = "agritrace_wallet_net_module";
inline constexpr const char* kNetModuleFile = "libagritrace-wallet-net.so";

}  // namespace agritrace::wallet::net
