#!/usr/bin/env bash
# Real processes: validators 1-3 of a 4-validator loopback network run honestly; the fourth
# validator's key is held by agritrace-hostile-peer, which completes the real handshake with
# validator-1 and then misbehaves in one way per run. For each: validator-1 disconnects and bans
# it (log line naming the reason, agritrace_peer_bans_total on /metrics), refuses its redial
# during the ban, and a record submitted meanwhile commits on all three honest validators. A key
# outside the network is refused at the handshake. Bytes that are not a peer message at all
# only end the stream (gRPC drops them before the session can attribute them).
# Usage: hostile_peers_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: hostile_peers_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DEVNET=$HERE/../../scripts/devnet.sh
source "$HERE/../../scripts/lib.sh"
source "$HERE/hostile_net_lib.sh"

WORK=$(mktemp -d /tmp/agritrace-hostile.XXXXXX)
NET=$WORK/net
BAN_SECONDS=3
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=hostile-secret AGRITRACE_KEYSTORE=$NET/keystore
cleanup() { "$DEVNET" down "$NET" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

start_honest_network "s/^ban_seconds = .*/ban_seconds = $BAN_SECONDS/"

hostile() {  # hostile MODE [extra flags]: runs the hostile peer, prints its line, returns its code
  local mode=$1; shift
  "$BIN/agritrace-hostile-peer" --target "$TARGET" --genesis "$NET/genesis.json" --mode "$mode" "$@"
}
as_validator4() { hostile "$@" --key-file "$NET/validator-4/node_key.json"; }
expect_code() {  # expect_code CODE WHAT CMD...: runs CMD, which must exit with CODE
  local want=$1 what=$2 out code=0; shift 2
  out=$("$@") || code=$?
  ((code == want)) || fail "$what: expected exit $want, got $code ($out)"
  echo "ok: $what: $out"
}
# Waits until validator-1 admits validator-4's key again: its ban expired. Asks the node rather
# than sleeping out the ban, whose start depends on when validator-1 judged the misbehaviour.
wait_ban_expired() {
  local code
  for ((i = 0; i < 300; i++)); do
    code=0
    as_validator4 hold --wait-ms 100 >/dev/null || code=$?
    ((code == 4)) && return 0
    sleep 0.2
  done
  fail "validator-1 still refuses validator-4 a minute after its $BAN_SECONDS s ban"
}
height() { "$BIN/agritrace" --node "${ADDR[$1]}" --json status 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo -1; }
LOTS=()
submit_record() {  # a harvest sent to validator-2 in the background; waits for its commit
  local lot=H$1
  LOTS+=("$lot")
  "$BIN/agritrace" --node "${ADDR[validator-2]}" --key farmer harvest "01/06901234567892/10/$lot" --plot plot-1 \
    --commodity rice --quantity 10kg --field "Plot 1" >"$WORK/$lot.out" 2>&1 &
  SUBMIT_PID=$!
}

# 1. Outsiders are refused at the handshake; the network's own key is admitted.
expect_code 3 "unlisted key refused" hostile hold --random-key --wait-ms 1000
grep -q "refused peer .*neither a validator nor a listed observer" "$LOG" ||
  fail "validator-1 did not log the refused outsider"
expect_code 4 "validator-4's key admitted" as_validator4 hold --wait-ms 1000

# 2. Each kind of misbehaviour: disconnected, banned with its reason, redial refused, and the
# honest validators keep committing what is submitted meanwhile.
n=0
for case in empty:MALFORMED rehello:MALFORMED bad-record:MALFORMED nonmember-vote:NOT_AUTHORIZED \
            forged-vote:BAD_SIGNATURE bad-cert:BAD_SIGNATURE flood:TOO_LARGE; do
  mode=${case%%:*} reason=${case#*:}
  n=$((n + 1))
  submit_record "$n"
  bans_before=$(metric "agritrace_peer_bans_total{reason=\"$reason\"}")
  expect_code 0 "$mode disconnected" as_validator4 "$mode" --wait-ms 20000
  expect_code 3 "$mode: redial during the ban refused" as_validator4 hold --wait-ms 1000
  grep -q "banning peer validator-4 for $BAN_SECONDS s: $reason" "$LOG" ||
    fail "$mode: no '$reason' ban in validator-1's log"
  bans_after=$(metric "agritrace_peer_bans_total{reason=\"$reason\"}")
  ((bans_after > bans_before)) || fail "$mode: agritrace_peer_bans_total{reason=$reason} stayed $bans_after"
  wait "$SUBMIT_PID" || fail "record H$n did not commit: $(cat "$WORK/H$n.out")"
  echo "ok: $mode: banned ($reason); record H$n committed meanwhile"
  wait_ban_expired
done
(($(metric 'agritrace_peer_refusals_total{why="banned"}') >= 7)) || fail "banned redials not counted"
(($(metric 'agritrace_peer_refusals_total{why="not_listed"}') >= 1)) || fail "outsider not counted"

# 3. Bytes that are not a PeerMessage: gRPC ends the stream (not attributable, so no ban).
expect_code 0 "garbage disconnected" as_validator4 garbage --wait-ms 10000

# 4. Every honest validator has the chain holding those records (validator-2 confirmed each
# commit above): the same block hash at validator-2's height, hence the same chain below it.
h=$(height validator-2)
for name in $HONEST; do
  for ((i = 0; i < 100; i++)); do (($(height "$name") >= h)) && break; sleep 0.1; done
  ((i < 100)) || fail "$name did not reach height $h"
done
"$BIN/agritrace" --node "${ADDR[validator-3]}" lot "01/06901234567892/10/${LOTS[-1]}" >/dev/null ||
  fail "validator-3 does not have lot ${LOTS[-1]}"
for name in $HONEST; do
  hash=$("$BIN/agritrace" --node "${ADDR[$name]}" --json block "$h" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["hash"])')
  [[ -z ${ref:-} ]] && ref=$hash
  [[ $hash == "$ref" ]] || fail "$name has block $h = $hash, validator-1 has $ref"
done
echo "hostile peers test passed in $SECONDS s: 7 misbehaviours banned, ${#LOTS[@]} records committed on 3 honest validators (height $h)"
