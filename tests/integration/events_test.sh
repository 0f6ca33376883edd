#!/usr/bin/env bash
# Devices, sensors, certificates, recalls, revocations and corrections end to end with the
# real node and CLI: a device's sensor breach, a certificate, a recall reaching derived lots
# (RECALLED on ship/pack/sell), revoke, correction, trace, and the EPCIS / FSMA exports (plus
# the EPCIS import round trip on a fresh chain).
# Usage: events_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: events_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/it_lib.sh"

"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" --scrypt-n 1024 >/dev/null
start_node

B1=01/06901234567892/10/B1
B2=01/06901234567892/10/B2
R1=01/06901234567809/10/R1
R2=01/06901234567809/10/R2
M1=01/06901234567809/10/M1

# --- A device and a cold-chain breach
cli key new probe1 --scrypt-n 1024 >/dev/null
PROBE=$(cli --json key show probe1 | json_field '["pubkey"]')
cli --key farmer harvest $B1 --commodity rice --variety Wuchang --quantity 1000kg \
  --field "Plot 7" --temp-range 0..4 >/dev/null
cli --key farmer device register probe-1 --pubkey "$PROBE" >/dev/null
cli --key probe1 sensor $B1 --temperature 2.5 --humidity 80 >/dev/null
cli --key probe1 sensor $B1 --temperature 7.5 >/dev/null
printf 'time,temperature,humidity\n2026-01-01T00:00:00Z,3,70\n2026-01-01T01:00:00Z,9.5,71\n' >"$WORK/r.csv"
# A CSV dated in the past is fine: readings carry their own times; the record is signed now.
cli --key farmer sensor $B1 --readings "$WORK/r.csv" >/dev/null
breaches=$(cli --json lot $B1 | json_field '["breaches"]')
[[ $breaches == 2 ]] || fail "B1 should report 2 breaches, reports $breaches"
echo "ok: sensor breaches recorded ($breaches)"
expect_reject UNKNOWN_LOT cli --key probe1 sensor 01/06901234567892/10/NOPE --temperature 1
expect_reject NOT_AUTHORIZED cli --key probe1 harvest 01/06901234567892/10/X1 --commodity rice \
  --quantity 1kg

# --- Shipping with a checkpoint; certificate; packing into retail lots and a blend
cli --key farmer ship $B1 --to packer --carrier carrier >/dev/null
cli --key carrier checkpoint $B1 --location "Harbin depot" --step arriving --temperature 3 >/dev/null
expect_reject NOT_CUSTODIAN cli --key retailer checkpoint $B1 --location "Elsewhere"
cli --key packer receive $B1 >/dev/null
expect_reject NOT_IN_TRANSIT cli --key carrier checkpoint $B1 --location "Harbin depot"
echo "certificate body" >"$WORK/cert.pdf"
cli --key inspector certify $B1 --standard "GB/T 19630 organic" --result pass \
  --document "$WORK/cert.pdf" >/dev/null
expect_reject NOT_AUTHORIZED cli --key farmer certify $B1 --standard "X" --result pass
cli --key farmer harvest $B2 --commodity rice --quantity 200kg --field "Plot 8" >/dev/null
cli --key farmer ship $B2 --to packer >/dev/null
cli --key packer receive $B2 >/dev/null
cli --key packer pack --from $B1:300kg --to $R1:60pcs --net-mass 5kg >/dev/null
cli --key packer pack --from $B1:100kg --to $R2:20pcs --net-mass 5kg >/dev/null
cli --key packer transform --from $B1:100kg --from $B2:100kg --to $M1:200kg >/dev/null

