#!/usr/bin/env bash
# Builds every libFuzzer target of tests/fuzz/ (clang, ASan + UBSan) in build-fuzz/ and runs each
# one for SECONDS_PER_TARGET seconds (default 600), one after the other.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     e.g. scripts/fuzz.sh 60 fuzz_gs1
#
# Each target starts from a copy of its seed corpus in build-fuzz/corpus-work/<target>/ (new
# inputs the fuzzer finds stay there, never in the repository; a later run continues from them).
# A crash, sanitizer report, timeout (a single input running over 30 s) or out-of-memory (over
# 2 GiB RSS) stops that target and keeps the input in build-fuzz/crashes/<target>/; its log is
# build-fuzz/logs/<target>.log. Reproduce with `build-fuzz/bin/<target> CRASH_FILE` (or replay
# it in a normal build: `build/bin/<target> CRASH_FILE`). Prints one line per target and exits
# non-zero when any crashed.
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-600}
shift || true
BUILD=build-fuzz
ROOT=$PWD

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found; install clang and libclang-rt-14-dev (scripts/setup.sh does)" >&2
  exit 2
fi

if (($#)); then
  targets=("$@")
else
  targets=()
  for src in tests/fuzz/fuzz_*.cc; do
    name=$(basename "$src" .cc)
    [[ $name == fuzz_fixture ]] || targets+=("$name")
  done
fi

if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAGRITRACE_FUZZ=ON >"$BUILD.configure.log" 2>&1 ||
    { cat "$BUILD.configure.log" >&2; exit 2; }
  rm -f "$BUILD.configure.log"
fi
cmake --build "$BUILD" --target "${targets[@]}" -j "$(nproc)" || exit 2

export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"

printf '%-20s %8s %14s %8s\n' target seconds execs crashed
failed=0
for t in "${targets[@]}"; do
  work=$BUILD/corpus-work/$t
  crashes=$BUILD/crashes/$t
  log=$BUILD/logs/$t.log
  rm -rf "$crashes"  # only this run's crashes count
  mkdir -p "$work" "$crashes" "$BUILD/logs"
  cp -n "tests/fuzz/corpus/$t"/* "$work"/ 2>/dev/null || true
  start=$(date +%s)
  # -report_slow_units: libFuzzer keeps any unit over 10 s by default, which on a loaded machine
  # catches the process being descheduled (such units replayed in 0.2 s); only the timeout counts.
  "$BUILD/bin/$t" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=30 \
    -report_slow_units=30 \
    -print_final_stats=1 -artifact_prefix="$ROOT/$crashes/" "$work" >"$log" 2>&1
  rc=$?
  elapsed=$(($(date +%s) - start))
  execs=$(awk '/stat::number_of_executed_units/ {n = $2} END {print n + 0}' "$log")
  crashed=no
  if ((rc != 0)) || [[ -n $(ls -A "$crashes") ]]; then
    crashed=yes
    failed=1
  fi
  printf '%-20s %8s %14s %8s\n' "$t" "$elapsed" "$execs" "$crashed"
  if [[ $crashed == yes ]]; then
    ls "$crashes" | sed "s|^|    kept $crashes/|"
    grep -m 3 -E 'ERROR: |runtime error|FUZZ_CHECK|SUMMARY' "$log" | sed 's/^/    /'
  fi
done
exit $failed
