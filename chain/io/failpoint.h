// Crash-test fail points (scripts/crash-test.sh). With AGRITRACE_FAILPOINT=NAME:COUNT in the
// environment, the COUNT-th time execution reaches FailPoint("NAME") the process kills itself
// with SIGKILL: exactly what `kill -9` at that instant does (no destructors, no flushing), but
// at a chosen moment instead of a random one. COUNT defaults to 1.
//
// Points (keep this list in step with scripts/crash-test.sh):
//   commit-before-write  ChainStore::CommitBlock, the batch built, not yet written
//   commit-after-write   ChainStore::CommitBlock, the block durable, the node not yet told
//   safety-before-write  SigningStateFile::Put, a vote/proposal signed, not yet persisted
//   safety-after-write   SigningStateFile::Put, persisted, not yet sent to any peer
//   sync-apply           BlockSync, a block fetched by range sync about to be applied
//
// Off (the variable unset, as always outside crash tests) a fail point costs a load and a
// branch. Header-only and dependency-free so chain/ and node/ can both use it.
#pragma once

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace agritrace::chain {

namespace failpoint_internal {

struct Spec {
  std::string name;  // empty: fail points off
  long count = 1;
};

inline const Spec& ParsedSpec() {
  static const Spec spec = [] {
    Spec s;
    const char* env = std::getenv("AGRITRACE_FAILPOINT");
    if (env == nullptr || *env == '\0') return s;
    const std::string value(env);
    const size_t colon = value.rfind(':');
    s.name = value.substr(0, colon);
    if (colon != std::string::npos) s.count = std::max(1L, std::atol(value.c_str() + colon + 1));
    return s;
  }();
  return spec;
}

inline std::atomic<long> hits{0};

}  // namespace failpoint_internal

inline void FailPoint(const char* name) {
  const failpoint_internal::Spec& spec = failpoint_internal::ParsedSpec();
  if (spec.name.empty() || spec.name != name) return;
  if (failpoint_internal::hits.fetch_add(1) + 1 != spec.count) return;
  std::fprintf(stderr, "failpoint %s reached (hit %ld): killing this process with SIGKILL\n",
               name, spec.count);
  std::raise(SIGKILL);
}

}  // namespace agritrace::chain
