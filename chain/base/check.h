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

namespace agritrace::chain::check_internal {

// Where a check was written. Not std::source_location: Debian 12's clang 14 (the fuzz and
// sanitizer builds) cannot compile libstdc++'s; the compiler builtins below work in GCC and
// clang alike, and as default arguments they name the caller.
struct SourceLocation {
  const char* file = "";
  unsigned line = 0;
  const char* function = "";
  static constexpr SourceLocation Current(const char* file = __builtin_FILE(),
                                          unsigned line = __builtin_LINE(),
                                          const char* function = __builtin_FUNCTION()) {
    return {file, line, function};
  }
};

// Prints "check failed: <condition> (<message>) at <file>:<line> in <function>" and aborts.
// `message` may be null.
[[noreturn]] void CheckFailed(const char* condition, const char* message,
                              const SourceLocation& where);

}  // namespace agritrace::chain::check_internal

// Aborts with file:line, function and the condition's text when `condition` is false.
#define AGRI_CHECK(condition) AGRI_CHECK_MSG(condition, nullptr)

// The same, adding `message` (a C string: why the condition must hold) to the report.
#define AGRI_CHECK_MSG(condition, message)                                     \
  do {                                                                         \
    if (!(condition)) [[unlikely]] {                                           \
      ::agritrace::chain::check_internal::CheckFailed(                         \
          #condition, message,                                                 \
          ::agritrace::chain::check_internal::SourceLocation::Current());      \
    }                                                                          \
  } while (false)
