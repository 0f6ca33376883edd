// The consensus parameters genesis fixes and the rules read (chain/rules/rules.h).
#pragma once

#include <cstdint>
#include <string>

namespace agritrace::chain {

// Consensus parameters the rules need; fixed by genesis.
struct ChainParams {
  std::string chain_id;
  // A record's timestamp may be at most this far behind the block (or node) time: a farmer
  // signs offline in the field and submits at the co-op days later, and a smallholder may be
  // out of signal for weeks.
  int64_t max_record_age_ms = 30LL * 24 * 3600 * 1000;
  // ...and at most this far ahead of it (clock skew).
  int64_t max_record_future_ms = 10LL * 60 * 1000;
  // Every harvest must name a registered plot (Harvest.plot). Off by default so that genesis
  // files written before plots existed keep their meaning.
  bool require_plot = false;
};

}  // namespace agritrace::chain
