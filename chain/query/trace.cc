#include "chain/query/trace.h"

#include <deque>
#include <set>
#include <utility>

namespace agritrace::chain {
namespace {

struct Pending {
  std::string lot_key;
  uint32_t depth = 0;
};

}  // namespace

Result<v1::TraceResponse> TraceLineage(const ChainStore& store, const std::string& lot_key,
                                       v1::TraceDirection direction, uint32_t max_depth) {
  if (direction != v1::TRACE_DIRECTION_BACKWARD && direction != v1::TRACE_DIRECTION_FORWARD) {
    return Reject(Reason::kMalformed, "say whether to trace backward or forward");
  }
  std::optional<v1::LotState> root = store.GetLot(lot_key);
  if (!root) return Reject(Reason::kUnknownLot, "lot " + lot_key + " is not on the chain");
  const bool backward = direction == v1::TRACE_DIRECTION_BACKWARD;
  v1::TraceResponse response;
  if (backward && root->recalled()) response.add_recalled_lots(lot_key);
  *response.mutable_root() = *std::move(root);
  std::set<std::string> seen{lot_key};
  std::deque<Pending> queue{{lot_key, 0}};
  while (!queue.empty()) {
    Pending current = std::move(queue.front());
    queue.pop_front();
    if (max_depth != 0 && current.depth >= max_depth) continue;
    auto links = backward ? store.GetParentLinks(current.lot_key)
                          : store.GetChildLinks(current.lot_key);
    for (ChainStore::LineageLink& link : links) {
      v1::TraceLink* out = response.add_links();
      out->set_lot(link.lot_key);
      out->set_via_lot(current.lot_key);
      out->set_record_id(AsBytes(link.record_id));
      out->set_depth(current.depth + 1);
      if (!seen.insert(link.lot_key).second) continue;  // a DAG: expand each lot once
      if (seen.size() > kMaxTraceLots) {
        response.set_truncated(true);
        return response;
      }
      if (auto state = store.GetLot(link.lot_key)) {
        if (backward && state->recalled()) response.add_recalled_lots(link.lot_key);
        *out->mutable_state() = *std::move(state);
      }
      queue.push_back({std::move(link.lot_key), current.depth + 1});
    }
  }
  return response;
}

}  // namespace agritrace::chain
