#!/usr/bin/env bash
# The HTTP gateway of a real node: product page, JSON bundle (verified by `agritrace verify`,
# from a file and from the URL, and refused once tampered), the JSON API, 404 and 400 with
# their reasons, /healthz and /metrics.
# Usage: http_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: http_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/consumer_lib.sh"

start_consumer_node
run_journey
GENESIS=$NET/genesis.json

# status CODE URL [curl args...]: the body, after checking the status code.
get() {
  local want=$1 url=$2; shift 2
  local code
  code=$(curl -sS -o "$WORK/body" -w '%{http_code}' "$@" "$url") || fail "curl $url"
  [[ $code == "$want" ]] || fail "GET $url: want $want, got $code: $(head -c 300 "$WORK/body")"
  cat "$WORK/body"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }

# --- The product page (HTML), in the visitor's language.
page=$(get 200 "$HTTP/$R1")
grep -q 'data-verification="pending"' <<<"$page" || fail "page lacks the verification marker"
grep -q '"lot":"01/06901234567809/10/R1"' <<<"$page" || fail "page lacks its config"
grep -q '<html lang="en">' <<<"$page" || fail "page is not English by default"
get 200 "$HTTP/$R1" -H 'Accept-Language: zh-CN,zh;q=0.9,en;q=0.5' | grep -q '<html lang="zh">' ||
  fail "Accept-Language zh does not give the Chinese page"
get 200 "$HTTP/$R1/21/SN0001" | grep -q '"serial":"SN0001"' || fail "serial path not served"
for f in app.js verify.js style.css vendor/noble.js; do get 200 "$HTTP/static/$f" >/dev/null; done
get 404 "$HTTP/static/index.html" >/dev/null
echo "ok: product page"

# --- The proof bundle, and offline verification of it.
get 200 "$HTTP/$R1" -H 'Accept: application/json' >"$WORK/bundle.json"
[[ $(json '["format"]' <"$WORK/bundle.json") == agritrace-proof-bundle/v1 ]] || fail "bundle format"
[[ $(json '["records"].__len__()' <"$WORK/bundle.json") == 6 ]] || fail "bundle should hold 6 records"
cli verify "$WORK/bundle.json" --genesis "$GENESIS" | tee "$WORK/verify.out" | tail -1 | grep -q '^OK:' ||
  fail "verify of the fetched bundle failed: $(cat "$WORK/verify.out")"
grep -q 'harvest 01/06901234567892/10/B1: rice 1000kg, Plot 7' "$WORK/verify.out" || fail "journey not printed"
cli verify "$HTTP/$R1" --genesis "$GENESIS" | tail -1 | grep -q '^OK:' || fail "verify URL failed"
curl -fsS -H 'Accept: application/x-protobuf' "$HTTP/$R1" -o "$WORK/bundle.pb"
cli verify "$WORK/bundle.pb" --genesis "$GENESIS" | tail -1 | grep -q '^OK:' || fail "binary bundle"
echo "ok: bundle verifies from file, URL and binary form"

# Tampering with a signature, a proof hash or a certificate is caught and named.
tamper() {  # tamper PYTHON-EXPR-ON-d EXPECTED-TEXT
  python3 - "$WORK/bundle.json" "$WORK/tampered.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def flip(h, at=10):
    b = bytearray.fromhex(h); b[at] ^= 1; return b.hex()
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
  local out
  if out=$(cli verify "$WORK/tampered.json" --genesis "$GENESIS" 2>&1); then fail "tampered bundle verified: $1"; fi
  grep -qF "$2" <<<"$out" || fail "tampering '$1' not named as '$2': $out"
  echo "ok: tampering caught: $2"
}
tamper 'd["records"][0]["envelope"]["signature"] = flip(d["records"][0]["envelope"]["signature"])' \
  'record 0 (harvest of 01/06901234567892/10/B1, block 1 #0): signature: BAD_SIGNATURE'
