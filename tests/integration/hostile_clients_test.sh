#!/usr/bin/env bash
# Hostile clients: a real node with tight client limits, attacked over gRPC and HTTP
# while honest clients keep working and blocks keep committing.
#   gRPC: an oversized request (above the Ledger limit, and above the transport limit) gets
#         RESOURCE_EXHAUSTED; a flood from [::1] past grpc.client_calls_per_second gets
#         RESOURCE_EXHAUSTED while an honest client on 127.0.0.1 still commits a record.
#   HTTP: slowloris connections from 127.0.0.2 (a byte every 0.3 s for 7 s, reconnecting) are capped
#         per address and cut off at http.read_timeout_ms, while /healthz from 127.0.0.1
#         answers within a second and records still commit; an oversized body gets 413 and
#         oversized headers 400/431; a flood from 127.0.0.3 gets 429 with Retry-After.
# Usage: hostile_clients_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: hostile_clients_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/it_lib.sh"

GRPC_PORT=${AGRITRACE_NODE##*:}
HTTP_PORT=$(free_port)
HTTP=http://127.0.0.1:$HTTP_PORT
FLOODER="[::1]:$GRPC_PORT"  # a second client address on this host (the node listens on [::])
READ_TIMEOUT_MS=2000

# Dual-stack listener so [::1] and 127.0.0.1 are two clients; limits low enough to hit.
"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "[::]:$GRPC_PORT" \
  --http-addr "127.0.0.1:$HTTP_PORT" --scrypt-n 1024 >/dev/null
python3 - "$NET/node.toml" "$READ_TIMEOUT_MS" <<'PY'
import re, sys
path, read_timeout = sys.argv[1], sys.argv[2]
text = open(path).read()
def put(key, value):
    global text
    text, n = re.subn(r"(?m)^%s = .*$" % re.escape(key), "%s = %s" % (key, value), text)
    assert n >= 1, key
put("client_calls_per_second", 20)
put("client_burst_calls", 40)
put("rate_limit_loopback", "true")          # both [grpc] and [http]: loopback is our attacker
put("threads", 8)
put("max_connections_per_address", 4)
put("client_requests_per_second", 5)
put("client_burst_requests", 20)
put("read_timeout_ms", read_timeout)
open(path, "w").write(text)
PY
start_node
for ((i = 0; i < 100; i++)); do curl -fsS "$HTTP/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
height() { cli --json status | json_field '["height"]'; }

# --- gRPC: oversized messages
out=$("$BIN/agritrace-hostile-client" oversized "$FLOODER" 20000000)
grep -q "^RESOURCE_EXHAUSTED .*exceeds the Ledger limit" <<<"$out" || fail "20 MB submit: $out"
echo "ok: a 20 MB Ledger request is refused: $out"
out=$("$BIN/agritrace-hostile-client" oversized "$FLOODER" 45000000)
grep -q "^RESOURCE_EXHAUSTED" <<<"$out" || fail "45 MB submit: $out"
echo "ok: a 45 MB message is refused by the transport: ${out:0:120}"

# --- gRPC: a flood from [::1] while the honest client on 127.0.0.1 commits a record
"$BIN/agritrace-hostile-client" flood "$FLOODER" 2000 >"$WORK/flood.out" &
FLOOD_PID=$!
out=$(cli --json --key farmer harvest 01/06901234567892/10/H1 --plot plot-1 --commodity rice --quantity 100kg \
      --field "Plot 1")
[[ $(json_field '["committed"]' <<<"$out") == True ]] || fail "honest harvest during the flood: $out"
wait $FLOOD_PID
flood=$(cat "$WORK/flood.out")
[[ $flood =~ refused=([0-9]+) ]] && ((BASH_REMATCH[1] > 1000)) || fail "flood not limited: $flood"
grep -q "rate limit: client ::1 exceeded 20 Ledger calls per second" <<<"$flood" ||
  fail "the refusal does not name the limit: $flood"
echo "ok: flood limited (${flood:0:60}...) while the honest harvest committed"

# --- HTTP: slowloris from 127.0.0.2 for 7 s, reconnecting whenever the node hangs up
python3 - "$HTTP_PORT" 7 >"$WORK/slow.json" <<'PY' &
import json, socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
conns, lifetimes, refused, served = [], [], 0, 0
def connect():
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.settimeout(2)
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    return [s, time.time(), 0]
end = time.time() + seconds
while time.time() < end:
    while len(conns) < 40:
        conns.append(connect())
    for c in list(conns):
        s, start, sent = c
        try:
            data = s.recv(4096)
            if data.startswith(b"HTTP/1.1 429"):
                refused += 1
            elif data == b"" and sent > 0:
                lifetimes.append(time.time() - start)  # served, then cut off
            conns.remove(c); s.close()
            continue
        except BlockingIOError:
            pass
        except OSError:
            conns.remove(c); s.close(); continue
        try:
            s.send(request[sent:sent + 1]); c[2] = min(sent + 1, len(request) - 1)
        except OSError:
            conns.remove(c); s.close()
    time.sleep(0.3)
print(json.dumps({"refused": refused, "cut": len(lifetimes),
                  "max_lifetime": max(lifetimes or [0])}))
PY
SLOW_PID=$!
sleep 1
before=$(height)
cli --key farmer harvest 01/06901234567892/10/H2 --plot plot-1 --commodity rice --quantity 100kg --field "Plot 2" \
  >/dev/null || fail "harvest during slowloris"
for i in 1 2 3 4; do
  t=$(curl -fsS -o /dev/null -w '%{time_total}' -m 1 "$HTTP/healthz") ||
    fail "/healthz did not answer within 1 s during slowloris (try $i)"
  echo "ok: /healthz answered in ${t}s during slowloris"
  sleep 1
done
wait $SLOW_PID
slow=$(cat "$WORK/slow.json")
(($(height) > before)) || fail "no block committed during slowloris"
python3 - "$slow" "$READ_TIMEOUT_MS" <<'PY' || fail "slowloris: $slow"
import json, sys
s, limit = json.loads(sys.argv[1]), int(sys.argv[2]) / 1000
assert s["refused"] > 0, "connections beyond the per-address cap were not refused"
assert s["cut"] > 0, "no slow connection was cut off"
assert s["max_lifetime"] < limit + 1.5, "a slow connection lived %.1fs" % s["max_lifetime"]
PY
echo "ok: slowloris capped and cut off: $slow"

# --- HTTP: oversized body and headers
code=$(head -c 100000 /dev/zero | curl -s -o /dev/null -w '%{http_code}' --data-binary @- \
  -H 'Content-Type: application/octet-stream' "$HTTP/healthz")
[[ $code == 413 ]] || fail "a 100 kB body got $code, not 413"
echo "ok: oversized body -> 413"
headers=()
for i in $(seq 1 100); do headers+=(-H "X-Pad-$i: $(head -c 300 /dev/zero | tr '\0' a)"); done
code=$(curl -s -o /dev/null -w '%{http_code}' "${headers[@]}" "$HTTP/healthz" || true)
[[ $code == 400 || $code == 431 || $code == 413 ]] || fail "30 kB of headers got $code"
echo "ok: oversized headers -> $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Long: $(head -c 9000 /dev/zero | tr '\0' a)" \
  "$HTTP/healthz" || true)
[[ $code == 400 || $code == 431 || $code == 413 ]] || fail "a 9 kB header line got $code"
echo "ok: a header line over 8 KiB -> $code"

# --- HTTP: a flood from 127.0.0.3 gets 429 with Retry-After
python3 - "$HTTP_PORT" <<'PY' || fail "HTTP flood was not limited"
import http.client, sys
port = int(sys.argv[1])
codes, retry = [], None
for _ in range(60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2, source_address=("127.0.0.3", 0))
    c.request("GET", "/healthz")
    r = c.getresponse(); r.read()
    codes.append(r.status)
    if r.status == 429: retry = r.getheader("Retry-After")
    c.close()
print("codes: %d x 200, %d x 429, Retry-After %s" % (codes.count(200), codes.count(429), retry))
assert codes.count(429) >= 30 and retry and int(retry) >= 1
PY
curl -fsS -m 1 "$HTTP/healthz" >/dev/null || fail "/healthz from another address after the flood"
echo "ok: HTTP flood -> 429 with Retry-After; other addresses unaffected"
echo "PASS hostile_clients_test"
