// LedgerGuard in front of a real gRPC server on 127.0.0.1: every Ledger method passes the
// per-client limits (rate, request size, calls in progress) and a refusal is
// RESOURCE_EXHAUSTED naming the limit, while methods the guard admits run unchanged.
#include "node/rpc/ledger_guard.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "agritrace/v1/ledger.grpc.pb.h"
#include "node/common/client_limits.h"

namespace agritrace::node {
namespace {

// Status answers at once; GetLot blocks until released (a stand-in for a waiting submit).
class FakeLedger final : public v1::Ledger::Service {
 public:
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusResponse* response) override {
    response->set_chain_id("guard-test");
    ++calls;
    return grpc::Status::OK;
  }
  grpc::Status GetLot(grpc::ServerContext*, const v1::GetLotRequest*,
                      v1::GetLotResponse*) override {
    ++calls;
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return released; });
    return grpc::Status::OK;
  }
  void Release() {
    std::lock_guard lock(mu);
    released = true;
    cv.notify_all();
  }

  std::atomic<int> calls{0};
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
};

class LedgerGuardTest : public ::testing::Test {
 protected:
  void Start(const LedgerGuard::Options& options) {
    guard_ = std::make_unique<LedgerGuard>(options);
    guarded_ = GuardService(&service_, guard_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    builder.RegisterService(guarded_.get());
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(64 * 1024 * 1024);
    stub_ = v1::Ledger::NewStub(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args));
  }
  void TearDown() override {
    service_.Release();
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }

  grpc::Status CallStatus() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::StatusResponse response;
    return stub_->Status(&context, v1::StatusRequest(), &response);
  }

  static LedgerGuard::Options Loose() {
    LedgerGuard::Options options;
    options.limit_loopback = true;  // the test's client is on loopback
    options.max_request_bytes = kMaxLedgerRequestBytes;
    options.max_in_flight = 100;
    options.max_in_flight_per_client = 100;
    return options;
  }

  FakeLedger service_;
  std::unique_ptr<LedgerGuard> guard_;
  std::unique_ptr<grpc::Service> guarded_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
};

TEST_F(LedgerGuardTest, AdmittedCallsRunTheServiceUnchanged) {
  Start(Loose());
  grpc::ClientContext context;
  v1::StatusResponse response;
  ASSERT_TRUE(stub_->Status(&context, v1::StatusRequest(), &response).ok());
  EXPECT_EQ(response.chain_id(), "guard-test");
  // A method the service does not implement still answers UNIMPLEMENTED, not a guard error.
  grpc::ClientContext other;
  v1::GetBlockResponse block;
  EXPECT_EQ(stub_->GetBlock(&other, v1::GetBlockRequest(), &block).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  for (int i = 0; i < 200 && guard_->in_flight() > 0; ++i) {  // released after the answer
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(guard_->in_flight(), 0u);
}

TEST_F(LedgerGuardTest, AFloodPastTheRateLimitIsRefusedWithResourceExhausted) {
  auto options = Loose();
  options.calls_per_second = 5;
  options.burst_calls = 10;
  Start(options);
  int ok = 0, refused = 0;
  std::string message;
  for (int i = 0; i < 50; ++i) {
    grpc::Status status = CallStatus();
    if (status.ok()) ++ok;
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      message = status.error_message();
    }
  }
  EXPECT_GE(ok, 10);
  EXPECT_LE(ok, 12);  // the burst, plus what refilled while the loop ran
  EXPECT_EQ(ok + refused, 50);
  EXPECT_NE(message.find("rate limit"), std::string::npos) << message;
  EXPECT_NE(message.find("grpc.client_calls_per_second"), std::string::npos) << message;
  EXPECT_EQ(service_.calls.load(), ok);  // refused calls never reached the service
}

TEST_F(LedgerGuardTest, LoopbackIsExemptUnlessConfigured) {
  auto options = Loose();
  options.calls_per_second = 1;
  options.burst_calls = 1;
  options.limit_loopback = false;
  Start(options);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(CallStatus().ok()) << i;
}

TEST_F(LedgerGuardTest, AnOversizedRequestIsRefusedBeforeItIsDecoded) {
  Start(Loose());
  v1::GetLotRequest request;
  request.set_lot(std::string(kMaxLedgerRequestBytes + 1, 'x'));
  grpc::ClientContext context;
  v1::GetLotResponse response;
  grpc::Status status = stub_->GetLot(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(status.error_message().find("exceeds the Ledger limit"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(service_.calls.load(), 0);
}

TEST_F(LedgerGuardTest, CallsInProgressPerClientAreCapped) {
  auto options = Loose();
  options.max_in_flight_per_client = 2;
  Start(options);
  std::vector<std::future<grpc::Status>> waiting;
  for (int i = 0; i < 2; ++i) {
    waiting.push_back(std::async(std::launch::async, [&] {
      grpc::ClientContext context;
      v1::GetLotResponse response;
      return stub_->GetLot(&context, v1::GetLotRequest(), &response);
    }));
  }
  for (int i = 0; i < 200 && guard_->in_flight() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(guard_->in_flight(), 2u);
  grpc::Status third = CallStatus();
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(third.error_message().find("per client"), std::string::npos) << third.error_message();
  service_.Release();
  for (auto& call : waiting) EXPECT_TRUE(call.get().ok());
  // A slot is released once the handler returns, just after the client has its answer.
  for (int i = 0; i < 200 && guard_->in_flight() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(guard_->in_flight(), 0u);
  EXPECT_TRUE(CallStatus().ok());  // released slots are reusable
}

}  // namespace
}  // namespace agritrace::node