tamper 'd["records"][3]["envelope"]["body"] = flip(d["records"][3]["envelope"]["body"], 30)' 'record 3'
tamper 'd["records"][4]["proof"] = [flip("00"*32, 0)]; d["records"][4]["leaf_count"] = 2' 'record 4'
tamper 'c = d["blocks"][1]["certificate"]["signatures"][0]; c["signature"] = flip(c["signature"])' \
  'block 2: certificate: BAD_SIGNATURE'
tamper 'del d["records"][2]' 'while it is in transit'

# --- The JSON API.
lot=$(get 200 "$HTTP/api/v1/lots/$R1")
[[ $(json '["holdings"][0]["participant"]' <<<"$lot") == retailer ]] || fail "lot API: $lot"
[[ $(json '["sold"]' <<<"$lot") == 0pcs && $(json '["in_transit"]' <<<"$lot") == "[]" ]] ||
  fail "lot API parts: $lot"
history=$(get 200 "$HTTP/api/v1/history/$B1")
[[ $(json '["entries"].__len__()' <<<"$history") == 4 ]] || fail "history API"
[[ $(json '["entries"][0]["moved"]["created"]' <<<"$history") == 1000kg ]] ||
  fail "history API lacks what was moved: $history"
[[ $(json '["entries"][0]["record"]["local_time"]' <<<"$history") == *" +08:00" ]] ||
  fail "history API lacks the local time: $history"
get 404 "$HTTP/api/v1/lots/00/106141411234567897" | grep -q UNKNOWN_LOT || fail "API 404 pallet"
get 200 "$HTTP/api/v1/bundles/$R1" | json '["lot"]' | grep -q R1 || fail "bundle API"
status=$(get 200 "$HTTP/api/v1/status")
[[ $(json '["height"]' <<<"$status") -ge 6 ]] || fail "status API: $status"
get 200 "$HTTP/healthz" | grep -q ok || fail healthz
echo "ok: JSON API"

# --- Unknown lot: 404 that says so; malformed GTIN or lot: 400 with the reason.
get 404 "$HTTP/01/06901234567809/10/NOPE" | grep -q 'There is no lot 01/06901234567809/10/NOPE' ||
  fail "404 page does not say the lot is unknown"
[[ $(get 404 "$HTTP/01/06901234567809/10/NOPE" -H 'Accept: application/json' | json '["error"]["reason"]') == UNKNOWN_LOT ]] ||
  fail "404 JSON reason"
get 400 "$HTTP/01/06901234567808/10/R1" | grep -q 'check digit' || fail "400 for a bad check digit"
get 400 "$HTTP/01/06901234567809/10/ABCDEFGHIJKLMNOPQRSTUVWXYZ" | grep -q 'lot code' || fail "400 for a long lot"
get 400 "$HTTP/01/12AB/10/R1" -H 'Accept: application/json' | grep -q BAD_GS1_KEY || fail "400 JSON"
get 404 "$HTTP/api/v1/lots/01/06901234567809/10/NOPE" | grep -q UNKNOWN_LOT || fail "API 404"
echo "ok: 404 and 400"

# --- Metrics in the Prometheus text format.
metrics=$(get 200 "$HTTP/metrics")
for line in 'agritrace_height [0-9]' 'agritrace_mempool_size 0' 'agritrace_peers 0' \
  'agritrace_records_committed_total 6' 'agritrace_commit_latency_seconds_bucket\{le="\+Inf"\} [0-9]' \
  'agritrace_commit_latency_seconds_count [0-9]' 'agritrace_http_requests_total\{route="page",code="200"\} [0-9]' \
  'agritrace_http_requests_total\{route="page",code="404"\} [0-9]' '# TYPE agritrace_commit_latency_seconds histogram'; do
  grep -Eq "^$line" <<<"$metrics" || fail "metrics lack /$line/: $metrics"
done
echo "http test passed"
