#!/usr/bin/env bash
# Real processes: a devnet of 4 validators and an observer changes its validator set while it
# runs (issue 17). A fifth node joins (scripts/devnet.sh add), an admin proposes it, validators
# approve with their node keys, and it signs from the change's effective height; then
# validator-1 is removed and stopped, and the four left keep committing, also with one of them
# killed. A fresh observer syncs from genesis across both changes; a lot committed after them
# verifies on its product page's bundle, with `agritrace verify --genesis` and the in-browser
# verifier (under Node and in headless Chromium); the same bundle with a forged set change is
# refused.
# Usage: governance_devnet_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: governance_devnet_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DEVNET=$HERE/../../scripts/devnet.sh
source "$HERE/../../scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-governance.XXXXXX)
NET=$WORK/net
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=governance-secret AGRITRACE_KEYSTORE=$NET/keystore
export DEVNET_SCRYPT_N=1024
cleanup() { "$DEVNET" down "$NET" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$NET"/*/node.log; do echo "--- $log" >&2; tail -10 "$log" >&2; done
  exit 1
}

addr() { python3 -c 'import json,sys; print(next(n[sys.argv[2]] for n in json.load(open(sys.argv[1]))["nodes"] if n["name"] == sys.argv[3]))' "$NET/devnet.json" "${2:-grpc}" "$1"; }
cli() { local node=$1; shift; "$BIN/agritrace" --node "$(addr "$node")" "$@"; }
height() { cli "$1" --json status 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo -1; }
wait_height() {  # NODE H SECONDS
  for ((i = 0; i < $3 * 10; i++)); do
    (($(height "$1") >= $2)) && return 0
    sleep 0.1
  done
  fail "$1 did not reach height $2 within $3 s (at $(height "$1"))"
}
LOTS=0
harvest() {  # harvest NODE: commits one more harvest through NODE, prints its lot key
  LOTS=$((LOTS + 1))
  local lot="01/06901234567892/10/GOV$LOTS"
  cli "$1" --key farmer harvest "$lot" --plot plot-1 --commodity rice --quantity 10kg \
    --field "Plot 1" >/dev/null || fail "harvest $lot via $1 did not commit"
  echo "$lot"
}
# The validators' names in force at NODE's tip.
in_force() {
  cli "$1" --json validators | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(v["name"] for v in d["in_force"]["validators"]))'
}
# propose NODE ARGS...: prints the proposal id.
propose() {
  local node=$1; shift
  cli "$node" --key admin --json validator propose "$@" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["record_id"])'
}
approve() {  # approve VALIDATOR PROPOSAL
  "$BIN/agritrace-node" approve --dir "$NET/$1" "$2" >/dev/null || fail "$1 could not approve $2"
}
# until_in_force NODE "NAMES": commits harvests until the set in force at NODE's tip is NAMES.
until_in_force() {
  for ((i = 0; i < 20; i++)); do
    [[ $(in_force "$1") == "$2" ]] && return 0
    harvest "$1" >/dev/null
  done
  fail "the set at $1's tip is '$(in_force "$1")', not '$2'"
}

"$DEVNET" up "$NET" --validators 4 --observers 1 >/dev/null
harvest validator-2 >/dev/null
[[ $(in_force observer-1) == "validator-1 validator-2 validator-3 validator-4" ]] ||
  fail "genesis set: $(in_force observer-1)"

# 1. A fifth validator joins.
"$DEVNET" add "$NET" validator-5 >"$WORK/add.out" || fail "devnet add: $(cat "$WORK/add.out")"
key5=$(python3 -c 'import json,sys; print(next(n["pubkey"] for n in json.load(open(sys.argv[1]))["nodes"] if n["name"] == "validator-5"))' "$NET/devnet.json")
id=$(propose validator-2 add validator-5 --pubkey "$key5" --address "$(addr validator-5)" \
  --organization "Mill 5") || fail "propose add"
# Only three approvals of four needed; a second proposal meanwhile is refused.
code=0
err=$(cli validator-2 --key admin validator propose remove validator-4 2>&1 >/dev/null) || code=$?
((code != 0)) && [[ $err == *PROPOSAL_PENDING* ]] || fail "a second open proposal: $code $err"
for v in validator-1 validator-2 validator-3; do approve "$v" "$id"; done
until_in_force validator-2 "validator-1 validator-2 validator-3 validator-4 validator-5"
echo "ok: validator-5 joined at height $(height validator-2)"

