#!/usr/bin/env bash
# EPCIS round trip with partners' events, end to end with real nodes and the CLI: a journey on
# one chain with every event kind the export writes (a harvest dated 45 days ago, beyond the
# 30-day signing window; partial shipments with a carrier and refs; a checkpoint; a receipt
# with a rejected part and its return; a cancelled shipment; a loss; packing into count units;
# sensor readings; a certificate with all its fields; a pallet put together, shipped, received
# and taken apart; a sale; a recall; a correction; a master-data update) is exported, imported
# on a fresh chain by the packhouse alone, and exported again: the same eventIDs, both
# documents valid against GS1's schema. Every event the packhouse did not do is an attestation
# signed by the packhouse naming the original party; no partner key ever signs on chain 2.
# Usage: epcis_roundtrip_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: epcis_roundtrip_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/it_lib.sh"

"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" --scrypt-n 1024 >/dev/null
start_node

B1=01/06901234567892/10/B1
P1=01/06901234567809/10/P1
SSCC=106141411234567897
PALLET=00/$SSCC
OLD=$(python3 -c "import datetime as d; print((d.datetime.now(d.timezone.utc)-d.timedelta(days=45)).strftime('%Y-%m-%dT%H:%M:%S+00:00'))")

cli --key farmer participant update farmer --gln 6901234000047 --party-gln 6901234000061 >/dev/null
cli --key packer participant update packer --party-gln 6901234000054 >/dev/null
cli --key farmer harvest $B1 --plot plot-1 --commodity rice --variety Wuchang --quantity 1000kg \
  --field "Plot 7" --at "$OLD" --ref po:PO-2026-118 >/dev/null
TO_PACKER=$(cli --json --key farmer ship $B1 --to packer --quantity 600kg --carrier carrier \
  --ref bol:BOL-77 | json_field '["shipment"]')
cli --key farmer ship $B1 --to retailer --quantity 300kg >/dev/null
cli --key carrier checkpoint $B1 --location "Harbin depot" --step arriving --temperature 3 >/dev/null
BACK=$(cli --json --key packer receive $B1 --shipment "$TO_PACKER" --accept 580kg --reject 20kg \
  --reason "bruised and wet" | json_field '["return_shipment"]')
cli --key retailer receive $B1 >/dev/null
cli --key farmer receive $B1 --shipment "$BACK" >/dev/null
cli --key farmer loss $B1 --quantity 20kg --reason spoilage --note "rejected at the mill" >/dev/null
WRONG=$(cli --json --key farmer ship $B1 --to retailer --quantity 50kg | json_field '["shipment"]')
cli --key farmer cancel-shipment "$WRONG" >/dev/null
PACK=$(cli --json --key packer pack --from $B1:500kg --to $P1:100pcs --net-mass 5kg \
  --ref inv:INV-9 | json_field '["record_id"]')
cli --key packer sensor $P1 --temperature 3.5 --humidity 70 >/dev/null
cli --key inspector certify $P1 --standard "GB/T 19630 organic" --result pass \
  --certificate-id "OC-2026/17" --valid-from 2026-01-01T00:00:00Z \
  --valid-until 2027-01-01T00:00:00Z >/dev/null
cli --key packer aggregate $PALLET --lots $P1:60pcs >/dev/null
cli --key packer ship $PALLET --to retailer --carrier carrier >/dev/null
cli --key retailer receive $PALLET >/dev/null
cli --key retailer disaggregate $PALLET >/dev/null
cli --key retailer sell $P1 --quantity 25pcs --ref inv:RCPT-1 >/dev/null
cli --key regulator recall $P1 --reason "Cadmium above limit" >/dev/null
cli --key packer correct "$PACK" --reason "bag count checked again" >/dev/null

cli export epcis $P1 --lineage --out "$WORK/one.json" 2>/dev/null
python3 "$IT_HERE/validate_epcis.py" "$WORK/one.json" || fail "the export is not valid EPCIS"

# --- A fresh chain; the packhouse imports with only its own key.
PORT2=$(free_port)
HTTP2=http://127.0.0.1:$(free_port)
"$BIN/agritrace-node" init --dir "$WORK/net2" --grpc-addr 127.0.0.1:$PORT2 \
  --http-addr "${HTTP2#http://}" --scrypt-n 1024 >/dev/null
"$BIN/agritrace-node" run --dir "$WORK/net2" >>"$WORK/node2.log" 2>&1 &
NODE2_PID=$!
trap 'stop_pid $NODE2_PID; cleanup' EXIT
wait_for_node "$BIN/agritrace" 127.0.0.1:$PORT2 || fail "second node did not start"
mkdir -p "$WORK/ks-packer"
cp "$WORK/net2/keystore/packer.json" "$WORK/ks-packer/"
cli2() { AGRITRACE_NODE=127.0.0.1:$PORT2 AGRITRACE_KEYSTORE=$WORK/ks-packer "$BIN/agritrace" "$@"; }
# The packhouse's own master data on its chain is its business: the same party GLN here.
cli2 --key packer participant update packer --party-gln 6901234000054 >/dev/null
cli2 --key packer import epcis "$WORK/one.json" 2>"$WORK/import.err" ||
  fail "import failed: $(cat "$WORK/import.err")"
