// Lots of a product, for FSMA 204's request by product and date range: by GTIN (a prefix scan
// of the lot keys "01/{gtin}/10/...") or by commodity (a scan of every lot, bounded).
// Reads only committed state; safe wherever ChainStore reads are.
#pragma once

#include <cstddef>

#include "agritrace/v1/lots.pb.h"
#include "chain/base/status.h"
#include "chain/store/store.h"

namespace agritrace::chain {

// A query reads at most this many lots (a commodity query reads every lot until then): the
// work one request may cost the node.
inline constexpr size_t kMaxFindLotsScanned = 100'000;
// ...and answers at most this many (each answer lot is one LotState, a few hundred bytes, and
// the exporter then reads each lot's history).
inline constexpr size_t kMaxFoundLots = 1'000;
static_assert(kMaxFoundLots <= kMaxFindLotsScanned);

// MALFORMED unless exactly one of gtin and commodity is given; BAD_GS1_KEY for a bad GTIN.
// Sets `truncated` when a limit stopped the walk.
Result<v1::FindLotsResponse> FindLots(const ChainStore& store, const v1::FindLotsRequest& request);

}  // namespace agritrace::chain