# 2. validator-1 leaves: 4 of 5 approve, then its process stops.
id=$(propose validator-2 remove validator-1 --reason "the bureau hands over") || fail "propose remove"
for v in validator-2 validator-3 validator-4 validator-5; do approve "$v" "$id"; done
until_in_force validator-2 "validator-2 validator-3 validator-4 validator-5"
"$DEVNET" kill "$NET" validator-1
h=$(height validator-2)
harvest validator-3 >/dev/null
wait_height validator-5 $((h + 1)) 30
echo "ok: validator-1 removed and stopped; the four left commit (height $(height validator-2))"

# 3. One of the four killed: three of four is still a quorum; validator-5 must be signing.
"$DEVNET" kill "$NET" validator-2
lot=$(harvest validator-3)
h=$(height validator-3)
echo "ok: committed $lot at height $h with validator-1 and validator-2 down"
cli validator-3 --json block "$h" | python3 -c '
import json, sys
b = json.load(sys.stdin)
signers = {s["validator"] for s in b["certificate"]["signatures"]}
assert sys.argv[1] in signers, "validator-5 did not sign block %d" % b["height"]' "$key5" "$h" ||
  fail "validator-5 did not sign the block committed without validator-2"

# 4. A fresh observer syncs from genesis across both changes.
"$DEVNET" add "$NET" observer-2 >/dev/null || fail "devnet add observer-2"
wait_height observer-2 "$h" 60
echo "ok: a fresh observer synced to height $h across both changes"

# 5. The lot's bundle verifies with genesis alone, in C++ and in the page's verifier.
curl -sf -H 'Accept: application/json' "http://$(addr observer-2 http)/01/06901234567892/10/${lot##*/}" \
  >"$WORK/bundle.json" || fail "no bundle for $lot"
"$BIN/agritrace" verify "$WORK/bundle.json" --genesis "$NET/genesis.json" >"$WORK/verify.out" ||
  fail "agritrace verify: $(cat "$WORK/verify.out")"
curl -sf "http://$(addr observer-2 http)/01/06901234567892/10/${lot##*/}" >"$WORK/page.html" ||
  fail "no product page for $lot"
node "$HERE/verify_bundle.js" "$HERE/../../web" "$WORK/page.html" "$WORK/bundle.json" >"$WORK/verify-js.out" ||
  fail "in-browser verifier: $(cat "$WORK/verify-js.out")"
# And in a real browser (Debian's chromium), as a shopper's scan would.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[[ -n $CHROMIUM ]] || fail "chromium missing (apt-get install chromium)"
dom=$(timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-dev-shm-usage --user-data-dir="$WORK/profile" --virtual-time-budget=15000 \
  --dump-dom "http://$(addr observer-2 http)/01/06901234567892/10/${lot##*/}" 2>>"$WORK/chromium.log")
grep -q 'data-verification="ok"' <<<"$dom" ||
  fail "the page did not verify in the browser: $(grep -o '<ul id="failures">.*</ul>' <<<"$dom" | head -c 800)"
grep -qF 'validator-5' <<<"$dom" || fail "the page does not show the later set with validator-5"
echo "ok: $lot verifies with genesis alone (agritrace verify, the page's verifier, headless Chromium)"

# 6. A forged set change is refused.
python3 - "$WORK/bundle.json" "$WORK/forged.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
assert b["validator_changes"], "the bundle carries no set change"
# Flip one byte of the first change's header: its certificate no longer matches.
h = b["validator_changes"][0]["header"]
b["validator_changes"][0]["header"] = h[:-2] + ("00" if h[-2:] != "00" else "01")
json.dump(b, open(sys.argv[2], "w"))
PY
code=0
"$BIN/agritrace" verify "$WORK/forged.json" --genesis "$NET/genesis.json" >"$WORK/forged.out" 2>&1 || code=$?
((code != 0)) || fail "a forged set change verified: $(cat "$WORK/forged.out")"
echo "ok: the forged set change is refused: $(grep -m1 -i "change" "$WORK/forged.out" || head -1 "$WORK/forged.out")"
echo "PASS"
