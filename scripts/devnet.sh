#!/usr/bin/env bash
# A loopback network of real agritrace-node processes, for development and fault drills.
#
#   scripts/devnet.sh up DIR [--validators N] [--observers M]   init (first time) and start all
#   scripts/devnet.sh down DIR                                   stop every node (SIGTERM)
#   scripts/devnet.sh kill DIR NODE                              SIGKILL one node
#   scripts/devnet.sh start DIR NODE                             start one node again
#   scripts/devnet.sh status DIR                                 height and tip of every node
#   scripts/devnet.sh add DIR NAME                               a new node for a running devnet
#
# `up` writes DIR/devnet.json: every node's name, kind, gRPC and HTTP addresses, data dir, pid
# and log files, and the sample participants with the keystore path and password. Defaults:
# 4 validators, 1 observer. Binaries come from $AGRITRACE_BIN (default build/bin); keys are
# encrypted with $AGRITRACE_PASSWORD (default agritrace-dev) at scrypt cost
# $DEVNET_SCRYPT_N (default 4096: a devnet trades key-file strength for fast CLI calls).
#
# `add` makes DIR/NAME for a network that is already up: a fresh node key, a node.toml like
# validator-1's (the network's genesis and network file, new loopback ports), lists NAME in the
# network file as an observer (its key is how peers admit it), restarts the running nodes one
# at a time so that they read the file again (a quorum stays up throughout), starts NAME (it
# syncs from genesis), adds it to devnet.json and prints the proposal that makes it a validator.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
BIN=${AGRITRACE_BIN:-$HERE/../build/bin}
PASSWORD=${AGRITRACE_PASSWORD:-agritrace-dev}
export AGRITRACE_PASSWORD=$PASSWORD
# Short round timeouts: on loopback a proposal arrives in milliseconds, and a dead proposer
# should cost a fraction of a second per height, not seconds.
PROPOSE_TIMEOUT_MS=${DEVNET_PROPOSE_TIMEOUT_MS:-1000}
VOTE_TIMEOUT_MS=${DEVNET_VOTE_TIMEOUT_MS:-500}

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "devnet: $*" >&2; exit 1; }

node_names() { python3 -c 'import json,sys; print(" ".join(n["name"] for n in json.load(open(sys.argv[1]))["nodes"]))' "$1/network.json"; }
node_grpc() { python3 -c 'import tomllib,sys; print(tomllib.load(open(sys.argv[1],"rb"))["grpc"]["addr"])' "$1/$2/node.toml"; }

init_network() {
  local dir=$1 validators=$2 observers=$3 total=$(($2 + $3)) grpc=() http=()
  for ((i = 0; i < total; i++)); do
    grpc+=("127.0.0.1:$(free_port)")
    http+=("127.0.0.1:$(free_port)")
  done
  "$BIN/agritrace-node" init --dir "$dir" --validators "$validators" --observers "$observers" \
    --grpc-addrs "$(IFS=,; echo "${grpc[*]}")" --http-addrs "$(IFS=,; echo "${http[*]}")" \
    --propose-timeout-ms "$PROPOSE_TIMEOUT_MS" --vote-timeout-ms "$VOTE_TIMEOUT_MS" \
    --scrypt-n "${DEVNET_SCRYPT_N:-4096}" >/dev/null
}

start_node() {
  local dir=$1 name=$2 pid_file=$1/$2/node.pid
  [[ -d $dir/$name ]] || die "no node $name in $dir"
  if [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "$name is already running (pid $(cat "$pid_file"))"; return 0
  fi
  # setsid: the node outlives this script and its terminal.
  setsid "$BIN/agritrace-node" run --dir "$dir/$name" >>"$dir/$name/node.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
}

wait_up() {
  local dir=$1 name=$2
  wait_for_node "$BIN/agritrace" "$(node_grpc "$dir" "$name")" 30 ||
    { tail -5 "$dir/$name/node.log" >&2; die "$name did not come up"; }
}

write_devnet_json() {
  python3 - "$1" "$PASSWORD" <<'PY'
import json, os, sys, tomllib
d, password = os.path.abspath(sys.argv[1]), sys.argv[2]
net = json.load(open(os.path.join(d, "network.json")))
nodes = []
for n in net["nodes"]:
    nd = os.path.join(d, n["name"])
    conf = tomllib.load(open(os.path.join(nd, "node.toml"), "rb"))
    nodes.append({"name": n["name"], "kind": n["kind"], "pubkey": n["pubkey"],
                  "grpc": conf["grpc"]["addr"], "http": conf["http"]["addr"],
                  "dir": nd, "data_dir": os.path.join(nd, conf["node"]["data_dir"]),
                  "pid_file": os.path.join(nd, "node.pid"), "log_file": os.path.join(nd, "node.log")})
keystore = os.path.join(d, "keystore")
names = ["admin", "farmer", "packer", "carrier", "retailer", "inspector", "regulator"]
doc = {"chain_id": net["chain_id"], "genesis": os.path.join(d, "genesis.json"),
       "network": os.path.join(d, "network.json"), "keystore": keystore, "password": password,
       "nodes": nodes,
       "participants": [{"name": p, "keystore": keystore, "password": password} for p in names]}
json.dump(doc, open(os.path.join(d, "devnet.json"), "w"), indent=2)
PY
}

cmd_up() {
  local dir=$1; shift
  local validators=4 observers=1
  while (($#)); do
    case $1 in
      --validators) validators=$2; shift 2 ;;
      --observers) observers=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ -x $BIN/agritrace-node ]] || die "no $BIN/agritrace-node (build first, or set AGRITRACE_BIN)"
  [[ -f $dir/genesis.json ]] || init_network "$dir" "$validators" "$observers"
  local name
  for name in $(node_names "$dir"); do start_node "$dir" "$name"; done
  for name in $(node_names "$dir"); do wait_up "$dir" "$name"; done
  write_devnet_json "$dir"
  echo "devnet up in $dir: $(node_names "$dir")"
  echo "  nodes and participants: $dir/devnet.json"
  echo "  try: AGRITRACE_KEYSTORE=$dir/keystore AGRITRACE_PASSWORD=$PASSWORD $BIN/agritrace --node $(node_grpc "$dir" validator-1) status"
}