# --- Trace: forward from B1 reaches R1, R2, M1; backward from M1 reaches both harvests
fwd=$(cli --json trace $B1 --forward)
python3 - "$fwd" <<'PY' || fail "forward trace: $fwd"
import json, sys
lots = {l["lot"] for l in json.loads(sys.argv[1])["links"]}
assert lots == {"01/06901234567809/10/R1", "01/06901234567809/10/R2", "01/06901234567809/10/M1"}, lots
PY
back=$(cli --json trace $M1 --backward)
python3 - "$back" <<'PY' || fail "backward trace: $back"
import json, sys
lots = {l["lot"] for l in json.loads(sys.argv[1])["links"]}
assert lots == {"01/06901234567892/10/B1", "01/06901234567892/10/B2"}, lots
PY
cli trace $R1 --backward | grep -q "$B1" || fail "text trace lacks B1"
echo "ok: trace forward and backward"

# --- Exports before the recall (FSMA rows, EPCIS document)
cli export fsma $R1 --out "$WORK/r1.csv"
head -1 "$WORK/r1.csv" | grep -q "Traceability Lot Code" || fail "FSMA header missing"
for cte in Harvesting "Initial Packing"; do
  grep -q "^$cte," "$WORK/r1.csv" || fail "FSMA export lacks a $cte row"
done
# Sensor readings are not cooling, and shipping the raw lot before packing is no CTE.
if grep -qE "^(Cooling|Shipping|Receiving)," "$WORK/r1.csv"; then
  fail "FSMA export has rows the rule does not know: $(cat "$WORK/r1.csv")"
fi
echo "ok: FSMA export ($(($(wc -l <"$WORK/r1.csv") - 1)) rows)"
cli export epcis $R1 --lineage --out "$WORK/r1.epcis.json"
python3 "$IT_HERE/validate_epcis.py" "$WORK/r1.epcis.json" || fail "EPCIS export is not valid"
grep -q '"bizStep": "commissioning"' "$WORK/r1.epcis.json" || fail "no harvest event in EPCIS"
grep -q '"sensorElementList"' "$WORK/r1.epcis.json" || fail "no sensor readings in EPCIS"
# The validator can fail: a document without schemaVersion is refused.
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); del d['schemaVersion']; json.dump(d, open(sys.argv[2],'w'))" \
  "$WORK/r1.epcis.json" "$WORK/bad.json"
if python3 "$IT_HERE/validate_epcis.py" "$WORK/bad.json" >/dev/null; then fail "validator accepted a bad document"; fi
echo "ok: EPCIS export validates"
# GS1's epcis2.js (vendored) recomputes every eventID, sensor elements included; and it
# notices an event changed under its eventID.
node "$IT_HERE/epcis_hash_check.js" "$WORK/r1.epcis.json" || fail "epcis2.js disagrees with an eventID"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); e=d['epcisBody']['eventList'][0]; e['eventTimeZoneOffset']='+01:00'; json.dump(d, open(sys.argv[2],'w'))" \
  "$WORK/r1.epcis.json" "$WORK/changed.json"
if node "$IT_HERE/epcis_hash_check.js" "$WORK/changed.json" >/dev/null; then
  fail "the eventID check accepted a changed event"
fi
echo "ok: epcis2.js recomputes every eventID of R1's lineage"

# --- EPCIS import round trip: export B9, import on a fresh chain, export again: same events.
# The journey has every kind the export writes: harvest, sensor readings, ship with a carrier,
# a checkpoint with a reading, receive, a certificate, ship, receive, a sale and a recall.
B9=01/06901234567892/10/B9
cli --key farmer harvest $B9 --commodity rice --variety Wuchang --quantity 80kg --field "Plot 2" \
  --location 45.1,127.4 >/dev/null
cli --key farmer sensor $B9 --temperature 2.5 --humidity 80 >/dev/null
cli --key farmer ship $B9 --to packer --carrier carrier >/dev/null
cli --key carrier checkpoint $B9 --location "Harbin depot" --step arriving --temperature 3 >/dev/null
cli --key packer receive $B9 >/dev/null
cli --key inspector certify $B9 --standard "GB/T 19630 organic" --result pass \
  --document "$WORK/cert.pdf" >/dev/null
