#!/usr/bin/env bash
# Quantity-true custody end to end with the real node and CLI: a harvest split over
# partial shipments, a receipt with a rejected part that goes back and is written off, packing,
# a pallet shipped and taken apart, bag-by-bag sales, a record signed offline twelve days after
# the fact, participants' master data, cooling, a transformation, the FSMA 204 export checked
# column by column against docs/fsma.md (by lot and as FDA's request by product and date), and
# each new command's main refusal.
# Usage: custody_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: custody_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/it_lib.sh"

"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" --scrypt-n 1024 >/dev/null
start_node

B1=01/06901234567892/10/B1
P1=01/06901234567809/10/P1
SSCC=106141411234567897
PALLET=00/$SSCC

# check_lot LOT PYTHON: runs PYTHON with `lot` bound to `agritrace --json lot LOT` and
# `held(name)` summing that participant's holdings (off pallets unless pallet=...).
check_lot() {
  local lot_json
  lot_json=$(cli --json lot "$1")
  python3 - "$lot_json" "$2" <<'PY' || fail "lot $1: $2 does not hold: $lot_json"
import json, sys
lot = json.loads(sys.argv[1])
def held(name, pallet=None):
    return sum(float(h["quantity"].rstrip("kgpcs")) for h in lot["holdings"]
               if h["participant"] == name and h.get("pallet") == pallet)
assert eval(sys.argv[2]), sys.argv[2]
PY
  echo "ok: $1: $2"
}

# --- The farm-gate day: 1,000 kg split over two partial shipments
cli --key farmer harvest $B1 --commodity rice --variety Wuchang --quantity 1000kg \
  --field "Plot 7" --ref po:PO-2026-118 >/dev/null
# Cooling (FSMA 204 CTE): the farmer holding the lot cools it; nobody else can.
cli --key farmer cool $B1 --method forced-air --location "Cold room 2" >/dev/null
expect_reject MALFORMED cli --key farmer cool $B1 --method fan
expect_reject NOT_CUSTODIAN cli --key retailer cool $B1 --method ice
cli --json history $B1 | python3 -c 'import json,sys; h=json.load(sys.stdin); c=[e for e in h if e["type"]=="cool"]; assert c and c[0]["event"]["method"]=="forced-air", h' ||
  fail "B1's history lacks the cooling"
echo "ok: cooling recorded by the holder"
TO_PACKER=$(cli --json --key farmer ship $B1 --to packer --quantity 600kg --carrier carrier \
  --ref bol:BOL-77 | json_field '["shipment"]')
