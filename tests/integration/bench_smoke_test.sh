#!/usr/bin/env bash
# Smoke run of the load generator (correctness only, no timing): a few hundred pre-signed
# journey records against a real node must all commit with no failures, through both the
# batched path (Ledger.SubmitRecords) and the one-call-per-record path (SubmitRecord); and
# --lineage must make a lot whose proof bundle holds exactly the events asked for.
# Usage: bench_smoke_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: bench_smoke_test.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-bench-it.XXXXXX)
PORT=$(free_port)
HTTP=127.0.0.1:$(free_port)
export AGRITRACE_PASSWORD=bench-secret
NODE_PID=""
cleanup() { [[ -n $NODE_PID ]] && stop_pid "$NODE_PID"; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN/agritrace-node" init --dir "$WORK/net" --grpc-addr 127.0.0.1:$PORT --http-addr "$HTTP" \
  --scrypt-n 1024 >/dev/null
"$BIN/agritrace-node" run --dir "$WORK/net" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
wait_for_node "$BIN/agritrace" 127.0.0.1:$PORT

# Batches of 50 over 4 threads: every batch interleaves several journeys, so the node must
# admit each journey's records in order within one call.
"$BIN/agritrace-bench" --dir "$WORK/net" --records 300 --batch 50 --threads 4 --json \
  >"$WORK/batch.json"
"$BIN/agritrace-bench" --dir "$WORK/net" --records 60 --batch 1 --threads 4 --json \
  >"$WORK/unary.json"
"$BIN/agritrace-bench" --dir "$WORK/net" --lineage 12 --json >"$WORK/lineage.json"
LOT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lot"])' "$WORK/lineage.json")
curl -sf -H 'Accept: application/json' "http://$HTTP/$LOT" >"$WORK/bundle.json"

python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
for name, records, batch in (("batch", 300, 50), ("unary", 60, 1)):
    r = json.load(open(os.path.join(work, name + ".json")))
    for key in ("committed_per_s", "raw_verify_per_s", "ratio", "failures", "latency_ms",
                "offered_per_s", "avg_envelope_bytes"):
        assert key in r, f"{name}: missing {key}"
    for key in ("p50", "p95", "p99", "max"):
        assert key in r["latency_ms"], f"{name}: missing latency_ms.{key}"
    assert r["batch"] == batch, r
    assert r["records"] == records and r["submitted"] == records and r["committed"] == records, r
    assert r["failures"] == {}, r["failures"]
    assert r["raw_verify_per_s"] > 0 and r["committed_per_s"] > 0, r
    # Batching must actually batch: far fewer calls than records.
    assert (r["calls"] < records / 2) if batch > 1 else (r["calls"] >= records), r
    print(f"bench smoke ({name}) passed: {r['committed']} records in {r['calls']} calls")
bundle = json.load(open(os.path.join(work, "bundle.json")))
# The 12 records of the lineage, and the registration of the plot its harvest names (the
# bundle carries origin evidence too).
assert len(bundle["records"]) == 13, len(bundle["records"])
print("bench smoke (lineage) passed: a 12-record lineage in a 13-record proof bundle")
PY
