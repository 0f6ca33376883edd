#include "chain/model/block.h"

#include <algorithm>
#include <set>

#include "chain/base/check.h"
#include "chain/base/hash.h"
#include "chain/base/limits.h"
#include "chain/model/merkle.h"

namespace agritrace::chain {
namespace {

// The length of the chain id is one byte of the vote layout.
static_assert(kMaxChainIdBytes <= 255, "a chain id length must fit the vote layout's u8");

std::string Describe(size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// Shape, membership and uniqueness of one commit signature; the cryptography comes after so
// that a certificate padded with junk costs at most one verification per validator.
Result<PubKey> CheckCommitSigShape(const v1::CommitSig& sig, const ValidatorSet& set,
                                   const std::set<PubKey>& seen) {
  auto validator = ArrayFromBytes<32>(sig.validator());
  if (!validator) {
    return Reject(Reason::kMalformed, "a commit signature's validator must be a 32-byte key");
  }
  if (sig.signature().size() != 64) {
    return Reject(Reason::kMalformed, "a commit signature must be 64 bytes (BIP-340)");
  }
  if (!set.Contains(*validator)) {
    return Reject(Reason::kNotAuthorized, "validator " + ToHex(*validator) +
                                              " signed the certificate but is not in the "
                                              "validator set of this chain");
  }
  if (seen.count(*validator)) {
    return Reject(Reason::kNotAuthorized,
                  "validator " + ToHex(*validator) + " is counted twice in the certificate");
  }
  return *validator;
}

Status CheckBlockSize(const v1::Block& block) {
  if (block.records_size() > static_cast<int>(kMaxBlockRecords)) {
    return Reject(Reason::kTooLarge, "the block holds " + std::to_string(block.records_size()) +
                                         " records; the limit is " +
                                         std::to_string(kMaxBlockRecords));
  }
  size_t bytes = block.ByteSizeLong();
  if (bytes > kMaxBlockBytes) {
    return Reject(Reason::kTooLarge, "the block is " + std::to_string(bytes) +
                                         " bytes; the limit is " + std::to_string(kMaxBlockBytes));
  }
  return Status::Ok();
}

Status CheckHeaderShape(const v1::BlockHeader& header, const std::string& chain_id) {
  if (header.chain_id() != chain_id) {
    return Reject(Reason::kWrongChain,
                  "the block is for chain \"" + header.chain_id() + "\", not \"" + chain_id + "\"");
  }
  if (header.height() == 0) {
    return Reject(Reason::kMalformed, "block heights start at 1 (height 0 is the genesis file)");
  }
  if (header.prev_hash().size() != 32 || header.proposer().size() != 32 ||
      header.records_root().size() != 32) {
    return Reject(Reason::kMalformed,
                  "the block header's previous hash, proposer and records root must be 32 bytes");
  }
  if (!header.evidence_root().empty() && header.evidence_root().size() != 32) {
    return Reject(Reason::kMalformed, "the block header's evidence root must be 32 bytes or empty");
  }
  return Status::Ok();
}

// Checks the shape of every evidence, one per offence, and that the header commits to exactly
// these (an empty root for none, so blocks without evidence keep their hashes).
Status DecodeEvidence(const v1::BlockHeader& header, DecodedBlock& out) {
  const auto& evidence = out.block.evidence();
  if (static_cast<size_t>(evidence.size()) > kMaxBlockEvidence) {
    return Reject(Reason::kTooLarge, "the block holds " + std::to_string(evidence.size()) +
                                         " evidence; the limit is " +
                                         std::to_string(kMaxBlockEvidence));
  }
  if (evidence.empty()) {
    if (header.evidence_root().empty()) return Status::Ok();
    return Reject(Reason::kMalformed, "the header has an evidence root but the block none");
  }
  std::vector<Hash256> ids;
  std::set<Offence> offences;
  for (int i = 0; i < evidence.size(); ++i) {
    Result<Offence> offence = CheckEvidenceShape(evidence[i]);
    if (!offence.ok()) {
      return Status(offence.status().reason(), "evidence " + std::to_string(i) +
                                                   " of the block: " + offence.status().message());
    }
    if (!offences.insert(*offence).second) {
      return Reject(Reason::kMalformed, "the block holds two evidence of one offence (" +
                                            std::string(OffenceKindName(offence->kind)) +
                                            " at height " + std::to_string(offence->height) +
                                            " round " + std::to_string(offence->round) + ")");
    }
    ids.push_back(EvidenceId(evidence[i]));
    out.evidence.push_back(DecodedEvidence{*offence, ids.back()});
  }
  if (AsBytes(MerkleRoot(ids)) != header.evidence_root()) {
    return Reject(Reason::kMalformed, "the header's evidence root does not match the evidence");
  }
  return Status::Ok();
}

// Decodes every record and checks that the header commits to exactly these records.
Status DecodeRecords(const v1::BlockHeader& header, DecodedBlock& out) {
  if (header.record_count() != static_cast<uint32_t>(out.block.records_size())) {
    return Reject(Reason::kMalformed, "the header counts " + std::to_string(header.record_count()) +
                                          " records but the block holds " +
                                          std::to_string(out.block.records_size()));
  }
  std::vector<Hash256> ids;
  ids.reserve(out.block.records_size());
  std::set<Hash256> seen;
  for (int i = 0; i < out.block.records_size(); ++i) {
    Result<Record> record = DecodeRecord(out.block.records(i));
    if (!record.ok()) {
      return Status(record.status().reason(),
                    "record " + std::to_string(i) + " of the block: " + record.status().message());
    }
    // The record index maps an id to one place; a block listing a record twice has no
    // well-defined place for it.
    if (!seen.insert(record->id).second) {
      return Reject(Reason::kMalformed, "the block lists record " + ToHex(record->id) + " twice");
    }
    ids.push_back(record->id);
    out.records.push_back(std::move(record).value());
  }
  if (AsBytes(MerkleRoot(ids)) != header.records_root()) {
    return Reject(Reason::kMalformed, "the header's records root does not match the records");
  }
  return Status::Ok();
}

}  // namespace

Hash256 BlockHash(std::string_view header_bytes) { return TaggedHash(kBlockTag, header_bytes); }

std::string VoteSignBytes(const std::string& chain_id, uint64_t height, uint32_t round,
                          v1::VoteType type, const Hash256& block_hash) {
  // Genesis validation bounds chain ids at kMaxChainIdBytes, so the length byte is exact.
  AGRI_CHECK(chain_id.size() <= kMaxChainIdBytes);
  std::string out;
  out.reserve(1 + chain_id.size() + 8 + 4 + 1 + 32);
  out.push_back(static_cast<char>(static_cast<uint8_t>(chain_id.size())));
  out.append(chain_id);
  AppendBigEndian64(out, height);
  AppendBigEndian32(out, round);
  out.push_back(static_cast<char>(static_cast<uint8_t>(type)));
  out.append(AsBytes(block_hash));
  return out;
}

Hash256 VoteSigningHash(const std::string& chain_id, uint64_t height, uint32_t round,
                        v1::VoteType type, const Hash256& block_hash) {
  return TaggedHash(kVoteTag, VoteSignBytes(chain_id, height, round, type, block_hash));
}

bool ValidatorSet::Contains(const PubKey& key) const {
  return std::find(validators.begin(), validators.end(), key) != validators.end();
}

Status VerifyCertificate(const v1::CommitCertificate& cert, const std::string& chain_id,
                         uint64_t height, const Hash256& block_hash, const ValidatorSet& set) {
  if (cert.height() != height) {
    return Reject(Reason::kMalformed, "the certificate is for height " +
                                          std::to_string(cert.height()) + ", not " +
                                          std::to_string(height));
  }
  if (cert.block_hash() != AsBytes(block_hash)) {
    return Reject(Reason::kMalformed, "the certificate is for another block");
  }
  Hash256 message =
      VoteSigningHash(chain_id, height, cert.round(), v1::VOTE_TYPE_PRECOMMIT, block_hash);
  std::set<PubKey> seen;
  for (const v1::CommitSig& sig : cert.signatures()) {
    Result<PubKey> validator = CheckCommitSigShape(sig, set, seen);
    if (!validator.ok()) return validator.status();
    if (!VerifySchnorr(*validator, message, ArrayFromCheckedBytes<64>(sig.signature()))) {
      return Reject(Reason::kBadSignature, "the precommit signature of validator " +
                                               ToHex(*validator) +
                                               " does not match this block, height and round");
    }
    seen.insert(*validator);
  }
  if (seen.size() < set.Quorum()) {
    return Reject(Reason::kNotAuthorized,
                  "the certificate has " + std::to_string(seen.size()) + " of the " +
                      Describe(set.Quorum(), "precommit") + " a quorum of " +
                      Describe(set.validators.size(), "validator") + " needs");
  }
  return Status::Ok();
}

Result<DecodedBlock> DecodeBlock(const v1::Block& block, const std::string& chain_id) {
  AGRI_RETURN_IF_ERROR(CheckBlockSize(block));
  DecodedBlock out;
  if (!out.header.ParseFromString(block.header())) {
    return Reject(Reason::kMalformed, "the block header is not a valid BlockHeader message");
  }
  AGRI_RETURN_IF_ERROR(CheckHeaderShape(out.header, chain_id));
  out.block = block;
  AGRI_RETURN_IF_ERROR(DecodeRecords(out.header, out));
  AGRI_RETURN_IF_ERROR(DecodeEvidence(out.header, out));
  out.hash = BlockHash(block.header());
  return out;
}

v1::Block MakeBlock(const std::string& chain_id, uint64_t height, const Hash256& prev_hash,
                    int64_t time_ms, const PubKey& proposer,
                    std::vector<v1::Envelope> records,
                    const std::vector<v1::Evidence>& evidence,
                    const v1::ValidatorSetChange* validator_change) {
  std::vector<Hash256> ids;
  ids.reserve(records.size());
  v1::Block block;
  block.mutable_records()->Reserve(static_cast<int>(records.size()));
  for (v1::Envelope& envelope : records) {
    ids.push_back(ComputeRecordId(envelope.body(), envelope.signer(), envelope.signature()));
    *block.add_records() = std::move(envelope);
  }
  v1::BlockHeader header;
  header.set_chain_id(chain_id);
  header.set_height(height);
  header.set_prev_hash(AsBytes(prev_hash));
  header.set_time_ms(time_ms);
  header.set_proposer(AsBytes(proposer));
  header.set_records_root(AsBytes(MerkleRoot(ids)));
  header.set_record_count(static_cast<uint32_t>(ids.size()));
  if (!evidence.empty()) {
    std::vector<Hash256> evidence_ids;
    for (const v1::Evidence& item : evidence) {
      evidence_ids.push_back(EvidenceId(item));
      *block.add_evidence() = item;
    }
    header.set_evidence_root(AsBytes(MerkleRoot(evidence_ids)));
  }
  if (validator_change) *header.mutable_validator_change() = *validator_change;
  header.SerializeToString(block.mutable_header());
  return block;
}

v1::CommitSig SignPrecommit(const PrivateKey& key, const std::string& chain_id, uint64_t height,
                            uint32_t round, const Hash256& block_hash) {
  Hash256 message = VoteSigningHash(chain_id, height, round, v1::VOTE_TYPE_PRECOMMIT, block_hash);
  v1::CommitSig sig;
  sig.set_validator(AsBytes(key.public_key()));
  sig.set_signature(AsBytes(key.Sign(message)));
  return sig;
}

}  // namespace agritrace::chain
