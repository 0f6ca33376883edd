#include "wallet-cli/node_client.h"

#include <chrono>

#include <grpcpp/grpcpp.h>

#include "agritrace/v1/ledger.grpc.pb.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;

constexpr const char* kReasonMetadataKey = "agritrace-reason";
// Extra deadline for a waiting submit, so the node's own commit timeout answers first.
constexpr uint32_t kSubmitWaitSlackMs = 2000;

// "NOT_CUSTODIAN: sentence" -> (reason, "sentence") when the prefix is a known code.
bool SplitReasonPrefix(const std::string& message, Reason& reason, std::string& sentence) {
  const size_t colon = message.find(": ");
  if (colon == std::string::npos) return false;
  const std::string code = message.substr(0, colon);
  const Reason parsed = chain::ReasonFromName(code);
  if (parsed == Reason::kInternal && code != "INTERNAL") return false;
  reason = parsed;
  sentence = message.substr(colon + 2);
  return true;
}

Reason ReasonForGrpcCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::NOT_FOUND: return Reason::kNotFound;
    case grpc::StatusCode::INVALID_ARGUMENT: return Reason::kMalformed;
    case grpc::StatusCode::PERMISSION_DENIED: return Reason::kNotAuthorized;
    case grpc::StatusCode::ALREADY_EXISTS: return Reason::kAlreadyRegistered;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return Reason::kMempoolFull;
    case grpc::StatusCode::OK:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::DO_NOT_USE: break;
  }
  return Reason::kInternal;  // also any number gRPC may add
}

}  // namespace

chain::Status StatusFromGrpc(int grpc_code, const std::string& message,
                             const std::string& reason_metadata, const std::string& address,
                             uint32_t timeout_ms) {
  const auto code = static_cast<grpc::StatusCode>(grpc_code);
  if (code == grpc::StatusCode::OK) return chain::Status::Ok();
  Reason reason = Reason::kInternal;
  std::string sentence = message;
  const bool prefixed = SplitReasonPrefix(message, reason, sentence);
  if (!reason_metadata.empty()) {
    return chain::Status(chain::ReasonFromName(reason_metadata), prefixed ? sentence : message);
  }
  if (prefixed) return chain::Status(reason, sentence);
  if (code == grpc::StatusCode::UNAVAILABLE) {
    return chain::Status(Reason::kUnavailable, "cannot reach the node at " + address +
                                                   "; is agritrace-node running?");
  }
  if (code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return chain::Status(Reason::kTimeout, "the node at " + address + " did not answer within " +
                                               std::to_string(timeout_ms) +
                                               " ms (raise --timeout-ms)");
  }
  if (sentence.empty()) sentence = "the node at " + address + " failed the request";
  return chain::Status(ReasonForGrpcCode(code), sentence);
}

struct NodeClient::Impl {
  std::unique_ptr<v1::Ledger::Stub> stub;
};

NodeClient::NodeClient(std::string address, uint32_t timeout_ms)
    : address_(std::move(address)), timeout_ms_(timeout_ms) {}

NodeClient::~NodeClient() = default;

NodeClient::Impl& NodeClient::impl() {
  if (!impl_) {
    impl_ = std::make_unique<Impl>();
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
    if (tls_.enabled()) {
      grpc::SslCredentialsOptions options;
      options.pem_root_certs = tls_.ca_pem;
      options.pem_cert_chain = tls_.cert_pem;
      options.pem_private_key = tls_.key_pem;
      credentials = grpc::SslCredentials(options);
    }
    auto channel = grpc::CreateChannel(address_, credentials);
    impl_->stub = v1::Ledger::NewStub(channel);
  }
  return *impl_;
}

namespace {

// Runs one unary call with a deadline and converts the outcome.
template <typename Response, typename Call>
chain::Result<Response> Invoke(const std::string& address, uint32_t timeout_ms,
                               uint32_t deadline_ms, Call call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(deadline_ms));
  Response response;
  const grpc::Status status = call(&context, &response);
  if (status.ok()) return response;
  std::string reason;
  const auto& trailers = context.GetServerTrailingMetadata();
  if (auto it = trailers.find(kReasonMetadataKey); it != trailers.end()) {
    reason.assign(it->second.data(), it->second.size());
  }
  return StatusFromGrpc(status.error_code(), status.error_message(), reason, address, timeout_ms);
}

}  // namespace

chain::Result<v1::SubmitRecordResponse> NodeClient::SubmitRecord(const v1::Envelope& envelope,
                                                                  bool wait_for_commit) {
  v1::SubmitRecordRequest request;
  *request.mutable_envelope() = envelope;
  request.set_wait_for_commit(wait_for_commit);
  if (wait_for_commit) request.set_timeout_ms(timeout_ms_);
  const uint32_t deadline = wait_for_commit ? timeout_ms_ + kSubmitWaitSlackMs : timeout_ms_;
  auto* stub = impl().stub.get();
  return Invoke<v1::SubmitRecordResponse>(address_, timeout_ms_, deadline,
                                          [&](grpc::ClientContext* c, auto* r) {
                                            return stub->SubmitRecord(c, request, r);
                                          });
}

