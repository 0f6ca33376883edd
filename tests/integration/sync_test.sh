#!/usr/bin/env bash
# Block sync with real processes: an observer that starts with an empty data directory after a
# validator committed several full blocks catches up to the same tip (same hash), and it does
# so with one request per range: the validator serves each block once and the observer skips
# none (a slow-applying observer used to repeat its request every 200 ms while it applied).
# Usage: sync_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: sync_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DEVNET=$HERE/../../scripts/devnet.sh
source "$HERE/../../scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-sync.XXXXXX)
NET=$WORK/net
RECORDS=6000  # 6 blocks of 1,000 records, a few hundred ms each to apply
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=sync-secret
cleanup() { "$DEVNET" down "$NET" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$NET"/*/node.log; do echo "--- $log" >&2; tail -8 "$log" >&2; done
  exit 1
}
field() {  # field NODE KEY: from devnet.json
  python3 -c 'import json,sys; print(next(n[sys.argv[3]] for n in json.load(open(sys.argv[1]+"/devnet.json"))["nodes"] if n["name"]==sys.argv[2]))' "$NET" "$1" "$2"
}
status() {  # status NODE KEY
  "$BIN/agritrace" --node "$(field "$1" grpc)" --json status 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2" 2>/dev/null ||
    echo -1
}
metric() {  # metric NODE NAME{LABELS}: its value on the node's /metrics, 0 when absent
  python3 - "http://$(field "$1" http)/metrics" "$2" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
print(next((l.split()[-1] for l in text.splitlines() if l.startswith(sys.argv[2] + " ")), "0"))
PY
}

"$DEVNET" up "$NET" --validators 1 --observers 1 >/dev/null
stop_pid "$(cat "$NET/observer-1/node.pid")"
rm -f "$NET/observer-1/node.pid"
rm -rf "$(field observer-1 data_dir)"

"$BIN/agritrace-bench" --devnet "$NET" --records "$RECORDS" --json >"$WORK/load.json" ||
  fail "the load did not commit"
target=$(status validator-1 height)
((target >= 6)) || fail "expected at least 6 blocks, the validator has $target"

"$DEVNET" start "$NET" observer-1 >/dev/null
for ((i = 0; i < 600; i++)); do
  (($(status observer-1 height) >= target)) && break
  sleep 0.1
done
(($(status observer-1 height) == target)) ||
  fail "the observer did not reach height $target in 60 s"
[[ $(status observer-1 tip_hash) == $(status validator-1 tip_hash) ]] ||
  fail "the observer's tip differs from the validator's"
echo "ok: the observer caught up $RECORDS records to height $target with the same tip hash"

served=$(metric validator-1 agritrace_sync_blocks_served_total)
committed=$(metric observer-1 'agritrace_sync_blocks_received_total{outcome="committed"}')
skipped=$(metric observer-1 'agritrace_sync_blocks_received_total{outcome="skipped"}')
((committed == target)) || fail "the observer committed $committed blocks by sync, expected $target"
((skipped == 0)) || fail "the observer received $skipped blocks it already had"
((served == target)) || fail "the validator served $served blocks for a $target-block chain"
echo "ok: each of the $target blocks was served once (served $served, skipped $skipped)"
