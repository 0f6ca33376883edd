// libagritrace-wallet-net.so: gRPC and HTTP for `agritrace` (see net_module.h). Built with
// hidden visibility; only the entry point is exported.
#include "wallet-cli/net/net_module.h"

#include <httplib.h>

#include <chrono>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

namespace agritrace::wallet::net {
namespace {

constexpr const char* kReasonMetadataKey = "agritrace-reason";

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

class GrpcLedgerChannel final : public LedgerChannel {
 public:
  GrpcLedgerChannel(const std::string& address, const ChannelTls& tls) {
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
    if (!tls.ca_pem.empty() || !tls.cert_pem.empty()) {
      grpc::SslCredentialsOptions options;
      options.pem_root_certs = tls.ca_pem;
      options.pem_cert_chain = tls.cert_pem;
      options.pem_private_key = tls.key_pem;
      credentials = grpc::SslCredentials(options);
    }
    stub_ = std::make_unique<grpc::GenericStub>(grpc::CreateChannel(address, credentials));
  }

  // One unary call on its own completion queue, waited for here: the CLI makes one call at a
  // time, and the queue is drained before it goes out of scope.
  CallResult Call(const std::string& method, const std::string& request,
                  uint32_t deadline_ms) override {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(deadline_ms));
    grpc::Slice slice(request.data(), request.size());
    grpc::ByteBuffer request_buffer(&slice, 1);
    grpc::CompletionQueue queue;
    auto call = stub_->PrepareUnaryCall(&context, method, request_buffer, &queue);
    call->StartCall();
    grpc::ByteBuffer response_buffer;
    grpc::Status status;
    int tag = 0;
    call->Finish(&response_buffer, &status, &tag);
    void* got = nullptr;
    bool ok = false;
    queue.Next(&got, &ok);  // the only event of this queue: the call's end
    queue.Shutdown();
    while (queue.Next(&got, &ok)) {
    }
    CallResult result;
    result.grpc_code = status.error_code();
    result.message = status.error_message();
    if (status.ok()) {
      result.response = ToString(response_buffer);
      return result;
    }
    const auto& trailers = context.GetServerTrailingMetadata();
    if (auto it = trailers.find(kReasonMetadataKey); it != trailers.end()) {
      result.reason.assign(it->second.data(), it->second.size());
    }
    return result;
  }

 private:
  std::unique_ptr<grpc::GenericStub> stub_;
};

std::unique_ptr<LedgerChannel> OpenLedger(const std::string& address, const ChannelTls& tls) {
  return std::make_unique<GrpcLedgerChannel>(address, tls);
}

HttpResult HttpGet(const std::string& url, const HttpGetOptions& options) {
  const size_t scheme_end = url.find("://");
  const size_t path_start =
      url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string origin = url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  httplib::Client client(origin);
  client.set_connection_timeout(options.connect_timeout_s);
  client.set_read_timeout(options.read_timeout_s);
  client.set_follow_location(true);
  HttpResult result;
  auto response = client.Get(
      path, {{"Accept", options.accept}}, [&](const char* data, size_t length) {
        if (result.body.size() + length > options.max_body_bytes) {
          result.too_large = true;
          return false;
        }
        result.body.append(data, length);
        return true;
      });
  if (result.too_large) return result;
  if (!response) {
    result.transport_error = httplib::to_string(response.error());
    return result;
  }
  result.status = response->status;
  return result;
}

constexpr NetModule kModule{kNetModuleAbiVersion, &OpenLedger, &HttpGet};

}  // namespace
}  // namespace agritrace::wallet::net

extern "C" __attribute__((visibility("default"))) const agritrace::wallet::net::NetModule*
agritrace_wallet_net_module() {
  return &agritrace::wallet::net::kModule;
}
