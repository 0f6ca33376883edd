// LedgerService: the agritrace.v1.Ledger gRPC client API over a Node.
//
// Thread-safety: gRPC calls the handlers from its own threads; all state lives in Node,
// which is thread-safe.
#pragma once

#include "agritrace/v1/ledger.grpc.pb.h"
#include "node/node.h"

namespace agritrace::node {

class LedgerService final : public v1::Ledger::Service {
 public:
  explicit LedgerService(Node* node) : node_(node) {}

  grpc::Status SubmitRecord(grpc::ServerContext* context, const v1::SubmitRecordRequest* request,
                            v1::SubmitRecordResponse* response) override;
  grpc::Status SubmitRecords(grpc::ServerContext* context, const v1::SubmitRecordsRequest* request,
                             v1::SubmitRecordsResponse* response) override;
  grpc::Status GetRecord(grpc::ServerContext* context, const v1::GetRecordRequest* request,
                         v1::GetRecordResponse* response) override;
  grpc::Status GetLot(grpc::ServerContext* context, const v1::GetLotRequest* request,
                      v1::GetLotResponse* response) override;
  grpc::Status GetLotHistory(grpc::ServerContext* context, const v1::GetLotRequest* request,
                             v1::GetLotHistoryResponse* response) override;
  grpc::Status GetBlock(grpc::ServerContext* context, const v1::GetBlockRequest* request,
                        v1::GetBlockResponse* response) override;
  grpc::Status GetPlot(grpc::ServerContext* context, const v1::GetPlotRequest* request,
                       v1::GetPlotResponse* response) override;
  grpc::Status GetParticipant(grpc::ServerContext* context,
                              const v1::GetParticipantRequest* request,
                              v1::GetParticipantResponse* response) override;
  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusResponse* response) override;
  grpc::Status Trace(grpc::ServerContext* context, const v1::TraceRequest* request,
                     v1::TraceResponse* response) override;
  grpc::Status FindLots(grpc::ServerContext* context, const v1::FindLotsRequest* request,
                        v1::FindLotsResponse* response) override;
  grpc::Status ListEvidence(grpc::ServerContext* context, const v1::ListEvidenceRequest* request,
                            v1::ListEvidenceResponse* response) override;
  grpc::Status GetValidatorGovernance(grpc::ServerContext* context,
                                      const v1::GetValidatorGovernanceRequest* request,
                                      v1::GetValidatorGovernanceResponse* response) override;

 private:
  Node* node_;  // not owned; outlives the service
};

}  // namespace agritrace::node