chain::Result<v1::SubmitRecordsResponse> NodeClient::SubmitRecords(
    const std::vector<v1::Envelope>& envelopes) {
  v1::SubmitRecordsRequest request;
  request.mutable_envelopes()->Add(envelopes.begin(), envelopes.end());
  auto* stub = impl().stub.get();
  return Invoke<v1::SubmitRecordsResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->SubmitRecords(c, request, r); });
}

chain::Result<v1::GetRecordResponse> NodeClient::GetRecord(const std::string& record_id) {
  v1::GetRecordRequest request;
  request.set_record_id(record_id);
  auto* stub = impl().stub.get();
  return Invoke<v1::GetRecordResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->GetRecord(c, request, r); });
}

chain::Result<v1::GetLotResponse> NodeClient::GetLot(const std::string& lot) {
  v1::GetLotRequest request;
  request.set_lot(lot);
  auto* stub = impl().stub.get();
  return Invoke<v1::GetLotResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->GetLot(c, request, r); });
}

chain::Result<v1::GetLotHistoryResponse> NodeClient::GetLotHistory(const std::string& lot) {
  v1::GetLotRequest request;
  request.set_lot(lot);
  auto* stub = impl().stub.get();
  return Invoke<v1::GetLotHistoryResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->GetLotHistory(c, request, r); });
}

chain::Result<v1::GetBlockResponse> NodeClient::GetBlock(uint64_t height) {
  v1::GetBlockRequest request;
  request.set_height(height);
  auto* stub = impl().stub.get();
  return Invoke<v1::GetBlockResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->GetBlock(c, request, r); });
}

namespace {

chain::Result<v1::Participant> UnwrapParticipant(chain::Result<v1::GetParticipantResponse> r) {
  if (!r.ok()) return r.status();
  if (!r->has_participant()) {
    return chain::Reject(chain::Reason::kUnknownParticipant, "the node has no such participant");
  }
  return r->participant();
}

}  // namespace

chain::Result<v1::Participant> NodeClient::GetParticipantByName(const std::string& name) {
  v1::GetParticipantRequest request;
  request.set_name(name);
  auto* stub = impl().stub.get();
  return UnwrapParticipant(Invoke<v1::GetParticipantResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->GetParticipant(c, request, r); }));
}

chain::Result<v1::Participant> NodeClient::GetParticipantByKey(const std::string& pubkey) {
  v1::GetParticipantRequest request;
  request.set_pubkey(pubkey);
  auto* stub = impl().stub.get();
  return UnwrapParticipant(Invoke<v1::GetParticipantResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->GetParticipant(c, request, r); }));
}

chain::Result<v1::PlotState> NodeClient::GetPlot(const std::string& plot_id) {
  v1::GetPlotRequest request;
  request.set_plot_id(plot_id);
  auto* stub = impl().stub.get();
  auto response = Invoke<v1::GetPlotResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->GetPlot(c, request, r); });
  if (!response.ok()) return response.status();
  return response->plot();
}

chain::Result<v1::StatusResponse> NodeClient::Status() {
  v1::StatusRequest request;
  auto* stub = impl().stub.get();
  return Invoke<v1::StatusResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->Status(c, request, r); });
}

chain::Result<v1::FindLotsResponse> NodeClient::FindLots(const v1::FindLotsRequest& request) {
  auto* stub = impl().stub.get();
  return Invoke<v1::FindLotsResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->FindLots(c, request, r); });
}

chain::Result<v1::TraceResponse> NodeClient::Trace(const v1::TraceRequest& request) {
  auto* stub = impl().stub.get();
  return Invoke<v1::TraceResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->Trace(c, request, r); });
}

chain::Result<v1::ListEvidenceResponse> NodeClient::ListEvidence(
    const v1::ListEvidenceRequest& request) {
  auto* stub = impl().stub.get();
  return Invoke<v1::ListEvidenceResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->ListEvidence(c, request, r); });
}

chain::Result<v1::GetValidatorGovernanceResponse> NodeClient::GetValidatorGovernance() {
  auto* stub = impl().stub.get();
  v1::GetValidatorGovernanceRequest request;
  return Invoke<v1::GetValidatorGovernanceResponse>(
      address_, timeout_ms_, timeout_ms_,
      [&](grpc::ClientContext* c, auto* r) { return stub->GetValidatorGovernance(c, request, r); });
}

}  // namespace agritrace::wallet
