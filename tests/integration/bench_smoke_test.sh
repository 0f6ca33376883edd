#!/usr/bin/env bash
# Smoke run of the load generator (correctness only, no timing): a few hundred pre-signed
# journey records against a real node must all commit with no failures.
# Usage: bench_smoke_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: bench_smoke_test.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-bench-it.XXXXXX)
PORT=$(free_port)
export AGRITRACE_PASSWORD=bench-secret
NODE_PID=""
cleanup() { [[ -n $NODE_PID ]] && stop_pid "$NODE_PID"; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN/agritrace-node" init --dir "$WORK/net" --grpc-addr 127.0.0.1:$PORT --scrypt-n 1024 >/dev/null
"$BIN/agritrace-node" run --dir "$WORK/net" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
wait_for_node "$BIN/agritrace" 127.0.0.1:$PORT

"$BIN/agritrace-bench" --dir "$WORK/net" --records 300 --threads 8 --json >"$WORK/report.json"
python3 - "$WORK/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for key in ("committed_per_s", "raw_verify_per_s", "ratio", "failures", "latency_ms"):
    assert key in r, f"missing {key}"
for key in ("p50", "p95", "p99", "max"):
    assert key in r["latency_ms"], f"missing latency_ms.{key}"
assert r["submitted"] == 300 and r["committed"] == 300, r
assert r["failures"] == {}, r["failures"]
assert r["raw_verify_per_s"] > 0 and r["committed_per_s"] > 0, r
print("bench smoke passed:", r["committed"], "records")
PY
