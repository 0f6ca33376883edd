// Node: one validator's chain, mempool and block production.
//
// Owns the ChainStore, the Mempool and the block-producer thread. With one validator the
// producer closes a block a short delay after its first pending record (or when full) and
// certifies it with its own precommit: a quorum of one. No empty blocks.
//
// Thread-safety: Submit, WaitForOutcome and the accessors may be called from any thread.
// `mu_` guards the mempool, the recent-rejection list and `last_block_time_ms_`; the store is
// read without it (RocksDB reads are thread-safe) and written only by the producer thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "chain/genesis.h"
#include "chain/keys.h"
#include "chain/store.h"
#include "node/config.h"
#include "node/mempool.h"

namespace agritrace::node {

// The outcome of a submitted record.
struct RecordOutcome {
  bool committed = false;
  uint64_t height = 0;    // when committed
  chain::Status status;   // the rejection, when rejected after admission
};

class Node {
 public:
  static chain::Result<std::unique_ptr<Node>> Open(const NodeConfig& config,
                                                   const std::string& password);
  ~Node();

  // Starts the block producer.
  void Start();
  // Stops the producer and waits for it; pending records stay unsubmitted (clients resubmit).
  void Stop();

  // Decodes, checks and queues a record; returns its id. Verifies the signature once, here.
  chain::Result<chain::Hash256> Submit(const v1::Envelope& envelope);
  // Waits until the record is committed or rejected, or `timeout` passes (TIMEOUT).
  // NOT_FOUND when the node has never seen the record.
  chain::Result<RecordOutcome> WaitForOutcome(const chain::Hash256& id,
                                              std::chrono::milliseconds timeout);

  const chain::Genesis& genesis() const { return genesis_; }
  const chain::ChainStore& store() const { return *store_; }
  const NodeConfig& config() const { return config_; }
  chain::PubKey node_pubkey() const { return key_.public_key(); }
  bool is_validator() const { return true; }
  size_t mempool_size() const;

 private:
  Node(NodeConfig config, chain::Genesis genesis, chain::PrivateKey key,
       std::unique_ptr<chain::ChainStore> store);
  void ProducerLoop();
  // Builds, certifies and commits one block from `batch`; returns the ids done (committed or
  // rejected) and the rejections.
  void ProduceBlock(const std::vector<chain::Record>& batch);
  void RememberRejection(const chain::Hash256& id, const chain::Status& status);
  int64_t NowMs() const;

  const NodeConfig config_;
  const chain::Genesis genesis_;
  const chain::PrivateKey key_;
  std::unique_ptr<chain::ChainStore> store_;

  mutable std::mutex mu_;
  std::condition_variable cv_;            // mempool grew, block committed, or stopping
  Mempool mempool_;                       // GUARDED_BY(mu_)
  std::map<chain::Hash256, chain::Status> rejected_;  // GUARDED_BY(mu_); recent, bounded
  std::deque<chain::Hash256> rejected_order_;         // GUARDED_BY(mu_)
  int64_t last_block_time_ms_ = 0;                    // GUARDED_BY(mu_)
  bool stopping_ = false;                             // GUARDED_BY(mu_)
  std::thread producer_;
};

}  // namespace agritrace::node
