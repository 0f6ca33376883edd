#include "node/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "chain/bytes.h"
#include "node/ledger_service.h"
#include "node/node.h"
#include "node/version.h"

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

}  // namespace

chain::Status RunNode(const NodeConfig& config, const std::string& password) {
  const sigset_t stop_signals = BlockStopSignals();
  auto node = Node::Open(config, password);
  if (!node.ok()) return node.status();
  const auto& genesis = (*node)->genesis();
  spdlog::info("agritrace-node {} chain {} genesis {} height {}", kVersion, genesis.chain_id,
               chain::ToHex(genesis.hash), (*node)->store().Tip().height);

  LedgerService service(node->get());
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(config.grpc_addr, grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.grpc_max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.grpc_max_message_bytes));
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    return Reject(Reason::kUnavailable, "cannot listen on " + config.grpc_addr);
  }
  (*node)->Start();
  spdlog::info("validator {} serving agritrace.v1.Ledger on {}", config.name, config.grpc_addr);

  int signal_number = WaitForStopSignal(stop_signals);
  spdlog::info("signal {}: shutting down", signal_number);
  // Waiting SubmitRecord calls get a deadline so Shutdown does not hang on them.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  (*node)->Stop();
  spdlog::info("stopped at height {}", (*node)->store().Tip().height);
  return chain::Status::Ok();
}

}  // namespace agritrace::node