[[ ${#TO_PACKER} == 64 ]] || fail "ship --json did not report the shipment id: $TO_PACKER"
cli --key farmer ship $B1 --to retailer --quantity 300kg >/dev/null
expect_reject INSUFFICIENT_QUANTITY cli --key farmer ship $B1 --to packer --quantity 101kg
check_lot $B1 'held("farmer") == 100 and len(lot["in_transit"]) == 2 and lot["quantity_left"] == "1000kg"'

# The packer takes 580 kg and rejects 20 kg, which travel back to the farm.
expect_reject MALFORMED cli --key packer receive $B1 --accept 580kg --reject 20kg
BACK=$(cli --json --key packer receive $B1 --shipment "$TO_PACKER" --accept 580kg --reject 20kg \
  --reason "bruised and wet" | json_field '["return_shipment"]')
cli --key retailer receive $B1 >/dev/null
cli --key farmer receive $B1 --shipment "$BACK" >/dev/null
expect_reject INSUFFICIENT_QUANTITY cli --key farmer loss $B1 --quantity 121kg --reason spoilage
expect_reject MALFORMED cli --key farmer loss $B1 --quantity 20kg --reason rotten
cli --key farmer loss $B1 --quantity 20kg --reason spoilage --note "rejected at the mill" >/dev/null
check_lot $B1 'held("farmer") == 100 and held("packer") == 580 and held("retailer") == 300'
check_lot $B1 'lot["lost"] == "20kg" and lot["in_transit"] == [] and lot["quantity_left"] == "980kg"'
check_lot $B1 'lot["quantity"] == "1000kg" and lot["consumed"] == "0kg" and lot["sold"] == "0kg"'
cli lot $B1 | grep -q "held by:.*farmer 100kg" || fail "lot text lacks the farmer's holding"

# --- Packing, a pallet, bag-by-bag sales
cli --key packer pack --from $B1:500kg --to $P1:100pcs --net-mass 5kg --ref inv:INV-9 >/dev/null
expect_reject BAD_GS1_KEY cli --key packer aggregate 00/106141411234567890 --lots $P1:60pcs
cli --json --key packer aggregate $PALLET --lots $P1:60pcs | grep -q "\"pallet\": \"$PALLET\"" ||
  fail "aggregate --json did not report the pallet"
expect_reject LOT_EXISTS cli --key packer aggregate $PALLET --lots $P1:1pcs
check_lot $P1 'held("packer") == 40 and held("packer", "'$SSCC'") == 60 and lot["pallet"] == "'$SSCC'"'
expect_reject INSUFFICIENT_QUANTITY cli --key packer ship $P1 --to retailer --quantity 41pcs
cli --key packer ship $PALLET --to retailer --carrier carrier >/dev/null
expect_reject ON_PALLET cli --key retailer receive $P1
cli --key retailer receive $PALLET >/dev/null
expect_reject ON_PALLET cli --key retailer sell $P1 --quantity 25pcs
expect_reject NOT_CUSTODIAN cli --key packer disaggregate $PALLET
cli --key retailer disaggregate $PALLET >/dev/null
cli --key retailer sell $P1 --quantity 25pcs --ref inv:RCPT-1 >/dev/null
check_lot $P1 'held("retailer") == 35 and held("packer") == 40 and lot["sold"] == "25pcs"'
check_lot $PALLET 'lot["kind"] == "pallet" and lot["status"] == "consumed" and lot["contents"][0]["quantity"] == "60pcs"'
check_lot $B1 'lot["consumed"] == "500kg" and held("packer") == 80'

# A transformation of 10 of the packer's 40 bags, shipped to the retailer and received.
M1=01/06901234567809/10/M1
cli --key packer transform --from $P1:10pcs --to $M1:50kg --ref other:BATCH-3 >/dev/null
cli --key packer ship $M1 --to retailer --quantity 30kg --ref bol:BOL-80 >/dev/null
cli --key retailer receive $M1 >/dev/null

# History: quantities moved, refs and shipment ids, in the event's local time (+08:00, the
# sample participants' zone).
hist=$(cli --json history $B1)
python3 - "$hist" "$TO_PACKER" "$BACK" <<'PY' || fail "B1 history: $hist"
import json, sys
h, to_packer, back = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
moved = [(e["type"], e["moved"]) for e in h]
assert moved[1] == ("cool", {}), moved[1]  # cooling moves nothing
assert moved[2] == ("ship", {"shipped": "600kg", "shipment": to_packer}), moved[2]
rec = next(m for t, m in moved if t == "receive" and "rejected" in m)
assert rec["accepted"] == "580kg" and rec["rejected"] == "20kg" and rec["return_shipment"] == back, rec
assert any(m.get("lost") == "20kg" for t, m in moved), moved
assert h[0]["event"]["refs"] == [{"type": "po", "id": "PO-2026-118"}], h[0]["event"]
assert all(e["local_time"].endswith("+08:00") for e in h), [e["local_time"] for e in h]
PY
cli history $B1 | grep -q "rejected 20kg (bruised and wet)" || fail "history text lacks the rejection"
cli history $PALLET | grep -q "disaggregate" || fail "the pallet's history lacks its disaggregation"
echo "ok: history shows quantities, refs and shipments in local time"

# --- Several shipments on their way: the chain names them; cancel one nobody received
B3=01/06901234567892/10/B3
cli --key farmer harvest $B3 --commodity rice --quantity 50kg --field "Plot 8" >/dev/null
FIRST=$(cli --json --key farmer ship $B3 --to packer --quantity 10kg | json_field '["shipment"]')
SECOND=$(cli --json --key farmer ship $B3 --to packer --quantity 15kg | json_field '["shipment"]')
err=$(cli --key packer receive $B3 2>&1 >/dev/null) && fail "receive without --shipment passed"
grep -q "UNKNOWN_SHIPMENT" <<<"$err" && grep -q "$FIRST" <<<"$err" && grep -q "$SECOND" <<<"$err" ||
  fail "the candidates are not named: $err"
echo "ok: UNKNOWN_SHIPMENT names both candidates"
cli --key packer receive $B3 --shipment "$FIRST" >/dev/null
expect_reject NOT_AUTHORIZED cli --key packer cancel-shipment "$SECOND"
cli --key farmer cancel-shipment "$SECOND" >/dev/null
expect_reject UNKNOWN_SHIPMENT cli --key farmer cancel-shipment "$SECOND"
expect_reject UNKNOWN_SHIPMENT cli --key farmer cancel-shipment "$(printf '%064d' 7)"
check_lot $B3 'held("farmer") == 40 and held("packer") == 10 and lot["in_transit"] == []'

# --- Event times: signed offline twelve days after the harvest, submitted today
CHAIN=$(cli --json status | json_field '["chain_id"]')
read -r HARVESTED SHIPPED LOCAL < <(python3 - <<'PY'
import datetime as d
tz = d.timezone(d.timedelta(hours=8))
day = (d.datetime.now(tz) - d.timedelta(days=12)).date()
h = d.datetime.combine(day, d.time(6, 30), tz)
print(h.isoformat(), (h + d.timedelta(hours=3)).isoformat(), h.strftime("%Y-%m-%d %H:%M +08:00"))
PY
)
B2=01/06901234567892/10/B2
cli --key farmer --chain-id "$CHAIN" harvest $B2 --commodity rice --quantity 80kg --field "Plot 2" \
  --at "$HARVESTED" --out "$WORK/b2-harvest.json" >/dev/null
cli --key farmer --chain-id "$CHAIN" ship $B2 --to packer --quantity 50kg --at "$SHIPPED" \
  --out "$WORK/b2-ship.json" >/dev/null
cli submit "$WORK/b2-harvest.json" "$WORK/b2-ship.json" >/dev/null
cli history $B2 | grep -q "$LOCAL" || fail "history does not show the harvest's local time $LOCAL"
[[ $(cli --json history $B2 | json_field '[0]["local_time"]') == "$LOCAL" ]] ||
  fail "history --json: $(cli --json history $B2)"
echo "ok: a record signed offline 12 days after the event committed; history shows $LOCAL"
# ...and both exports carry its time where it happened: EPCIS eventTime (UTC) with the
# +08:00 offset, FSMA's local-time column; the shipping event states the 50 kg it moved.
cli export epcis $B2 --out "$WORK/b2.epcis.json" >/dev/null
python3 - "$WORK/b2.epcis.json" "$HARVESTED" <<'PY' || fail "EPCIS export of the offline records"
import datetime as d, json, sys
events = json.load(open(sys.argv[1]))["epcisBody"]["eventList"]
harvested = d.datetime.fromisoformat(sys.argv[2]).astimezone(d.timezone.utc)
when = d.datetime.fromisoformat(events[0]["eventTime"].replace("Z", "+00:00"))
assert when == harvested, (when, harvested)
assert events[0]["eventTimeZoneOffset"] == "+08:00", events[0]
ship = [e for e in events if e.get("bizStep") == "shipping"][0]
assert ship["quantityList"][0]["quantity"] == 50, ship
PY
cli export fsma $B2 --out "$WORK/b2.csv" >/dev/null
grep -q "${HARVESTED%%+*}+08:00" "$WORK/b2.csv" || fail "FSMA export lacks the local time: $(cat "$WORK/b2.csv")"
echo "ok: both exports carry the offline records' event times and offsets"
expect_reject EVENT_TIME cli --key packer receive $B2 --at "$HARVESTED"
FUTURE=$(python3 -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) + d.timedelta(hours=2)).isoformat())')
expect_reject EVENT_TIME cli --key packer receive $B2 --at "$FUTURE"
expect_reject MALFORMED cli --key packer receive $B2 --at "yesterday"
cli --key packer receive $B2 >/dev/null

# --- FSMA 204: every column of each CTE as docs/fsma.md's table says (K and X filled, O filled
# on some row of the CTE, - empty), by lot and as FDA's request by product and date range.
cli export fsma $M1 --out "$WORK/m1.csv" >/dev/null
TODAY=$(python3 -c 'import datetime as d; print(d.datetime.now(d.timezone(d.timedelta(hours=8))).date())')
START=$(python3 -c 'import datetime as d; print(d.datetime.now(d.timezone(d.timedelta(hours=8))).date() - d.timedelta(days=13))')
cli export fsma --gtin 06901234567809 --from "$START" --to "$TODAY" --out "$WORK/gtin.csv" >/dev/null
cli export fsma --commodity RICE --from "$START" --to "$TODAY" --forward --out "$WORK/rice.csv" >/dev/null
cli export fsma --commodity rice --from "$TODAY" --to "$TODAY" --out "$WORK/today.csv" >/dev/null
python3 - "$IT_HERE/../../docs/fsma.md" "$WORK" "$TODAY" <<'PY' || fail "FSMA export does not match docs/fsma.md"
import csv, sys
docs, work, today = sys.argv[1:]
ctes = ["Harvesting", "Cooling", "Initial Packing", "Transformation", "Shipping", "Receiving"]
lines = [l for l in open(docs) if l.startswith("| ")]
start = next(i for i, l in enumerate(lines) if l.startswith("| Column |"))
head = [c.strip() for c in lines[start].strip().strip("|").split("|")]
table = [dict(zip(head, [c.strip() for c in l.strip().strip("|").split("|")])) for l in lines[start + 1:]]
def rows(name):
    with open(f"{work}/{name}") as f:
        r = list(csv.reader(f))
    assert r[0] == [t["Column"] for t in table], ("header", r[0])
    return [dict(zip(r[0], row)) for row in r[1:]]
m1 = rows("m1.csv")
for cte in ctes:
    mine = [r for r in m1 if r["Critical Tracking Event"] == cte]
    assert mine, f"no {cte} row"
    for t in table:
        mark, col = t[cte], t["Column"]
        cells = [r[col] for r in mine]
        if mark in "KX":
            assert all(cells), (cte, col, [r["AgriTrace Record"][:8] for r in mine if not r[col]])
        elif mark == "-":
            assert not any(cells), (cte, col, cells)
        else:
            assert any(cells), (cte, col)
print("ok: every KDE column of each CTE of the custody journey, as docs/fsma.md says")
harvests = {r["AgriTrace Lot"] for r in m1 if r["Critical Tracking Event"] == "Harvesting"}
assert harvests == {"01/06901234567892/10/B1"}, harvests
ship_b1 = [r for r in m1 if r["AgriTrace Lot"].endswith("/B1") and r["Critical Tracking Event"] in ("Shipping", "Receiving")]
assert not ship_b1, "a raw lot's shipping before packing is no CTE"
p1_ship = [r for r in m1 if r["AgriTrace Lot"].endswith("/P1") and r["Critical Tracking Event"] == "Shipping"]
assert [r["Quantity"] for r in p1_ship] == ["60"], p1_ship  # the pallet's 60 bags
pack = next(r for r in m1 if r["Critical Tracking Event"] == "Initial Packing")
assert pack["Quantity Received"] == "580" and pack["Cooling Method"] == "forced-air", pack
assert pack["Event Time"].endswith("+08:00") and pack["Harvester Phone Number"] == "'+86 451 5555 0101", pack
gtin = rows("gtin.csv")
assert gtin and {r["AgriTrace Lot"] for r in gtin} == {"01/06901234567809/10/P1", "01/06901234567809/10/M1"}, gtin
assert {r["Critical Tracking Event"] for r in gtin} == {"Initial Packing", "Transformation", "Shipping", "Receiving"}
rice = rows("rice.csv")
lots = {r["AgriTrace Lot"] for r in rice}
assert {"01/06901234567892/10/B1", "01/06901234567892/10/B2", "01/06901234567892/10/B3",
        "01/06901234567809/10/P1", "01/06901234567809/10/M1"} <= lots, lots
assert any(r["Critical Tracking Event"] == "Harvesting" and r["Event Date"] < today for r in rice), "B2's harvest"
assert all(r["Event Date"] == today for r in rows("today.csv"))
assert not any(r["AgriTrace Lot"].endswith("/B2") and r["Critical Tracking Event"] == "Harvesting" for r in rows("today.csv"))
print("ok: FDA request by GTIN and by commodity (with --forward) over a date range")
PY
expect_reject MALFORMED cli export fsma --gtin 06901234567809 --from "$START"
expect_reject MALFORMED cli export fsma --commodity rice --from 2026-13-01 --to "$TODAY"
expect_reject MALFORMED cli export fsma $M1 --gtin 06901234567809 --from "$START" --to "$TODAY"
expect_reject BAD_GS1_KEY cli export fsma --gtin 06901234567800 --from "$START" --to "$TODAY"

# --- Master data: register with contact details, update, and who may update
cli key new stall7 --scrypt-n 1024 >/dev/null
cli --key admin register stall-7 --pubkey stall7 --role retailer --org "Stall 7, Harbin market" \
  --address "7 Zhongyang Street, Harbin" --phone "+86 451 5555 0177" --tz +08:00 >/dev/null
[[ $(cli --json participant stall-7 | json_field '["contact"]["tz"]') == "+08:00" ]] ||
  fail "stall-7 has no time zone"
[[ $(cli --json participant farmer | json_field '["contact"]["phone"]') == "+86 451 5555 0101" ]] ||
  fail "init's farmer has no phone"
expect_reject NOT_AUTHORIZED cli --key packer participant update farmer --phone "+86 1"
expect_reject MALFORMED cli --key farmer participant update farmer --tz +15:00
cli --key farmer participant update farmer --phone "+86 451 5555 0111" --gln 0614141000005 >/dev/null
cli participant farmer | grep -q "+86 451 5555 0111" || fail "the farmer's new phone is not shown"
[[ $(cli --json participant farmer | json_field '["location"]["gln"]') == 0614141000005 ]] ||
  fail "the farmer's GLN was not updated"
echo "ok: participants' master data"

# --- The journey as EPCIS: P1's lineage (harvest, partial shipments, the rejected part, the
# loss, packing, the pallet, sales) validates against GS1's EPCIS 2.0 JSON schema, and GS1's
# epcis2.js, vendored, recomputes every eventID (CBV 2.0 section 8.9).
cli export epcis $P1 --lineage --out "$WORK/p1.epcis.json" >/dev/null
python3 "$IT_HERE/validate_epcis.py" "$WORK/p1.epcis.json" || fail "P1's lineage is not valid EPCIS"
node "$IT_HERE/epcis_hash_check.js" "$WORK/p1.epcis.json" ||
  fail "epcis2.js disagrees with an eventID of P1's lineage"
echo "ok: P1's lineage is valid EPCIS 2.0 and epcis2.js recomputes every eventID"

echo "PASS: custody_test"
