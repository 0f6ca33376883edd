#include "chain/base/check.h"

#include <cstdio>
#include <cstdlib>

namespace agritrace::chain::check_internal {

void CheckFailed(const char* condition, const char* message, const SourceLocation& where) {
  // Plain stdio to unbuffered stderr: the report is out before the abort, logger or not.
  std::fprintf(stderr, "check failed: %s%s%s%s at %s:%u in %s\n", condition, message ? " (" : "",
               message ? message : "", message ? ")" : "", where.file,
               where.line, where.function);
  std::fflush(stderr);
  std::abort();
}

}  // namespace agritrace::chain::check_internal