cli --key packer ship $B9 --to retailer >/dev/null
cli --key retailer receive $B9 >/dev/null
cli --key retailer sell $B9 >/dev/null
cli --key regulator recall $B9 --reason "Cadmium above limit" >/dev/null
cli export epcis $B9 --out "$WORK/b2.epcis.json" 2>/dev/null
PORT2=$(free_port)
"$BIN/agritrace-node" init --dir "$WORK/net2" --grpc-addr 127.0.0.1:$PORT2 --scrypt-n 1024 >/dev/null
"$BIN/agritrace-node" run --dir "$WORK/net2" >>"$WORK/node2.log" 2>&1 &
NODE2_PID=$!
trap 'stop_pid $NODE2_PID; cleanup' EXIT
wait_for_node "$BIN/agritrace" 127.0.0.1:$PORT2 || fail "second node did not start"
cli2() { AGRITRACE_NODE=127.0.0.1:$PORT2 AGRITRACE_KEYSTORE=$WORK/net2/keystore "$BIN/agritrace" "$@"; }
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['epcisBody']['eventList'][0]['type']='NoSuchEvent'; json.dump(d, open(sys.argv[2],'w'))" \
  "$WORK/b2.epcis.json" "$WORK/b2.bad.json"
expect_reject "schema" cli2 --key farmer import epcis "$WORK/b2.bad.json"
[[ $(cli2 status --json | json_field '["height"]') == 0 ]] || fail "an invalid import submitted records"
# A bad sensor report late in the document: refused whole, the valid harvest before it too.
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['epcisBody']['eventList'][1]['sensorElementList'][0]['sensorReport'][0]['uom']='FAH'; json.dump(d, open(sys.argv[2],'w'))" \
  "$WORK/b2.epcis.json" "$WORK/b2.bad2.json"
expect_reject "schema" cli2 --key farmer import epcis "$WORK/b2.bad2.json"
[[ $(cli2 status --json | json_field '["height"]') == 0 ]] || fail "an invalid import submitted records"
cli2 --key farmer import epcis "$WORK/b2.epcis.json" >/dev/null
cli2 export epcis $B9 --out "$WORK/b2.again.json" 2>/dev/null
python3 - "$WORK/b2.epcis.json" "$WORK/b2.again.json" <<'PY' || fail "round trip changed the events"
import json, sys
docs = [json.load(open(p))["epcisBody"]["eventList"] for p in sys.argv[1:]]
ids = [[e["eventID"] for e in d] for d in docs]
assert ids[0] == ids[1] and len(ids[0]) == 10, ids
steps = [e["bizStep"] for e in docs[1]]
for step in ("commissioning", "sensor_reporting", "shipping", "arriving", "receiving",
             "inspecting", "retail_selling", "holding"):
    assert step in steps, (step, steps)
assert any(e.get("disposition") == "recalled" for e in docs[1]), "no recall"
assert any("sensorElementList" in e for e in docs[1]), "no sensor readings"
assert any("certificationInfo" in e for e in docs[1]), "no certificate"
PY
[[ $(cli2 --json lot $B9 | json_field '["recalled"]') == True ]] || fail "imported B9 is not recalled"
[[ $(cli2 --json lot $B9 | json_field '["sold"]') == 80kg ]] || fail "imported B9 is not sold"
stop_pid $NODE2_PID
echo "ok: EPCIS import round trip (10 events incl. sensor, checkpoint, certificate, sale, recall)"

