#include "chain/export/event_time.h"

#include <cstdio>
#include <cstdlib>

#include "chain/export/record_json.h"

namespace agritrace::chain {

constexpr int64_t kMsPerMinute = 60'000;

std::string FormatTzOffset(int32_t minutes) {
  // Offsets are checked to be within +-14:00 (chain/base/limits.h), so two digits suffice.
  const int magnitude = std::abs(minutes) % (100 * 60);
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%c%02d:%02d", minutes < 0 ? '-' : '+', magnitude / 60,
                magnitude % 60);
  return buffer;
}

std::string FormatLocalIsoTime(int64_t unix_ms, int32_t offset_minutes) {
  // FormatIsoTime writes UTC with a trailing 'Z'; shifted by the offset it is the local time.
  std::string local = FormatIsoTime(unix_ms + offset_minutes * kMsPerMinute);
  if (!local.empty() && local.back() == 'Z') local.pop_back();
  return local + FormatTzOffset(offset_minutes);
}

}  // namespace agritrace::chain
