// Assertions that stay on in every build type, Release included (unlike assert(), which
// NDEBUG removes).
//
// AGRI_CHECK(condition) guards an invariant: something the code relies on because an earlier
// check already established it (a length validated statelessly before the bytes are decoded, a
// value a lookup just proved present). When it fails, the process is in a state its author
// thought impossible, so it prints file:line, the function and the condition to stderr and
// calls std::abort(), which crash tests, sanitizers and fuzzers see as a crash.
//
// It never guards input. Bad input from a peer, a client or a file gets a Status with a reason
// (chain/base/status.h) and must never crash a node; when in doubt, return a Status.
//
// Cost: one predicted-not-taken branch; the failure path is out of line (docs/architecture.md,
// "Assertions", has the benchmark figures).
#pragma once

#include <source_location>

namespace agritrace::chain::check_internal {

// Prints "check failed: <condition> (<message>) at <file>:<line> in <function>" and aborts.
// `message` may be null.
[[noreturn]] void CheckFailed(const char* condition, const char* message,
                              const std::source_location& where);

}  // namespace agritrace::chain::check_internal

// Aborts with file:line, function and the condition's text when `condition` is false.
#define AGRI_CHECK(condition)                                                           \
  do {                                                                                  \
    if (!(condition)) [[unlikely]] {                                                    \
      ::agritrace::chain::check_internal::CheckFailed(#condition, nullptr,              \
                                                      std::source_location::current()); \
    }                                                                                   \
  } while (false)

// The same, adding `message` (a C string: why the condition must hold) to the report.
#define AGRI_CHECK_MSG(condition, message)                                              \
  do {                                                                                  \
    if (!(condition)) [[unlikely]] {                                                    \
      ::agritrace::chain::check_internal::CheckFailed(#condition, message,              \
                                                      std::source_location::current()); \
    }                                                                                   \
  } while (false)
