#include "wallet-cli/node_client.h"

#include "wallet-cli/module_loader.h"

namespace agritrace::wallet {
namespace {

using chain::Reason;

// Extra deadline for a waiting submit, so the node's own commit timeout answers first.
constexpr uint32_t kSubmitWaitSlackMs = 2000;
constexpr const char* kLedgerService = "/agritrace.v1.Ledger/";

// gRPC status codes (grpc/impl/codegen/status.h; fixed by gRPC's wire protocol).
enum GrpcCode : int {
  kGrpcOk = 0,
  kGrpcInvalidArgument = 3,
  kGrpcDeadlineExceeded = 4,
  kGrpcNotFound = 5,
  kGrpcAlreadyExists = 6,
  kGrpcPermissionDenied = 7,
  kGrpcResourceExhausted = 8,
  kGrpcUnavailable = 14,
};

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

Reason ReasonForGrpcCode(int code) {
  switch (code) {
    case kGrpcNotFound: return Reason::kNotFound;
    case kGrpcInvalidArgument: return Reason::kMalformed;
    case kGrpcPermissionDenied: return Reason::kNotAuthorized;
    case kGrpcAlreadyExists: return Reason::kAlreadyRegistered;
    case kGrpcResourceExhausted: return Reason::kMempoolFull;
    default: return Reason::kInternal;  // also any number gRPC may add
  }
}

}  // namespace

chain::Status StatusFromGrpc(int grpc_code, const std::string& message,
                             const std::string& reason_metadata, const std::string& address,
                             uint32_t timeout_ms) {
  const int code = grpc_code;
  if (code == kGrpcOk) return chain::Status::Ok();
  Reason reason = Reason::kInternal;
  std::string sentence = message;
  const bool prefixed = SplitReasonPrefix(message, reason, sentence);
  if (!reason_metadata.empty()) {
    return chain::Status(chain::ReasonFromName(reason_metadata), prefixed ? sentence : message);
  }
  if (prefixed) return chain::Status(reason, sentence);
  if (code == kGrpcUnavailable) {
    return chain::Status(Reason::kUnavailable, "cannot reach the node at " + address +
                                                   "; is agritrace-node running?");
  }
  if (code == kGrpcDeadlineExceeded) {
    return chain::Status(Reason::kTimeout, "the node at " + address + " did not answer within " +
                                               std::to_string(timeout_ms) +
                                               " ms (raise --timeout-ms)");
  }
  if (sentence.empty()) sentence = "the node at " + address + " failed the request";
  return chain::Status(ReasonForGrpcCode(code), sentence);
}

NodeClient::NodeClient(std::string address, uint32_t timeout_ms)
    : address_(std::move(address)), timeout_ms_(timeout_ms) {}

NodeClient::~NodeClient() = default;

template <typename Response>
chain::Result<Response> NodeClient::Call(const char* method,
                                         const google::protobuf::MessageLite& request,
                                         uint32_t deadline_ms) {
  if (!channel_) {
    auto module = LoadNetModule();
    if (!module.ok()) return module.status();
    channel_ = (*module)->open_ledger(address_, {tls_.ca_pem, tls_.cert_pem, tls_.key_pem});
  }
  std::string bytes;
  if (!request.SerializeToString(&bytes)) {
    return chain::Reject(Reason::kMalformed, std::string("cannot encode the ") + method +
                                                 " request");
  }
  net::CallResult result = channel_->Call(kLedgerService + std::string(method), bytes,
                                          deadline_ms);
  if (result.grpc_code != kGrpcOk) {
    return StatusFromGrpc(result.grpc_code, result.message, result.reason, address_,
                          timeout_ms_);
  }
  Response response;
  if (!response.ParseFromString(result.response)) {
    return chain::Reject(Reason::kMalformed, "the node at " + address_ + " sent a " + method +
                                                 " answer that does not parse");
  }
  return response;
}

chain::Result<v1::SubmitRecordResponse> NodeClient::SubmitRecord(const v1::Envelope& envelope,
                                                                  bool wait_for_commit) {
  v1::SubmitRecordRequest request;
  *request.mutable_envelope() = envelope;
  request.set_wait_for_commit(wait_for_commit);
  if (wait_for_commit) request.set_timeout_ms(timeout_ms_);
  const uint32_t deadline = wait_for_commit ? timeout_ms_ + kSubmitWaitSlackMs : timeout_ms_;
  return Call<v1::SubmitRecordResponse>("SubmitRecord", request, deadline);
}

chain::Result<v1::SubmitRecordsResponse> NodeClient::SubmitRecords(
    const std::vector<v1::Envelope>& envelopes) {
  v1::SubmitRecordsRequest request;
  request.mutable_envelopes()->Add(envelopes.begin(), envelopes.end());
  return Call<v1::SubmitRecordsResponse>("SubmitRecords", request, timeout_ms_);
}

chain::Result<v1::GetRecordResponse> NodeClient::GetRecord(const std::string& record_id) {
  v1::GetRecordRequest request;
  request.set_record_id(record_id);
  return Call<v1::GetRecordResponse>("GetRecord", request, timeout_ms_);
}

chain::Result<v1::GetLotResponse> NodeClient::GetLot(const std::string& lot) {
  v1::GetLotRequest request;
  request.set_lot(lot);
  return Call<v1::GetLotResponse>("GetLot", request, timeout_ms_);
}

chain::Result<v1::GetLotHistoryResponse> NodeClient::GetLotHistory(const std::string& lot) {
  v1::GetLotRequest request;
  request.set_lot(lot);
  return Call<v1::GetLotHistoryResponse>("GetLotHistory", request, timeout_ms_);
}

chain::Result<v1::GetBlockResponse> NodeClient::GetBlock(uint64_t height) {
  v1::GetBlockRequest request;
  request.set_height(height);
  return Call<v1::GetBlockResponse>("GetBlock", request, timeout_ms_);
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
  return UnwrapParticipant(
      Call<v1::GetParticipantResponse>("GetParticipant", request, timeout_ms_));
}

chain::Result<v1::Participant> NodeClient::GetParticipantByKey(const std::string& pubkey) {
  v1::GetParticipantRequest request;
  request.set_pubkey(pubkey);
  return UnwrapParticipant(
      Call<v1::GetParticipantResponse>("GetParticipant", request, timeout_ms_));
}

chain::Result<v1::PlotState> NodeClient::GetPlot(const std::string& plot_id) {
  v1::GetPlotRequest request;
  request.set_plot_id(plot_id);
  auto response = Call<v1::GetPlotResponse>("GetPlot", request, timeout_ms_);
  if (!response.ok()) return response.status();
  return response->plot();
}

chain::Result<v1::StatusResponse> NodeClient::Status() {
  return Call<v1::StatusResponse>("Status", v1::StatusRequest(), timeout_ms_);
}

chain::Result<v1::FindLotsResponse> NodeClient::FindLots(const v1::FindLotsRequest& request) {
  return Call<v1::FindLotsResponse>("FindLots", request, timeout_ms_);
}

chain::Result<v1::TraceResponse> NodeClient::Trace(const v1::TraceRequest& request) {
  return Call<v1::TraceResponse>("Trace", request, timeout_ms_);
}

chain::Result<v1::ListEvidenceResponse> NodeClient::ListEvidence(
    const v1::ListEvidenceRequest& request) {
  return Call<v1::ListEvidenceResponse>("ListEvidence", request, timeout_ms_);
}

chain::Result<v1::GetValidatorGovernanceResponse> NodeClient::GetValidatorGovernance() {
  return Call<v1::GetValidatorGovernanceResponse>(
      "GetValidatorGovernance", v1::GetValidatorGovernanceRequest(), timeout_ms_);
}

}  // namespace agritrace::wallet
