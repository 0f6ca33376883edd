// Equivocation evidence as blocks carry it: its shape, the offence it names, its id and the
// Merkle root a block header commits to. Signatures are checked by chain::VerifyEvidence
// (chain/consensus/evidence.h), which needs the validator set and the proposal layout.
//
// An offence is (validator, height, round, kind): a validator that signs two different
// prevotes (or precommits, or proposals) for one height and round has committed one offence,
// however many values it signed. The chain commits each offence at most once.
//
// The evidence id is TaggedHash("agritrace/evidence/v1", EvidenceBytes), a fixed binary layout
// of the two signed messages (never protobuf):
//   u8 kind (1 double vote, 2 double proposal) || first || second, where a vote is
//     be64 height || be32 round || u8 type || be32 len || block hash || be32 len || validator
//     || be32 len || signature
//   and a proposal is
//     be64 height || be32 round || be32 pol_round || be32 len || block hash || be32 len
//     || proposer || be32 len || signature.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "agritrace/v1/records.pb.h"
#include "chain/base/bytes.h"
#include "chain/base/status.h"

namespace agritrace::chain {

inline constexpr std::string_view kEvidenceTag = "agritrace/evidence/v1";

// Values are part of the store's key layout (OffenceKey): never renumber.
enum class OffenceKind : uint8_t {
  kDoubleProposal = 0,
  kDoublePrevote = 1,   // = VOTE_TYPE_PREVOTE
  kDoublePrecommit = 2, // = VOTE_TYPE_PRECOMMIT
};
// "double-proposal", "double-prevote", "double-precommit".
std::string_view OffenceKindName(OffenceKind kind);

struct Offence {
  PubKey validator{};
  uint64_t height = 0;
  uint32_t round = 0;
  OffenceKind kind = OffenceKind::kDoubleProposal;

  // validator(32) || be64 height || be32 round || u8 kind: the store's key, so one
  // validator's offences are adjacent and in chain order.
  std::string Key() const;
  static bool FromKey(std::string_view key, Offence* out);
  auto Tie() const { return std::tie(validator, height, round, kind); }
  bool operator<(const Offence& other) const { return Tie() < other.Tie(); }
  bool operator==(const Offence& other) const { return Tie() == other.Tie(); }
};
inline constexpr size_t kOffenceKeyBytes = 32 + 8 + 4 + 1;

// The shape of `evidence`: a kind is set; keys are 32 bytes, signatures 64, block hashes 32
// (a vote's may be empty: nil); heights start at 1; vote types are prevote or precommit; both
// messages name the same signer, height, round (and vote type), and different values (block
// hashes; nil counts as a value). MALFORMED otherwise, saying which. Returns the offence.
Result<Offence> CheckEvidenceShape(const v1::Evidence& evidence);

// The fixed layout above and its tagged hash. Total over any input (lengths are prefixed).
std::string EvidenceBytes(const v1::Evidence& evidence);
Hash256 EvidenceId(const v1::Evidence& evidence);

// One evidence of a decoded block.
struct DecodedEvidence {
  Offence offence;
  Hash256 id{};
};

}  // namespace agritrace::chain
