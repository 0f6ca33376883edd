#include "node/rpc/ledger_guard.h"

#include <grpc/byte_buffer.h>
#include <grpc/grpc.h>
#include <grpc/support/alloc.h>
#include <grpcpp/impl/rpc_service_method.h>
#include <grpcpp/support/method_handler.h>

#include "node/common/client_limits.h"

namespace agritrace::node {

LedgerGuard::LedgerGuard(const Options& options)
    : options_(options),
      limiter_(options.calls_per_second, options.burst_calls, kMaxRateLimitedClients) {}

grpc::Status LedgerGuard::Admit(const std::string& client, size_t request_bytes) {
  if (options_.max_request_bytes && request_bytes > options_.max_request_bytes) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED,
            "request of " + std::to_string(request_bytes) + " bytes exceeds the Ledger limit of " +
                std::to_string(options_.max_request_bytes) + " bytes"};
  }
  if (options_.limit_loopback || !IsLoopbackAddress(client)) {
    const double cost = 1.0 + static_cast<double>(request_bytes / kLedgerBytesPerToken);
    auto decision = limiter_.Allow(client, cost);
    if (!decision.allowed) {
      return {grpc::StatusCode::RESOURCE_EXHAUSTED,
              "rate limit: client " + client + " exceeded " +
                  std::to_string(static_cast<int64_t>(limiter_.rate_per_second())) +
                  " Ledger calls per second (burst " +
                  std::to_string(static_cast<int64_t>(limiter_.burst())) +
                  ", grpc.client_calls_per_second); retry in " +
                  std::to_string(decision.retry_after.count()) + " ms"};
    }
  }
  std::lock_guard lock(mu_);
  if (options_.max_in_flight && in_flight_ >= options_.max_in_flight) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED,
            "server busy: " + std::to_string(in_flight_) + " Ledger calls in progress (limit " +
                std::to_string(options_.max_in_flight) + "); retry shortly"};
  }
  size_t& mine = per_client_[client];
  if (options_.max_in_flight_per_client && mine >= options_.max_in_flight_per_client) {
    if (mine == 0) per_client_.erase(client);
    return {grpc::StatusCode::RESOURCE_EXHAUSTED,
            "client " + client + " has " + std::to_string(mine) +
                " Ledger calls in progress (limit " +
                std::to_string(options_.max_in_flight_per_client) + " per client)"};
  }
  ++mine;
  ++in_flight_;
  return grpc::Status::OK;
}

void LedgerGuard::Release(const std::string& client) {
  std::lock_guard lock(mu_);
  auto it = per_client_.find(client);
  if (it == per_client_.end()) return;
  if (--it->second == 0) per_client_.erase(it);
  if (in_flight_ > 0) --in_flight_;
}

size_t LedgerGuard::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

namespace {

using grpc::internal::MethodHandler;
using grpc::internal::RpcMethod;
using grpc::internal::RpcServiceMethod;
using MethodList = std::vector<std::unique_ptr<RpcServiceMethod>>;

// grpc::Service keeps its method table private (the server reads it as a friend) and offers
// no way to list it. The standard way to reach it from outside is a member pointer named in
// an explicit template instantiation, where access is not checked ([temp.spec.general]/6):
// no layout assumptions, and a gRPC that renamed the member would fail to compile, not
// misbehave.
MethodList& MethodsOf(grpc::Service& service);
template <MethodList grpc::Service::*Member>
struct MethodsAccess {
  friend MethodList& MethodsOf(grpc::Service& service) { return service.*Member; }
};
template struct MethodsAccess<&grpc::Service::methods_>;

std::string PeerOf(grpc_call* call) {
  char* peer = grpc_call_get_peer(call);
  std::string address = ClientAddressOf(peer ? peer : "");
  gpr_free(peer);
  return address;
}

// Runs one inner handler behind the guard. For calls with a request message (unary and
// server streaming) gRPC calls Deserialize first, with the raw bytes: admission happens
// there, and a refusal is handed to the inner handler as a failed decode, which makes it
// answer with that status without running the method. Client and bidi streams have no
// request message, so they are admitted in RunHandler.
class GuardedHandler final : public MethodHandler {
 public:
  GuardedHandler(MethodHandler* inner, RpcMethod::RpcType type, LedgerGuard* guard)
      : inner_(inner), guard_(guard),
        has_request_(type == RpcMethod::NORMAL_RPC || type == RpcMethod::SERVER_STREAMING) {}

  void* Deserialize(grpc_call* call, grpc_byte_buffer* req, grpc::Status* status,
                    void** handler_data) override {
    const std::string client = PeerOf(call);
    grpc::Status admitted = guard_->Admit(client, req ? grpc_byte_buffer_length(req) : 0);
    if (!admitted.ok()) {
      if (req) grpc_byte_buffer_destroy(req);
      *status = admitted;
      return nullptr;
    }
    {
      std::lock_guard lock(mu_);
      admitted_[call] = client;
    }
    return inner_->Deserialize(call, req, status, handler_data);
  }

  void RunHandler(const HandlerParameter& param) override {
    std::string client;
    bool admitted = TakeAdmission(param.call->call(), &client);
    if (!admitted && !has_request_) {
      client = PeerOf(param.call->call());
      grpc::Status status = guard_->Admit(client, 0);
      if (!status.ok()) {
        grpc::internal::ResourceExhaustedHandler(status.error_message()).RunHandler(param);
        return;
      }
      admitted = true;
    }
    inner_->RunHandler(param);
    if (admitted) guard_->Release(client);
  }

 private:
  bool TakeAdmission(grpc_call* call, std::string* client) {
    std::lock_guard lock(mu_);
    auto it = admitted_.find(call);
    if (it == admitted_.end()) return false;
    *client = std::move(it->second);
    admitted_.erase(it);
    return true;
  }

  MethodHandler* inner_;  // owned by the inner service's method
  LedgerGuard* guard_;
  const bool has_request_;
  std::mutex mu_;
  std::unordered_map<grpc_call*, std::string> admitted_;  // GUARDED_BY(mu_): Deserialize -> Run
};

class GuardedService final : public grpc::Service {
 public:
  GuardedService(grpc::Service* inner, LedgerGuard* guard) {
    for (const auto& method : MethodsOf(*inner)) {
      if (!method || !method->handler()) continue;  // async methods: the inner serves none
      AddMethod(new RpcServiceMethod(
          method->name(), method->method_type(),
          new GuardedHandler(method->handler(), method->method_type(), guard)));
    }
  }
};

}  // namespace

std::unique_ptr<grpc::Service> GuardService(grpc::Service* inner, LedgerGuard* guard) {
  return std::make_unique<GuardedService>(inner, guard);
}

}  // namespace agritrace::node
