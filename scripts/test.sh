#!/usr/bin/env bash
# Checks the layer graph (scripts/check-deps), installs dependencies, builds, and runs every
# test through ctest.
# Usage: scripts/test.sh [--sanitize]
#
# --sanitize builds with AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer) in
# build-sanitize/ and runs every test but the `sim` label (unit, integration, fuzz corpus
# replays). The consensus simulator runs there too, on fewer seeds (see below). Every process
# (test binaries, and the nodes and CLIs the integration scripts start in the background, whose
# logs the scripts delete) writes sanitizer reports to build-sanitize/sanitizer-reports/; any
# report fails the run, after ctest, with the report printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh "$@"  # installs python3 too, which the checker needs
# The layer graph (docs/architecture.md): a forbidden include edge fails the run.
scripts/check-deps
if [[ "${1:-}" != "--sanitize" ]]; then
  cd build
  exec ctest --output-on-failure -j "$(nproc)"
fi

ROOT=$PWD
cd build-sanitize
REPORTS=$PWD/sanitizer-reports
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
# halt_on_error: the first error stops the process (UBSan would otherwise print and go on).
# Leak reports of third-party code (gRPC, protobuf) are suppressed in tests/sanitizer/lsan.supp.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=0:log_path=$REPORTS/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$REPORTS/ubsan"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizer/lsan.supp:print_suppressions=0"
status=0
start=$(date +%s)
# The `sim` label runs about 380 seeds of whole simulated networks, which is CPU-bound and
# several times slower under ASan; the simulator runs below on a shorter seed range instead.
ctest --output-on-failure -j "$(nproc)" -LE '^sim$' || status=1
bin/agritrace-sim --validators 4 --byzantine 1 --seeds 1..20 >/dev/null ||
  { echo "sanitize: agritrace-sim --validators 4 --byzantine 1 --seeds 1..20 failed"; status=1; }
bin/agritrace-sim --validators 7 --byzantine 2 --seeds 1..5 >/dev/null ||
  { echo "sanitize: agritrace-sim --validators 7 --byzantine 2 --seeds 1..5 failed"; status=1; }
bin/agritrace-sim --validators 4 --byzantine 1 --storage-faults --seeds 1..10 >/dev/null ||
  { echo "sanitize: agritrace-sim --storage-faults --seeds 1..10 failed"; status=1; }
reports=("$REPORTS"/*)
if [[ -e ${reports[0]} ]]; then
  echo "sanitize: ${#reports[@]} sanitizer report(s) in $REPORTS:"
  for report in "${reports[@]}"; do
    echo "--- $report"
    head -60 "$report"
  done
  status=1
fi
echo "sanitize: tests took $(($(date +%s) - start)) s; $([[ $status == 0 ]] && echo passed || echo FAILED)"
exit "$status"
