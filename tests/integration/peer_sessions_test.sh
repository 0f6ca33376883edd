#!/usr/bin/env bash
# Issue 16, scenario 2 on real processes: sessions and server threads must not run out.
# Validators 1-3 of a 4-validator loopback network run honestly; agritrace-hostile-peer plays
#   a) a listed key (validator-4's) opening 20 sessions at once, each on its own connection:
#      validator-1 admits at most kMaxSessionsPerPeer (2) of them;
#   b) an outsider holding 600 Connect streams that never send a byte, reopening each as it
#      ends: validator-1 refuses the streams beyond its handshake budget at once, so the
#      Ledger API keeps answering every call throughout, and a record submitted meanwhile
#      commits on all three honest validators (their sessions were up before the attack).
# Waits only on what the processes report (exit codes, output, commits); no timing guesses.
# Usage: peer_sessions_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: peer_sessions_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DEVNET=$HERE/../../scripts/devnet.sh
source "$HERE/../../scripts/lib.sh"
source "$HERE/hostile_net_lib.sh"

MAX_SESSIONS_PER_PEER=2  # node/common/peer_limits.h kMaxSessionsPerPeer
IDLE_STREAMS=600
WORK=$(mktemp -d /tmp/agritrace-sessions.XXXXXX)
NET=$WORK/net
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=sessions-secret AGRITRACE_KEYSTORE=$NET/keystore
HOSTILE_PID=""
cleanup() {
  [[ -n $HOSTILE_PID ]] && kill "$HOSTILE_PID" 2>/dev/null || true
  "$DEVNET" down "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_honest_network
hostile() {
  "$BIN/agritrace-hostile-peer" --target "$TARGET" --genesis "$NET/genesis.json" "$@"
}
harvest() {  # harvest LOT: submitted to validator-2, returns once committed
  "$BIN/agritrace" --node "${ADDR[validator-2]}" --key farmer harvest "01/06901234567892/10/$1" \
    --plot plot-1 --commodity rice --quantity 10kg --field "Plot 1" >"$WORK/$1.out" 2>&1
}
# The honest mesh is up: a record commits on all three.
harvest S1 || fail "record S1 did not commit: $(cat "$WORK/S1.out")"

# a) One listed key, many sessions.
out=$(hostile --key-file "$NET/validator-4/node_key.json" --mode sessions --streams 20) ||
  fail "hostile sessions run failed: $out"
echo "hostile peer: $out"
admitted=$(sed -n 's/^admitted \([0-9]*\) of.*/\1/p' <<<"$out")
[[ -n $admitted ]] || fail "no admitted count in: $out"
((admitted >= 1)) || fail "validator-4's key was not admitted at all"
((admitted <= MAX_SESSIONS_PER_PEER)) ||
  fail "one key holds $admitted sessions at validator-1 (at most $MAX_SESSIONS_PER_PEER allowed)"
echo "ok: one key gets at most $MAX_SESSIONS_PER_PEER sessions ($admitted of 20)"

# b) An outsider's idle streams. The Ledger API answers every call while they are held.
hostile --random-key --mode idle --streams "$IDLE_STREAMS" --wait-ms 15000 >"$WORK/idle.out" 2>&1 &
HOSTILE_PID=$!
"$BIN/agritrace" --node "${ADDR[validator-2]}" --key farmer harvest "01/06901234567892/10/S2" \
  --plot plot-1 --commodity rice --quantity 10kg --field "Plot 1" >"$WORK/S2.out" 2>&1 &
SUBMIT_PID=$!
calls=0
while kill -0 "$HOSTILE_PID" 2>/dev/null; do
  err=$("$BIN/agritrace" --node "$TARGET" --json status 2>&1 >/dev/null) ||
    fail "validator-1's Ledger API refused a call while idle peer streams were held: $err"
  calls=$((calls + 1))
done
wait "$HOSTILE_PID" || fail "hostile idle run failed: $(cat "$WORK/idle.out")"
HOSTILE_PID=""
echo "hostile peer: $(cat "$WORK/idle.out")"
grep -q "idle streams: .* opened by the node" "$WORK/idle.out" || fail "no idle report"
refused=$(sed -n 's/.*opened by the node, \([0-9]*\) refused.*/\1/p' "$WORK/idle.out")
((refused > 0)) || fail "validator-1 refused none of $IDLE_STREAMS idle streams"
((calls >= 3)) || fail "only $calls Ledger calls ran during the attack"
echo "ok: $calls Ledger calls answered while $IDLE_STREAMS idle peer streams were held"
wait "$SUBMIT_PID" || fail "record S2 did not commit during the attack: $(cat "$WORK/S2.out")"
for name in $HONEST; do
  for ((i = 0; i < 300; i++)); do
    "$BIN/agritrace" --node "${ADDR[$name]}" lot "01/06901234567892/10/S2" >/dev/null 2>&1 && break
    sleep 0.1
  done
  ((i < 300)) || fail "$name does not have lot S2 30 s after it committed"
done
echo "peer sessions test passed in $SECONDS s"