# --- Recall reaches derived lots
cli --key regulator recall $B1 --reason "Cadmium above limit" >/dev/null
[[ $(cli --json lot $R1 | json_field '["recalled"]') == True ]] || fail "R1 should be recalled"
[[ $(cli --json lot $M1 | json_field '["recalled"]') == True ]] || fail "M1 should be recalled"
[[ $(cli --json lot $B2 | json_field '["recalled"]') == False ]] || fail "B2 is not recalled"
expect_reject RECALLED cli --key packer ship $R1 --to retailer
expect_reject RECALLED cli --key packer pack --from $M1:10kg --to 01/06901234567809/10/M2:10kg
expect_reject RECALLED cli --key packer pack --from $B1:10kg --to 01/06901234567809/10/M3:10kg
expect_reject NOT_AUTHORIZED cli --key packer recall $B2 --reason "not mine"
cli --key packer ship $B2 --to retailer >/dev/null  # B2 itself is fine
cli --key retailer receive $B2 >/dev/null
cli --key retailer sell $B2 >/dev/null
[[ $(cli --json lot $B2 | json_field '["sold"]') == 100kg ]] || fail "B2 should be sold"
expect_reject INSUFFICIENT_QUANTITY cli --key retailer sell $B2

# Selling a recalled lot: R2 reaches the retailer before the recall of its own parent lot.
cli --key farmer harvest 01/06901234567892/10/B5 --commodity rice --quantity 50kg --field P >/dev/null
cli --key farmer ship 01/06901234567892/10/B5 --to retailer >/dev/null
cli --key retailer receive 01/06901234567892/10/B5 >/dev/null
cli --key farmer recall 01/06901234567892/10/B5 --reason "mislabelled" >/dev/null
expect_reject RECALLED cli --key retailer sell 01/06901234567892/10/B5

# --- Correction: the farmer declares a harvest record erroneous; history keeps both
HID=$(cli --json --key farmer harvest 01/06901234567892/10/B6 --commodity rice --quantity 10kg \
  --field "Plot 9" | json_field '["record_id"]')
cli --key farmer harvest 01/06901234567892/10/B7 --commodity rice --quantity 10kg \
  --field "Plot 10" --out "$WORK/fix.json" >/dev/null
cli --key farmer correct "$HID" --reason "wrong plot" --with "$WORK/fix.json" >/dev/null
cli --json history 01/06901234567892/10/B6 | grep -q '"correction"' || fail "no correction in history"
expect_reject NOT_AUTHORIZED cli --key packer correct "$HID" --reason "not mine"
expect_reject UNKNOWN_RECORD cli --key farmer correct "$(printf '%064d' 1)" --reason "x"
echo "ok: correction recorded"

# --- Revoke: the device first, then the carrier
cli --key admin revoke probe-1 --reason "stolen" >/dev/null
cli --key farmer harvest 01/06901234567892/10/B8 --commodity rice --quantity 10kg --field P >/dev/null
expect_reject REVOKED cli --key probe1 sensor 01/06901234567892/10/B8 --temperature 1
cli --key admin revoke carrier >/dev/null
expect_reject REVOKED cli --key carrier checkpoint $B1 --location "Anywhere"
expect_reject NOT_AUTHORIZED cli --key farmer revoke packer
echo "ok: revoke"

# --- Key rotation: the packer's new key receives what was shipped to its old key
cli key new packer-2027 --scrypt-n 1024 >/dev/null
NEWPACKER=$(cli --json key show packer-2027 | json_field '["pubkey"]')
B11=01/06901234567892/10/B11
cli --key farmer harvest $B11 --commodity rice --quantity 10kg --field P >/dev/null
cli --key farmer ship $B11 --to packer >/dev/null
expect_reject NOT_AUTHORIZED cli --key farmer rotate-key packer --new packer-2027
cli --key admin rotate-key packer --new packer-2027 --reason "phone stolen" >/dev/null
expect_reject REVOKED cli --key packer receive $B11
cli --key packer-2027 receive $B11 >/dev/null
[[ $(cli --json lot $B11 | json_field '["holdings"][0]["pubkey"]') == "$NEWPACKER" ]] ||
  fail "the new key does not hold $B11"
expect_reject REVOKED cli --key admin rotate-key packer --new probe1
echo "ok: key rotation"

echo "PASS: events_test"
