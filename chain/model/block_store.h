// BlockStore: what replication needs of a node's storage. The committed chain (tip, blocks),
// the state the rules read (StateReader) and the one way to extend the chain (CommitBlock). The
// consensus engine's safety state is not here: it lives with the validator's key
// (chain::SafetyStore; node/replication/signing_state_file.h), so that a data directory wiped
// or restored from a backup cannot take it back.
//
// ChainStore (chain/store, RocksDB) implements it in the node; the simulator (tests/sim)
// implements it in memory, with injected storage faults. A write either happens completely
// and durably, or fails (IO_ERROR) having written nothing.
//
// Thread-safety: up to the implementation. ChainStore allows concurrent reads and one writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"
#include "chain/base/status.h"
#include "chain/model/block.h"
#include "chain/model/evidence.h"
#include "chain/model/state.h"

namespace agritrace::chain {

// The most blocks one CommitBlocks call may write (its bytes are bounded by the caller: block
// sync commits at most one answer of at most kMaxSyncResponseBytes at a time).
inline constexpr size_t kMaxBlocksPerCommit = 64;

struct ChainTip {
  uint64_t height = 0;  // 0 = only genesis
  Hash256 hash{};       // genesis hash at height 0
};

class BlockStore : public StateReader {
 public:
  virtual ChainTip Tip() const = 0;
  // The certified block at `height` with its records; NOT_FOUND above the tip.
  virtual Result<v1::Block> GetBlock(uint64_t height) const = 0;
  // The same without its records (header and certificate): cheaper.
  virtual Result<v1::Block> GetBlockHead(uint64_t height) const = 0;
  // Durably stores the certified block at tip + 1 with every change in `changes`, all or
  // nothing. Fails without writing when the block does not extend the tip.
  virtual Status CommitBlock(const DecodedBlock& block, const StateOverlay& changes) = 0;
  // Durably stores consecutive certified blocks (at most kMaxBlocksPerCommit, the first at
  // tip + 1) with every change they make together in `changes` (later values replace earlier
  // ones), all or nothing: after a crash the tip is the old one or the last of `blocks`, never
  // one in between. Block sync commits a run of checked blocks this way.
  virtual Status CommitBlocks(const std::vector<const DecodedBlock*>& blocks,
                              const StateOverlay& changes) = 0;
  // The height of the block that committed `offence`'s evidence; nullopt when none did. The
  // chain commits one evidence per offence (node/replication/block_applier.h).
  virtual std::optional<uint64_t> EvidenceHeight(const Offence& offence) const = 0;
  // Small durable values of this node that are not chain state, e.g. the evidence it holds but
  // has not committed yet (node/replication/consensus_driver.cc). Never the signing state.
  virtual Status PutNodeState(const std::string& key, const std::string& value) = 0;
  virtual std::optional<std::string> GetNodeState(const std::string& key) const = 0;
};

}  // namespace agritrace::chain
