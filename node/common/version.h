#pragma once

namespace agritrace::node {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace agritrace::node
