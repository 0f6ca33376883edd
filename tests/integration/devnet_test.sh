#!/usr/bin/env bash
# Real processes: 4 validators + 1 observer on loopback (scripts/devnet.sh), driven by the real
# CLI. Records submitted to any node commit on every node with identical block hashes at every
# height; a validator killed with -9 does not stop the others and catches up when restarted;
# with two of four down nothing commits and nothing forks, and one restart resumes progress;
# no validator ever signed two different votes for one height, round and type, across its
# restarts (mid-round ones included).
# Usage: devnet_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: devnet_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DEVNET=$HERE/../../scripts/devnet.sh
source "$HERE/../../scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-devnet.XXXXXX)
NET=$WORK/net
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=devnet-secret AGRITRACE_KEYSTORE=$NET/keystore
cleanup() { "$DEVNET" down "$NET" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$NET"/*/node.log; do echo "--- $log" >&2; tail -8 "$log" >&2; done
  exit 1
}

VALIDATORS="validator-1 validator-2 validator-3 validator-4"
ALL="$VALIDATORS observer-1"
declare -A ADDR
cli() { local node=$1; shift; "$BIN/agritrace" --node "${ADDR[$node]}" "$@"; }
height() { cli "$1" --json status 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo -1; }
block_hash() { cli "$1" --json block "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hash"])'; }
harvest() {  # harvest NODE LOTCODE [extra CLI flags]
  local node=$1 lot=$2; shift 2
  cli "$node" --key farmer harvest "01/06901234567892/10/$lot" --plot plot-1 --commodity rice --quantity 10kg \
    --field "Plot 1" "$@" >/dev/null
}
# wait_height NODE H SECONDS: until NODE has committed height H.
wait_height() {
  for ((i = 0; i < $3 * 10; i++)); do
    (($(height "$1") >= $2)) && return 0
    sleep 0.1
  done
  fail "$1 did not reach height $2 within $3 s (at $(height "$1"))"
}
# agree [--all] NODES...: the nodes report the same block hash at the highest height they all
# have. Each header commits to its parent's hash, so equal hashes there mean equal chains below;
# --all also compares every height explicitly (slower: one CLI call per node and height).
agree() {
  local all=0 min=-1 h node hash ref from
  [[ $1 == --all ]] && { all=1; shift; }
  for node in "$@"; do
    h=$(height "$node")
    ((h >= 0)) || fail "$node is not answering"
    ((min < 0 || h < min)) && min=$h
  done
  from=$((all ? 1 : min))
  for ((h = from; h >= 1 && h <= min; h++)); do
    ref=""
    for node in "$@"; do
      hash=$(block_hash "$node" "$h")
      [[ -z $ref ]] && ref=$hash
      [[ $hash == "$ref" ]] || fail "FORK at height $h: $node has $hash, others $ref"
    done
  done
  echo "ok: $* agree at height $min$( ((all)) && echo " and every height below")"
}
same_tip() {  # wait until every node named has the height of the first
  local target; target=$(height "$1")
  for node in "$@"; do wait_height "$node" "$target" 30; done
}

"$DEVNET" up "$NET" --validators 4 --observers 1 >/dev/null
declare -A HTTP
while read -r name grpc http; do ADDR[$name]=$grpc; HTTP[$name]=$http; done < <(python3 -c '
import json, sys
for n in json.load(open(sys.argv[1]))["nodes"]: print(n["name"], n["grpc"], n["http"])' "$NET/devnet.json")
python3 - "$NET/devnet.json" <<'PY' || fail "devnet.json lacks a field"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["nodes"]) == 5 and {n["kind"] for n in d["nodes"]} == {"validator", "observer"}
for n in d["nodes"]:
    for f in ("name", "kind", "grpc", "http", "data_dir", "pid_file"):
        assert n[f], f
names = {p["name"] for p in d["participants"]}
assert names == {"admin", "farmer", "packer", "carrier", "retailer", "inspector", "regulator"}
assert all(p["keystore"] and p["password"] for p in d["participants"])
PY

# --- Records submitted to any node (observer included) commit on every node.
i=0
for node in $ALL; do
  i=$((i + 1))
  harvest "$node" "A$i" || fail "harvest via $node did not commit"
done
same_tip validator-1 $ALL
for node in $ALL; do
  for j in 1 2 3 4 5; do
    cli "$node" lot "01/06901234567892/10/A$j" >/dev/null || fail "$node lacks lot A$j"
  done
done
agree $ALL

# --- /metrics counts connected peers: a validator has the 3 other validators and the observer.
for ((i = 0; i < 300; i++)); do
  peers=$(curl -sf "http://${HTTP[validator-1]}/metrics" | sed -n 's/^agritrace_peers //p')
  [[ $peers == 4 ]] && break
  sleep 0.1
done
[[ $peers == 4 ]] || fail "validator-1 reports agritrace_peers '$peers', want 4"
echo "ok: agritrace_peers 4"

