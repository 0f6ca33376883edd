# Shared by the single-node integration tests (sourced): a fresh network directory, a real
# node on a free loopback port, and helpers that drive the real CLI.
# Needs BIN set; defines IT_HERE (this directory), WORK, NET, NODE_PID, fail, cli, start_node, expect_reject, json_field;
# stops the node and removes WORK on exit.
IT_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$IT_HERE/../../scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-it.XXXXXX)
NET=$WORK/net
export AGRITRACE_PASSWORD=it-secret
export AGRITRACE_NODE=127.0.0.1:$(free_port)
export AGRITRACE_KEYSTORE=$NET/keystore
NODE_PID=""
cleanup() { [[ -n $NODE_PID ]] && stop_pid "$NODE_PID"; rm -rf "$WORK"; }
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; [[ -f $WORK/node.log ]] && tail -20 "$WORK/node.log" >&2; exit 1; }
cli() { "$BIN/agritrace" "$@"; }
start_node() {
  "$BIN/agritrace-node" run --dir "$NET" >>"$WORK/node.log" 2>&1 &
  NODE_PID=$!
  wait_for_node "$BIN/agritrace" "$AGRITRACE_NODE" || fail "node did not start"
}
# expect_reject REASON CMD...: the command must fail and name REASON on stderr.
expect_reject() {
  local reason=$1; shift
  local err
  if err=$("$@" 2>&1 >/dev/null); then fail "expected $reason from: $*"; fi
  grep -q "$reason" <<<"$err" || fail "expected $reason from: $* ; got: $err"
  echo "ok: $reason refused: $*"
}
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }
