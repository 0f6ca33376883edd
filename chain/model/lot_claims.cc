#include "chain/model/lot_claims.h"

#include <algorithm>
#include <string>

#include "chain/model/quantity.h"

namespace agritrace::chain {
namespace {

int64_t Share(int64_t part, int64_t claimed, int64_t whole) {
  return static_cast<int64_t>(static_cast<__int128>(part) * claimed / whole);
}

}  // namespace

std::vector<v1::LotClaim> ClaimsCarriedIn(const std::vector<ClaimedInput>& inputs) {
  std::vector<v1::LotClaim> carried;
  for (const ClaimedInput& input : inputs) {
    const std::optional<int64_t> lot_mg =
        MassMilligrams(input.lot->quantity(), input.lot->net_mass_per_unit());
    if (!lot_mg || *lot_mg <= 0) continue;
    for (const v1::LotClaim& claim : input.lot->claims()) {
      const int64_t mg = Share(input.consumed_mg, claim.claimed_mg(), *lot_mg);
      if (mg <= 0) continue;
      auto same = std::find_if(carried.begin(), carried.end(), [&](const v1::LotClaim& c) {
        return c.claim() == claim.claim() && c.certificate() == claim.certificate();
      });
      if (same == carried.end()) {
        v1::LotClaim fresh = claim;
        fresh.set_claimed_mg(0);
        fresh.clear_plots();
        carried.push_back(std::move(fresh));
        same = carried.end() - 1;
      }
      same->set_claimed_mg(same->claimed_mg() + mg);
      for (const std::string& plot : claim.plots()) {
        const bool known =
            std::find(same->plots().begin(), same->plots().end(), plot) != same->plots().end();
        if (!known && same->plots_size() < kMaxClaimPlots) same->add_plots(plot);
      }
    }
  }
  return carried;
}

void AddOutputClaims(const std::vector<v1::LotClaim>& carried, int64_t in_mg, int64_t out_mg,
                     v1::LotState& out) {
  if (in_mg <= 0) return;
  for (const v1::LotClaim& claim : carried) {
    if (out.claims_size() >= kMaxLotClaims) return;
    const int64_t mg = Share(out_mg, claim.claimed_mg(), in_mg);
    if (mg <= 0) continue;
    v1::LotClaim share = claim;
    share.set_claimed_mg(mg);
    *out.add_claims() = std::move(share);
  }
}

}  // namespace agritrace::chain