# --- Scenario 1 (docs/security.md): one participant makes its records valid at some validators
# and invalid at others. The same lot is harvested at once in kg via validator-1 and in pcs via
# validator-3, then shipped in each unit: each side's gossiped ship fails the other side's rules
# as MALFORMED ("cannot be converted exactly"). That verdict depends on state, so no validator
# bans another and the network keeps committing. Before the fix, the two halves banned each
# other and the network halted.
CHAIN_ID=$(cli validator-1 --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["chain_id"])')
offline() { "$BIN/agritrace" --chain-id "$CHAIN_ID" --key farmer "$@" >/dev/null; }
conflicts=0
for r in 1 2 3 4 5 6; do
  lot="01/06901234567892/10/SPLIT$r" dir=$WORK/split$r
  mkdir -p "$dir"
  offline harvest "$lot" --plot plot-1 --commodity rice --quantity 10kg --field "Plot 1" --out "$dir/h-kg.json"
  offline ship "$lot" --to packer --quantity 5kg --out "$dir/s-kg.json"
  offline harvest "$lot" --plot plot-1 --commodity rice --quantity 10pcs --net-mass 1kg --field "Plot 1" \
    --out "$dir/h-pcs.json"
  offline ship "$lot" --to packer --quantity 5pcs --out "$dir/s-pcs.json"
  # Both at once (which side starts first alternates): each validator admits its own pair
  # before the other's gossip arrives often enough; none must ban, however the race goes.
  for side in $( ((r % 2)) && echo "kg pcs" || echo "pcs kg"); do
    node=validator-1
    [[ $side == pcs ]] && node=validator-3
    (cli $node submit --no-wait "$dir/h-$side.json" "$dir/s-$side.json" >/dev/null 2>&1 &&
      touch "$dir/$side") &
  done
  wait || true
  # At least one side is admitted (whichever won the race): the records are valid as such.
  [[ -f $dir/kg || -f $dir/pcs ]] || fail "neither side of conflicting pair $r was admitted"
  [[ -f $dir/kg && -f $dir/pcs ]] && conflicts=$((conflicts + 1))
done
harvest validator-2 SPLITOK || fail "no commit after the conflicting records"
same_tip validator-2 $ALL
for node in $VALIDATORS; do
  ! grep -q "banning peer" "$NET/$node/node.log" ||
    fail "$node banned an honest peer: $(grep -m1 "banning peer" "$NET/$node/node.log")"
done
agree $ALL
echo "ok: scenario 1: $conflicts of 6 conflicting pairs admitted on both sides; no validator banned another"

# --- kill -9 one validator: the others keep committing; restarted, it catches up and agrees.
"$DEVNET" kill "$NET" validator-4
harvest validator-2 B1 || fail "no commit with one validator down"
harvest observer-1 B2 || fail "no commit via the observer with one validator down"
agree validator-1 validator-2 validator-3 observer-1
"$DEVNET" start "$NET" validator-4 >/dev/null
same_tip validator-1 validator-4
agree $ALL

# --- A validator killed mid-round and restarted resumes from its persisted votes.
harvest validator-1 C1 --no-wait
sleep 0.05
"$DEVNET" kill "$NET" validator-2
"$DEVNET" start "$NET" validator-2 >/dev/null
harvest validator-3 C2 || fail "no commit after a mid-round restart"
same_tip validator-3 $ALL
cli validator-2 lot 01/06901234567892/10/C1 >/dev/null || fail "C1 was lost"
agree $ALL

# --- Kill two of four: nothing commits, nothing forks. Start one: progress resumes.
"$DEVNET" kill "$NET" validator-3
"$DEVNET" kill "$NET" validator-4
stuck=$(height validator-1)
harvest validator-1 D1 --no-wait
sleep 3
for node in validator-1 validator-2 observer-1; do
  [[ $(height "$node") == "$stuck" ]] || fail "$node committed without a quorum"
done
agree validator-1 validator-2 observer-1
"$DEVNET" start "$NET" validator-3 >/dev/null
wait_height validator-1 $((stuck + 1)) 30
cli validator-1 lot 01/06901234567892/10/D1 >/dev/null || fail "D1 did not commit after restart"
"$DEVNET" start "$NET" validator-4 >/dev/null
harvest observer-1 D2 || fail "no commit after both restarts"
same_tip observer-1 $ALL
agree --all $ALL

# --- No validator signed two different votes (or proposals) for one height/round/step,
# across all its restarts. The driver logs each signed message before sending it.
python3 - "$NET" $VALIDATORS <<'PY' || fail "a validator signed conflicting messages"
import re, sys
net, names = sys.argv[1], sys.argv[2:]
pat = re.compile(r"signed (vote|proposal) h=(\d+) r=(\d+)(?: type=(\S+))? block=(\S+)")
bad, total = 0, 0
for name in names:
    seen = {}
    for line in open(f"{net}/{name}/node.log"):
        m = pat.search(line)
        if not m:
            continue
        total += 1
        kind, h, r, t, block = m.groups()
        key = (kind, h, r, t)
        if seen.setdefault(key, block) != block:
            print(f"{name} signed {key} for {seen[key]} and {block}")
            bad += 1
print(f"checked {total} signed messages")
sys.exit(1 if bad or total == 0 else 0)
PY
echo "devnet test passed at height $(height validator-1)"
