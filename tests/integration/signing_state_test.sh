#!/usr/bin/env bash
# The signing state fails closed (SPEC.md section 5), with real processes on a 4-validator
# loopback devnet. Each validator keeps what it last signed in signing_state.bin beside its key:
#   1. a corrupt, truncated or another validator's signing-state file: the node refuses to
#      start, naming the file;
#   2. no signing-state file, for a key that has signed on the local chain: refused, naming the
#      file and saying to restore it;
#   3. a data directory restored from an older copy, behind the signing state: the validator
#      follows without signing until its chain has passed its signing state, then signs again;
#      no node ever sees a conflicting vote (no evidence, no two different votes in its log);
#   4. the same key running twice: a copy of a running validator's directory (key and signing
#      state) with a new data directory syncs, then finds the original's precommits above its
#      signing state (the double-sign check) and exits non-zero naming the height.
# It waits on what the nodes report (heights, log lines, exits), never on a guessed time.
# Usage: signing_state_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: signing_state_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DEVNET=$HERE/../../scripts/devnet.sh
source "$HERE/../../scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-signing.XXXXXX)
NET=$WORK/net
COPY_PID=
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=signing-secret AGRITRACE_KEYSTORE=$NET/keystore
export DEVNET_SCRYPT_N=1024  # cheap key files: every harvest and node start decrypts one
cleanup() {
  [[ -n $COPY_PID ]] && stop_pid "$COPY_PID"
  "$DEVNET" down "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$NET"/*/node.log "$WORK"/*.log; do
    [[ -f $log ]] && { echo "--- $log" >&2; tail -12 "$log" >&2; }
  done
  exit 1
}
field() {  # field NODE KEY: from devnet.json
  python3 -c 'import json,sys; print(next(n[sys.argv[3]] for n in json.load(open(sys.argv[1]+"/devnet.json"))["nodes"] if n["name"]==sys.argv[2]))' "$NET" "$1" "$2"
}
height() {  # the node's committed height, -1 when it does not answer
  "$BIN/agritrace" --node "$(field "$1" grpc)" --json status 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo -1
}
wait_height() {  # wait_height NODE HEIGHT
  for ((i = 0; i < 600; i++)); do
    (($(height "$1") >= $2)) && return 0
    sleep 0.1
  done
  fail "$1 did not reach height $2 within 60 s (it is at $(height "$1"))"
}
LOT=0
commit_block() {  # a harvest through validator-1, waiting for its commit; prints nothing
  LOT=$((LOT + 1))
  "$BIN/agritrace" --node "$(field validator-1 grpc)" --key farmer harvest \
    "01/06901234567892/10/SIGN$LOT" --plot plot-1 --commodity rice --quantity 10kg \
    --field "Plot $LOT" >/dev/null || fail "harvest $LOT did not commit"
}
# signed_recently NODE PUBKEY ABOVE: whether a certificate on NODE's chain of one of its last
# 10 blocks (the double-sign check's default reach) above height ABOVE holds PUBKEY's precommit.
signed_recently() {
  python3 - "$BIN/agritrace" "$(field "$1" grpc)" "$2" "$3" <<'PY'
import json, subprocess, sys
cli, node, key, above = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
run = lambda *a: json.loads(subprocess.run([cli, "--node", node, "--json", *a], check=True,
                                           capture_output=True, text=True).stdout)
tip = run("status")["height"]
for h in range(max(above + 1, tip - 9, 1), tip + 1):
    if any(s["validator"] == key for s in run("block", str(h))["certificate"]["signatures"]):
        sys.exit(0)
sys.exit(1)
PY
}
wait_log() {  # wait_log FILE FROM_LINE PATTERN: until PATTERN appears in FILE after FROM_LINE
  for ((i = 0; i < 300; i++)); do
    tail -n +"$(($2 + 1))" "$1" | grep -q -- "$3" && return 0
    sleep 0.1
  done
  fail "no '$3' in $1 within 30 s"
}
stop_node() { stop_pid "$(cat "$NET/$1/node.pid")"; rm -f "$NET/$1/node.pid"; }
start_node() { "$DEVNET" start "$NET" "$1" >/dev/null; wait_for_node "$BIN/agritrace" "$(field "$1" grpc)" 30; }
# run_refused NODE WANT...: runs the node in the foreground; it must exit non-zero (within
# 60 s) with every WANT in its output.
run_refused() {
  local node=$1 code=0 out
  shift
  out=$(timeout 60 "$BIN/agritrace-node" run --dir "$NET/$node" 2>&1) || code=$?
  ((code != 0 && code != 124)) || fail "$node: expected a refusal, exit $code: $out"
  for want in "$@"; do
    grep -qF -- "$want" <<<"$out" || fail "$node: no '$want' in: $out"
  done
  echo "ok: $node refused to start (exit $code): $(grep -m1 -F -- "$1" <<<"$out" | cut -c1-160)..."
}
# The (height, round, type) of every vote in LOG signed for two different blocks.
conflicting_votes() {
  python3 - "$1" <<'PY'
import re, sys
seen, bad = {}, []
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"signed vote h=(\d+) r=(\d+) type=(\S+) block=(\S+)", line)
    if not m: continue
    key = m.group(1, 2, 3)
    if seen.setdefault(key, m.group(4)) != m.group(4): bad.append(key)
print(" ".join("/".join(k) for k in bad))
PY
}
signed_height() {  # the highest height LOG shows a signed vote for (0: none)
  { grep -o "signed vote h=[0-9]*" "$1" || true; } | sed 's/.*h=//' | sort -n | tail -1 | sed 's/^$/0/'
}

"$DEVNET" up "$NET" --validators 4 --observers 0 >/dev/null
for n in 1 2 3 4; do
  [[ -f $NET/validator-$n/signing_state.bin ]] || fail "validator-$n has no signing_state.bin beside its key"
  [[ ! -e $NET/validator-$n/data/signing_state.bin ]] || fail "the signing state is in the data directory"
done
commit_block; commit_block
echo "ok: 4 validators committed to height $(height validator-1), each with its signing_state.bin"

# --- 1 and 2: validator-4's file, corrupt and then missing. Its own chain must show that it
# signed (its own precommit is in the certificates it makes, unless the others' came first).
pub4=$(field validator-4 pubkey)
for ((i = 0; i < 10; i++)); do
  wait_height validator-4 "$(height validator-1)"
  signed_recently validator-4 "$pub4" 0 && break
  commit_block
done
signed_recently validator-4 "$pub4" 0 || fail "validator-4's chain holds none of its precommits"
stop_node validator-4
SIGNING=$NET/validator-4/signing_state.bin
cp "$SIGNING" "$WORK/signing-4.bak"
python3 - "$SIGNING" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0x40
open(sys.argv[1], "wb").write(bytes(b))
PY
run_refused validator-4 "$SIGNING" "fails its checksum" "Restore the file"
head -c 20 "$WORK/signing-4.bak" >"$SIGNING"
run_refused validator-4 "$SIGNING" "is truncated"
cp "$NET/validator-3/signing_state.bin" "$SIGNING"  # another validator's file
run_refused validator-4 "$SIGNING" "belongs to key $(field validator-3 pubkey), not to this node's key $pub4"
rm "$SIGNING"
# A key that has signed: validator-4's precommit is in some certificate (a certificate holds
# the precommits that arrived; with all four up, every validator's usually do).
run_refused validator-4 "no signing-state file $SIGNING" "has signed on this chain" \
  "restore signing_state.bin"
[[ ! -e $SIGNING ]] || fail "the refusal made a new signing-state file"
cp "$WORK/signing-4.bak" "$SIGNING"
start_node validator-4
commit_block
wait_height validator-4 "$(height validator-1)"
echo "ok: validator-4 restarted with its restored file and follows the chain"

# --- 3: validator-3's data directory restored from an older copy.
stop_node validator-3
cp -a "$NET/validator-3/data" "$WORK/data-3.bak"
backup_height=$(height validator-1)
start_node validator-3
for ((i = 0; i < 4; i++)); do commit_block; done
wait_height validator-3 "$(height validator-1)"
before=$(signed_height "$NET/validator-3/node.log")
((before > backup_height + 1)) || fail "validator-3 signed nothing above its backup (height $before)"
stop_node validator-3
rm -rf "$NET/validator-3/data"
cp -a "$WORK/data-3.bak" "$NET/validator-3/data"
log_lines=$(wc -l <"$NET/validator-3/node.log")
start_node validator-3
wait_log "$NET/validator-3/node.log" "$log_lines" "following without signing until the chain has reached height"
# It signs again once past its signing state: a new block needs its vote or others'; wait for
# a vote of validator-3 above what it signed before.
for ((i = 0; i < 20; i++)); do
  commit_block
  (($(signed_height "$NET/validator-3/node.log") > before)) && break
done
(($(signed_height "$NET/validator-3/node.log") > before)) || fail "validator-3 never signed again"
grep -q "caught up at height .*: this validator signs again" "$NET/validator-3/node.log" ||
  fail "validator-3 did not say when it signs again"
bad=$(conflicting_votes "$NET/validator-3/node.log")
[[ -z $bad ]] || fail "validator-3 signed two different votes at $bad"
for n in 1 2 3 4; do
  ev=$("$BIN/agritrace" --node "$(field validator-$n grpc)" evidence --json)
  [[ $ev == "[]" ]] || fail "validator-$n holds equivocation evidence: $ev"
done
echo "ok: validator-3 restored to height $backup_height followed to its signing state, signed again above $before, no evidence anywhere"

# --- 4: validator-2's key running twice.
COPY=$NET/copy-2
mkdir "$COPY"
cp "$NET/validator-2/node.toml" "$NET/validator-2/node_key.json" "$COPY/"
cp "$NET/validator-2/signing_state.bin" "$COPY/"  # what validator-2 had signed by now
copied_at=$(height validator-1)
# The original signs on: commit until, on every node the copy may sync from, one of its
# precommits is in a certificate above the copied state and within the check's reach.
pub2=$(field validator-2 pubkey)
found=0
for ((i = 0; i < 8 && found == 0; i++)); do
  commit_block
  for n in 1 2 3 4; do wait_height validator-$n "$(height validator-1)"; done
  found=1
  for n in 1 2 3 4; do signed_recently validator-$n "$pub2" "$copied_at" || found=0; done
done
((found)) || fail "validator-2's precommits are not in certificates above height $copied_at"
setsid "$BIN/agritrace-node" run --dir "$COPY" --grpc-addr "127.0.0.1:$(free_port)" \
  --http-addr "127.0.0.1:$(free_port)" >"$WORK/copy.log" 2>&1 </dev/null &
COPY_PID=$!
for ((i = 0; i < 600; i++)); do
  kill -0 "$COPY_PID" 2>/dev/null || break
  sleep 0.1
done
code=0
wait "$COPY_PID" || code=$?
COPY_PID=
((code != 0)) || fail "the copy of validator-2 exited 0; $(tail -3 "$WORK/copy.log")"
grep -q "double-sign check: block [0-9]* carries a precommit signed by this node's key" "$WORK/copy.log" ||
  fail "the copy of validator-2 did not name the block of the double-sign check"
grep -q "signed vote\|signed proposal" "$WORK/copy.log" && fail "the copy signed something"
echo "ok: the copy of validator-2 exited ($code): $(grep -m1 -o "double-sign check: block [0-9]*" "$WORK/copy.log")"
kill -0 "$(cat "$NET/validator-2/node.pid")" || fail "the original validator-2 stopped"
commit_block
echo "signing state test passed in $SECONDS s"
