#!/usr/bin/env bash
# The farm-to-shelf journey with the real binaries on a fresh one-validator chain.
# Usage: scripts/demo.sh [--keep-running]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KEEP_RUNNING=0
[[ "${1:-}" == "--keep-running" ]] && KEEP_RUNNING=1
source scripts/lib.sh

scripts/setup.sh
BIN=$ROOT/build/bin
WORK=$(mktemp -d /tmp/agritrace-demo.XXXXXX)
NET=$WORK/net
GRPC_PORT=$(free_port)
HTTP_PORT=$(free_port)
export AGRITRACE_PASSWORD=${AGRITRACE_PASSWORD:-agritrace-dev}
export AGRITRACE_NODE=127.0.0.1:$GRPC_PORT
export AGRITRACE_KEYSTORE=$NET/keystore

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ agritrace %s\n' "$*"; "$BIN/agritrace" "$@"; }

step "Create a one-validator chain in $NET"
"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" --http-addr "127.0.0.1:$HTTP_PORT"
"$BIN/agritrace-node" run --dir "$NET" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
cleanup() { [[ $KEEP_RUNNING == 1 ]] || { stop_pid "$NODE_PID"; rm -rf "$WORK"; }; }
trap cleanup EXIT
wait_for_node "$BIN/agritrace" "$AGRITRACE_NODE"
run status

B1=01/06901234567892/10/B1
R1=01/06901234567809/10/R1

step "Origin is backed by land: plot-1 (100 mu of rice, capped at 700 kg/mu) came with genesis"
run plot show plot-1
step "The farmer sprayed plot-1 three weeks ago; the 14-day pre-harvest interval has passed"
run --key farmer input plot-1 --product "Coragen 20% SC" --active-ingredient chlorantraniliprole \
  --phi-days 14 --rate "10 ml/mu" --at "$(date -u -d '21 days ago' +%Y-%m-%dT%H:%M:%SZ)"

step "The farmer registers the harvest of 1000 kg of paddy rice from plot-1"
run --key farmer harvest $B1 --plot plot-1 --commodity rice --variety "Wuchang Daohuaxiang No.2" \
  --quantity 1000kg --field "Plot 7" --location 45.12,127.45 --temp-range 0..4
step "The farmer forced-air cools the paddy in the co-operative's cold room (FSMA 204 cooling)"
run --key farmer cool $B1 --method forced-air --location "Co-op cold room 2"

step "A partial shipment: 600 kg go to the packing house by the cold-chain carrier, 400 kg stay"
run --key farmer ship $B1 --to packer --quantity 600kg --carrier carrier --ref bol:BOL-2026-0042
step "On the road the truck's sensor reads 7.5 C, above the lot's 0-4 C: a cold-chain breach"
run --key carrier checkpoint $B1 --location "Harbin depot" --step arriving --temperature 7.5

step "A rejection: the packer accepts 580 kg and sends back 20 kg that arrived wet"
run --key packer receive $B1 --accept 580kg --reject 20kg --reason "wet, smells of mould"
step "A loss: the farmer takes the 20 kg back and writes them off as spoiled"
run --key farmer receive $B1
run --key farmer loss $B1 --quantity 20kg --reason spoilage --note "rejected wet at the mill"
run lot $B1
run plot show plot-1
step "The farmer issues B1's compliance certificate (承诺达标合格证): on chain, and a printable slip"
run --key farmer compliance-cert $B1 --basis self-commitment --base-url "http://127.0.0.1:$HTTP_PORT" \
  --svg "$ROOT/build/cert-B1.svg" --png "$ROOT/build/cert-B1.png"  # kept after exit

step "The packer mills and packs 500 kg into 100 retail bags of 5 kg"
run --key packer pack --from $B1:500kg --to $R1:100pcs --net-mass 5kg

step "A packer cannot pack more than it holds (80 kg): the chain refuses"
if run --key packer pack --from $B1:100kg --to 01/06901234567809/10/R2:20pcs --net-mass 5kg; then
  echo "unexpected: over-packing was accepted" >&2; exit 1
fi

step "The bags go to the retailer, who acknowledges receipt"
run --key packer ship $R1 --to retailer --carrier carrier
run --key retailer receive $R1

step "An inspector certifies the bags; then the regulator recalls the paddy lot B1"
run --key inspector certify $R1 --standard "GB/T 19630 organic" --result pass
run --key regulator recall $B1 --reason "Cadmium above limit in a B1 sample"
step "The recall reaches the bags made from B1: the retailer cannot sell them"
if run --key retailer sell $R1 --quantity 25pcs; then
  echo "unexpected: a recalled lot was sold" >&2; exit 1
fi
run trace $R1 --backward

step "Anyone can read the lots and their history: who holds how much, what was shipped, rejected and lost"
run lot $R1
run history $R1
run history $B1

step "FDA asks for today's records of the rice bags' GTIN: the FSMA 204 sortable spreadsheet"
TODAY=$(python3 -c 'import datetime as d; print(d.datetime.now(d.timezone(d.timedelta(hours=8))).date())')
run export fsma --gtin 06901234567809 --from "$TODAY" --to "$TODAY" --out "$WORK/fsma.csv"
python3 - "$WORK/fsma.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    print(f'{r["Critical Tracking Event"]:16} {r["Traceability Lot Code"]:26} {r["Quantity"]:>4} '
          f'{r["Unit of Measure"]:4} {r["Event Time"]}  {r["Event Location Description"][:40]}')
print(f"{len(rows)} rows, one column per key data element (docs/fsma.md)")
PY

step "Done"
run status

step "The shopper scans the bag: a GS1 Digital Link QR code, verified offline"
PAGE_URL=http://127.0.0.1:$HTTP_PORT/$R1
run qr $R1 --base-url "http://127.0.0.1:$HTTP_PORT"
run qr $R1 --base-url "http://127.0.0.1:$HTTP_PORT" --png "$ROOT/build/qr-R1.png"  # kept after exit
echo "Page: $PAGE_URL  (open it in a browser: it verifies every step itself)"
run verify "$PAGE_URL" --genesis "$NET/genesis.json"
if [[ $KEEP_RUNNING == 1 ]]; then
  cat <<INFO

The node is still running (pid $NODE_PID), log in $WORK/node.log.
  export AGRITRACE_NODE=$AGRITRACE_NODE AGRITRACE_KEYSTORE=$AGRITRACE_KEYSTORE AGRITRACE_PASSWORD=$AGRITRACE_PASSWORD
  $BIN/agritrace status
  $BIN/agritrace --key farmer harvest 01/06901234567892/10/B2 --plot plot-1 --commodity rice --quantity 500kg --field "Plot 8"
  grpcurl -plaintext $AGRITRACE_NODE list      # server reflection is on
Stop it with: kill $NODE_PID
INFO
fi
