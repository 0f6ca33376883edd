#include "chain/model/evidence.h"

#include "chain/base/hash.h"

namespace agritrace::chain {
namespace {

void AppendField(std::string& out, std::string_view field) {
  AppendBigEndian32(out, static_cast<uint32_t>(field.size()));
  out.append(field);
}

void AppendVote(std::string& out, const v1::Vote& vote) {
  AppendBigEndian64(out, vote.height());
  AppendBigEndian32(out, vote.round());
  out.push_back(static_cast<char>(static_cast<uint8_t>(vote.type())));
  AppendField(out, vote.block_hash());
  AppendField(out, vote.validator());
  AppendField(out, vote.signature());
}

void AppendProposal(std::string& out, const v1::SignedProposal& proposal) {
  AppendBigEndian64(out, proposal.height());
  AppendBigEndian32(out, proposal.round());
  AppendBigEndian32(out, static_cast<uint32_t>(proposal.pol_round()));
  AppendField(out, proposal.block_hash());
  AppendField(out, proposal.proposer());
  AppendField(out, proposal.signature());
}

Status Malformed(const std::string& what) {
  return Reject(Reason::kMalformed, "evidence: " + what);
}

// The fields both kinds share: signer, height, round, signature.
Status CheckSigned(std::string_view signer, uint64_t height, std::string_view signature,
                   const char* which) {
  if (signer.size() != 32) return Malformed(std::string(which) + " signer must be a 32-byte key");
  if (signature.size() != 64) {
    return Malformed(std::string(which) + " signature must be 64 bytes (BIP-340)");
  }
  if (height == 0) return Malformed(std::string(which) + " message's height must be at least 1");
  return Status::Ok();
}

Result<Offence> CheckDoubleVote(const v1::DoubleVote& pair) {
  const v1::Vote& a = pair.first();
  const v1::Vote& b = pair.second();
  AGRI_RETURN_IF_ERROR(CheckSigned(a.validator(), a.height(), a.signature(), "the first"));
  AGRI_RETURN_IF_ERROR(CheckSigned(b.validator(), b.height(), b.signature(), "the second"));
  for (const v1::Vote* vote : {&a, &b}) {
    if (vote->type() != v1::VOTE_TYPE_PREVOTE && vote->type() != v1::VOTE_TYPE_PRECOMMIT) {
      return Malformed("a vote must be a prevote or a precommit");
    }
    if (!vote->block_hash().empty() && vote->block_hash().size() != 32) {
      return Malformed("a vote's block hash must be 32 bytes or empty (nil)");
    }
  }
  if (a.validator() != b.validator()) return Malformed("the two votes have different signers");
  if (a.height() != b.height() || a.round() != b.round() || a.type() != b.type()) {
    return Malformed("the two votes are not for the same height, round and type");
  }
  if (a.block_hash() == b.block_hash()) return Malformed("the two votes are for the same value");
  Offence offence;
  offence.validator = ArrayFromCheckedBytes<32>(a.validator());
  offence.height = a.height();
  offence.round = a.round();
  offence.kind = a.type() == v1::VOTE_TYPE_PREVOTE ? OffenceKind::kDoublePrevote
                                                   : OffenceKind::kDoublePrecommit;
  return offence;
}

Result<Offence> CheckDoubleProposal(const v1::DoubleProposal& pair) {
  const v1::SignedProposal& a = pair.first();
  const v1::SignedProposal& b = pair.second();
  AGRI_RETURN_IF_ERROR(CheckSigned(a.proposer(), a.height(), a.signature(), "the first"));
  AGRI_RETURN_IF_ERROR(CheckSigned(b.proposer(), b.height(), b.signature(), "the second"));
  if (a.block_hash().size() != 32 || b.block_hash().size() != 32) {
    return Malformed("a proposal's block hash must be 32 bytes");
  }
  if (a.proposer() != b.proposer()) return Malformed("the two proposals have different signers");
  if (a.height() != b.height() || a.round() != b.round()) {
    return Malformed("the two proposals are not for the same height and round");
  }
  if (a.block_hash() == b.block_hash()) {
    return Malformed("the two proposals are for the same block");
  }
  Offence offence;
  offence.validator = ArrayFromCheckedBytes<32>(a.proposer());
  offence.height = a.height();
  offence.round = a.round();
  offence.kind = OffenceKind::kDoubleProposal;
  return offence;
}

}  // namespace

std::string_view OffenceKindName(OffenceKind kind) {
  switch (kind) {
    case OffenceKind::kDoubleProposal: return "double-proposal";
    case OffenceKind::kDoublePrevote: return "double-prevote";
    case OffenceKind::kDoublePrecommit: return "double-precommit";
  }
  return "unknown";
}

std::string Offence::Key() const {
  std::string key = AsBytes(validator);
  AppendBigEndian64(key, height);
  AppendBigEndian32(key, round);
  key.push_back(static_cast<char>(static_cast<uint8_t>(kind)));
  return key;
}

bool Offence::FromKey(std::string_view key, Offence* out) {
  if (key.size() != kOffenceKeyBytes) return false;
  const auto kind = static_cast<uint8_t>(key[44]);
  if (kind > static_cast<uint8_t>(OffenceKind::kDoublePrecommit)) return false;
  out->validator = ArrayFromCheckedBytes<32>(key.substr(0, 32));
  out->height = ReadBigEndian64(key.substr(32));
  out->round = ReadBigEndian32(key.substr(40));
  out->kind = static_cast<OffenceKind>(kind);
  return true;
}

Result<Offence> CheckEvidenceShape(const v1::Evidence& evidence) {
  switch (evidence.kind_case()) {
    case v1::Evidence::kDoubleVote:
      return CheckDoubleVote(evidence.double_vote());
    case v1::Evidence::kDoubleProposal:
      return CheckDoubleProposal(evidence.double_proposal());
    case v1::Evidence::KIND_NOT_SET:
      break;
  }
  return Malformed("neither a double vote nor a double proposal");
}

std::string EvidenceBytes(const v1::Evidence& evidence) {
  std::string out;
  switch (evidence.kind_case()) {
    case v1::Evidence::kDoubleVote:
      out.push_back(1);
      AppendVote(out, evidence.double_vote().first());
      AppendVote(out, evidence.double_vote().second());
      break;
    case v1::Evidence::kDoubleProposal:
      out.push_back(2);
      AppendProposal(out, evidence.double_proposal().first());
      AppendProposal(out, evidence.double_proposal().second());
      break;
    case v1::Evidence::KIND_NOT_SET:
      out.push_back(0);
      break;
  }
  return out;
}

Hash256 EvidenceId(const v1::Evidence& evidence) {
  return TaggedHash(kEvidenceTag, EvidenceBytes(evidence));
}

}  // namespace agritrace::chain
