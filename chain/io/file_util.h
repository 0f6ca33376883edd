// Whole-file reads and crash-safe writes.
#pragma once

#include <string>

#include "chain/base/status.h"

namespace agritrace::chain {

// NOT_FOUND when missing, IO_ERROR otherwise; TOO_LARGE past `max_bytes`.
Result<std::string> ReadFile(const std::string& path, size_t max_bytes = 64 * 1024 * 1024);
// Writes to a temp file beside `path`, fsyncs, renames over `path` and fsyncs the directory.
// `private_mode` creates the file 0600 (keys).
Status WriteFileAtomic(const std::string& path, const std::string& data, bool private_mode);

}  // namespace agritrace::chain
