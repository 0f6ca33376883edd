// Named limits of the HTTP gateway's routes (the connection-level limits are in
// node/common/client_limits.h and http_guard.h). Each bounds work a single request can cause.
#pragma once

#include <cstddef>

namespace agritrace::node {

// Path segments of one request target. A Digital Link with every qualifier has 6; the rest is
// room for a path prefix before /01/. Longer paths are answered 400.
inline constexpr size_t kMaxTargetSegments = 32;
// Query parameters of one request (name=value pairs, repeated names counted each time).
inline constexpr size_t kMaxQueryParameters = 32;

// EPCIS REST binding: events per page when the client gives no perPage, and the most it may
// ask for (each page re-reads the lots it covers, so a page is bounded in work and bytes).
inline constexpr size_t kDefaultEpcisPerPage = 30;
inline constexpr size_t kMaxEpcisPerPage = 200;

// Lots a GTIN-only Digital Link page lists; more are counted but not listed.
inline constexpr size_t kMaxGtinPageLots = 200;

}  // namespace agritrace::node
