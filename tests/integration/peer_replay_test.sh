#!/usr/bin/env bash
# Issue 16, scenario 4 on real processes: a peer replays 100,000 old, valid precommits.
# Validators 1-3 of a 4-validator loopback network run honestly; agritrace-hostile-peer holds
# validator-4's key, fetches validator-1's blocks by sync, rebuilds precommits of another
# validator from their commit certificates and replays them to validator-1 at the rate an
# honest peer may send (so the rate limit never trips). Old precommits are valid and are no
# fault, so nobody is banned; what must hold:
#   - validator-1 neither relays them nor answers each with a tip: the messages it queues for
#     its peers during the replay stay a small fraction of what it received
#     (agritrace_peer_messages_queued_total on /metrics);
#   - no honest session is dropped (no "send queue full"), and a record submitted during the
#     replay commits on all three honest validators;
#   - every honest node's resident memory grows by less than MEMORY_BOUND_MIB.
# Waits only on what the processes report (exit codes, commits, /metrics); no sleeps that
# guess durations.
# Usage: peer_replay_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: peer_replay_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DEVNET=$HERE/../../scripts/devnet.sh
source "$HERE/../../scripts/lib.sh"
source "$HERE/hostile_net_lib.sh"

REPLAYS=100000
# The replay may hold per node at most the relay memory (kMaxRelayedMessages signatures) and
# one tip-answer time per validator; 64 MiB leaves room for allocator noise.
MEMORY_BOUND_MIB=64
WORK=$(mktemp -d /tmp/agritrace-replay.XXXXXX)
NET=$WORK/net
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=replay-secret AGRITRACE_KEYSTORE=$NET/keystore
HOSTILE_PID=""
cleanup() {
  [[ -n $HOSTILE_PID ]] && kill "$HOSTILE_PID" 2>/dev/null || true
  "$DEVNET" down "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_honest_network

queued_total() {  # every message validator-1 queued for its peers
  python3 - "http://$TARGET_HTTP/metrics" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
print(int(sum(float(l.split()[-1]) for l in text.splitlines()
              if l.startswith("agritrace_peer_messages_queued_total{"))))
PY
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$(cat "$NET/$1/node.pid")/status"; }
harvest() {  # harvest LOT: submitted to validator-2, returns once committed
  "$BIN/agritrace" --node "${ADDR[validator-2]}" --key farmer harvest "01/06901234567892/10/$1" \
    --plot plot-1 --commodity rice --quantity 10kg --field "Plot 1" >"$WORK/$1.out" 2>&1
}
connects() { grep -c "peer validator-[23] .* connected" "$NET/validator-1/node.log" || true; }

# Blocks whose certificates the hostile peer will mine for precommits.
for lot in R1 R2 R3; do harvest "$lot" || fail "record $lot did not commit: $(cat "$WORK/$lot.out")"; done
echo "ok: 3 blocks committed before the replay"

declare -A RSS_BEFORE
for name in $HONEST; do RSS_BEFORE[$name]=$(rss_kib "$name"); done
queued_before=$(queued_total)
tips_before=$(metric 'agritrace_peer_messages_queued_total{kind="tip"}')
connects_before=$(connects)

"$BIN/agritrace-hostile-peer" --target "$TARGET" --genesis "$NET/genesis.json" \
  --key-file "$NET/validator-4/node_key.json" --mode replay --count "$REPLAYS" \
  --wait-ms 240000 >"$WORK/hostile.out" 2>&1 &
HOSTILE_PID=$!
# Commits continue during the replay.
harvest R4 || fail "record R4 did not commit during the replay: $(cat "$WORK/R4.out")"
kill -0 "$HOSTILE_PID" 2>/dev/null && echo "ok: record R4 committed while the replay ran" ||
  echo "note: the replay finished before R4 committed"
code=0
wait "$HOSTILE_PID" || code=$?
HOSTILE_PID=""
out=$(cat "$WORK/hostile.out")
echo "hostile peer: $out"
grep -q "replayed $REPLAYS precommits" <<<"$out" || fail "the replay did not complete: $out"
((code == 4)) || fail "old valid precommits are no fault: expected the peer still connected (exit 4), got $code"

queued=$(($(queued_total) - queued_before))
tips=$(($(metric 'agritrace_peer_messages_queued_total{kind="tip"}') - tips_before))
echo "validator-1 queued $queued messages ($tips tips) for its peers while receiving $REPLAYS replayed precommits"
((queued * 10 < REPLAYS)) ||
  fail "validator-1 amplified the replay: $queued messages queued for $REPLAYS received ($tips tips)"
for name in $HONEST; do
  ! grep -q "send queue full" "$NET/$name/node.log" || fail "$name dropped a session: send queue full"
done
(($(connects) == connects_before)) || fail "validator-1's sessions with honest peers were re-established during the replay"
for name in $HONEST; do
  grown=$((($(rss_kib "$name") - RSS_BEFORE[$name]) / 1024))
  echo "$name: resident memory grew by $grown MiB"
  ((grown < MEMORY_BOUND_MIB)) || fail "$name grew by $grown MiB (bound $MEMORY_BOUND_MIB MiB)"
done
grep -q "banning peer" "$NET/validator-1/node.log" && fail "validator-1 banned someone for valid messages"

# Every honest validator has the record committed during the replay.
for name in $HONEST; do
  for ((i = 0; i < 300; i++)); do
    "$BIN/agritrace" --node "${ADDR[$name]}" lot "01/06901234567892/10/R4" >/dev/null 2>&1 && break
    sleep 0.1
  done
  ((i < 300)) || fail "$name does not have lot R4 30 s after it committed"
done
echo "peer replay test passed in $SECONDS s: $REPLAYS old precommits, $queued messages queued, commits continued"