cmd_down() {
  local dir=$1 name
  for name in $(node_names "$dir"); do
    [[ -f $dir/$name/node.pid ]] && stop_pid "$(cat "$dir/$name/node.pid")"
    rm -f "$dir/$name/node.pid"
  done
  echo "devnet in $dir stopped"
}

cmd_kill() {
  local dir=$1 name=$2 pid_file=$1/$2/node.pid
  [[ -f $pid_file ]] || die "$name is not running"
  kill -KILL "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}

cmd_status() {
  local dir=$1 name
  for name in $(node_names "$dir"); do
    printf '%-14s ' "$name"
    "$BIN/agritrace" --node "$(node_grpc "$dir" "$name")" --json status 2>/dev/null |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["height"], d["tip_hash"][:16])' 2>/dev/null ||
      echo "down"
  done
}

cmd_add() {
  local dir=$1 name=$2 nd=$1/$2
  [[ $name =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "bad node name '$name'"
  [[ -f $dir/devnet.json ]] || die "no devnet in $dir (run up first)"
  [[ -e $nd ]] && die "$nd exists"
  mkdir -p "$nd"
  local keys pubkey grpc http
  keys=$(mktemp -d)
  "$BIN/agritrace" --keystore "$keys" key new "$name" --scrypt-n "${DEVNET_SCRYPT_N:-4096}" >/dev/null
  pubkey=$("$BIN/agritrace" --keystore "$keys" --json key show "$name" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["pubkey"])')
  mv "$keys/$name.json" "$nd/node_key.json"
  rm -rf "$keys"
  chmod 600 "$nd/node_key.json"
  grpc=127.0.0.1:$(free_port) http=127.0.0.1:$(free_port)
  python3 - "$dir" "$name" "$pubkey" "$grpc" "$http" <<'PY'
import json, os, re, sys
d, name, pubkey, grpc, http = sys.argv[1:]
toml = open(os.path.join(d, "validator-1", "node.toml")).read()
def put(section, key, value):
    global toml
    pattern = r'(\[%s\][^\[]*?^%s\s*=\s*)"[^"]*"' % (re.escape(section), re.escape(key))
    toml, n = re.subn(pattern, lambda m: m.group(1) + json.dumps(value), toml, count=1,
                      flags=re.M | re.S)
    assert n == 1, (section, key)
put("node", "name", name)
put("grpc", "addr", grpc)
put("http", "addr", http)
open(os.path.join(d, name, "node.toml"), "w").write(toml)
path = os.path.join(d, "network.json")
net = json.load(open(path))
net["nodes"].append({"name": name, "kind": "observer", "pubkey": pubkey, "address": grpc})
tmp = path + ".tmp"
json.dump(net, open(tmp, "w"), indent=2)
os.replace(tmp, path)
PY
  # Peers read the network file at start: restart the running ones, one at a time.
  local other
  for other in $(node_names "$dir"); do
    [[ $other == "$name" ]] && continue
    [[ -f $dir/$other/node.pid ]] && kill -0 "$(cat "$dir/$other/node.pid")" 2>/dev/null || continue
    stop_pid "$(cat "$dir/$other/node.pid")"
    rm -f "$dir/$other/node.pid"
    start_node "$dir" "$other"
    wait_up "$dir" "$other"
  done
  start_node "$dir" "$name"
  wait_up "$dir" "$name"
  write_devnet_json "$dir"
  echo "devnet: $name runs as an observer in $nd (node key $pubkey)"
  echo "  make it a validator (an admin proposes, more than two thirds of the validators approve):"
  echo "  AGRITRACE_KEYSTORE=$dir/keystore AGRITRACE_PASSWORD=$PASSWORD $BIN/agritrace --node $(node_grpc "$dir" validator-1) --key admin validator propose add $name --pubkey $pubkey --address $grpc --organization $name"
  echo "  then on each validator: AGRITRACE_PASSWORD=$PASSWORD $BIN/agritrace-node approve --dir $dir/validator-N PROPOSAL"
}

(($# >= 2)) || usage
command=$1 dir=$2; shift 2
case $command in
  up) cmd_up "$dir" "$@" ;;
  down) cmd_down "$dir" ;;
  kill) (($# == 1)) || usage; cmd_kill "$dir" "$1" ;;
  start) (($# == 1)) || usage; start_node "$dir" "$1"; wait_up "$dir" "$1" ;;
  status) cmd_status "$dir" ;;
  add) (($# == 1)) || usage; cmd_add "$dir" "$1" ;;
  *) usage ;;
esac
