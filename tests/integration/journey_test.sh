#!/usr/bin/env bash
# End to end: the real agritrace-node on a temporary directory, driven by the real agritrace
# CLI through the farm-to-shelf journey and every kind of rejection, then restarts (clean and
# kill -9) showing nothing committed was lost.
# Usage: journey_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: journey_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/it_lib.sh"

"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" --scrypt-n 1024 >/dev/null
start_node

B1=01/06901234567892/10/B1
R1=01/06901234567809/10/R1

# --- The journey
out=$(cli --json --key farmer harvest $B1 --plot plot-1 --commodity rice --variety Wuchang --quantity 1000kg \
      --field "Plot 7" --location 45.12,127.45)
[[ $(json_field '["committed"]' <<<"$out") == True ]] || fail "harvest not committed: $out"
cli --key farmer ship $B1 --to packer --carrier carrier
cli --key packer receive $B1
cli --key packer pack --from $B1:600kg --to $R1:120pcs --net-mass 5kg
left=$(cli --json lot $B1 | json_field '["quantity_left"]')
[[ $left == 400kg ]] || fail "B1 should have 400kg left, has $left"

# --- Rejections, each with its stable reason
expect_reject INSUFFICIENT_QUANTITY cli --key packer pack --from $B1:600kg \
  --to 01/06901234567809/10/R2:120pcs --net-mass 5kg
expect_reject MASS_BALANCE cli --key packer pack --from $B1:100kg \
  --to 01/06901234567809/10/R3:100pcs --net-mass 5kg
expect_reject NOT_AUTHORIZED cli --key carrier harvest 01/06901234567892/10/X1 \
  --commodity rice --quantity 10kg --field "Nowhere"
expect_reject NOT_CUSTODIAN cli --key farmer ship $R1 --to retailer
expect_reject LOT_EXISTS cli --key farmer harvest $B1 --plot plot-1 --commodity rice --quantity 5kg --field "Plot 7"
expect_reject BAD_GS1_KEY cli --key farmer harvest 01/06901234567893/10/B9 --plot plot-1 --commodity rice \
  --quantity 5kg --field "Plot 7"

# Offline signing: sign in the field, submit at the co-op; a replay of the same file is refused.
cli --key farmer harvest 01/06901234567892/10/B2 --plot plot-1 --commodity rice --quantity 300kg \
  --field "Plot 8" --out "$WORK/b2.json"
cli record show "$WORK/b2.json" | grep -q harvest || fail "record show does not decode the event"
cli submit "$WORK/b2.json"
expect_reject REPLAY cli submit "$WORK/b2.json"

# A forged signature: flip one byte of the signature in a signed file (and fix up the id, as a
# forger would, so the node itself must catch it).
cli --key farmer harvest 01/06901234567892/10/B3 --plot plot-1 --commodity rice --quantity 30kg \
  --field "Plot 9" --out "$WORK/b3.json"
python3 - "$WORK/b3.json" <<'PY'
import hashlib, json, sys
path = sys.argv[1]
d = json.load(open(path))
sig = bytearray.fromhex(d["signature"])
sig[10] ^= 0x01
d["signature"] = sig.hex()
d["id"] = hashlib.sha256(bytes.fromhex(d["body"] + d["signer"]) + bytes(sig)).hexdigest()
json.dump(d, open(path, "w"))
PY
expect_reject BAD_SIGNATURE cli submit "$WORK/b3.json"

# A record signed for another chain.
cli --key farmer --chain-id some-other-chain harvest 01/06901234567892/10/B4 --plot plot-1 --commodity rice \
  --quantity 30kg --field "Plot 9" --out "$WORK/b4.json"
expect_reject WRONG_CHAIN cli submit "$WORK/b4.json"

# The journey goes on to the shelf.
cli --key packer ship $R1 --to retailer --carrier carrier
expect_reject NOT_AUTHORIZED cli --key carrier receive $R1
cli --key retailer receive $R1
lot=$(cli --json lot $R1)
[[ $(json_field '["status"]' <<<"$lot") == active ]] || fail "R1 not active: $lot"
retailer=$(cli --json key show retailer | json_field '["pubkey"]')
[[ $(json_field '["holdings"][0]["pubkey"]' <<<"$lot") == "$retailer" &&
   $(json_field '["holdings"][0]["quantity"]' <<<"$lot") == 120pcs ]] ||
  fail "the retailer does not hold all of R1: $lot"
events=$(cli --json history $R1 | python3 -c "import json,sys; print(' '.join(e['type'] for e in json.load(sys.stdin)))")
[[ $events == "transform ship receive" ]] || fail "R1 history: $events"

# --- Nothing committed is lost across a clean restart and a kill -9.
before=$(cli --json status)
stop_pid "$NODE_PID"; NODE_PID=""
start_node
after=$(cli --json status)
for f in height tip_hash genesis_hash; do
  [[ $(json_field "[\"$f\"]" <<<"$before") == $(json_field "[\"$f\"]" <<<"$after") ]] ||
    fail "$f changed across restart: $before vs $after"
done
cli --key farmer harvest 01/06901234567892/10/B5 --plot plot-1 --commodity rice --quantity 30kg --field "Plot 9"
height=$(cli --json status | json_field '["height"]')
kill -KILL "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true; NODE_PID=""
start_node
[[ $(cli --json status | json_field '["height"]') == "$height" ]] || fail "height lost after kill -9"
[[ $(cli --json lot $R1 | json_field '["status"]') == active ]] || fail "R1 lost after kill -9"
cli --json lot 01/06901234567892/10/B5 >/dev/null || fail "B5 lost after kill -9"
echo "journey test passed at height $height"
