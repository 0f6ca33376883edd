#include "node/daemon/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <thread>

#include "chain/base/bytes.h"
#include "node/rpc/grpc_limits.h"
#include "node/http/http_gateway.h"
#include "node/rpc/ledger_service.h"
#include "node/node.h"
#include "node/p2p/tls.h"
#include "node/common/version.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;

namespace {

// Blocks SIGINT/SIGTERM in every thread (call before starting any); WaitForStopSignal then
// receives them synchronously.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int WaitForStopSignal(const sigset_t& set) {
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

// Raises the soft limit on open files to the hard limit: the HTTP gateway holds up to
// http.max_connections sockets (4096 by default) besides RocksDB's files and gRPC's
// connections, and a distribution's default soft limit is often 1024. Warns when even the hard
// limit leaves less than the gateway may need (accept then fails and is retried; see
// kHttpAcceptRetryDelay).
void RaiseOpenFileLimit(const NodeConfig& config) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) {
      spdlog::info("open-file limit raised from {} to {}", before, limit.rlim_cur);
    }
  }
  // RocksDB, gRPC and peers: a generous reserve next to the gateway's connections.
  constexpr rlim_t kReservedFiles = 1024;
  if (!config.http_addr.empty() && limit.rlim_cur < config.http_max_connections + kReservedFiles) {
    spdlog::warn("open-file limit {} is below http.max_connections ({}) + {}: raise the hard "
                 "limit (ulimit -Hn, LimitNOFILE=) or lower http.max_connections",
                 limit.rlim_cur, config.http_max_connections, kReservedFiles);
  }
}

}  // namespace

chain::Status RunNode(const NodeConfig& config, const std::string& password) {
  const sigset_t stop_signals = BlockStopSignals();
  RaiseOpenFileLimit(config);
  auto node = Node::Open(config, password);
  if (!node.ok()) return node.status();
  const auto& genesis = (*node)->genesis();
  spdlog::info("agritrace-node {} chain {} genesis {} height {}", kVersion, genesis.chain_id,
               chain::ToHex(genesis.hash), (*node)->store().Tip().height);

  LedgerService service(node->get());
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  auto credentials = ServerCredentials(config);  // mutual TLS when [tls] enabled
  if (!credentials.ok()) return credentials.status();
  builder.AddListeningPort(config.grpc_addr, *credentials, &bound_port);
  AGRI_RETURN_IF_ERROR(CheckGrpcLimits(config));
  ApplyGrpcLimits(config, builder);  // sizes, keepalive, streams, connection ages, quota
  // Every Ledger call passes per-client limits first (rate, size, calls in progress).
  LedgerGuard guard(LedgerGuardOptions(config));
  std::unique_ptr<grpc::Service> guarded_service = GuardService(&service, &guard);
  builder.RegisterService(guarded_service.get());
  builder.RegisterService((*node)->peer_service());  // agritrace.v1.Peer: gossip and sync
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return Reject(Reason::kUnavailable, "cannot listen on " + config.grpc_addr);
  }
  (*node)->Start();
  // HTTP gateway (product page, proof bundles, /metrics); an empty http.addr turns it off.
  // A port clash disables only the gateway: the node's duty to the chain comes first (several
  // dev nodes on one host share the default http.addr unless each is given its own).
  std::unique_ptr<HttpGateway> http;
  if (!config.http_addr.empty()) {
    http = std::make_unique<HttpGateway>(node->get(), config);
    if (chain::Status started = http->Start(); !started.ok()) {
      spdlog::error("HTTP gateway disabled: {}", started.ToString());
      http.reset();
    }
  }
  spdlog::info("validator {} serving agritrace.v1.Ledger on {}", config.name, config.grpc_addr);

  int signal_number = WaitForStopSignal(stop_signals);
  spdlog::info("signal {}: shutting down", signal_number);
  // Waiting SubmitRecord calls get a deadline so Shutdown does not hang on them.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (http) http->Stop();
  (*node)->Stop();
  spdlog::info("stopped at height {}", (*node)->store().Tip().height);
  return chain::Status::Ok();
}

}  // namespace agritrace::node
