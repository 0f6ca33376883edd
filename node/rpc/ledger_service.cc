#include "node/rpc/ledger_service.h"

#include <algorithm>

#include "chain/model/gs1.h"
#include "chain/model/evidence.h"
#include "chain/model/validator_set.h"
#include "chain/base/limits.h"
#include "chain/query/find_lots.h"
#include "chain/query/trace.h"
#include "node/rpc/grpc_status.h"
#include "node/common/client_limits.h"
#include "node/common/version.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;

namespace {

chain::Result<chain::Hash256> ParseRecordId(const std::string& bytes) {
  auto id = chain::ArrayFromBytes<32>(bytes);
  if (!id) return Reject(Reason::kMalformed, "a record id is 32 bytes");
  return *id;
}

// A lot key, or for the lot and history queries a pallet's "00/{sscc}" (stored alike).
chain::Result<std::string> ParseLotKeyText(const std::string& text) {
  return chain::ParseUnitKey(text);
}

// Every validator of any set the chain has had or decided (genesis's first), by key, for
// naming offenders: a removed validator's evidence keeps its name.
std::vector<v1::ValidatorInfo> KnownValidators(const v1::ValidatorGovernance& governance) {
  std::vector<v1::ValidatorInfo> out;
  for (const v1::ValidatorEpoch& epoch : governance.epochs()) {
    for (const v1::ValidatorInfo& v : epoch.validators()) {
      bool seen = false;
      for (const v1::ValidatorInfo& known : out) seen = seen || known.pubkey() == v.pubkey();
      if (!seen) out.push_back(v);
    }
  }
  return out;
}

// A validator (of any set the chain has had) by name or 64-hex key; UNKNOWN_PARTICIPANT when
// it is neither. A name reused after a removal finds its newest holder.
chain::Result<chain::PubKey> FindValidator(const std::vector<v1::ValidatorInfo>& validators,
                                           const std::string& who) {
  for (auto it = validators.rbegin(); it != validators.rend(); ++it) {
    if (it->name() == who || chain::ToHex(it->pubkey()) == who) {
      return chain::ArrayFromCheckedBytes<32>(it->pubkey());
    }
  }
  return Reject(Reason::kUnknownParticipant,
                "no validator named '" + who + "' (or with that public key) on this chain");
}

std::string ValidatorName(const std::vector<v1::ValidatorInfo>& validators,
                          const chain::PubKey& key) {
  const std::string bytes = chain::AsBytes(key);
  for (const v1::ValidatorInfo& v : validators) {
    if (v.pubkey() == bytes) return v.name();
  }
  return "";
}

}  // namespace

grpc::Status LedgerService::SubmitRecord(grpc::ServerContext* context,
                                         const v1::SubmitRecordRequest* request,
                                         v1::SubmitRecordResponse* response) {
  auto id = node_->Submit(request->envelope());
  if (!id.ok()) return ToGrpcStatus(id.status(), context);
  response->set_record_id(chain::AsBytes(*id));
  if (!request->wait_for_commit()) return grpc::Status::OK;
  const NodeConfig& config = node_->config();
  uint32_t wait_ms = request->timeout_ms() ? request->timeout_ms() : config.submit_wait_default_ms;
  wait_ms = std::min(wait_ms, config.submit_wait_max_ms);
  auto outcome = node_->WaitForOutcome(*id, std::chrono::milliseconds(wait_ms));
  if (!outcome.ok()) return ToGrpcStatus(outcome.status(), context);
  if (!outcome->committed) return ToGrpcStatus(outcome->status, context);
  response->set_committed(true);
  response->set_height(outcome->height);
  return grpc::Status::OK;
}

