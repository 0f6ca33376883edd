# Shared by the consumer tests (sourced): a real node with its HTTP gateway on free loopback
# ports, taken through the farm-to-shelf journey by the real CLI.
# Needs BIN set; defines WORK, NET, HTTP, B1, R1, fail, cli, start_consumer_node, run_journey.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-consumer.XXXXXX)
NET=$WORK/net
GRPC_PORT=$(free_port)
HTTP_PORT=$(free_port)
HTTP=http://127.0.0.1:$HTTP_PORT
export AGRITRACE_PASSWORD=it-secret
export AGRITRACE_NODE=127.0.0.1:$GRPC_PORT
export AGRITRACE_KEYSTORE=$NET/keystore
NODE_PID=""
EXTRA_PIDS=()
consumer_cleanup() {
  for pid in "${EXTRA_PIDS[@]}"; do stop_pid "$pid"; done
  [[ -n $NODE_PID ]] && stop_pid "$NODE_PID"
  rm -rf "$WORK"
}
trap consumer_cleanup EXIT

B1=01/06901234567892/10/B1
R1=01/06901234567809/10/R1

fail() { echo "FAIL: $*" >&2; [[ -f $WORK/node.log ]] && tail -20 "$WORK/node.log" >&2; exit 1; }
cli() { "$BIN/agritrace" "$@"; }

start_consumer_node() {
  "$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" \
    --http-addr "127.0.0.1:$HTTP_PORT" --scrypt-n 1024 >/dev/null
  "$BIN/agritrace-node" run --dir "$NET" >>"$WORK/node.log" 2>&1 &
  NODE_PID=$!
  wait_for_node "$BIN/agritrace" "$AGRITRACE_NODE" || fail "node did not start"
  for ((i = 0; i < 100; i++)); do
    curl -fsS "$HTTP/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "the HTTP gateway did not come up on $HTTP"
}

# A second product with partial custody: 600 kg of B2 shipped, 20 kg of it rejected and sent
# back, 500 kg packed into 100 bags of R2, 60 bags shipped on to the retailer.
B2=01/06901234567892/10/B2
R2=01/06901234567809/10/R2
run_custody_journey() {
  cli --key farmer harvest $B2 --plot plot-1 --commodity rice --variety Wuchang --quantity 1000kg \
    --field "Plot 9" >/dev/null
  cli --key farmer ship $B2 --to packer --quantity 600kg >/dev/null
  cli --key packer receive $B2 --accept 580kg --reject 20kg --reason bruised >/dev/null
  cli --key packer pack --from $B2:500kg --to $R2:100pcs --net-mass 5kg >/dev/null
  cli --key packer ship $R2 --to retailer --quantity 60pcs >/dev/null
  cli --key retailer receive $R2 >/dev/null
}

run_journey() {
  cli --key farmer harvest $B1 --plot plot-1 --commodity rice --variety Wuchang --quantity 1000kg \
    --field "Plot 7" --location 45.12,127.45 >/dev/null
  cli --key farmer ship $B1 --to packer --carrier carrier >/dev/null
  cli --key packer receive $B1 >/dev/null
  cli --key packer pack --from $B1:600kg --to $R1:120pcs --net-mass 5kg >/dev/null
  cli --key packer ship $R1 --to retailer --carrier carrier >/dev/null
  cli --key retailer receive $R1 >/dev/null
}

# Origin (issue 15's Origin card): plot-7 registered with a place and certified organic (50 t),
# an application 20 days before the harvest (14-day interval), 600 kg of O7 from plot-7 packed
# with 400 kg of U7 from the uncertified plot-1 into R9 (1000 kg: a 60% organic claim), and the
# packer's compliance certificate on R9. O8, 1400 kg more from plot-7, goes elsewhere: the card
# shows plot-7's whole season (2000 kg of 7000 kg) beside this product's own 600 kg.
O7=01/06901234567892/10/O7
O8=01/06901234567892/10/O8
U7=01/06901234567892/10/U7
R9=01/06901234567809/10/R9
run_origin_journey() {
  cli --key inspector plot register plot-7 --owner farmer --area 10mu --crop rice \
    --max-yield 700kg/mu --location 45.1203,127.4504 >/dev/null
  cli --key inspector certify plot-7 --standard "GB/T 19630 organic" --claim organic \
    --tonnage 50t --valid-until "$(date -u -d '+1 year' +%Y-%m-%d)" \
    --certificate-id ORG-2026-0042 >/dev/null
  cli --key farmer input plot-7 --product "Coragen 20% SC" --active-ingredient chlorantraniliprole \
    --phi-days 14 --rate "10 ml/mu" --at "$(date -u -d '20 days ago' +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
  cli --key farmer harvest $O7 --plot plot-7 --commodity rice --variety Wuchang --quantity 600kg >/dev/null
  cli --key farmer harvest $U7 --plot plot-1 --commodity rice --variety Wuchang --quantity 400kg >/dev/null
  cli --key farmer harvest $O8 --plot plot-7 --commodity rice --variety Wuchang --quantity 1400kg >/dev/null
  cli --key farmer ship $O7 --to packer >/dev/null
  cli --key farmer ship $U7 --to packer >/dev/null
  cli --key packer receive $O7 >/dev/null
  cli --key packer receive $U7 >/dev/null
  cli --key packer pack --from $O7:600kg --from $U7:400kg --to $R9:200pcs --net-mass 5kg >/dev/null
  cli --key packer compliance-cert $R9 --basis self-commitment --svg "$WORK/r9-cert.svg" >/dev/null
}
