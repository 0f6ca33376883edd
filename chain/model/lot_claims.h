// The arithmetic of origin claims on their way down a lot's lineage, shared by the rules
// (chain/rules/claims.cc, which keep LotState.claims) and the proof-bundle verifier
// (chain/bundle/verify.cc, which recomputes them from a bundle's records), so both get the
// same numbers from the same code.
//
// A pack or transform consumes floor(consumed x claimed / lot mass) of each claim of each
// input; an output of `out_mg` carries floor(out x carried / in) of it. Rounded down, so the
// outputs of a record together never claim more than its inputs did.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <vector>

#include "agritrace/v1/records.pb.h"

namespace agritrace::chain {

// Most claims a lot carries, and plots a claim names (a blend of many plots keeps the first).
inline constexpr int kMaxLotClaims = 16;
inline constexpr int kMaxClaimPlots = 32;

// One input of a pack or transform: the lot as it was (quantity, net mass, claims) and the
// mass the record consumed from it.
struct ClaimedInput {
  const v1::LotState* lot;
  int64_t consumed_mg = 0;
};

// Claimed mass a pack or transform consumes, per claim and certificate, rounded down.
std::vector<v1::LotClaim> ClaimsCarriedIn(const std::vector<ClaimedInput>& inputs);

// An output of `out_mg` of a record consuming `in_mg` carries floor(out x claimed / in) of
// each claim (at most kMaxLotClaims on the lot).
void AddOutputClaims(const std::vector<v1::LotClaim>& carried, int64_t in_mg, int64_t out_mg,
                     v1::LotState& out);

}  // namespace agritrace::chain