grpc::Status LedgerService::SubmitRecords(grpc::ServerContext* context,
                                          const v1::SubmitRecordsRequest* request,
                                          v1::SubmitRecordsResponse* response) {
  if (static_cast<size_t>(request->envelopes_size()) > chain::kMaxSubmitBatchRecords) {
    return ToGrpcStatus(Reject(Reason::kTooLarge,
                               "a batch holds at most " +
                                   std::to_string(chain::kMaxSubmitBatchRecords) + " records"),
                        context);
  }
  for (auto& result : node_->SubmitBatch(request->envelopes())) {
    v1::SubmitResult* out = response->add_results();
    if (result.ok()) {
      out->set_record_id(chain::AsBytes(*result));
    } else {
      out->set_reason(std::string(chain::ReasonName(result.status().reason())));
      out->set_message(result.status().message());
    }
  }
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetRecord(grpc::ServerContext* context,
                                      const v1::GetRecordRequest* request,
                                      v1::GetRecordResponse* response) {
  auto id = ParseRecordId(request->record_id());
  if (!id.ok()) return ToGrpcStatus(id.status(), context);
  auto record = node_->store().GetRecord(*id);
  if (!record.ok()) return ToGrpcStatus(record.status(), context);
  *response->mutable_envelope() = record->envelope;
  response->set_record_id(chain::AsBytes(record->id));
  response->set_height(record->height);
  response->set_index(record->index);
  if (auto block = node_->store().GetBlockHead(record->height); block.ok()) {
    response->set_block_hash(chain::AsBytes(chain::BlockHash(block->header())));
  }
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetLot(grpc::ServerContext* context, const v1::GetLotRequest* request,
                                   v1::GetLotResponse* response) {
  auto key = ParseLotKeyText(request->lot());
  if (!key.ok()) return ToGrpcStatus(key.status(), context);
  auto lot = node_->store().GetLot(*key);
  if (!lot) {
    return ToGrpcStatus(Reject(Reason::kUnknownLot, "no lot or pallet " + *key + " on this chain"),
                        context);
  }
  *response->mutable_lot() = std::move(*lot);
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetPlot(grpc::ServerContext* context, const v1::GetPlotRequest* request,
                                    v1::GetPlotResponse* response) {
  auto plot = node_->store().GetPlot(request->plot_id());
  if (!plot) {
    return ToGrpcStatus(
        Reject(Reason::kUnknownPlot, "no plot " + request->plot_id() + " on this chain"), context);
  }
  *response->mutable_plot() = std::move(*plot);
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetLotHistory(grpc::ServerContext* context,
                                          const v1::GetLotRequest* request,
                                          v1::GetLotHistoryResponse* response) {
  auto key = ParseLotKeyText(request->lot());
  if (!key.ok()) return ToGrpcStatus(key.status(), context);
  if (!node_->store().GetLot(*key)) {
    return ToGrpcStatus(Reject(Reason::kUnknownLot, "no lot " + *key + " on this chain"), context);
  }
  auto history = node_->store().GetLotHistory(*key);
  if (!history.ok()) return ToGrpcStatus(history.status(), context);
  for (auto& stored : *history) {
    v1::HistoryEntry* entry = response->add_entries();
    entry->set_record_id(chain::AsBytes(stored.id));
    entry->set_height(stored.height);
    entry->set_index(stored.index);
    *entry->mutable_envelope() = std::move(stored.envelope);
  }
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetBlock(grpc::ServerContext* context,
                                     const v1::GetBlockRequest* request,
                                     v1::GetBlockResponse* response) {
  uint64_t height = request->height() ? request->height() : node_->store().Tip().height;
  if (height == 0) {
    return ToGrpcStatus(Reject(Reason::kNotFound, "the chain has no blocks yet"), context);
  }
  auto block = node_->store().GetBlock(height);
  if (!block.ok()) return ToGrpcStatus(block.status(), context);
  response->set_hash(chain::AsBytes(chain::BlockHash(block->header())));
  *response->mutable_block() = std::move(*block);
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetParticipant(grpc::ServerContext* context,
                                           const v1::GetParticipantRequest* request,
                                           v1::GetParticipantResponse* response) {
  std::optional<chain::PubKey> key;
  if (!request->pubkey().empty()) {
    key = chain::ArrayFromBytes<32>(request->pubkey());
  } else {
    key = node_->store().FindParticipantByName(request->name());
  }
  std::optional<v1::Participant> participant;
  if (key) participant = node_->store().GetParticipant(*key);
  if (!participant) {
    std::string who = request->pubkey().empty() ? "'" + request->name() + "'"
                                                : chain::ToHex(request->pubkey());
    return ToGrpcStatus(Reject(Reason::kUnknownParticipant, "no participant " + who + " on this chain"),
                        context);
  }
  *response->mutable_participant() = std::move(*participant);
  return grpc::Status::OK;
}

grpc::Status LedgerService::Status(grpc::ServerContext*, const v1::StatusRequest*,
                                   v1::StatusResponse* response) {
  const chain::ChainTip tip = node_->store().Tip();
  response->set_chain_id(node_->genesis().chain_id);
  response->set_genesis_hash(chain::AsBytes(node_->genesis().hash));
  response->set_height(tip.height);
  response->set_tip_hash(chain::AsBytes(tip.hash));
  response->set_mempool_size(static_cast<uint32_t>(node_->mempool_size()));
  response->set_node_pubkey(chain::AsBytes(node_->node_pubkey()));
  response->set_validator(node_->is_validator());
  response->set_version(kVersion);
  return grpc::Status::OK;
}

grpc::Status LedgerService::Trace(grpc::ServerContext* context, const v1::TraceRequest* request,
                                  v1::TraceResponse* response) {
  auto key = ParseLotKeyText(request->lot());
  if (!key.ok()) return ToGrpcStatus(key.status(), context);
  auto trace = chain::TraceLineage(node_->store(), *key, request->direction(),
                                   request->max_depth());
  if (!trace.ok()) return ToGrpcStatus(trace.status(), context);
  *response = std::move(trace).value();
  return grpc::Status::OK;
}

grpc::Status LedgerService::FindLots(grpc::ServerContext* context,
                                     const v1::FindLotsRequest* request,
                                     v1::FindLotsResponse* response) {
  auto found = chain::FindLots(node_->store(), *request);
  if (!found.ok()) return ToGrpcStatus(found.status(), context);
  *response = std::move(found).value();
  return grpc::Status::OK;
}

grpc::Status LedgerService::ListEvidence(grpc::ServerContext* context,
                                         const v1::ListEvidenceRequest* request,
                                         v1::ListEvidenceResponse* response) {
  const std::vector<v1::ValidatorInfo> known =
      KnownValidators(chain::GovernanceOf(node_->store(), node_->genesis()));
  std::optional<chain::PubKey> validator;
  if (!request->validator().empty()) {
    auto found = FindValidator(known, request->validator());
    if (!found.ok()) return ToGrpcStatus(found.status(), context);
    validator = *found;
  }
  const size_t limit = request->limit() == 0
                           ? kMaxListedEvidence
                           : std::min<size_t>(request->limit(), kMaxListedEvidence);
  bool truncated = false;
  for (chain::StoredEvidence& stored : node_->store().ListEvidence(validator, limit, &truncated)) {
    v1::CommittedEvidence* out = response->add_evidence();
    *out->mutable_evidence() = std::move(stored.evidence);
    out->set_committed_height(stored.committed_height);
    out->set_validator(chain::AsBytes(stored.offence.validator));
    out->set_validator_name(ValidatorName(known, stored.offence.validator));
    out->set_height(stored.offence.height);
    out->set_round(stored.offence.round);
    out->set_kind(std::string(chain::OffenceKindName(stored.offence.kind)));
  }
  response->set_truncated(truncated);
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetValidatorGovernance(
    grpc::ServerContext* context, const v1::GetValidatorGovernanceRequest* request,
    v1::GetValidatorGovernanceResponse* response) {
  (void)context;
  (void)request;
  const chain::ChainStore& store = node_->store();
  // The tip first: governance read after it is at least as new, never older.
  response->set_height(store.Tip().height);
  *response->mutable_governance() = chain::GovernanceOf(store, node_->genesis());
  const v1::ValidatorGovernance& governance = response->governance();
  // The set in force at the tip and any decided later one.
  std::vector<v1::ValidatorInfo> listed;
  for (int i = 0; i < governance.epochs_size(); ++i) {
    // Epoch i ends where epoch i + 1 starts; skip those over before the tip.
    if (i + 1 < governance.epochs_size() &&
        governance.epochs(i + 1).from_height() <= response->height()) {
      continue;
    }
    for (const v1::ValidatorInfo& v : governance.epochs(i).validators()) {
      bool seen = false;
      for (const v1::ValidatorInfo& known : listed) seen = seen || known.pubkey() == v.pubkey();
      if (!seen) listed.push_back(v);
    }
  }
  for (const v1::ValidatorInfo& v : listed) {
    bool truncated = false;
    std::vector<chain::StoredEvidence> stored = store.ListEvidence(
        chain::ArrayFromCheckedBytes<32>(v.pubkey()), kMaxListedEvidence, &truncated);
    v1::ValidatorEvidenceSummary* summary = response->add_evidence();
    summary->set_validator(v.pubkey());
    summary->set_name(v.name());
    summary->set_truncated(truncated);
    for (const chain::StoredEvidence& e : stored) {
      summary->add_evidence_ids(chain::AsBytes(chain::EvidenceId(e.evidence)));
    }
  }
  return grpc::Status::OK;
}

}  // namespace agritrace::node
