# Shared by the tests where agritrace-hostile-peer holds validator-4's key: validators 1-3 of a
# 4-validator loopback network run honestly. Source it after setting BIN, DEVNET, WORK and NET
# (and sourcing scripts/lib.sh); it defines:
#   fail MSG                  prints MSG and the honest validators' log tails, exits 1
#   start_honest_network [SED_EXPR]
#                             inits the network and starts validators 1-3 (SED_EXPR, if
#                             given, edits each node.toml first); sets HONEST, grpc[], http[],
#                             ADDR[name], TARGET / TARGET_HTTP (validator-1) and LOG (its log)
#   metric [HTTP_ADDR] NAME   NAME's value on that node's /metrics (default validator-1's),
#                             0 when absent

fail() {
  echo "FAIL: $*" >&2
  for log in "$NET"/validator-[123]/node.log; do echo "--- $log" >&2; tail -12 "$log" >&2; done
  exit 1
}

start_honest_network() {
  HONEST="validator-1 validator-2 validator-3"
  grpc=() http=()
  local i name
  for i in 1 2 3 4; do grpc+=("127.0.0.1:$(free_port)"); http+=("127.0.0.1:$(free_port)"); done
  "$BIN/agritrace-node" init --dir "$NET" --validators 4 --grpc-addrs "$(IFS=,; echo "${grpc[*]}")" \
    --http-addrs "$(IFS=,; echo "${http[*]}")" --propose-timeout-ms 1000 --vote-timeout-ms 500 \
    --scrypt-n 1024 >/dev/null
  for name in $HONEST; do
    [[ -n ${1:-} ]] && sed -i "$1" "$NET/$name/node.toml"
    "$DEVNET" start "$NET" "$name" >/dev/null
  done
  declare -gA ADDR=([validator-1]=${grpc[0]} [validator-2]=${grpc[1]} [validator-3]=${grpc[2]})
  TARGET=${grpc[0]} TARGET_HTTP=${http[0]} LOG=$NET/validator-1/node.log
}

metric() {
  local addr=$TARGET_HTTP
  (($# == 2)) && { addr=$1; shift; }
  python3 - "http://$addr/metrics" "$1" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
print(next((l.split()[-1] for l in text.splitlines() if l.startswith(sys.argv[2] + " ")), "0"))
PY
}
