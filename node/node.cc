#include "node/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "chain/keystore/keystore.h"
#include "chain/io/file_util.h"
#include "chain/io/genesis_file.h"
#include "chain/base/limits.h"
#include "chain/model/validator_set.h"
#include "node/common/peer_limits.h"
#include "node/mempool/admission.h"
#include "node/network_runtime.h"

namespace agritrace::node {

using chain::Reason;
using chain::Reject;
using chain::Status;

namespace {

// Rejections are remembered so a client that waits after the fact still learns the reason.
constexpr size_t kMaxRememberedRejections = 10'000;

chain::Result<chain::PrivateKey> LoadNodeKey(const NodeConfig& config, const std::string& password) {
  auto file = chain::ReadFile(config.Resolve(config.key_file), 64 * 1024);
  if (!file.ok()) return file.status();
  return chain::DecryptKey(*file, password);
}

}  // namespace

chain::Result<std::unique_ptr<Node>> Node::Open(const NodeConfig& config,
                                                const std::string& password) {
  auto genesis = chain::LoadGenesis(config.Resolve(config.genesis_file));
  if (!genesis.ok()) return genesis.status();
  auto key = LoadNodeKey(config, password);
  if (!key.ok()) return key.status();
  // A key outside the validator set runs an observer; peers admit it only if the network
  // file lists it.
  auto store = chain::ChainStore::Open(config.Resolve(config.data_dir), *genesis);
  if (!store.ok()) return store.status();
  // After the store: a missing file is judged by this key's signatures on the local chain.
  auto signing = OpenSigningState(SigningStatePath(config), key->public_key(), **store);
  if (!signing.ok()) return signing.status();
  std::unique_ptr<Node> node(new Node(config, std::move(*genesis), std::move(*key),
                                      std::move(*store), std::move(*signing)));
  auto runtime = NetworkRuntime::Create(node.get());
  if (!runtime.ok()) return runtime.status();
  node->runtime_ = std::move(*runtime);
  return node;
}

Node::Node(NodeConfig config, chain::Genesis genesis, chain::PrivateKey key,
           std::unique_ptr<chain::ChainStore> store, OpenedSigningState signing_state)
    : config_(std::move(config)),
      genesis_(std::move(genesis)),
      key_(std::move(key)),
      store_(std::move(store)),
      signing_state_(std::move(signing_state)),
      mempool_(store_.get(), genesis_.params,
               MempoolLimits{config_.mempool_max_records, config_.mempool_max_bytes}),
      verified_(kMaxVerifiedRecords) {}

Node::~Node() { Stop(); }

void Node::Start() { runtime_->Start(); }

void Node::Stop() {
  if (runtime_) runtime_->Stop();
  cv_.notify_all();
}

grpc::Service* Node::peer_service() { return runtime_->peer_service(); }

int64_t Node::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

size_t Node::mempool_size() const {
  std::lock_guard lock(mu_);
  return mempool_.size();
}

chain::Result<chain::Hash256> Node::Submit(const v1::Envelope& envelope) {
  google::protobuf::RepeatedPtrField<v1::Envelope> one;
  *one.Add() = envelope;
  return std::move(SubmitBatch(one).front());
}

std::vector<chain::Result<chain::Hash256>> Node::SubmitBatch(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes, RecordSource source) {
  std::vector<chain::Result<chain::Hash256>> results;
  results.reserve(envelopes.size());
  for (AdmissionVerdict& verdict : Admit(envelopes, source)) {
    if (verdict.status.ok()) {
      results.push_back(verdict.id);
    } else {
      results.push_back(std::move(verdict.status));
    }
  }
  return results;
}

std::vector<AdmissionVerdict> Node::Admit(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes, RecordSource source) {
  // Outside the lock and on all cores: decode, stateless checks, replay, signatures of
  // signers the chain knows.
  std::vector<PreparedRecord> prepared =
      PrepareRecords(envelopes, genesis_.params, *store_, NowMs(), verified_);

  std::vector<AdmissionVerdict> verdicts;
  verdicts.reserve(envelopes.size());
  std::vector<const v1::Envelope*> admitted;
  {
    std::lock_guard lock(mu_);
    const int64_t now_ms = NowMs();
    const uint64_t next_height = store_->Tip().height + 1;
    for (size_t i = 0; i < prepared.size(); ++i) {
      AdmissionVerdict verdict =
          AdmitPrepared(prepared[i], mempool_, verified_, now_ms, next_height);
      if (verdict.status.ok()) {
        rejected_.erase(verdict.id);
        admitted.push_back(&envelopes[static_cast<int>(i)]);
      }
      verdicts.push_back(std::move(verdict));
    }
  }
  if (admitted.empty()) return verdicts;
  cv_.notify_all();
  if (!runtime_) return verdicts;
  if (source == RecordSource::kClient) runtime_->Gossip(admitted);
  runtime_->OnRecordsAvailable();  // wakes consensus
  return verdicts;
}

chain::Result<RecordOutcome> Node::WaitForOutcome(const chain::Hash256& id,
                                                  std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mu_);
  for (;;) {
    if (auto stored = store_->GetRecord(id); stored.ok()) {
      return RecordOutcome{true, stored->height, Status::Ok()};
    }
    if (auto it = rejected_.find(id); it != rejected_.end()) {
      return RecordOutcome{false, 0, it->second};
    }
    if (!mempool_.Contains(id)) {
      return Reject(Reason::kNotFound, "this node has no record " + chain::ToHex(id));
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return Reject(Reason::kTimeout, "the record is accepted but not yet committed");
    }
  }
}

void Node::RememberRejection(const chain::Hash256& id, const Status& status) {
  rejected_[id] = status;
  rejected_order_.push_back(id);
  while (rejected_order_.size() > kMaxRememberedRejections) {
    rejected_.erase(rejected_order_.front());
    rejected_order_.pop_front();
  }
}

size_t Node::connected_peers() const {
  return runtime_ ? runtime_->network().connected_peers() : 0;
}

std::vector<chain::RecordPtr> Node::PendingRecords(size_t max_records, size_t max_bytes) const {
  std::lock_guard lock(mu_);
  return mempool_.Front(max_records, max_bytes);
}

std::vector<Status> Node::AdmitPeerRecords(
    const google::protobuf::RepeatedPtrField<v1::Envelope>& envelopes) {
  std::vector<Status> statuses;
  for (AdmissionVerdict& verdict : Admit(envelopes, RecordSource::kPeer)) {
    statuses.push_back(verdict.stateless ? std::move(verdict.status) : Status::Ok());
  }
  return statuses;
}

void Node::Fatal(const Status& why) {
  spdlog::critical("stopping the node: {}", why.ToString());
  std::abort();
}

bool Node::is_validator() const {
  const chain::ValidatorSchedule schedule(genesis_, chain::GovernanceOf(*store_, genesis_));
  return schedule.FindAt(store_->Tip().height + 1, key_.public_key()) != nullptr;
}

void Node::AfterCommit(const CommittedBlock& block) {
  const std::vector<chain::Hash256>& record_ids = block.record_ids;
  metrics_.OnBlockCommitted(record_ids.size(), block.proposal_to_commit_ms);  // metrics hook
  std::lock_guard lock(mu_);
  for (const auto& [id, status] : mempool_.Rebase(record_ids, NowMs(), store_->Tip().height + 1)) {
    RememberRejection(id, status);
  }
  cv_.notify_all();
}

}  // namespace agritrace::node
