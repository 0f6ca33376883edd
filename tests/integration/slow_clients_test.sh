#!/usr/bin/env bash
# Issue 16, scenario 10: slow and idle clients must not take the product page down.
# While agritrace-hostile-client holds 1,000 connections from 100 loopback addresses
# (127.0.0.2 to 127.0.0.101, 10 each) that dribble a request that never ends (a byte every 2 s,
# reconnecting whenever the gateway cuts one off), a shopper on 127.0.0.1 fetches the product
# page 200 times, each on a new connection: every answer is 200 (no 503), the p99 is printed
# (the issue's target is 100 ms; the test asserts a bound of 1 s so a slow CI machine does not
# fail it), the gateway reports the slow connections open, and a record commits.
# The limits are the defaults except that loopback is limited like any address (the attackers
# are loopback addresses), 10 connections per address are allowed (all 1,000 are held) and the
# shopper's address may make its 200 requests.
# Usage: slow_clients_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: slow_clients_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/consumer_lib.sh"

SLOW_CONNECTIONS=1000
SLOW_SOURCES=100       # 127.0.0.2 .. 127.0.0.101
DRIBBLE_MS=2000        # a byte every 2 s
ATTACK_SECONDS=40
SCANS=200
P99_BOUND_MS=1000      # the issue's target is 100 ms; this bound only catches a gateway that stalls

# The test itself holds 1,000 sockets: take the hard limit (the node raises its own).
ulimit -Sn "$(ulimit -Hn)"
(( $(ulimit -n) > SLOW_CONNECTIONS + 200 )) || fail "open-file limit $(ulimit -n) is too low"

"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" \
  --http-addr "127.0.0.1:$HTTP_PORT" --scrypt-n 1024 >/dev/null
python3 - "$NET/node.toml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
def put(section, key, value):
    global text
    pattern = r"(?ms)(^\[%s\]$.*?^%s = )[^\n]*" % (re.escape(section), re.escape(key))
    text, n = re.subn(pattern, r"\g<1>%s" % value, text, count=1)
    assert n == 1, key
put("http", "rate_limit_loopback", "true")
put("http", "max_connections_per_address", 10)
put("http", "client_requests_per_second", 1000)
put("http", "client_burst_requests", 1000)
open(path, "w").write(text)
PY
"$BIN/agritrace-node" run --dir "$NET" >>"$WORK/node.log" 2>&1 &
NODE_PID=$!
wait_for_node "$BIN/agritrace" "$AGRITRACE_NODE" || fail "node did not start"
for ((i = 0; i < 100; i++)); do curl -fsS "$HTTP/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
run_journey
height() { cli --json status | json_field '["height"]'; }
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }

# --- the attack
"$BIN/agritrace-hostile-client" slow "$HTTP_PORT" $SLOW_CONNECTIONS 127.0.0.2 $SLOW_SOURCES \
  $ATTACK_SECONDS $DRIBBLE_MS >"$WORK/slow.out" 2>&1 &
SLOW_PID=$!
EXTRA_PIDS+=("$SLOW_PID")
for ((i = 0; i < 600; i++)); do grep -qs '^ready' "$WORK/slow.out" && break; sleep 0.1; done
grep -q '^ready' "$WORK/slow.out" || fail "the slow clients did not connect: $(cat "$WORK/slow.out")"
echo "slow clients: $(head -1 "$WORK/slow.out")"

# --- a shopper scans the product page, a new connection each time
python3 - "$HTTP_PORT" "/$R1" $SCANS $P99_BOUND_MS <<'PY' || fail "the product page did not stay up"
import http.client, sys, time
port, path, scans, bound_ms = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
times, codes = [], {}
for _ in range(scans):
    start = time.perf_counter()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", path, headers={"Accept-Language": "en"})
        r = c.getresponse(); body = r.read(); c.close()
        code = r.status
    except OSError as e:
        code = type(e).__name__
    times.append((time.perf_counter() - start) * 1000)
    codes[code] = codes.get(code, 0) + 1
times.sort()
p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print("product page under attack: %d scans, codes %s, p50 %.1f ms, p99 %.1f ms, max %.1f ms"
      % (scans, codes, p(0.50), p(0.99), times[-1]))
assert codes == {200: scans}, "every scan must answer 200, got %s" % codes
assert p(0.99) < bound_ms, "p99 %.1f ms is over %d ms" % (p(0.99), bound_ms)
PY
echo "ok: the product page answered every scan during the attack"

# The gateway holds them (it counts its open connections in /metrics).
# They are cut off every read_timeout_ms and reconnect at once, so the most seen over a few
# samples is what the gateway holds between those moments.
open=0
for ((i = 0; i < 10; i++)); do
  now=$(curl -sS -m 10 "$HTTP/metrics" | sed -n 's/^agritrace_http_connections //p')
  ((${now:-0} > open)) && open=$now
  sleep 0.5
done
echo "gateway: $open connections open, node resident memory $(($(ps -o rss= -p "$NODE_PID") / 1024)) MiB"
[[ -n $open ]] && ((open >= SLOW_CONNECTIONS * 9 / 10)) ||
  fail "the gateway holds $open connections, want about $SLOW_CONNECTIONS"

# --- a record commits during the attack
before=$(height)
out=$(cli --json --key farmer harvest 01/06901234567892/10/SLOW1 --plot plot-1 --commodity rice \
      --quantity 10kg --field "Plot 3")
[[ $(json_field '["committed"]' <<<"$out") == True ]] || fail "harvest during the attack: $out"
(($(height) > before)) || fail "no block committed during the attack"
echo "ok: a record committed during the attack"

# The attack was still on: the slow clients' summary comes at its end.
kill -0 "$SLOW_PID" 2>/dev/null || fail "the slow clients stopped before the checks ended"
wait "$SLOW_PID" || true
echo "slow clients: $(tail -1 "$WORK/slow.out")"
grep -q '^connections=' "$WORK/slow.out" || fail "no summary from the slow clients"
echo "PASS slow_clients_test"
