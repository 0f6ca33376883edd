// agritrace-hostile-client: a misbehaving gRPC client of the Ledger API, for
// tests/integration/hostile_clients_test.sh.
//   agritrace-hostile-client oversized ADDR BYTES   one SubmitRecord carrying BYTES of body
//   agritrace-hostile-client flood ADDR CALLS       CALLS Status calls back to back
// Prints one line per outcome ("CODE message", or "ok=N refused=M last=MESSAGE") and exits 0
// once the node answered at all; the script checks the words.
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "agritrace/v1/ledger.grpc.pb.h"

namespace {

using agritrace::v1::Ledger;

constexpr int kClientMaxMessageBytes = 256 * 1024 * 1024;  // never the client's limit
constexpr auto kDeadline = std::chrono::seconds(20);

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    default: return "OTHER";
  }
}

std::unique_ptr<Ledger::Stub> Connect(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(kClientMaxMessageBytes);
  args.SetMaxReceiveMessageSize(kClientMaxMessageBytes);
  return Ledger::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

int Oversized(const std::string& address, size_t bytes) {
  auto stub = Connect(address);
  agritrace::v1::SubmitRecordRequest request;
  request.mutable_envelope()->set_body(std::string(bytes, '\x01'));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
  agritrace::v1::SubmitRecordResponse response;
  grpc::Status status = stub->SubmitRecord(&context, request, &response);
  std::cout << CodeName(status.error_code()) << " " << status.error_message() << "\n";
  return 0;
}

int Flood(const std::string& address, int calls) {
  auto stub = Connect(address);
  int ok = 0, refused = 0, other = 0;
  std::string last;
  for (int i = 0; i < calls; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kDeadline);
    agritrace::v1::StatusResponse response;
    grpc::Status status = stub->Status(&context, agritrace::v1::StatusRequest(), &response);
    if (status.ok()) {
      ++ok;
    } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      last = status.error_message();
    } else {
      ++other;
      last = std::string(CodeName(status.error_code())) + " " + status.error_message();
    }
  }
  std::cout << "ok=" << ok << " refused=" << refused << " other=" << other << " last=" << last
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc == 4 && mode == "oversized") return Oversized(argv[2], std::strtoull(argv[3], nullptr, 10));
  if (argc == 4 && mode == "flood") return Flood(argv[2], std::atoi(argv[3]));
  std::cerr << "usage: agritrace-hostile-client oversized ADDR BYTES | flood ADDR CALLS\n";
  return 2;
}
