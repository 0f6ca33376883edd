#include "node/node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "chain/keystore.h"
#include "chain/file_util.h"
#include "chain/limits.h"

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

int64_t HeaderTimeMs(const chain::ChainStore& store, uint64_t height) {
  if (height == 0) return 0;
  auto block = store.GetBlock(height);
  v1::BlockHeader header;
  if (!block.ok() || !header.ParseFromString(block->header())) return 0;
  return header.time_ms();
}

}  // namespace

chain::Result<std::unique_ptr<Node>> Node::Open(const NodeConfig& config,
                                                const std::string& password) {
  auto genesis = chain::LoadGenesis(config.Resolve(config.genesis_file));
  if (!genesis.ok()) return genesis.status();
  auto key = LoadNodeKey(config, password);
  if (!key.ok()) return key.status();
  if (!genesis->validator_set().Contains(key->public_key())) {
    return Reject(Reason::kNotAuthorized,
                  "this node's key " + chain::ToHex(key->public_key()) +
                      " is not a validator in the genesis file");
  }
  auto store = chain::ChainStore::Open(config.Resolve(config.data_dir), *genesis);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Node>(
      new Node(config, std::move(*genesis), std::move(*key), std::move(*store)));
}

Node::Node(NodeConfig config, chain::Genesis genesis, chain::PrivateKey key,
           std::unique_ptr<chain::ChainStore> store)
    : config_(std::move(config)),
      genesis_(std::move(genesis)),
      key_(std::move(key)),
      store_(std::move(store)),
      mempool_(store_.get(), genesis_.params,
               MempoolLimits{config_.mempool_max_records, config_.mempool_max_bytes}) {
  last_block_time_ms_ = HeaderTimeMs(*store_, store_->Tip().height);
}

Node::~Node() { Stop(); }

void Node::Start() { producer_ = std::thread([this] { ProducerLoop(); }); }

void Node::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (producer_.joinable()) producer_.join();
}

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
  auto record = chain::DecodeRecord(envelope);
  if (!record.ok()) return record.status();
  // Cheap stateless checks before the expensive signature check.
  AGRI_RETURN_IF_ERROR(chain::CheckRecordStateless(*record, genesis_.params, NowMs()));
  if (store_->HasRecord(record->id)) {
    return Reject(Reason::kReplay, "this signed record is already on the chain");
  }
  AGRI_RETURN_IF_ERROR(chain::VerifyRecordSignature(*record));
  chain::Hash256 id = record->id;
  {
    std::lock_guard lock(mu_);
    AGRI_RETURN_IF_ERROR(mempool_.Add(std::move(*record), NowMs(), store_->Tip().height + 1));
    rejected_.erase(id);
  }
  cv_.notify_all();
  return id;
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

void Node::ProducerLoop() {
  const auto delay = std::chrono::milliseconds(genesis_.block_delay_ms);
  const size_t max_records = std::min<size_t>(genesis_.max_block_records, chain::kMaxBlockRecords);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait(lock, [&] { return stopping_ || !mempool_.empty(); });
    if (stopping_) break;
    // A block closes a short delay after its first record, or as soon as it is full.
    auto close_at = std::chrono::system_clock::time_point(
                        std::chrono::milliseconds(mempool_.oldest_arrival_ms())) + delay;
    cv_.wait_until(lock, close_at, [&] { return stopping_ || mempool_.size() >= max_records; });
    if (stopping_) break;
    std::vector<chain::Record> batch = mempool_.Front(max_records, chain::kMaxBlockBytes / 2);
    lock.unlock();
    ProduceBlock(batch);
    lock.lock();
  }
}

void Node::ProduceBlock(const std::vector<chain::Record>& batch) {
  const chain::ChainTip tip = store_->Tip();
  const uint64_t height = tip.height + 1;
  int64_t time_ms;
  {
    std::lock_guard lock(mu_);
    time_ms = std::max(NowMs(), last_block_time_ms_ + 1);  // block times strictly increase
  }
  chain::StateOverlay changes(store_.get());
  std::vector<v1::Envelope> included;
  std::set<chain::Hash256> done;
  std::vector<std::pair<chain::Hash256, Status>> rejections;
  for (const auto& record : batch) {
    chain::ApplyContext ctx{height, static_cast<uint32_t>(included.size()), time_ms};
    Status status = chain::ApplyRecord(record, genesis_.params, ctx, changes);
    done.insert(record.id);
    if (status.ok()) {
      included.push_back(record.envelope);
    } else {
      rejections.emplace_back(record.id, status);
    }
  }
  bool committed = false;
  if (!included.empty()) {
    v1::Block block = chain::MakeBlock(genesis_.chain_id, height, tip.hash, time_ms,
                                       key_.public_key(), included);
    auto decoded = chain::DecodeBlock(block, genesis_.chain_id);
    if (!decoded.ok()) {
      spdlog::critical("built an invalid block at height {}: {}", height, decoded.status().ToString());
      std::abort();  // a block we built must decode: a broken invariant, not bad input
    }
    v1::CommitCertificate* cert = decoded->block.mutable_certificate();
    cert->set_height(height);
    cert->set_round(0);
    cert->set_block_hash(chain::AsBytes(decoded->hash));
    *cert->add_signatures() = chain::SignPrecommit(key_, genesis_.chain_id, height, 0, decoded->hash);
    Status stored = store_->CommitBlock(*decoded, changes);
    if (!stored.ok()) {
      spdlog::error("cannot store block {}: {}; records stay pending", height, stored.ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));  // back off before retrying
      return;
    }
    committed = true;
    spdlog::info("committed block {} with {} records ({} rejected) hash {}", height,
                 included.size(), rejections.size(), chain::ToHex(decoded->hash).substr(0, 16));
  }
  std::lock_guard lock(mu_);
  if (committed) last_block_time_ms_ = time_ms;
  for (const auto& [id, status] : rejections) RememberRejection(id, status);
  for (const auto& [id, status] : mempool_.Rebase(done, NowMs(), store_->Tip().height + 1)) {
    RememberRejection(id, status);
  }
  cv_.notify_all();
}

}  // namespace agritrace::node
