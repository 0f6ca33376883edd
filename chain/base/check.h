// Always-on assertions (placeholder until the assertions change lands; see docs/architecture.md).
#pragma once

#include <cstdio>
#include <cstdlib>

#define AGRI_CHECK(condition)                                                              \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__, \
                   #condition);                                                            \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)
