#!/usr/bin/env bash
# Mutual TLS (node.toml [tls]) with a network CA from scripts/make-certs.sh: a validator and an
# observer peer over TLS (a record committed on the validator reaches the observer), the CLI
# works with the network's certificates; a plaintext client, a client whose certificate comes
# from another CA, and a peer with another CA's certificate are all refused before any request;
# a certificate is accepted for its own use only (a server certificate as a client's, or a
# client certificate as a server's, fails the TLS handshake); a peer with a good certificate
# but a node key outside the network is refused at the handshake, and so is a listed key
# presented with a certificate that names another node key. Scenario 8 of issue 16: a listed
# key's handshake passed on by an on-path relay that terminates TLS with its own network
# certificates is refused (the relay's certificate names its own key), and so it is even if
# the relay holds a certificate naming the relayed key (the proof is bound to the TLS channel
# it was signed on); nobody is banned.
# Usage: tls_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: tls_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/../..
source "$ROOT/scripts/lib.sh"

WORK=$(mktemp -d /tmp/agritrace-tls.XXXXXX)
NET=$WORK/net
PIDS=()
export AGRITRACE_PASSWORD=tls-secret AGRITRACE_KEYSTORE=$NET/keystore
cleanup() {
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  [[ -n ${RELAY_PID:-} ]] && kill "$RELAY_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$NET"/*/node.log; do echo "--- $log" >&2; tail -10 "$log" >&2; done
  exit 1
}

V=127.0.0.1:$(free_port) O=127.0.0.1:$(free_port) VH=127.0.0.1:$(free_port)
"$BIN/agritrace-node" init --dir "$NET" --validators 1 --observers 1 --grpc-addrs "$V,$O" \
  --http-addrs "$VH,127.0.0.1:$(free_port)" --scrypt-n 1024 >/dev/null
"$BIN/agritrace" key new stranger --scrypt-n 1024 >/dev/null   # a node key outside the network
"$BIN/agritrace" key new relay --scrypt-n 1024 >/dev/null
# Nodes get a server and a client certificate naming their node key; the wallet a client one.
# "impostor" names observer-1's key but is held by the relay (a mis-issued certificate).
"$ROOT/scripts/make-certs.sh" "$NET/certs" validator-1="$NET/validator-1" \
  observer-1="$NET/observer-1/node_key.json" stranger="$NET/keystore/stranger.json" \
  relay="$NET/keystore/relay.json" impostor="$NET/observer-1" wallet >/dev/null
"$ROOT/scripts/make-certs.sh" "$WORK/rogue" intruder >/dev/null  # another CA
for name in validator-1 observer-1; do
  python3 - "$NET/$name/node.toml" "$name" <<'PY'
import re, sys
path, name = sys.argv[1], sys.argv[2]
text = open(path).read()
tls = (f'[tls]\nenabled = true\nca_file = "../certs/ca.crt"\n'
       f'cert_file = "../certs/{name}.crt"\nkey_file = "../certs/{name}.key"\n'
       f'client_cert_file = "../certs/{name}-client.crt"\n'
       f'client_key_file = "../certs/{name}-client.key"\n')
text, n = re.subn(r'\[tls\][^\[]*', tls + '\n', text)
open(path, "w").write(text if n else text + "\n" + tls)
PY
  "$BIN/agritrace-node" run --dir "$NET/$name" >"$NET/$name/node.log" 2>&1 &
  PIDS+=($!)
done

export AGRITRACE_TLS_CA=$NET/certs/ca.crt AGRITRACE_TLS_CERT=$NET/certs/wallet.crt \
  AGRITRACE_TLS_KEY=$NET/certs/wallet.key
wait_for_node "$BIN/agritrace" "$V" || fail "validator did not come up with TLS"
wait_for_node "$BIN/agritrace" "$O" || fail "observer did not come up with TLS"
echo "ok: both nodes answer the CLI over mutual TLS"

# A record committed on the validator reaches the observer over the TLS peer channel.
"$BIN/agritrace" --node "$V" --key farmer harvest 01/06901234567892/10/TLS1 --plot plot-1 --commodity rice \
  --quantity 10kg --field "Plot 1" >/dev/null || fail "harvest over TLS failed"
for ((i = 0; i < 100; i++)); do
  "$BIN/agritrace" --node "$O" lot 01/06901234567892/10/TLS1 >/dev/null 2>&1 && break
  sleep 0.1
done
((i < 100)) || fail "the observer never received the block over TLS"
echo "ok: validator and observer peer over TLS (observer has lot TLS1)"

refused() {  # refused WHAT CMD...: the CLI call must fail as UNAVAILABLE
  local what=$1 err; shift
  if err=$("$@" 2>&1 >/dev/null); then fail "$what: the node answered"; fi
  grep -q UNAVAILABLE <<<"$err" || fail "$what: expected UNAVAILABLE, got: $err"
  echo "ok: $what refused"
}
refused "plaintext client" env -u AGRITRACE_TLS_CA -u AGRITRACE_TLS_CERT -u AGRITRACE_TLS_KEY \
  "$BIN/agritrace" --node "$V" --timeout-ms 3000 status
refused "client with another CA's certificate" "$BIN/agritrace" --node "$V" --timeout-ms 3000 \
  --tls-cert "$WORK/rogue/intruder.crt" --tls-key "$WORK/rogue/intruder.key" status
refused "client that does not trust the network CA" "$BIN/agritrace" --node "$V" \
  --timeout-ms 3000 --tls-ca "$WORK/rogue/ca.crt" status
if "$BIN/agritrace" --node "$V" --tls-ca "$NET/certs/ca.crt" --tls-cert "" status >/dev/null 2>&1; then
  fail "incomplete TLS flags accepted"
fi

refused "client presenting a server certificate" "$BIN/agritrace" --node "$V" --timeout-ms 3000 \
  --tls-cert "$NET/certs/observer-1.crt" --tls-key "$NET/certs/observer-1.key" status

hostile() { "$BIN/agritrace-hostile-peer" --target "$V" --genesis "$NET/genesis.json" --mode hold \
  --wait-ms 1000 "$@"; }
refusals() {  # refusals WHY: the validator's agritrace_peer_refusals_total{why="WHY"}
  python3 - "http://$VH/metrics" "agritrace_peer_refusals_total{why=\"$1\"}" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
print(next((l.split()[-1] for l in text.splitlines() if l.startswith(sys.argv[2] + " ")), "0"))
PY
}
code=0; out=$(hostile --key-file "$NET/observer-1/node_key.json" --tls-ca "$WORK/rogue/ca.crt" \
  --tls-cert "$WORK/rogue/intruder.crt" --tls-key "$WORK/rogue/intruder.key") || code=$?
((code == 3)) && grep -q "before hello" <<<"$out" || fail "peer with another CA's cert: $code $out"
echo "ok: peer with another CA's certificate refused ($out)"
code=0; out=$(hostile --key-file "$NET/keystore/stranger.json" --tls-ca "$NET/certs/ca.crt" \
  --tls-cert "$NET/certs/stranger-client.crt" --tls-key "$NET/certs/stranger-client.key") || code=$?
((code == 3)) && grep -q "at handshake" <<<"$out" || fail "unlisted key with a good cert: $code $out"
echo "ok: peer with a network certificate but an unlisted node key refused ($out)"

# A listed key (observer-1's) with a network client certificate that names another node key.
before=$(refusals certificate_key)
code=0; out=$(hostile --key-file "$NET/observer-1/node_key.json" --tls-ca "$NET/certs/ca.crt" \
  --tls-cert "$NET/certs/stranger-client.crt" --tls-key "$NET/certs/stranger-client.key") || code=$?
((code == 3)) && grep -q "did not accept our key" <<<"$out" ||
  fail "a certificate naming another node key was not refused: $code $out"
(($(refusals certificate_key) == before + 1)) || fail "the refusal was not counted as certificate_key"
echo "ok: a certificate naming another node key refused at the handshake ($out)"

# A server presenting a client certificate fails the client's TLS handshake (and the relay,
# given proper certificates, passes the CLI through: the control).
start_relay() {  # start_relay SERVER_CERT_BASE CLIENT_CERT_BASE
  [[ -n ${RELAY_PID:-} ]] && { kill "$RELAY_PID" 2>/dev/null; wait "$RELAY_PID" 2>/dev/null || true; }
  R_PORT=$(free_port)
  python3 "$HERE/tls_relay.py" "$R_PORT" "$V" "$NET/certs/ca.crt" "$1.crt" "$1.key" "$2.crt" \
    "$2.key" >"$WORK/relay.out" 2>&1 &
  RELAY_PID=$!
  for ((i = 0; i < 300; i++)); do grep -q listening "$WORK/relay.out" && break; sleep 0.1; done
  ((i < 300)) || fail "the relay did not start: $(cat "$WORK/relay.out")"
}
start_relay "$NET/certs/relay" "$NET/certs/relay-client"
# (A Python relay on a loaded machine may drop a connection: a few attempts.)
for attempt in 1 2 3; do
  "$BIN/agritrace" --node "127.0.0.1:$R_PORT" --timeout-ms 10000 status >/dev/null 2>&1 && break
  ((attempt < 3)) || fail "the CLI through a relay with proper certificates failed"
done
start_relay "$NET/certs/relay-client" "$NET/certs/relay-client"
refused "server presenting a client certificate" "$BIN/agritrace" --node "127.0.0.1:$R_PORT" \
  --timeout-ms 3000 status

# Issue 16, scenario 8: a relay in the middle (it holds network certificates, as any
# organisation's machine does) passes a listed key's handshake on: refused, nobody banned.
# The relay is a Python process: on a loaded machine its own connection can fail before the
# handshake is reached. That attempt shows nothing, so it is retried (a few times at most);
# any other outcome is judged.
relayed() {  # relayed WHY: observer-1's handshake through the relay, refused and counted as WHY
  local why=$1 before attempt
  before=$(refusals "$why")
  for attempt in 1 2 3 4 5; do
    code=0; out=$("$BIN/agritrace-hostile-peer" --target "127.0.0.1:$R_PORT" --genesis "$NET/genesis.json" \
      --mode hold --wait-ms 1000 --trust-node --key-file "$NET/observer-1/node_key.json" \
      --tls-ca "$NET/certs/ca.crt" --tls-cert "$NET/certs/wallet.crt" --tls-key "$NET/certs/wallet.key") || code=$?
    grep -q "refused before hello" <<<"$out" || break
    echo "the relayed connection failed before the handshake (attempt $attempt); again"
  done
  ((code == 3 || code == 0)) && ! grep -q "still connected" <<<"$out" ||
    fail "a handshake relayed through a TLS-terminating relay was not refused: $code $out (relay: $(tail -3 "$WORK/relay.out"))"
  (($(refusals "$why") == before + 1)) || fail "the relayed handshake was not refused as $why"
}
# The relay's own certificates name its own key: the node refuses the relayed key at once.
start_relay "$NET/certs/relay" "$NET/certs/relay-client"
relayed certificate_key
echo "ok: a handshake relayed through another TLS endpoint refused (its certificate names another key)"
# Even with a certificate naming observer-1's key, the relay cannot pass the handshake on:
# observer-1's proof is bound to the relay's server certificate, not the validator's.
start_relay "$NET/certs/relay" "$NET/certs/impostor-client"
relayed channel_binding
echo "ok: a relayed handshake refused even under a certificate naming the relayed key (channel binding)"
! grep -q "banning peer" "$NET/validator-1/node.log" || fail "a relayed handshake got someone banned"
echo "ok: nobody was banned"
echo "TLS test passed"
