// Forward and backward lineage traces over ChainStore's lineage index.
//
// Indexed, not scanned: each lot costs one prefix scan of its edges plus one lot read, so a
// trace costs O(lots reached), never O(chain). A trace stops at kMaxTraceLots lots and says so.
// Reads only committed state; safe wherever ChainStore reads are.
#pragma once

#include <cstddef>
#include <string>

#include "agritrace/v1/trace.pb.h"
#include "chain/base/status.h"
#include "chain/store/store.h"

namespace agritrace::chain {

// A trace reads at most this many lots, bounding the work and the response of one query
// (a retail chain may fan one harvest out into tens of thousands of bags).
inline constexpr size_t kMaxTraceLots = 100'000;

// UNKNOWN_LOT when the lot is not on the chain; MALFORMED for an unset direction.
Result<v1::TraceResponse> TraceLineage(const ChainStore& store, const std::string& lot_key,
                                       v1::TraceDirection direction, uint32_t max_depth);

}  // namespace agritrace::chain
