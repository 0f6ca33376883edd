// Blocks, their hashes, votes and commit certificates.
//
// The block hash is TaggedHash("agritrace/block/v1", header bytes) over the exact serialized
// header carried in Block.header. A vote signs TaggedHash("agritrace/vote/v1", VoteSignBytes)
// where VoteSignBytes is a fixed binary layout (never protobuf):
//   u8 len(chain_id) || chain_id || be64 height || be32 round || u8 vote_type || 32-byte hash
#pragma once

#include <string>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"
#include "chain/base/keys.h"
#include "chain/model/record.h"
#include "chain/base/status.h"
#include "chain/model/evidence.h"

namespace agritrace::chain {

Hash256 BlockHash(std::string_view header_bytes);

std::string VoteSignBytes(const std::string& chain_id, uint64_t height, uint32_t round,
                          v1::VoteType type, const Hash256& block_hash);
Hash256 VoteSigningHash(const std::string& chain_id, uint64_t height, uint32_t round,
                        v1::VoteType type, const Hash256& block_hash);

// The validators of one height (chain/model/validator_set.h: genesis's, or a later set). Quorum: more than two thirds of validators
// (equal voting power): floor(2n/3) + 1.
struct ValidatorSet {
  std::vector<PubKey> validators;
  size_t Quorum() const { return validators.size() * 2 / 3 + 1; }
  bool Contains(const PubKey& key) const;
};

// Checks that `cert` certifies `block_hash` at `height` on `chain_id`: every signature is a
// valid precommit by a distinct member, and there are at least Quorum() of them. MALFORMED
// for a bad shape, BAD_SIGNATURE for a signature that fails, NOT_AUTHORIZED for a non-member
// or a duplicate, and a reason naming the shortfall when there are too few.
Status VerifyCertificate(const v1::CommitCertificate& cert, const std::string& chain_id,
                         uint64_t height, const Hash256& block_hash, const ValidatorSet& set);

// A block with its parsed header and record ids, as nodes handle it.
struct DecodedBlock {
  v1::Block block;
  v1::BlockHeader header;
  Hash256 hash{};
  std::vector<Record> records;  // decoded, signatures not yet verified
  std::vector<DecodedEvidence> evidence;  // shape checked, signatures not yet verified
};

// Parses the header and records and checks the shape: sizes (TOO_LARGE), record count and
// Merkle root match (MALFORMED), chain id (WRONG_CHAIN); the evidence's shape, at most
// kMaxBlockEvidence (TOO_LARGE), one per offence, and its root (MALFORMED). Verifies neither
// signatures nor the certificate.
Result<DecodedBlock> DecodeBlock(const v1::Block& block, const std::string& chain_id);

// Builds an uncertified block over `records` (already applied by the proposer) and
// `evidence` (already verified by the proposer; none leaves evidence_root empty), carrying
// `validator_change` in its header when the records decided one (chain/model/validator_set.h).
v1::Block MakeBlock(const std::string& chain_id, uint64_t height, const Hash256& prev_hash,
                    int64_t time_ms, const PubKey& proposer,
                    std::vector<v1::Envelope> records,
                    const std::vector<v1::Evidence>& evidence = {},
                    const v1::ValidatorSetChange* validator_change = nullptr);

// A precommit signature by `key` for the block.
v1::CommitSig SignPrecommit(const PrivateKey& key, const std::string& chain_id, uint64_t height,
                            uint32_t round, const Hash256& block_hash);

}  // namespace agritrace::chain
