// A client for one node's agritrace.v1.Ledger service.
//
// Every call returns chain::Status values: node rejections keep their reason code (from the
// "agritrace-reason" trailing metadata, else the "REASON: " prefix of the message); transport
// failures become UNAVAILABLE and deadlines TIMEOUT. The calls go through the gRPC channel of
// libagritrace-wallet-net.so (wallet-cli/net/net_module.h), loaded on the first call, so a
// process that never calls the node never maps gRPC; a missing module is UNAVAILABLE.
// Not thread-safe (the CLI makes one call at a time).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agritrace/v1/ledger.pb.h"
#include "chain/base/status.h"
#include "wallet-cli/net/net_module.h"

namespace agritrace::wallet {

// TLS for the channel, as PEM text: the CA that signed the node's certificate, and this
// client's certificate and key (a node with [tls] enabled requires them). All empty:
// plaintext.
struct ClientTls {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  bool enabled() const { return !ca_pem.empty() || !cert_pem.empty(); }
};

class NodeClient {
 public:
  // `address` is HOST:PORT; `timeout_ms` bounds each call (SubmitRecord with
  // wait_for_commit gets a little longer so the node can answer its own timeout first).
  NodeClient(std::string address, uint32_t timeout_ms);
  ~NodeClient();
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;

  const std::string& address() const { return address_; }
  // Before the first call.
  void SetTls(ClientTls tls) { tls_ = std::move(tls); }

  chain::Result<v1::SubmitRecordResponse> SubmitRecord(const v1::Envelope& envelope,
                                                       bool wait_for_commit);
  // Admits up to kMaxSubmitBatchRecords envelopes in one call (no wait); one result each.
  chain::Result<v1::SubmitRecordsResponse> SubmitRecords(const std::vector<v1::Envelope>& envelopes);
  chain::Result<v1::GetRecordResponse> GetRecord(const std::string& record_id);
  chain::Result<v1::GetLotResponse> GetLot(const std::string& lot);
  chain::Result<v1::GetLotHistoryResponse> GetLotHistory(const std::string& lot);
  chain::Result<v1::GetBlockResponse> GetBlock(uint64_t height);
  chain::Result<v1::Participant> GetParticipantByName(const std::string& name);
  chain::Result<v1::Participant> GetParticipantByKey(const std::string& pubkey);
  chain::Result<v1::PlotState> GetPlot(const std::string& plot_id);
  chain::Result<v1::StatusResponse> Status();
  chain::Result<v1::TraceResponse> Trace(const v1::TraceRequest& request);
  // Lots of a GTIN or commodity (FSMA 204 requests by product); `truncated` past the node's limit.
  chain::Result<v1::FindLotsResponse> FindLots(const v1::FindLotsRequest& request);
  chain::Result<v1::ListEvidenceResponse> ListEvidence(const v1::ListEvidenceRequest& request);
  chain::Result<v1::GetValidatorGovernanceResponse> GetValidatorGovernance();

 private:
  // One unary call of Ledger `method` ("Status"): serializes, calls, parses the response.
  template <typename Response>
  chain::Result<Response> Call(const char* method, const google::protobuf::MessageLite& request,
                               uint32_t deadline_ms);

  std::string address_;
  uint32_t timeout_ms_;
  ClientTls tls_;
  std::unique_ptr<net::LedgerChannel> channel_;  // opened on the first call
};

// Converts a gRPC outcome into a Status (exposed for tests). `reason_metadata` is the value of
// the "agritrace-reason" trailing metadata, empty when absent; `grpc_code` is a gRPC status
// code (grpc::StatusCode's numbers, which are part of gRPC's wire protocol).
chain::Status StatusFromGrpc(int grpc_code, const std::string& message,
                             const std::string& reason_metadata, const std::string& address,
                             uint32_t timeout_ms);

}  // namespace agritrace::wallet