grep -q "attested as partners' events" "$WORK/import.err" || fail "no attestation summary"
cli2 export epcis $P1 --lineage --out "$WORK/two.json" 2>/dev/null
python3 "$IT_HERE/validate_epcis.py" "$WORK/two.json" || fail "the re-export is not valid EPCIS"

python3 - "$WORK/one.json" "$WORK/two.json" <<'PY' || fail "the round trip changed the events"
import json, sys
docs = [json.load(open(p)) for p in sys.argv[1:]]
events = [d["epcisBody"]["eventList"] for d in docs]
ids = [[e["eventID"] for e in ev] for ev in events]
assert ids[0] == ids[1], "\n".join(f"{a} {b}" for a, b in zip(*ids))
kinds = {(e["type"], e.get("bizStep"), e.get("action")) for e in events[0]}
for step in ("commissioning", "shipping", "arriving", "receiving", "void_shipping", "destroying",
             "packing", "sensor_reporting", "inspecting", "unpacking", "retail_selling", "holding"):
    assert any(k[1] == step for k in kinds), (step, kinds)
assert ("AggregationEvent", "packing", "ADD") in kinds and ("AggregationEvent", "unpacking", "DELETE") in kinds
assert any("errorDeclaration" in e for e in events[1]), "no correction"
assert any("agritrace:rejectedQuantityList" in e for e in events[1]), "no rejected part"
assert any(e.get("bizTransactionList") for e in events[1]), "no refs"
harvest = events[1][0]
assert harvest["readPoint"]["id"] == "https://id.gs1.org/414/6901234000047", harvest
cert = next(e for e in events[1] if e.get("bizStep") == "inspecting")
assert cert["agritrace:certificateID"] == "OC-2026/17" and "agritrace:validFrom" in cert, cert
header = docs[1]["epcisHeader"]["epcisMasterData"]["vocabularyList"]
parties = {el["id"] for v in header for el in v["vocabularyElementList"]}
# Parties with their own GLN are named by it (AI 417), apart from their location's (AI 414).
assert "https://id.gs1.org/417/6901234000061" in parties, parties
assert "https://id.gs1.org/417/6901234000054" in parties, parties
ship = next(e for e in events[1] if e.get("bizStep") == "shipping")
assert ship["sourceList"][0] == {"type": "owning_party", "source": "https://id.gs1.org/417/6901234000061"}, ship
assert ship["destinationList"][0]["destination"] == "https://id.gs1.org/417/6901234000054", ship
PY
echo "ok: export, import on a fresh chain by the packhouse alone, export again: same eventIDs"

# The partners' events are attestations signed by the packhouse; no partner holds anything as
# itself, and the quantities came through.
hist=$(cli2 --json history $B1)
python3 - "$hist" <<'PY' || fail "chain 2 history of B1: $hist"
import json, sys
entries = json.loads(sys.argv[1])
entries = entries.get("entries", entries) if isinstance(entries, dict) else entries
signers = {e.get("signer_name") for e in entries}
assert signers == {"packer"}, signers
harvest = next(e for e in entries if e["type"] == "harvest")
assert harvest["attestation"]["party"]["uri"] == "https://id.gs1.org/417/6901234000061", harvest
assert harvest["attestation"]["party"]["name"] == "farmer", harvest
own = [e for e in entries if "attestation" not in e]
assert own and all(e["type"] in ("receive", "transform", "correction", "participant_update") for e in own), own
PY
lot=$(cli2 --json lot $P1)
python3 - "$lot" <<'PY' || fail "chain 2 lot P1: $lot"
import json, sys
lot = json.loads(sys.argv[1])
assert lot["sold"] == "25pcs" and lot["recalled"] is True, lot
PY
echo "ok: partners' events are the packhouse's attestations naming them; quantities hold"

# Consumers check the imported journey: the CLI verifier and, where node.js is installed, the
# product page's own verifier (web/verify.js) follow the attested parties' custody.
curl -fsS -H 'Accept: application/json' "$HTTP2/$P1" >"$WORK/bundle.json" || fail "no bundle"
cli2 verify "$WORK/bundle.json" --genesis "$WORK/net2/genesis.json" >/dev/null ||
  fail "agritrace verify refused the imported journey's bundle"
if command -v node >/dev/null; then
  node "$IT_HERE/epcis_hash_check.js" "$WORK/two.json" >/dev/null ||
    fail "GS1's epcis2.js disagrees with an eventID of the re-export"
  echo "ok: GS1's epcis2.js agrees with every eventID of the re-export"
  curl -fsS "$HTTP2/$P1" >"$WORK/page.html" || fail "no product page"
  node "$IT_HERE/verify_bundle.js" "$IT_HERE/../../web" "$WORK/page.html" "$WORK/bundle.json" ||
    fail "the product page's verifier refused the imported journey"
  echo "ok: the product page's verifier accepts the imported journey"
fi
echo "ok: the imported journey verifies"
stop_pid $NODE2_PID
